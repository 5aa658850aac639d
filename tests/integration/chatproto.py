"""The chat wire format in Python, written from common/protocol.h alone.

It is kept independent of the C codec on purpose: the integration tests speak to the
real server through this module, so a mistake in either implementation shows up as a
disagreement on the wire instead of being shared by both sides.

Frame: u32 payload length, u16 type, u16 flags (0), then the payload. Integers are
big-endian; a str is a u16 byte length and that many bytes of UTF-8 without NUL; a
sha256 is 32 raw bytes; chunk data is the rest of the payload.
"""

import struct

VERSION = 1
HEADER_SIZE = 8
MAX_PAYLOAD = 128 * 1024
MAX_CHUNK = 64 * 1024
MAX_TEXT = 8192
MAX_NAME_CHARS = 32
MAX_NAME_BYTES = 128
MAX_FILENAME_BYTES = 1024
MAX_REASON = 1024
MAX_AGENT = 64
MAX_USERS_PER_FRAME = 512
SHA256_LEN = 32
MAX_PASSWORD = 1024
MAX_INVITE = 64
TOKEN_LEN = 32
ROOM_LOBBY = 0
MAX_TOPIC = 512
MAX_SEARCH_QUERY = 256
MAX_SNIPPET = 1024
MAX_THUMB_BYTES = 64 * 1024
MAX_THUMB_SIDE = 320
SEARCH_ALL_ROOMS = 0xFFFFFFFF
SNIPPET_MARK_START = "\x02"
SNIPPET_MARK_END = "\x03"
CHUNK_PREFIX = 16

# Frame types.
HELLO = 0x0001
WELCOME = 0x0002
ERROR = 0x0003
PING = 0x0004
PONG = 0x0005
GOODBYE = 0x0006
SHUTDOWN = 0x0007
USER_LIST = 0x0010
USER_JOINED = 0x0011
USER_LEFT = 0x0012
TEXT_SEND = 0x0100
TEXT = 0x0101
FILE_OFFER = 0x0200
FILE_ACCEPT = 0x0201
FILE_CHUNK = 0x0202
FILE_END = 0x0203
FILE_CANCEL = 0x0204
FILE_ANNOUNCE = 0x0205
DOWNLOAD_REQUEST = 0x0210
DOWNLOAD_START = 0x0211
DOWNLOAD_CHUNK = 0x0212
DOWNLOAD_END = 0x0213
DOWNLOAD_CANCEL = 0x0214
ROOM_CREATE = 0x0300
ROOM_JOIN = 0x0301
ROOM_LEAVE = 0x0302
ROOM_LIST = 0x0303
ROOM_TOPIC_SET = 0x0304
ROOM_INVITE = 0x0305
DIRECT_SEND = 0x0306
BLOCK = 0x0307
ROOM_INFO = 0x0310
ROOM_STATE = 0x0311
ROOM_MEMBERS = 0x0312
ROOM_PRESENCE = 0x0313
ROOM_TOPIC = 0x0314
ROOM_INVITED = 0x0315
PRESENCE_SET = 0x0316
PRESENCE_STATE = 0x0317
REGISTER = 0x0400
LOGIN = 0x0401
LOGIN_TOKEN = 0x0402
SESSION = 0x0403
LOGOUT = 0x0404
PASSWORD_CHANGE = 0x0405
INVITE_CREATE = 0x0406
INVITE = 0x0407
MODERATE = 0x0408
DONE = 0x0409
NOTICE = 0x040A
USER_ROLE = 0x040B
HISTORY = 0x0600
HISTORY_END = 0x0601
RESUME = 0x0602
RESUME_GAP = 0x0603
TYPING_SET = 0x0700
READ_MARK = 0x0701
RECEIPTS_SET = 0x0702
EDIT = 0x0703
DELETE = 0x0704
REPLY_SEND = 0x0705
REACT = 0x0706
TYPING = 0x0710
READ_MARKER = 0x0711
RECEIPT = 0x0712
MESSAGE_EDITED = 0x0713
MESSAGE_DELETED = 0x0714
REPLY_TO = 0x0715
REACTION = 0x0716
SEARCH = 0x0720
SEARCH_RESULT = 0x0721
FILE_OFFER_THUMB = 0x0722
FILE_ANNOUNCE_THUMB = 0x0723
NOTIFY_LEVEL_SET = 0x0724
NOTIFY_LEVEL = 0x0725
# Events between cluster nodes (through Redis only; a client that sends one gets
# UNKNOWN_TYPE).
EVENT_ACCOUNT_CREATE = 0x0800
EVENT_SESSION_ADD = 0x0801
EVENT_SESSION_DROP = 0x0802
EVENT_ACCOUNT_CHANGE = 0x0803
EVENT_MODERATE = 0x0804
EVENT_ROOM_CREATE = 0x0805
EVENT_ROOM_MEMBER = 0x0806
EVENT_ROOM_TOPIC = 0x0807
EVENT_TEXT = 0x0808
EVENT_BLOCK = 0x0809
EVENT_EDIT = 0x080A
EVENT_DELETE = 0x080B
EVENT_REACT = 0x080C
EVENT_READ_MARK = 0x080D
EVENT_INVITE_CREATE = 0x080E
EVENT_FILE = 0x080F
EVENT_FILE_THUMB = 0x0810
EVENT_DIRECT = 0x0812
EVENT_RECEIPTS_SET = 0x0813
EVENT_NOTIFY_LEVEL = 0x0814
EVENT_PRUNE = 0x0815

# Notification levels (NOTIFY_LEVEL_SET, NOTIFY_LEVEL).
NOTIFY_ALL = 0
NOTIFY_MENTIONS = 1
NOTIFY_NONE = 2

# Roles, moderation actions and logout scopes.
# Room kinds, ROOM_INFO flags, ROOM_MEMBERS / ROOM_PRESENCE states.
ROOM_PUBLIC = 0
ROOM_PRIVATE = 1
ROOM_DIRECT = 2
ROOM_FLAG_MEMBER = 1
ROOM_FLAG_INVITED = 2
MEMBER_OFFLINE = 0
MEMBER_ONLINE = 1
MEMBER_JOINED = 2
MEMBER_LEFT = 3
# PRESENCE_SET / PRESENCE_STATE states.
PRESENCE_ACTIVE = 0
PRESENCE_AWAY = 1
# HISTORY modes and HISTORY_END flags.
HISTORY_LATEST = 1
HISTORY_BEFORE = 2
HISTORY_AFTER = 3
HISTORY_AROUND = 4
HISTORY_MORE_BEFORE = 1
HISTORY_MORE_AFTER = 2
# TYPING states.
TYPING_DONE = 0
TYPING_ACTIVE = 1
TYPING_PAUSED = 2

ROLE_MEMBER = 0
ROLE_MODERATOR = 1
ROLE_ADMIN = 2
ROLE_GUEST = 3
MOD_ROLE = 1
MOD_BAN = 2
MOD_UNBAN = 3
MOD_KICK = 4
MOD_MUTE = 5
MOD_DELETE = 6
LOGOUT_THIS = 0
LOGOUT_ALL = 1

# Error codes.
E_MALFORMED = 1
E_UNKNOWN_TYPE = 2
E_FRAME_TOO_LARGE = 3
E_VERSION = 4
E_NAME_INVALID = 5
E_NAME_TAKEN = 6
E_NOT_LOGGED_IN = 7
E_ALREADY_LOGGED_IN = 8
E_TEXT_INVALID = 9
E_SERVER_FULL = 10
E_FILE_TOO_LARGE = 11
E_FILE_NAME_INVALID = 12
E_TOO_MANY_TRANSFERS = 13
E_TRANSFER_UNKNOWN = 14
E_BAD_OFFSET = 15
E_FILE_MISMATCH = 16
E_FILE_NOT_FOUND = 17
E_STORAGE = 18
E_TIMEOUT = 19
E_TOO_SLOW = 20
E_RATE_LIMITED = 21
E_ROOM_UNKNOWN = 22
E_INTERNAL = 23
E_DUPLICATE_ID = 24
E_WRONG_PASSWORD = 25
E_REGISTRATION_CLOSED = 26
E_INVITE_REQUIRED = 27
E_INVITE_INVALID = 28
E_THROTTLED = 29
E_BANNED = 30
E_BUSY = 31
E_NOT_ALLOWED = 32
E_PASSWORD_WEAK = 33
E_ACCOUNT_UNKNOWN = 34
E_MUTED = 35
E_KICKED = 36
E_TOKEN_INVALID = 37
E_GUESTS_DISABLED = 38
E_SESSION_REPLACED = 39
E_TLS_REQUIRED = 40
E_ROOM_NAME_INVALID = 50
E_ROOM_NAME_TAKEN = 51
E_NOT_IN_ROOM = 52
E_ROOM_FULL = 53
E_TOO_MANY_ROOMS = 54
E_ROOM_CREATE_LIMIT = 55
E_DIRECT_REFUSED = 56
E_PRESENCE_INVALID = 57
E_PRESENCE_TOO_FAST = 58
E_HISTORY_INVALID = 60
E_MESSAGE_UNKNOWN = 61
E_NOT_AUTHOR = 62
E_MESSAGE_DELETED = 63
E_EMOJI_INVALID = 64
E_TOO_MANY_REACTIONS = 65
E_TYPING_INVALID = 66
E_NOTIFY_LEVEL_INVALID = 67
E_SEARCH_INVALID = 70
E_THUMBNAIL_INVALID = 71
E_SEARCH_BUSY = 72
E_CLUSTER_UNAVAILABLE = 80

# Caps on strings by (frame type, field); a string without an entry is capped only by
# its u16 length prefix.
_STR_CAPS = {
    (HELLO, "username"): MAX_NAME_BYTES,
    (HELLO, "agent"): MAX_AGENT,
    (WELCOME, "username"): MAX_NAME_BYTES,
    (ERROR, "message"): MAX_REASON,
    (GOODBYE, "reason"): MAX_REASON,
    (SHUTDOWN, "reason"): MAX_REASON,
    (TEXT, "sender"): MAX_NAME_BYTES,
    (FILE_OFFER, "name"): MAX_FILENAME_BYTES,
    (FILE_ANNOUNCE, "uploader"): MAX_NAME_BYTES,
    (FILE_ANNOUNCE, "name"): MAX_FILENAME_BYTES,
    (DOWNLOAD_START, "name"): MAX_FILENAME_BYTES,
    (REGISTER, "username"): MAX_NAME_BYTES,
    (REGISTER, "password"): MAX_PASSWORD,
    (REGISTER, "invite"): MAX_INVITE,
    (REGISTER, "agent"): MAX_AGENT,
    (LOGIN, "username"): MAX_NAME_BYTES,
    (LOGIN, "password"): MAX_PASSWORD,
    (LOGIN, "agent"): MAX_AGENT,
    (LOGIN_TOKEN, "agent"): MAX_AGENT,
    (SESSION, "username"): MAX_NAME_BYTES,
    (PASSWORD_CHANGE, "old_password"): MAX_PASSWORD,
    (PASSWORD_CHANGE, "new_password"): MAX_PASSWORD,
    (INVITE, "code"): MAX_INVITE,
    (MODERATE, "target"): MAX_NAME_BYTES,
    (MODERATE, "reason"): MAX_REASON,
    (NOTICE, "actor"): MAX_NAME_BYTES,
    (NOTICE, "target"): MAX_NAME_BYTES,
    (NOTICE, "reason"): MAX_REASON,
    (ROOM_CREATE, "name"): MAX_NAME_BYTES,
    (ROOM_CREATE, "topic"): MAX_TOPIC,
    (ROOM_JOIN, "name"): MAX_NAME_BYTES,
    (ROOM_TOPIC_SET, "topic"): MAX_TOPIC,
    (ROOM_INVITE, "username"): MAX_NAME_BYTES,
    (DIRECT_SEND, "username"): MAX_NAME_BYTES,
    (DIRECT_SEND, "text"): MAX_TEXT,
    (BLOCK, "username"): MAX_NAME_BYTES,
    (ROOM_INFO, "name"): MAX_NAME_BYTES,
    (ROOM_INFO, "topic"): MAX_TOPIC,
    (ROOM_STATE, "name"): MAX_NAME_BYTES,
    (ROOM_STATE, "topic"): MAX_TOPIC,
    (ROOM_TOPIC, "actor"): MAX_NAME_BYTES,
    (ROOM_TOPIC, "topic"): MAX_TOPIC,
    (ROOM_INVITED, "inviter"): MAX_NAME_BYTES,
    (ROOM_INVITED, "name"): MAX_NAME_BYTES,
    (ROOM_INVITED, "topic"): MAX_TOPIC,
    (SEARCH, "query"): MAX_SEARCH_QUERY,
    (SEARCH_RESULT, "sender"): MAX_NAME_BYTES,
    (SEARCH_RESULT, "snippet"): MAX_SNIPPET,
    (FILE_OFFER_THUMB, "name"): MAX_FILENAME_BYTES,
    (FILE_ANNOUNCE_THUMB, "uploader"): MAX_NAME_BYTES,
    (FILE_ANNOUNCE_THUMB, "name"): MAX_FILENAME_BYTES,
}

_REF = [("id", "u64")]
_CHUNK = [("id", "u64"), ("offset", "u64"), ("data", "data")]
_USERS = [("users", "users")]

# Field layouts, in wire order, exactly as the structs in protocol.h list them.
LAYOUTS = {
    HELLO: [("version", "u16"), ("features", "u32"), ("username", "str"), ("agent", "str")],
    WELCOME: [("version", "u16"), ("features", "u32"), ("user_id", "u32"),
              ("server_time_ms", "u64"), ("users_online", "u32"), ("max_payload", "u32"),
              ("max_text", "u32"), ("max_chunk", "u32"), ("max_uploads", "u32"),
              ("max_file_size", "u64"), ("username", "str")],
    ERROR: [("code", "u16"), ("ref_type", "u16"), ("ref_id", "u64"), ("message", "str")],
    PING: [("token", "u64")],
    PONG: [("token", "u64")],
    GOODBYE: [("reason", "str")],
    SHUTDOWN: [("reason", "str")],
    USER_LIST: _USERS,
    USER_JOINED: _USERS,
    USER_LEFT: _USERS,
    TEXT_SEND: [("client_id", "u64"), ("room_id", "u32"), ("text", "str")],
    TEXT: [("message_id", "u64"), ("time_ms", "u64"), ("room_id", "u32"),
           ("sender_id", "u32"), ("client_id", "u64"), ("sender", "str"), ("text", "str")],
    FILE_OFFER: [("upload_id", "u64"), ("size", "u64"), ("sha256", "sha256"),
                 ("room_id", "u32"), ("name", "str")],
    FILE_ACCEPT: _REF,
    FILE_CHUNK: _CHUNK,
    FILE_END: _REF,
    FILE_CANCEL: _REF,
    FILE_ANNOUNCE: [("file_id", "u64"), ("message_id", "u64"), ("time_ms", "u64"),
                    ("room_id", "u32"), ("uploader_id", "u32"), ("upload_id", "u64"),
                    ("size", "u64"), ("sha256", "sha256"), ("uploader", "str"),
                    ("name", "str")],
    DOWNLOAD_REQUEST: [("file_id", "u64"), ("offset", "u64")],
    DOWNLOAD_START: [("file_id", "u64"), ("offset", "u64"), ("size", "u64"),
                     ("sha256", "sha256"), ("name", "str")],
    DOWNLOAD_CHUNK: _CHUNK,
    DOWNLOAD_END: _REF,
    DOWNLOAD_CANCEL: _REF,
    REGISTER: [("version", "u16"), ("features", "u32"), ("username", "str"),
               ("password", "str"), ("invite", "str"), ("agent", "str")],
    LOGIN: [("version", "u16"), ("features", "u32"), ("username", "str"),
            ("password", "str"), ("agent", "str")],
    LOGIN_TOKEN: [("version", "u16"), ("features", "u32"), ("token", "sha256"),
                  ("agent", "str")],
    SESSION: [("token", "sha256"), ("expires_ms", "u64"), ("account_id", "u32"),
              ("role", "u16"), ("username", "str")],
    LOGOUT: [("request_id", "u64"), ("scope", "u16")],
    PASSWORD_CHANGE: [("request_id", "u64"), ("old_password", "str"),
                      ("new_password", "str")],
    INVITE_CREATE: [("request_id", "u64"), ("valid_minutes", "u32")],
    INVITE: [("request_id", "u64"), ("expires_ms", "u64"), ("code", "str")],
    MODERATE: [("request_id", "u64"), ("action", "u16"), ("value", "u32"),
               ("target", "str"), ("reason", "str")],
    DONE: [("request_id", "u64"), ("request_type", "u16")],
    NOTICE: [("time_ms", "u64"), ("action", "u16"), ("value", "u32"), ("actor", "str"),
             ("target", "str"), ("reason", "str")],
    USER_ROLE: [("role", "u16"), ("users", "users")],
    ROOM_CREATE: [("request_id", "u64"), ("kind", "u16"), ("name", "str"), ("topic", "str")],
    ROOM_JOIN: [("request_id", "u64"), ("name", "str")],
    ROOM_LEAVE: [("request_id", "u64"), ("room_id", "u32")],
    ROOM_LIST: [("request_id", "u64")],
    ROOM_TOPIC_SET: [("request_id", "u64"), ("room_id", "u32"), ("topic", "str")],
    ROOM_INVITE: [("request_id", "u64"), ("room_id", "u32"), ("username", "str")],
    DIRECT_SEND: [("client_id", "u64"), ("username", "str"), ("text", "str")],
    BLOCK: [("request_id", "u64"), ("blocked", "u16"), ("username", "str")],
    ROOM_INFO: [("request_id", "u64"), ("room_id", "u32"), ("kind", "u16"), ("flags", "u16"),
                ("members", "u32"), ("name", "str"), ("topic", "str")],
    ROOM_STATE: [("room_id", "u32"), ("kind", "u16"), ("members", "u32"), ("name", "str"),
                 ("topic", "str")],
    ROOM_MEMBERS: [("room_id", "u32"), ("state", "u16"), ("users", "users")],
    ROOM_PRESENCE: [("room_id", "u32"), ("state", "u16"), ("users", "users")],
    ROOM_TOPIC: [("room_id", "u32"), ("time_ms", "u64"), ("actor", "str"), ("topic", "str")],
    ROOM_INVITED: [("room_id", "u32"), ("inviter", "str"), ("name", "str"), ("topic", "str")],
    PRESENCE_SET: [("request_id", "u64"), ("state", "u16")],
    PRESENCE_STATE: [("room_id", "u32"), ("state", "u16"), ("users", "users")],
    HISTORY: [("request_id", "u64"), ("room_id", "u32"), ("mode", "u16"), ("limit", "u16"),
              ("anchor", "u64")],
    HISTORY_END: [("request_id", "u64"), ("room_id", "u32"), ("flags", "u16"), ("count", "u32")],
    RESUME: [("request_id", "u64"), ("room_id", "u32"), ("last_id", "u64")],
    RESUME_GAP: [("request_id", "u64"), ("room_id", "u32"), ("after_id", "u64"),
                 ("before_id", "u64")],
    TYPING_SET: [("room_id", "u32"), ("state", "u16")],
    READ_MARK: [("request_id", "u64"), ("room_id", "u32"), ("message_id", "u64")],
    RECEIPTS_SET: [("request_id", "u64"), ("enabled", "u16")],
    EDIT: [("request_id", "u64"), ("message_id", "u64"), ("text", "str")],
    DELETE: [("request_id", "u64"), ("message_id", "u64")],
    REPLY_SEND: [("client_id", "u64"), ("room_id", "u32"), ("reply_to", "u64"),
                 ("text", "str")],
    REACT: [("request_id", "u64"), ("message_id", "u64"), ("emoji", "str")],
    TYPING: [("room_id", "u32"), ("account_id", "u32"), ("state", "u16"), ("name", "str")],
    READ_MARKER: [("room_id", "u32"), ("message_id", "u64")],
    RECEIPT: [("room_id", "u32"), ("message_id", "u64"), ("account_id", "u32"),
              ("count", "u32"), ("name", "str")],
    MESSAGE_EDITED: [("event_id", "u64"), ("message_id", "u64"), ("time_ms", "u64"),
                     ("room_id", "u32"), ("actor", "str"), ("text", "str")],
    MESSAGE_DELETED: [("event_id", "u64"), ("message_id", "u64"), ("time_ms", "u64"),
                      ("room_id", "u32"), ("actor", "str")],
    REPLY_TO: [("room_id", "u32"), ("message_id", "u64"), ("reply_to", "u64")],
    REACTION: [("event_id", "u64"), ("message_id", "u64"), ("room_id", "u32"),
               ("account_id", "u32"), ("added", "u16"), ("name", "str"), ("emoji", "str")],
    SEARCH: [("request_id", "u64"), ("room_id", "u32"), ("limit", "u16"), ("query", "str")],
    SEARCH_RESULT: [("request_id", "u64"), ("message_id", "u64"), ("time_ms", "u64"),
                    ("room_id", "u32"), ("sender", "str"), ("snippet", "str")],
    NOTIFY_LEVEL_SET: [("request_id", "u64"), ("room_id", "u32"), ("level", "u16")],
    NOTIFY_LEVEL: [("room_id", "u32"), ("level", "u16")],
    EVENT_ACCOUNT_CREATE: [("account", "u64"), ("time_ms", "u64"), ("flag", "u16"),
                           ("invite_hash", "sha256"), ("name", "str"), ("pw_hash", "str")],
    EVENT_ACCOUNT_CHANGE: [("account", "u64"), ("time_ms", "u64"), ("flag", "u16"),
                           ("pw_hash", "str")],
    EVENT_SESSION_ADD: [("account", "u64"), ("time_ms", "u64"), ("expires_ms", "u64"),
                        ("all", "u16"), ("token_hash", "sha256")],
    EVENT_MODERATE: [("action", "u16"), ("value", "u32"), ("time_ms", "u64"),
                     ("until_ms", "u64"), ("actor_account", "u64"), ("target_account", "u64"),
                     ("target_conn", "u32"), ("actor", "str"), ("target", "str"),
                     ("reason", "str")],
    EVENT_ROOM_CREATE: [("action", "u16"), ("room_id", "u32"), ("time_ms", "u64"),
                        ("actor_account", "u64"), ("account", "u64"), ("actor", "str"),
                        ("name", "str"), ("topic", "str")],
    EVENT_BLOCK: [("account", "u64"), ("blocked", "u64"), ("time_ms", "u64"), ("on", "u16"),
                  ("name", "str")],
    EVENT_READ_MARK: [("account", "u64"), ("room_id", "u32"), ("message_id", "u64"),
                      ("receipts_off", "u16"), ("name", "str")],
    EVENT_INVITE_CREATE: [("creator", "u64"), ("time_ms", "u64"), ("expires_ms", "u64"),
                          ("code_hash", "sha256"), ("name", "str")],
    EVENT_DIRECT: [("time_ms", "u64"), ("sender_account", "u64"), ("peer_account", "u64"),
                   ("sender_conn", "u32"), ("client_id", "u64"), ("sender", "str"),
                   ("peer", "str"), ("text", "str")],
    EVENT_PRUNE: [("before_ms", "u64"), ("time_ms", "u64"), ("max_rows", "u32")],
    EVENT_RECEIPTS_SET: [("account", "u64"), ("room_id", "u32"), ("value", "u16"),
                         ("name", "str")],
    EVENT_TEXT: [("room_id", "u32"), ("time_ms", "u64"), ("sender_account", "u64"),
                 ("sender_conn", "u32"), ("client_id", "u64"), ("reply_to", "u64"),
                 ("sender", "str"), ("text", "str")],
    EVENT_FILE: [("room_id", "u32"), ("time_ms", "u64"), ("sender_account", "u64"),
                 ("sender_conn", "u32"), ("upload_id", "u64"), ("size", "u64"),
                 ("sha256", "sha256"), ("sender", "str"), ("name", "str")],
    EVENT_DELETE: [("message_id", "u64"), ("time_ms", "u64"), ("actor_account", "u64"),
                   ("moderates", "u16"), ("actor", "str")],
}
LAYOUTS[EVENT_EDIT] = LAYOUTS[EVENT_DELETE] + [("text", "str")]
LAYOUTS[EVENT_REACT] = LAYOUTS[EVENT_EDIT]
LAYOUTS[EVENT_SESSION_DROP] = LAYOUTS[EVENT_SESSION_ADD]
LAYOUTS[EVENT_NOTIFY_LEVEL] = LAYOUTS[EVENT_RECEIPTS_SET]
LAYOUTS[EVENT_ROOM_MEMBER] = LAYOUTS[EVENT_ROOM_TOPIC] = LAYOUTS[EVENT_ROOM_CREATE]
LAYOUTS[FILE_OFFER_THUMB] = LAYOUTS[FILE_OFFER] + [("thumb", "data")]
LAYOUTS[EVENT_FILE_THUMB] = LAYOUTS[EVENT_FILE] + [("width", "u16"), ("height", "u16"),
                                                   ("thumb", "data")]
LAYOUTS[FILE_ANNOUNCE_THUMB] = LAYOUTS[FILE_ANNOUNCE] + [("width", "u16"), ("height", "u16"),
                                                         ("thumb", "data")]

_TYPE_NAME_LIST = (
    "HELLO WELCOME ERROR PING PONG GOODBYE SHUTDOWN USER_LIST USER_JOINED USER_LEFT "
    "TEXT_SEND TEXT FILE_OFFER FILE_ACCEPT FILE_CHUNK FILE_END FILE_CANCEL FILE_ANNOUNCE "
    "DOWNLOAD_REQUEST DOWNLOAD_START DOWNLOAD_CHUNK DOWNLOAD_END DOWNLOAD_CANCEL "
    "REGISTER LOGIN LOGIN_TOKEN SESSION LOGOUT PASSWORD_CHANGE INVITE_CREATE INVITE "
    "MODERATE DONE NOTICE USER_ROLE ROOM_CREATE ROOM_JOIN ROOM_LEAVE ROOM_LIST "
    "ROOM_TOPIC_SET ROOM_INVITE DIRECT_SEND BLOCK ROOM_INFO ROOM_STATE ROOM_MEMBERS "
    "ROOM_PRESENCE ROOM_TOPIC ROOM_INVITED PRESENCE_SET PRESENCE_STATE HISTORY HISTORY_END "
    "RESUME RESUME_GAP TYPING_SET READ_MARK RECEIPTS_SET EDIT DELETE REPLY_SEND REACT TYPING "
    "READ_MARKER RECEIPT MESSAGE_EDITED MESSAGE_DELETED REPLY_TO REACTION SEARCH SEARCH_RESULT "
    "FILE_OFFER_THUMB FILE_ANNOUNCE_THUMB NOTIFY_LEVEL_SET NOTIFY_LEVEL "
    "EVENT_ACCOUNT_CREATE EVENT_SESSION_ADD EVENT_SESSION_DROP EVENT_ACCOUNT_CHANGE "
    "EVENT_MODERATE EVENT_ROOM_CREATE EVENT_ROOM_MEMBER EVENT_ROOM_TOPIC "
    "EVENT_TEXT EVENT_BLOCK EVENT_EDIT EVENT_DELETE EVENT_REACT EVENT_READ_MARK "
    "EVENT_INVITE_CREATE EVENT_FILE EVENT_FILE_THUMB EVENT_DIRECT EVENT_RECEIPTS_SET"
    " EVENT_NOTIFY_LEVEL EVENT_PRUNE").split()
TYPE_NAMES = {globals()[name]: name for name in _TYPE_NAME_LIST}
ERROR_NAMES = {value: name[2:] for name, value in globals().items()
               if name.startswith("E_") and isinstance(value, int)}

_INT_FORMATS = {"u8": ">B", "u16": ">H", "u32": ">I", "u64": ">Q"}


class ProtocolError(Exception):
    """A frame that breaks the wire format; kind is a short word like 'truncated'."""

    def __init__(self, kind, detail):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind


class Frame:
    """One decoded frame: .type, .flags and one attribute per payload field."""

    def __init__(self, ftype, **fields):
        self.type = ftype
        self.fields = fields
        for key, value in fields.items():
            setattr(self, key, value)

    @property
    def type_name(self):
        return TYPE_NAMES.get(self.type, f"0x{self.type:04x}")

    def __repr__(self):
        parts = []
        for key, value in self.fields.items():
            if isinstance(value, (bytes, bytearray)) and len(value) > 40:
                value = f"<{len(value)} bytes>"
            elif key == "code":
                value = f"{value}({ERROR_NAMES.get(value, '?')})"
            elif key == "ref_type":
                value = TYPE_NAMES.get(value, value)
            parts.append(f"{key}={value!r}")
        return f"{self.type_name}({', '.join(parts)})"


def header(payload_len, ftype, flags=0):
    """The 8-byte frame header; any values, so tests can forge bad ones."""
    return struct.pack(">IHH", payload_len, ftype, flags)


def _utf8_ok(raw):
    if b"\x00" in raw:
        return False
    try:
        raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        return False
    return True


def _encode_str(value):
    raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    if len(raw) > 0xFFFF:
        raise ValueError("string longer than a u16 length can say")
    return struct.pack(">H", len(raw)) + raw


def encode_users(entries):
    """USER_* payload from a list of (id, name)."""
    out = struct.pack(">H", len(entries))
    for uid, name in entries:
        out += struct.pack(">I", uid) + _encode_str(name)
    return out


def encode_payload(ftype, **fields):
    """The payload for ftype from its fields. Strings may be str (UTF-8 encoded) or raw
    bytes, so a test can send invalid UTF-8; no cap is enforced here on purpose."""
    out = bytearray()
    for name, kind in LAYOUTS[ftype]:
        value = fields[name]
        if kind in _INT_FORMATS:
            out += struct.pack(_INT_FORMATS[kind], value)
        elif kind == "str":
            out += _encode_str(value)
        elif kind == "sha256":
            if len(value) != SHA256_LEN:
                raise ValueError("sha256 must be 32 bytes")
            out += value
        elif kind == "data":
            out += value
        elif kind == "users":
            out += encode_users(value)
    return bytes(out)


def encode(ftype, flags=0, **fields):
    """A whole frame (header and payload)."""
    payload = encode_payload(ftype, **fields)
    return header(len(payload), ftype, flags) + payload


def _take(payload, pos, size, what):
    if pos + size > len(payload):
        raise ProtocolError("truncated", f"payload ends inside {what}")
    return payload[pos:pos + size], pos + size


def _decode_str(ftype, name, payload, pos):
    raw, pos = _take(payload, pos, 2, name + " length")
    (length,) = struct.unpack(">H", raw)
    cap = _STR_CAPS.get((ftype, name))
    if cap is not None and length > cap:
        raise ProtocolError("too_large", f"{name} is {length} bytes, cap {cap}")
    raw, pos = _take(payload, pos, length, name)
    if not _utf8_ok(raw):
        raise ProtocolError("bad_utf8", f"{name} is not UTF-8 without NUL: {raw!r}")
    return raw.decode("utf-8"), pos


def _decode_users(ftype, payload, pos):
    raw, pos = _take(payload, pos, 2, "user count")
    (count,) = struct.unpack(">H", raw)
    if count > MAX_USERS_PER_FRAME:
        raise ProtocolError("too_large", f"{count} users in one frame")
    entries = []
    for _ in range(count):
        raw, pos = _take(payload, pos, 4, "user id")
        (uid,) = struct.unpack(">I", raw)
        name, pos = _decode_str(HELLO, "username", payload, pos)
        entries.append((uid, name))
    return entries, pos


def decode_payload(ftype, payload):
    """Decodes one payload strictly: every field present, nothing left over, strings
    valid and within their caps, chunk data 1..MAX_CHUNK bytes."""
    if ftype not in LAYOUTS:
        raise ProtocolError("unknown_type", f"type 0x{ftype:04x}")
    payload = bytes(payload)
    fields = {}
    pos = 0
    for name, kind in LAYOUTS[ftype]:
        if kind in _INT_FORMATS:
            fmt = _INT_FORMATS[kind]
            raw, pos = _take(payload, pos, struct.calcsize(fmt), name)
            (fields[name],) = struct.unpack(fmt, raw)
        elif kind == "str":
            fields[name], pos = _decode_str(ftype, name, payload, pos)
        elif kind == "sha256":
            fields[name], pos = _take(payload, pos, SHA256_LEN, name)
        elif kind == "data":
            data = payload[pos:]
            if not 1 <= len(data) <= MAX_CHUNK:
                raise ProtocolError("bad_field", f"chunk of {len(data)} bytes")
            fields[name], pos = data, len(payload)
        elif kind == "users":
            fields[name], pos = _decode_users(ftype, payload, pos)
    if pos != len(payload):
        raise ProtocolError("trailing", f"{len(payload) - pos} bytes after the last field")
    return Frame(ftype, **fields)


def decode_frame(frame_bytes):
    """Decodes exactly one whole frame."""
    reader = Reader()
    reader.feed(frame_bytes)
    frame = reader.next()
    if frame is None or reader.pending():
        raise ProtocolError("truncated", "not exactly one frame")
    return frame


class Reader:
    """Incremental decoder: feed bytes split anywhere, take whole frames out with next().
    A header declaring more than max_payload, or carrying flags, raises as soon as its
    eight bytes are in, before any payload is buffered."""

    def __init__(self, max_payload=MAX_PAYLOAD):
        self.max_payload = max_payload
        self._buf = bytearray()
        self._pos = 0

    def feed(self, data):
        if self._pos and self._pos >= len(self._buf) // 2:
            del self._buf[:self._pos]
            self._pos = 0
        self._buf += data

    def pending(self):
        return len(self._buf) - self._pos

    def next(self):
        """The next whole Frame, or None when more bytes are needed."""
        if self.pending() < HEADER_SIZE:
            return None
        length, ftype, flags = struct.unpack_from(">IHH", self._buf, self._pos)
        if length > self.max_payload:
            raise ProtocolError("too_large", f"declared payload of {length} bytes")
        if flags != 0:
            raise ProtocolError("bad_field", f"header flags 0x{flags:04x}")
        if self.pending() < HEADER_SIZE + length:
            return None
        start = self._pos + HEADER_SIZE
        payload = bytes(self._buf[start:start + length])
        self._pos = start + length
        return decode_payload(ftype, payload)
