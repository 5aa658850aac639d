/* The direct message event (event.h): the first DIRECT_SEND between two accounts makes
 * their direct room when it is applied, in the same step as its text, so the room and
 * the text come from one entry of the log. Two first messages between the same accounts
 * taken at once (on one node or two) apply in log order: the first makes the room, the
 * second finds it; every node therefore ends with one room holding both texts. */
#include "server/event_apply.h"

#include <stdio.h>

#include "server/client.h"
#include "server/deliver.h"
#include "server/rooms.h"
#include "server/store/store_accounts.h"
#include "server/store/store_rooms.h"

/* The direct room of ev's accounts: the one in memory, or else made now. NULL if the
 * store refused (the requester is told STORAGE). */
static struct room *direct_room(struct server *srv, const struct event_direct *ev,
                                const struct deliver_ticket *ticket)
{
    const struct event_text *t = &ev->text;
    struct room *r = rooms_direct(srv, t->sender_account, ev->peer_account);
    if (r != NULL)
        return r;
    char dm_key[48];
    snprintf(dm_key, sizeof dm_key, "%lld:%lld",
             (long long)MIN(t->sender_account, ev->peer_account),
             (long long)MAX(t->sender_account, ev->peer_account));
    struct store_room row = { .kind = PROTO_ROOM_DIRECT, .dm_key = dm_key, .topic = "",
                              .created_by = t->sender_account };
    uint32_t id;
    struct store *st = srv->store;
    if (store_room_add(st, &row, t->time_ms, &id) != STORE_OK ||
        store_room_member_add(st, id, t->sender_account, t->time_ms) != STORE_OK ||
        store_room_member_add(st, id, ev->peer_account, t->time_ms) != STORE_OK) {
        event_note(deliver_ticket_client(srv, ticket), t->sender_conn, t->sender_name,
                   LOG_ERROR, "cannot store a direct room: %s", store_error(st));
        event_refuse(srv, ticket, PROTO_E_STORAGE,
                     "The server could not store the message; nothing was sent.");
        return NULL;
    }
    struct client *creator = event_account_client(srv, ticket, t->sender_account,
                                                  t->sender_name);
    struct client *peer = event_account_client(srv, ticket, ev->peer_account, ev->peer_name);
    r = rooms_add(srv, id, PROTO_ROOM_DIRECT, NULL, NULL, dm_key, "");
    room_member_add(srv, r, t->sender_account, t->sender_name, creator);
    room_member_add(srv, r, ev->peer_account, ev->peer_name, peer);
    event_note(deliver_ticket_client(srv, ticket), t->sender_conn, t->sender_name, LOG_INFO,
               "direct room created id=%u", (unsigned)id);
    if (creator != NULL)
        room_send_state(creator, r, event_pending_ticket(ticket));
    if (peer != NULL)
        room_send_state(peer, r, event_pending_ticket(ticket));
    return r;
}

/* True when the peer's account is still there and takes the sender's direct messages;
 * otherwise the requester is refused. */
static bool peer_takes(struct server *srv, const struct event_direct *ev,
                       const struct deliver_ticket *ticket)
{
    struct store_account a = { 0 };
    int found = store_account_get(srv->store, ev->peer_account, &a);
    bool deleted = found == 1 && a.deleted;
    store_account_clear(&a);
    int blocked = found == 1 ? store_blocked(srv->store, ev->peer_account,
                                             ev->text.sender_account) : 0;
    if (found < 0 || blocked < 0) {
        event_note(deliver_ticket_client(srv, ticket), ev->text.sender_conn,
                   ev->text.sender_name, LOG_ERROR, "cannot read a direct message's peer: %s",
                   store_error(srv->store));
        event_refuse(srv, ticket, PROTO_E_STORAGE,
                     "The server could not read the account; nothing was sent.");
    } else if (found == 0 || deleted) {
        event_refuse(srv, ticket, PROTO_E_ACCOUNT_UNKNOWN, "There is no account by that name.");
    } else if (blocked == 1) {
        event_refuse(srv, ticket, PROTO_E_DIRECT_REFUSED,
                     "This user takes no direct messages from you.");
    }
    return found == 1 && !deleted && blocked == 0;
}

void event_apply_direct(struct server *srv, const struct event_direct *ev,
                        const struct deliver_ticket *ticket)
{
    if (!peer_takes(srv, ev, ticket))
        return;
    const struct room *r = direct_room(srv, ev, ticket);
    if (r == NULL)
        return;
    struct event_text text = ev->text;
    text.room_id = r->id;
    event_apply_text(srv, &text, ticket);
}
