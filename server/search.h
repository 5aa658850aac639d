/* SEARCH (docs/PROTOCOL.md 5.64): full-text search of the stored (committed) texts of
 * the rooms the account is in, run on a thread of its own against the store's index
 * within a time budget (SERVER_SEARCH_BUDGET_MS) and answered to the requester only. A
 * connection has one search at a time: its next frames are read once it is answered. */
#ifndef CHAT_SERVER_SEARCH_H
#define CHAT_SERVER_SEARCH_H

#include "common/protocol.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct client;
struct server;

/* SEARCH: SEARCH_RESULT frames best first, then DONE (later, from the search thread);
 * ERROR(SEARCH_INVALID) for an
 * empty, over-long or wordless query or a limit of 0, the room errors of
 * rooms_for_request() for one room c may not read, ERROR(SEARCH_BUSY) once c's searches
 * have used their share of CPU time (SERVER_SEARCH_CPU_MS_PER_SEC). */
void search_on_request(struct client *c, const struct proto_msg *msg);

/* Whether c's next frame (of next_type) must wait: anything while its search runs; a
 * SEARCH behind other frames of c in this pass while the pass is not yet committed (the
 * search thread sees committed texts only, and c's own text sent just before must be
 * found). In the second case c goes on the backlog, which is read after the commit. */
bool search_must_wait(struct client *c, uint16_t next_type, bool frames_before);

/* Opens search's read-only store connection and starts its thread (none for an
 * in-memory store: searches then run on the loop). False with err filled. */
bool search_start(struct server *srv, char *err, size_t errlen);

/* Stops the search thread (dropping the searches in flight) and closes its connection. */
void search_stop(struct server *srv);

/* The answer to a SEARCH whose query is over PROTO_MAX_SEARCH_QUERY bytes (the decoder
 * refused it; request_id was read before the query). */
void search_refuse_long(struct client *c, uint64_t request_id);

#endif
