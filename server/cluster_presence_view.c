/* The other nodes' connections as this node knows them (cluster_presence_view.h). */
#include "server/cluster_presence_view.h"

#include <string.h>

#include "common/validate.h"
#include "server/client.h"
#include "server/cluster_presence.h"
#include "server/limits.h"
#include "server/presence.h"
#include "server/room_presence.h"
#include "server/rooms.h"

/* An account's connections on other nodes. */
struct remote_account {
    uint32_t conns;
    uint32_t active;           /* of them, not away */
};

static void user_free(gpointer p)
{
    struct remote_user *u = p;
    g_free(u->name);
    g_free(u);
}

static void drop_held(GArray *users)
{
    for (guint i = 0; i < users->len; i++)
        g_free(g_array_index(users, struct remote_user, i).name);
    g_array_set_size(users, 0);
}

void presence_view_init(struct presence_view *v)
{
    v->conns = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, user_free);
    v->accounts = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    v->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify)g_ptr_array_unref);
    v->joined = g_array_new(FALSE, FALSE, sizeof(struct remote_user));
    v->left = g_array_new(FALSE, FALSE, sizeof(struct remote_user));
}

void presence_view_clear(struct presence_view *v)
{
    g_clear_pointer(&v->conns, g_hash_table_destroy);
    g_clear_pointer(&v->accounts, g_hash_table_destroy);
    g_clear_pointer(&v->names, g_hash_table_destroy);
    if (v->joined != NULL) {
        drop_held(v->joined);
        drop_held(v->left);
    }
    g_clear_pointer(&v->joined, g_array_unref);
    g_clear_pointer(&v->left, g_array_unref);
}

uint32_t presence_view_node_of(uint32_t conn)
{
    return conn >> CLUSTER_CONN_ID_BITS;
}

bool presence_view_account(const struct presence_view *v, int64_t account, bool *away)
{
    if (v->accounts == NULL || account <= 0 || account > UINT32_MAX)
        return false;
    const struct remote_account *a =
        g_hash_table_lookup(v->accounts, GUINT_TO_POINTER((uint32_t)account));
    if (away != NULL)
        *away = a != NULL && a->active == 0;
    return a != NULL;
}

bool presence_view_name(const struct presence_view *v, const char *key,
                        struct cluster_remote_user *out)
{
    const GPtrArray *users = v->names != NULL ? g_hash_table_lookup(v->names, key) : NULL;
    if (users == NULL)
        return false;
    const struct remote_user *u = users->pdata[0];
    if (out != NULL)
        *out = (struct cluster_remote_user){ u->conn, u->account, u->role, u->name };
    return true;
}

/* Files u under its name's fold key (index true) or takes it out (false). */
static void index_name(struct presence_view *v, struct remote_user *u, bool index)
{
    char *key = name_fold_key(u->name, strlen(u->name));
    GPtrArray *users = g_hash_table_lookup(v->names, key);
    if (index && users == NULL) {
        users = g_ptr_array_new();
        g_hash_table_insert(v->names, g_strdup(key), users);
    }
    if (index)
        g_ptr_array_add(users, u);
    else if (users != NULL && g_ptr_array_remove_fast(users, u) && users->len == 0)
        g_hash_table_remove(v->names, key);
    g_free(key);
}

/* ---- What the local clients are told ---- */

/* Holds u's USER_JOINED or USER_LEFT until presence_view_flush(): one message's joins and
 * leaves go out in shared frames. A join's role and away state follow its frame. */
static void hold_user(struct presence_view *v, uint16_t type, const struct remote_user *u)
{
    struct remote_user copy = *u;
    copy.name = g_strdup(u->name);
    g_array_append_val(type == PROTO_USER_JOINED ? v->joined : v->left, copy);
}

/* Broadcasts the frames of type naming users (held copies) from start on, as many as
 * fit one frame; returns how many it named. */
static guint tell_users(struct server *srv, uint16_t type, const GArray *users, guint start)
{
    uint32_t ids[PROTO_MAX_USERS_PER_FRAME];
    struct proto_str names[PROTO_MAX_USERS_PER_FRAME];
    guint count = MIN(users->len - start, PROTO_MAX_USERS_PER_FRAME);
    for (guint i = 0; i < count; i++) {
        const struct remote_user *u = &g_array_index(users, struct remote_user, start + i);
        ids[i] = u->conn;
        names[i] = proto_str_of(u->name);
    }
    struct frame *f = presence_users_frame(type, ids, names, count);
    client_broadcast(srv, f, NULL);
    frame_unref(f);
    return count;
}

/* Broadcasts u's role if it is shown (not a plain member). */
static void tell_role(struct server *srv, const struct remote_user *u)
{
    if (u->role == PROTO_ROLE_MEMBER)
        return;
    struct proto_str name = proto_str_of(u->name);
    struct frame *f = presence_role_frame(u->role, &u->conn, &name, 1);
    client_broadcast(srv, f, NULL);
    frame_unref(f);
}

/* Broadcasts the lobby PRESENCE_STATE of u. */
static void tell_state(struct server *srv, const struct remote_user *u)
{
    struct proto_str name = proto_str_of(u->name);
    struct frame *f = room_members_frame(PROTO_PRESENCE_STATE, PROTO_ROOM_LOBBY, u->state,
                                         &u->conn, &name, 1);
    if (f != NULL) {
        client_broadcast(srv, f, NULL);
        frame_unref(f);
    }
}

void presence_view_flush(struct server *srv, struct presence_view *v)
{
    for (guint at = 0; at < v->joined->len;)
        at += tell_users(srv, PROTO_USER_JOINED, v->joined, at);
    for (guint i = 0; i < v->joined->len; i++) {
        const struct remote_user *u = &g_array_index(v->joined, struct remote_user, i);
        tell_role(srv, u);
        if (u->state == PROTO_PRESENCE_AWAY)
            tell_state(srv, u);
    }
    for (guint at = 0; at < v->left->len;)
        at += tell_users(srv, PROTO_USER_LEFT, v->left, at);
    drop_held(v->joined);
    drop_held(v->left);
}

/* The account's rooms are told it came or went (ROOM_PRESENCE online or offline) or is
 * now away or active (PRESENCE_STATE), where it has no connection on this node. */
static void tell_rooms(struct server *srv, uint32_t account, const char *name, bool presence,
                       uint16_t state)
{
    const GPtrArray *rooms = rooms_of_account(srv, account);
    for (guint i = 0; i < rooms->len; i++) {
        struct room *r = rooms->pdata[i];
        const struct room_member *m = room_member(r, account);
        if (m == NULL || m->client != NULL)
            continue; /* its connection here speaks for it */
        if (presence)
            room_tell_member(srv, r, account, name, state, NULL);
        else
            room_tell_member_away(srv, r, account, name, state);
    }
}

static int active(const struct remote_user *u)
{
    return u->state != PROTO_PRESENCE_AWAY;
}

/* Moves account's counts of connections and active ones by the deltas, telling its
 * rooms when it comes, goes, or turns away or active. */
static void count_account(struct server *srv, struct presence_view *v, uint32_t account,
                          const char *name, int conns_delta, int active_delta)
{
    if (account == 0)
        return;
    gpointer key = GUINT_TO_POINTER(account);
    struct remote_account *a = g_hash_table_lookup(v->accounts, key);
    if (a == NULL) {
        a = g_new0(struct remote_account, 1);
        g_hash_table_insert(v->accounts, key, a);
    }
    bool was_on = a->conns > 0, was_away = was_on && a->active == 0;
    a->conns = (uint32_t)((int64_t)a->conns + conns_delta);
    a->active = (uint32_t)((int64_t)a->active + active_delta);
    bool on = a->conns > 0, away = on && a->active == 0;
    if (!on)
        g_hash_table_remove(v->accounts, key);
    if (on != was_on)
        tell_rooms(srv, account, name, true, on ? PROTO_MEMBER_ONLINE : PROTO_MEMBER_OFFLINE);
    if (on && away != (was_on && was_away) && (away || was_on))
        tell_rooms(srv, account, name, false,
                   away ? PROTO_PRESENCE_AWAY : PROTO_PRESENCE_ACTIVE);
}

/* ---- Changes ---- */

void presence_view_on(struct server *srv, struct presence_view *v, const struct remote_user *u)
{
    gpointer key = GUINT_TO_POINTER(u->conn);
    struct remote_user *old = g_hash_table_lookup(v->conns, key);
    if (old != NULL && old->account == u->account && old->role == u->role &&
        old->state == u->state && strcmp(old->name, u->name) == 0)
        return;
    if (old != NULL && v->joined->len > 0)
        presence_view_flush(srv, v); /* its join may be held: it goes before the change */
    if (old != NULL && (old->account != u->account || strcmp(old->name, u->name) != 0)) {
        presence_view_off(srv, v, u->conn); /* not the same user: a new connection */
        old = NULL;
    }
    struct remote_user *nu = g_new(struct remote_user, 1);
    *nu = *u;
    nu->name = g_strdup(u->name);
    if (old == NULL) {
        hold_user(v, PROTO_USER_JOINED, nu);
    } else {
        if (old->role != nu->role)
            tell_role(srv, nu);
        if (old->state != nu->state)
            tell_state(srv, nu);
    }
    count_account(srv, v, nu->account, nu->name, old == NULL,
                  active(nu) - (old != NULL ? active(old) : 0));
    if (old != NULL)
        index_name(v, old, false);
    index_name(v, nu, true);
    g_hash_table_replace(v->conns, key, nu);
}

void presence_view_off(struct server *srv, struct presence_view *v, uint32_t conn)
{
    gpointer key = GUINT_TO_POINTER(conn);
    struct remote_user *u = g_hash_table_lookup(v->conns, key);
    if (u == NULL)
        return;
    g_hash_table_steal(v->conns, key);
    index_name(v, u, false);
    count_account(srv, v, u->account, u->name, -1, -active(u));
    hold_user(v, PROTO_USER_LEFT, u);
    user_free(u);
}

void presence_view_replace(struct server *srv, struct presence_view *v, uint32_t node,
                           const struct remote_user *users, guint count)
{
    GHashTable *keep = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (guint i = 0; i < count; i++)
        g_hash_table_add(keep, GUINT_TO_POINTER(users[i].conn));
    GArray *gone = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, v->conns);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        uint32_t conn = GPOINTER_TO_UINT(key);
        if (presence_view_node_of(conn) == node && !g_hash_table_contains(keep, key))
            g_array_append_val(gone, conn);
    }
    for (guint i = 0; i < gone->len; i++)
        presence_view_off(srv, v, g_array_index(gone, uint32_t, i));
    for (guint i = 0; i < count; i++)
        presence_view_on(srv, v, &users[i]);
    g_array_free(gone, TRUE);
    g_hash_table_destroy(keep);
}

void presence_view_typing(struct server *srv, const struct proto_typing *t)
{
    struct room *r = rooms_get(srv, t->room_id);
    if (r == NULL || (t->room_id != PROTO_ROOM_LOBBY && room_member(r, t->account_id) == NULL))
        return;
    struct frame *f = frame_encode(&(struct proto_msg){ .type = PROTO_TYPING, .u.typing = *t });
    if (f != NULL) {
        room_send(srv, r, f, NULL);
        frame_unref(f);
    }
}

/* ---- A newcomer's list ---- */

/* Sends c the frames made by make for the view's users that pick chooses, at most
 * PROTO_MAX_USERS_PER_FRAME a frame. */
typedef struct frame *users_frame_fn(uint16_t kind, const uint32_t *ids,
                                     const struct proto_str *names, uint32_t count);

static struct frame *list_frame(uint16_t kind, const uint32_t *ids,
                                const struct proto_str *names, uint32_t count)
{
    (void)kind;
    return presence_users_frame(PROTO_USER_LIST, ids, names, count);
}

static struct frame *role_frame(uint16_t kind, const uint32_t *ids,
                                const struct proto_str *names, uint32_t count)
{
    return presence_role_frame(kind, ids, names, count);
}

static struct frame *away_frame(uint16_t kind, const uint32_t *ids,
                                const struct proto_str *names, uint32_t count)
{
    (void)kind;
    return room_members_frame(PROTO_PRESENCE_STATE, PROTO_ROOM_LOBBY, PROTO_PRESENCE_AWAY,
                              ids, names, count);
}

static bool picked(const struct remote_user *u, users_frame_fn *make, uint16_t kind)
{
    return make == list_frame || (make == role_frame && u->role == kind) ||
           (make == away_frame && u->state == PROTO_PRESENCE_AWAY);
}

static void send_frames(struct client *c, const struct presence_view *v, users_frame_fn *make,
                        uint16_t kind)
{
    uint32_t ids[PROTO_MAX_USERS_PER_FRAME];
    struct proto_str names[PROTO_MAX_USERS_PER_FRAME];
    uint32_t count = 0;
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, v->conns);
    bool more = true;
    while (more) {
        more = g_hash_table_iter_next(&it, NULL, &value);
        if (more && picked(value, make, kind)) {
            const struct remote_user *u = value;
            ids[count] = u->conn;
            names[count++] = proto_str_of(u->name);
        }
        if (count > 0 && (count == PROTO_MAX_USERS_PER_FRAME || !more)) {
            struct frame *f = make(kind, ids, names, count);
            if (f != NULL) {
                client_send(c, f);
                frame_unref(f);
            }
            count = 0;
        }
    }
}

void presence_view_send_list(struct client *c, const struct presence_view *v)
{
    send_frames(c, v, list_frame, 0);
    static const uint16_t shown[] = { PROTO_ROLE_MODERATOR, PROTO_ROLE_ADMIN, PROTO_ROLE_GUEST };
    for (size_t i = 0; i < G_N_ELEMENTS(shown); i++)
        send_frames(c, v, role_frame, shown[i]);
    send_frames(c, v, away_frame, 0);
}
