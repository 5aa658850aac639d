/* The moderation event (event.h): roles, bans, kicks, mutes and account deletions. The
 * handler (moderation.c) checks that the requester may do it to the target it found;
 * here the target's account is read again, since another node's entry may have deleted
 * it meanwhile, and the action is stored and acted on for the target's connection on
 * this node: a ban taken on one node closes the user's connection on whichever node it
 * is on, when that node applies the event. */
#include "server/event_apply.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/validate.h"
#include "server/auth.h"
#include "server/client.h"
#include "server/live.h"
#include "server/presence.h"
#include "server/rooms.h"
#include "server/store/store_accounts.h"

/* The target's connection on this node, or NULL: the one logged in under its name with
 * its account (a guest: with its connection id). */
static struct client *target_client(struct server *srv, const struct event_moderate *ev)
{
    size_t len = strlen(ev->target_name);
    if (name_check(ev->target_name, len) != NAME_OK)
        return NULL;
    char *key = name_fold_key(ev->target_name, len);
    struct client *c = g_hash_table_lookup(srv->names, key);
    g_free(key);
    if (c == NULL || c->account_id != ev->target_account)
        return NULL;
    return ev->target_account > 0 || c->id == ev->target_conn ? c : NULL;
}

/* True when the target of ev can still be acted on; otherwise refused. */
static bool target_there(struct server *srv, const struct event_moderate *ev,
                         const struct deliver_ticket *ticket)
{
    if (ev->target_account == 0 || ev->action == PROTO_MOD_KICK)
        return true;
    struct store_account a = { 0 };
    int found = store_account_get(srv->store, ev->target_account, &a);
    bool there = found == 1 && !a.deleted;
    store_account_clear(&a);
    if (found < 0) {
        event_note(deliver_ticket_client(srv, ticket), 0, ev->actor_name, LOG_ERROR,
                   "moderation failed: %s", store_error(srv->store));
        event_refuse(srv, ticket, PROTO_E_STORAGE,
                     "The server could not read its database; try again later.");
    } else if (!there) {
        event_refuse(srv, ticket, PROTO_E_ACCOUNT_UNKNOWN,
                     "There is no account (or online user, for a kick) of that name.");
    }
    return there;
}

/* Stores what ev changes about its target's account. False if the store refused. */
static bool store_action(struct store *st, const struct event_moderate *ev, const char *reason)
{
    int64_t id = ev->target_account;
    switch ((enum proto_mod_action)ev->action) {
    case PROTO_MOD_ROLE: return store_account_set_role(st, id, (int)ev->value) == STORE_OK;
    case PROTO_MOD_BAN:
        return store_account_set_ban(st, id, true, reason) == STORE_OK &&
               store_sessions_revoke_all(st, id) == STORE_OK;
    case PROTO_MOD_UNBAN: return store_account_set_ban(st, id, false, NULL) == STORE_OK;
    case PROTO_MOD_KICK: return true;
    case PROTO_MOD_MUTE: /* a guest's mute lasts as long as its connection */
        return id == 0 || store_account_set_mute(st, id, ev->until_ms) == STORE_OK;
    case PROTO_MOD_DELETE: return store_account_delete(st, id) == STORE_OK;
    }
    return false;
}

/* Closes the target's connection with ERROR(code, message). */
static void remove_online(struct client *target, uint16_t code, const char *message,
                          const char *why)
{
    client_send_error(target, code, 0, 0, "%s", message);
    client_finish(target, why);
}

/* Applies ev to the target's connection on this node (after the notice, so the others
 * hear why before they see it leave). */
static void apply_online(const struct event_moderate *ev, struct client *target,
                         const char *reason)
{
    char message[PROTO_MAX_REASON + 64];
    switch ((enum proto_mod_action)ev->action) {
    case PROTO_MOD_ROLE:
        target->role = (int)ev->value;
        presence_announce_role(target);
        break;
    case PROTO_MOD_BAN:
        snprintf(message, sizeof message, "This account is banned%s%s", reason[0] ? ": " : ".",
                 reason);
        remove_online(target, PROTO_E_BANNED, message, "banned");
        break;
    case PROTO_MOD_KICK:
        snprintf(message, sizeof message, "Removed by a moderator%s%s", reason[0] ? ": " : ".",
                 reason);
        remove_online(target, PROTO_E_KICKED, message, "kicked");
        break;
    case PROTO_MOD_MUTE:
        target->muted_until_ms = ev->until_ms;
        break;
    case PROTO_MOD_DELETE:
        remove_online(target, PROTO_E_KICKED, "Your account was deleted by an admin.",
                      "account deleted");
        break;
    case PROTO_MOD_UNBAN:
        break;
    }
}

void event_apply_moderate(struct server *srv, const struct event_moderate *ev,
                          const struct deliver_ticket *ticket)
{
    if (!target_there(srv, ev, ticket))
        return;
    struct client *requester = deliver_ticket_client(srv, ticket);
    char *reason = g_strndup(ev->reason.ptr, ev->reason.len);
    if (!store_action(srv->store, ev, reason)) {
        event_note(requester, 0, ev->actor_name, LOG_ERROR, "moderation failed: %s",
                   store_error(srv->store));
        event_refuse(srv, ticket, PROTO_E_STORAGE,
                     "The server could not store that; try again later.");
        g_free(reason);
        return;
    }
    event_note(requester, 0, ev->actor_name, LOG_INFO,
               "moderation %s value=%" PRIu32 " target account=%lld",
               moderation_action_name(ev->action), ev->value, (long long)ev->target_account);
    if (requester != NULL)
        live_done(requester, PROTO_MODERATE, ticket->ref_id);
    struct proto_msg notice = {
        .type = PROTO_NOTICE,
        .u.notice = {
            .time_ms = (uint64_t)ev->time_ms, .action = ev->action, .value = ev->value,
            .actor = proto_str_of(ev->actor_name), .target = proto_str_of(ev->target_name),
            .reason = ev->reason,
        },
    };
    event_deliver(srv, ticket, srv->rooms->lobby, &notice);
    struct client *target = target_client(srv, ev);
    if (target != NULL)
        apply_online(ev, target, reason);
    g_free(reason);
}
