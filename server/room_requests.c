/* Create, join, leave, list, topic and invite (room_requests.h). */
#include "server/room_requests.h"

#include <inttypes.h>
#include <string.h>

#include "common/validate.h"
#include "server/client.h"
#include "server/clock.h"
#include "server/event.h"
#include "server/live.h"
#include "server/rooms.h"
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

/* Answers STORAGE after a failed write and logs it. */
static void storage_failed(struct client *c, uint16_t type, uint64_t request_id)
{
    client_log(c, LOG_ERROR, "cannot store a %s: %s", proto_type_name(type),
               store_error(c->srv->store));
    client_send_error(c, PROTO_E_STORAGE, type, request_id,
                      "The server could not store this; nothing changed. Try again.");
}

/* False (after answering TEXT_INVALID) for a topic that is not empty and not a text. */
static bool topic_valid(struct client *c, struct proto_str topic, uint16_t type,
                        uint64_t request_id)
{
    if (topic.len == 0 || text_check(topic.ptr, topic.len, PROTO_MAX_TOPIC))
        return true;
    client_send_error(c, PROTO_E_TEXT_INVALID, type, request_id,
                      "The topic is blank or contains control characters.");
    return false;
}

/* The request's own checks of a ROOM_CREATE: true, or false after answering. */
static bool create_check(struct client *c, const struct proto_room_create *rc)
{
    if (!account_only(c, PROTO_ROOM_CREATE, rc->request_id))
        return false;
    if (rc->kind != PROTO_ROOM_PUBLIC && rc->kind != PROTO_ROOM_PRIVATE) {
        client_send_error(c, PROTO_E_NOT_ALLOWED, PROTO_ROOM_CREATE, rc->request_id,
                          "A room is public (0) or private (1).");
        return false;
    }
    enum name_status st = name_check(rc->name.ptr, rc->name.len);
    if (st != NAME_OK) {
        client_send_error(c, PROTO_E_ROOM_NAME_INVALID, PROTO_ROOM_CREATE, rc->request_id,
                          "%s", name_status_text(st));
        return false;
    }
    return topic_valid(c, rc->topic, PROTO_ROOM_CREATE, rc->request_id);
}

void room_on_create(struct client *c, const struct proto_msg *msg)
{
    const struct proto_room_create *rc = &msg->u.room_create;
    if (!create_check(c, rc))
        return;
    struct event ev = { .type = EVENT_ROOM_CREATE, .u.room_create = {
        .kind = rc->kind, .time_ms = (int64_t)clock_wall_ms(), .creator_account = c->account_id,
        .creator_name = c->name, .name = rc->name, .topic = rc->topic,
    } };
    event_log_request(c, &ev, PROTO_ROOM_CREATE, rc->request_id);
}

/* The member event of c's own account for the request type/request_id. */
static void log_own_member(struct client *c, enum event_member_action action, uint32_t room_id,
                           uint16_t type, uint64_t request_id)
{
    struct event ev = { .type = EVENT_ROOM_MEMBER, .u.room_member = {
        .action = action, .room_id = room_id, .time_ms = (int64_t)clock_wall_ms(),
        .account = c->account_id, .account_name = c->name,
        .actor_account = c->account_id, .actor_name = c->name,
    } };
    event_log_request(c, &ev, type, request_id);
}

/* The room a ROOM_JOIN names, or NULL after answering ROOM_UNKNOWN (no room of that name,
 * or a direct one). Whether c may join a private one is decided when its event applies. */
static struct room *join_target(struct client *c, const struct proto_room_join *rj)
{
    struct room *r = NULL;
    if (name_check(rj->name.ptr, rj->name.len) == NAME_OK) {
        char *key = name_fold_key(rj->name.ptr, rj->name.len);
        r = rooms_by_key(c->srv, key);
        g_free(key);
    }
    if (r != NULL && r->kind != PROTO_ROOM_DIRECT)
        return r;
    client_send_error(c, PROTO_E_ROOM_UNKNOWN, PROTO_ROOM_JOIN, rj->request_id,
                      "There is no room by that name that you may join.");
    return NULL;
}

void room_on_join(struct client *c, const struct proto_msg *msg)
{
    const struct proto_room_join *rj = &msg->u.room_join;
    if (!account_only(c, PROTO_ROOM_JOIN, rj->request_id))
        return;
    struct room *r = join_target(c, rj);
    if (r == NULL)
        return;
    if (r == c->srv->rooms->lobby) /* everyone is in it: nothing changes */
        live_done(c, PROTO_ROOM_JOIN, rj->request_id);
    else
        log_own_member(c, EVENT_MEMBER_JOIN, r->id, PROTO_ROOM_JOIN, rj->request_id);
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
    log_own_member(c, EVENT_MEMBER_LEAVE, r->id, PROTO_ROOM_LEAVE, rl->request_id);
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
    if (!topic_valid(c, ts->topic, PROTO_ROOM_TOPIC_SET, ts->request_id))
        return;
    struct event ev = { .type = EVENT_ROOM_TOPIC, .u.room_topic = {
        .room_id = r->id, .time_ms = (int64_t)clock_wall_ms(), .actor_account = c->account_id,
        .actor_name = c->name, .topic = ts->topic,
    } };
    event_log_request(c, &ev, PROTO_ROOM_TOPIC_SET, ts->request_id);
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
    char *name = g_strndup(ri->username.ptr, ri->username.len);
    struct event ev = { .type = EVENT_ROOM_MEMBER, .u.room_member = {
        .action = EVENT_MEMBER_INVITE, .room_id = r->id, .time_ms = (int64_t)clock_wall_ms(),
        .account = target, .account_name = name, .actor_account = c->account_id,
        .actor_name = c->name,
    } };
    event_log_request(c, &ev, PROTO_ROOM_INVITE, ri->request_id);
    g_free(name);
    g_free(key);
}
