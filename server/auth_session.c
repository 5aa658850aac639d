/* Sessions (auth.h): a random token per login whose hash, never the token, goes into a
 * SESSION_ADD event (event_account.c stores it); the token waits on this node until the
 * event has applied, then goes to its client in SESSION, after the commit. */
#include "server/auth.h"

#include <inttypes.h>
#include <sodium.h>
#include <string.h>

#include "common/validate.h"
#include "server/client.h"
#include "server/clock.h"
#include "server/event.h"
#include "server/presence.h"
#include "server/server.h"
#include "server/store/store_accounts.h"

/* Queues SESSION(token...) for a to c, at once or after the commit. */
static void send_token(struct client *c, const struct store_account *a,
                       const uint8_t token[PROTO_TOKEN_LEN], int64_t expires_ms,
                       const struct deliver_request *after, deliver_done_fn done, void *data)
{
    struct proto_msg msg = { .type = PROTO_SESSION };
    struct proto_session *s = &msg.u.session;
    memcpy(s->token, token, PROTO_TOKEN_LEN);
    if (c->token_hash == NULL)
        c->token_hash = g_malloc(PROTO_SHA256_LEN);
    crypto_hash_sha256(c->token_hash, token, PROTO_TOKEN_LEN);
    s->expires_ms = (uint64_t)expires_ms;
    s->account_id = (uint32_t)a->id;
    s->role = (uint16_t)a->role;
    s->username = proto_str_of(a->name);
    if (after != NULL)
        auth_deliver(c, &msg, false, after->ref_type, after->ref_id, done, data);
    else
        client_send_msg(c, &msg);
    sodium_memzero(s->token, sizeof s->token);
}

/* Logs c in as a (the session already queued). */
static void enter(struct client *c, const struct store_account *a, const char *method,
                  int64_t run_us)
{
    c->account_id = a->id;
    c->role = a->role;
    c->muted_until_ms = a->muted_until_ms;
    client_log(c, LOG_INFO, "account login id=%" PRId64 " role=%d method=%s argon2_ms=%.1f "
               "argon2_runs=%" PRIu64, a->id, a->role, method, (double)run_us / 1000.0,
               password_argon2_count());
    presence_enter(c, a->name, name_fold_key(a->name, strlen(a->name)));
}

/* A session made for a request: its token waits here (never in the event) until its
 * SESSION_ADD event has applied, then its SESSION waits for the commit of what it
 * wrote: who, as whom, how. */
struct pending_login {
    uint32_t conn_id;
    int fd;
    struct store_account account; /* id, role, mute and a copy of the name */
    const char *method;           /* NULL: the client is online already (a new token) */
    int64_t run_us;
    uint8_t token[PROTO_TOKEN_LEN]; /* wiped once SESSION is queued */
    int64_t expires_ms;
    uint16_t ref_type;            /* the request it answers */
    uint64_t ref_id;
};

static void pending_free(struct pending_login *p)
{
    sodium_memzero(p->token, sizeof p->token);
    store_account_clear(&p->account);
    g_free(p);
}

/* The connection p was made for, if it is still there and logging in with p. */
static struct client *login_client(struct server *srv, const struct pending_login *p)
{
    struct client *c = p->fd < srv->by_fd_size ? srv->by_fd[p->fd] : NULL;
    return c != NULL && c->id == p->conn_id && c->state == CLIENT_HANDSHAKE && p->method
           ? c : NULL;
}

/* The commit's outcome: the client enters the chat only once the account and session
 * are durable; if they are not, it is closed (its ERROR(STORAGE) is queued already). */
static void login_committed(struct server *srv, void *data, bool committed)
{
    struct pending_login *p = data;
    struct client *c = login_client(srv, p);
    if (c != NULL) {
        c->auth_pending = false;
        /* Read again: a ban, deletion or role change handled earlier in this pass (after
         * the password check, before this commit) must not be undone by a stale copy. */
        struct store_account now = { 0 };
        int found = committed ? store_account_get(srv->store, p->account.id, &now) : -1;
        if (found == 1 && !now.deleted && !now.banned) {
            enter(c, &now, p->method, p->run_us);
        } else if (found >= 0) {
            client_send_error(c, PROTO_E_BANNED, 0, 0,
                              "This account was banned or deleted during the login.");
            client_finish(c, "account banned or deleted during the login");
        } else {
            if (committed) /* a failed commit has queued its ERROR(STORAGE) already */
                client_send_error(c, PROTO_E_STORAGE, 0, 0,
                                  "The server could not read your account; try again later.");
            client_finish(c, committed ? "account not readable" : "login not stored");
        }
        store_account_clear(&now);
    }
    pending_free(p);
}

GHashTable *auth_waiting_new(GDestroyNotify free_value)
{
    return g_hash_table_new_full(g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref,
                                 free_value);
}

void *auth_waiting_take(GHashTable *table, const uint8_t hash[PROTO_SHA256_LEN])
{
    GBytes *key = g_bytes_new_static(hash, PROTO_SHA256_LEN);
    gpointer found_key = NULL, value = NULL;
    if (g_hash_table_steal_extended(table, key, &found_key, &value))
        g_bytes_unref(found_key);
    g_bytes_unref(key);
    return value;
}

void auth_sessions_init(struct server_accounts *a)
{
    a->sessions_waiting = auth_waiting_new((GDestroyNotify)pending_free);
}

void auth_sessions_free(struct server_accounts *a)
{
    if (a->sessions_waiting != NULL)
        g_hash_table_destroy(a->sessions_waiting);
    a->sessions_waiting = NULL;
}

void auth_send_session(struct client *c, const struct store_account *a, uint16_t ref_type,
                       uint64_t ref_id, const char *method, int64_t run_us)
{
    struct server *srv = c->srv;
    struct pending_login *p = g_new0(struct pending_login, 1);
    int64_t now = clock_wall_ms();
    *p = (struct pending_login){
        .conn_id = c->id, .fd = c->fd, .method = method, .run_us = run_us,
        .account = { .id = a->id, .name = g_strdup(a->name), .role = a->role,
                     .muted_until_ms = a->muted_until_ms },
        .expires_ms = now + srv->cfg.accounts.token_ms, .ref_type = ref_type, .ref_id = ref_id,
    };
    randombytes_buf(p->token, sizeof p->token);
    /* A login: no other one on this connection until its session is stored or refused
     * (on a cluster node the event applies later, section 5 of docs/CLUSTER.md). */
    if (method != NULL && c->state == CLIENT_HANDSHAKE)
        c->auth_pending = true;
    struct event ev = { .type = EVENT_SESSION_ADD, .u.session = {
        .account = a->id, .time_ms = now, .expires_ms = p->expires_ms,
    } };
    crypto_hash_sha256(ev.u.session.token_hash, p->token, sizeof p->token);
    g_hash_table_insert(srv->accounts.sessions_waiting,
                        g_bytes_new(ev.u.session.token_hash, PROTO_SHA256_LEN), p);
    event_log_request(c, &ev, ref_type, ref_id);
}

void auth_session_applied(struct server *srv, const uint8_t hash[PROTO_SHA256_LEN],
                          const struct deliver_ticket *ticket, bool stored)
{
    struct pending_login *p = auth_waiting_take(srv->accounts.sessions_waiting, hash);
    if (p == NULL)
        return; /* taken on another node */
    struct client *c = deliver_ticket_client(srv, ticket);
    if (!stored || c == NULL || c->id != p->conn_id) {
        auth_login_refused(login_client(srv, p)); /* its answer is queued: the next try
                                                     may come */
        pending_free(p);
        return;
    }
    uint8_t token[PROTO_TOKEN_LEN];
    memcpy(token, p->token, sizeof token);
    sodium_memzero(p->token, sizeof p->token);
    /* No other login until the commit (none at all if c is in already). */
    c->auth_pending = p->method != NULL && c->state == CLIENT_HANDSHAKE;
    struct deliver_request after = { c, p->ref_type, p->ref_id };
    send_token(c, &p->account, token, p->expires_ms, &after, login_committed, p); /* may
                                                                      free p */
    sodium_memzero(token, sizeof token);
}

void auth_login_token(struct client *c, const struct store_account *a,
                      const uint8_t token[PROTO_TOKEN_LEN], int64_t expires_ms)
{
    send_token(c, a, token, expires_ms, NULL, NULL, NULL);
    enter(c, a, "token", 0);
}
