/* Presence across cluster nodes through Redis keys and pub/sub (cluster_presence.h). */
#include "server/cluster_presence.h"

#include <hiredis/hiredis.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "server/client.h"
#include "server/clock.h"
#include "server/cluster_link.h"
#include "server/cluster_presence_view.h"
#include "server/cluster_presence_wire.h"
#include "server/limits.h"
#include "server/server.h"

#define CHANNEL "chat:presence"
#define KEY_PREFIX "chat:node:"

/* What is known of another node's messages. */
struct node_seen {
    uint64_t seq;              /* its last message applied */
    int64_t expires;           /* monotonic: offline here unless heard from by then */
};

struct cluster_presence {
    struct server *srv;
    struct cluster_link *writer;     /* SET, PUBLISH, MGET */
    struct cluster_link *sub;        /* SUBSCRIBE chat:presence */
    bool subscribed;
    bool read_due;                   /* the others' keys are to be read (start, return) */
    bool reading;
    bool stopping;                   /* the node said it is leaving: nothing more */
    int64_t heartbeat_at;            /* monotonic */
    int64_t heard_own_by;            /* the subscription is reset if our own heartbeat
                                        has not come back by then */
    uint64_t seq;
    GByteArray *pending;             /* the pass's changes, as frames */
    struct node_seen nodes[CLUSTER_MAX_NODE_ID + 1];
    struct presence_view view;
};

/* Appends msg's frame to out. */
static void append_msg(GByteArray *out, const struct proto_msg *msg)
{
    size_t size = proto_frame_size(msg);
    if (size == 0)
        return;
    guint at = out->len;
    g_byte_array_set_size(out, at + (guint)size);
    proto_encode(msg, out->data + at);
}

static void append_client(GByteArray *out, const struct client *c, bool online)
{
    struct proto_msg m = { .type = online ? PROTO_EVENT_PRESENCE_ON : PROTO_EVENT_PRESENCE_OFF,
                           .u.presence_user = {
                               c->id, c->account_id > 0 ? (uint64_t)c->account_id : 0,
                               (uint16_t)c->role, c->presence, proto_str_of(c->name) } };
    append_msg(out, &m);
}

/* A message: the node frame, then body. */
static GByteArray *message(struct cluster_presence *p, bool full, const GByteArray *body)
{
    GByteArray *out = g_byte_array_new();
    struct proto_msg head = { .type = PROTO_EVENT_PRESENCE_NODE, .u.presence_node = {
        (uint16_t)p->srv->cfg.node_id, full, p->seq++ } };
    append_msg(out, &head);
    if (body != NULL)
        g_byte_array_append(out, body->data, body->len);
    return out;
}

static void on_written(void *data, const struct redisReply *reply)
{
    (void)data;
    (void)reply; /* a lost write is repaired by the next heartbeat */
}

static void publish(struct cluster_presence *p, const GByteArray *msg)
{
    const char *argv[] = { "PUBLISH", CHANNEL, (const char *)msg->data };
    const size_t lens[] = { 7, strlen(CHANNEL), msg->len };
    cluster_link_command(p->writer, 3, argv, lens, CLUSTER_REPLY_TIMEOUT_MS, on_written, p);
}

/* Writes this node's key and publishes its full set. */
static void heartbeat(struct cluster_presence *p, int64_t now)
{
    p->heartbeat_at = now + CLUSTER_HEARTBEAT_MS;
    if (!cluster_link_up(p->writer) || p->stopping)
        return;
    GByteArray *body = g_byte_array_new();
    for (uint32_t i = 0; i < p->srv->online_count; i++)
        append_client(body, p->srv->online[i], true);
    g_byte_array_set_size(p->pending, 0); /* the full set says it all */
    GByteArray *msg = message(p, true, body);
    char key[32], ttl[24];
    snprintf(key, sizeof key, KEY_PREFIX "%u", (unsigned)p->srv->cfg.node_id);
    snprintf(ttl, sizeof ttl, "%d", CLUSTER_NODE_TTL_MS);
    const char *argv[] = { "SET", key, (const char *)msg->data, "PX", ttl };
    const size_t lens[] = { 3, strlen(key), msg->len, 2, strlen(ttl) };
    cluster_link_command(p->writer, 5, argv, lens, CLUSTER_REPLY_TIMEOUT_MS, on_written, p);
    publish(p, msg);
    g_byte_array_unref(msg);
    g_byte_array_unref(body);
}

/* ---- Reading another node's message ---- */

/* Applies one message (a key's value or a pub/sub payload); a bad one is dropped whole. */
static void apply_message(struct cluster_presence *p, const uint8_t *bytes, size_t len)
{
    struct server *srv = p->srv;
    struct presence_message m;
    const char *why = NULL;
    if (!presence_message_parse(bytes, len, &m, &why)) {
        log_event(LOG_WARN, 0, NULL, NULL, "cluster: a presence message dropped: %s", why);
        return;
    }
    struct node_seen *seen = &p->nodes[m.node];
    if (m.node == srv->cfg.node_id) {
        p->heard_own_by = clock_mono_ms() + CLUSTER_NODE_TTL_MS;
    } else if (seen->expires == 0 || m.seq > seen->seq) { /* else older than what applied */
        seen->seq = m.seq;
        seen->expires = clock_mono_ms() + CLUSTER_NODE_TTL_MS;
        if (m.full)
            presence_view_replace(srv, &p->view, m.node, (struct remote_user *)m.on->data,
                                  m.on->len);
        for (guint i = 0; !m.full && i < m.on->len; i++)
            presence_view_on(srv, &p->view, &g_array_index(m.on, struct remote_user, i));
        for (guint i = 0; i < m.off->len; i++)
            presence_view_off(srv, &p->view, g_array_index(m.off, uint32_t, i));
        presence_view_flush(srv, &p->view);
        for (guint i = 0; i < m.typing->len; i++)
            presence_view_typing(srv, &g_array_index(m.typing, struct proto_typing, i));
    }
    presence_message_clear(&m);
}

/* ---- The subscription and the keys ---- */

static void on_message(void *data, const struct redisReply *reply)
{
    struct cluster_presence *p = data;
    if (reply == NULL) { /* the connection went: subscribe again when it is back */
        p->subscribed = false;
        return;
    }
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 ||
        reply->element[0]->type != REDIS_REPLY_STRING) {
        log_event(LOG_WARN, 0, NULL, NULL, "cluster: unexpected reply on the presence "
                  "subscription; reconnecting");
        cluster_link_reset(p->sub, "unexpected reply");
        return;
    }
    const struct redisReply *kind = reply->element[0], *payload = reply->element[2];
    if (kind->len == 9 && memcmp(kind->str, "subscribe", 9) == 0) {
        p->subscribed = true;
        p->read_due = true;
        p->heard_own_by = clock_mono_ms() + CLUSTER_NODE_TTL_MS;
        p->heartbeat_at = clock_mono_ms(); /* our own message proves the subscription */
    } else if (kind->len == 7 && memcmp(kind->str, "message", 7) == 0 &&
               payload->type == REDIS_REPLY_STRING) {
        apply_message(p, (const uint8_t *)payload->str, payload->len);
    }
}

/* The others' keys: each node's full set, as its last heartbeat wrote it. */
static void on_keys(void *data, const struct redisReply *reply)
{
    struct cluster_presence *p = data;
    p->reading = false;
    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY) {
        p->read_due = true; /* tried again at the next heartbeat */
        return;
    }
    /* What was known stays until it expires: the clock starts now Redis is back. */
    int64_t expires = clock_mono_ms() + CLUSTER_NODE_TTL_MS;
    for (uint32_t n = 1; n <= CLUSTER_MAX_NODE_ID; n++)
        if (p->nodes[n].expires != 0)
            p->nodes[n].expires = expires;
    for (size_t i = 0; i < reply->elements; i++)
        if (reply->element[i]->type == REDIS_REPLY_STRING)
            apply_message(p, (const uint8_t *)reply->element[i]->str, reply->element[i]->len);
}

static void read_keys(struct cluster_presence *p)
{
    const char *argv[CLUSTER_MAX_NODE_ID + 1];
    size_t lens[CLUSTER_MAX_NODE_ID + 1];
    char keys[CLUSTER_MAX_NODE_ID][24];
    int argc = 0;
    argv[argc] = "MGET";
    lens[argc++] = 4;
    for (uint32_t n = 1; n <= CLUSTER_MAX_NODE_ID; n++) {
        if (n == p->srv->cfg.node_id)
            continue;
        snprintf(keys[n - 1], sizeof keys[n - 1], KEY_PREFIX "%u", (unsigned)n);
        argv[argc] = keys[n - 1];
        lens[argc++] = strlen(keys[n - 1]);
    }
    if (cluster_link_command(p->writer, argc, argv, lens, CLUSTER_REPLY_TIMEOUT_MS, on_keys,
                             p)) {
        p->read_due = false;
        p->reading = true;
    }
}

static void on_sub_state(void *data, bool up, const char *why)
{
    struct cluster_presence *p = data;
    (void)why;
    p->subscribed = false;
    if (up && !cluster_link_subscribe(p->sub, CHANNEL, on_message, p))
        cluster_link_reset(p->sub, "cannot subscribe");
}

static void on_writer_state(void *data, bool up, const char *why)
{
    struct cluster_presence *p = data;
    char quoted[LOG_QUOTE_CAP(256)];
    log_quote(quoted, sizeof quoted, why, strnlen(why, 256));
    if (up) {
        p->heartbeat_at = clock_mono_ms();
        p->read_due = true; /* the others' keys again: their expiry restarts now */
        log_event(LOG_INFO, 0, NULL, NULL, "cluster: presence is up");
    } else {
        log_event(LOG_WARN, 0, NULL, NULL, "cluster: presence cannot reach Redis (%s): the "
                  "other nodes' users stay as last known until it returns", quoted);
    }
}

/* ---- Life cycle ---- */

struct cluster_presence *cluster_presence_new(struct server *srv,
                                              const struct cluster_addr *addr)
{
    struct cluster_presence *p = g_new0(struct cluster_presence, 1);
    p->srv = srv;
    p->seq = (uint64_t)clock_wall_ms() * 1000;
    p->pending = g_byte_array_new();
    p->heartbeat_at = clock_mono_ms();
    presence_view_init(&p->view);
    p->writer = cluster_link_new(srv->loop, addr, "presence", on_writer_state, p);
    p->sub = cluster_link_new(srv->loop, addr, "presence subscription", on_sub_state, p);
    return p;
}

void cluster_presence_free(struct cluster_presence *p)
{
    if (p == NULL)
        return;
    if (p->stopping)
        cluster_link_flush(p->writer); /* its leaving, if the loop has not sent it yet */
    cluster_link_free(p->sub);
    cluster_link_free(p->writer);
    g_byte_array_unref(p->pending);
    presence_view_clear(&p->view);
    g_free(p);
}

/* True while what is known of the others can expire: Redis answers us. */
static bool following(const struct cluster_presence *p)
{
    return p->subscribed && cluster_link_up(p->writer) && !p->read_due && !p->reading;
}

int64_t cluster_presence_deadline(const struct cluster_presence *p, int64_t now)
{
    int64_t next = p->heartbeat_at;
    int w = cluster_link_timeout(p->writer, now), s = cluster_link_timeout(p->sub, now);
    if (w >= 0)
        next = MIN(next, now + w);
    if (s >= 0)
        next = MIN(next, now + s);
    if (!following(p))
        return next;
    next = MIN(next, p->heard_own_by);
    for (uint32_t n = 1; n <= CLUSTER_MAX_NODE_ID; n++)
        if (p->nodes[n].expires != 0)
            next = MIN(next, p->nodes[n].expires);
    return next;
}

void cluster_presence_tick(struct cluster_presence *p, int64_t now)
{
    cluster_link_tick(p->writer, now);
    cluster_link_tick(p->sub, now);
    if (now >= p->heartbeat_at)
        heartbeat(p, now);
    if (p->read_due && p->subscribed && cluster_link_up(p->writer))
        read_keys(p);
    if (!following(p))
        return;
    if (now >= p->heard_own_by) {
        log_event(LOG_WARN, 0, NULL, NULL, "cluster: the presence subscription hears "
                  "nothing; reconnecting");
        cluster_link_reset(p->sub, "heard nothing");
        return;
    }
    for (uint32_t n = 1; n <= CLUSTER_MAX_NODE_ID; n++) {
        if (p->nodes[n].expires == 0 || p->nodes[n].expires > now)
            continue;
        log_event(LOG_INFO, 0, NULL, NULL, "cluster: node %u not heard from for %d ms: its "
                  "users are offline here", (unsigned)n, CLUSTER_NODE_TTL_MS);
        p->nodes[n] = (struct node_seen){ 0, 0 };
        presence_view_replace(p->srv, &p->view, n, NULL, 0);
        presence_view_flush(p->srv, &p->view);
    }
}

/* ---- This node's side ---- */

static struct cluster_presence *of(const struct server *srv)
{
    return srv->cluster_presence;
}

void cluster_presence_stopping(struct server *srv)
{
    struct cluster_presence *p = of(srv);
    if (p == NULL || p->stopping)
        return;
    p->stopping = true;
    g_byte_array_set_size(p->pending, 0);
    if (!cluster_link_up(p->writer))
        return;
    char key[32];
    snprintf(key, sizeof key, KEY_PREFIX "%u", (unsigned)srv->cfg.node_id);
    const char *argv[] = { "DEL", key };
    const size_t lens[] = { 3, strlen(key) };
    cluster_link_command(p->writer, 2, argv, lens, CLUSTER_REPLY_TIMEOUT_MS, on_written, p);
    GByteArray *msg = message(p, true, NULL); /* a full set of nobody */
    publish(p, msg);
    g_byte_array_unref(msg);
}

void cluster_presence_local(struct client *c, bool online)
{
    struct cluster_presence *p = of(c->srv);
    if (p == NULL || p->stopping)
        return;
    if (p->pending->len > CLUSTER_PRESENCE_MAX_BYTES / 2) {
        g_byte_array_set_size(p->pending, 0); /* a login storm: the full set instead */
        p->heartbeat_at = clock_mono_ms();
        return;
    }
    append_client(p->pending, c, online);
}

void cluster_presence_typing(struct server *srv, const struct proto_typing *t)
{
    struct cluster_presence *p = of(srv);
    if (p == NULL || p->stopping || p->pending->len > CLUSTER_PRESENCE_MAX_BYTES / 2)
        return; /* losing a typing notice is harmless */
    append_msg(p->pending, &(struct proto_msg){ .type = PROTO_EVENT_TYPING, .u.typing = *t });
}

void cluster_presence_flush(struct server *srv)
{
    struct cluster_presence *p = of(srv);
    if (p == NULL || p->pending->len == 0)
        return;
    if (cluster_link_up(p->writer)) {
        GByteArray *msg = message(p, false, p->pending);
        publish(p, msg);
        g_byte_array_unref(msg);
    }
    g_byte_array_set_size(p->pending, 0); /* if lost, the next heartbeat repairs it */
}

uint32_t cluster_presence_count(const struct server *srv)
{
    const struct cluster_presence *p = of(srv);
    return p != NULL ? g_hash_table_size(p->view.conns) : 0;
}

void cluster_presence_send_list(struct client *c)
{
    const struct cluster_presence *p = of(c->srv);
    if (p != NULL)
        presence_view_send_list(c, &p->view);
}

bool cluster_presence_account(const struct server *srv, int64_t account, bool *away)
{
    const struct cluster_presence *p = of(srv);
    if (away != NULL)
        *away = false;
    return p != NULL && presence_view_account(&p->view, account, away);
}

bool cluster_presence_name(const struct server *srv, const char *key,
                           struct cluster_remote_user *out)
{
    const struct cluster_presence *p = of(srv);
    return p != NULL && presence_view_name(&p->view, key, out);
}
