/* A logged-in account's requests about itself: LOGOUT (revoke this session or all of
 * them, then close) and PASSWORD_CHANGE (check the old password and hash the new one on
 * the worker, revoke every session, hand out a fresh token). */

#include <string.h>

#include "server/auth.h"
#include "server/client.h"
#include "server/clock.h"
#include "server/event.h"
#include "server/store/store_accounts.h"

/* True for a logged-in account; a guest is answered NOT_ALLOWED. */
static bool is_account(struct client *c, uint16_t type, uint64_t request_id)
{
    if (c->account_id > 0)
        return true;
    client_send_error(c, PROTO_E_NOT_ALLOWED, type, request_id,
                      "Guests have no account: register to do that.");
    return false;
}

static void send_done(struct client *c, uint64_t request_id, uint16_t type)
{
    struct proto_msg msg = { .type = PROTO_DONE, .u.done = { request_id, type } };
    auth_deliver(c, &msg, false, type, request_id, NULL, NULL);
}

void account_on_logout(struct client *c, const struct proto_msg *msg)
{
    const struct proto_logout *l = &msg->u.logout;
    if (!is_account(c, PROTO_LOGOUT, l->request_id))
        return;
    bool all = l->scope == PROTO_LOGOUT_ALL;
    if (!all && c->token_hash == NULL) { /* no session to end (a guest's, a token's lost) */
        account_logged_out(c, l->request_id, false);
        return;
    }
    struct event ev = { .type = EVENT_SESSION_DROP, .u.session = {
        .account = c->account_id, .time_ms = clock_wall_ms(), .all = all,
    } };
    if (!all)
        memcpy(ev.u.session.token_hash, c->token_hash, PROTO_SHA256_LEN);
    event_log_request(c, &ev, PROTO_LOGOUT, l->request_id);
}

void account_logged_out(struct client *c, uint64_t request_id, bool all)
{
    g_clear_pointer(&c->token_hash, g_free);
    send_done(c, request_id, PROTO_LOGOUT);
    client_finish(c, all ? "logout (every session revoked)" : "logout (session revoked)");
}

static void finish_password_change(struct client *c, struct auth_job *job)
{
    if (c == NULL)
        return;
    if (!job->verified) {
        auth_charge_failure(c, job->key);
        client_log(c, LOG_INFO, "password change refused (wrong password)");
        client_send_error(c, PROTO_E_WRONG_PASSWORD, PROTO_PASSWORD_CHANGE, job->request_id,
                          "The current password is wrong.");
        return;
    }
    if (!job->hashed) {
        client_log(c, LOG_ERROR, "cannot change a password: the new one was not hashed");
        client_send_error(c, PROTO_E_STORAGE, PROTO_PASSWORD_CHANGE, job->request_id,
                          "The server could not store the new password; try again later.");
        return;
    }
    struct event ev = { .type = EVENT_ACCOUNT_CHANGE, .u.account_change = {
        .account = c->account_id, .time_ms = clock_wall_ms(), .pw_hash = job->new_hash,
    } };
    c->hash_us = job->run_us;
    event_log_request(c, &ev, PROTO_PASSWORD_CHANGE, job->request_id);
}

void account_password_changed(struct client *c, struct store_account *a, uint64_t request_id)
{
    client_log(c, LOG_INFO, "password changed; every session revoked");
    a->role = c->role;
    auth_send_session(c, a, PROTO_PASSWORD_CHANGE, request_id, NULL, c->hash_us);
}

void account_on_password_change(struct client *c, const struct proto_msg *msg)
{
    const struct proto_password_change *p = &msg->u.password_change;
    if (!is_account(c, PROTO_PASSWORD_CHANGE, p->request_id))
        return;
    enum password_status ps = password_check(p->new_password.ptr, p->new_password.len, c->name);
    if (ps != PASSWORD_OK) {
        client_send_error(c, PROTO_E_PASSWORD_WEAK, PROTO_PASSWORD_CHANGE, p->request_id, "%s",
                          password_status_text(ps));
        return;
    }
    if (auth_throttled(c, PROTO_PASSWORD_CHANGE, c->name_key) ||
        auth_busy(c, PROTO_PASSWORD_CHANGE))
        return;
    struct store_account a = { 0 };
    if (store_account_get(c->srv->store, c->account_id, &a) != 1) {
        client_send_error(c, PROTO_E_STORAGE, PROTO_PASSWORD_CHANGE, p->request_id,
                          "The server could not read your account; try again later.");
        store_account_clear(&a);
        return;
    }
    struct auth_job *job = auth_job_new(c, PROTO_PASSWORD_CHANGE, finish_password_change);
    job->request_id = p->request_id;
    job->key = g_strdup(c->name_key);
    g_strlcpy(job->hash, a.pw_hash, sizeof job->hash);
    store_account_clear(&a);
    job->password = g_strndup(p->old_password.ptr, p->old_password.len);
    job->password_len = p->old_password.len;
    job->new_password = g_strndup(p->new_password.ptr, p->new_password.len);
    job->new_password_len = p->new_password.len;
    auth_submit(c, job);
}
