/* Logging in with an account: REGISTER (a new account), LOGIN (name and password) and
 * LOGIN_TOKEN (a session token, no Argon2 at all). Password work goes to the worker;
 * its result comes back to the finish functions below. */
#include <sodium.h>
#include <string.h>

#include "common/validate.h"
#include "server/auth.h"
#include "server/client.h"
#include "server/clock.h"
#include "server/event.h"
#include "server/presence.h"
#include "server/store/store_accounts.h"

static const char wrong_password[] = "Wrong name or password.";

/* True when c may start a login with a frame of this type and version; otherwise it
 * has been answered. */
static bool login_ready(struct client *c, uint16_t type, uint16_t version)
{
    if (c->state == CLIENT_ONLINE) {
        client_send_error(c, PROTO_E_ALREADY_LOGGED_IN, type, 0,
                          "This connection is already logged in.");
        return false;
    }
    if (c->auth_pending) {
        client_send_error(c, PROTO_E_BUSY, type, SERVER_BUSY_RETRY_S,
                          "A login is already in progress on this connection.");
        return false;
    }
    return presence_version_ok(c, version, type);
}

static void storage_failed(struct client *c, uint16_t type, const char *what)
{
    client_log(c, LOG_ERROR, "%s failed: %s", what, store_error(c->srv->store));
    client_send_error(c, PROTO_E_STORAGE, type, 0,
                      "The server could not read or write its database; try again later.");
}

static void send_banned(struct client *c, uint16_t type, const struct store_account *a)
{
    client_log(c, LOG_INFO, "login refused (account %lld is banned)", (long long)a->id);
    client_send_error(c, PROTO_E_BANNED, type, 0, "This account is banned%s%s",
                      a->ban_reason && a->ban_reason[0] ? ": " : ".",
                      a->ban_reason && a->ban_reason[0] ? a->ban_reason : "");
}

/* ---- REGISTER ---- */

/* The invite a registration brings, checked against the policy. False once answered. */
static bool check_invite(struct client *c, const struct proto_register *r, struct auth_job *job)
{
    struct server *srv = c->srv;
    enum registration_policy policy = srv->accounts.registration;
    if (policy == REGISTRATION_CLOSED) {
        client_send_error(c, PROTO_E_REGISTRATION_CLOSED, PROTO_REGISTER, 0,
                          "This server does not take new accounts.");
        return false;
    }
    if (policy != REGISTRATION_INVITE)
        return true;
    if (r->invite.len == 0) {
        client_send_error(c, PROTO_E_INVITE_REQUIRED, PROTO_REGISTER, 0,
                          "This server needs an invite code to register; ask an admin.");
        return false;
    }
    crypto_hash_sha256(job->invite_hash, (const unsigned char *)r->invite.ptr, r->invite.len);
    job->has_invite = true;
    int valid = store_invite_valid(srv->store, job->invite_hash, clock_wall_ms());
    if (valid < 0) {
        storage_failed(c, PROTO_REGISTER, "checking an invite");
        return false;
    }
    if (valid == 0) {
        client_send_error(c, PROTO_E_INVITE_INVALID, PROTO_REGISTER, 0,
                          "That invite code is unknown, already used or expired.");
        return false;
    }
    return true;
}

static void send_name_taken(struct client *c)
{
    client_log(c, LOG_INFO, "registration refused (name taken)");
    client_send_error(c, PROTO_E_NAME_TAKEN, PROTO_REGISTER, 0,
                      "That name, or one that looks like it, is already taken; choose another.");
}

/* True when key belongs to an account, an online user or a registration in flight
 * (then answered NAME_TAKEN); also false-and-answered if the store failed. */
static bool name_taken(struct client *c, const char *key)
{
    struct server *srv = c->srv;
    struct store_account a = { 0 };
    int found = store_account_find(srv->store, key, &a);
    store_account_clear(&a);
    if (found < 0) {
        storage_failed(c, PROTO_REGISTER, "looking up a name");
        return true;
    }
    if (found == 0 && !g_hash_table_contains(srv->names, key) &&
        !g_hash_table_contains(srv->accounts.registering, key))
        return false;
    send_name_taken(c);
    return true;
}

/* The hash is ready: the registration is logged as an event, decided when it applies
 * (event_account.c: the name and the invite may have been taken meanwhile, here or on
 * another node). A guest online under the name here took it meanwhile. */
static void finish_register(struct client *c, struct auth_job *job)
{
    struct server *srv = job->srv;
    g_hash_table_remove(srv->accounts.registering, job->key);
    if (c == NULL)
        return; /* gone before its hash was ready: nothing was stored */
    if (!job->hashed) {
        client_send_error(c, PROTO_E_INTERNAL, PROTO_REGISTER, 0,
                          "The server could not hash the password; try again later.");
        return;
    }
    if (g_hash_table_contains(srv->names, job->key)) {
        send_name_taken(c);
        return;
    }
    struct event ev = { .type = EVENT_ACCOUNT_CREATE, .u.account_create = {
        .time_ms = clock_wall_ms(), .name = job->name, .pw_hash = job->hash,
        .has_invite = job->has_invite,
    } };
    memcpy(ev.u.account_create.invite_hash, job->invite_hash, sizeof job->invite_hash);
    c->hash_us = job->run_us;
    /* No other login on this connection until the entry has applied (at once on one
     * node) and its session is stored or refused (auth_login_refused()). */
    c->auth_pending = true;
    event_log_request(c, &ev, PROTO_REGISTER, 0);
}

void login_registered(struct client *c, const struct store_account *a)
{
    auth_send_session(c, a, PROTO_REGISTER, 0, "registration", c->hash_us);
}

void login_on_register(struct client *c, const struct proto_msg *msg)
{
    const struct proto_register *r = &msg->u.reg;
    if (!login_ready(c, PROTO_REGISTER, r->version))
        return;
    struct auth_job *job = auth_job_new(c, PROTO_REGISTER, finish_register);
    enum name_status ns = name_check(r->username.ptr, r->username.len);
    enum password_status ps = PASSWORD_OK;
    if (!check_invite(c, r, job))
        goto refused;
    if (ns != NAME_OK) {
        client_send_error(c, PROTO_E_NAME_INVALID, PROTO_REGISTER, 0, "%s", name_status_text(ns));
        goto refused;
    }
    job->name = g_strndup(r->username.ptr, r->username.len);
    job->key = name_fold_key(r->username.ptr, r->username.len);
    if (name_taken(c, job->key))
        goto refused;
    ps = password_check(r->password.ptr, r->password.len, job->name);
    if (ps != PASSWORD_OK) {
        client_log(c, LOG_INFO, "registration refused (%s)", password_status_text(ps));
        client_send_error(c, PROTO_E_PASSWORD_WEAK, PROTO_REGISTER, 0, "%s",
                          password_status_text(ps));
        goto refused;
    }
    if (auth_throttled(c, PROTO_REGISTER, NULL) || auth_busy(c, PROTO_REGISTER))
        goto refused;
    auth_charge_registration(c);
    job->password = g_strndup(r->password.ptr, r->password.len);
    job->password_len = r->password.len;
    g_hash_table_add(c->srv->accounts.registering, g_strdup(job->key));
    auth_submit(c, job);
    return;
refused:
    auth_job_free(job);
}

/* ---- LOGIN ---- */

static void finish_login(struct client *c, struct auth_job *job)
{
    struct server *srv = job->srv;
    if (c == NULL)
        return;
    if (!job->verified || job->account_id == 0) {
        auth_charge_failure(c, job->key);
        client_log(c, LOG_INFO, "login refused (wrong name or password)");
        client_send_error(c, PROTO_E_WRONG_PASSWORD, PROTO_LOGIN, 0, wrong_password);
        return;
    }
    struct store_account a = { 0 };
    int found = store_account_get(srv->store, job->account_id, &a);
    if (found < 0) {
        storage_failed(c, PROTO_LOGIN, "reading an account");
    } else if (found == 0 || a.deleted) {
        client_send_error(c, PROTO_E_WRONG_PASSWORD, PROTO_LOGIN, 0, wrong_password);
    } else if (a.banned) {
        send_banned(c, PROTO_LOGIN, &a);
    } else {
        if (job->hashed) { /* made with older parameters: upgraded now */
            struct event ev = { .type = EVENT_ACCOUNT_CHANGE, .u.account_change = {
                .account = a.id, .time_ms = clock_wall_ms(), .pw_hash = job->new_hash,
                .rehash = true,
            } };
            event_log_request(c, &ev, PROTO_LOGIN, 0);
        }
        auth_send_session(c, &a, PROTO_LOGIN, 0, "password", job->run_us);
    }
    store_account_clear(&a);
}

void login_on_login(struct client *c, const struct proto_msg *msg)
{
    const struct proto_login *l = &msg->u.login;
    if (!login_ready(c, PROTO_LOGIN, l->version))
        return;
    if (name_check(l->username.ptr, l->username.len) != NAME_OK) {
        client_send_error(c, PROTO_E_WRONG_PASSWORD, PROTO_LOGIN, 0, wrong_password);
        return;
    }
    struct auth_job *job = auth_job_new(c, PROTO_LOGIN, finish_login);
    job->key = name_fold_key(l->username.ptr, l->username.len);
    if (auth_throttled(c, PROTO_LOGIN, job->key) || auth_busy(c, PROTO_LOGIN)) {
        auth_job_free(job);
        return;
    }
    struct store_account a = { 0 };
    int found = store_account_find(c->srv->store, job->key, &a);
    if (found < 0) {
        storage_failed(c, PROTO_LOGIN, "looking up an account");
        auth_job_free(job);
        return;
    }
    /* An unknown name leaves hash empty: the worker checks a decoy, so it takes as long. */
    job->account_id = found == 1 && !a.deleted ? a.id : 0;
    if (found == 1)
        g_strlcpy(job->hash, a.pw_hash, sizeof job->hash);
    store_account_clear(&a);
    job->password = g_strndup(l->password.ptr, l->password.len);
    job->password_len = l->password.len;
    auth_submit(c, job);
}

/* ---- LOGIN_TOKEN ---- */

void login_on_login_token(struct client *c, const struct proto_msg *msg)
{
    const struct proto_login_token *t = &msg->u.login_token;
    if (!login_ready(c, PROTO_LOGIN_TOKEN, t->version))
        return;
    struct server *srv = c->srv;
    uint8_t hash[PROTO_SHA256_LEN];
    crypto_hash_sha256(hash, t->token, sizeof t->token);
    int64_t account_id = 0, expires_ms = 0;
    int found = store_session_find(srv->store, hash, clock_wall_ms(), &account_id, &expires_ms);
    struct store_account a = { 0 };
    if (found == 1)
        found = store_account_get(srv->store, account_id, &a);
    if (found < 0) {
        storage_failed(c, PROTO_LOGIN_TOKEN, "looking up a session");
    } else if (found == 0 || a.deleted) {
        client_log(c, LOG_INFO, "login refused (session token unknown, revoked or expired)");
        client_send_error(c, PROTO_E_TOKEN_INVALID, PROTO_LOGIN_TOKEN, 0,
                          "Your session has ended; log in with your password.");
    } else if (a.banned) {
        send_banned(c, PROTO_LOGIN_TOKEN, &a);
    } else {
        auth_login_token(c, &a, t->token, expires_ms);
    }
    store_account_clear(&a);
}
