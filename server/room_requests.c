/* Create, join, leave, list, topic and invite (room_requests.h). */
#include "server/room_requests.h"

#include <inttypes.h>
#include <string.h>

#include "common/validate.h"
#include "server/client.h"
#include "server/clock.h"
#include "server/deliver.h"
#include "server/limits.h"
#include "server/room_presence.h"
#include "server/rooms.h"
#include "server/store/store_accounts.h"
#include "server/store/store_rooms.h"

/* False (after answering NOT_ALLOWED) for a guest: guests have the lobby only. */
static bool account_only(struct client *c, uint16_t type, uint64_t request_id)
{
    if (c->account_id > 0)
        return true;
    client_send_error(c, PROTO_E_NOT_ALLOWED, type, request_id,
                      "Guests have the lobby only; log in with an account for rooms.");
    return false;
}

/* Queues DONE(request_id, type) to c after the commit. */
static void send_done(struct client *c, uint16_t type, uint64_t request_id)
{
    struct proto_msg done = { .type = PROTO_DONE, .u.done = { request_id, type } };
    struct frame *f = frame_encode(&done);
    struct deliver_request req = { c, type, request_id };
    deliver_after_commit(&req, f, DELIVER_REQUESTER, NULL, NULL);
    frame_unref(f);
}

/* Answers STORAGE after a failed write and logs it. */
static void storage_failed(struct client *c, uint16_t type, uint64_t request_id)
{
    client_log(c, LOG_ERROR, "cannot store a %s: %s", proto_type_name(type),
               store_error(c->srv->store));
    client_send_error(c, PROTO_E_STORAGE, type, request_id,
                      "The server could not store this; nothing changed. Try again.");
}

/* A topic as a C string (g_free), or NULL after answering TEXT_INVALID. */
static char *topic_take(struct client *c, struct proto_str topic, uint16_t type,
                        uint64_t request_id)
{
    if (topic.len > 0 && !text_check(topic.ptr, topic.len, PROTO_MAX_TOPIC)) {
        client_send_error(c, PROTO_E_TEXT_INVALID, type, request_id,
                          "The topic is blank or contains control characters.");
        return NULL;
    }
    return g_strndup(topic.ptr, topic.len);
}

/* False (after answering TOO_MANY_ROOMS) when c's account is in the most rooms. */
static bool below_room_limit(struct client *c, uint16_t type, uint64_t request_id)
{
    if (rooms_joined_count(c->srv, c->account_id) < SERVER_ROOMS_PER_ACCOUNT)
        return true;
    client_send_error(c, PROTO_E_TOO_MANY_ROOMS, type, request_id,
                      "You are in %u rooms, the most allowed; leave one first.",
                      SERVER_ROOMS_PER_ACCOUNT);
    return false;
}

/* False (after answering ROOM_CREATE_LIMIT, ref_id = seconds) when c's account created
 * its hourly allowance of rooms already. */
static bool below_create_limit(struct client *c, uint64_t request_id, int64_t now)
{
    unsigned count = 0;
    int64_t oldest = 0;
    if (store_rooms_created_since(c->srv->store, c->account_id,
                                  now - SERVER_ROOM_CREATE_WINDOW_MS, &count, &oldest) != STORE_OK) {
        storage_failed(c, PROTO_ROOM_CREATE, request_id);
        return false;
    }
    if (count < SERVER_ROOMS_CREATED_PER_HOUR)
        return true;
    int64_t wait_s = (oldest + SERVER_ROOM_CREATE_WINDOW_MS - now + 999) / 1000;
    client_send_error(c, PROTO_E_ROOM_CREATE_LIMIT, PROTO_ROOM_CREATE, (uint64_t)MAX(wait_s, 1),
                      "You created %u rooms in the last hour; wait %lld s to create another.",
                      SERVER_ROOMS_CREATED_PER_HOUR, (long long)MAX(wait_s, 1));
    return false;
}

/* The checks of a ROOM_CREATE; returns the new room's fold key (g_free) or NULL after
 * answering. */
static char *create_check(struct client *c, const struct proto_room_create *rc, int64_t now)
{
    if (!account_only(c, PROTO_ROOM_CREATE, rc->request_id))
        return NULL;
    if (rc->kind != PROTO_ROOM_PUBLIC && rc->kind != PROTO_ROOM_PRIVATE) {
        client_send_error(c, PROTO_E_NOT_ALLOWED, PROTO_ROOM_CREATE, rc->request_id,
                          "A room is public (0) or private (1).");
        return NULL;
    }
    enum name_status st = name_check(rc->name.ptr, rc->name.len);
    if (st != NAME_OK) {
        client_send_error(c, PROTO_E_ROOM_NAME_INVALID, PROTO_ROOM_CREATE, rc->request_id,
                          "%s", name_status_text(st));
        return NULL;
    }
    char *key = name_fold_key(rc->name.ptr, rc->name.len);
    if (rooms_by_key(c->srv, key) != NULL) {
        client_send_error(c, PROTO_E_ROOM_NAME_TAKEN, PROTO_ROOM_CREATE, rc->request_id,
                          "A room has that name (or one that looks like it); choose another.");
    } else if (below_room_limit(c, PROTO_ROOM_CREATE, rc->request_id) &&
               below_create_limit(c, rc->request_id, now)) {
        return key;
    }
    g_free(key);
    return NULL;
}

void room_on_create(struct client *c, const struct proto_msg *msg)
{
    const struct proto_room_create *rc = &msg->u.room_create;
    int64_t now = (int64_t)clock_wall_ms();
    char *key = create_check(c, rc, now);
    if (key == NULL)
        return;
    char *topic = topic_take(c, rc->topic, PROTO_ROOM_CREATE, rc->request_id);
    char *name = g_strndup(rc->name.ptr, rc->name.len);
    struct store_room row = { .kind = rc->kind, .name = name, .name_key = key,
                              .topic = topic, .created_by = c->account_id };
    uint32_t id;
    if (topic == NULL) {
        /* answered */
    } else if (store_room_add(c->srv->store, &row, now, &id) != STORE_OK ||
               store_room_member_add(c->srv->store, id, c->account_id, now) != STORE_OK) {
        storage_failed(c, PROTO_ROOM_CREATE, rc->request_id);
    } else {
        struct room *r = rooms_add(c->srv, id, rc->kind, name, key, NULL, topic);
        room_member_add(c->srv, r, c->account_id, c->name, c);
        client_log(c, LOG_INFO, "room created id=%u kind=%u", (unsigned)id, (unsigned)rc->kind);
        struct deliver_request req = { c, PROTO_ROOM_CREATE, rc->request_id };
        room_send_state(c, r, &req);
        send_done(c, PROTO_ROOM_CREATE, rc->request_id);
    }
    g_free(name);
    g_free(topic);
    g_free(key);
}

/* The room a ROOM_JOIN names if c may join it (invited to a private one), else NULL
 * after answering ROOM_UNKNOWN: a private room c may not join does not exist for it. */
static struct room *join_target(struct client *c, const struct proto_room_join *rj)
{
    struct room *r = NULL;
    if (name_check(rj->name.ptr, rj->name.len) == NAME_OK) {
        char *key = name_fold_key(rj->name.ptr, rj->name.len);
        r = rooms_by_key(c->srv, key);
        g_free(key);
    }
    if (r != NULL && r->kind == PROTO_ROOM_PRIVATE && room_member(r, c->account_id) == NULL &&
        store_room_invited(c->srv->store, r->id, c->account_id) != 1)
        r = NULL;
    if (r == NULL || r->kind == PROTO_ROOM_DIRECT)
        client_send_error(c, PROTO_E_ROOM_UNKNOWN, PROTO_ROOM_JOIN, rj->request_id,
                          "There is no room by that name that you may join.");
    return r != NULL && r->kind != PROTO_ROOM_DIRECT ? r : NULL;
}

void room_on_join(struct client *c, const struct proto_msg *msg)
{
    const struct proto_room_join *rj = &msg->u.room_join;
    if (!account_only(c, PROTO_ROOM_JOIN, rj->request_id))
        return;
    struct room *r = join_target(c, rj);
    if (r == NULL)
        return;
    struct deliver_request req = { c, PROTO_ROOM_JOIN, rj->request_id };
    if (r == c->srv->rooms->lobby || room_member(r, c->account_id) != NULL) {
        if (r != c->srv->rooms->lobby)
            room_send_state(c, r, &req);
        send_done(c, PROTO_ROOM_JOIN, rj->request_id);
        return;
    }
    if (r->members->len >= SERVER_MEMBERS_PER_ROOM) {
        client_send_error(c, PROTO_E_ROOM_FULL, PROTO_ROOM_JOIN, rj->request_id,
                          "The room has %u members, the most allowed.", SERVER_MEMBERS_PER_ROOM);
        return;
    }
    if (!below_room_limit(c, PROTO_ROOM_JOIN, rj->request_id))
        return;
    if (store_room_member_add(c->srv->store, r->id, c->account_id,
                              (int64_t)clock_wall_ms()) != STORE_OK) {
        storage_failed(c, PROTO_ROOM_JOIN, rj->request_id);
        return;
    }
    room_member_add(c->srv, r, c->account_id, c->name, c);
    client_log(c, LOG_INFO, "room joined id=%u", (unsigned)r->id);
    room_tell_presence(c, r, PROTO_MEMBER_JOINED, &req);
    room_send_state(c, r, &req);
    send_done(c, PROTO_ROOM_JOIN, rj->request_id);
}

void room_on_leave(struct client *c, const struct proto_msg *msg)
{
    const struct proto_room_ref *rl = &msg->u.room_ref;
    if (!account_only(c, PROTO_ROOM_LEAVE, rl->request_id))
        return;
    struct room *r = rooms_for_request(c, rl->room_id, PROTO_ROOM_LEAVE, rl->request_id);
    if (r == NULL)
        return;
    if (r == c->srv->rooms->lobby || r->kind == PROTO_ROOM_DIRECT) {
        client_send_error(c, PROTO_E_NOT_ALLOWED, PROTO_ROOM_LEAVE, rl->request_id,
                          "The lobby and direct messages cannot be left.");
        return;
    }
    if (store_room_member_remove(c->srv->store, r->id, c->account_id) != STORE_OK) {
        storage_failed(c, PROTO_ROOM_LEAVE, rl->request_id);
        return;
    }
    struct deliver_request req = { c, PROTO_ROOM_LEAVE, rl->request_id };
    room_tell_presence(c, r, PROTO_MEMBER_LEFT, &req);
    room_member_remove(c->srv, r, c->account_id);
    client_log(c, LOG_INFO, "room left id=%u", (unsigned)r->id);
    send_done(c, PROTO_ROOM_LEAVE, rl->request_id);
}

static void add_invited(uint32_t room_id, void *data)
{
    g_hash_table_add(data, GUINT_TO_POINTER(room_id));
}

static gint by_id(gconstpointer a, gconstpointer b)
{
    guint x = GPOINTER_TO_UINT(*(const gpointer *)a), y = GPOINTER_TO_UINT(*(const gpointer *)b);
    return x < y ? -1 : x > y;
}

void room_on_list(struct client *c, const struct proto_msg *msg)
{
    uint64_t request_id = msg->u.request_id;
    struct server *srv = c->srv;
    GHashTable *invited = g_hash_table_new(g_direct_hash, g_direct_equal);
    if (c->account_id > 0 &&
        store_room_invites_of(srv->store, c->account_id, add_invited, invited) != STORE_OK) {
        g_hash_table_destroy(invited);
        storage_failed(c, PROTO_ROOM_LIST, request_id);
        return;
    }
    GPtrArray *ids = g_ptr_array_new();
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, srv->rooms->by_id);
    while (g_hash_table_iter_next(&it, &key, NULL))
        g_ptr_array_add(ids, key);
    g_ptr_array_sort(ids, by_id);
    for (guint i = 0; i < ids->len; i++) {
        const struct room *r = rooms_get(srv, GPOINTER_TO_UINT(ids->pdata[i]));
        bool member = room_has_client(r, c);
        bool is_invited = g_hash_table_contains(invited, GUINT_TO_POINTER(r->id));
        bool shown = r->kind == PROTO_ROOM_PUBLIC || (r->kind == PROTO_ROOM_PRIVATE &&
                                                      (member || is_invited));
        if (!shown || (c->account_id <= 0 && r != srv->rooms->lobby))
            continue;
        struct proto_msg info = {
            .type = PROTO_ROOM_INFO,
            .u.room_info = { request_id, r->id, (uint16_t)r->kind,
                             (uint16_t)((member ? PROTO_ROOM_FLAG_MEMBER : 0) |
                                        (is_invited ? PROTO_ROOM_FLAG_INVITED : 0)),
                             room_member_count(srv, r), proto_str_of(r->name),
                             proto_str_of(r->topic) },
        };
        client_send_msg(c, &info);
    }
    g_ptr_array_unref(ids);
    g_hash_table_destroy(invited);
    struct proto_msg done = { .type = PROTO_DONE, .u.done = { request_id, PROTO_ROOM_LIST } };
    client_send_msg(c, &done);
}

void room_on_topic_set(struct client *c, const struct proto_msg *msg)
{
    const struct proto_room_topic_set *ts = &msg->u.room_topic_set;
    struct room *r = rooms_for_request(c, ts->room_id, PROTO_ROOM_TOPIC_SET, ts->request_id);
    if (r == NULL)
        return;
    bool staff = c->role == PROTO_ROLE_MODERATOR || c->role == PROTO_ROLE_ADMIN;
    if (r->kind == PROTO_ROOM_DIRECT || (r == c->srv->rooms->lobby && !staff)) {
        client_send_error(c, PROTO_E_NOT_ALLOWED, PROTO_ROOM_TOPIC_SET, ts->request_id,
                          r->kind == PROTO_ROOM_DIRECT
                              ? "Direct messages have no topic."
                              : "Only moderators and admins set the lobby's topic.");
        return;
    }
    char *topic = topic_take(c, ts->topic, PROTO_ROOM_TOPIC_SET, ts->request_id);
    if (topic == NULL)
        return;
    if (store_room_set_topic(c->srv->store, r->id, topic) != STORE_OK) {
        storage_failed(c, PROTO_ROOM_TOPIC_SET, ts->request_id);
        g_free(topic);
        return;
    }
    g_free(r->topic);
    r->topic = topic;
    c->srv->rooms->changed = true;
    struct proto_msg notice = {
        .type = PROTO_ROOM_TOPIC,
        .u.room_topic = { r->id, clock_wall_ms(), proto_str_of(c->name), proto_str_of(topic) },
    };
    struct frame *f = frame_encode(&notice);
    struct deliver_request req = { c, PROTO_ROOM_TOPIC_SET, ts->request_id };
    deliver(&req, r, f, NULL, NULL);
    frame_unref(f);
    send_done(c, PROTO_ROOM_TOPIC_SET, ts->request_id);
}

void room_on_invite(struct client *c, const struct proto_msg *msg)
{
    const struct proto_room_invite *ri = &msg->u.room_invite;
    if (!account_only(c, PROTO_ROOM_INVITE, ri->request_id))
        return;
    struct room *r = rooms_for_request(c, ri->room_id, PROTO_ROOM_INVITE, ri->request_id);
    if (r == NULL)
        return;
    if (r->kind != PROTO_ROOM_PRIVATE) {
        client_send_error(c, PROTO_E_NOT_ALLOWED, PROTO_ROOM_INVITE, ri->request_id,
                          "Only private rooms take invitations; anyone may join this one.");
        return;
    }
    char *key = NULL;
    int64_t target = room_account_named(c, ri->username, PROTO_ROOM_INVITE, ri->request_id, &key);
    if (target == 0)
        return;
    if (room_member(r, target) == NULL) {
        if (store_room_invite_add(c->srv->store, r->id, target, c->account_id,
                                  (int64_t)clock_wall_ms()) != STORE_OK) {
            storage_failed(c, PROTO_ROOM_INVITE, ri->request_id);
            g_free(key);
            return;
        }
        struct client *invitee = g_hash_table_lookup(c->srv->names, key);
        if (invitee != NULL && invitee->account_id == target) {
            struct proto_msg note = {
                .type = PROTO_ROOM_INVITED,
                .u.room_invited = { r->id, proto_str_of(c->name), proto_str_of(r->name),
                                    proto_str_of(r->topic) },
            };
            struct frame *f = frame_encode(&note);
            struct deliver_request req = { c, PROTO_ROOM_INVITE, ri->request_id };
            client_send(invitee, f);
            deliver_pending(&req, f, NULL, NULL); /* the inviter hears if it fails */
            frame_unref(f);
        }
        client_log(c, LOG_INFO, "room invite id=%u account=%" PRId64, (unsigned)r->id, target);
    }
    g_free(key);
    send_done(c, PROTO_ROOM_INVITE, ri->request_id);
}
