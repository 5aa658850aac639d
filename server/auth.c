/* The machinery the account modules share: the worker pool and its jobs, the login
 * bound, failure throttling (sessions: auth_session.c); see auth.h. */
#include "server/auth.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "server/client.h"
#include "server/clock.h"
#include "server/deliver.h"
#include "server/store/store_accounts.h"
#include "server/throttle.h"
#include "server/worker.h"

/* True when the listening address is a loopback one (only this machine can connect). */
static bool listening_on_loopback(const struct server *srv)
{
    char key[ADMIT_KEY_MAX];
    bool loopback = false;
    return admit_key(srv->listen_addr, key, sizeof key, &loopback) && loopback;
}

static const char *policy_name(enum registration_policy p)
{
    switch (p) {
    case REGISTRATION_OPEN: return "open";
    case REGISTRATION_INVITE: return "invite";
    case REGISTRATION_CLOSED: return "closed";
    case REGISTRATION_AUTO: break;
    }
    return "auto";
}

bool auth_start(struct server *srv, char *err, size_t errlen)
{
    const struct accounts_config *cfg = &srv->cfg.accounts;
    struct server_accounts *a = &srv->accounts;
    a->registration = cfg->registration;
    if (a->registration == REGISTRATION_AUTO)
        a->registration = listening_on_loopback(srv) ? REGISTRATION_OPEN : REGISTRATION_INVITE;
    if (!password_init()) {
        snprintf(err, errlen, "libsodium cannot be initialised");
        return false;
    }
    unsigned threads = cfg->hash_threads;
    if (threads == 0)
        threads = (unsigned)MAX(1, (int)g_get_num_processors() - 1);
    a->worker = worker_start(srv->loop, threads, err, errlen);
    if (a->worker == NULL)
        return false;
    a->login_by_addr = throttle_new(&cfg->login_limit);
    a->login_by_account = throttle_new(&cfg->login_limit);
    a->register_by_addr = throttle_new(&cfg->register_limit);
    a->registering = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    auth_sessions_init(a);
    moderation_invites_init(a);
    auth_expire(srv, clock_mono_ms());
    log_event(LOG_INFO, 0, NULL, NULL,
              "accounts registration=%s guests=%s argon2id m=%zu KiB t=%llu threads=%u "
              "max_pending_logins=%u token_days=%.4g",
              policy_name(a->registration), cfg->allow_guests ? "on" : "off",
              cfg->pwhash_mem_bytes / 1024, cfg->pwhash_ops, threads,
              (unsigned)cfg->max_pending_logins, (double)cfg->token_ms / 86400000.0);
    return true;
}

void auth_stop(struct server *srv)
{
    struct server_accounts *a = &srv->accounts;
    worker_stop(a->worker);
    throttle_free(a->login_by_addr);
    throttle_free(a->login_by_account);
    throttle_free(a->register_by_addr);
    if (a->registering != NULL)
        g_hash_table_destroy(a->registering);
    auth_sessions_free(a);
    moderation_invites_free(a);
    *a = (struct server_accounts){ 0 };
}

void auth_expire(struct server *srv, int64_t now)
{
    struct server_accounts *a = &srv->accounts;
    if (now < a->next_prune_ms)
        return;
    a->next_prune_ms = now + SERVER_ACCOUNTS_PRUNE_MS;
    int rows = store_accounts_prune(srv->store, clock_wall_ms());
    if (rows < 0)
        log_event(LOG_ERROR, 0, NULL, NULL, "pruning sessions failed: %s",
                  store_error(srv->store));
    else if (rows > 0)
        log_event(LOG_INFO, 0, NULL, NULL, "pruned %d expired sessions and invites", rows);
}

/* ---- Jobs ---- */

static void wipe(char *secret, size_t len)
{
    if (secret != NULL)
        sodium_memzero(secret, len);
    g_free(secret);
}

void auth_job_free(struct auth_job *job)
{
    wipe(job->password, job->password_len);
    wipe(job->new_password, job->new_password_len);
    sodium_memzero(job->hash, sizeof job->hash);
    sodium_memzero(job->new_hash, sizeof job->new_hash);
    g_free(job->name);
    g_free(job->key);
    g_free(job);
}

/* On a worker thread: the Argon2 part of the request, touching only the job. */
static void job_run(void *data)
{
    struct auth_job *job = data;
    int64_t start = g_get_monotonic_time();
    switch (job->type) {
    case PROTO_REGISTER:
        job->hashed = password_hash(&job->params, job->password, job->password_len, job->hash);
        break;
    case PROTO_LOGIN:
        if (job->hash[0] == '\0') /* an unknown name: as slow as a known one, never true */
            g_strlcpy(job->hash, password_decoy_hash(&job->params), sizeof job->hash);
        job->verified = password_verify(job->hash, job->password, job->password_len);
        if (job->verified && job->account_id > 0 &&
            password_needs_rehash(job->hash, &job->params))
            job->hashed = password_hash(&job->params, job->password, job->password_len,
                                        job->new_hash);
        break;
    case PROTO_PASSWORD_CHANGE:
        job->verified = password_verify(job->hash, job->password, job->password_len);
        if (job->verified)
            job->hashed = password_hash(&job->params, job->new_password,
                                        job->new_password_len, job->new_hash);
        break;
    default:
        break;
    }
    job->run_us = g_get_monotonic_time() - start;
}

/* A login of c that was not refused or taken at once has ended without entering (c
 * has no check or session in flight any more): a new handshake period for its next
 * try, unless c is online, has another login in flight or already has one. */
static void auth_login_ended(struct client *c)
{
    if (c->state == CLIENT_HANDSHAKE && !c->auth_pending && list_empty(&c->timer_link)) {
        /* Refused: a new handshake period for the next try (still in deadline order: no
         * deadline is later). */
        c->deadline_ms = clock_mono_ms() + c->srv->cfg.handshake_timeout_ms;
        list_append(&c->srv->handshakes, &c->timer_link);
    }
}

/* On the loop thread: hands the result to the request's finish function. */
static void job_done(void *data, bool cancelled)
{
    struct auth_job *job = data;
    if (!cancelled) {
        struct client *c = job->fd < job->srv->by_fd_size ? job->srv->by_fd[job->fd] : NULL;
        if (c != NULL && (c->id != job->conn_id || !c->auth_pending))
            c = NULL;
        if (c != NULL)
            c->auth_pending = false;
        if (c != NULL && c->state == CLIENT_CLOSING)
            c = NULL;
        job->finish(c, job);
        if (c != NULL)
            auth_login_ended(c);
    }
    auth_job_free(job);
}

void auth_login_refused(struct client *c)
{
    if (c == NULL)
        return;
    c->auth_pending = false;
    auth_login_ended(c);
}

struct auth_job *auth_job_new(struct client *c, uint16_t type, auth_finish_fn *finish)
{
    const struct accounts_config *cfg = &c->srv->cfg.accounts;
    struct auth_job *job = g_new0(struct auth_job, 1);
    job->srv = c->srv;
    job->finish = finish;
    job->conn_id = c->id;
    job->fd = c->fd;
    job->type = type;
    job->params = (struct pwhash_params){ cfg->pwhash_ops, cfg->pwhash_mem_bytes };
    return job;
}

void auth_submit(struct client *c, struct auth_job *job)
{
    struct server *srv = c->srv;
    /* Waiting for the worker is not idling: no handshake timeout while the password is
     * checked (job_done re-arms it if the login fails). */
    list_remove(&c->timer_link);
    c->auth_pending = true;
    worker_submit(srv->accounts.worker, job, job_run, job_done);
}

/* ---- Bounds and throttles ---- */

bool auth_busy(struct client *c, uint16_t ref_type)
{
    struct server *srv = c->srv;
    unsigned pending = worker_pending(srv->accounts.worker);
    if (!c->auth_pending && pending < srv->cfg.accounts.max_pending_logins)
        return false;
    client_log(c, LOG_INFO, "password check refused (busy: %u in flight%s)", pending,
               c->auth_pending ? ", one of them this connection's" : "");
    client_send_error(c, PROTO_E_BUSY, ref_type, SERVER_BUSY_RETRY_S,
                      "The server is busy checking other passwords; try again in %u second%s.",
                      SERVER_BUSY_RETRY_S, SERVER_BUSY_RETRY_S == 1 ? "" : "s");
    return true;
}

/* c's per-address throttle key into key; false when c is exempt: a loopback peer
 * (a local proxy puts every user there) unless --limit-loopback, as for the guard. */
static bool address_key(const struct client *c, char key[ADMIT_KEY_MAX])
{
    bool loopback = false;
    return admit_key(c->addr, key, ADMIT_KEY_MAX, &loopback) &&
           (!loopback || c->srv->cfg.guard.limit_loopback);
}

static int64_t throttle_wait_addr(struct throttle *t, const struct client *c, int64_t now)
{
    char key[ADMIT_KEY_MAX];
    return address_key(c, key) ? throttle_wait_ms(t, key, now) : 0;
}

bool auth_throttled(struct client *c, uint16_t ref_type, const char *key)
{
    struct server_accounts *a = &c->srv->accounts;
    int64_t now = clock_mono_ms();
    struct throttle *by_addr = ref_type == PROTO_REGISTER ? a->register_by_addr
                                                          : a->login_by_addr;
    int64_t wait = throttle_wait_addr(by_addr, c, now);
    if (key != NULL)
        wait = MAX(wait, throttle_wait_ms(a->login_by_account, key, now));
    if (wait <= 0)
        return false;
    uint64_t seconds = (uint64_t)((wait + 999) / 1000);
    client_send_error(c, PROTO_E_THROTTLED, ref_type, seconds,
                      ref_type == PROTO_REGISTER
                          ? "Too many registrations from your address; try again in %" PRIu64
                            " seconds."
                          : "Too many failed logins; try again in %" PRIu64 " seconds.",
                      seconds);
    return true;
}

void auth_charge_failure(struct client *c, const char *key)
{
    struct server_accounts *a = &c->srv->accounts;
    int64_t now = clock_mono_ms();
    char addr_key[ADMIT_KEY_MAX];
    if (address_key(c, addr_key))
        throttle_charge(a->login_by_addr, addr_key, now);
    if (key != NULL)
        throttle_charge(a->login_by_account, key, now);
}

void auth_charge_registration(struct client *c)
{
    char key[ADMIT_KEY_MAX];
    if (address_key(c, key))
        throttle_charge(c->srv->accounts.register_by_addr, key, clock_mono_ms());
}

/* ---- Answers that wait for the commit ---- */

void auth_deliver(struct client *c, const struct proto_msg *msg, bool to_all, uint16_t ref_type,
                  uint64_t ref_id, deliver_done_fn done, void *data)
{
    struct frame *f = frame_encode(msg);
    if (f == NULL) {
        client_log(c, LOG_ERROR, "cannot encode a %s frame", proto_type_name(msg->type));
        if (done != NULL)
            done(c->srv, data, false);
        return;
    }
    struct deliver_request req = { c, ref_type, ref_id };
    deliver_after_commit(&req, f, to_all ? DELIVER_ALL : DELIVER_REQUESTER, done, data);
    frame_unref(f);
}
