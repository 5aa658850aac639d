/* This node's end of the cluster's shared log (cluster.h). */
#include "server/cluster.h"

#include <glib.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "server/client.h"
#include "server/clock.h"
#include "server/cluster_claim.h"
#include "server/cluster_event.h"
#include "server/cluster_link.h"
#include "server/cluster_log.h"
#include "server/cluster_presence.h"
#include "server/cluster_waiting.h"
#include "server/deliver.h"
#include "server/event_apply.h"
#include "server/limits.h"
#include "server/server.h"
#include "server/store/store.h"
#include "server/store/store_cluster.h"

#define STREAM_KEY "chat:events" /* docs/CLUSTER.md section 3 */

struct cluster {
    struct cluster_log *log;
    uint64_t next_request;     /* counts up from the start time (x1000): a restarted node
                                  never reuses a number an earlier run appended */
    struct cluster_waiting *waiting; /* this node's requests not yet read back */
    struct cluster_id first_applied, last_applied; /* the pass's entries, for its log */
    unsigned applied;          /* entries applied in the open pass */
    bool was_up;               /* the stream was up once (a down before is the start) */
    bool failed;
};

bool cluster_on(const struct server *srv)
{
    return srv->cluster != NULL;
}

uint32_t cluster_conn_id(const struct server *srv, uint32_t seq)
{
    if (srv->cluster == NULL)
        return seq;
    uint32_t local = seq & ((1u << CLUSTER_CONN_ID_BITS) - 1);
    return srv->cfg.node_id << CLUSTER_CONN_ID_BITS | (local != 0 ? local : 1);
}

/* ---- Appending ---- */

void cluster_append(struct server *srv, const struct event *ev,
                    const struct deliver_ticket *ticket)
{
    struct cluster *cl = srv->cluster;
    size_t len = 0;
    uint8_t *bytes = cluster_event_encode(ev, &len);
    if (bytes == NULL) { /* a field over its wire cap: never for a checked request */
        struct client *c = deliver_ticket_client(srv, ticket);
        log_event(LOG_ERROR, 0, NULL, NULL, "cluster: an event of kind %d does not encode",
                  (int)ev->type);
        if (c != NULL)
            client_send_error(c, PROTO_E_INTERNAL, ticket->ref_type, ticket->ref_id,
                              "The server failed; nothing was done.");
        cluster_forget_unappended(srv, ev, ticket);
        return;
    }
    uint64_t request = cl->next_request++;
    const char *refused = cluster_waiting_count(cl->waiting) >= CLUSTER_MAX_WAITING
                              ? "too many requests wait for the stream"
                          : !cluster_log_append(cl->log, request, bytes, len)
                              ? "the stream is down" : NULL;
    if (refused != NULL) {
        cluster_refuse_unavailable(srv, ticket, refused);
        cluster_forget_unappended(srv, ev, ticket);
    } else {
        cluster_waiting_add(cl->waiting, request, ticket, ev);
    }
    g_free(bytes);
}

/* ---- What the log reports ---- */

static void id_text(struct cluster_id id, char *out, size_t size)
{
    snprintf(out, size, "%" PRIu64 "-%" PRIu64, id.ms, id.seq);
}

/* Stops the node: its store cannot follow the stream from here. */
static void cluster_fail(struct server *srv, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void cluster_fail(struct server *srv, const char *fmt, ...)
{
    char why[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    log_event(LOG_ERROR, 0, NULL, NULL, "cluster: %s", why);
    srv->cluster->failed = true;
}

/* Records id as applied in the pass transaction, with the rows its entry made. */
static void record_applied(struct server *srv, struct cluster_id id)
{
    struct cluster *cl = srv->cluster;
    char text[48];
    id_text(id, text, sizeof text);
    if (store_cluster_set_last(srv->store, text) != STORE_OK) {
        cluster_fail(srv, "cannot record stream entry %s as applied: %s; stopping so a "
                     "restart replays it", text, store_error(srv->store));
        return;
    }
    if (cl->applied++ == 0)
        cl->first_applied = id;
    cl->last_applied = id;
}

static void on_state(void *data, bool up, const char *why)
{
    struct server *srv = data;
    char quoted[LOG_QUOTE_CAP(256)];
    log_quote(quoted, sizeof quoted, why, strnlen(why, 256));
    if (up)
        log_event(LOG_INFO, 0, NULL, NULL, "cluster: the stream is up");
    else if (srv->cluster->was_up)
        log_event(LOG_WARN, 0, NULL, NULL, "cluster: the stream is down, writes refused: %s",
                  quoted);
    else
        log_event(LOG_INFO, 0, NULL, NULL, "cluster: waiting for the stream: %s", quoted);
    srv->cluster->was_up |= up;
}

static void on_refuse(void *data, const char *why)
{
    char quoted[LOG_QUOTE_CAP(512)];
    cluster_fail(data, "this node must not serve: %s",
                 log_quote(quoted, sizeof quoted, why, strnlen(why, 512)));
}

static void on_apply(void *data, const struct cluster_entry *e)
{
    struct server *srv = data;
    struct cluster *cl = srv->cluster;
    if (cl->failed)
        return;
    struct waiting *w = e->node == srv->cfg.node_id
                            ? cluster_waiting_take(cl->waiting, e->request) : NULL;
    struct cluster_event decoded;
    const char *why = NULL;
    char id[48], broken[LOG_QUOTE_CAP(SERVER_FILE_NAME_MAX) + 128];
    id_text(e->id, id, sizeof id);
    uint64_t failures = store_failures(srv->store);
    bool decodes = cluster_event_decode(e->event, e->event_len, &decoded, &why);
    bool skip = !decodes ||
                (why = event_check_stored(srv, &decoded.ev, e->id.ms, broken, sizeof broken)) !=
                    NULL;
    if (!skip)
        event_apply(srv, &decoded.ev, w != NULL ? &w->ticket : NULL);
    if (store_failures(srv->store) != failures) { /* the others applied it: stop */
        cluster_fail(srv, "stream entry %s could not be applied to the store: %s; "
                     "stopping so a restart replays it", id, store_error(srv->store));
        cluster_waiting_done(w);
        return;
    }
    if (skip) { /* alike on every node */
        log_event(LOG_WARN, 0, NULL, NULL, "cluster: stream entry %s of node %u skipped: %s",
                  id, (unsigned)e->node, why);
        if (w != NULL && decodes && !event_file_late(w->file_time_ms, e->id.ms)) {
            /* its file is another row's: it stays */
            g_free(w->file_name);
            w->file_name = NULL;
        }
        if (w != NULL) /* no row names its file otherwise */
            cluster_waiting_refuse(srv, cl->waiting, w,
                                   decodes ? "its own entry breaks a rule of the store"
                                           : "its own entry did not decode", false);
        w = NULL;
    }
    cluster_waiting_done(w);
    cluster_waiting_read(srv, cl->waiting, e->node == srv->cfg.node_id ? e->request : 0,
                         e->id.ms);
    record_applied(srv, e->id);
}

static void on_skipped(void *data, struct cluster_id id, const char *why)
{
    struct server *srv = data;
    char text[48];
    id_text(id, text, sizeof text);
    log_event(LOG_WARN, 0, NULL, NULL, "cluster: stream entry %s skipped: %s", text, why);
    if (srv->cluster->failed)
        return;
    cluster_waiting_read(srv, srv->cluster->waiting, 0, id.ms);
    record_applied(srv, id);
}

static void on_append_failed(void *data, uint64_t request, bool maybe_added)
{
    struct server *srv = data;
    struct cluster_waiting *t = srv->cluster->waiting; /* NULL while stopping */
    struct waiting *w = cluster_waiting_take(t, request);
    if (w != NULL)
        cluster_waiting_refuse(srv, t, w, maybe_added
                               ? "no answer to the append (if it landed, it still applies)"
                               : "Redis refused the append", maybe_added);
}

static const struct cluster_log_ops log_ops = {
    .state = on_state, .refuse = on_refuse, .apply = on_apply, .skipped = on_skipped,
    .append_failed = on_append_failed,
};

void cluster_after_commit(struct server *srv, bool committed)
{
    struct cluster *cl = srv->cluster;
    if (cl == NULL || cl->applied == 0)
        return;
    char first[48], last[48];
    id_text(cl->first_applied, first, sizeof first);
    id_text(cl->last_applied, last, sizeof last);
    cl->applied = 0;
    if (!committed) {
        cluster_fail(srv, "store commit of stream entries %s..%s failed: %s; stopping so a "
                     "restart replays them", first, last, store_error(srv->store));
        return;
    }
    cluster_log_committed(cl->log);
}

bool cluster_failed(const struct server *srv)
{
    return srv->cluster != NULL && srv->cluster->failed;
}

int64_t cluster_next_deadline(const struct server *srv, int64_t now)
{
    const struct cluster *cl = srv->cluster;
    if (cl == NULL)
        return INT64_MAX;
    int wait = cluster_log_timeout(cl->log, now);
    int64_t next = wait < 0 ? INT64_MAX : now + wait;
    next = MIN(next, cluster_presence_deadline(srv->cluster_presence, now));
    return MIN(next, cluster_waiting_deadline(cl->waiting));
}

void cluster_expire(struct server *srv, int64_t now)
{
    struct cluster *cl = srv->cluster;
    if (cl == NULL)
        return;
    cluster_log_tick(cl->log, now);
    cluster_presence_tick(srv->cluster_presence, now);
    struct waiting *w;
    while ((w = cluster_waiting_take_expired(cl->waiting, now)) != NULL)
        cluster_waiting_refuse(srv, cl->waiting, w, "its entry was not read back in time (if "
                               "it landed, it still applies)", true);
}

/* ---- Start and stop ---- */

bool cluster_start(struct server *srv, char *err, size_t errlen)
{
    const struct server_config *cfg = &srv->cfg;
    struct cluster_addr addr;
    if (cfg->cluster_url == NULL)
        return cluster_claim_store(srv, NULL, NULL, err, errlen);
    if (!cluster_addr_parse(cfg->cluster_url, &addr, err, errlen))
        return false;
    char stream[320];
    snprintf(stream, sizeof stream, "%s:%u/%s", addr.host, (unsigned)addr.port, STREAM_KEY);
    struct cluster_id last = { 0, 0 };
    if (!cluster_claim_store(srv, stream, &last, err, errlen))
        return false;
    struct cluster *cl = g_new0(struct cluster, 1);
    cl->next_request = clock_wall_ms() * 1000;
    cl->waiting = cluster_waiting_new();
    srv->cluster = cl;
    cl->log = cluster_log_new(srv->loop, &addr, STREAM_KEY, cfg->node_id, last, &log_ops, srv);
    cluster_log_hold_batches(cl->log);
    srv->cluster_presence = cluster_presence_new(srv, &addr);
    log_event(LOG_INFO, 0, NULL, NULL, "cluster: node %u on %s, reading after %" PRIu64 "-%"
              PRIu64, (unsigned)cfg->node_id, stream, last.ms, last.seq);
    return true;
}

void cluster_stop(struct server *srv)
{
    struct cluster *cl = srv->cluster;
    if (cl == NULL)
        return;
    cluster_presence_free(srv->cluster_presence);
    srv->cluster_presence = NULL;
    cluster_waiting_free(cl->waiting);
    cl->waiting = NULL; /* the log's farewell finds nobody waiting */
    cluster_log_free(cl->log);
    g_free(cl);
    srv->cluster = NULL;
}
