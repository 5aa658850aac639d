/* --retention-days: messages older than that, and the files they announced, are
 * deleted off the hot path -- a batch of SERVER_PRUNE_BATCH per loop pass while there
 * is a backlog, then once every SERVER_PRUNE_INTERVAL_MS. */
#ifndef CHAT_SERVER_RETENTION_H
#define CHAT_SERVER_RETENTION_H

#include <stdint.h>

struct server;

#define RETENTION_MS_PER_DAY (24ll * 3600 * 1000)

/* Schedules the first prune (now) if retention is on. */
void retention_init(struct server *srv, int64_t now);

/* Prunes one batch if it is time; part of the pass's transaction. */
void retention_expire(struct server *srv, int64_t now);

/* When retention_expire() next has work (monotonic ms), INT64_MAX for never. */
int64_t retention_next_deadline(const struct server *srv);

#endif
