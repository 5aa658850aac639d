/* EVENT_MODERATE to and from its frame (cluster_event_account.h). Decoding re-checks
 * what moderation.c checked of the request: a known action, a known role, a mute of at
 * most SERVER_MAX_MUTE_MINUTES, a guest target only for a kick or mute, valid names. */
#include "server/cluster_event_account.h"

#include "server/limits.h"

bool cluster_moderate_to_frame(const struct event *ev, struct proto_msg *m)
{
    if (ev->type != EVENT_MODERATE)
        return false;
    const struct event_moderate *d = &ev->u.moderate;
    m->type = PROTO_EVENT_MODERATE;
    m->u.event_moderate = (struct proto_event_moderate){
        .action = d->action, .value = d->value, .time_ms = (uint64_t)d->time_ms,
        .until_ms = (uint64_t)d->until_ms, .actor_account = (uint64_t)d->actor_account,
        .target_account = (uint64_t)d->target_account, .target_conn = d->target_conn,
        .actor = proto_str_of(d->actor_name), .target = proto_str_of(d->target_name),
        .reason = d->reason,
    };
    return true;
}

/* Why the numbers of d break the request's rules, or NULL. */
static const char *numbers_wrong(const struct proto_event_moderate *d)
{
    if (d->action < PROTO_MOD_ROLE || d->action > PROTO_MOD_DELETE)
        return "an unknown moderation action";
    if ((d->action == PROTO_MOD_ROLE && d->value > PROTO_ROLE_ADMIN) ||
        (d->action == PROTO_MOD_MUTE && d->value > SERVER_MAX_MUTE_MINUTES))
        return "a role or mute length MODERATE would refuse";
    if (d->time_ms > INT64_MAX || d->until_ms > INT64_MAX || d->actor_account > INT64_MAX ||
        d->target_account > INT64_MAX)
        return "a time or account out of range";
    if (d->target_account == 0 &&
        ((d->action != PROTO_MOD_KICK && d->action != PROTO_MOD_MUTE) || d->target_conn == 0))
        return "a guest target of an action that takes accounts only";
    return NULL;
}

int cluster_moderate_from_frame(const struct proto_msg *m, struct cluster_event *out,
                                const char **why)
{
    if (m->type != PROTO_EVENT_MODERATE)
        return -1;
    const struct proto_event_moderate *d = &m->u.event_moderate;
    *why = numbers_wrong(d);
    if (*why != NULL)
        return 0;
    if (!cluster_event_take_name(out->name, d->actor) ||
        !cluster_event_take_name(out->target, d->target)) {
        *why = "an invalid actor or target name";
        return 0;
    }
    out->ev = (struct event){ .type = EVENT_MODERATE, .u.moderate = {
        .action = d->action, .value = d->value, .time_ms = (int64_t)d->time_ms,
        .until_ms = (int64_t)d->until_ms, .actor_account = (int64_t)d->actor_account,
        .actor_name = out->name, .target_account = (int64_t)d->target_account,
        .target_conn = d->target_conn, .target_name = out->target, .reason = d->reason,
    } };
    return 1;
}
