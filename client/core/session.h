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
 *   "message"           (ChatMessage *msg)         a text, in server order (its room-id
 *                       names the room: chat_session_find_room); the object follows
 *                       edits, deletion, reactions and receipts (chat_message.h). An own
 *                       text sent from here is the object the send call returned.
 *   "message-failed"    (ChatMessage *msg, const char *reason)  an own text was refused
 *                       (msg is FAILED now)
 *   "users-changed"     ()                         the online list changed
 *   "user-joined"       (guint32 id, const char *name)
 *   "user-left"         (guint32 id, const char *name)
 *   "file-announced"    (ChatFileInfo *file)       someone (maybe us) shared a file
 *   "transfer-progress" (ChatTransfer *transfer)   bytes moved, at most ~10 times a second
 *   "transfer-finished" (ChatTransfer *transfer)   complete and verified (SHA-256)
 *   "transfer-failed"   (ChatTransfer *transfer, const char *reason)  (or cancelled)
 *                       the transfer object (chat_transfer.h) has changed already
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
 *   "history-gap-filled" (ChatRoom *room, guint64 after_id, guint64 before_id)  every
 *                       message of that gap has been reported. A gap whose filling was
 *                       cut short (the connection dropped, the server refused) never
 *                       reports this: chat_session_fill_history_gap asks again
 * The live conversation (session_live.c, session_typing.c, session_reactions.c;
 * PROTOCOL.md 5.48):
 *   "typing-changed"    (guint32 room_id)  who types in the room changed: ask
 *                       chat_session_get_typing_text
 *   "read-marker"       (guint32 room_id, guint64 message_id)  where this account stopped
 *                       reading the room (after a login: as another device left it)
 *   "receipt"           (guint32 room_id, guint64 message_id, const char *name, guint count)
 *                       name has read the room up to message_id (count 0); in large rooms
 *                       name is NULL and count members have read that far. None arrive
 *                       while receipts are turned off (chat_session_set_receipts)
 *   "message-edited"    (guint32 room_id, guint64 message_id, const char *text,
 *                       const char *actor)  the message now reads text (show "edited")
 *   "message-deleted"   (guint32 room_id, guint64 message_id, const char *actor)  show
 *                       "message deleted" instead of it
 *   "reactions-changed" (guint32 room_id, guint64 message_id)  its reactions changed:
 *                       chat_session_list_reactions
 * A reply's "message" is reported after chat_session_get_reply_to knows what it answers.
 * Each edit, deletion and reaction is reported once per session run, whether live,
 * replayed or paged; one that came before its message (live, ahead of the replay or page
 * that brings it) still shows on that message's object once it comes, and a reaction
 * event older than one already seen for the same message, emoji and name (its adding
 * replayed after it was taken back live) changes nothing and is not reported.
 *   "search-result"     (ChatSearchResult *result)  one match of chat_session_search, best
 *                       first; "request-done" ends them
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

#include "client/core/chat_message.h"
#include "client/core/chat_transfer.h"
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
    gboolean own;        /* uploaded by this account */
    ChatTransfer *upload; /* our upload of it from this session (a reference), or NULL */
    guint32 room_id;     /* the room it was shared in (0: the lobby) */
    GBytes *thumbnail;   /* a PNG or JPEG that passed chat_thumbnail_check, or NULL */
    guint thumb_width;   /* its size in pixels (0 without one) */
    guint thumb_height;
} ChatFileInfo;

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

GType chat_file_info_get_type(void);
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

/* Like chat_session_login with a list of servers (server_list.h; a GPtrArray of
 * ChatServerAddress, not empty; a reference is kept), the nodes of one chat: the first is
 * tried first; when a connection to one cannot be made, or is lost, the next is tried at
 * once, and only once all of them failed in a row does the backoff wait (or, before the
 * first login succeeded, "login-failed" report the last failure). A login refusal (a
 * wrong password) is not a reason to try another server. */
void chat_session_login_servers(ChatSession *self, GPtrArray *servers,
                                const ChatCredentials *credentials);

/* "host:port" of the server connected to (or being tried), NULL before the first login;
 * g_free the result. */
char *chat_session_get_server(ChatSession *self);

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
 * "server-error" in words; the state then stays as the server has it. A server without
 * presence state is simply not told (nothing is reported). */

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

/* Queues a text for sending (validated first). Returns the message, PENDING (transfer
 * none: take a reference to keep it), or NULL with error set when the text is empty, too
 * long or invalid. It turns SENT (or FAILED) when the server answers, and "message"
 * then reports the same object; texts queued while offline go out after the next login.
 * A refusal as unavailable (ERROR 80, a cluster node without Redis) leaves it PENDING:
 * it is sent again by itself, same client id, and FAILED only when the refusals outlast
 * SESSION_RESEND_FOR_S (session_outbox_retry.c). */
ChatMessage *chat_session_send_text(ChatSession *self, const char *text, GError **error);

/* Keeps the outbox (texts not yet acknowledged) in a file under dir, one per server and
 * account, so they are sent again (and never doubled) after a restart: call before
 * chat_session_login. Without it the outbox lives in memory only. */
void chat_session_set_outbox_dir(ChatSession *self, const char *dir);

/* Like chat_session_send_text, into the room room_id (one of chat_session_get_rooms). */
ChatMessage *chat_session_send_text_to(ChatSession *self, guint32 room_id, const char *text,
                                       GError **error);

/* Sends a direct message to the account username (the server makes the direct room on
 * the first one; it then appears in chat_session_get_rooms). Returns the message as
 * chat_session_send_text does; its "room-id" is the direct room once it is SENT. */
ChatMessage *chat_session_send_direct(ChatSession *self, const char *username,
                                      const char *text, GError **error);

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

/* Asks again for the messages of room_id between after_id and before_id (exclusive), a
 * "history-gap" not yet filled: "message" for each, then "history-gap-filled". FALSE
 * with error set when offline or not in that room. */
gboolean chat_session_fill_history_gap(ChatSession *self, guint32 room_id, guint64 after_id,
                                       guint64 before_id, GError **error);

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

/* Starts uploading the file at path. Returns the transfer (transfer none: take a
 * reference to keep it) or NULL with error set (unreadable file, too large). The file is
 * announced to everyone once the server has verified it ("file-announced" with own =
 * TRUE and upload = this transfer, which then turns DONE). */
ChatTransfer *chat_session_upload(ChatSession *self, const char *path, GError **error);

/* Like chat_session_upload, shared in the room room_id (only its members see it). */
ChatTransfer *chat_session_upload_to(ChatSession *self, guint32 room_id, const char *path,
                                     GError **error);

/* Starts downloading file_id into directory dir (created if missing). If dir holds a
 * partial download of the same file (NAME.part with a matching sidecar), it resumes
 * from there. The file gets its final name only after the SHA-256 matches. Returns the
 * transfer (transfer none, as chat_session_upload) or NULL with error set. */
ChatTransfer *chat_session_download(ChatSession *self, guint64 file_id, const char *dir,
                                    GError **error);

/* Cancels a running upload or download: it turns CANCELLED and "transfer-failed"
 * follows. Nothing happens to one that has ended. */
void chat_session_cancel_transfer(ChatSession *self, ChatTransfer *transfer);

/* TRUE when nothing is left to do: no unacknowledged text, no transfer, no unanswered
 * request, empty queue. */
gboolean chat_session_is_idle(ChatSession *self);

/* ---- The live conversation (session_live.c, session_typing.c, session_reactions.c) ---- */

/* What the user is doing in a room's entry (IRCv3 +typing). */
typedef enum {
    CHAT_TYPING_DONE,    /* the text was sent or cleared */
    CHAT_TYPING_ACTIVE,  /* typing now */
    CHAT_TYPING_PAUSED,  /* text waits in the entry */
} ChatTypingState;

/* Tells the room that the user types, paused or stopped. ACTIVE is sent at most every
 * 3 s, the others when the state changes; nothing at all while sending typing notices is
 * turned off, offline, or for a guest's rooms but the lobby. */
void chat_session_set_typing(ChatSession *self, guint32 room_id, ChatTypingState state);

/* TRUE (the default): send typing notices. FALSE: the privacy setting "don't send
 * mine" (others' notices are still shown). */
void chat_session_set_send_typing(ChatSession *self, gboolean enabled);

/* "alice is typing…", "alice and bob are typing…" or "several people are typing…" for
 * the room (translated; names as sent: render them safely), or NULL when nobody is.
 * Notices lapse 6 s after ACTIVE and 30 s after PAUSED, and a sender's when its text
 * arrives. g_free the result. */
char *chat_session_get_typing_text(ChatSession *self, guint32 room_id);

/* Marks room_id read up to message_id (0: the newest message this session has of it).
 * Markers only move forward; "read-marker" follows. FALSE with error set when offline,
 * a guest, or there is nothing to mark. */
gboolean chat_session_mark_read(ChatSession *self, guint32 room_id, guint64 message_id,
                                GError **error);

/* Where this account stopped reading room_id (0: unknown). */
guint64 chat_session_get_read_marker(ChatSession *self, guint32 room_id);

/* The privacy setting for read receipts: FALSE sends none of this account's and shows
 * none of others' (the server enforces both, for every device of the account). Sent at
 * once when online and after every login; until it is called the account's stored
 * setting stands. */
void chat_session_set_receipts(ChatSession *self, gboolean enabled);

/* Requests about one message (see "request-done" / "request-failed"). Each returns a
 * request id (> 0) or 0 with error set (offline, a guest, an invalid text or emoji). */
guint64 chat_session_edit_message(ChatSession *self, guint64 message_id, const char *text,
                                  GError **error);
/* Own messages; moderators and admins may delete anyone's. */
guint64 chat_session_delete_message(ChatSession *self, guint64 message_id, GError **error);
/* Adds the reaction, or takes it back when this account has it already. */
guint64 chat_session_react(ChatSession *self, guint64 message_id, const char *emoji,
                           GError **error);

/* Like chat_session_send_text_to, as a reply to message reply_to of the same room. */
ChatMessage *chat_session_send_reply(ChatSession *self, guint32 room_id, guint64 reply_to,
                                     const char *text, GError **error);

/* The message that message_id answers, or 0 (not a reply, or not known). */
guint64 chat_session_get_reply_to(ChatSession *self, guint64 message_id);

/* The reactions on message_id, one ChatReaction per emoji in the order they first came;
 * g_ptr_array_unref frees them. */
GPtrArray *chat_session_list_reactions(ChatSession *self, guint64 message_id);

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

/* ---- Search, mentions and thumbnails ---- */

#define CHAT_SEARCH_ALL_ROOMS G_MAXUINT32  /* chat_session_search: every room one is in */
#define CHAT_SNIPPET_MARK_START '\x02'     /* in a snippet: a matching word starts */
#define CHAT_SNIPPET_MARK_END '\x03'       /* and ends */

/* One match of a search. Boxed type; strings owned by it. */
typedef struct {
    guint64 request_id;  /* of chat_session_search */
    guint64 message_id;  /* the text that matched */
    gint64 time_ms;
    guint32 room_id;
    char *sender;
    char *snippet;       /* the text around the match, as sent: each matching word between
                            CHAT_SNIPPET_MARK_START and _END (show them as emphasis) */
} ChatSearchResult;

GType chat_search_result_get_type(void);
#define CHAT_TYPE_SEARCH_RESULT (chat_search_result_get_type())

/* Searches the stored texts of room_id (CHAT_SEARCH_ALL_ROOMS: of every room the
 * account is in) for all the words of query, taken as plain words (no search syntax):
 * "search-result" for each match (at most limit; the server may send fewer), then
 * "request-done", or "request-failed". Returns the request id, or 0 with error set
 * (offline; a query empty, over 256 bytes or without a letter or digit). */
guint64 chat_session_search(ChatSession *self, guint32 room_id, const char *query, guint limit,
                            GError **error);

/* How much a room's texts ask for the user's attention. */
typedef enum {
    CHAT_NOTIFY_ALL,      /* every text of others (the default) */
    CHAT_NOTIFY_MENTIONS, /* only texts that mention the user */
    CHAT_NOTIFY_NONE,     /* nothing */
} ChatNotifyLevel;

/* The level named "all", "mentions" or "none" (FALSE for anything else). */
gboolean chat_notify_level_parse(const char *name, ChatNotifyLevel *level);

/* The notification level of room_id. An account's levels are kept with it on the server
 * (a level chosen offline goes at the next login; the server's stored levels replace the
 * others at each login); a guest's only for as long as the session lives. */
void chat_session_set_notify_level(ChatSession *self, guint32 room_id, ChatNotifyLevel level);
ChatNotifyLevel chat_session_get_notify_level(ChatSession *self, guint32 room_id);

/* TRUE when text mentions the logged-in user: "@name" with the name as the server
 * accepted it, compared under the look-alike folding of account names
 * (common/mention.h). FALSE before the first login. */
gboolean chat_session_mentions_me(ChatSession *self, const char *text);

/* TRUE when msg should be brought to the user's attention (a sound, a notification):
 * someone else's text in a room at CHAT_NOTIFY_ALL, or one that mentions the user in a
 * room at CHAT_NOTIFY_MENTIONS; never at CHAT_NOTIFY_NONE. */
gboolean chat_session_should_notify(ChatSession *self, ChatMessage *msg);

/* Checks a thumbnail before any image decoder sees it: a PNG or JPEG of at most 65536
 * bytes and 320 x 320 pixels, judged from its header alone. TRUE with its size, or FALSE
 * with error set in words. Announced thumbnails have passed it already. */
gboolean chat_thumbnail_check(GBytes *thumbnail, guint *width, guint *height, GError **error);

/* Like chat_session_upload_to, offered with a thumbnail the front end made (a scaled
 * PNG or JPEG of the image), which everyone sees with the announcement. The thumbnail
 * is checked first (chat_thumbnail_check) and kept (a reference) until the offer. */
ChatTransfer *chat_session_upload_with_thumbnail(ChatSession *self, guint32 room_id,
                                                 const char *path, GBytes *thumbnail,
                                                 GError **error);

G_END_DECLS

#endif
