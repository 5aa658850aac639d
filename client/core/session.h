/* ChatSession: the client's protocol core, shared by chat-cli and chat-client.
 *
 * It connects, logs in, sends and receives messages, moves files in both directions
 * and reconnects, all on the thread-default GLib main context without blocking. It
 * never includes gtk.h: front ends render what its signals report and call its
 * methods for what the user wants.
 *
 * Signals (all emitted on the main context):
 *   "state-changed"     (ChatSessionState state, const char *detail)
 *        detail is an English explanation for DISCONNECTED/RECONNECTING (or NULL).
 *   "login-failed"      (guint code, const char *message)
 *        the login was refused or the server could not be reached: code is a
 *        ChatSessionError, message a sentence in words for the user; the session is
 *        DISCONNECTED and will not reconnect by itself.
 *   "token-changed"     (const char *token)
 *        a login succeeded with a new session token (64 hex digits, a secret): keep it
 *        and pass it in ChatCredentials next time; NULL when it stopped working (logout,
 *        refused, revoked) and must be forgotten.
 *   "message"           (ChatMessage *msg)         a text, in server order (its room_id
 *                       names the room: chat_session_find_room)
 *   "message-failed"    (guint64 client_id, const char *reason)
 *   "users-changed"     ()                         the online list changed
 *   "user-joined"       (guint32 id, const char *name)
 *   "user-left"         (guint32 id, const char *name)
 *   "file-announced"    (ChatFileInfo *file)       someone (maybe us) shared a file
 *   "transfer-progress" (ChatTransfer *transfer)   bytes moved, at most ~10 times a second
 *   "transfer-finished" (ChatTransfer *transfer)   complete and verified (SHA-256)
 *   "transfer-failed"   (ChatTransfer *transfer, const char *reason)
 *   "server-error"      (guint code, const char *message)  an error not tied to the above
 *                       (code a ChatSessionError)
 *   "request-done"      (guint64 request_id, const char *what)  an account or moderation
 *                       request succeeded; what says so in words
 *   "request-failed"    (guint64 request_id, guint code, const char *message)
 *   "invite-created"    (guint64 request_id, const char *code)  a new single-use invite
 *   "notice"            (const char *text)  a moderation event everyone sees, in words
 *   "idle"              ()  nothing queued, no transfer running, every text acknowledged
 *   "certificate-untrusted" (ChatCertificate *cert)
 *        the TLS handshake met a certificate nothing vouches for (see "Trust" below);
 *        the connection is closed, and "login-failed" (CHAT_SESSION_ERROR_UNREACHABLE)
 *        follows at once.
 *   "room-listed"       (guint64 request_id, ChatRoom *room)  one room of the list asked
 *                       for with chat_session_request_room_list ("joined" says whether
 *                       the account is in it); "request-done" ends the list
 *   "room-event"        (ChatRoom *room, const char *text)  someone joined or left the
 *                       room, or set its topic, in words
 *   "room-invited"      (const char *room_name, const char *inviter, const char *topic)
 *                       the account may now join that private room (by its name)
 *   "history-loaded"    (ChatRoom *room, guint count, gboolean more)  a page asked for with
 *                       chat_session_load_history arrived ("message" for each of its
 *                       count texts, older than those shown); more: older ones exist
 *   "history-gap"       (ChatRoom *room, guint64 after_id, guint64 before_id)  more was
 *                       missed while away than the server replays at once: messages with
 *                       after_id < id < before_id follow later ("message", older than
 *                       some already reported) as the session fetches them
 * Reasons the server gives (in ERROR and SHUTDOWN) reach every detail, message and reason
 * above with their control and bidi characters written out (common/safe_text.h); names
 * and texts are passed as sent, for the front end to render safely.
 * Texts are reported once each, by message id, whether live, replayed after a login or
 * paged: a front end orders them by message_id.
 * Rooms the account is in are ChatRoom objects in chat_session_get_rooms(); they appear
 * and disappear there (GListModel "items-changed") and change through "notify".
 */
#ifndef CHAT_SESSION_H
#define CHAT_SESSION_H

#include <gio/gio.h>

#include "client/core/session_chatroom.h"

G_BEGIN_DECLS

/* Errors reported by the session, in the CHAT_SESSION_ERROR domain: the code of
 * "login-failed", "server-error" and "request-failed", and of GErrors the calls set.
 * Front ends never see protocol codes; every message comes in words. */
#define CHAT_SESSION_ERROR (chat_session_error_quark())
GQuark chat_session_error_quark(void);

typedef enum {
    CHAT_SESSION_ERROR_FAILED,              /* anything else: the message says what */
    CHAT_SESSION_ERROR_UNREACHABLE,         /* no connection to the server */
    CHAT_SESSION_ERROR_VERSION,             /* the server speaks another protocol version */
    CHAT_SESSION_ERROR_SERVER_FULL,
    CHAT_SESSION_ERROR_NAME_INVALID,
    CHAT_SESSION_ERROR_NAME_TAKEN,          /* online now, or a registered name */
    CHAT_SESSION_ERROR_WRONG_PASSWORD,      /* or no such account: never told apart */
    CHAT_SESSION_ERROR_THROTTLED,           /* too many attempts: the message says how long */
    CHAT_SESSION_ERROR_BANNED,
    CHAT_SESSION_ERROR_INVITE_REQUIRED,
    CHAT_SESSION_ERROR_INVITE_INVALID,
    CHAT_SESSION_ERROR_REGISTRATION_CLOSED,
    CHAT_SESSION_ERROR_PASSWORD_WEAK,       /* the message gives the reason */
    CHAT_SESSION_ERROR_BUSY,                /* logins queue up: the message says how long */
    CHAT_SESSION_ERROR_TOKEN_REFUSED,       /* the saved login stopped working: ask for the
                                               password */
    CHAT_SESSION_ERROR_ACCOUNT_NEEDED,      /* the server admits no guests */
    CHAT_SESSION_ERROR_NOT_ALLOWED,         /* the account's role may not do that */
    CHAT_SESSION_ERROR_NO_SUCH_ACCOUNT,
    CHAT_SESSION_ERROR_MUTED,
    CHAT_SESSION_ERROR_KICKED,
    CHAT_SESSION_ERROR_OFFLINE,             /* a request needs the session ONLINE */
    CHAT_SESSION_ERROR_INVALID,             /* a request's arguments are not acceptable */
    CHAT_SESSION_ERROR_REPLACED,            /* the account logged in somewhere else */
} ChatSessionError;

/* Roles of accounts; guests logged in by name only. */
typedef enum {
    CHAT_ROLE_MEMBER,
    CHAT_ROLE_MODERATOR,
    CHAT_ROLE_ADMIN,
    CHAT_ROLE_GUEST,
} ChatRole;

/* What moderators and admins may do to an account (chat_session_moderate). */
typedef enum {
    CHAT_MOD_SET_ROLE = 1, /* admins; value: CHAT_ROLE_MEMBER or CHAT_ROLE_MODERATOR */
    CHAT_MOD_BAN,          /* admins: the account cannot log in until unbanned */
    CHAT_MOD_UNBAN,        /* admins */
    CHAT_MOD_KICK,         /* moderators and admins: disconnect with a reason */
    CHAT_MOD_MUTE,         /* moderators and admins; value: minutes, 0 lifts a mute */
    CHAT_MOD_DELETE,       /* admins: the account is removed */
} ChatModeration;

/* How chat_session_login logs in. Strings are copied; NULL or "" means absent.
 * With create_account the account is registered (password required, invite optional);
 * otherwise a token is tried first, then the password, and with neither the session
 * logs in as a guest by name only. */
typedef struct {
    const char *username;
    const char *password;
    const char *token;    /* from "token-changed" */
    const char *invite;
    gboolean create_account;
} ChatCredentials;

typedef enum {
    CHAT_SESSION_DISCONNECTED,
    CHAT_SESSION_CONNECTING,   /* TCP connect and HELLO in progress */
    CHAT_SESSION_ONLINE,       /* WELCOME and the whole initial user list received */
    CHAT_SESSION_RECONNECTING, /* connection lost; waiting out a backoff delay */
} ChatSessionState;

/* A chat message as the session reports it. Boxed type; strings owned by it. */
typedef struct {
    guint64 message_id;  /* server order */
    gint64 time_ms;      /* server time, ms since the epoch */
    guint32 sender_id;
    char *sender;
    char *text;
    guint64 client_id;   /* our id for it when own is TRUE, else 0 */
    gboolean own;        /* sent from this session */
    guint32 room_id;     /* the room it was sent to (0: the lobby) */
} ChatMessage;

/* A file shared on the server. Boxed type. */
typedef struct {
    guint64 file_id;
    guint64 message_id;
    gint64 time_ms;
    guint32 uploader_id;
    char *uploader;
    char *name;
    guint64 size;
    guint8 sha256[32];
    gboolean own;        /* uploaded from this session */
    guint64 upload_id;   /* our transfer id when own, else 0 */
    guint32 room_id;     /* the room it was shared in (0: the lobby) */
} ChatFileInfo;

typedef enum { CHAT_TRANSFER_UPLOAD, CHAT_TRANSFER_DOWNLOAD } ChatTransferDirection;

/* One upload or download in progress. Owned by the session; valid during the signal
 * emission and until "transfer-finished"/"transfer-failed" returns. */
typedef struct {
    guint64 id;                 /* the session's id for it: upload id, or file id */
    ChatTransferDirection direction;
    char *name;                 /* file base name */
    char *path;                 /* local file (source, or final destination) */
    guint64 size;
    guint64 done;               /* bytes moved, counting a resume offset */
    double bytes_per_second;    /* smoothed */
} ChatTransfer;

/* A server certificate that no CA the client trusts signed for this host, and that no
 * pin nor expected fingerprint matches. Boxed type. */
typedef struct {
    char *host;
    guint16 port;
    char *fingerprint;   /* SHA-256 of the certificate (DER): 32 hex pairs "AB:CD:..." */
    char *pinned;        /* the other fingerprint pinned for host:port when the
                            certificate CHANGED; NULL on first use */
} ChatCertificate;

#define CHAT_TYPE_SESSION (chat_session_get_type())
G_DECLARE_FINAL_TYPE(ChatSession, chat_session, CHAT, SESSION, GObject)

GType chat_message_get_type(void);
GType chat_file_info_get_type(void);
#define CHAT_TYPE_MESSAGE (chat_message_get_type())
#define CHAT_TYPE_FILE_INFO (chat_file_info_get_type())
GType chat_certificate_get_type(void);
#define CHAT_TYPE_CERTIFICATE (chat_certificate_get_type())

/* A new disconnected session. agent names the front end ("chat-cli/1.0"). */
ChatSession *chat_session_new(const char *agent);

/* Starts connecting to host:port and logging in as a guest by name only (a server
 * with accounts may refuse: CHAT_SESSION_ERROR_ACCOUNT_NEEDED). Progress and the
 * outcome arrive as signals. Any current connection is closed first. */
void chat_session_connect(ChatSession *self, const char *host, guint16 port,
                          const char *username);

/* Like chat_session_connect, with an account's credentials. Reconnects log in with the
 * token the server handed out; the password is forgotten once the server answered. A
 * refused token falls back to the password when one was given, else "login-failed"
 * reports CHAT_SESSION_ERROR_TOKEN_REFUSED. */
void chat_session_login(ChatSession *self, const char *host, guint16 port,
                        const ChatCredentials *credentials);

/* Revokes this login's token on the server ("token-changed" with NULL) and closes;
 * no reconnect follows. */
void chat_session_logout(ChatSession *self);

/* Asks the server to change the account's password. Returns a request id (> 0) for
 * "request-done"/"request-failed", or 0 with error set (offline, not an account). */
guint64 chat_session_change_password(ChatSession *self, const char *old_password,
                                     const char *new_password, GError **error);

/* Asks for a new single-use invite code (admins): "invite-created" brings it. Returns a
 * request id or 0 with error set. */
guint64 chat_session_create_invite(ChatSession *self, GError **error);

/* Asks the server to apply a moderation action to the account target (value: see
 * ChatModeration; reason may be NULL). Returns a request id or 0 with error set. */
guint64 chat_session_moderate(ChatSession *self, ChatModeration action, const char *target,
                              guint32 value, const char *reason, GError **error);

/* TRUE when this login's role may ask for action (front ends offer only those). */
gboolean chat_session_may_moderate(ChatSession *self, ChatModeration action);

/* This login's role: CHAT_ROLE_GUEST before the first login and for guests. */
ChatRole chat_session_get_role(ChatSession *self);

/* The role of the user online under name (CHAT_ROLE_MEMBER when unknown). */
ChatRole chat_session_get_user_role(ChatSession *self, const char *name);

/* Connects again at once with the last credentials (after a login, its token), e.g.
 * for a "Reconnect now" button: it only brings the next attempt forward. If the server
 * cannot be reached, automatic retries go on as before (the backoff is not reset) until
 * chat_session_disconnect or chat_session_logout: after a login that once succeeded, an
 * unreachable server never ends in DISCONNECTED (only a refusal such as a revoked token
 * does). Nothing happens before the first connect. */
void chat_session_reconnect(ChatSession *self);

/* Says goodbye and closes; no reconnect follows. Transfers in flight fail. */
void chat_session_disconnect(ChatSession *self);

/* When TRUE (the default), a lost connection is retried with exponential backoff
 * (1 s doubling to 30 s) and the session logs in again under the same name. */
void chat_session_set_auto_reconnect(ChatSession *self, gboolean enabled);

ChatSessionState chat_session_get_state(ChatSession *self);

/* While RECONNECTING: whole seconds (rounded up) until the next attempt; otherwise 0. */
guint chat_session_get_retry_delay(ChatSession *self);

/* The username the server accepted, or NULL before the first WELCOME. */
const char *chat_session_get_username(ChatSession *self);

/* Names of the users online, sorted case-insensitively; free the array with
 * g_ptr_array_unref (the strings go with it). */
GPtrArray *chat_session_list_users(ChatSession *self);

/* ---- Presence state (PROTOCOL.md 5.46-5.47): active or away ----
 * Who is away: chat_session_user_away (the online list; "users-changed" follows a
 * change) and chat_room_member_away (a room's members; its "members-changed"). The
 * state of someone who goes offline is forgotten; a login starts active.
 * Our own: chat_session_set_away by hand, or chat_session_set_auto_away(self, 600) to go
 * away after 10 minutes without chat_session_note_input (which a front end calls on
 * every key press, click or typed line) and come back with the next input. The state is
 * said again after every reconnect. A refusal (changed too often) comes as
 * "server-error" in words; the state then stays as the server has it. */

/* TRUE when the user online under name said it is away. */
gboolean chat_session_user_away(ChatSession *self, const char *name);

/* Says we are away (TRUE) or back (FALSE), now if online, else at the next login. Set by
 * hand, away lasts until set back (input does not end it). */
void chat_session_set_away(ChatSession *self, gboolean away);

/* Our presence as last set (by hand or by the idle timer). */
gboolean chat_session_get_away(ChatSession *self);

/* Goes away after idle_seconds without chat_session_note_input, back on the next;
 * 0 turns it off (an automatic away then ends at once). */
void chat_session_set_auto_away(ChatSession *self, guint idle_seconds);

/* The user did something (typed, clicked): restarts the idle time, and ends an away
 * the idle timer set. */
void chat_session_note_input(ChatSession *self);

/* Queues a text for sending (validated first). Returns its client id (> 0), or 0 with
 * error set when the text is empty, too long or invalid. Sent texts stay pending until
 * the server relays them back ("message" with own = TRUE and this client_id); texts
 * queued while offline go out after the next login. */
guint64 chat_session_send_text(ChatSession *self, const char *text, GError **error);

/* Keeps the outbox (texts not yet acknowledged) in a file under dir, one per server and
 * account, so they are sent again (and never doubled) after a restart: call before
 * chat_session_login. Without it the outbox lives in memory only. */
void chat_session_set_outbox_dir(ChatSession *self, const char *dir);

/* Like chat_session_send_text, into the room room_id (one of chat_session_get_rooms). */
guint64 chat_session_send_text_to(ChatSession *self, guint32 room_id, const char *text,
                                  GError **error);

/* Sends a direct message to the account username (the server makes the direct room on
 * the first one; it then appears in chat_session_get_rooms). Returns its client id as
 * chat_session_send_text does. */
guint64 chat_session_send_direct(ChatSession *self, const char *username, const char *text,
                                 GError **error);

/* The rooms the account is in: a GListModel of ChatRoom, the lobby (id 0) first, then in
 * the order the server reported them. Owned by the session (transfer none). */
GListModel *chat_session_get_rooms(ChatSession *self);

/* The joined room with that id, or NULL (transfer none). */
ChatRoom *chat_session_find_room(ChatSession *self, guint32 room_id);

/* The joined room named name (compared case-insensitively): a leading '#' means a room,
 * a leading '@' a direct conversation, neither tries rooms first. NULL when none. */
ChatRoom *chat_session_find_room_named(ChatSession *self, const char *name);

/* Asks for up to limit (1..100) texts of room_id older than the oldest reported (the
 * newest ones when none was): "message" for each, then "history-loaded". FALSE with
 * error set when offline or not in that room. */
gboolean chat_session_load_history(ChatSession *self, guint32 room_id, guint limit,
                                   GError **error);

/* Room requests of an account (guests have only the lobby). Each returns a request id
 * (> 0) answered by "request-done" or "request-failed", or 0 with error set (offline, a
 * guest, an invalid name or topic). */
guint64 chat_session_create_room(ChatSession *self, const char *name, ChatRoomKind kind,
                                 const char *topic, GError **error);
guint64 chat_session_join_room(ChatSession *self, const char *name, GError **error);
/* The room leaves chat_session_get_rooms once the server has answered. */
guint64 chat_session_leave_room(ChatSession *self, guint32 room_id, GError **error);
/* The rooms one may join or is in: "room-listed" for each, then "request-done". */
guint64 chat_session_request_room_list(ChatSession *self, GError **error);
guint64 chat_session_set_room_topic(ChatSession *self, guint32 room_id, const char *topic,
                                    GError **error);
/* Invites the account username into the private room room_id. */
guint64 chat_session_invite_to_room(ChatSession *self, guint32 room_id, const char *username,
                                    GError **error);
/* Blocks (or with blocked FALSE unblocks) direct messages from the account username. */
guint64 chat_session_block_user(ChatSession *self, const char *username, gboolean blocked,
                                GError **error);

/* Starts uploading the file at path. Returns the transfer id (> 0) or 0 with error set
 * (unreadable file, too large). The file is announced to everyone once the server has
 * verified it ("file-announced" with own = TRUE). */
guint64 chat_session_upload(ChatSession *self, const char *path, GError **error);

/* Like chat_session_upload, shared in the room room_id (only its members see it). */
guint64 chat_session_upload_to(ChatSession *self, guint32 room_id, const char *path,
                               GError **error);

/* Starts downloading file_id into directory dir (created if missing). If dir holds a
 * partial download of the same file (NAME.part with a matching sidecar), it resumes
 * from there. The file gets its final name only after the SHA-256 matches. Returns the
 * transfer id (the file id) or 0 with error set. */
guint64 chat_session_download(ChatSession *self, guint64 file_id, const char *dir,
                              GError **error);

/* Cancels an upload or download by transfer id (upload ids are at or above 2^48, so
 * they never collide with the server's file ids); "transfer-failed" follows. */
void chat_session_cancel_transfer(ChatSession *self, guint64 transfer_id);

/* TRUE when nothing is left to do: no unacknowledged text, no transfer, no unanswered
 * request, empty queue. */
gboolean chat_session_is_idle(ChatSession *self);

/* ---- Trust ----
 * Connections use TLS unless turned off. A certificate that validates against the
 * system's CAs (or the CAs in the PEM file named by $CHAT_CA_FILE, which then replace
 * the system's) for the host is accepted silently. Otherwise the certificate is trusted
 * on first use: "certificate-untrusted" lets the front end show the fingerprint and ask;
 * a yes (chat_session_trust_certificate) pins it for host:port in the known_servers file
 * (see chat_trust_file) and connects again. A certificate that differs from the pinned
 * one is refused with both fingerprints and is never accepted from there: the user
 * forgets the old pin deliberately (chat_trust_forget) and is asked again. */

/* TRUE (the default): connect with TLS. FALSE: plain text, for loopback and tests.
 * Applies from the next connection attempt. */
void chat_session_set_tls(ChatSession *self, gboolean enabled);

/* A fingerprint the user vouched for out of band (chat-cli --trust-fingerprint; make
 * run hands over the one the server printed): a certificate with it is accepted, and
 * pinned, even where another one was pinned. NULL clears it. FALSE if fingerprint is
 * not one (see chat_fingerprint_normalize). */
gboolean chat_session_set_expected_fingerprint(ChatSession *self, const char *fingerprint);

/* The user accepted cert, first use only: pins it and, when the session is stopped
 * at that server, logs in again as before. FALSE with error set for a changed
 * certificate (cert->pinned set) or when the pin cannot be written. */
gboolean chat_session_trust_certificate(ChatSession *self, const ChatCertificate *cert,
                                        GError **error);

/* Where the pins live: $XDG_STATE_HOME/chat-client/known_servers. g_free the result. */
char *chat_trust_file(void);

/* The fingerprint pinned for host:port, or NULL. g_free the result. */
char *chat_trust_lookup(const char *host, guint16 port);

/* Pins fingerprint for host:port, replacing an earlier pin. */
gboolean chat_trust_pin(const char *host, guint16 port, const char *fingerprint,
                        GError **error);

/* Forgets the pin for host:port; FALSE with error set when there was none. */
gboolean chat_trust_forget(const char *host, guint16 port, GError **error);

/* The canonical form "AB:CD:..." of a SHA-256 fingerprint written with or without
 * colons, in any case, optionally after "SHA256:" or "sha256 Fingerprint="; NULL if
 * text is not one. g_free the result. */
char *chat_fingerprint_normalize(const char *text);

/* The canonical fingerprint of a DER-encoded certificate. g_free the result. */
char *chat_fingerprint_of(const guint8 *der, gsize len);

G_END_DECLS

#endif
