/* HISTORY and RESUME (docs/PROTOCOL.md 5.41): a room's stored frames, read from the
 * store on the loop (an index range of at most SERVER_HISTORY_MAX_LIMIT or
 * SERVER_RESUME_MAX_PER_ROOM rows), sent to the requester only. */
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

#endif
