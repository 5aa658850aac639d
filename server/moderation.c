/* Moderation: roles, bans, kicks, mutes and deletions (MODERATE: checked here, logged
 * as an event and applied by event_moderate.c, which stores it and sends the NOTICE
 * everyone online sees). Admins may do everything to anyone but themselves; moderators
 * may kick and mute members and guests. Invite codes: invite.c. */

#include "common/validate.h"
#include "server/auth.h"
#include "server/client.h"
#include "server/clock.h"
#include "server/cluster_presence.h"
#include "server/event.h"
#include "server/store/store_accounts.h"

/* What a MODERATE request is aimed at: an account (id > 0) and/or an online client. */
struct target {
    struct store_account account; /* zeroed for an online guest */
    struct client *online;        /* NULL when not connected */
    uint32_t guest_conn;          /* a guest's connection id (here or on another node) */
    const char *name;             /* for the notice */
    int role;
};

const char *moderation_action_name(uint16_t action)
{
    switch (action) {
    case PROTO_MOD_ROLE: return "role";
    case PROTO_MOD_BAN: return "ban";
    case PROTO_MOD_UNBAN: return "unban";
    case PROTO_MOD_KICK: return "kick";
    case PROTO_MOD_MUTE: return "mute";
    case PROTO_MOD_DELETE: return "delete";
    }
    return NULL;
}

/* The role an action needs, or -1 for an unknown one. */
static int action_needs(uint16_t action)
{
    if (action == PROTO_MOD_KICK || action == PROTO_MOD_MUTE)
        return PROTO_ROLE_MODERATOR;
    return moderation_action_name(action) != NULL ? PROTO_ROLE_ADMIN : -1;
}

static int rank(int role)
{
    return role == PROTO_ROLE_GUEST ? -1 : role;
}

/* Finds the target by name: its account, and its connection if online; else a guest
 * online here or, as last heard, on another node. False (ERROR sent) when none exists or
 * the store failed. */
static bool find_target(struct client *c, const struct proto_moderate *m, struct target *t)
{
    struct server *srv = c->srv;
    *t = (struct target){ .role = PROTO_ROLE_MEMBER };
    int found = 0;
    struct cluster_remote_user remote = { 0 };
    if (name_check(m->target.ptr, m->target.len) == NAME_OK) {
        char *key = name_fold_key(m->target.ptr, m->target.len);
        found = store_account_find(srv->store, key, &t->account);
        t->online = g_hash_table_lookup(srv->names, key);
        if (found == 0 && t->online == NULL && cluster_presence_name(srv, key, &remote) &&
            remote.account == 0)
            t->guest_conn = remote.conn;
        g_free(key);
    }
    if (found < 0) {
        client_send_error(c, PROTO_E_STORAGE, PROTO_MODERATE, m->request_id,
                          "The server could not read its database; try again later.");
        return false;
    }
    if (found == 1 && t->account.deleted && m->action != PROTO_MOD_KICK)
        found = 0;
    if (found == 1) {
        t->name = t->account.name;
        t->role = t->account.role;
        return true;
    }
    if ((t->online != NULL || t->guest_conn != 0) &&
        (m->action == PROTO_MOD_KICK || m->action == PROTO_MOD_MUTE)) {
        /* a guest: kicked or muted for this connection only, by the node that has it */
        t->name = t->online != NULL ? t->online->name : remote.name;
        t->role = t->online != NULL ? t->online->role : remote.role;
        t->guest_conn = t->online != NULL ? t->online->id : t->guest_conn;
        return true;
    }
    client_send_error(c, PROTO_E_ACCOUNT_UNKNOWN, PROTO_MODERATE, m->request_id,
                      "There is no account (or online user, for a kick) of that name.");
    return false;
}

/* True when t has a connection here or, as last heard, on another node. */
static bool online_anywhere(const struct server *srv, const struct target *t)
{
    return t->online != NULL || t->guest_conn != 0 ||
           cluster_presence_account(srv, t->account.id, NULL);
}

/* True when c may do m to t; otherwise answered NOT_ALLOWED. */
static bool allowed(struct client *c, const struct proto_moderate *m, const struct target *t)
{
    const char *why = NULL;
    int needs = action_needs(m->action);
    if (needs < 0)
        why = "Unknown moderation action.";
    else if (rank(c->role) < needs)
        why = needs == PROTO_ROLE_ADMIN ? "Only admins may do that."
                                        : "Only moderators and admins may do that.";
    else if ((t->account.id > 0 && t->account.id == c->account_id) || t->online == c)
        why = "You cannot do that to yourself.";
    else if (c->role != PROTO_ROLE_ADMIN && rank(t->role) >= PROTO_ROLE_MODERATOR)
        why = "Moderators may act only on members and guests.";
    else if (m->action == PROTO_MOD_ROLE && m->value > PROTO_ROLE_ADMIN)
        why = "Unknown role: use 0 (member), 1 (moderator) or 2 (admin).";
    else if (m->action == PROTO_MOD_KICK && !online_anywhere(c->srv, t))
        why = "Nobody of that name is online."; /* every node kicks its own */
    if (why == NULL)
        return true;
    client_send_error(c, PROTO_E_NOT_ALLOWED, PROTO_MODERATE, m->request_id, "%s", why);
    return false;
}

void moderation_on_moderate(struct client *c, const struct proto_msg *msg)
{
    const struct proto_moderate *m = &msg->u.moderate;
    struct target t;
    if (!find_target(c, m, &t))
        return;
    if (allowed(c, m, &t)) {
        uint32_t minutes = MIN(m->value, SERVER_MAX_MUTE_MINUTES);
        int64_t now = clock_wall_ms();
        struct event ev = { .type = EVENT_MODERATE, .u.moderate = {
            .action = m->action, .value = m->action == PROTO_MOD_MUTE ? minutes : m->value,
            .time_ms = now, .until_ms = minutes > 0 ? now + (int64_t)minutes * 60000 : 0,
            .actor_account = c->account_id, .actor_name = c->name,
            .target_account = t.account.id, .target_name = t.name, .reason = m->reason,
            .target_conn = t.account.id == 0 ? t.guest_conn : 0,
        } };
        event_log_request(c, &ev, PROTO_MODERATE, m->request_id);
    }
    store_account_clear(&t.account);
}

bool moderation_muted(struct client *c, uint16_t ref_type, uint64_t ref_id)
{
    int64_t left = c->muted_until_ms - clock_wall_ms();
    if (left <= 0)
        return false;
    int64_t minutes = (left + 59999) / 60000;
    client_send_error(c, PROTO_E_MUTED, ref_type, ref_id,
                      "You are muted for %lld more minute%s.", (long long)minutes,
                      minutes == 1 ? "" : "s");
    return true;
}
