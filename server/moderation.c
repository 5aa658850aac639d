/* Moderation: roles, bans, kicks, mutes and deletions (MODERATE), invite codes
 * (INVITE_CREATE), and the NOTICE everyone online sees for each. Admins may do
 * everything to anyone but themselves; moderators may kick and mute members and
 * guests. Bans, roles, mutes and deletions are kept in the store. */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "common/validate.h"
#include "server/auth.h"
#include "server/client.h"
#include "server/clock.h"
#include "server/presence.h"
#include "server/store/store_accounts.h"

/* What a MODERATE request is aimed at: an account (id > 0) and/or an online client. */
struct target {
    struct store_account account; /* zeroed for an online guest */
    struct client *online;        /* NULL when not connected */
    const char *name;             /* for the notice */
    int role;
};

static const char *action_verb(uint16_t action)
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
    return action_verb(action) != NULL ? PROTO_ROLE_ADMIN : -1;
}

static int rank(int role)
{
    return role == PROTO_ROLE_GUEST ? -1 : role;
}

/* Finds the target by name: its account, and its connection if online. False (ERROR
 * sent) when neither exists or the store failed. */
static bool find_target(struct client *c, const struct proto_moderate *m, struct target *t)
{
    struct server *srv = c->srv;
    *t = (struct target){ .role = PROTO_ROLE_MEMBER };
    int found = 0;
    if (name_check(m->target.ptr, m->target.len) == NAME_OK) {
        char *key = name_fold_key(m->target.ptr, m->target.len);
        found = store_account_find(srv->store, key, &t->account);
        t->online = g_hash_table_lookup(srv->names, key);
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
    if (t->online != NULL && (m->action == PROTO_MOD_KICK || m->action == PROTO_MOD_MUTE)) {
        t->name = t->online->name; /* a guest: kicked or muted for this connection only */
        t->role = t->online->role;
        return true;
    }
    client_send_error(c, PROTO_E_ACCOUNT_UNKNOWN, PROTO_MODERATE, m->request_id,
                      "There is no account (or online user, for a kick) of that name.");
    return false;
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
    else if (m->action == PROTO_MOD_KICK && t->online == NULL)
        why = "Nobody of that name is online.";
    if (why == NULL)
        return true;
    client_send_error(c, PROTO_E_NOT_ALLOWED, PROTO_MODERATE, m->request_id, "%s", why);
    return false;
}

/* Closes the target's connection with ERROR(code, message). */
static void remove_online(struct client *target, uint16_t code, const char *message,
                          const char *reason)
{
    if (target == NULL)
        return;
    client_send_error(target, code, 0, 0, "%s", message);
    client_finish(target, reason);
}

/* Stores what m changes about t's account. False if the store refused. */
static bool store_action(struct store *st, const struct proto_moderate *m,
                         const struct target *t, const char *reason, int64_t mute_until)
{
    int64_t id = t->account.id;
    switch ((enum proto_mod_action)m->action) {
    case PROTO_MOD_ROLE: return store_account_set_role(st, id, (int)m->value) == STORE_OK;
    case PROTO_MOD_BAN:
        return store_account_set_ban(st, id, true, reason) == STORE_OK &&
               store_sessions_revoke_all(st, id) == STORE_OK;
    case PROTO_MOD_UNBAN: return store_account_set_ban(st, id, false, NULL) == STORE_OK;
    case PROTO_MOD_KICK: return true;
    case PROTO_MOD_MUTE: /* a guest's mute lasts as long as its connection */
        return id == 0 || store_account_set_mute(st, id, mute_until) == STORE_OK;
    case PROTO_MOD_DELETE: return store_account_delete(st, id) == STORE_OK;
    }
    return false;
}

/* Applies m to the target's connection, if it is online (after the notice, so the
 * others hear why before they see it leave). */
static void apply_online(const struct proto_moderate *m, struct client *target,
                         const char *reason, int64_t mute_until)
{
    if (target == NULL)
        return;
    char message[PROTO_MAX_REASON + 64];
    switch ((enum proto_mod_action)m->action) {
    case PROTO_MOD_ROLE:
        target->role = (int)m->value;
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
        target->muted_until_ms = mute_until;
        break;
    case PROTO_MOD_DELETE:
        remove_online(target, PROTO_E_KICKED, "Your account was deleted by an admin.",
                      "account deleted");
        break;
    case PROTO_MOD_UNBAN:
        break;
    }
}

static void deliver_notice(struct client *actor, const struct proto_moderate *m,
                           const char *target)
{
    struct proto_msg msg = {
        .type = PROTO_NOTICE,
        .u.notice = {
            .time_ms = (uint64_t)clock_wall_ms(),
            .action = m->action,
            .value = m->action == PROTO_MOD_MUTE ? MIN(m->value, SERVER_MAX_MUTE_MINUTES)
                                                 : m->value,
            .actor = proto_str_of(actor->name),
            .target = proto_str_of(target),
            .reason = m->reason,
        },
    };
    auth_deliver(actor, &msg, true, PROTO_MODERATE, m->request_id, NULL, NULL);
}

void moderation_on_moderate(struct client *c, const struct proto_msg *msg)
{
    const struct proto_moderate *m = &msg->u.moderate;
    struct target t;
    if (!find_target(c, m, &t))
        return;
    char *reason = g_strndup(m->reason.ptr, m->reason.len);
    uint32_t minutes = MIN(m->value, SERVER_MAX_MUTE_MINUTES);
    int64_t mute_until = minutes > 0 ? clock_wall_ms() + (int64_t)minutes * 60000 : 0;
    if (allowed(c, m, &t)) {
        if (store_action(c->srv->store, m, &t, reason, mute_until)) {
            client_log(c, LOG_INFO, "moderation %s value=%" PRIu32 " target account=%lld",
                       action_verb(m->action), m->value, (long long)t.account.id);
            struct proto_msg done = { .type = PROTO_DONE,
                                      .u.done = { m->request_id, PROTO_MODERATE } };
            auth_deliver(c, &done, false, PROTO_MODERATE, m->request_id, NULL, NULL);
            deliver_notice(c, m, t.name);
            apply_online(m, t.online, reason, mute_until);
        } else {
            client_log(c, LOG_ERROR, "moderation failed: %s", store_error(c->srv->store));
            client_send_error(c, PROTO_E_STORAGE, PROTO_MODERATE, m->request_id,
                              "The server could not store that; try again later.");
        }
    }
    g_free(reason);
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

/* ---- Invites ---- */

int moderation_create_invite(struct store *st, int64_t created_by, uint32_t minutes,
                             char *code, int64_t *expires_ms)
{
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789"; /* no l, o, 0, 1 */
    enum { GROUPS = 4, GROUP = 5 };                    /* 20 symbols: 100 random bits */
    char *p = code;
    for (int g = 0; g < GROUPS; g++) {
        if (g > 0)
            *p++ = '-';
        for (int i = 0; i < GROUP; i++)
            *p++ = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    }
    *p = '\0';
    if (minutes == 0)
        minutes = SERVER_DEFAULT_INVITE_MINUTES;
    minutes = MIN(minutes, SERVER_MAX_INVITE_MINUTES);
    uint8_t hash[PROTO_SHA256_LEN];
    crypto_hash_sha256(hash, (const unsigned char *)code, strlen(code));
    int64_t now = clock_wall_ms();
    *expires_ms = now + (int64_t)minutes * 60000;
    return store_invite_add(st, hash, created_by, now, *expires_ms);
}

void moderation_on_invite_create(struct client *c, const struct proto_msg *msg)
{
    const struct proto_invite_create *r = &msg->u.invite_create;
    if (c->role != PROTO_ROLE_ADMIN) {
        client_send_error(c, PROTO_E_NOT_ALLOWED, PROTO_INVITE_CREATE, r->request_id,
                          "Only admins may create invite codes.");
        return;
    }
    char code[PROTO_MAX_INVITE + 1];
    int64_t expires_ms;
    if (moderation_create_invite(c->srv->store, c->account_id, r->valid_minutes, code,
                                 &expires_ms) != STORE_OK) {
        client_send_error(c, PROTO_E_STORAGE, PROTO_INVITE_CREATE, r->request_id,
                          "The server could not store the invite; try again later.");
        return;
    }
    client_log(c, LOG_INFO, "invite created");
    struct proto_msg reply = {
        .type = PROTO_INVITE,
        .u.invite = { r->request_id, (uint64_t)expires_ms, proto_str_of(code) },
    };
    auth_deliver(c, &reply, false, PROTO_INVITE_CREATE, r->request_id, NULL, NULL);
    sodium_memzero(code, sizeof code);
}
