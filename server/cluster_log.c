/* The cluster's stream of events (cluster_log.h). */
#include "server/cluster_log.h"

#include <glib.h>
#include <hiredis/hiredis.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "server/cluster_link.h"
#include "server/limits.h"

enum told { TOLD_NOTHING, TOLD_DOWN, TOLD_UP };

struct cluster_log {
    struct cluster_link *writer, *reader;
    char *stream;
    uint32_t node;
    struct cluster_id last;
    const struct cluster_log_ops *ops;
    void *data;
    bool checked;              /* the stream was checked since the reader connected */
    bool reading;              /* an XINFO or XREAD waits for its reply */
    bool hold;                 /* cluster_log_hold_batches() was called */
    bool held;                 /* an applied batch waits for cluster_log_committed() */
    bool refused;              /* the stream cannot be applied on from last */
    enum told told;
};

bool cluster_id_parse(const char *s, size_t len, struct cluster_id *id)
{
    uint64_t part[2] = { 0, 0 };
    int n = 0;
    size_t digits = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '-' && n == 0 && digits > 0) {
            n = 1;
            digits = 0;
        } else if (s[i] >= '0' && s[i] <= '9' && part[n] <= (UINT64_MAX - 9) / 10) {
            part[n] = part[n] * 10 + (uint64_t)(s[i] - '0');
            digits++;
        } else {
            return false;
        }
    }
    if (n != 1 || digits == 0)
        return false;
    *id = (struct cluster_id){ part[0], part[1] };
    return true;
}

int cluster_id_cmp(struct cluster_id a, struct cluster_id b)
{
    if (a.ms != b.ms)
        return a.ms < b.ms ? -1 : 1;
    return a.seq < b.seq ? -1 : a.seq > b.seq;
}

/* A whole decimal number of len bytes, at most max. */
static bool parse_decimal(const char *s, size_t len, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (len == 0 || len > 20)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (max - (uint64_t)(s[i] - '0')) / 10)
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

static bool reply_is(const redisReply *r, const char *s)
{
    return r->type == REDIS_REPLY_STRING && r->len == strlen(s) && memcmp(r->str, s, r->len) == 0;
}

/* ---- State ---- */

bool cluster_log_up(const struct cluster_log *log)
{
    /* A link may report its state while the other is still being made. */
    return log->writer != NULL && log->reader != NULL && cluster_link_up(log->writer) &&
           cluster_link_up(log->reader) && log->checked && !log->refused;
}

/* Tells the owner when the log as a whole came up or went down. */
static void log_tell(struct cluster_log *log, const char *why)
{
    bool up = cluster_log_up(log);
    enum told now = up ? TOLD_UP : TOLD_DOWN;
    if (now == log->told || (!up && log->refused))
        return;
    log->told = now;
    log->ops->state(log->data, up, up ? "connected, stream checked" : why ? why : "down");
}

static void log_refuse(struct cluster_log *log, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void log_refuse(struct cluster_log *log, const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    log->refused = true;
    log->ops->refuse(log->data, why);
}

/* ---- Reading: check the stream, then XREAD from the last id, batch after batch ---- */

static void log_pump(struct cluster_log *log);

/* What XINFO STREAM says of the stream's history. */
struct stream_info {
    uint64_t length, added;    /* entries held; entries ever added */
    struct cluster_id generated, first, deleted; /* the last id given; the first entry
                                                    held; the highest one deleted */
};

/* Reads info from an XINFO STREAM reply (a flat list of names and values). */
static bool stream_info_parse(const redisReply *reply, struct stream_info *info)
{
    unsigned found = 0;
    for (size_t i = 0; reply->type == REDIS_REPLY_ARRAY && i + 1 < reply->elements; i += 2) {
        const redisReply *k = reply->element[i], *v = reply->element[i + 1];
        bool str = v->type == REDIS_REPLY_STRING, num = v->type == REDIS_REPLY_INTEGER;
        if (reply_is(k, "length") && num && v->integer >= 0)
            info->length = (uint64_t)v->integer, found |= 1;
        else if (reply_is(k, "entries-added") && num && v->integer >= 0)
            info->added = (uint64_t)v->integer, found |= 2;
        else if (reply_is(k, "last-generated-id") && str &&
                 cluster_id_parse(v->str, v->len, &info->generated))
            found |= 4;
        else if (reply_is(k, "recorded-first-entry-id") && str &&
                 cluster_id_parse(v->str, v->len, &info->first))
            found |= 8;
        else if (reply_is(k, "max-deleted-entry-id") && str &&
                 cluster_id_parse(v->str, v->len, &info->deleted))
            found |= 16;
    }
    return found == 31;
}

/* True when entries after last may have been removed: deleted ones above it, or trimmed
 * ones (Redis 7.0 records trimming only as fewer entries held than added) between it and
 * the first one held. A node exactly at the last trimmed entry is refused too: rare,
 * and a rebuild loses nothing. */
static bool stream_lost_after(const struct stream_info *info, struct cluster_id last)
{
    if (cluster_id_cmp(info->deleted, last) > 0)
        return true;
    if (info->added == info->length)
        return false; /* nothing ever removed */
    if (info->length == 0)
        return cluster_id_cmp(last, info->generated) < 0;
    return cluster_id_cmp(last, info->first) < 0;
}

/* Checks an XINFO STREAM reply (a flat list of names and values) against last. */
static void on_checked(void *data, const struct redisReply *reply)
{
    struct cluster_log *log = data;
    log->reading = false;
    if (reply == NULL)
        return; /* the reader went down: checked again when it is back */
    const struct cluster_id zero = { 0, 0 };
    if (reply->type == REDIS_REPLY_ERROR && strstr(reply->str, "no such key") != NULL) {
        if (cluster_id_cmp(log->last, zero) != 0)
            log_refuse(log, "the stream %s does not exist, but this node applied it up to "
                       "%" PRIu64 "-%" PRIu64 ": Redis lost its data; restore it, or "
                       "rebuild this node (docs/CLUSTER.md)", log->stream, log->last.ms,
                       log->last.seq);
        log->checked = !log->refused;
        log_tell(log, NULL);
        log_pump(log);
        return;
    }
    struct stream_info info;
    if (reply->type == REDIS_REPLY_ERROR)
        log_refuse(log, "Redis refused XINFO STREAM %s: %s", log->stream, reply->str);
    else if (!stream_info_parse(reply, &info))
        log_refuse(log, "XINFO STREAM %s lacks fields the cluster needs: it needs Redis 7.0 "
                   "or later", log->stream);
    else if (cluster_id_cmp(info.generated, log->last) < 0)
        log_refuse(log, "the stream %s ends at %" PRIu64 "-%" PRIu64 ", before this node's "
                   "last applied entry %" PRIu64 "-%" PRIu64 ": Redis lost data; restore "
                   "it, or rebuild this node (docs/CLUSTER.md)", log->stream,
                   info.generated.ms, info.generated.seq, log->last.ms, log->last.seq);
    else if (stream_lost_after(&info, log->last))
        log_refuse(log, "this node last applied %" PRIu64 "-%" PRIu64 " but the stream %s "
                   "no longer holds the entries after it (trimmed to MAXLEN): rebuild this "
                   "node from a peer's backup (docs/CLUSTER.md)", log->last.ms,
                   log->last.seq, log->stream);
    log->checked = !log->refused;
    log_tell(log, NULL);
    log_pump(log);
}

/* Hands one XREAD entry ([id, [field, value, ...]]) to apply, or to skipped. */
static void log_take_entry(struct cluster_log *log, const redisReply *e)
{
    struct cluster_id id;
    if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
        e->element[0]->type != REDIS_REPLY_STRING ||
        !cluster_id_parse(e->element[0]->str, e->element[0]->len, &id) ||
        cluster_id_cmp(id, log->last) <= 0)
        return; /* not an entry after last at all: nothing to skip past */
    log->last = id;
    const redisReply *f = e->element[1];
    const char *why = NULL;
    const redisReply *v = NULL, *n = NULL, *r = NULL, *ev = NULL;
    if (f->type != REDIS_REPLY_ARRAY || f->elements != 8)
        why = "not the four fields v, n, r, e";
    for (size_t i = 0; why == NULL && i < f->elements; i += 2) {
        const redisReply *k = f->element[i], *val = f->element[i + 1];
        const redisReply **slot = reply_is(k, "v") ? &v : reply_is(k, "n") ? &n
                                : reply_is(k, "r") ? &r : reply_is(k, "e") ? &ev : NULL;
        if (slot == NULL || *slot != NULL || val->type != REDIS_REPLY_STRING)
            why = "not the four fields v, n, r, e";
        else
            *slot = val;
    }
    uint64_t node = 0, request = 0;
    if (why == NULL && !reply_is(v, "1"))
        why = "an encoding version this node does not know";
    else if (why == NULL && !parse_decimal(n->str, n->len, CLUSTER_MAX_NODE_ID, &node))
        why = "no node id in range";
    else if (why == NULL && (node == 0 || !parse_decimal(r->str, r->len, UINT64_MAX, &request)))
        why = node == 0 ? "no node id in range" : "no request number";
    else if (why == NULL && ev->len > CLUSTER_MAX_EVENT_BYTES)
        why = "an event larger than any this program writes";
    if (why != NULL) {
        log->ops->skipped(log->data, id, why);
        return;
    }
    struct cluster_entry entry = { id, (uint32_t)node, request, (const uint8_t *)ev->str,
                                   ev->len };
    log->ops->apply(log->data, &entry);
}

/* Applies an XREAD reply: nil (the block time passed) or [[stream, [entry...]]]. */
static void on_read(void *data, const struct redisReply *reply)
{
    struct cluster_log *log = data;
    log->reading = false;
    if (reply == NULL)
        return;
    if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 1 &&
        reply->element[0]->type == REDIS_REPLY_ARRAY && reply->element[0]->elements == 2 &&
        reply->element[0]->element[1]->type == REDIS_REPLY_ARRAY) {
        const redisReply *entries = reply->element[0]->element[1];
        for (size_t i = 0; i < entries->elements && !log->refused; i++)
            log_take_entry(log, entries->element[i]);
        log->held = log->hold && entries->elements > 0;
    } else if (reply->type == REDIS_REPLY_ERROR) {
        log_refuse(log, "Redis refused to read the stream %s: %s", log->stream, reply->str);
    }
    log_pump(log);
}

/* Sends the reader's next command: the check once per connection, then XREAD. */
static void log_pump(struct cluster_log *log)
{
    if (log->reading || log->held || log->refused || log->reader == NULL ||
        !cluster_link_up(log->reader))
        return;
    if (!log->checked) {
        const char *argv[] = { "XINFO", "STREAM", log->stream };
        size_t lens[] = { 5, 6, strlen(log->stream) };
        log->reading = cluster_link_command(log->reader, 3, argv, lens,
                                            CLUSTER_REPLY_TIMEOUT_MS, on_checked, log);
        return;
    }
    char count[16], block[16], after[48];
    snprintf(count, sizeof count, "%u", CLUSTER_READ_BATCH);
    snprintf(block, sizeof block, "%d", CLUSTER_READ_BLOCK_MS);
    snprintf(after, sizeof after, "%" PRIu64 "-%" PRIu64, log->last.ms, log->last.seq);
    const char *argv[] = { "XREAD", "COUNT", count, "BLOCK", block, "STREAMS", log->stream,
                           after };
    size_t lens[G_N_ELEMENTS(argv)];
    for (size_t i = 0; i < G_N_ELEMENTS(argv); i++)
        lens[i] = strlen(argv[i]);
    log->reading = cluster_link_command(log->reader, (int)G_N_ELEMENTS(argv), argv, lens,
                                        CLUSTER_READ_BLOCK_MS + CLUSTER_REPLY_TIMEOUT_MS,
                                        on_read, log);
}

static void on_reader_state(void *data, bool up, const char *why)
{
    struct cluster_log *log = data;
    log->checked = false; /* Redis may have restarted: check again before reading */
    if (up)
        log_pump(log);
    log_tell(log, why);
}

static void on_writer_state(void *data, bool up, const char *why)
{
    (void)up;
    log_tell(data, why);
}

/* ---- Appending ---- */

struct append {
    struct cluster_log *log;
    uint64_t request;
};

static void on_appended(void *data, const struct redisReply *reply)
{
    struct append *a = data;
    if (reply == NULL)
        a->log->ops->append_failed(a->log->data, a->request, true);
    else if (reply->type != REDIS_REPLY_STRING)
        a->log->ops->append_failed(a->log->data, a->request, false);
    g_free(a);
}

bool cluster_log_append(struct cluster_log *log, uint64_t request, const void *event,
                        size_t len)
{
    if (!cluster_log_up(log))
        return false;
    char maxlen[16], node[16], req[24];
    snprintf(maxlen, sizeof maxlen, "%u", CLUSTER_STREAM_MAXLEN);
    snprintf(node, sizeof node, "%" PRIu32, log->node);
    snprintf(req, sizeof req, "%" PRIu64, request);
    const char *argv[] = { "XADD", log->stream, "MAXLEN", "~", maxlen, "*", "v", "1", "n",
                           node, "r", req, "e", event };
    size_t lens[G_N_ELEMENTS(argv)];
    for (size_t i = 0; i + 1 < G_N_ELEMENTS(argv); i++)
        lens[i] = strlen(argv[i]);
    lens[G_N_ELEMENTS(argv) - 1] = len;
    struct append *a = g_new(struct append, 1);
    *a = (struct append){ log, request };
    if (!cluster_link_command(log->writer, (int)G_N_ELEMENTS(argv), argv, lens,
                              CLUSTER_REPLY_TIMEOUT_MS, on_appended, a)) {
        g_free(a);
        return false;
    }
    return true;
}

/* ---- Life cycle ---- */

struct cluster_log *cluster_log_new(struct ev_loop *loop, const struct cluster_addr *addr,
                                    const char *stream, uint32_t node_id,
                                    struct cluster_id last, const struct cluster_log_ops *ops,
                                    void *data)
{
    struct cluster_log *log = g_new0(struct cluster_log, 1);
    log->stream = g_strdup(stream);
    log->node = node_id;
    log->last = last;
    log->ops = ops;
    log->data = data;
    log->writer = cluster_link_new(loop, addr, "writer", on_writer_state, log);
    log->reader = cluster_link_new(loop, addr, "reader", on_reader_state, log);
    return log;
}

void cluster_log_free(struct cluster_log *log)
{
    if (log == NULL)
        return;
    cluster_link_free(log->reader);
    log->reader = NULL;
    cluster_link_free(log->writer);
    g_free(log->stream);
    g_free(log);
}

void cluster_log_hold_batches(struct cluster_log *log)
{
    log->hold = true;
}

void cluster_log_committed(struct cluster_log *log)
{
    if (!log->held)
        return;
    log->held = false;
    log_pump(log);
}

struct cluster_id cluster_log_last(const struct cluster_log *log)
{
    return log->last;
}

int cluster_log_timeout(const struct cluster_log *log, int64_t now_ms)
{
    int a = cluster_link_timeout(log->writer, now_ms);
    int b = cluster_link_timeout(log->reader, now_ms);
    return a < 0 ? b : b < 0 ? a : MIN(a, b);
}

void cluster_log_tick(struct cluster_log *log, int64_t now_ms)
{
    cluster_link_tick(log->writer, now_ms);
    cluster_link_tick(log->reader, now_ms);
    log_pump(log);
}
