/* EVENT_PRUNE to and from its frame (cluster_event_account.h). Decoding re-checks what
 * the taking node's timer made: a cutoff after the epoch and at least a day (the least
 * --retention-days) before the time it was taken, a batch of 1 to SERVER_PRUNE_BATCH. */
#include "server/cluster_event_account.h"

#include "server/limits.h"
#include "server/retention.h"

bool cluster_prune_to_frame(const struct event *ev, struct proto_msg *m)
{
    if (ev->type != EVENT_PRUNE)
        return false;
    const struct event_prune *p = &ev->u.prune;
    m->type = PROTO_EVENT_PRUNE;
    m->u.event_prune = (struct proto_event_prune){ (uint64_t)p->before_ms,
                                                   (uint64_t)p->time_ms, p->max_rows };
    return true;
}

int cluster_prune_from_frame(const struct proto_msg *m, struct cluster_event *out,
                             const char **why)
{
    if (m->type != PROTO_EVENT_PRUNE)
        return -1;
    const struct proto_event_prune *p = &m->u.event_prune;
    const uint64_t day = (uint64_t)RETENTION_MS_PER_DAY;
    if (p->time_ms > INT64_MAX || p->time_ms <= day || p->before_ms == 0 ||
        p->before_ms > p->time_ms - day) {
        *why = "a cutoff not at least a day before its time";
        return 0;
    }
    if (p->max_rows == 0 || p->max_rows > SERVER_PRUNE_BATCH) {
        *why = "a batch out of range";
        return 0;
    }
    out->ev = (struct event){ .type = EVENT_PRUNE, .u.prune = {
        (int64_t)p->before_ms, (int64_t)p->time_ms, p->max_rows } };
    return 1;
}
