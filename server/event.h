/* Events: one per kind of change that other nodes must see (docs/CLUSTER.md section 3).
 * A request handler checks the request against memory, builds the event and logs it
 * with event_log_*(); the event's apply function stores it (joining the pass
 * transaction), updates memory and delivers its frames through deliver.h, so an
 * acknowledgement still waits for the commit.
 *
 * On a single node the log is the pass commit: event_log_*() applies at once. With
 * --cluster the log becomes an append to the Redis stream and the same apply function
 * runs when the entry is read back (not built yet: --cluster is refused at start). So
 * the apply functions must decide everything from the event and the store alone, never
 * from the requester's connection, which another node does not have. */
#ifndef CHAT_SERVER_EVENT_H
#define CHAT_SERVER_EVENT_H

#include <stdint.h>

#include "common/protocol.h"

struct deliver_ticket;
struct server;

/* A text posted to a room (TEXT_SEND, DIRECT_SEND, REPLY_SEND). Strings are borrowed. */
struct event_text {
    uint32_t room_id;
    int64_t time_ms;
    int64_t sender_account;    /* 0 for a guest */
    const char *sender_name;
    uint32_t sender_conn;      /* the sender's connection id (TEXT's sender_id) */
    uint64_t client_id;        /* the sender's own id for it */
    uint64_t reply_to;         /* 0, or the message of the room it answers */
    struct proto_str text;     /* has passed text_check */
};

/* Logs ev for the request of ticket (the TEXT, or its refusal, answers it). */
void event_log_text(struct server *srv, const struct event_text *ev,
                    const struct deliver_ticket *ticket);

/* Applies ev: a resend of a stored text (same sender account, client id, room and
 * text) is answered with the original to the requester only; otherwise the text is
 * stored (a reply as one) and its TEXT, after REPLY_TO for a reply, delivered to the
 * room's online members after the commit. ticket is the request it answers, NULL when
 * the requester is not on this node. */
void event_apply_text(struct server *srv, const struct event_text *ev,
                      const struct deliver_ticket *ticket);

#endif
