/* --retention-days: messages older than that, and the files they announced, are
 * deleted off the hot path -- a batch of SERVER_PRUNE_BATCH per loop pass while there
 * is a backlog, then once every SERVER_PRUNE_INTERVAL_MS.
 *
 * The timer logs an EVENT_PRUNE (event_apply_prune()): one node applies it at once; in a
 * cluster every node applies it in stream order, and nothing is pruned while the stream
 * is away.
 * The node whose entry applied asks again (at once after a full batch); the others wait
 * SERVER_PRUNE_STANDBY_MS after any PRUNE applied, so normally one node asks, and
 * another takes over when it is gone. Two asking at once only cost an empty batch. */
#ifndef CHAT_SERVER_RETENTION_H
#define CHAT_SERVER_RETENTION_H

#include <stdbool.h>
#include <stdint.h>

struct server;

#define RETENTION_MS_PER_DAY (24ll * 3600 * 1000)

/* Schedules the first prune (now) if retention is on. */
void retention_init(struct server *srv, int64_t now);

/* Prunes one batch if it is time; part of the pass's transaction. */
void retention_expire(struct server *srv, int64_t now);

/* A PRUNE entry was applied (event_apply_prune()): full if it deleted its max_rows,
 * mine if this node appended it. Sets when this node next asks. */
void retention_applied(struct server *srv, bool full, bool mine);

/* When retention_expire() next has work (monotonic ms), INT64_MAX for never. */
int64_t retention_next_deadline(const struct server *srv);

#endif
