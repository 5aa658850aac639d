/* The read marker event (event.h): an account's marker in a room moves forward. It is
 * checked here, at apply time: on another node the account may have left the room, or
 * the message been pruned, since the handler looked. */
#include "server/event_apply.h"

#include <inttypes.h>

#include "server/client.h"
#include "server/deliver.h"
#include "server/live.h"
#include "server/rooms.h"
#include "server/store/store_live.h"

/* READ_MARKER (where the account's marker in room_id is now) to the requester of
 * ticket, if it is here, after the commit. */
static void answer_marker(struct server *srv, const struct deliver_ticket *ticket,
                          uint32_t room_id, uint64_t current)
{
    struct client *requester = deliver_ticket_client(srv, ticket);
    struct proto_msg m = { .type = PROTO_READ_MARKER, .u.read_marker = { room_id, current } };
    struct frame *f = requester != NULL ? frame_encode(&m) : NULL;
    if (f == NULL)
        return;
    struct deliver_request req = { requester, ticket->ref_type, ticket->ref_id };
    deliver_after_commit(&req, f, DELIVER_REQUESTER, NULL, NULL);
    frame_unref(f);
}

void event_apply_read_mark(struct server *srv, const struct event_read_mark *ev,
                           const struct deliver_ticket *ticket)
{
    const struct room *r = rooms_get(srv, ev->room_id);
    if (r == NULL || (r != srv->rooms->lobby && room_member(r, ev->account) == NULL)) {
        event_refuse(srv, ticket, PROTO_E_NOT_IN_ROOM, "You are not in room %u.",
                     (unsigned)ev->room_id);
        return;
    }
    struct store *st = srv->store;
    struct store_target t;
    int found = store_live_find(st, ev->message_id, &t);
    if (found == 1 && t.room_id != r->id)
        found = 0;
    if (found == 0) {
        event_refuse(srv, ticket, PROTO_E_MESSAGE_UNKNOWN, "Room %u has no message %" PRIu64 ".",
                     (unsigned)r->id, ev->message_id);
        return;
    }
    uint64_t current = 0;
    int moved = found < 0 ? STORE_ERROR
                          : store_live_mark(st, ev->account, r->id, ev->message_id, &current);
    if (moved < 0) {
        event_note(deliver_ticket_client(srv, ticket), 0, ev->account_name, LOG_ERROR,
                   "cannot store a read marker: %s", store_error(st));
        event_refuse(srv, ticket, PROTO_E_STORAGE,
                     "The server could not store your read marker; try again.");
        return;
    }
    answer_marker(srv, ticket, r->id, current);
    if (moved == 1 && !ev->receipts_off)
        live_tell_receipt(srv, r, ev->account, ev->account_name, current, ticket);
}
