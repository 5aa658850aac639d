/* Cluster mode (--cluster, docs/CLUSTER.md): this node's end of the shared log. Events
 * logged with event_log() are appended to the Redis stream (cluster_log.h) instead of
 * applied at once; every entry read back, this node's and the others', is applied in
 * stream order with event_apply(), and its id is stored in the same pass transaction
 * (store_cluster.h). A request waits in a bounded table (request number -> its answer's
 * ticket) until its own entry comes back; one whose append is refused or not read back
 * in time is answered ERROR(CLUSTER_UNAVAILABLE), never acknowledged unless applied.
 *
 * Without --cluster srv->cluster is NULL and every function here is a no-op (or says
 * "not a cluster"), except the store check, which keeps a single node off a cluster
 * node's store. */
#ifndef CHAT_SERVER_CLUSTER_H
#define CHAT_SERVER_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct client;
struct deliver_ticket;
struct event;
struct server;

/* Checks the store against the mode and, with --cluster, starts the log from the
 * store's last applied id: a cluster node refuses a store that a single node filled or
 * that follows another stream; a single node refuses a cluster node's store. Returns
 * true, or false with err filled. */
bool cluster_start(struct server *srv, char *err, size_t errlen);

/* Stops the log; requests still waiting are dropped unanswered (their clients are
 * closed by then). Call before the store is closed. */
void cluster_stop(struct server *srv);

/* True in cluster mode. */
bool cluster_on(const struct server *srv);

/* Appends ev for the request of ticket (event_log()'s cluster branch): answered when
 * the entry is applied, or refused at once with CLUSTER_UNAVAILABLE. */
void cluster_append(struct server *srv, const struct event *ev,
                    const struct deliver_ticket *ticket);

/* The connection id for the local sequence number seq: seq alone on a single node;
 * node << CLUSTER_CONN_ID_BITS | seq (wrapping, never 0) in a cluster. */
uint32_t cluster_conn_id(const struct server *srv, uint32_t seq);

/* The pass was committed (committed true) or not. A cluster node whose applied entries
 * could not be committed must stop (cluster_failed()); otherwise reading goes on. */
void cluster_after_commit(struct server *srv, bool committed);

/* True when this node must not go on (its store could not follow the stream): the
 * pass's writes must not be committed and the server stops with an error. */
bool cluster_failed(const struct server *srv);

/* The nearest deadline of the log and its waiting requests (monotonic ms), INT64_MAX
 * for none; and acting on those passed by now. */
int64_t cluster_next_deadline(const struct server *srv, int64_t now);
void cluster_expire(struct server *srv, int64_t now);

#endif
