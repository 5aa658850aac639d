/* The account events (event.h). A registration is decided here, in log order, against
 * the store alone: which of two registrations of one name wins, and whether an invite
 * is still unused, must come out the same on every node. Passwords never reach an
 * event: the taking node's worker hashed it (login.c). */
#include "server/event_apply.h"

#include <inttypes.h>
#include <string.h>

#include "common/validate.h"
#include "server/auth.h"
#include "server/client.h"
#include "server/live.h"
#include "server/store/store_accounts.h"
#include "server/store/store_rooms.h"

static void storage_failed(struct server *srv, const struct deliver_ticket *ticket,
                           const char *name, const char *what)
{
    event_note(deliver_ticket_client(srv, ticket), 0, name, LOG_ERROR, "%s failed: %s", what,
               store_error(srv->store));
    event_refuse(srv, ticket, PROTO_E_STORAGE,
                 "The server could not read or write its database; try again later.");
}

/* True when an account (a deleted one too: its name stays reserved) has key; also
 * true after refusing, if the store could not tell. */
static bool name_taken(struct server *srv, const struct event_account_create *ev,
                       const struct deliver_ticket *ticket, const char *key)
{
    struct store_account a = { 0 };
    int found = store_account_find(srv->store, key, &a);
    store_account_clear(&a);
    if (found < 0) {
        storage_failed(srv, ticket, ev->name, "looking up a name");
    } else if (found == 1) {
        event_note(deliver_ticket_client(srv, ticket), 0, ev->name, LOG_INFO,
                   "registration refused (name taken)");
        event_refuse(srv, ticket, PROTO_E_NAME_TAKEN,
                     "That name, or one that looks like it, is already taken; choose another.");
    }
    return found != 0;
}

/* Stores the account of ev as a (its id and role filled). False after refusing. */
static bool store_new_account(struct server *srv, const struct event_account_create *ev,
                              const struct deliver_ticket *ticket, const char *key,
                              struct store_account *a)
{
    if (ev->has_invite && store_invite_valid(srv->store, ev->invite_hash, ev->time_ms) != 1) {
        event_refuse(srv, ticket, PROTO_E_INVITE_INVALID,
                     "That invite code was used or expired meanwhile.");
        return false;
    }
    int64_t count = store_account_count(srv->store);
    a->role = count == 0 ? PROTO_ROLE_ADMIN : PROTO_ROLE_MEMBER;
    if (count < 0 ||
        store_account_add(srv->store, ev->name, key, ev->pw_hash, a->role, ev->time_ms,
                          &a->id) != STORE_OK ||
        (ev->has_invite &&
         store_invite_use(srv->store, ev->invite_hash, ev->time_ms, a->id) != 1)) {
        storage_failed(srv, ticket, ev->name, "storing a new account");
        return false;
    }
    return true;
}

void event_apply_account_create(struct server *srv, const struct event_account_create *ev,
                                const struct deliver_ticket *ticket)
{
    size_t len = strlen(ev->name);
    if (name_check(ev->name, len) != NAME_OK) { /* the taker checked it: never here */
        event_refuse(srv, ticket, PROTO_E_NAME_INVALID, "%s",
                     name_status_text(name_check(ev->name, len)));
        auth_login_refused(deliver_ticket_client(srv, ticket));
        return;
    }
    char *key = name_fold_key(ev->name, len);
    struct store_account a = { .name = (char *)ev->name };
    if (!name_taken(srv, ev, ticket, key) && store_new_account(srv, ev, ticket, key, &a)) {
        struct client *requester = deliver_ticket_client(srv, ticket);
        event_note(requester, 0, ev->name, LOG_INFO, "account registered id=%lld%s%s",
                   (long long)a.id, a.role == PROTO_ROLE_ADMIN ? " (the first: admin)" : "",
                   ev->has_invite ? " with an invite" : "");
        if (requester != NULL)
            login_registered(requester, &a);
    } else { /* refused: its connection may try again */
        auth_login_refused(deliver_ticket_client(srv, ticket));
    }
    g_free(key);
}

void event_apply_session_add(struct server *srv, const struct event_session *ev,
                             const struct deliver_ticket *ticket)
{
    bool stored = store_session_add(srv->store, ev->token_hash, ev->account, ev->time_ms,
                                    ev->expires_ms) == STORE_OK;
    if (!stored) {
        event_note(deliver_ticket_client(srv, ticket), 0, NULL, LOG_ERROR,
                   "cannot store a session: %s", store_error(srv->store));
        event_refuse(srv, ticket, PROTO_E_STORAGE,
                     "The server could not store your session; try again later.");
    }
    auth_session_applied(srv, ev->token_hash, ticket, stored);
}

void event_apply_session_drop(struct server *srv, const struct event_session *ev,
                              const struct deliver_ticket *ticket)
{
    struct store *st = srv->store;
    enum store_status status = ev->all ? store_sessions_revoke_all(st, ev->account)
                                       : store_session_revoke(st, ev->token_hash);
    struct client *requester = deliver_ticket_client(srv, ticket);
    if (status != STORE_OK) {
        event_note(requester, 0, NULL, LOG_ERROR, "cannot revoke sessions: %s",
                   store_error(st));
        event_refuse(srv, ticket, PROTO_E_STORAGE,
                     "The server could not end your session; try again later.");
        return;
    }
    if (requester != NULL)
        account_logged_out(requester, ticket->ref_id, ev->all);
}

/* A login's rehash: stored, or the failure logged (the login goes on either way). */
static void apply_rehash(struct server *srv, const struct event_account_change *ev,
                         const struct deliver_ticket *ticket)
{
    struct client *requester = deliver_ticket_client(srv, ticket);
    if (store_account_set_hash(srv->store, ev->account, ev->pw_hash) == STORE_OK)
        event_note(requester, 0, NULL, LOG_INFO,
                   "password hash upgraded to the current parameters");
    else
        event_note(requester, 0, NULL, LOG_ERROR, "cannot upgrade a password hash: %s",
                   store_error(srv->store));
}

void event_apply_account_change(struct server *srv, const struct event_account_change *ev,
                                const struct deliver_ticket *ticket)
{
    if (ev->rehash) {
        apply_rehash(srv, ev, ticket);
        return;
    }
    struct store *st = srv->store;
    struct client *requester = deliver_ticket_client(srv, ticket);
    struct store_account a = { 0 };
    if (store_account_get(st, ev->account, &a) != 1 ||
        store_account_set_hash(st, a.id, ev->pw_hash) != STORE_OK ||
        store_sessions_revoke_all(st, a.id) != STORE_OK) {
        event_note(requester, 0, NULL, LOG_ERROR, "cannot change a password: %s",
                   store_error(st));
        event_refuse(srv, ticket, PROTO_E_STORAGE,
                     "The server could not store the new password; try again later.");
    } else if (requester != NULL) {
        account_password_changed(requester, &a, ticket->ref_id);
    }
    store_account_clear(&a);
}

void event_apply_block(struct server *srv, const struct event_block *ev,
                       const struct deliver_ticket *ticket)
{
    struct client *requester = deliver_ticket_client(srv, ticket);
    if (store_block_set(srv->store, ev->account, ev->blocked, ev->on, ev->time_ms) != STORE_OK) {
        event_note(requester, 0, ev->account_name, LOG_ERROR, "cannot store a block: %s",
                   store_error(srv->store));
        event_refuse(srv, ticket, PROTO_E_STORAGE,
                     "The server could not store this; nothing changed. Try again.");
        return;
    }
    event_note(requester, 0, ev->account_name, LOG_INFO, "%s account=%" PRId64,
               ev->on ? "block" : "unblock", ev->blocked);
    if (requester != NULL)
        live_done(requester, PROTO_BLOCK, ticket->ref_id);
}

void event_apply_invite_create(struct server *srv, const struct event_invite *ev,
                               const struct deliver_ticket *ticket)
{
    bool stored = store_invite_add(srv->store, ev->code_hash, ev->creator, ev->time_ms,
                                   ev->expires_ms) == STORE_OK;
    if (!stored) {
        event_note(deliver_ticket_client(srv, ticket), 0, ev->creator_name, LOG_ERROR,
                   "cannot store an invite: %s", store_error(srv->store));
        event_refuse(srv, ticket, PROTO_E_STORAGE,
                     "The server could not store the invite; try again later.");
    }
    moderation_invite_applied(srv, ev->code_hash, ticket, stored);
}
