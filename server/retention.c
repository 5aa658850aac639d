/* Pruning old messages and their files (retention.h). */
#include "server/retention.h"

#include "server/clock.h"
#include "server/cluster.h"
#include "server/event.h"
#include "server/limits.h"
#include "server/server.h"

void retention_init(struct server *srv, int64_t now)
{
    srv->prune_at = srv->cfg.retention_days > 0 ? now : INT64_MAX;
}

/* Pruning is an EVENT_PRUNE (event_apply_prune()): on one node it applies at once, in
 * a cluster on every node in stream order. Until it applies, or is refused (the stream
 * away), no other is asked for; then retention_applied() sets the next time, or this
 * retry does. */
void retention_expire(struct server *srv, int64_t now)
{
    if (now < srv->prune_at || srv->stopping)
        return;
    int64_t wall = (int64_t)clock_wall_ms();
    int64_t before = wall - (int64_t)srv->cfg.retention_days * RETENTION_MS_PER_DAY;
    if (before <= 0) { /* a retention longer than the epoch: nothing is that old */
        srv->prune_at = now + SERVER_PRUNE_INTERVAL_MS;
        return;
    }
    if (cluster_on(srv))
        log_event(LOG_INFO, 0, NULL, NULL, "cluster: asking the stream to prune messages "
                  "older than %u days", (unsigned)srv->cfg.retention_days);
    struct event ev = { .type = EVENT_PRUNE,
                        .u.prune = { before, wall, SERVER_PRUNE_BATCH } };
    srv->prune_at = now + SERVER_PRUNE_RETRY_MS;
    event_log(srv, &ev, event_pending_ticket(NULL));
}

void retention_applied(struct server *srv, bool full, bool mine)
{
    if (srv->prune_at == INT64_MAX) /* this node keeps messages: it only applies */
        return;
    int64_t now = clock_mono_ms();
    srv->prune_at = !mine ? now + SERVER_PRUNE_STANDBY_MS
                    : full ? now : now + SERVER_PRUNE_INTERVAL_MS;
}

int64_t retention_next_deadline(const struct server *srv)
{
    return srv->prune_at;
}
