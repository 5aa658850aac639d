/* The prune event (event.h): --retention-days in a cluster, the same rows everywhere. */
#include "server/event_apply.h"

#include <glib.h>

#include "server/filestore.h"
#include "server/retention.h"
#include "server/server.h"
#include "server/store/store.h"

/* Keeps each pruned file's name until its row is gone (data: a GPtrArray). */
static void collect_name(const char *name, void *data)
{
    g_ptr_array_add(data, g_strdup(name));
}

/* Removes the files whose rows went, if no row still names them; how many this call
 * removed (another node may have been first). */
static unsigned remove_files(struct server *srv, const GPtrArray *names, int64_t taken_ms)
{
    unsigned removed = 0;
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        int named = store_file_name_used(srv->store, name, INT64_MIN);
        if (named == 0 && filestore_remove_older(srv->files, name, taken_ms))
            removed++;
        else if (named != 0)
            log_event(named < 0 ? LOG_ERROR : LOG_INFO, 0, NULL, NULL,
                      "kept a pruned message's stored file: %s",
                      named < 0 ? store_error(srv->store) : "another entry names it");
    }
    return removed;
}

void event_apply_prune(struct server *srv, const struct event_prune *ev,
                       const struct deliver_ticket *ticket)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    int pruned = store_prune(srv->store, ev->before_ms, ev->max_rows, collect_name, names);
    if (pruned < 0) {
        log_event(LOG_ERROR, 0, NULL, NULL, "pruning old messages failed: %s",
                  store_error(srv->store));
    } else if (pruned > 0) {
        unsigned removed = remove_files(srv, names, ev->time_ms);
        log_event(LOG_INFO, 0, NULL, NULL, "pruned %d messages older than %lld days (before "
                  "%lld ms), %u files removed", pruned,
                  (long long)((ev->time_ms - ev->before_ms) / RETENTION_MS_PER_DAY),
                  (long long)ev->before_ms, removed);
    }
    g_ptr_array_free(names, TRUE);
    retention_applied(srv, pruned == (int)ev->max_rows, ticket != NULL);
}
