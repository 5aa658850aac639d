/* HISTORY and RESUME (docs/PROTOCOL.md 5.41): a room's stored frames, read from the
 * store on the loop (an index range of at most SERVER_HISTORY_MAX_LIMIT or
 * SERVER_RESUME_MAX_PER_ROOM rows, and about SERVER_HISTORY_PAGE_BYTES), sent to the
 * requester only, one request at a time while its output is below that budget: a
 * client resuming many rooms is served as fast as it reads, never queued unbounded. */
#ifndef CHAT_SERVER_HISTORY_H
#define CHAT_SERVER_HISTORY_H

#include "common/protocol.h"

struct client;

/* HISTORY: the page, then HISTORY_END; ERROR(HISTORY_INVALID) for a bad mode or limit,
 * the room errors of rooms_for_request() for a room c may not read. */
void history_on_request(struct client *c, const struct proto_msg *msg);

/* RESUME: the room's messages newer than last_id (the newest SERVER_RESUME_MAX_PER_ROOM,
 * after a RESUME_GAP if there are more), then HISTORY_END. */
void history_on_resume(struct client *c, const struct proto_msg *msg);

/* c begins to get a room's live frames now (its login, a join). The messages the open
 * pass stored before that reach c neither live nor, uncommitted, in a page: so a
 * HISTORY or RESUME of c waits for that pass's commit (history_must_wait). */
void history_live_started(struct client *c);

/* True when c's next frame, of type next_type, is a HISTORY or RESUME that must wait,
 * the caller then stopping to handle c's input (frames stay in order): until the pass
 * that stored messages c missed live has committed (history_live_started; c is put on
 * the backlog, served again in a later pass), or, pacing (SERVER_HISTORY_PAGE_BYTES),
 * while c's unsent output is at or above the budget (until history_on_drained() puts c
 * back on the backlog). */
bool history_must_wait(struct client *c, uint16_t next_type);

/* After c's queue was written to: lets a waiting HISTORY or RESUME go on once the
 * queue is below the budget. */
void history_on_drained(struct client *c);

#endif
