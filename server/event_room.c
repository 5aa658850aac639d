/* The room events: rooms made, members joining, leaving and invited, topics (event.h).
 * Every conflict (a name taken meanwhile, a room full, a member gone) is decided here,
 * against the store and the rooms in memory, which every node keeps alike by applying
 * the same events in the same order; the handlers (room_requests.c, direct.c) check only
 * the request itself. Room ids are assigned here, by the store. Direct rooms:
 * event_direct.c. */
#include "server/event_apply.h"

#include <inttypes.h>

#include "common/validate.h"
#include "server/client.h"
#include "server/deliver.h"
#include "server/limits.h"
#include "server/live.h"
#include "server/room_presence.h"
#include "server/rooms.h"
#include "server/store/store_rooms.h"

/* DONE to the requester of ticket, if it is here, after the commit. */
static void answer_done(struct server *srv, const struct deliver_ticket *ticket)
{
    struct client *requester = deliver_ticket_client(srv, ticket);
    if (requester != NULL)
        live_done(requester, ticket->ref_type, ticket->ref_id);
}

static void storage_failed(struct server *srv, const struct deliver_ticket *ticket,
                           const char *name, const char *what, const char *answer)
{
    event_note(deliver_ticket_client(srv, ticket), 0, name, LOG_ERROR, "cannot store %s: %s",
               what, store_error(srv->store));
    event_refuse(srv, ticket, PROTO_E_STORAGE, "%s", answer);
}

static const char *const nothing_changed =
    "The server could not store this; nothing changed. Try again.";

/* False (after refusing ROOM_CREATE_LIMIT, whose ref_id is the seconds to wait) when
 * the creator made its hourly allowance of rooms before ev's time. */
static bool below_create_limit(struct server *srv, const struct event_room_create *ev,
                               const struct deliver_ticket *ticket)
{
    unsigned count = 0;
    int64_t oldest = 0;
    if (store_rooms_created_since(srv->store, ev->creator_account,
                                  ev->time_ms - SERVER_ROOM_CREATE_WINDOW_MS, &count,
                                  &oldest) != STORE_OK) {
        storage_failed(srv, ticket, ev->creator_name, "a ROOM_CREATE", nothing_changed);
        return false;
    }
    if (count < SERVER_ROOMS_CREATED_PER_HOUR)
        return true;
    int64_t wait_s = MAX((oldest + SERVER_ROOM_CREATE_WINDOW_MS - ev->time_ms + 999) / 1000, 1);
    struct client *requester = deliver_ticket_client(srv, ticket);
    if (requester != NULL)
        client_send_error(requester, PROTO_E_ROOM_CREATE_LIMIT, PROTO_ROOM_CREATE,
                          (uint64_t)wait_s, "You created %u rooms in the last hour; wait "
                          "%lld s to create another.", SERVER_ROOMS_CREATED_PER_HOUR,
                          (long long)wait_s);
    return false;
}

/* False (after refusing TOO_MANY_ROOMS) when account is in the most rooms. */
static bool below_room_limit(struct server *srv, int64_t account,
                             const struct deliver_ticket *ticket)
{
    if (rooms_joined_count(srv, account) < SERVER_ROOMS_PER_ACCOUNT)
        return true;
    event_refuse(srv, ticket, PROTO_E_TOO_MANY_ROOMS,
                 "You are in %u rooms, the most allowed; leave one first.",
                 SERVER_ROOMS_PER_ACCOUNT);
    return false;
}

void event_apply_room_create(struct server *srv, const struct event_room_create *ev,
                             const struct deliver_ticket *ticket)
{
    char *key = name_fold_key(ev->name.ptr, ev->name.len);
    if (rooms_by_key(srv, key) != NULL) {
        event_refuse(srv, ticket, PROTO_E_ROOM_NAME_TAKEN,
                     "A room has that name (or one that looks like it); choose another.");
        g_free(key);
        return;
    }
    char *name = g_strndup(ev->name.ptr, ev->name.len);
    char *topic = g_strndup(ev->topic.ptr, ev->topic.len);
    struct store_room row = { .kind = ev->kind, .name = name, .name_key = key,
                              .topic = topic, .created_by = ev->creator_account };
    uint32_t id;
    if (!below_room_limit(srv, ev->creator_account, ticket) ||
        !below_create_limit(srv, ev, ticket)) {
        /* refused */
    } else if (store_room_add(srv->store, &row, ev->time_ms, &id) != STORE_OK ||
               store_room_member_add(srv->store, id, ev->creator_account,
                                     ev->time_ms) != STORE_OK) {
        storage_failed(srv, ticket, ev->creator_name, "a ROOM_CREATE", nothing_changed);
    } else {
        struct room *r = rooms_add(srv, id, ev->kind, name, key, NULL, topic);
        struct client *creator = event_account_client(srv, ticket, ev->creator_account,
                                                      ev->creator_name);
        room_member_add(srv, r, ev->creator_account, ev->creator_name, creator);
        event_note(deliver_ticket_client(srv, ticket), 0, ev->creator_name, LOG_INFO,
                   "room created id=%u kind=%u", (unsigned)id, (unsigned)ev->kind);
        if (creator != NULL)
            room_send_state(creator, r, event_pending_ticket(ticket));
        answer_done(srv, ticket);
    }
    g_free(topic);
    g_free(name);
    g_free(key);
}

/* ev's account joins r (it may be in it already: then it gets the room's state again),
 * with DONE to the requester. */
static void join(struct server *srv, struct room *r, const struct event_room_member *ev,
                 const struct deliver_ticket *ticket)
{
    struct client *joiner = event_account_client(srv, ticket, ev->account, ev->account_name);
    if (room_member(r, ev->account) == NULL) {
        if (r->members->len >= SERVER_MEMBERS_PER_ROOM) {
            event_refuse(srv, ticket, PROTO_E_ROOM_FULL,
                         "The room has %u members, the most allowed.", SERVER_MEMBERS_PER_ROOM);
            return;
        }
        if (!below_room_limit(srv, ev->account, ticket))
            return;
        if (store_room_member_add(srv->store, r->id, ev->account, ev->time_ms) != STORE_OK) {
            storage_failed(srv, ticket, ev->account_name, "a ROOM_JOIN", nothing_changed);
            return;
        }
        room_member_add(srv, r, ev->account, ev->account_name, joiner);
        event_note(deliver_ticket_client(srv, ticket), 0, ev->account_name, LOG_INFO,
                   "room joined id=%u", (unsigned)r->id);
        room_tell_member(srv, r, ev->account, ev->account_name, PROTO_MEMBER_JOINED,
                         event_pending_ticket(ticket));
    }
    if (joiner != NULL)
        room_send_state(joiner, r, event_pending_ticket(ticket));
    answer_done(srv, ticket);
}

static void leave(struct server *srv, struct room *r, const struct event_room_member *ev,
                  const struct deliver_ticket *ticket)
{
    if (store_room_member_remove(srv->store, r->id, ev->account) != STORE_OK) {
        storage_failed(srv, ticket, ev->account_name, "a ROOM_LEAVE", nothing_changed);
        return;
    }
    room_tell_member(srv, r, ev->account, ev->account_name, PROTO_MEMBER_LEFT,
                     event_pending_ticket(ticket));
    room_member_remove(srv, r, ev->account);
    event_note(deliver_ticket_client(srv, ticket), 0, ev->account_name, LOG_INFO,
               "room left id=%u", (unsigned)r->id);
    answer_done(srv, ticket);
}

static void invite(struct server *srv, struct room *r, const struct event_room_member *ev,
                   const struct deliver_ticket *ticket)
{
    if (room_member(r, ev->account) == NULL) {
        if (store_room_invite_add(srv->store, r->id, ev->account, ev->actor_account,
                                  ev->time_ms) != STORE_OK) {
            storage_failed(srv, ticket, ev->actor_name, "a ROOM_INVITE", nothing_changed);
            return;
        }
        struct client *invitee = event_account_client(srv, ticket, ev->account, ev->account_name);
        if (invitee != NULL) {
            struct proto_msg note = {
                .type = PROTO_ROOM_INVITED,
                .u.room_invited = { r->id, proto_str_of(ev->actor_name), proto_str_of(r->name),
                                    proto_str_of(r->topic) },
            };
            struct frame *f = frame_encode(&note);
            if (f != NULL) {
                client_send(invitee, f);
                deliver_pending_ticket(srv, ticket, f); /* the inviter hears if it
                                                           fails */
                frame_unref(f);
            }
        }
        event_note(deliver_ticket_client(srv, ticket), 0, ev->actor_name, LOG_INFO,
                   "room invite id=%u account=%" PRId64, (unsigned)r->id, ev->account);
    }
    answer_done(srv, ticket);
}

void event_apply_room_member(struct server *srv, const struct event_room_member *ev,
                             const struct deliver_ticket *ticket)
{
    struct room *r = rooms_get(srv, ev->room_id);
    bool member = r != NULL && room_member(r, ev->account) != NULL;
    bool unknown = r == NULL || r == srv->rooms->lobby || r->kind == PROTO_ROOM_DIRECT;
    switch (ev->action) {
    case EVENT_MEMBER_JOIN:
        if (!unknown && r->kind == PROTO_ROOM_PRIVATE && !member &&
            store_room_invited(srv->store, r->id, ev->account) != 1)
            unknown = true; /* a private room it may not join does not exist for it */
        if (unknown)
            event_refuse(srv, ticket, PROTO_E_ROOM_UNKNOWN,
                         "There is no room by that name that you may join.");
        else
            join(srv, r, ev, ticket);
        return;
    case EVENT_MEMBER_LEAVE:
        if (unknown || !member)
            event_refuse(srv, ticket, PROTO_E_NOT_IN_ROOM,
                         "You are not in room %u.", (unsigned)ev->room_id);
        else
            leave(srv, r, ev, ticket);
        return;
    case EVENT_MEMBER_INVITE:
        if (unknown || r->kind != PROTO_ROOM_PRIVATE)
            event_refuse(srv, ticket, PROTO_E_ROOM_UNKNOWN, "Room %u does not exist.",
                         (unsigned)ev->room_id);
        else if (room_member(r, ev->actor_account) == NULL)
            event_refuse(srv, ticket, PROTO_E_NOT_IN_ROOM,
                         "You are not in room %u.", (unsigned)ev->room_id);
        else
            invite(srv, r, ev, ticket);
        return;
    }
}

void event_apply_room_topic(struct server *srv, const struct event_room_topic *ev,
                            const struct deliver_ticket *ticket)
{
    struct room *r = rooms_get(srv, ev->room_id);
    if (r == NULL || r->kind == PROTO_ROOM_DIRECT) {
        event_refuse(srv, ticket, PROTO_E_ROOM_UNKNOWN, "Room %u does not exist.",
                     (unsigned)ev->room_id);
        return;
    }
    if (r != srv->rooms->lobby && room_member(r, ev->actor_account) == NULL) {
        event_refuse(srv, ticket, PROTO_E_NOT_IN_ROOM, "You are not in room %u.",
                     (unsigned)ev->room_id);
        return;
    }
    char *topic = g_strndup(ev->topic.ptr, ev->topic.len);
    if (store_room_set_topic(srv->store, r->id, topic) != STORE_OK) {
        storage_failed(srv, ticket, ev->actor_name, "a ROOM_TOPIC_SET", nothing_changed);
        g_free(topic);
        return;
    }
    g_free(r->topic);
    r->topic = topic;
    srv->rooms->changed = true;
    struct proto_msg notice = {
        .type = PROTO_ROOM_TOPIC,
        .u.room_topic = { r->id, (uint64_t)ev->time_ms, proto_str_of(ev->actor_name),
                          proto_str_of(topic) },
    };
    if (event_deliver(srv, ticket, r, &notice))
        answer_done(srv, ticket);
}
