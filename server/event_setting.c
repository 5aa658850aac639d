/* The settings events (event.h): an account's receipts opt-out and its notification
 * level of a room. Both are the account's own, kept in the store; every node applies
 * them, so a login on any node finds them, and the account's connection on each node
 * follows them as soon as that node applies the event. */
#include "server/event_apply.h"

#include "server/client.h"
#include "server/deliver.h"
#include "server/live.h"
#include "server/rooms.h"
#include "server/store/store_live.h"
#include "server/store/store_notify.h"

/* Logs the store's failure and answers the requester of ticket with STORAGE. */
static void storage_failed(struct server *srv, const struct event_setting *ev,
                           const struct deliver_ticket *ticket, const char *what)
{
    event_note(deliver_ticket_client(srv, ticket), 0, ev->account_name, LOG_ERROR,
               "cannot store %s: %s", what, store_error(srv->store));
    event_refuse(srv, ticket, PROTO_E_STORAGE,
                 "The server could not store the setting; try again.");
}

/* DONE to the requester of ticket, if it is here, after the commit. */
static void answer_done(struct server *srv, const struct deliver_ticket *ticket)
{
    struct client *requester = deliver_ticket_client(srv, ticket);
    if (requester != NULL)
        live_done(requester, ticket->ref_type, ticket->ref_id);
}

void event_apply_receipts_set(struct server *srv, const struct event_setting *ev,
                              const struct deliver_ticket *ticket)
{
    bool off = ev->value == 0;
    if (store_live_set_receipts_off(srv->store, ev->account, off) != STORE_OK) {
        storage_failed(srv, ev, ticket, "the receipts setting");
        return;
    }
    struct client *c = event_account_client(srv, ticket, ev->account, ev->account_name);
    if (c != NULL)
        c->receipts_off = off;
    answer_done(srv, ticket);
}

void event_apply_notify_level(struct server *srv, const struct event_setting *ev,
                              const struct deliver_ticket *ticket)
{
    const struct room *r = rooms_get(srv, ev->room_id);
    if (r == NULL || (r != srv->rooms->lobby && room_member(r, ev->account) == NULL)) {
        if (r != NULL && r->kind == PROTO_ROOM_PUBLIC)
            event_refuse(srv, ticket, PROTO_E_NOT_IN_ROOM,
                         "You are not in room %u; join it first.", (unsigned)ev->room_id);
        else /* private and direct rooms do not exist for those outside them */
            event_refuse(srv, ticket, PROTO_E_ROOM_UNKNOWN, "Room %u does not exist.",
                         (unsigned)ev->room_id);
        return;
    }
    if (store_notify_set(srv->store, ev->account, r->id, ev->value) != STORE_OK) {
        storage_failed(srv, ev, ticket, "a notification level");
        return;
    }
    struct client *c = event_account_client(srv, ticket, ev->account, ev->account_name);
    struct proto_msg m = { .type = PROTO_NOTIFY_LEVEL,
                           .u.notify_level = { r->id, ev->value } };
    struct frame *f = c != NULL ? frame_encode(&m) : NULL;
    if (f != NULL) {
        client_send(c, f);
        deliver_pending_ticket(srv, ticket, f);
        frame_unref(f);
    }
    answer_done(srv, ticket);
}
