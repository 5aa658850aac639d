/* Which mode a store belongs to (cluster.h, docs/CLUSTER.md section 9): a cluster node
 * claims its store for its stream and node id; a single node keeps off a cluster node's
 * store. */
#ifndef CHAT_SERVER_CLUSTER_CLAIM_H
#define CHAT_SERVER_CLUSTER_CLAIM_H

#include <stdbool.h>
#include <stddef.h>

#include "server/cluster_log.h"

struct server;

/* Checks srv's store against the mode: stream NULL for a single node, which refuses a
 * cluster node's store; otherwise the stream's name, and the store must be empty, a
 * cluster node's of that stream, or a copy of one (then it becomes this node's). A
 * store not yet claimed for this node is claimed and committed. Returns true with *last
 * the store's last applied entry (left as is when it has none; stream NULL: last may be
 * NULL), or false with err filled. */
bool cluster_claim_store(struct server *srv, const char *stream, struct cluster_id *last,
                         char *err, size_t errlen);

#endif
