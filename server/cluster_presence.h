/* Presence across cluster nodes (docs/CLUSTER.md section 7). Each node keeps its online
 * connections in a Redis key chat:node:<id> (written every CLUSTER_HEARTBEAT_MS, expiring
 * after CLUSTER_NODE_TTL_MS) and publishes every change, and its full set with each
 * heartbeat, on the pub/sub channel chat:presence. A node that starts or whose
 * subscription comes back reads the other nodes' keys, then follows the channel; a node
 * not heard from for CLUSTER_NODE_TTL_MS is taken offline (its users leave). While Redis
 * is away, what is known of the others stays as it is; the clock restarts when it
 * returns. Typing notices travel on the same channel (losing one is harmless).
 *
 * The local clients see the others' connections like their own node's: in USER_LIST at
 * login, USER_JOINED / USER_LEFT, lobby PRESENCE_STATE, USER_ROLE, and per room (an
 * account online on any node is online in its rooms). Nothing read from Redis is
 * trusted: a message that does not decode, or names a connection of another node, is
 * logged and dropped whole.
 *
 * Without --cluster none of this runs: the functions are no-ops and the counts 0. */
#ifndef CHAT_SERVER_CLUSTER_PRESENCE_H
#define CHAT_SERVER_CLUSTER_PRESENCE_H

#include <stdbool.h>
#include <stdint.h>

struct client;
struct cluster_addr;
struct cluster_presence;
struct proto_typing;
struct server;

/* Starts this node's presence on Redis at addr (its own two connections). */
struct cluster_presence *cluster_presence_new(struct server *srv,
                                              const struct cluster_addr *addr);

/* Stops it (nothing more is published; the key expires by itself). NULL is ignored. */
void cluster_presence_free(struct cluster_presence *p);

/* The nearest deadline (monotonic ms), INT64_MAX for none; and acting on those passed. */
int64_t cluster_presence_deadline(const struct cluster_presence *p, int64_t now);
void cluster_presence_tick(struct cluster_presence *p, int64_t now);

/* A local client logged in or changed state or role (online true), or left (false):
 * published with the pass's other changes by cluster_presence_flush(). */
void cluster_presence_local(struct client *c, bool online);

/* The server is stopping: the node's key is deleted and an empty set published, so the
 * other nodes show its users offline at once (best effort: if it does not get out, they
 * expire). Nothing more is published. */
void cluster_presence_stopping(struct server *srv);

/* Publishes the pass's changes; called when the loop pass ends. */
void cluster_presence_flush(struct server *srv);

/* Relays a typing notice sent on this node to the other nodes. */
void cluster_presence_typing(struct server *srv, const struct proto_typing *t);

/* How many connections of other nodes are online (counted in WELCOME.users_online). */
uint32_t cluster_presence_count(const struct server *srv);

/* Sends newcomer c the other nodes' connections: USER_LIST pages, then USER_ROLE and
 * lobby PRESENCE_STATE(away) frames, after its own node's list. */
void cluster_presence_send_list(struct client *c);

/* True when account has a connection on another node; *away (if not NULL) says whether
 * every such connection is away. */
bool cluster_presence_account(const struct server *srv, int64_t account, bool *away);

/* A connection of another node as last heard (its name borrowed until the loop pass
 * ends). */
struct cluster_remote_user {
    uint32_t conn;             /* cluster-wide id: its node in the top byte */
    int64_t account;           /* 0 for a guest */
    uint16_t role;
    const char *name;
};

/* True when a connection of another node is online under a name whose fold key
 * (name_fold_key()) is key, a look-alike included; one such is put in *out (if not NULL).
 * Last known presence: a login elsewhere a moment ago may not be seen yet. */
bool cluster_presence_name(const struct server *srv, const char *key,
                           struct cluster_remote_user *out);

#endif
