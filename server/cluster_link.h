/* One connection to Redis driven by our event loop (docs/CLUSTER.md section 6): hiredis's
 * async API with its five event hooks filled by ev_watch()/ev_set_mask()/ev_unwatch(),
 * a reply deadline for every command (hiredis 0.14 keeps none), and reconnection with
 * backoff. The link is "up" only once Redis has answered a PING on the connection: a
 * paused Redis still accepts TCP connections, so a connect alone proves nothing.
 *
 * While the link is down, commands are refused at once (cluster_link_command returns
 * false) so the caller can answer "temporarily unavailable" without waiting. A command
 * whose reply does not come within its deadline takes the link down: the connection is
 * dropped and every command still waiting is told "no reply" (reply NULL). No threads,
 * no blocking call. */
#ifndef CHAT_SERVER_CLUSTER_LINK_H
#define CHAT_SERVER_CLUSTER_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct redisReply;
struct cluster_link;

/* Where Redis listens, from a redis://HOST:PORT address. */
struct cluster_addr {
    char host[256];
    uint16_t port;
};

/* Fills addr from "redis://HOST:PORT" (HOST a name or an IPv4 address, PORT 1-65535).
 * Returns true, or false with err saying what is wrong. */
bool cluster_addr_parse(const char *url, struct cluster_addr *addr, char *err, size_t errlen);

/* Told when the link comes up (up true) or goes down (up false, why in words: it may
 * hold Redis's own error text, so quote it before logging it). A Redis that answers the
 * PING with an error (LOADING, NOAUTH) is dropped and tried again like one that does
 * not answer. */
typedef void cluster_link_state_fn(void *data, bool up, const char *why);

/* Told once per command: its reply, or NULL when none came (link down, timed out, or
 * freed). The reply is hiredis's and lives only during the call. */
typedef void cluster_reply_fn(void *data, const struct redisReply *reply);

/* A link named name (for the caller's log lines) to addr on loop; it starts connecting
 * at once. on_state(data, ...) reports every change. Never NULL. */
struct cluster_link *cluster_link_new(struct ev_loop *loop, const struct cluster_addr *addr,
                                      const char *name, cluster_link_state_fn *on_state,
                                      void *data);

/* Drops the connection (waiting commands are told NULL; on_state is not called) and
 * frees the link. NULL is ignored. */
void cluster_link_free(struct cluster_link *link);

/* True while the link is up (connected and answering). */
bool cluster_link_up(const struct cluster_link *link);

/* The link's name. */
const char *cluster_link_name(const struct cluster_link *link);

/* Sends a command of argc arguments (binary safe: lens[i] bytes each) whose reply must
 * come within timeout_ms; fn(data, reply) is told the outcome once, never before this
 * returns. Returns false, without calling fn, when the link is down (or went down
 * because hiredis could not queue the command). */
bool cluster_link_command(struct cluster_link *link, int argc, const char **argv,
                          const size_t *lens, int64_t timeout_ms, cluster_reply_fn *fn,
                          void *data);

/* Subscribes the link to channel (SUBSCRIBE): fn(data, reply) is told the confirmation
 * (which must come within CLUSTER_REPLY_TIMEOUT_MS), then every message, as hiredis's
 * array replies, and NULL once when the connection goes (then subscribe again once the
 * link is back up). A subscribed link takes no other command. False when down. */
bool cluster_link_subscribe(struct cluster_link *link, const char *channel,
                            cluster_reply_fn *fn, void *data);

/* Writes what is queued for Redis now, as far as the socket takes it without waiting
 * (a stopping node's last commands, before cluster_link_free()). */
void cluster_link_flush(struct cluster_link *link);

/* Drops the connection as if Redis had gone away (why for on_state) and reconnects with
 * backoff: for a subscribed link that no longer hears what it should. */
void cluster_link_reset(struct cluster_link *link, const char *why);

/* Milliseconds from now_ms (monotonic) until the link's next deadline (a reply due, a
 * reconnection), 0 if one has passed, -1 if none. */
int cluster_link_timeout(const struct cluster_link *link, int64_t now_ms);

/* Acts on the deadlines that passed by now_ms: drops a connection whose reply is late,
 * reconnects when it is time. Call once a loop pass. */
void cluster_link_tick(struct cluster_link *link, int64_t now_ms);

#endif
