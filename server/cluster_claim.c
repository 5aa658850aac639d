/* A store's mode checked and claimed (cluster_claim.h). */
#include "server/cluster_claim.h"

#include <stdio.h>
#include <string.h>

#include "server/log.h"
#include "server/server.h"
#include "server/store/store.h"
#include "server/store/store_cluster.h"

bool cluster_claim_store(struct server *srv, const char *stream, struct cluster_id *last,
                         char *err, size_t errlen)
{
    struct store_cluster rows;
    if (store_cluster_read(srv->store, &rows) != STORE_OK) {
        snprintf(err, errlen, "cannot read the store: %s", store_error(srv->store));
        return false;
    }
    bool ok = false;
    if (stream == NULL) {
        ok = rows.stream == NULL;
        if (!ok)
            snprintf(err, errlen, "this store belongs to a cluster node (stream %s, node %u): "
                     "start it with --cluster, or use another --data-dir", rows.stream,
                     (unsigned)rows.node);
    } else if (rows.stream == NULL && rows.has_data) {
        snprintf(err, errlen, "this store was filled by a single node (it holds accounts, "
                 "rooms or messages that did not come from the stream): a cluster node "
                 "starts from an empty --data-dir or from a cluster node's backup "
                 "(docs/CLUSTER.md)");
    } else if (rows.stream != NULL && strcmp(rows.stream, stream) != 0) {
        snprintf(err, errlen, "this store follows the stream %s, not %s: use another "
                 "--data-dir (docs/CLUSTER.md)", rows.stream, stream);
    } else if (rows.last_id != NULL &&
               !cluster_id_parse(rows.last_id, strlen(rows.last_id), last)) {
        snprintf(err, errlen, "the store's last applied stream entry is unreadable");
    } else {
        ok = true;
        if (rows.stream != NULL && rows.node != srv->cfg.node_id)
            log_event(LOG_INFO, 0, NULL, NULL, "cluster: this store was node %u's (a copy of "
                      "its backup): now node %u's", (unsigned)rows.node,
                      (unsigned)srv->cfg.node_id);
        if ((rows.stream == NULL || rows.node != srv->cfg.node_id) &&
            (store_cluster_claim(srv->store, stream, srv->cfg.node_id) != STORE_OK ||
             store_commit(srv->store) != STORE_OK)) {
            snprintf(err, errlen, "cannot record the cluster in the store: %s",
                     store_error(srv->store));
            ok = false;
        }
    }
    store_cluster_clear(&rows);
    return ok;
}
