/* Rooms in memory and per-room presence (rooms.h). */
#include "server/rooms.h"

#include <stdio.h>
#include <string.h>

#include "server/client.h"
#include "server/cluster_presence.h"
#include "server/deliver.h"
#include "server/history.h"
#include "server/presence.h"
#include "server/room_presence.h"
#include "server/store/store_rooms.h"

static void room_free(struct room *r)
{
    room_presence_drop(r);
    for (guint i = 0; i < r->members->len; i++)
        g_free(g_array_index(r->members, struct room_member, i).name);
    g_array_free(r->members, TRUE);
    g_hash_table_destroy(r->index);
    g_free(r->name);
    g_free(r->name_key);
    g_free(r->dm_key);
    g_free(r->topic);
    g_free(r);
}

/* The list of rooms of account_id, made on first use. */
static GPtrArray *account_rooms(struct rooms *rs, int64_t account_id)
{
    gpointer key = GUINT_TO_POINTER((guint)account_id);
    GPtrArray *list = g_hash_table_lookup(rs->of_account, key);
    if (list == NULL) {
        list = g_ptr_array_new();
        g_hash_table_insert(rs->of_account, key, list);
    }
    return list;
}

struct room *rooms_add(struct server *srv, uint32_t id, int kind, const char *name,
                       const char *name_key, const char *dm_key, const char *topic)
{
    struct rooms *rs = srv->rooms;
    struct room *r = g_new0(struct room, 1);
    r->id = id;
    r->kind = kind;
    r->name = g_strdup(name);
    r->name_key = g_strdup(name_key);
    r->dm_key = g_strdup(dm_key);
    r->topic = g_strdup(topic ? topic : "");
    r->members = g_array_new(FALSE, FALSE, sizeof(struct room_member));
    r->index = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_hash_table_insert(rs->by_id, GUINT_TO_POINTER(id), r);
    if (r->name_key != NULL)
        g_hash_table_insert(rs->by_key, r->name_key, r);
    if (r->dm_key != NULL)
        g_hash_table_insert(rs->by_dm, r->dm_key, r);
    if (id == PROTO_ROOM_LOBBY)
        rs->lobby = r;
    rs->changed = true;
    return r;
}

void room_member_add(struct server *srv, struct room *r, int64_t account_id, const char *name,
                     struct client *c)
{
    if (r == srv->rooms->lobby || room_member(r, account_id) != NULL)
        return;
    struct room_member m = { (uint32_t)account_id, g_strdup(name), c };
    g_array_append_val(r->members, m);
    g_hash_table_insert(r->index, GUINT_TO_POINTER((guint)account_id),
                        GUINT_TO_POINTER(r->members->len));
    g_ptr_array_add(account_rooms(srv->rooms, account_id), r);
    srv->rooms->changed = true;
    if (c != NULL)
        history_live_started(c);
}

void room_member_remove(struct server *srv, struct room *r, int64_t account_id)
{
    gpointer key = GUINT_TO_POINTER((guint)account_id);
    guint pos = GPOINTER_TO_UINT(g_hash_table_lookup(r->index, key));
    if (pos == 0)
        return;
    g_free(g_array_index(r->members, struct room_member, pos - 1).name);
    g_array_remove_index_fast(r->members, pos - 1);
    g_hash_table_remove(r->index, key);
    if (pos - 1 < r->members->len) { /* the last one moved into the gap */
        const struct room_member *moved = &g_array_index(r->members, struct room_member, pos - 1);
        g_hash_table_insert(r->index, GUINT_TO_POINTER(moved->account_id),
                            GUINT_TO_POINTER(pos));
    }
    g_ptr_array_remove_fast(account_rooms(srv->rooms, account_id), r);
    srv->rooms->changed = true;
}

static void load_room(const struct store_room *row, void *data)
{
    rooms_add(data, row->id, row->kind, row->name, row->name_key, row->dm_key, row->topic);
}

static void load_member(uint32_t room_id, int64_t account_id, const char *name, void *data)
{
    struct server *srv = data;
    struct room *r = rooms_get(srv, room_id);
    if (r != NULL)
        room_member_add(srv, r, account_id, name, NULL);
}

bool rooms_load(struct server *srv, char *err, size_t errlen)
{
    struct rooms *rs = g_new0(struct rooms, 1);
    rs->by_id = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                      (GDestroyNotify)room_free);
    rs->by_key = g_hash_table_new(g_str_hash, g_str_equal);
    rs->by_dm = g_hash_table_new(g_str_hash, g_str_equal);
    rs->of_account = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                           (GDestroyNotify)g_ptr_array_unref);
    rs->held = g_ptr_array_new();
    srv->rooms = rs;
    if (store_rooms_load(srv->store, load_room, load_member, srv) != STORE_OK) {
        snprintf(err, errlen, "cannot read the rooms: %s", store_error(srv->store));
        return false;
    }
    if (rs->lobby == NULL) {
        snprintf(err, errlen, "the store has no lobby (room 0)");
        return false;
    }
    rs->changed = false;
    log_event(LOG_INFO, 0, NULL, NULL, "rooms loaded count=%u",
              g_hash_table_size(rs->by_id));
    return true;
}

void rooms_after_commit(struct server *srv, bool committed)
{
    struct rooms *old = srv->rooms;
    if (old == NULL || !old->changed)
        return;
    old->changed = false;
    if (committed)
        return;
    char err[256];
    if (!rooms_load(srv, err, sizeof err)) { /* keep what we have; it may be read later */
        rooms_free(srv);
        srv->rooms = old;
        old->changed = true;
        log_event(LOG_ERROR, 0, NULL, NULL, "rooms not read again after a failed commit: %s",
                  err);
        return;
    }
    struct rooms *fresh = srv->rooms;
    srv->rooms = old;
    rooms_free(srv);
    srv->rooms = fresh;
    for (uint32_t i = 0; i < srv->online_count; i++) {
        struct client *c = srv->online[i];
        if (c->account_id <= 0 || c->welcome_pending)
            continue; /* guests have no rooms; newcomers are attached at their WELCOME */
        const GPtrArray *list = rooms_of_account(srv, c->account_id);
        for (guint k = 0; k < list->len; k++)
            room_member(list->pdata[k], c->account_id)->client = c;
    }
}

void rooms_free(struct server *srv)
{
    struct rooms *rs = srv->rooms;
    if (rs == NULL)
        return;
    g_hash_table_destroy(rs->of_account);
    g_hash_table_destroy(rs->by_key);
    g_hash_table_destroy(rs->by_dm);
    g_hash_table_destroy(rs->by_id);
    g_ptr_array_free(rs->held, TRUE);
    g_free(rs);
    srv->rooms = NULL;
}

struct room *rooms_get(struct server *srv, uint32_t id)
{
    return g_hash_table_lookup(srv->rooms->by_id, GUINT_TO_POINTER(id));
}

struct room *rooms_by_key(struct server *srv, const char *key)
{
    return g_hash_table_lookup(srv->rooms->by_key, key);
}

struct room *rooms_direct(struct server *srv, int64_t a, int64_t b)
{
    char key[48];
    snprintf(key, sizeof key, "%lld:%lld", (long long)MIN(a, b), (long long)MAX(a, b));
    return g_hash_table_lookup(srv->rooms->by_dm, key);
}

const GPtrArray *rooms_of_account(struct server *srv, int64_t account_id)
{
    return account_rooms(srv->rooms, account_id);
}

unsigned rooms_joined_count(struct server *srv, int64_t account_id)
{
    const GPtrArray *list = rooms_of_account(srv, account_id);
    unsigned count = 0;
    for (guint i = 0; i < list->len; i++)
        count += ((const struct room *)list->pdata[i])->kind != PROTO_ROOM_DIRECT;
    return count;
}

struct room_member *room_member(const struct room *r, int64_t account_id)
{
    guint pos = GPOINTER_TO_UINT(g_hash_table_lookup(r->index,
                                                     GUINT_TO_POINTER((guint)account_id)));
    return pos == 0 ? NULL : &g_array_index(r->members, struct room_member, pos - 1);
}

bool room_has_client(const struct room *r, const struct client *c)
{
    if (r == c->srv->rooms->lobby)
        return true;
    return c->account_id > 0 && room_member(r, c->account_id) != NULL;
}

uint32_t room_member_count(const struct server *srv, const struct room *r)
{
    return r == srv->rooms->lobby ? srv->online_count : r->members->len;
}

struct room *rooms_for_request(struct client *c, uint32_t room_id, uint16_t ref_type,
                               uint64_t ref_id)
{
    struct room *r = rooms_get(c->srv, room_id);
    if (r != NULL && room_has_client(r, c))
        return r;
    if (r != NULL && r->kind == PROTO_ROOM_PUBLIC)
        client_send_error(c, PROTO_E_NOT_IN_ROOM, ref_type, ref_id,
                          "You are not in room %u; join it first.", (unsigned)room_id);
    else /* private and direct rooms do not exist for those outside them */
        client_send_error(c, PROTO_E_ROOM_UNKNOWN, ref_type, ref_id,
                          "Room %u does not exist.", (unsigned)room_id);
    return NULL;
}

struct room_member *room_direct_peer(const struct room *r, int64_t account_id)
{
    for (guint i = 0; i < r->members->len; i++) {
        struct room_member *m = &g_array_index(r->members, struct room_member, i);
        if (m->account_id != (uint32_t)account_id)
            return m;
    }
    return NULL;
}

static bool not_except(const struct client *member, void *except)
{
    return member != except;
}

void room_send(struct server *srv, const struct room *r, struct frame *f,
               const struct client *except)
{
    room_send_if(srv, r, f, not_except, (void *)except);
}

/* room_send() to the members accept says yes to (rooms.h). */
void room_send_if(struct server *srv, const struct room *r, struct frame *f,
                  room_accept_fn accept, void *data)
{
    /* Logins held for the pass go first, as for the lobby: a member who just logged in
     * gets its WELCOME and becomes online in its rooms before anything of them; then
     * the room's held notices, so members see things in the order they happened. */
    presence_flush(srv);
    if (r == srv->rooms->lobby) {
        for (uint32_t i = 0; i < srv->online_count; i++)
            if (accept(srv->online[i], data))
                client_send(srv->online[i], f);
        return;
    }
    room_presence_flush_room(srv, (struct room *)r);
    for (guint i = 0; i < r->members->len; i++) {
        struct client *member = g_array_index(r->members, struct room_member, i).client;
        if (member != NULL && accept(member, data))
            client_send(member, f);
    }
}

struct frame *room_members_frame(uint16_t type, uint32_t room_id, uint16_t state,
                                   const uint32_t *ids, const struct proto_str *names,
                                   uint32_t count)
{
    size_t cap = (size_t)count * (4 + 2 + PROTO_MAX_NAME_BYTES);
    uint8_t *entries = g_malloc(cap + 1);
    size_t len = proto_encode_user_entries(ids, names, count, entries, cap);
    struct proto_msg msg = {
        .type = type,
        .u.room_members = { room_id, state, { (uint16_t)count, entries, len } },
    };
    struct frame *f = frame_encode(&msg);
    g_free(entries);
    return f;
}

/* Queues f to c, as depending on the commit of t's request when t is not NULL; drops f. */
static void send_answer(struct client *c, struct frame *f, const struct deliver_ticket *t)
{
    if (f == NULL)
        return;
    client_send(c, f);
    if (t != NULL)
        deliver_pending_ticket(c->srv, t, f);
    frame_unref(f);
}

/* Which members a list names, told to c. */
typedef bool (*member_pick_fn)(const struct room_member *m, const struct client *c);

static bool pick_online(const struct room_member *m, const struct client *c)
{
    return m->client != NULL || cluster_presence_account(c->srv, m->account_id, NULL);
}

static bool pick_offline(const struct room_member *m, const struct client *c)
{
    return !pick_online(m, c);
}

/* Away: its connection here is, or (none here) every one on other nodes is. */
static bool pick_away(const struct room_member *m, const struct client *c)
{
    bool away = false;
    if (m->client == NULL)
        return cluster_presence_account(c->srv, m->account_id, &away) && away;
    return m->client != c && m->client->presence == PROTO_PRESENCE_AWAY;
}

/* The frames (ROOM_MEMBERS or PRESENCE_STATE, with state) listing r's members that
 * pick chooses, queued to c. */
static void send_members(struct client *c, const struct room *r, uint16_t type,
                         uint16_t state, member_pick_fn pick,
                         const struct deliver_ticket *t)
{
    uint32_t ids[PROTO_MAX_USERS_PER_FRAME];
    struct proto_str names[PROTO_MAX_USERS_PER_FRAME];
    uint32_t count = 0;
    for (guint i = 0; i <= r->members->len; i++) {
        if (i < r->members->len) {
            const struct room_member *m = &g_array_index(r->members, struct room_member, i);
            if (!pick(m, c))
                continue;
            ids[count] = m->account_id;
            names[count++] = proto_str_of(m->name);
        }
        if (count > 0 && (count == PROTO_MAX_USERS_PER_FRAME || i == r->members->len)) {
            send_answer(c, room_members_frame(type, r->id, state, ids, names, count), t);
            count = 0;
        }
    }
}

void room_send_state(struct client *c, const struct room *r, const struct deliver_ticket *t)
{
    const char *name = r->name;
    if (r->kind == PROTO_ROOM_DIRECT) {
        const struct room_member *peer = room_direct_peer(r, c->account_id);
        name = peer != NULL ? peer->name : "";
    }
    struct proto_msg msg = {
        .type = PROTO_ROOM_STATE,
        .u.room_state = { r->id, (uint16_t)r->kind, r->members->len, proto_str_of(name),
                          proto_str_of(r->topic) },
    };
    send_answer(c, frame_encode(&msg), t);
    send_members(c, r, PROTO_ROOM_MEMBERS, PROTO_MEMBER_ONLINE, pick_online, t);
    send_members(c, r, PROTO_ROOM_MEMBERS, PROTO_MEMBER_OFFLINE, pick_offline, t);
    send_members(c, r, PROTO_PRESENCE_STATE, PROTO_PRESENCE_AWAY, pick_away, t);
}

/* Ascending room ids, so a login lists its rooms in a stable order. */
static gint by_room_id(gconstpointer a, gconstpointer b)
{
    const struct room *ra = *(struct room *const *)a, *rb = *(struct room *const *)b;
    return ra->id < rb->id ? -1 : ra->id > rb->id;
}

void rooms_on_login(struct client *c)
{
    if (c->account_id <= 0)
        return; /* guests have the lobby only */
    GPtrArray *list = account_rooms(c->srv->rooms, c->account_id);
    g_ptr_array_sort(list, by_room_id);
    for (guint i = 0; i < list->len; i++) {
        struct room *r = list->pdata[i];
        room_member(r, c->account_id)->client = c;
        room_send_state(c, r, NULL);
        room_tell_presence(c, r, PROTO_MEMBER_ONLINE, NULL);
    }
}

void rooms_on_logout(struct client *c)
{
    if (c->account_id <= 0)
        return;
    const GPtrArray *list = rooms_of_account(c->srv, c->account_id);
    for (guint i = 0; i < list->len; i++) {
        struct room *r = list->pdata[i];
        struct room_member *m = room_member(r, c->account_id);
        if (m->client != c)
            continue; /* never logged in to its rooms (left in its login pass) */
        m->client = NULL;
        if (!c->srv->stopping && !cluster_presence_account(c->srv, c->account_id, NULL))
            room_tell_presence(c, r, PROTO_MEMBER_OFFLINE, NULL);
    }
}
