/* The requests this node appended to the stream and has not read back yet (cluster.h):
 * a bounded table, request number -> the ticket of its answer and what the request left
 * on this node (a token or invite code waiting under its hash, a kept file), in deadline
 * order. A request taken out of it is answered by its entry's apply, or refused with
 * ERROR(CLUSTER_UNAVAILABLE) here, and what it left is dropped (docs/CLUSTER.md
 * sections 5 and 8): a registration's hold on its connection, a token or invite code. */
#ifndef CHAT_SERVER_CLUSTER_WAITING_H
#define CHAT_SERVER_CLUSTER_WAITING_H

#include <stdbool.h>
#include <stdint.h>

#include "common/protocol.h"
#include "server/deliver.h"
#include "server/event.h"

struct server;
struct cluster_waiting;

/* A request appended and not yet read back. */
struct waiting {
    uint64_t request;
    int64_t deadline;          /* monotonic */
    struct deliver_ticket ticket;
    enum event_type type;      /* SESSION_ADD and INVITE_CREATE: a token or code waits on
                                  this node under hash until the entry applies */
    uint8_t hash[PROTO_SHA256_LEN];
    char *file_name;           /* FILE: the kept file its entry names (g_free) */
    int64_t file_time_ms;      /* FILE: the event's time */
};

/* An empty table, and freeing one: requests still in it are dropped unanswered and
 * what they left is left (their clients are closed by then). */
struct cluster_waiting *cluster_waiting_new(void);
void cluster_waiting_free(struct cluster_waiting *t);

/* How many requests wait. */
unsigned cluster_waiting_count(const struct cluster_waiting *t);

/* Adds request, appended for ev on behalf of ticket t, with a deadline
 * CLUSTER_ANSWER_TIMEOUT_MS from now (the latest one: the table stays in order). */
void cluster_waiting_add(struct cluster_waiting *t, uint64_t request,
                         const struct deliver_ticket *ticket, const struct event *ev);

/* Takes request out of the table (NULL: a freed one, holding nothing): its entry
 * (cluster_waiting_done()) or NULL. */
struct waiting *cluster_waiting_take(struct cluster_waiting *t, uint64_t request);

/* The nearest deadline (monotonic ms), INT64_MAX for none; and taking out the oldest
 * request whose deadline is at or before now, NULL if there is none. */
int64_t cluster_waiting_deadline(const struct cluster_waiting *t);
struct waiting *cluster_waiting_take_expired(struct cluster_waiting *t, int64_t now);

/* Frees w (answered by its entry's apply); NULL is fine. */
void cluster_waiting_done(struct waiting *w);

/* Refuses the request of w (taken out of t) as unavailable, logging why, drops what it
 * left and frees w. A kept file is removed if its entry surely is not in the stream
 * (maybe_added false); otherwise it stays, remembered in t until its entry is read or
 * can no longer apply (cluster_waiting_read()). */
void cluster_waiting_refuse(struct server *srv, struct cluster_waiting *t, struct waiting *w,
                            const char *why, bool maybe_added);

/* An entry was read whose id has the time id_ms, own_request its request number if it
 * is this node's (else 0). A file kept for a refused append stays once its entry is read
 * in time (applied, or skipped for naming another row's file), and is removed once an
 * entry is read more than CLUSTER_FILE_LATE_MS after the file's event time without its
 * own (it can no longer apply: a late one is skipped on every node, event_file_check()).
 * Files still remembered when the node stops stay (docs/CLUSTER.md section 8). */
void cluster_waiting_read(struct server *srv, struct cluster_waiting *t, uint64_t own_request,
                          uint64_t id_ms);

/* Answers the request of ticket t with CLUSTER_UNAVAILABLE and logs why. */
void cluster_refuse_unavailable(struct server *srv, const struct deliver_ticket *t,
                                const char *why);

/* Drops what the request of ticket t left for ev, whose entry was never appended
 * (refused or not encodable; its answer is sent): a registration's hold on its
 * connection, its token or invite code, its kept file. */
void cluster_forget_unappended(struct server *srv, const struct event *ev,
                               const struct deliver_ticket *t);

#endif
