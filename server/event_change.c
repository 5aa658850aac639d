/* The events that change one message: edits, deletions and reactions (event.h). Each
 * is decided here, at apply time, against the store: in a cluster another node's entry
 * may have deleted the message since the handler looked. */
#include "server/event_apply.h"

#include <inttypes.h>

#include "server/client.h"
#include "server/deliver.h"
#include "server/live.h"
#include "server/rooms.h"
#include "server/store/store.h"
#include "server/store/store_live.h"

/* The room of ev's message if it can still be changed, with *t filled; otherwise
 * refuses the request of ticket and returns NULL. */
static const struct room *change_target(struct server *srv, const struct event_change *ev,
                                        const struct deliver_ticket *ticket,
                                        struct store_target *t)
{
    int found = store_live_find(srv->store, ev->message_id, t);
    if (found < 0) {
        event_note(deliver_ticket_client(srv, ticket), 0, ev->actor_name, LOG_ERROR,
                   "cannot read message %" PRIu64 ": %s", ev->message_id,
                   store_error(srv->store));
        event_refuse(srv, ticket, PROTO_E_STORAGE,
                     "The server could not store this; nothing was changed.");
        return NULL;
    }
    const struct room *r = found == 1 ? rooms_get(srv, t->room_id) : NULL;
    if (r == NULL || (t->kind != STORE_KIND_TEXT && t->kind != STORE_KIND_FILE)) {
        event_refuse(srv, ticket, PROTO_E_MESSAGE_UNKNOWN,
                     "There is no message %" PRIu64 " in your rooms.", ev->message_id);
        return NULL;
    }
    if (t->deleted) {
        event_refuse(srv, ticket, PROTO_E_MESSAGE_DELETED,
                     "Message %" PRIu64 " was deleted.", ev->message_id);
        return NULL;
    }
    return r;
}

static struct store_event stored_change(const struct event_change *ev,
                                        const struct store_target *t)
{
    return (struct store_event){
        .target_id = t->id, .room_id = t->room_id, .time_ms = ev->time_ms,
        .actor_id = ev->actor_account, .actor_name = ev->actor_name,
    };
}

static void change_storage_error(struct server *srv, const struct event_change *ev,
                                 const struct deliver_ticket *ticket, const char *what)
{
    event_note(deliver_ticket_client(srv, ticket), 0, ev->actor_name, LOG_ERROR,
               "cannot store %s: %s", what, store_error(srv->store));
    event_refuse(srv, ticket, PROTO_E_STORAGE,
                 "The server could not store this; nothing was changed.");
}

/* Delivers msg to r, then DONE to the requester, both after the commit. */
static void change_deliver(struct server *srv, const struct deliver_ticket *ticket,
                           const struct room *r, const struct proto_msg *msg)
{
    if (!event_deliver(srv, ticket, r, msg))
        return;
    struct client *requester = deliver_ticket_client(srv, ticket);
    if (requester != NULL)
        live_done(requester, ticket->ref_type, ticket->ref_id);
}

void event_apply_edit(struct server *srv, const struct event_change *ev,
                      const struct deliver_ticket *ticket)
{
    struct store_target t;
    const struct room *r = change_target(srv, ev, ticket, &t);
    if (r == NULL)
        return;
    if (t.kind != STORE_KIND_TEXT || t.sender_id != ev->actor_account) {
        event_refuse(srv, ticket, PROTO_E_NOT_AUTHOR, "Only the author of a text can edit it.");
        return;
    }
    struct store_event se = stored_change(ev, &t);
    uint64_t event_id;
    if (store_live_edit(srv->store, &se, ev->text.ptr, ev->text.len, &event_id) != STORE_OK) {
        change_storage_error(srv, ev, ticket, "an EDIT");
        return;
    }
    struct proto_msg m = { .type = PROTO_MESSAGE_EDITED, .u.message_edited = {
        .event_id = event_id, .message_id = t.id, .time_ms = (uint64_t)ev->time_ms,
        .room_id = r->id, .actor = proto_str_of(ev->actor_name), .text = ev->text,
    } };
    change_deliver(srv, ticket, r, &m);
}

void event_apply_delete(struct server *srv, const struct event_change *ev,
                        const struct deliver_ticket *ticket)
{
    struct store_target t;
    const struct room *r = change_target(srv, ev, ticket, &t);
    if (r == NULL)
        return;
    if (t.sender_id != ev->actor_account && !ev->actor_moderates) {
        event_refuse(srv, ticket, PROTO_E_NOT_AUTHOR,
                     "Only its author or a moderator can delete a message.");
        return;
    }
    struct store_event se = stored_change(ev, &t);
    uint64_t event_id;
    if (store_live_delete(srv->store, &se, &event_id) != STORE_OK) {
        change_storage_error(srv, ev, ticket, "a DELETE");
        return;
    }
    struct proto_msg m = { .type = PROTO_MESSAGE_DELETED, .u.message_deleted = {
        .event_id = event_id, .message_id = t.id, .time_ms = (uint64_t)ev->time_ms,
        .room_id = r->id, .actor = proto_str_of(ev->actor_name),
    } };
    change_deliver(srv, ticket, r, &m);
    event_note(deliver_ticket_client(srv, ticket), 0, ev->actor_name, LOG_INFO,
               "deleted message %" PRIu64 " of room %u", t.id, (unsigned)r->id);
}

void event_apply_react(struct server *srv, const struct event_change *ev,
                       const struct deliver_ticket *ticket)
{
    struct store_target t;
    const struct room *r = change_target(srv, ev, ticket, &t);
    if (r == NULL)
        return;
    struct store_event se = stored_change(ev, &t);
    bool added;
    uint64_t event_id;
    int st = store_live_react(srv->store, &se, ev->text.ptr, ev->text.len, &added, &event_id);
    if (st < 0) {
        change_storage_error(srv, ev, ticket, "a REACT");
        return;
    }
    if (st == 1) {
        event_refuse(srv, ticket, PROTO_E_TOO_MANY_REACTIONS,
                     "Message %" PRIu64 " has %u different reactions already.", t.id,
                     SERVER_REACTIONS_PER_MESSAGE);
        return;
    }
    struct proto_msg m = { .type = PROTO_REACTION, .u.reaction = {
        .event_id = event_id, .message_id = t.id, .room_id = r->id,
        .account_id = (uint32_t)ev->actor_account, .added = added,
        .name = proto_str_of(ev->actor_name), .emoji = ev->text,
    } };
    change_deliver(srv, ticket, r, &m);
}
