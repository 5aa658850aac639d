/* SEARCH (docs/PROTOCOL.md 5.64): full-text search of the stored texts of the rooms the
 * account is in, run on the loop against the store's index within a time budget
 * (SERVER_SEARCH_BUDGET_MS) and answered to the requester only. */
#ifndef CHAT_SERVER_SEARCH_H
#define CHAT_SERVER_SEARCH_H

#include "common/protocol.h"

struct client;

/* SEARCH: SEARCH_RESULT frames best first, then DONE; ERROR(SEARCH_INVALID) for an
 * empty, over-long or wordless query or a limit of 0, the room errors of
 * rooms_for_request() for one room c may not read, ERROR(SEARCH_BUSY) once c's searches
 * have used their share of the loop's CPU time (SERVER_SEARCH_CPU_MS_PER_SEC). */
void search_on_request(struct client *c, const struct proto_msg *msg);

/* The answer to a SEARCH whose query is over PROTO_MAX_SEARCH_QUERY bytes (the decoder
 * refused it; request_id was read before the query). */
void search_refuse_long(struct client *c, uint64_t request_id);

#endif
