/* Login and the online list. The list is an unordered array (swap-remove keeps leaving
 * O(1)); names are unique under their fold key, so "Alice" and "alice" cannot both be
 * online.
 *
 * Join and leave notices are held in srv->announce and sent in shared frames when the
 * loop pass ends, or earlier when anything else is about to be broadcast or sent to a
 * newcomer, so every client still sees them in order with everything else. Only one
 * kind is held at a time: a leave sends held joins first and a login sends held leaves
 * first. While joins are held nobody leaves the online list, so the newcomers are its
 * tail, in login order; each of them gets WELCOME and the list as it stands when the
 * notices go out, and only clients online before them get USER_JOINED. */
#include "server/presence.h"

#include <string.h>

#include "common/validate.h"
#include "server/client.h"
#include "server/clock.h"
#include "server/cluster_presence.h"
#include "server/history.h"
#include "server/live.h"
#include "server/presence_state.h"
#include "server/rooms.h"
#include "server/store/store_accounts.h"

static const int shown_roles[] = { PROTO_ROLE_MODERATOR, PROTO_ROLE_ADMIN, PROTO_ROLE_GUEST };

struct frame *presence_users_frame(uint16_t type, const uint32_t *ids,
                                   const struct proto_str *names, uint32_t count)
{
    size_t size = PROTO_HEADER_SIZE + 2;
    for (uint32_t i = 0; i < count; i++)
        size += 4 + 2 + names[i].len;
    struct frame *f = frame_new(size);
    f->len = (uint32_t)proto_encode_users(type, ids, names, count, f->data, size);
    return f;
}

/* A frame of type naming the online clients from index start on, as many as fit. */
static struct frame *frame_members(const struct server *srv, uint16_t type, uint32_t start)
{
    uint32_t ids[PROTO_MAX_USERS_PER_FRAME];
    struct proto_str names[PROTO_MAX_USERS_PER_FRAME];
    uint32_t count = MIN(srv->online_count - start, PROTO_MAX_USERS_PER_FRAME);
    for (uint32_t i = 0; i < count; i++) {
        const struct client *member = srv->online[start + i];
        ids[i] = member->id;
        names[i] = proto_str_of(member->name);
    }
    return presence_users_frame(type, ids, names, count);
}

/* USER_LIST pages are cached and shared by every login until the part of the online
 * list they cover changes; a login storm then re-encodes only the last page. */
static void page_invalidate(struct server *srv, uint32_t member_index)
{
    uint32_t page = member_index / PROTO_MAX_USERS_PER_FRAME;
    if (page < srv->user_pages_cap && srv->user_pages[page] != NULL) {
        frame_unref(srv->user_pages[page]);
        srv->user_pages[page] = NULL;
    }
}

/* The USER_LIST frame for one page of the online list, encoded if stale. */
static struct frame *page_get(struct server *srv, uint32_t page)
{
    if (page >= srv->user_pages_cap) {
        uint32_t cap = MAX(page + 1, srv->user_pages_cap * 2);
        srv->user_pages = g_renew(struct frame *, srv->user_pages, cap);
        memset(srv->user_pages + srv->user_pages_cap, 0,
               (cap - srv->user_pages_cap) * sizeof *srv->user_pages);
        srv->user_pages_cap = cap;
    }
    if (srv->user_pages[page] == NULL)
        srv->user_pages[page] = frame_members(srv, PROTO_USER_LIST,
                                              page * PROTO_MAX_USERS_PER_FRAME);
    return srv->user_pages[page];
}

void presence_free(struct server *srv)
{
    for (uint32_t page = 0; page < srv->user_pages_cap; page++)
        if (srv->user_pages[page] != NULL)
            frame_unref(srv->user_pages[page]);
    g_free(srv->user_pages);
    srv->user_pages = NULL;
    srv->user_pages_cap = 0;
    struct presence_batch *b = &srv->announce;
    for (uint32_t i = 0; i < b->left_count; i++)
        g_free(b->left_names[i]);
    g_free(b->left_ids);
    g_free(b->left_names);
    *b = (struct presence_batch){ 0 };
}

/* Sends the whole online list to c in USER_LIST pages of at most
 * PROTO_MAX_USERS_PER_FRAME entries. */
static void send_user_list(struct client *c)
{
    struct server *srv = c->srv;
    uint32_t pages = (srv->online_count + PROTO_MAX_USERS_PER_FRAME - 1) /
                     PROTO_MAX_USERS_PER_FRAME;
    for (uint32_t page = 0; page < pages; page++)
        client_send(c, page_get(srv, page));
}

static void send_welcome(struct client *c)
{
    const struct server *srv = c->srv;
    struct proto_msg msg = {
        .type = PROTO_WELCOME,
        .u.welcome = {
            .version = PROTO_VERSION,
            .features = 0,
            .user_id = c->id,
            .server_time_ms = clock_wall_ms(),
            .users_online = srv->online_count + cluster_presence_count(srv),
            .max_payload = PROTO_MAX_PAYLOAD,
            .max_text = PROTO_MAX_TEXT,
            .max_chunk = PROTO_MAX_CHUNK,
            .max_uploads = srv->cfg.max_uploads,
            .max_file_size = srv->cfg.max_file_size,
            .username = proto_str_of(c->name),
        },
    };
    client_send_msg(c, &msg);
}

struct frame *presence_role_frame(int role, const uint32_t *ids, const struct proto_str *names,
                                  uint32_t count)
{
    struct frame *list = presence_users_frame(PROTO_USER_LIST, ids, names, count);
    struct proto_msg msg = {
        .type = PROTO_USER_ROLE,
        .u.user_role = { (uint16_t)role, { (uint16_t)count, list->data + PROTO_HEADER_SIZE + 2,
                                           list->len - PROTO_HEADER_SIZE - 2 } },
    };
    struct frame *f = frame_encode(&msg);
    frame_unref(list);
    return f;
}

/* Appends to frames the USER_ROLE frames naming the online clients of index
 * [start, end) whose role is shown (not plain members). */
static void role_frames(const struct server *srv, uint32_t start, uint32_t end, GPtrArray *frames)
{
    uint32_t ids[PROTO_MAX_USERS_PER_FRAME];
    struct proto_str names[PROTO_MAX_USERS_PER_FRAME];
    for (size_t r = 0; r < G_N_ELEMENTS(shown_roles); r++) {
        uint32_t count = 0;
        for (uint32_t i = start; i < end; i++) {
            const struct client *m = srv->online[i];
            if (m->role != shown_roles[r])
                continue;
            ids[count] = m->id;
            names[count] = proto_str_of(m->name);
            if (++count == PROTO_MAX_USERS_PER_FRAME) {
                g_ptr_array_add(frames, presence_role_frame(shown_roles[r], ids, names, count));
                count = 0;
            }
        }
        if (count > 0)
            g_ptr_array_add(frames, presence_role_frame(shown_roles[r], ids, names, count));
    }
}

/* Queues every frame of frames to c. */
static void send_all(struct client *c, GPtrArray *frames)
{
    for (guint i = 0; i < frames->len; i++)
        client_send(c, frames->pdata[i]);
}

void presence_announce_role(struct client *c)
{
    struct server *srv = c->srv;
    uint32_t id = c->id;
    struct proto_str name = proto_str_of(c->name);
    struct frame *f = presence_role_frame(c->role, &id, &name, 1);
    client_broadcast(srv, f, NULL);
    frame_unref(f);
    cluster_presence_local(c, true);
}

/* Sends the held USER_JOINED notices to the clients online before the newcomers, then
 * WELCOME and the whole online list to each newcomer; USER_ROLE frames follow each
 * list so roles are known as soon as names are, then who is away. */
static void flush_joined(struct server *srv, uint32_t from)
{
    GPtrArray *frames = g_ptr_array_new_with_free_func((GDestroyNotify)frame_unref);
    role_frames(srv, from, srv->online_count, frames);
    /* from == 0: the newcomers are the first ones online, nobody is told. */
    for (uint32_t start = from; from > 0 && start < srv->online_count;
         start += PROTO_MAX_USERS_PER_FRAME) {
        struct frame *f = frame_members(srv, PROTO_USER_JOINED, start);
        for (uint32_t i = 0; i < from; i++)
            client_send(srv->online[i], f);
        frame_unref(f);
    }
    for (uint32_t i = 0; i < from; i++)
        send_all(srv->online[i], frames);
    g_ptr_array_set_size(frames, 0);
    role_frames(srv, 0, srv->online_count, frames);
    presence_state_lobby_frames(srv, frames);
    for (uint32_t i = from; i < srv->online_count; i++) {
        struct client *c = srv->online[i];
        c->welcome_pending = false;
        send_welcome(c);
        send_user_list(c);
        cluster_presence_send_list(c);
        send_all(c, frames);
    }
    g_ptr_array_unref(frames);
    /* Only once every newcomer has its WELCOME: a room may hold several of them. */
    for (uint32_t i = from; i < srv->online_count; i++) {
        rooms_on_login(srv->online[i]);
        live_on_login(srv->online[i]);
    }
}

/* Sends the held USER_LEFT notices to everyone online and forgets them. */
static void flush_left(struct server *srv)
{
    struct presence_batch *b = &srv->announce;
    for (uint32_t start = 0; start < b->left_count; start += PROTO_MAX_USERS_PER_FRAME) {
        struct proto_str names[PROTO_MAX_USERS_PER_FRAME];
        uint32_t count = MIN(b->left_count - start, PROTO_MAX_USERS_PER_FRAME);
        for (uint32_t i = 0; i < count; i++)
            names[i] = proto_str_of(b->left_names[start + i]);
        struct frame *f = presence_users_frame(PROTO_USER_LEFT, b->left_ids + start, names, count);
        client_broadcast(srv, f, NULL);
        frame_unref(f);
    }
    for (uint32_t i = 0; i < b->left_count; i++)
        g_free(b->left_names[i]);
    b->left_count = 0;
}

void presence_flush(struct server *srv)
{
    struct presence_batch *b = &srv->announce;
    uint16_t type = b->type;
    b->type = 0; /* the sends below come back here through client_send: nothing is held */
    if (type == PROTO_USER_JOINED)
        flush_joined(srv, b->joined_from);
    else if (type == PROTO_USER_LEFT)
        flush_left(srv);
}

/* Holds c's USER_JOINED notice, and its own WELCOME and USER_LIST with it. */
static void hold_joined(struct client *c)
{
    struct presence_batch *b = &c->srv->announce;
    if (b->type != PROTO_USER_JOINED) {
        b->type = PROTO_USER_JOINED;
        b->joined_from = c->online_index;
    }
    c->welcome_pending = true;
}

/* Holds c's USER_LEFT notice (id and a copy of the name). */
static void hold_left(const struct client *c)
{
    struct presence_batch *b = &c->srv->announce;
    if (b->left_count == b->left_cap) {
        b->left_cap = b->left_cap ? b->left_cap * 2 : 64;
        b->left_ids = g_renew(uint32_t, b->left_ids, b->left_cap);
        b->left_names = g_renew(char *, b->left_names, b->left_cap);
    }
    b->left_ids[b->left_count] = c->id;
    b->left_names[b->left_count] = g_strdup(c->name);
    b->left_count++;
    b->type = PROTO_USER_LEFT;
}

static void online_add(struct client *c)
{
    struct server *srv = c->srv;
    if (srv->online_count == srv->online_cap) {
        srv->online_cap = srv->online_cap ? srv->online_cap * 2 : 64;
        srv->online = g_renew(struct client *, srv->online, srv->online_cap);
    }
    c->online_index = srv->online_count;
    srv->online[srv->online_count++] = c;
    page_invalidate(srv, c->online_index);
}

static void online_remove(struct client *c)
{
    struct server *srv = c->srv;
    struct client *last = srv->online[--srv->online_count];
    srv->online[c->online_index] = last;
    last->online_index = c->online_index;
    page_invalidate(srv, c->online_index);
    page_invalidate(srv, srv->online_count);
}

/* Checks a guest's name: valid, not online (here or, as last heard, on another node), not
 * a registered account's (look-alikes included). On success returns its fold key
 * (g_free), else answers and logs. */
static char *claim_guest_name(struct client *c, struct proto_str name)
{
    enum name_status st = name_check(name.ptr, name.len);
    if (st != NAME_OK) {
        client_log(c, LOG_INFO, "login refused (name invalid: %s)", name_status_text(st));
        client_send_error(c, PROTO_E_NAME_INVALID, PROTO_HELLO, 0, "%s", name_status_text(st));
        return NULL;
    }
    char *key = name_fold_key(name.ptr, name.len);
    struct store_account account = { 0 };
    int registered = store_account_find(c->srv->store, key, &account);
    store_account_clear(&account);
    if (registered != 0 || g_hash_table_contains(c->srv->names, key) ||
        cluster_presence_name(c->srv, key, NULL)) {
        char quoted[LOG_QUOTE_CAP(PROTO_MAX_NAME_BYTES)];
        client_log(c, LOG_INFO, "login refused (name taken%s: %s)",
                   registered != 0 ? " by an account" : "",
                   log_quote(quoted, sizeof quoted, name.ptr, name.len));
        client_send_error(c, PROTO_E_NAME_TAKEN, PROTO_HELLO, 0, registered != 0
                          ? "That name (or one that looks like it) belongs to a registered "
                            "account; log in with its password or choose another."
                          : "That name is already in use; choose another.");
        g_free(key);
        return NULL;
    }
    return key;
}

bool presence_version_ok(struct client *c, uint16_t version, uint16_t ref_type)
{
    if (version == PROTO_VERSION)
        return true;
    client_log(c, LOG_INFO, "login refused (protocol version %u)", (unsigned)version);
    client_send_error(c, PROTO_E_VERSION, ref_type, 0,
                      "Protocol version %u is not supported; this server speaks %u.",
                      (unsigned)version, (unsigned)PROTO_VERSION);
    client_finish(c, "unsupported protocol version");
    return false;
}

void presence_enter(struct client *c, const char *name, char *key)
{
    struct server *srv = c->srv;
    struct client *holder = g_hash_table_lookup(srv->names, key);
    if (holder != NULL) { /* the same account on another connection: this one takes over */
        client_send_error(holder, PROTO_E_SESSION_REPLACED, 0, 0,
                          "You logged in from somewhere else; this connection is closed.");
        client_finish(holder, "session replaced by a new login");
    }
    if (srv->announce.type == PROTO_USER_LEFT)
        presence_flush(srv); /* those who left are not in the newcomer's list */
    c->name = g_strdup(name);
    c->name_key = key;
    g_hash_table_insert(srv->names, key, c);
    list_remove(&c->timer_link);
    c->state = CLIENT_ONLINE;
    online_add(c);
    history_live_started(c);
    client_log(c, LOG_INFO, "login");
    hold_joined(c);
    cluster_presence_local(c, true);
}

void presence_on_hello(struct client *c, const struct proto_msg *msg)
{
    const struct proto_hello *hello = &msg->u.hello;
    if (c->state == CLIENT_ONLINE || c->auth_pending) {
        client_send_error(c, PROTO_E_ALREADY_LOGGED_IN, PROTO_HELLO, 0,
                          "This connection is already logged in.");
        return;
    }
    if (!presence_version_ok(c, hello->version, PROTO_HELLO))
        return;
    if (!c->srv->cfg.accounts.allow_guests) {
        client_log(c, LOG_INFO, "login refused (guests are off)");
        client_send_error(c, PROTO_E_GUESTS_DISABLED, PROTO_HELLO, 0,
                          "This server has no guest logins: log in or register with a "
                          "password.");
        return;
    }
    char *key = claim_guest_name(c, hello->username);
    if (key == NULL)
        return;
    if (log_enabled(LOG_DEBUG)) {
        char quoted[LOG_QUOTE_CAP(PROTO_MAX_AGENT)];
        client_log(c, LOG_DEBUG, "agent %s",
                   log_quote(quoted, sizeof quoted, hello->agent.ptr, hello->agent.len));
    }
    char *name = g_strndup(hello->username.ptr, hello->username.len);
    c->role = PROTO_ROLE_GUEST;
    presence_enter(c, name, key);
    g_free(name);
}

void presence_leave(struct client *c)
{
    struct server *srv = c->srv;
    g_hash_table_remove(srv->names, c->name_key);
    if (srv->announce.type == PROTO_USER_JOINED)
        presence_flush(srv); /* removal reorders the online list the newcomers end */
    online_remove(c);
    rooms_on_logout(c);
    cluster_presence_local(c, false);
    if (srv->stopping)
        return; /* everyone is being told the server is going away */
    hold_left(c);
}
