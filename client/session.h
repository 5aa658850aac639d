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
 *        the server refused the HELLO (enum proto_error_code) or could not be reached
 *        (code 0); the session is DISCONNECTED and will not reconnect by itself.
 *   "message"           (ChatMessage *msg)         a text, in server order
 *   "message-failed"    (guint64 client_id, const char *reason)
 *   "users-changed"     ()                         the online list changed
 *   "user-joined"       (guint32 id, const char *name)
 *   "user-left"         (guint32 id, const char *name)
 *   "file-announced"    (ChatFileInfo *file)       someone (maybe us) shared a file
 *   "transfer-progress" (ChatTransfer *transfer)   bytes moved, at most ~10 times a second
 *   "transfer-finished" (ChatTransfer *transfer)   complete and verified (SHA-256)
 *   "transfer-failed"   (ChatTransfer *transfer, const char *reason)
 *   "server-error"      (guint code, const char *message)  an error not tied to the above
 * Reasons the server gives (in ERROR and SHUTDOWN) reach every detail, message and reason
 * above with their control and bidi characters written out (common/safe_text.h); names
 * and texts are passed as sent, for the front end to render safely.
 *   "idle"              ()  nothing queued, no transfer running, every text acknowledged
 *   "certificate-untrusted" (ChatCertificate *cert)
 *        the TLS handshake met a certificate nothing vouches for (see "Trust" below);
 *        the connection is closed, and "login-failed" (code 0) follows at once.
 */
#ifndef CHAT_SESSION_H
#define CHAT_SESSION_H

#include <gio/gio.h>

G_BEGIN_DECLS

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

/* Starts connecting to host:port and logging in as username. Progress and the outcome
 * arrive as signals. Any current connection is closed first. */
void chat_session_connect(ChatSession *self, const char *host, guint16 port,
                          const char *username);

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

/* Queues a text for sending (validated first). Returns its client id (> 0), or 0 with
 * error set when the text is empty, too long or invalid. Sent texts stay pending until
 * the server relays them back ("message" with own = TRUE and this client_id); texts
 * queued while offline go out after the next login. */
guint64 chat_session_send_text(ChatSession *self, const char *text, GError **error);

/* Starts uploading the file at path. Returns the transfer id (> 0) or 0 with error set
 * (unreadable file, too large). The file is announced to everyone once the server has
 * verified it ("file-announced" with own = TRUE). */
guint64 chat_session_upload(ChatSession *self, const char *path, GError **error);

/* Starts downloading file_id into directory dir (created if missing). If dir holds a
 * partial download of the same file (NAME.part with a matching sidecar), it resumes
 * from there. The file gets its final name only after the SHA-256 matches. Returns the
 * transfer id (the file id) or 0 with error set. */
guint64 chat_session_download(ChatSession *self, guint64 file_id, const char *dir,
                              GError **error);

/* Cancels an upload or download by transfer id (upload ids are at or above 2^48, so
 * they never collide with the server's file ids); "transfer-failed" follows. */
void chat_session_cancel_transfer(ChatSession *self, guint64 transfer_id);

/* TRUE when nothing is left to do: no unacknowledged text, no transfer, empty queue. */
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
