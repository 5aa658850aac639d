/* Pruning old messages and their files (retention.h). */
#include "server/retention.h"

#include "server/clock.h"
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

void retention_expire(struct server *srv, int64_t now)
{
    if (now < srv->prune_at || srv->stopping)
        return;
    int64_t before = (int64_t)clock_wall_ms() -
                     (int64_t)srv->cfg.retention_days * RETENTION_MS_PER_DAY;
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

int64_t retention_next_deadline(const struct server *srv)
{
    return srv->prune_at;
}
