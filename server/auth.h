/* Accounts on the server: what the login, account and moderation modules share. The
 * password work of a request (Argon2id: tenths of a second) goes to the worker pool as
 * an auth_job; its result comes back on the loop thread to the job's finish function,
 * with the client looked up again by fd and connection id (NULL when it has left).
 * Logins in flight are bounded; past the bound a client gets ERROR(BUSY). Failed
 * password checks are throttled per address and per account (throttle.h).
 *
 *   login.c       REGISTER, LOGIN, LOGIN_TOKEN, and the guest rules
 *   account.c     LOGOUT, PASSWORD_CHANGE
 *   moderation.c  MODERATE, NOTICE, mutes
 *   invite.c      INVITE_CREATE: invite codes
 *   auth_session.c  session tokens: made here, stored through their event
 * Changes other nodes must see are events (event.h), applied by event_account.c and
 * event_moderate.c. */
#ifndef CHAT_SERVER_AUTH_H
#define CHAT_SERVER_AUTH_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/protocol.h"
#include "server/deliver.h"
#include "server/password.h"

struct client;
struct server;
struct server_accounts;
struct store;
struct store_account;

struct auth_job;
typedef void auth_finish_fn(struct client *c, struct auth_job *job);

/* One password request on its way to the worker and back. Strings are owned; the
 * passwords are wiped when the job is freed. */
struct auth_job {
    struct server *srv;
    auth_finish_fn *finish;  /* on the loop thread, c NULL if the client left */
    uint32_t conn_id;        /* the client, found again by fd and id */
    int fd;
    uint16_t type;           /* the request: REGISTER, LOGIN or PASSWORD_CHANGE */
    uint64_t request_id;     /* PASSWORD_CHANGE */
    struct pwhash_params params;
    char *password;          /* the password to check (LOGIN, PASSWORD_CHANGE) or hash */
    size_t password_len;
    char *new_password;      /* PASSWORD_CHANGE: the one to hash */
    size_t new_password_len;
    char *name;              /* REGISTER: the name asked for */
    char *key;               /* its fold key */
    int64_t account_id;      /* LOGIN: the account, 0 when the name is unknown */
    bool has_invite;
    uint8_t invite_hash[PROTO_SHA256_LEN];
    char hash[PASSWORD_HASH_MAX];     /* in: the stored hash to check; REGISTER: out */
    char new_hash[PASSWORD_HASH_MAX]; /* out: a rehash at login, or the new password's */
    bool verified;           /* out: the password matched */
    bool hashed;             /* out: hash (REGISTER) or new_hash holds a fresh hash */
    int64_t run_us;          /* out: how long the worker took (logged) */
};

/* Starts the worker pool and the throttles, resolves the registration policy and
 * prunes expired sessions. Returns false with err filled. */
bool auth_start(struct server *srv, char *err, size_t errlen);

/* Stops the workers (jobs in flight are dropped) and frees the throttles. */
void auth_stop(struct server *srv);

/* Hourly: deletes expired sessions and unused expired invites. */
void auth_expire(struct server *srv, int64_t now);

/* A new job for c's request of type ref_type, with finish and the server's Argon2
 * parameters; the caller fills the rest and calls auth_submit(). */
struct auth_job *auth_job_new(struct client *c, uint16_t type, auth_finish_fn *finish);

/* Frees a job (wiping its secrets) that was not submitted. */
void auth_job_free(struct auth_job *job);

/* Sends the job to the worker; c is marked as having a password check in flight, and
 * its handshake timeout waits until the result is in. */
void auth_submit(struct client *c, struct auth_job *job);

/* The login (a registration or a password login) of c that waited for its entry to
 * apply was refused or will not be answered, its answer sent: no login is in flight on
 * c any more, and it gets a new handshake period for its next try (unless online, or
 * with another login in flight). c NULL (gone) is fine. */
void auth_login_refused(struct client *c);

/* True (after answering ERROR(BUSY), ref_id the seconds to wait) when the worker
 * already has the most password jobs it takes, or c has one in flight. */
bool auth_busy(struct client *c, uint16_t ref_type);

/* True (after answering ERROR(THROTTLED), ref_id the seconds to wait) when c's address
 * (for REGISTER: its registration budget) or the account name key (may be NULL) has
 * used up its budget of failed logins. */
bool auth_throttled(struct client *c, uint16_t ref_type, const char *key);

/* Charges a failed password check to c's address and to key (may be NULL). */
void auth_charge_failure(struct client *c, const char *key);

/* Charges a registration attempt to c's address. */
void auth_charge_registration(struct client *c);

/* Queues msg to c (or, to_all, to everyone online) once this pass's writes are
 * committed (deliver.h): if the commit fails it is withdrawn and c gets ERROR(STORAGE,
 * ref_type, ref_id). done (may be NULL) is told the outcome. */
void auth_deliver(struct client *c, const struct proto_msg *msg, bool to_all, uint16_t ref_type,
                  uint64_t ref_id, deliver_done_fn done, void *data);

/* Makes a session for account a: a random 256-bit token whose SHA-256 is logged as a
 * SESSION_ADD event (auth_session.c), the token waiting here until it applies; then
 * SESSION(token, expiry, account, role, name) goes to c (whose token_hash keeps the hash,
 * for LOGOUT) after the commit. With method ("password", "registration"), c then enters
 * the chat (WELCOME...) once the commit succeeded, or is closed if it failed; method
 * NULL (a password change) only sends the token. run_us is the request's Argon2 time,
 * for the log. If the session cannot be stored, c gets ERROR(STORAGE) from the event. */
void auth_send_session(struct client *c, const struct store_account *a, uint16_t ref_type,
                       uint64_t ref_id, const char *method, int64_t run_us);

/* For the SESSION_ADD event's apply function: the session of token hash was stored (or
 * not); if its token waits on this node, for the requester of ticket, its SESSION is
 * sent (stored) or forgotten (not). */
void auth_session_applied(struct server *srv, const uint8_t hash[PROTO_SHA256_LEN],
                          const struct deliver_ticket *ticket, bool stored);

/* A table of secrets (tokens, invite codes) waiting on the node that made them until
 * their event, which carries only their SHA-256, has applied: keyed by that hash,
 * values freed by free_value. */
GHashTable *auth_waiting_new(GDestroyNotify free_value);

/* Takes the value waiting under hash out of table (the caller frees it), or NULL. */
void *auth_waiting_take(GHashTable *table, const uint8_t hash[PROTO_SHA256_LEN]);

/* Make and free the table of tokens waiting for their event (auth_start, auth_stop). */
void auth_sessions_init(struct server_accounts *a);
void auth_sessions_free(struct server_accounts *a);

/* Logs c in with a token it presented (nothing is written, so nothing waits): SESSION
 * with that token, then the chat. The log line carries the Argon2 counter, which a
 * token login never moves. */
void auth_login_token(struct client *c, const struct store_account *a,
                      const uint8_t token[PROTO_TOKEN_LEN], int64_t expires_ms);

/* The account c registered has been stored (its event applied, event.h): c gets its
 * session and enters the chat. */
void login_registered(struct client *c, const struct store_account *a);

/* c's session (all: every session of its account) has been revoked (its event applied,
 * event.h): c gets DONE for its LOGOUT request_id and is closed. */
void account_logged_out(struct client *c, uint64_t request_id, bool all);

/* c's new password is stored and its sessions ended (its event applied, event.h): c gets
 * a fresh session for its PASSWORD_CHANGE request_id. a is c's account (role set from c). */
void account_password_changed(struct client *c, struct store_account *a, uint64_t request_id);

/* Handlers of the dispatch table. */
void login_on_register(struct client *c, const struct proto_msg *msg);
void login_on_login(struct client *c, const struct proto_msg *msg);
void login_on_login_token(struct client *c, const struct proto_msg *msg);
void account_on_logout(struct client *c, const struct proto_msg *msg);
void account_on_password_change(struct client *c, const struct proto_msg *msg);
void moderation_on_moderate(struct client *c, const struct proto_msg *msg);
void moderation_on_invite_create(struct client *c, const struct proto_msg *msg);

/* The name of a MODERATE action ("ban", ...), or NULL for an unknown one. */
const char *moderation_action_name(uint16_t action);

/* True (after answering ERROR(MUTED) to the request ref_type/ref_id) when c is muted. */
bool moderation_muted(struct client *c, uint16_t ref_type, uint64_t ref_id);

/* Creates an invite code valid for minutes (0: the default) by account created_by (0:
 * the shell) into code (PROTO_MAX_INVITE + 1 bytes) and stores its hash at once (the
 * offline command; a request goes through its event); *expires_ms is when it stops
 * working. STORE_OK or STORE_ERROR. */
int moderation_create_invite(struct store *st, int64_t created_by, uint32_t minutes,
                             char *code, int64_t *expires_ms);

/* For the INVITE_CREATE event's apply function: the invite of code hash was stored (or
 * not); if its code waits on this node for the requester of ticket, INVITE goes to it
 * (stored) or the code is forgotten (not). */
void moderation_invite_applied(struct server *srv, const uint8_t hash[PROTO_SHA256_LEN],
                               const struct deliver_ticket *ticket, bool stored);

/* Make and free the table of codes waiting for their event (auth_start, auth_stop). */
void moderation_invites_init(struct server_accounts *a);
void moderation_invites_free(struct server_accounts *a);

#endif
