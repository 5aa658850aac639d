/* Pruning old messages and their files (retention.h). */
#include "server/retention.h"

#include "server/clock.h"
#include "server/cluster.h"
#include "server/event.h"
#include "server/filestore.h"
#include "server/limits.h"
#include "server/server.h"
#include "server/store/store.h"

void retention_init(struct server *srv, int64_t now)
{
    srv->prune_at = srv->cfg.retention_days > 0 ? now : INT64_MAX;
}

/* A pruned file leaves the disk with its index entry (a failed commit leaves the entry
 * for the next round, whose removal of the file then finds nothing to do). */
static void remove_pruned_file(const char *name, void *data)
{
    filestore_remove(((struct server *)data)->files, name);
}

/* A cluster node prunes through the stream: its PRUNE entry applies on every node
 * (event_apply_prune()). Until it applies, or is refused (the stream away), no other is
 * asked for; then retention_applied() sets the next time, or this retry does. */
static void append_prune(struct server *srv, int64_t now, int64_t wall, int64_t before)
{
    struct event ev = { .type = EVENT_PRUNE,
                        .u.prune = { before, wall, SERVER_PRUNE_BATCH } };
    log_event(LOG_INFO, 0, NULL, NULL, "cluster: asking the stream to prune messages older "
              "than %u days", (unsigned)srv->cfg.retention_days);
    srv->prune_at = now + SERVER_PRUNE_RETRY_MS;
    event_log(srv, &ev, event_pending_ticket(NULL));
}

void retention_expire(struct server *srv, int64_t now)
{
    if (now < srv->prune_at || srv->stopping)
        return;
    int64_t wall = (int64_t)clock_wall_ms();
    int64_t before = wall - (int64_t)srv->cfg.retention_days * RETENTION_MS_PER_DAY;
    if (cluster_on(srv) && before <= 0) { /* a retention longer than the epoch */
        srv->prune_at = now + SERVER_PRUNE_INTERVAL_MS;
        return;
    }
    if (cluster_on(srv)) {
        append_prune(srv, now, wall, before);
        return;
    }
    int pruned = store_prune(srv->store, before, SERVER_PRUNE_BATCH, remove_pruned_file, srv);
    if (pruned < 0) {
        log_event(LOG_ERROR, 0, NULL, NULL, "pruning old messages failed: %s",
                  store_error(srv->store));
    } else if (pruned > 0) {
        log_event(LOG_INFO, 0, NULL, NULL, "pruned %d messages older than %u days", pruned,
                  (unsigned)srv->cfg.retention_days);
    }
    /* A full batch means more may wait: the next pass takes the next batch. */
    srv->prune_at = pruned == (int)SERVER_PRUNE_BATCH ? now : now + SERVER_PRUNE_INTERVAL_MS;
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
