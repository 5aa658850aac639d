/* One Redis connection in our event loop (cluster_link.h). */
#include "server/cluster_link.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/clock.h"
#include "server/ev.h"
#include "server/limits.h"

/* A command waiting for its reply; they are answered in the order they were sent. */
struct link_cmd {
    struct cluster_link *link;
    cluster_reply_fn *fn;
    void *data;
    int64_t deadline;          /* monotonic ms */
    bool subscribed;           /* a SUBSCRIBE: told every message until the link drops */
    struct link_cmd *next;
};

struct cluster_link {
    struct ev_loop *loop;
    struct cluster_addr addr;
    char *name;
    cluster_link_state_fn *on_state;
    void *data;

    redisAsyncContext *ac;     /* NULL while down and waiting to retry */
    int fd;                    /* the watched fd of ac, -1 when none */
    int mask;                  /* what hiredis asked the loop to wait for */
    bool up;                   /* ac answered its PING */
    bool told_down;            /* on_state heard of this outage already */
    int64_t up_by;             /* connected but not up: dropped if still not up then */
    char refusal[128];         /* why Redis refused the PING, when it did */
    int64_t retry_at;          /* next connection attempt while ac is NULL */
    int64_t backoff_ms;
    struct link_cmd *head, *tail;
};

bool cluster_addr_parse(const char *url, struct cluster_addr *addr, char *err, size_t errlen)
{
    static const char scheme[] = "redis://";
    if (strncmp(url, scheme, sizeof scheme - 1) != 0) {
        snprintf(err, errlen, "'%s' is not a redis://HOST:PORT address", url);
        return false;
    }
    const char *host = url + sizeof scheme - 1;
    const char *colon = strrchr(host, ':');
    size_t host_len = colon != NULL ? (size_t)(colon - host) : 0;
    if (host_len == 0 || host_len >= sizeof addr->host) {
        snprintf(err, errlen, "'%s' has no HOST:PORT after redis://", url);
        return false;
    }
    memcpy(addr->host, host, host_len);
    addr->host[host_len] = '\0';
    struct in_addr ip;
    if (inet_pton(AF_INET, addr->host, &ip) != 1) { /* a name would need a blocking lookup */
        snprintf(err, errlen, "the host of '%s' must be an IPv4 address", url);
        return false;
    }
    char *end;
    errno = 0;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || errno != 0 || port == 0 ||
        port > 65535) {
        snprintf(err, errlen, "the port of '%s' must be 1-65535", url);
        return false;
    }
    addr->port = (uint16_t)port;
    return true;
}

/* ---- The five hooks hiredis calls, on our loop ---- */

static void link_set_mask(struct cluster_link *link, int mask)
{
    if (link->fd >= 0 && mask != link->mask)
        ev_set_mask(link->loop, link->fd, mask);
    link->mask = mask;
}

static void hook_add_read(void *p)
{
    struct cluster_link *link = p;
    link_set_mask(link, link->mask | EV_READ);
}

static void hook_del_read(void *p)
{
    struct cluster_link *link = p;
    link_set_mask(link, link->mask & ~EV_READ);
}

static void hook_add_write(void *p)
{
    struct cluster_link *link = p;
    link_set_mask(link, link->mask | EV_WRITE);
}

static void hook_del_write(void *p)
{
    struct cluster_link *link = p;
    link_set_mask(link, link->mask & ~EV_WRITE);
}

/* hiredis is about to close the fd. */
static void hook_cleanup(void *p)
{
    struct cluster_link *link = p;
    if (link->fd >= 0)
        ev_unwatch(link->loop, link->fd);
    link->fd = -1;
    link->mask = EV_NONE;
}

static void link_on_ready(int fd, int mask, void *data)
{
    struct cluster_link *link = data;
    (void)fd;
    /* A read may end the connection (hiredis then frees ac and clears link->ac). */
    if ((mask & EV_READ) && link->ac != NULL)
        redisAsyncHandleRead(link->ac);
    if ((mask & EV_WRITE) && link->ac != NULL)
        redisAsyncHandleWrite(link->ac);
}

/* ---- Going down and coming up ---- */

static void link_tell(struct cluster_link *link, bool up, const char *why)
{
    if (link->on_state != NULL)
        link->on_state(link->data, up, why);
}

/* The connection is gone (or never came): retry later, and say so once per outage. */
static void link_lost(struct cluster_link *link, const char *why)
{
    link->ac = NULL;
    link->up = false;
    link->retry_at = clock_mono_ms() + link->backoff_ms;
    link->backoff_ms = MIN(link->backoff_ms * 2, CLUSTER_RECONNECT_MAX_MS);
    if (!link->told_down) {
        link->told_down = true;
        link_tell(link, false, why);
    }
}

static void on_connect(const redisAsyncContext *ac, int status)
{
    struct cluster_link *link = ac->data;
    if (status != REDIS_OK && link->ac == ac) /* hiredis frees ac when this returns */
        link_lost(link, ac->errstr[0] != '\0' ? ac->errstr : "cannot connect");
}

static void on_disconnect(const redisAsyncContext *ac, int status)
{
    struct cluster_link *link = ac->data;
    (void)status;
    if (link->ac == ac)
        link_lost(link, ac->errstr[0] != '\0' ? ac->errstr : "connection closed");
}

static void on_ping(void *data, const struct redisReply *reply)
{
    struct cluster_link *link = data;
    if (reply == NULL)
        return; /* the connection is going down already */
    if (reply->type == REDIS_REPLY_ERROR) { /* e.g. LOADING: dropped at the next tick */
        snprintf(link->refusal, sizeof link->refusal, "Redis refused the connection: %s",
                 reply->str);
        link->up_by = clock_mono_ms();
        return;
    }
    link->up = true;
    link->told_down = false;
    link->backoff_ms = CLUSTER_RECONNECT_MIN_MS;
    link_tell(link, true, "connected");
}

static bool link_send(struct cluster_link *link, int argc, const char **argv,
                      const size_t *lens, int64_t timeout_ms, cluster_reply_fn *fn, void *data,
                      bool subscribed);

/* Starts a connection; the link comes up when Redis answers its PING. */
static void link_connect(struct cluster_link *link)
{
    redisAsyncContext *ac = redisAsyncConnect(link->addr.host, link->addr.port);
    if (ac == NULL) {
        link_lost(link, "out of memory");
        return;
    }
    if (ac->err) {
        char why[128];
        snprintf(why, sizeof why, "%s", ac->errstr);
        redisAsyncFree(ac);
        link_lost(link, why);
        return;
    }
    if (ev_watch(link->loop, ac->c.fd, EV_NONE, link_on_ready, link) != EV_OK) {
        redisAsyncFree(ac);
        link_lost(link, "its socket is beyond what the event loop can watch");
        return;
    }
    link->ac = ac;
    link->up_by = clock_mono_ms() + CLUSTER_REPLY_TIMEOUT_MS;
    link->refusal[0] = '\0';
    link->fd = ac->c.fd;
    link->mask = EV_NONE;
    ac->data = link;
    ac->ev.data = link;
    ac->ev.addRead = hook_add_read;
    ac->ev.delRead = hook_del_read;
    ac->ev.addWrite = hook_add_write;
    ac->ev.delWrite = hook_del_write;
    ac->ev.cleanup = hook_cleanup;
    redisAsyncSetConnectCallback(ac, on_connect);
    redisAsyncSetDisconnectCallback(ac, on_disconnect);
    static const char *ping[] = { "PING" };
    static const size_t ping_len[] = { 4 };
    link_send(link, 1, ping, ping_len, CLUSTER_REPLY_TIMEOUT_MS, on_ping, link, false);
}

/* Ends the connection now: every waiting command is told NULL. */
static void link_drop(struct cluster_link *link)
{
    redisAsyncContext *ac = link->ac;
    link->ac = NULL; /* so the callbacks below see the link down */
    link->up = false;
    if (ac != NULL)
        redisAsyncFree(ac);
}

/* ---- Commands ---- */

static void link_unqueue(struct cluster_link *link, struct link_cmd *cmd)
{
    struct link_cmd **p = &link->head, *prev = NULL;
    while (*p != NULL && *p != cmd) {
        prev = *p;
        p = &(*p)->next;
    }
    if (*p == NULL)
        return;
    *p = cmd->next;
    if (link->tail == cmd)
        link->tail = prev;
}

static void on_reply(redisAsyncContext *ac, void *reply, void *privdata)
{
    struct link_cmd *cmd = privdata;
    (void)ac;
    link_unqueue(cmd->link, cmd); /* a subscription's deadline is its confirmation's */
    cmd->fn(cmd->data, reply);
    if (!cmd->subscribed || reply == NULL) /* hiredis tells a subscription NULL once, */
        g_free(cmd);                       /* when the connection goes */
}

/* Queues a command; false (fn not called, the link dropped) if hiredis refused it. */
static bool link_send(struct cluster_link *link, int argc, const char **argv,
                      const size_t *lens, int64_t timeout_ms, cluster_reply_fn *fn, void *data,
                      bool subscribed)
{
    struct link_cmd *cmd = g_new0(struct link_cmd, 1);
    *cmd = (struct link_cmd){ link, fn, data, clock_mono_ms() + timeout_ms, subscribed, NULL };
    if (link->tail != NULL)
        link->tail->next = cmd;
    else
        link->head = cmd;
    link->tail = cmd;
    if (redisAsyncCommandArgv(link->ac, on_reply, cmd, argc, argv, lens) != REDIS_OK) {
        link_unqueue(link, cmd);
        g_free(cmd);
        link_drop(link);
        link_lost(link, "cannot queue a command");
        return false;
    }
    return true;
}

bool cluster_link_command(struct cluster_link *link, int argc, const char **argv,
                          const size_t *lens, int64_t timeout_ms, cluster_reply_fn *fn,
                          void *data)
{
    if (!link->up || link->ac == NULL)
        return false;
    return link_send(link, argc, argv, lens, timeout_ms, fn, data, false);
}

bool cluster_link_subscribe(struct cluster_link *link, const char *channel,
                            cluster_reply_fn *fn, void *data)
{
    if (!link->up || link->ac == NULL)
        return false;
    const char *argv[] = { "SUBSCRIBE", channel };
    const size_t lens[] = { 9, strlen(channel) };
    return link_send(link, 2, argv, lens, CLUSTER_REPLY_TIMEOUT_MS, fn, data, true);
}

void cluster_link_flush(struct cluster_link *link)
{
    if (link->ac != NULL && (link->mask & EV_WRITE))
        redisAsyncHandleWrite(link->ac);
}

void cluster_link_reset(struct cluster_link *link, const char *why)
{
    if (link->ac == NULL)
        return;
    link_drop(link);
    link_lost(link, why);
}

/* ---- Life cycle and deadlines ---- */

struct cluster_link *cluster_link_new(struct ev_loop *loop, const struct cluster_addr *addr,
                                      const char *name, cluster_link_state_fn *on_state,
                                      void *data)
{
    struct cluster_link *link = g_new0(struct cluster_link, 1);
    link->loop = loop;
    link->addr = *addr;
    link->name = g_strdup(name);
    link->on_state = on_state;
    link->data = data;
    link->fd = -1;
    link->backoff_ms = CLUSTER_RECONNECT_MIN_MS;
    link_connect(link);
    return link;
}

void cluster_link_free(struct cluster_link *link)
{
    if (link == NULL)
        return;
    link->on_state = NULL;
    link_drop(link);
    g_free(link->name);
    g_free(link);
}

bool cluster_link_up(const struct cluster_link *link)
{
    return link->up;
}

const char *cluster_link_name(const struct cluster_link *link)
{
    return link->name;
}

/* The earliest reply deadline, or INT64_MAX. */
static int64_t link_reply_deadline(const struct cluster_link *link)
{
    int64_t first = INT64_MAX;
    for (const struct link_cmd *c = link->head; c != NULL; c = c->next)
        first = MIN(first, c->deadline);
    return first;
}

int cluster_link_timeout(const struct cluster_link *link, int64_t now_ms)
{
    int64_t at = link->ac == NULL ? link->retry_at
               : link->up ? link_reply_deadline(link)
                          : MIN(link_reply_deadline(link), link->up_by);
    if (at == INT64_MAX)
        return -1;
    return at <= now_ms ? 0 : (int)MIN(at - now_ms, INT32_MAX);
}

void cluster_link_tick(struct cluster_link *link, int64_t now_ms)
{
    if (link->ac == NULL) {
        if (now_ms >= link->retry_at)
            link_connect(link);
        return;
    }
    bool late = link_reply_deadline(link) <= now_ms;
    if (!late && (link->up || now_ms < link->up_by))
        return;
    char why[sizeof link->refusal];
    snprintf(why, sizeof why, "%s", !late && link->refusal[0] != '\0'
                                        ? link->refusal : "Redis did not answer in time");
    link_drop(link);
    link_lost(link, why);
}
