/* Login and the online list. The list is an unordered array (swap-remove keeps leaving
 * O(1)); names are unique under their fold key, so "Alice" and "alice" cannot both be
 * online. */
#include "server/presence.h"

#include <string.h>

#include "common/validate.h"
#include "server/client.h"
#include "server/clock.h"

/* A USER_JOINED or USER_LEFT frame naming one client. */
static struct frame *frame_one_user(uint16_t type, const struct client *c)
{
    uint32_t id = c->id;
    struct proto_str name = proto_str_of(c->name);
    size_t size = PROTO_HEADER_SIZE + 2 + 4 + 2 + name.len;
    struct frame *f = frame_new(size);
    f->len = (uint32_t)proto_encode_users(type, &id, &name, 1, f->data, size);
    return f;
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
    if (srv->user_pages[page] != NULL)
        return srv->user_pages[page];
    uint32_t ids[PROTO_MAX_USERS_PER_FRAME];
    struct proto_str names[PROTO_MAX_USERS_PER_FRAME];
    uint32_t start = page * PROTO_MAX_USERS_PER_FRAME;
    uint32_t count = MIN(srv->online_count - start, PROTO_MAX_USERS_PER_FRAME);
    size_t size = PROTO_HEADER_SIZE + 2;
    for (uint32_t i = 0; i < count; i++) {
        const struct client *member = srv->online[start + i];
        ids[i] = member->id;
        names[i] = proto_str_of(member->name);
        size += 4 + 2 + names[i].len;
    }
    struct frame *f = frame_new(size);
    f->len = (uint32_t)proto_encode_users(PROTO_USER_LIST, ids, names, count, f->data, size);
    srv->user_pages[page] = f;
    return f;
}

/* Releases the cached pages (the server is going away). */
void presence_free(struct server *srv)
{
    for (uint32_t page = 0; page < srv->user_pages_cap; page++)
        if (srv->user_pages[page] != NULL)
            frame_unref(srv->user_pages[page]);
    g_free(srv->user_pages);
    srv->user_pages = NULL;
    srv->user_pages_cap = 0;
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
            .users_online = srv->online_count,
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

/* Checks the name; on success returns its fold key (g_free), else answers and logs. */
static char *claim_name(struct client *c, struct proto_str name)
{
    enum name_status st = name_check(name.ptr, name.len);
    if (st != NAME_OK) {
        client_log(c, LOG_INFO, "login refused (name invalid: %s)", name_status_text(st));
        client_send_error(c, PROTO_E_NAME_INVALID, PROTO_HELLO, 0, "%s", name_status_text(st));
        return NULL;
    }
    char *key = name_fold_key(name.ptr, name.len);
    if (g_hash_table_contains(c->srv->names, key)) {
        char quoted[LOG_QUOTE_CAP(PROTO_MAX_NAME_BYTES)];
        client_log(c, LOG_INFO, "login refused (name taken: %s)",
                   log_quote(quoted, sizeof quoted, name.ptr, name.len));
        client_send_error(c, PROTO_E_NAME_TAKEN, PROTO_HELLO, 0,
                          "That name is already in use; choose another.");
        g_free(key);
        return NULL;
    }
    return key;
}

void presence_on_hello(struct client *c, const struct proto_msg *msg)
{
    const struct proto_hello *hello = &msg->u.hello;
    if (c->state == CLIENT_ONLINE) {
        client_send_error(c, PROTO_E_ALREADY_LOGGED_IN, PROTO_HELLO, 0,
                          "This connection is already logged in.");
        return;
    }
    if (hello->version != PROTO_VERSION) {
        client_log(c, LOG_INFO, "login refused (protocol version %u)", (unsigned)hello->version);
        client_send_error(c, PROTO_E_VERSION, PROTO_HELLO, 0,
                          "Protocol version %u is not supported; this server speaks %u.",
                          (unsigned)hello->version, (unsigned)PROTO_VERSION);
        client_finish(c, "unsupported protocol version");
        return;
    }
    char *key = claim_name(c, hello->username);
    if (key == NULL)
        return;
    struct server *srv = c->srv;
    c->name = g_strndup(hello->username.ptr, hello->username.len);
    c->name_key = key;
    g_hash_table_insert(srv->names, key, c);
    list_remove(&c->timer_link);
    c->state = CLIENT_ONLINE;
    online_add(c);
    client_log(c, LOG_INFO, "login");
    if (log_enabled(LOG_DEBUG)) {
        char quoted[LOG_QUOTE_CAP(PROTO_MAX_AGENT)];
        client_log(c, LOG_DEBUG, "agent %s",
                   log_quote(quoted, sizeof quoted, hello->agent.ptr, hello->agent.len));
    }

    send_welcome(c);
    send_user_list(c);
    struct frame *joined = frame_one_user(PROTO_USER_JOINED, c);
    client_broadcast(srv, joined, c);
    frame_unref(joined);
}

void presence_leave(struct client *c)
{
    struct server *srv = c->srv;
    g_hash_table_remove(srv->names, c->name_key);
    online_remove(c);
    if (srv->stopping)
        return; /* everyone is being told the server is going away */
    struct frame *left = frame_one_user(PROTO_USER_LEFT, c);
    client_broadcast(srv, left, NULL);
    frame_unref(left);
}
