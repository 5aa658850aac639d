/* The text event (event.h): a text posted to a room. */
#include "server/event_apply.h"

#include <inttypes.h>

#include "server/client.h"
#include "server/cluster.h"
#include "server/deliver.h"
#include "server/log.h"
#include "server/rooms.h"
#include "server/store/store.h"
#include "server/store/store_history.h"
#include "server/store/store_live.h"
#include "server/store/store_rooms.h"

/* The REPLY_TO that goes before a reply's TEXT. */
static struct proto_msg reply_note(uint32_t room_id, uint64_t message_id, uint64_t reply_to)
{
    return (struct proto_msg){ .type = PROTO_REPLY_TO, .u.reply_to = {
        room_id, message_id, reply_to } };
}

/* The TEXT of ev as message_id, sent at time_ms. */
static struct proto_msg text_of(const struct event_text *ev, uint64_t message_id,
                                int64_t time_ms)
{
    return (struct proto_msg){
        .type = PROTO_TEXT,
        .u.text = {
            .message_id = message_id, .time_ms = (uint64_t)time_ms, .room_id = ev->room_id,
            .sender_id = ev->sender_conn, .client_id = ev->client_id,
            .sender = proto_str_of(ev->sender_name), .text = ev->text,
        },
    };
}

/* Answers a resent text (same account, client_id, room and text as a stored one) with
 * the original's TEXT, to its requester only: it is not stored or delivered again. */
static void ack_resend(struct client *c, const struct event_text *ev, uint64_t message_id,
                       int64_t first_time_ms)
{
    if (ev->reply_to != 0) {
        struct proto_msg note = reply_note(ev->room_id, message_id, ev->reply_to);
        client_send_msg(c, &note);
    }
    struct proto_msg msg = text_of(ev, message_id, first_time_ms);
    client_send_msg(c, &msg);
    client_log(c, LOG_INFO, "resent text client_id=%" PRIu64 " is message_id=%" PRIu64
               ": acknowledged again, not stored", ev->client_id, message_id);
}

/* True when, on a cluster node, r is a direct room whose other member blocks ev's
 * sender by the time ev applies: a block taken on another node may have raced the text
 * (its taker checked only what it knew). A single node applies at once, right after
 * its handler checked the same store, so it does not look again. */
static bool blocked_at_apply(struct server *srv, const struct room *r,
                             const struct event_text *ev)
{
    if (!cluster_on(srv) || r->kind != PROTO_ROOM_DIRECT || ev->sender_account <= 0)
        return false;
    const struct room_member *peer = room_direct_peer(r, ev->sender_account);
    return peer != NULL && store_blocked(srv->store, peer->account_id, ev->sender_account) == 1;
}

void event_apply_text(struct server *srv, const struct event_text *ev,
                      const struct deliver_ticket *ticket)
{
    struct client *requester = deliver_ticket_client(srv, ticket);
    const struct room *r = rooms_get(srv, ev->room_id);
    if (r == NULL) {
        event_note(requester, ev->sender_conn, ev->sender_name, LOG_ERROR,
                   "text for room %u, which does not exist: not stored",
                   (unsigned)ev->room_id);
        return;
    }
    struct store_message stored = {
        .room_id = ev->room_id, .time_ms = ev->time_ms, .sender_id = ev->sender_account,
        .sender_name = ev->sender_name, .client_id = ev->client_id,
        .body = ev->text.ptr, .body_len = ev->text.len,
    };
    uint64_t message_id;
    int64_t first_time_ms;
    int resent = store_find_sent(srv->store, &stored, &message_id, &first_time_ms);
    if (resent == 1) { /* a resend after a lost acknowledgement: the original's answer */
        if (requester != NULL)
            ack_resend(requester, ev, message_id, first_time_ms);
        return;
    }
    if (resent == 0 && blocked_at_apply(srv, r, ev)) {
        event_note(requester, ev->sender_conn, ev->sender_name, LOG_INFO,
                   "direct text refused at apply: the peer blocks the sender");
        event_refuse(srv, ticket, PROTO_E_DIRECT_REFUSED,
                     "This user takes no direct messages from you.");
        return;
    }
    if (resent < 0 || store_add_text(srv->store, &stored, &message_id) != STORE_OK ||
        (ev->reply_to != 0 &&
         store_live_set_reply(srv->store, message_id, ev->reply_to) != STORE_OK)) {
        event_note(requester, ev->sender_conn, ev->sender_name, LOG_ERROR,
                   "cannot store a text: %s", store_error(srv->store));
        event_refuse(srv, ticket, PROTO_E_STORAGE,
                     "The server could not store the message; nothing was sent.");
        return;
    }
    struct proto_msg note = reply_note(ev->room_id, message_id, ev->reply_to);
    struct proto_msg msg = text_of(ev, message_id, ev->time_ms);
    if (ev->reply_to != 0)
        event_deliver(srv, ticket, r, &note); /* the text goes even if its note cannot */
    if (!event_deliver(srv, ticket, r, &msg))
        return;
    event_note(requester, ev->sender_conn, ev->sender_name, LOG_DEBUG,
               "text room=%u message_id=%" PRIu64 " bytes=%u", (unsigned)ev->room_id,
               message_id, (unsigned)ev->text.len);
}
