/* The chat wire protocol: frame layout, message types, limits and a pure codec.
 *
 * Every frame is an 8-byte header followed by a payload:
 *
 *   offset  size  field
 *   0       4     payload length in bytes (u32, big-endian), at most PROTO_MAX_PAYLOAD
 *   4       2     frame type (u16, big-endian), one of enum proto_type
 *   6       2     flags (u16), must be zero in protocol version 1
 *
 * Payload fields are, in the order each struct below lists them:
 *   u8/u16/u32/u64  fixed-width unsigned integers, big-endian
 *   str             u16 byte length, then that many bytes of UTF-8 (no NUL, validated)
 *   sha256          32 raw bytes
 *   data            the rest of the payload, raw bytes (chunks only)
 * A payload must contain exactly its fields: a short or over-long payload is malformed.
 *
 * The codec does no I/O, keeps no global state, and never allocates on behalf of a
 * declared length it has not checked against its limit. Decoded strings and data are
 * views into the caller's buffer (struct proto_str), valid as long as that buffer.
 *
 * docs/PROTOCOL.md is the byte-level specification with examples; keep both in step.
 */
#ifndef CHAT_PROTOCOL_H
#define CHAT_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Limits of the wire format (servers may announce smaller ones in WELCOME) ---- */
#define PROTO_VERSION 1
#define PROTO_HEADER_SIZE 8
#define PROTO_MAX_PAYLOAD (128u * 1024u)  /* largest payload any frame may declare */
#define PROTO_MAX_CHUNK (64u * 1024u)     /* largest data part of one file chunk */
#define PROTO_MAX_TEXT 8192u              /* bytes of UTF-8 in one chat message */
#define PROTO_MAX_NAME_CHARS 32u          /* characters in a username */
#define PROTO_MAX_NAME_BYTES 128u         /* bytes in a username (32 chars x 4) */
#define PROTO_MAX_FILENAME_BYTES 1024u    /* bytes in a file name on the wire; the server
                                             stores it cut to fit NAME_MAX */
#define PROTO_MAX_REASON 1024u            /* bytes in an error, goodbye or shutdown text */
#define PROTO_MAX_AGENT 64u               /* bytes in the client's software name */
#define PROTO_MAX_USERS_PER_FRAME 512u    /* entries in one USER_LIST/JOINED/LEFT frame */
#define PROTO_SHA256_LEN 32u
#define PROTO_MAX_PASSWORD 1024u          /* bytes of a password (the server wants >= 8) */
#define PROTO_MAX_INVITE 64u              /* bytes of an invite code */
#define PROTO_TOKEN_LEN 32u               /* a session token: 256 random bits, raw */
#define PROTO_ROOM_LOBBY 0u               /* the default room every account is in */
#define PROTO_MAX_TOPIC 512u              /* bytes of a room's topic */
#define PROTO_MAX_SEARCH_QUERY 256u       /* bytes of a SEARCH query */
#define PROTO_MAX_SNIPPET 1024u           /* bytes of a SEARCH_RESULT snippet */
#define PROTO_MAX_THUMB_BYTES (64u * 1024u) /* bytes of a thumbnail (PNG or JPEG) */
#define PROTO_MAX_THUMB_SIDE 320u         /* pixels of each side of a thumbnail */
#define PROTO_SEARCH_ALL_ROOMS 0xFFFFFFFFu /* SEARCH.room_id: every room you are in */
#define PROTO_SNIPPET_MARK_START '\x02'   /* in a snippet: a match starts (STX) */
#define PROTO_SNIPPET_MARK_END '\x03'     /* in a snippet: a match ends (ETX) */

/* ---- Frame types. Ranges leave room for what comes next without renumbering:
 * 0x00xx session, 0x01xx chat, 0x02xx files, 0x03xx rooms and direct messages,
 * 0x04xx accounts and authentication, 0x05xx typing and read receipts,
 * 0x06xx history and resume, 0x07xx the live conversation
 * (0x072x search and thumbnails), 0x08xx events between cluster nodes (never on a
 * client socket). An unknown type is answered with PROTO_E_UNKNOWN_TYPE. ---- */
enum proto_type {
    PROTO_HELLO = 0x0001,            /* c->s  struct proto_hello */
    PROTO_WELCOME = 0x0002,          /* s->c  struct proto_welcome */
    PROTO_ERROR = 0x0003,            /* s->c  struct proto_error */
    PROTO_PING = 0x0004,             /* both  u64 token */
    PROTO_PONG = 0x0005,             /* both  u64 token (echoes the ping) */
    PROTO_GOODBYE = 0x0006,          /* c->s  str reason; the server closes after flushing */
    PROTO_SHUTDOWN = 0x0007,         /* s->c  str reason; the server is going away */
    PROTO_USER_LIST = 0x0010,        /* s->c  struct proto_users: who is online (after WELCOME) */
    PROTO_USER_JOINED = 0x0011,      /* s->c  struct proto_users */
    PROTO_USER_LEFT = 0x0012,        /* s->c  struct proto_users */

    PROTO_TEXT_SEND = 0x0100,        /* c->s  struct proto_text_send */
    PROTO_TEXT = 0x0101,             /* s->c  struct proto_text (also the sender's ack) */

    PROTO_FILE_OFFER = 0x0200,       /* c->s  struct proto_file_offer */
    PROTO_FILE_ACCEPT = 0x0201,      /* s->c  struct proto_file_ref (upload id): send chunks */
    PROTO_FILE_CHUNK = 0x0202,       /* c->s  struct proto_chunk (upload id) */
    PROTO_FILE_END = 0x0203,         /* c->s  struct proto_file_ref (upload id): all sent */
    PROTO_FILE_CANCEL = 0x0204,      /* c->s  struct proto_file_ref (upload id) */
    PROTO_FILE_ANNOUNCE = 0x0205,    /* s->c  struct proto_file_announce */

    PROTO_DOWNLOAD_REQUEST = 0x0210, /* c->s  struct proto_download_request */
    PROTO_DOWNLOAD_START = 0x0211,   /* s->c  struct proto_download_start */
    PROTO_DOWNLOAD_CHUNK = 0x0212,   /* s->c  struct proto_chunk (file id) */
    PROTO_DOWNLOAD_END = 0x0213,     /* s->c  struct proto_file_ref (file id): all sent */
    PROTO_DOWNLOAD_CANCEL = 0x0214,  /* c->s  struct proto_file_ref (file id) */

    /* Rooms and direct messages. Requests carry a request_id echoed in the DONE or
     * ERROR (ref_id) that answers them; members are named by account id. */
    PROTO_ROOM_CREATE = 0x0300,      /* c->s  struct proto_room_create */
    PROTO_ROOM_JOIN = 0x0301,        /* c->s  struct proto_room_join: by name */
    PROTO_ROOM_LEAVE = 0x0302,       /* c->s  struct proto_room_ref */
    PROTO_ROOM_LIST = 0x0303,        /* c->s  u64 request_id: ROOM_INFO frames, then DONE */
    PROTO_ROOM_TOPIC_SET = 0x0304,   /* c->s  struct proto_room_topic_set */
    PROTO_ROOM_INVITE = 0x0305,      /* c->s  struct proto_room_invite: to a private room */
    PROTO_DIRECT_SEND = 0x0306,      /* c->s  struct proto_direct_send: a text to a user */
    PROTO_BLOCK = 0x0307,            /* c->s  struct proto_block: block or unblock a user */
    PROTO_ROOM_INFO = 0x0310,        /* s->c  struct proto_room_info: one listed room */
    PROTO_ROOM_STATE = 0x0311,       /* s->c  struct proto_room_state: a room you are in */
    PROTO_ROOM_MEMBERS = 0x0312,     /* s->c  struct proto_room_members: who is in it */
    PROTO_ROOM_PRESENCE = 0x0313,    /* s->c  struct proto_room_members: who joined, left,
                                        came online or went offline */
    PROTO_ROOM_TOPIC = 0x0314,       /* s->c  struct proto_room_topic: the topic changed */
    PROTO_ROOM_INVITED = 0x0315,     /* s->c  struct proto_room_invited: you may join */
    PROTO_PRESENCE_SET = 0x0316,     /* c->s  struct proto_presence_set: active or away */
    PROTO_PRESENCE_STATE = 0x0317,   /* s->c  struct proto_room_members: who is active or
                                        away (state: enum proto_presence) */

    /* Accounts. REGISTER, LOGIN and LOGIN_TOKEN log in instead of HELLO (which stays the
     * guest login) and start with HELLO's version and features, so every login frame
     * carries the version handshake. A success is SESSION, then WELCOME as after HELLO. */
    PROTO_REGISTER = 0x0400,         /* c->s  struct proto_register: create an account */
    PROTO_LOGIN = 0x0401,            /* c->s  struct proto_login: name and password */
    PROTO_LOGIN_TOKEN = 0x0402,      /* c->s  struct proto_login_token: a SESSION token */
    PROTO_SESSION = 0x0403,          /* s->c  struct proto_session: token, account, role */
    PROTO_LOGOUT = 0x0404,           /* c->s  struct proto_logout: revoke, then close */
    PROTO_PASSWORD_CHANGE = 0x0405,  /* c->s  struct proto_password_change */
    PROTO_INVITE_CREATE = 0x0406,    /* c->s  struct proto_invite_create (admins) */
    PROTO_INVITE = 0x0407,           /* s->c  struct proto_invite: the new code */
    PROTO_MODERATE = 0x0408,         /* c->s  struct proto_moderate: role, ban, kick... */
    PROTO_DONE = 0x0409,             /* s->c  struct proto_done: a request succeeded */
    PROTO_NOTICE = 0x040A,           /* s->c  struct proto_notice: a moderation event */
    PROTO_USER_ROLE = 0x040B,        /* s->c  struct proto_user_role: who has which role */

    /* History and resume. Both are answered with the stored TEXT and FILE_ANNOUNCE
     * frames of the room in ascending message_id order, then HISTORY_END. */
    PROTO_HISTORY = 0x0600,          /* c->s  struct proto_history: a page of a room */
    PROTO_HISTORY_END = 0x0601,      /* s->c  struct proto_history_end: the page is whole */
    PROTO_RESUME = 0x0602,           /* c->s  struct proto_resume: what a room's client has */
    PROTO_RESUME_GAP = 0x0603,       /* s->c  struct proto_resume_gap: what was not replayed */

    /* A live conversation: typing, read markers and receipts, edits, deletions, replies
     * and reactions. Edits, deletions and reactions are stored events with their own
     * ids in the message_id sequence, each naming the message it changes. */
    PROTO_TYPING_SET = 0x0700,       /* c->s  struct proto_typing_set: I am typing (or not) */
    PROTO_READ_MARK = 0x0701,        /* c->s  struct proto_read_mark: read up to an id */
    PROTO_RECEIPTS_SET = 0x0702,     /* c->s  struct proto_receipts_set: share receipts? */
    PROTO_EDIT = 0x0703,             /* c->s  struct proto_edit: new text of own message */
    PROTO_DELETE = 0x0704,           /* c->s  struct proto_msg_ref: delete a message */
    PROTO_REPLY_SEND = 0x0705,       /* c->s  struct proto_reply_send: a text answering one */
    PROTO_REACT = 0x0706,            /* c->s  struct proto_react: toggle own reaction */
    PROTO_TYPING = 0x0710,           /* s->c  struct proto_typing: someone types */
    PROTO_READ_MARKER = 0x0711,      /* s->c  struct proto_read_marker: your read marker */
    PROTO_RECEIPT = 0x0712,          /* s->c  struct proto_receipt: who read up to where */
    PROTO_MESSAGE_EDITED = 0x0713,   /* s->c  struct proto_message_edited */
    PROTO_MESSAGE_DELETED = 0x0714,  /* s->c  struct proto_message_deleted */
    PROTO_REPLY_TO = 0x0715,         /* s->c  struct proto_reply_to: precedes its TEXT */
    PROTO_REACTION = 0x0716,         /* s->c  struct proto_reaction */
    /* Search and image thumbnails. A SEARCH is answered with SEARCH_RESULT frames, best
     * match first, then DONE (or an ERROR with ref_id = request_id). A FILE_OFFER_THUMB
     * is a FILE_OFFER carrying a thumbnail; the file is then announced with
     * FILE_ANNOUNCE_THUMB (live and in history) instead of FILE_ANNOUNCE. */
    PROTO_SEARCH = 0x0720,           /* c->s  struct proto_search */
    PROTO_SEARCH_RESULT = 0x0721,    /* s->c  struct proto_search_result: one match */
    PROTO_FILE_OFFER_THUMB = 0x0722, /* c->s  struct proto_file_offer_thumb */
    PROTO_FILE_ANNOUNCE_THUMB = 0x0723, /* s->c  struct proto_file_announce_thumb */
    /* Per-room notification levels, kept with the account for all its devices. */
    PROTO_NOTIFY_LEVEL_SET = 0x0724, /* c->s  struct proto_notify_level_set */
    PROTO_NOTIFY_LEVEL = 0x0725,     /* s->c  struct proto_notify_level: a room's level */

    /* Events between the nodes of a cluster (docs/CLUSTER.md section 3): the `e` bytes of
     * a Redis stream entry, never sent on a client socket (a client that sends one is
     * answered PROTO_E_UNKNOWN_TYPE). 0x0800-0x081F are reserved for them. */
    PROTO_EVENT_ACCOUNT_CREATE = 0x0800, /* node  struct proto_event_account */
    PROTO_EVENT_SESSION_ADD = 0x0801,    /* node  struct proto_event_session */
    PROTO_EVENT_SESSION_DROP = 0x0802,   /* node  struct proto_event_session */
    PROTO_EVENT_ACCOUNT_CHANGE = 0x0803, /* node  struct proto_event_account */
    PROTO_EVENT_MODERATE = 0x0804,       /* node  struct proto_event_moderate */
    PROTO_EVENT_ROOM_CREATE = 0x0805,    /* node  struct proto_event_room */
    PROTO_EVENT_ROOM_MEMBER = 0x0806,    /* node  struct proto_event_room */
    PROTO_EVENT_ROOM_TOPIC = 0x0807,     /* node  struct proto_event_room */
    PROTO_EVENT_TEXT = 0x0808,       /* node  struct proto_event_text */
    PROTO_EVENT_BLOCK = 0x0809,      /* node  struct proto_event_block */
    PROTO_EVENT_EDIT = 0x080A,       /* node  struct proto_event_change (text: the new text) */
    PROTO_EVENT_DELETE = 0x080B,     /* node  struct proto_event_change (no text) */
    PROTO_EVENT_REACT = 0x080C,      /* node  struct proto_event_change (text: the emoji) */
    PROTO_EVENT_READ_MARK = 0x080D,  /* node  struct proto_event_read_mark */
    PROTO_EVENT_INVITE_CREATE = 0x080E, /* node  struct proto_event_invite */
    PROTO_EVENT_FILE = 0x080F,       /* node  struct proto_event_file */
    PROTO_EVENT_FILE_THUMB = 0x0810, /* node  struct proto_event_file_thumb */
    PROTO_EVENT_DIRECT = 0x0812,     /* node  struct proto_event_direct */
    PROTO_EVENT_RECEIPTS_SET = 0x0813, /* node  struct proto_event_setting */
    PROTO_EVENT_NOTIFY_LEVEL = 0x0814, /* node  struct proto_event_setting */
    PROTO_EVENT_PRUNE = 0x0815,      /* node  struct proto_event_prune */
};

#define PROTO_EVENT_FIRST 0x0800u    /* the range of cluster events */
#define PROTO_EVENT_LAST 0x081Fu
#define PROTO_MAX_PW_HASH 127u       /* bytes in an Argon2id hash string (libsodium's
                                        crypto_pwhash_STRBYTES less its NUL) */

/* NOTIFY_LEVEL_SET.level and NOTIFY_LEVEL.level: how much a room's texts ask for the
 * user's attention (the clients decide how; a mention always counts at MENTIONS). */
enum proto_notify {
    PROTO_NOTIFY_ALL = 0,      /* every text of others (every room starts here) */
    PROTO_NOTIFY_MENTIONS = 1, /* only texts that mention the user */
    PROTO_NOTIFY_NONE = 2,     /* nothing */
};

/* TYPING_SET.state and TYPING.state (IRCv3 +typing). */
enum proto_typing_state {
    PROTO_TYPING_DONE = 0,     /* stopped (sent, or the text was cleared) */
    PROTO_TYPING_ACTIVE = 1,   /* typing now; lapses 6 s after the last one */
    PROTO_TYPING_PAUSED = 2,   /* text waiting in the entry; lapses after 30 s */
};

/* HISTORY.mode (IRCv3 chathistory): bounds are exclusive message ids. */
enum proto_history_mode {
    PROTO_HISTORY_LATEST = 1,  /* the newest `limit` messages (anchor ignored, send 0) */
    PROTO_HISTORY_BEFORE = 2,  /* the newest `limit` messages with id < anchor */
    PROTO_HISTORY_AFTER = 3,   /* the oldest `limit` messages with id > anchor */
    PROTO_HISTORY_AROUND = 4,  /* limit/2 messages with id < anchor, the rest with id >= anchor */
};

/* HISTORY_END.flags */
#define PROTO_HISTORY_MORE_BEFORE 1u  /* older messages than the page's exist */
#define PROTO_HISTORY_MORE_AFTER 2u   /* newer messages than the page's exist */

/* An account's role (stored), or PROTO_ROLE_GUEST for a HELLO login (wire only). */
enum proto_role {
    PROTO_ROLE_MEMBER = 0,
    PROTO_ROLE_MODERATOR = 1,
    PROTO_ROLE_ADMIN = 2,
    PROTO_ROLE_GUEST = 3,
};

/* MODERATE.action and NOTICE.action. */
enum proto_mod_action {
    PROTO_MOD_ROLE = 1,    /* admins: value = the new role (member or moderator or admin) */
    PROTO_MOD_BAN = 2,     /* admins: the account cannot log in; its connections close */
    PROTO_MOD_UNBAN = 3,   /* admins */
    PROTO_MOD_KICK = 4,    /* moderators and admins: close the target's connections */
    PROTO_MOD_MUTE = 5,    /* moderators and admins: value = minutes, 0 lifts the mute */
    PROTO_MOD_DELETE = 6,  /* admins: the account is gone; its name stays reserved */
};

/* ROOM_CREATE.kind, ROOM_INFO.kind, ROOM_STATE.kind */
enum proto_room_kind {
    PROTO_ROOM_PUBLIC = 0,   /* listed; anyone with an account joins */
    PROTO_ROOM_PRIVATE = 1,  /* listed only to its members and invitees; invite only */
    PROTO_ROOM_DIRECT = 2,   /* two accounts' direct messages; never listed */
};

/* ROOM_INFO.flags */
#define PROTO_ROOM_FLAG_MEMBER 1u   /* you are a member */
#define PROTO_ROOM_FLAG_INVITED 2u  /* you are invited (a private room) */

/* ROOM_MEMBERS.state: the members listed are offline or online. ROOM_PRESENCE.state:
 * what happened to the members listed. */
enum proto_member_state {
    PROTO_MEMBER_OFFLINE = 0,  /* ROOM_MEMBERS, ROOM_PRESENCE: went (or are) offline */
    PROTO_MEMBER_ONLINE = 1,   /* ROOM_MEMBERS, ROOM_PRESENCE: came (or are) online */
    PROTO_MEMBER_JOINED = 2,   /* ROOM_PRESENCE: joined the room (online) */
    PROTO_MEMBER_LEFT = 3,     /* ROOM_PRESENCE: left the room */
};

/* PRESENCE_SET.state and PRESENCE_STATE.state: what a user online says of itself
 * (in memory only; a login starts active). */
enum proto_presence {
    PROTO_PRESENCE_ACTIVE = 0,  /* at the keyboard */
    PROTO_PRESENCE_AWAY = 1,    /* idle (a client sets it after 10 minutes) or stepped away */
};

/* LOGOUT.scope */
enum proto_logout_scope {
    PROTO_LOGOUT_THIS = 0, /* revoke this connection's token */
    PROTO_LOGOUT_ALL = 1,  /* revoke every token of the account */
};

/* Error codes carried in PROTO_ERROR frames. Codes never change meaning. */
enum proto_error_code {
    PROTO_E_MALFORMED = 1,          /* a frame's payload does not match its type */
    PROTO_E_UNKNOWN_TYPE = 2,       /* a frame type this server does not know */
    PROTO_E_FRAME_TOO_LARGE = 3,    /* declared payload length over the limit */
    PROTO_E_VERSION = 4,            /* protocol version not supported */
    PROTO_E_NAME_INVALID = 5,       /* username empty, too long, bad characters */
    PROTO_E_NAME_TAKEN = 6,         /* username in use (case-insensitively) */
    PROTO_E_NOT_LOGGED_IN = 7,      /* request needs a completed HELLO */
    PROTO_E_ALREADY_LOGGED_IN = 8,  /* second HELLO on one connection */
    PROTO_E_TEXT_INVALID = 9,       /* empty, too long, or control characters */
    PROTO_E_SERVER_FULL = 10,       /* too many connections */
    PROTO_E_FILE_TOO_LARGE = 11,    /* offered size over the server's limit */
    PROTO_E_FILE_NAME_INVALID = 12, /* no usable name left after sanitising */
    PROTO_E_TOO_MANY_TRANSFERS = 13,/* uploads or downloads in flight over the limit */
    PROTO_E_TRANSFER_UNKNOWN = 14,  /* no such upload or download id on this connection */
    PROTO_E_BAD_OFFSET = 15,        /* chunk not at the next expected offset, or past the end */
    PROTO_E_FILE_MISMATCH = 16,     /* size or SHA-256 of the upload does not match the offer */
    PROTO_E_FILE_NOT_FOUND = 17,    /* no file with that id */
    PROTO_E_STORAGE = 18,           /* the server could not store or read the file */
    PROTO_E_TIMEOUT = 19,           /* no HELLO within the handshake timeout, or idle */
    PROTO_E_TOO_SLOW = 20,          /* output queue over its bound: the client stopped reading */
    PROTO_E_RATE_LIMITED = 21,      /* too many requests too fast */
    PROTO_E_ROOM_UNKNOWN = 22,      /* room id does not exist */
    PROTO_E_INTERNAL = 23,          /* the server failed; not the client's fault */
    PROTO_E_DUPLICATE_ID = 24,      /* an upload id already in use on this connection */
    PROTO_E_WRONG_PASSWORD = 25,    /* unknown name or wrong password (not told apart) */
    PROTO_E_REGISTRATION_CLOSED = 26, /* the server takes no new accounts */
    PROTO_E_INVITE_REQUIRED = 27,   /* registration needs an invite code */
    PROTO_E_INVITE_INVALID = 28,    /* invite code unknown, used or expired */
    PROTO_E_THROTTLED = 29,         /* too many attempts: ref_id = seconds to wait */
    PROTO_E_BANNED = 30,            /* the account is banned (message: the reason) */
    PROTO_E_BUSY = 31,              /* too many logins in progress: ref_id = seconds */
    PROTO_E_NOT_ALLOWED = 32,       /* the account's role may not do that */
    PROTO_E_PASSWORD_WEAK = 33,     /* too short, too long, the name, or too common */
    PROTO_E_ACCOUNT_UNKNOWN = 34,   /* no account with that name */
    PROTO_E_MUTED = 35,             /* a muted account's text (message: for how long) */
    PROTO_E_KICKED = 36,            /* a moderator closed this connection (the reason) */
    PROTO_E_TOKEN_INVALID = 37,     /* session token unknown, revoked or expired */
    PROTO_E_GUESTS_DISABLED = 38,   /* HELLO (guest login) is off: log in with a password */
    PROTO_E_SESSION_REPLACED = 39,  /* the account logged in on another connection */
    PROTO_E_TLS_REQUIRED = 40,      /* plain text reached a TLS port; sent in plain text */
    PROTO_E_ROOM_NAME_INVALID = 50, /* room name empty, too long, bad characters */
    PROTO_E_ROOM_NAME_TAKEN = 51,   /* a room has that name or one that looks like it */
    PROTO_E_NOT_IN_ROOM = 52,       /* a public room you have not joined */
    PROTO_E_ROOM_FULL = 53,         /* the room has the most members allowed */
    PROTO_E_TOO_MANY_ROOMS = 54,    /* you are in the most rooms allowed */
    PROTO_E_ROOM_CREATE_LIMIT = 55, /* too many rooms created this hour: ref_id = seconds */
    PROTO_E_DIRECT_REFUSED = 56,    /* that user takes no direct messages from you */
    PROTO_E_PRESENCE_INVALID = 57,  /* PRESENCE_SET with a state that is not defined */
    PROTO_E_PRESENCE_TOO_FAST = 58, /* presence changed too often: message says how long */
    PROTO_E_HISTORY_INVALID = 60,   /* HISTORY mode unknown, or limit 0 */
    PROTO_E_MESSAGE_UNKNOWN = 61,   /* no such message in a room you are in */
    PROTO_E_NOT_AUTHOR = 62,        /* only its author may edit it (or a moderator delete) */
    PROTO_E_MESSAGE_DELETED = 63,   /* the message was deleted: nothing more to change */
    PROTO_E_EMOJI_INVALID = 64,     /* a reaction that is not one short emoji */
    PROTO_E_TOO_MANY_REACTIONS = 65,/* the message has the most distinct reactions allowed */
    PROTO_E_TYPING_INVALID = 66,    /* TYPING_SET with an unknown state */
    PROTO_E_NOTIFY_LEVEL_INVALID = 67, /* NOTIFY_LEVEL_SET with an unknown level */
    PROTO_E_SEARCH_INVALID = 70,    /* SEARCH query empty, too long, without a word, or
                                       limit 0 */
    PROTO_E_THUMBNAIL_INVALID = 71, /* thumbnail not a PNG or JPEG, over the byte limit,
                                       or larger than the side limit */
    PROTO_E_SEARCH_BUSY = 72,       /* this connection's searches used their share of the
                                       server: the message says how long to wait */
    PROTO_E_CLUSTER_UNAVAILABLE = 80, /* the cluster's shared log (Redis) is unreachable or
                                       did not answer in time: nothing was done; try again */
};

/* Status of codec calls. Zero is success; errors are values, never aborts. */
enum proto_status {
    PROTO_OK = 0,
    PROTO_NEED_MORE,       /* decoder: no complete frame yet */
    PROTO_ERR_TOO_LARGE,   /* declared length over the limit, or a field over its cap */
    PROTO_ERR_UNKNOWN_TYPE,
    PROTO_ERR_TRUNCATED,   /* payload ends inside a field */
    PROTO_ERR_TRAILING,    /* bytes left after the last field */
    PROTO_ERR_BAD_UTF8,    /* a string is not valid UTF-8 or contains NUL */
    PROTO_ERR_BAD_FIELD,   /* a field has a value its type forbids (flags, empty chunk...) */
};

/* A string or byte view into a buffer; not NUL-terminated. */
struct proto_str {
    const char *ptr;
    uint16_t len;
};

struct proto_hello {
    uint16_t version;        /* PROTO_VERSION the client speaks */
    uint32_t features;       /* bit set of optional features; 0 in version 1 */
    struct proto_str username;
    struct proto_str agent;  /* client software name, e.g. "chat-cli/1.0"; may be empty */
};

struct proto_welcome {
    uint16_t version;        /* version the server will speak on this connection */
    uint32_t features;
    uint32_t user_id;        /* this connection's id, unique while the server runs */
    uint64_t server_time_ms; /* milliseconds since the Unix epoch */
    uint32_t users_online;   /* USER_LIST frames with this many entries follow */
    uint32_t max_payload;    /* the server's limits, each <= the wire-format cap */
    uint32_t max_text;
    uint32_t max_chunk;
    uint32_t max_uploads;    /* uploads in flight per connection */
    uint64_t max_file_size;
    struct proto_str username; /* the name as the server accepted it */
};

struct proto_error {
    uint16_t code;           /* enum proto_error_code */
    uint16_t ref_type;       /* frame type of the request it answers, 0 if none */
    uint64_t ref_id;         /* client message id, upload id or file id; 0 if none */
    struct proto_str message; /* human-readable English */
};

struct proto_text_send {
    uint64_t client_id;      /* chosen by the client, echoed in PROTO_TEXT */
    uint32_t room_id;        /* PROTO_ROOM_LOBBY in version 1 */
    struct proto_str text;
};

struct proto_text {
    uint64_t message_id;     /* server-assigned, strictly increasing: the total order */
    uint64_t time_ms;        /* server time the message was accepted */
    uint32_t room_id;
    uint32_t sender_id;
    uint64_t client_id;      /* the sender's own id for it: the acknowledgement */
    struct proto_str sender;
    struct proto_str text;
};

/* USER_LIST / USER_JOINED / USER_LEFT: u16 count, then count x (u32 id, str name).
 * The decoder validates every entry; walk them with proto_users_next(). */
struct proto_users {
    uint16_t count;
    const uint8_t *entries;  /* raw entries, already validated */
    size_t entries_len;
};

struct proto_user {
    uint32_t id;
    struct proto_str name;
};

struct proto_file_offer {
    uint64_t upload_id;      /* chosen by the client, unique among its live uploads */
    uint64_t size;           /* total bytes; may exceed 4 GiB */
    uint8_t sha256[PROTO_SHA256_LEN];
    uint32_t room_id;
    struct proto_str name;   /* a name, never a path: the server sanitises it */
};

struct proto_file_ref {
    uint64_t id;             /* upload id or file id, per frame type */
};

/* FILE_CHUNK and DOWNLOAD_CHUNK: u64 id, u64 offset, then 1..PROTO_MAX_CHUNK data bytes. */
struct proto_chunk {
    uint64_t id;
    uint64_t offset;
    const uint8_t *data;
    uint32_t len;
};
#define PROTO_CHUNK_PREFIX 16u /* bytes of a chunk payload before its data */

struct proto_file_announce {
    uint64_t file_id;        /* server-assigned; use it to download */
    uint64_t message_id;     /* place in the same total order as texts */
    uint64_t time_ms;
    uint32_t room_id;
    uint32_t uploader_id;
    uint64_t upload_id;      /* the uploader's own id for it: the acknowledgement */
    uint64_t size;
    uint8_t sha256[PROTO_SHA256_LEN];
    struct proto_str uploader;
    struct proto_str name;   /* the stored, sanitised name */
};

struct proto_download_request {
    uint64_t file_id;
    uint64_t offset;         /* resume point; 0 for the whole file */
};

struct proto_download_start {
    uint64_t file_id;
    uint64_t offset;         /* first byte that will be sent */
    uint64_t size;           /* whole file size */
    uint8_t sha256[PROTO_SHA256_LEN];
    struct proto_str name;
};

/* REGISTER, LOGIN and LOGIN_TOKEN begin like HELLO: version, features. */
struct proto_register {
    uint16_t version;
    uint32_t features;
    struct proto_str username;
    struct proto_str password;
    struct proto_str invite;   /* may be empty */
    struct proto_str agent;
};

struct proto_login {
    uint16_t version;
    uint32_t features;
    struct proto_str username;
    struct proto_str password;
    struct proto_str agent;
};

struct proto_login_token {
    uint16_t version;
    uint32_t features;
    uint8_t token[PROTO_TOKEN_LEN];
    struct proto_str agent;
};

struct proto_session {
    uint8_t token[PROTO_TOKEN_LEN]; /* log in with it next time; a secret */
    uint64_t expires_ms;     /* when the token stops working */
    uint32_t account_id;     /* stable for the account's life */
    uint16_t role;           /* enum proto_role */
    struct proto_str username; /* the name as registered */
};

/* Requests of a logged-in account carry a request_id of the client's choosing, echoed
 * in the DONE, INVITE or ERROR (ref_id) that answers them. */
struct proto_logout {
    uint64_t request_id;
    uint16_t scope;          /* enum proto_logout_scope */
};

struct proto_password_change {
    uint64_t request_id;
    struct proto_str old_password;
    struct proto_str new_password;
};

struct proto_invite_create {
    uint64_t request_id;
    uint32_t valid_minutes;  /* 0: the server's default */
};

struct proto_invite {
    uint64_t request_id;
    uint64_t expires_ms;
    struct proto_str code;   /* single use */
};

struct proto_moderate {
    uint64_t request_id;
    uint16_t action;         /* enum proto_mod_action */
    uint32_t value;          /* the role for PROTO_MOD_ROLE, minutes for PROTO_MOD_MUTE */
    struct proto_str target; /* account (or, for a kick, guest) name */
    struct proto_str reason; /* may be empty */
};

struct proto_done {
    uint64_t request_id;
    uint16_t request_type;   /* the frame type of the request */
};

struct proto_notice {
    uint64_t time_ms;
    uint16_t action;         /* enum proto_mod_action */
    uint32_t value;          /* as in MODERATE */
    struct proto_str actor;
    struct proto_str target;
    struct proto_str reason;
};

/* USER_ROLE: u16 role, then a user list as in USER_LIST: the online users who have
 * that role (walk them with proto_users_next()). */
struct proto_user_role {
    uint16_t role;           /* enum proto_role */
    struct proto_users users;
};

struct proto_room_create {
    uint64_t request_id;
    uint16_t kind;           /* PROTO_ROOM_PUBLIC or PROTO_ROOM_PRIVATE */
    struct proto_str name;   /* the rules of usernames */
    struct proto_str topic;  /* may be empty */
};

struct proto_room_join {
    uint64_t request_id;
    struct proto_str name;
};

/* ROOM_LEAVE */
struct proto_room_ref {
    uint64_t request_id;
    uint32_t room_id;
};

struct proto_room_topic_set {
    uint64_t request_id;
    uint32_t room_id;
    struct proto_str topic;  /* may be empty: no topic */
};

struct proto_room_invite {
    uint64_t request_id;
    uint32_t room_id;
    struct proto_str username;
};

/* The answer is a TEXT in the direct room (its room_id: send there from now on). */
struct proto_direct_send {
    uint64_t client_id;      /* as in TEXT_SEND */
    struct proto_str username;
    struct proto_str text;
};

struct proto_block {
    uint64_t request_id;
    uint16_t blocked;        /* 1 block, 0 unblock */
    struct proto_str username;
};

struct proto_presence_set {
    uint64_t request_id;
    uint16_t state;          /* enum proto_presence */
};

struct proto_room_info {
    uint64_t request_id;     /* of the ROOM_LIST it answers */
    uint32_t room_id;
    uint16_t kind;           /* enum proto_room_kind (never direct) */
    uint16_t flags;          /* PROTO_ROOM_FLAG_* */
    uint32_t members;
    struct proto_str name;
    struct proto_str topic;
};

/* Sent on login for every room the account is in but the lobby, and on joining or
 * creating one; ROOM_MEMBERS frames listing `members` accounts follow. */
struct proto_room_state {
    uint32_t room_id;
    uint16_t kind;           /* enum proto_room_kind */
    uint32_t members;        /* the ROOM_MEMBERS that follow list this many */
    struct proto_str name;   /* direct rooms: the other account's name */
    struct proto_str topic;
};

/* ROOM_MEMBERS and ROOM_PRESENCE: a room, a state, then a user list as in USER_LIST
 * whose ids are account ids (walk it with proto_users_next()). */
struct proto_room_members {
    uint32_t room_id;
    uint16_t state;          /* enum proto_member_state */
    struct proto_users users;
};

struct proto_room_topic {
    uint32_t room_id;
    uint64_t time_ms;
    struct proto_str actor;  /* who set it */
    struct proto_str topic;
};

struct proto_room_invited {
    uint32_t room_id;
    struct proto_str inviter;
    struct proto_str name;   /* join it by this name */
    struct proto_str topic;
};

/* HISTORY: answered by the page's frames then HISTORY_END (request_id echoed); an
 * ERROR (ref_id = request_id) if the room is not yours or the request is invalid. */
struct proto_history {
    uint64_t request_id;
    uint32_t room_id;
    uint16_t mode;           /* enum proto_history_mode */
    uint16_t limit;          /* 1..; the server clamps it to its maximum */
    uint64_t anchor;         /* a message id (exclusive bound); 0 for LATEST */
};

struct proto_history_end {
    uint64_t request_id;     /* of the HISTORY or RESUME it ends */
    uint32_t room_id;
    uint16_t flags;          /* PROTO_HISTORY_MORE_* */
    uint32_t count;          /* frames in the page */
};

/* RESUME: after login, once per room: "the newest message I have of room is last_id".
 * The server replays the newer stored frames (at most its per-room bound: the newest
 * ones, after a RESUME_GAP), then HISTORY_END. */
struct proto_resume {
    uint64_t request_id;
    uint32_t room_id;
    uint64_t last_id;        /* 0: nothing yet */
};

/* Messages with after_id < id < before_id exist and were not replayed: fetch them with
 * HISTORY (AFTER after_id, or BEFORE before_id). */
struct proto_resume_gap {
    uint64_t request_id;
    uint32_t room_id;
    uint64_t after_id;
    uint64_t before_id;
};

#define PROTO_MAX_EMOJI 32u              /* bytes of one reaction: one emoji grapheme */

struct proto_typing_set {
    uint32_t room_id;
    uint16_t state;          /* enum proto_typing_state */
};

/* READ_MARK: the account has read room_id up to message_id; markers only move forward
 * and are answered with READ_MARKER (the marker as it now is). */
struct proto_read_mark {
    uint64_t request_id;     /* the ERROR's ref_id */
    uint32_t room_id;
    uint64_t message_id;
};

struct proto_receipts_set {
    uint64_t request_id;     /* answered by DONE */
    uint16_t enabled;        /* 0: send none of mine and show me none; 1: share them */
};

/* NOTIFY_LEVEL_SET: the account's level for room_id (enum proto_notify). */
struct proto_notify_level_set {
    uint64_t request_id;     /* answered by DONE after NOTIFY_LEVEL */
    uint32_t room_id;
    uint16_t level;
};

/* NOTIFY_LEVEL: room_id's level for this account, at login for each room not at ALL and
 * to every connection of the account when it changes. */
struct proto_notify_level {
    uint32_t room_id;
    uint16_t level;
};

struct proto_edit {
    uint64_t request_id;     /* answered by DONE after MESSAGE_EDITED */
    uint64_t message_id;
    struct proto_str text;
};

/* DELETE */
struct proto_msg_ref {
    uint64_t request_id;     /* answered by DONE after MESSAGE_DELETED */
    uint64_t message_id;
};

/* Answered like TEXT_SEND: REPLY_TO then the TEXT, to the room. */
struct proto_reply_send {
    uint64_t client_id;      /* as in TEXT_SEND */
    uint32_t room_id;
    uint64_t reply_to;       /* a message of the same room */
    struct proto_str text;
};

struct proto_react {
    uint64_t request_id;     /* answered by DONE after REACTION */
    uint64_t message_id;
    struct proto_str emoji;  /* one emoji; sent again it takes the reaction back */
};

struct proto_typing {
    uint32_t room_id;
    uint32_t account_id;     /* 0 for a guest */
    uint16_t state;          /* enum proto_typing_state */
    struct proto_str name;
};

struct proto_read_marker {
    uint32_t room_id;
    uint64_t message_id;     /* read up to and including this id; 0: nothing yet */
};

/* In rooms of up to 20 members: account_id and name read up to message_id (count 0).
 * In larger rooms: count members have read up to message_id or further (account_id 0,
 * name empty). */
struct proto_receipt {
    uint32_t room_id;
    uint64_t message_id;
    uint32_t account_id;
    uint32_t count;
    struct proto_str name;
};

struct proto_message_edited {
    uint64_t event_id;       /* the edit's own id in the message_id sequence */
    uint64_t message_id;     /* the message edited */
    uint64_t time_ms;
    uint32_t room_id;
    struct proto_str actor;
    struct proto_str text;   /* the message's text from now on */
};

struct proto_message_deleted {
    uint64_t event_id;       /* the deletion's own id */
    uint64_t message_id;
    uint64_t time_ms;
    uint32_t room_id;
    struct proto_str actor;  /* the author or the moderator who deleted it */
};

struct proto_reply_to {
    uint32_t room_id;
    uint64_t message_id;     /* the TEXT that follows */
    uint64_t reply_to;       /* the message it answers */
};

struct proto_reaction {
    uint64_t event_id;       /* its own id; 0 in a HISTORY page (the current state) */
    uint64_t message_id;
    uint32_t room_id;
    uint32_t account_id;
    uint16_t added;          /* 1 added, 0 taken back */
    struct proto_str name;
    struct proto_str emoji;
};

/* SEARCH: the words of query (quoted by the server: no search syntax), matched as
 * words and word prefixes, in room_id or, with PROTO_SEARCH_ALL_ROOMS, in every room
 * the account is a member of. */
struct proto_search {
    uint64_t request_id;
    uint32_t room_id;        /* a room id, or PROTO_SEARCH_ALL_ROOMS */
    uint16_t limit;          /* 1..; the server clamps it to its maximum */
    struct proto_str query;  /* 1..PROTO_MAX_SEARCH_QUERY bytes */
};

/* One match, in rank order (best first). */
struct proto_search_result {
    uint64_t request_id;     /* of the SEARCH it answers */
    uint64_t message_id;     /* fetch its context with HISTORY AROUND */
    uint64_t time_ms;
    uint32_t room_id;
    struct proto_str sender;
    struct proto_str snippet; /* part of the text around the match, each matching word
                                 between PROTO_SNIPPET_MARK_START and _END */
};

/* A thumbnail: 1..PROTO_MAX_THUMB_BYTES bytes of PNG or JPEG (the rest of the payload);
 * only data and len of the chunk are used. */
struct proto_file_offer_thumb {
    struct proto_file_offer offer; /* first, so u.offer reads it too */
    struct proto_chunk thumb;
};

struct proto_file_announce_thumb {
    struct proto_file_announce announce; /* first, so u.announce reads it too */
    uint16_t width;          /* the thumbnail's size, as the server read it */
    uint16_t height;
    struct proto_chunk thumb;
};

/* EVENT_TEXT: a text posted to a room, as the taking node saw it (event.h). */
struct proto_event_text {
    uint32_t room_id;
    uint64_t time_ms;
    uint64_t sender_account; /* 0 for a guest */
    uint32_t sender_conn;    /* the sender's cluster-wide connection id */
    uint64_t client_id;
    uint64_t reply_to;       /* 0, or the message it answers */
    struct proto_str sender; /* the sender's name */
    struct proto_str text;
};

/* EVENT_ACCOUNT_CREATE and EVENT_ACCOUNT_CHANGE: never a password, only its Argon2id
 * hash string. */
struct proto_event_account {
    uint64_t account;        /* CHANGE: the account; CREATE: 0 (assigned at apply) */
    uint64_t time_ms;
    uint16_t flag;           /* CREATE: 1 if invite_hash is an invite brought, else 0;
                                CHANGE: 1 for a login's rehash, 0 for a new password */
    uint8_t invite_hash[PROTO_SHA256_LEN]; /* CREATE with an invite: its code's SHA-256;
                                              else zeros */
    struct proto_str name;   /* CREATE: the name; CHANGE: absent */
    struct proto_str pw_hash;
};

/* EVENT_MODERATE: what a moderator or admin did to an account or a guest's connection. */
struct proto_event_moderate {
    uint16_t action;         /* enum proto_mod_action */
    uint32_t value;          /* ROLE: the role; MUTE: minutes (0 lifts it) */
    uint64_t time_ms;
    uint64_t until_ms;       /* MUTE: when it ends, 0 if lifted */
    uint64_t actor_account;
    uint64_t target_account; /* 0: a guest (KICK and MUTE only) */
    uint32_t target_conn;    /* a guest: its cluster-wide connection id; else 0 */
    struct proto_str actor;
    struct proto_str target;
    struct proto_str reason; /* may be empty */
};

/* EVENT_ROOM_CREATE, EVENT_ROOM_MEMBER, EVENT_ROOM_TOPIC: a named room made, an account
 * joining, leaving or invited, a topic set. */
struct proto_event_room {
    uint16_t action;         /* CREATE: the kind (public 0, private 1); MEMBER: join 0,
                                leave 1, invite 2; TOPIC: 0 */
    uint32_t room_id;        /* CREATE: 0 (assigned when applied) */
    uint64_t time_ms;
    uint64_t actor_account;  /* who asked (TOPIC: 0 for a guest moderator) */
    uint64_t account;        /* MEMBER: who joins, leaves or is invited; else 0 */
    struct proto_str actor;
    struct proto_str name;   /* CREATE: the room's name; MEMBER: the account's name */
    struct proto_str topic;  /* CREATE and TOPIC: the topic (may be empty) */
};

/* EVENT_BLOCK: an account blocks (or unblocks) another's direct messages. */
struct proto_event_block {
    uint64_t account;
    uint64_t blocked;
    uint64_t time_ms;
    uint16_t on;             /* 1 blocks, 0 unblocks */
    struct proto_str name;   /* the blocking account's name */
};

/* EVENT_READ_MARK: an account's read marker in a room moved forward. */
struct proto_event_read_mark {
    uint64_t account;
    uint32_t room_id;
    uint64_t message_id;
    uint16_t receipts_off;   /* 1: the account shares no receipts */
    struct proto_str name;   /* the account's name */
};

/* EVENT_INVITE_CREATE: never the code, only its SHA-256. */
struct proto_event_invite {
    uint64_t creator;        /* the admin's account */
    uint64_t time_ms;
    uint64_t expires_ms;
    uint8_t code_hash[PROTO_SHA256_LEN];
    struct proto_str name;   /* the admin's name */
};

/* EVENT_FILE: an upload complete and verified on the taking node, already kept in the
 * shared files directory under name (docs/CLUSTER.md section 3). */
struct proto_event_file {
    uint32_t room_id;
    uint64_t time_ms;
    uint64_t sender_account; /* 0 for a guest */
    uint32_t sender_conn;    /* the uploader's cluster-wide connection id */
    uint64_t upload_id;      /* the uploader's own id for it */
    uint64_t size;
    uint8_t sha256[PROTO_SHA256_LEN];
    struct proto_str sender; /* the uploader's name */
    struct proto_str name;   /* the stored base name in the files directory */
};

/* EVENT_FILE_THUMB: EVENT_FILE with the offer's checked thumbnail. */
struct proto_event_file_thumb {
    struct proto_event_file file; /* first, so u.event_file reads it too */
    uint16_t width;
    uint16_t height;
    struct proto_chunk thumb;
};

/* EVENT_DIRECT: a direct message that makes the direct room of the two accounts if it
 * does not exist yet, then posts the text to it. */
struct proto_event_direct {
    uint64_t time_ms;
    uint64_t sender_account;
    uint64_t peer_account;   /* the other account (not the sender's) */
    uint32_t sender_conn;    /* the sender's cluster-wide connection id */
    uint64_t client_id;
    struct proto_str sender; /* the sender's name */
    struct proto_str peer;   /* the other account's name */
    struct proto_str text;
};

/* EVENT_RECEIPTS_SET and EVENT_NOTIFY_LEVEL: an account's setting. */
struct proto_event_setting {
    uint64_t account;
    uint32_t room_id;        /* NOTIFY_LEVEL: the room; RECEIPTS_SET: 0 */
    uint16_t value;          /* RECEIPTS_SET: 1 shares receipts, 0 not; NOTIFY_LEVEL: the
                                level (enum proto_notify_level) */
    struct proto_str name;   /* the account's name */
};

/* EVENT_PRUNE: --retention-days pruning, the same rows on every node. */
struct proto_event_prune {
    uint64_t before_ms;      /* messages with an older time_ms go, with their files */
    uint64_t time_ms;        /* when the taking node made it (its wall clock) */
    uint32_t max_rows;       /* at most this many messages, lowest ids first */
};

/* EVENT_SESSION_ADD and EVENT_SESSION_DROP: never a token, only its SHA-256. */
struct proto_event_session {
    uint64_t account;
    uint64_t time_ms;
    uint64_t expires_ms;     /* ADD: when it ends; DROP: 0 */
    uint16_t all;            /* DROP: 1 ends every session of the account, else 0 */
    uint8_t token_hash[PROTO_SHA256_LEN];
};

/* EVENT_EDIT, EVENT_DELETE, EVENT_REACT: a change to one message by an account. */
struct proto_event_change {
    uint64_t message_id;
    uint64_t time_ms;
    uint64_t actor_account;
    uint16_t moderates;      /* 1: the actor may delete others' messages, else 0 */
    struct proto_str actor;  /* the actor's name */
    struct proto_str text;   /* EDIT: the new text; REACT: the emoji; DELETE: absent */
};

/* One decoded frame. Which member is valid depends on type. */
struct proto_msg {
    uint16_t type;
    union {
        struct proto_hello hello;
        struct proto_welcome welcome;
        struct proto_error error;
        uint64_t token;                /* PING, PONG */
        struct proto_str reason;       /* GOODBYE, SHUTDOWN */
        struct proto_users users;      /* USER_LIST, USER_JOINED, USER_LEFT */
        struct proto_text_send text_send;
        struct proto_text text;
        struct proto_file_offer offer;
        struct proto_file_ref ref;     /* FILE_ACCEPT, FILE_END, FILE_CANCEL,
                                          DOWNLOAD_END, DOWNLOAD_CANCEL */
        struct proto_chunk chunk;      /* FILE_CHUNK, DOWNLOAD_CHUNK */
        struct proto_file_announce announce;
        struct proto_download_request download_request;
        struct proto_download_start download_start;
        struct proto_register reg;     /* REGISTER */
        struct proto_login login;
        struct proto_login_token login_token;
        struct proto_session session;
        struct proto_logout logout;
        struct proto_password_change password_change;
        struct proto_invite_create invite_create;
        struct proto_invite invite;
        struct proto_moderate moderate;
        struct proto_done done;
        struct proto_notice notice;
        struct proto_user_role user_role;
        uint64_t request_id;           /* ROOM_LIST */
        struct proto_room_create room_create;
        struct proto_room_join room_join;
        struct proto_room_ref room_ref;
        struct proto_room_topic_set room_topic_set;
        struct proto_room_invite room_invite;
        struct proto_direct_send direct_send;
        struct proto_block block;
        struct proto_room_info room_info;
        struct proto_room_state room_state;
        struct proto_room_members room_members; /* ROOM_MEMBERS, ROOM_PRESENCE,
                                                   PRESENCE_STATE */
        struct proto_presence_set presence_set;
        struct proto_room_topic room_topic;
        struct proto_room_invited room_invited;
        struct proto_history history;
        struct proto_history_end history_end;
        struct proto_resume resume;
        struct proto_resume_gap resume_gap;
        struct proto_typing_set typing_set;
        struct proto_read_mark read_mark;
        struct proto_receipts_set receipts_set;
        struct proto_edit edit;
        struct proto_msg_ref msg_ref;  /* DELETE */
        struct proto_reply_send reply_send;
        struct proto_react react;
        struct proto_typing typing;
        struct proto_read_marker read_marker;
        struct proto_receipt receipt;
        struct proto_message_edited message_edited;
        struct proto_message_deleted message_deleted;
        struct proto_reply_to reply_to;
        struct proto_reaction reaction;
        struct proto_search search;
        struct proto_search_result search_result;
        struct proto_file_offer_thumb offer_thumb;
        struct proto_file_announce_thumb announce_thumb;
        struct proto_notify_level_set notify_level_set;
        struct proto_notify_level notify_level;
        struct proto_event_text event_text;
        struct proto_event_change event_change; /* EVENT_EDIT, _DELETE, _REACT */
        struct proto_event_account event_account; /* EVENT_ACCOUNT_CREATE, _CHANGE */
        struct proto_event_session event_session; /* EVENT_SESSION_ADD, _DROP */
        struct proto_event_moderate event_moderate;
        struct proto_event_room event_room; /* EVENT_ROOM_CREATE, _MEMBER, _TOPIC */
        struct proto_event_block event_block;
        struct proto_event_read_mark event_read_mark;
        struct proto_event_invite event_invite;
        struct proto_event_file event_file;
        struct proto_event_file_thumb event_file_thumb;
        struct proto_event_direct event_direct;
        struct proto_event_setting event_setting; /* EVENT_RECEIPTS_SET, _NOTIFY_LEVEL */
        struct proto_event_prune event_prune;
    } u;
};

/* Incremental decoder: feed it bytes split anywhere, take whole frames out. */
struct proto_decoder {
    uint8_t *buf;            /* NULL while empty, so an idle connection costs nothing */
    size_t len;              /* bytes held */
    size_t pos;              /* bytes already consumed from buf */
    size_t cap;
    uint32_t max_payload;    /* frames declaring more are PROTO_ERR_TOO_LARGE */
};

/* Returns a view of a NUL-terminated C string (which must be shorter than 64 KiB). */
struct proto_str proto_str_of(const char *s);

/* True when the two views hold the same bytes. */
bool proto_str_eq(struct proto_str a, struct proto_str b);

/* Name of a frame type for logs ("TEXT_SEND"), or NULL when unknown. */
const char *proto_type_name(uint16_t type);

/* Short English description of an error code, never NULL. */
const char *proto_error_text(uint16_t code);

/* Short English description of a codec status, never NULL. */
const char *proto_status_text(enum proto_status status);

/* True when bytes[0..len) is valid UTF-8 without NUL bytes. */
bool proto_utf8_valid(const char *bytes, size_t len);

/* Reads a frame header from at least PROTO_HEADER_SIZE bytes. Returns PROTO_OK,
 * PROTO_ERR_TOO_LARGE if the length exceeds max_payload, or PROTO_ERR_BAD_FIELD if
 * flags are set. The type is not checked here. */
enum proto_status proto_header_read(const uint8_t *bytes, uint32_t max_payload,
                                    uint32_t *payload_len, uint16_t *type);

/* Decodes one payload of the given type into *out (views into payload).
 * Returns PROTO_OK or the first problem found. On error out->type is set and the fields
 * before the bad one are filled (so an answer can quote an id); the rest are undefined. */
enum proto_status proto_decode_payload(uint16_t type, const uint8_t *payload, size_t len,
                                       struct proto_msg *out);

/* Walks the entries of a decoded proto_users: set *cursor to 0 first; returns false
 * after the last entry. */
bool proto_users_next(const struct proto_users *users, size_t *cursor, struct proto_user *out);

/* Bytes the whole frame for msg will take (header included), or 0 if a field is over
 * its wire-format cap or the type is unknown. */
size_t proto_frame_size(const struct proto_msg *msg);

/* Writes the whole frame for msg into out, which has proto_frame_size(msg) bytes.
 * Returns the bytes written, or 0 under the same conditions as proto_frame_size. */
size_t proto_encode(const struct proto_msg *msg, uint8_t *out);

/* Writes the header and the 16-byte prefix of a FILE_CHUNK or DOWNLOAD_CHUNK frame whose
 * data_len data bytes the caller places right after, at out + PROTO_HEADER_SIZE +
 * PROTO_CHUNK_PREFIX (so file data can be read straight into a frame). Returns the
 * whole frame size, or 0 if data_len is 0 or over PROTO_MAX_CHUNK. */
size_t proto_encode_chunk_prefix(uint16_t type, uint64_t id, uint64_t offset,
                                 uint32_t data_len, uint8_t *out);

/* Encodes a USER_LIST/JOINED/LEFT frame from parallel arrays of ids and names.
 * Returns bytes written to out (capacity cap), or 0 if it does not fit or count is
 * over PROTO_MAX_USERS_PER_FRAME. */
size_t proto_encode_users(uint16_t type, const uint32_t *ids, const struct proto_str *names,
                          size_t count, uint8_t *out, size_t cap);

/* Writes only the entries of a user list (count x (u32 id, str name)) into out (capacity
 * cap), for a struct proto_users inside another frame (USER_ROLE, ROOM_MEMBERS). Returns
 * the bytes written, or 0 if they do not fit or count is over
 * PROTO_MAX_USERS_PER_FRAME (an empty list is written as 0 bytes: check count). */
size_t proto_encode_user_entries(const uint32_t *ids, const struct proto_str *names,
                                 size_t count, uint8_t *out, size_t cap);

/* Sets up an empty decoder accepting payloads up to max_payload (<= PROTO_MAX_PAYLOAD). */
void proto_decoder_init(struct proto_decoder *d, uint32_t max_payload);

/* Releases the decoder's buffer; the decoder may be reused after proto_decoder_init. */
void proto_decoder_free(struct proto_decoder *d);

/* Appends n bytes of input. Views from an earlier proto_decoder_next become invalid. */
void proto_decoder_feed(struct proto_decoder *d, const void *bytes, size_t n);

/* Takes the next whole frame out: PROTO_OK with *out filled (views valid until the next
 * feed or the next PROTO_NEED_MORE, which frees an emptied buffer), PROTO_NEED_MORE, or
 * an error. A header declaring too much (PROTO_ERR_TOO_LARGE) or carrying flags
 * (PROTO_ERR_BAD_FIELD), both with out->type 0, is rejected as soon as its 8 bytes
 * arrive, before any payload is buffered, and the stream cannot go on. After any
 * other error the bad frame has been consumed whole and out->type names its type, so
 * the caller may answer and carry on (an unknown type) or close (a malformed frame). */
enum proto_status proto_decoder_next(struct proto_decoder *d, struct proto_msg *out);

/* The type in the next frame's header, or 0 while fewer than its 8 bytes are buffered
 * (the frame itself may be incomplete or invalid: proto_decoder_next says). */
uint16_t proto_decoder_peek_type(const struct proto_decoder *d);

/* Bytes buffered but not yet taken out as frames. */
size_t proto_decoder_pending(const struct proto_decoder *d);

/* Overwrites with zeros the frame_bytes bytes of the frame proto_decoder_next just took
 * out (call before the next feed), so that a password does not stay in the buffer. */
void proto_decoder_wipe_taken(struct proto_decoder *d, size_t frame_bytes);

#endif
