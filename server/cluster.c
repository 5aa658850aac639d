/* This node's end of the cluster's shared log (cluster.h). */
#include "server/cluster.h"

#include <glib.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "server/auth.h"
#include "server/client.h"
#include "server/clock.h"
#include "server/cluster_event.h"
#include "server/cluster_link.h"
#include "server/cluster_log.h"
#include "server/cluster_presence.h"
#include "server/deliver.h"
#include "server/event.h"
#include "server/filestore.h"
#include "server/limits.h"
#include "server/server.h"
#include "server/store/store.h"
#include "server/store/store_cluster.h"

#define STREAM_KEY "chat:events" /* docs/CLUSTER.md section 3 */

static const char unavailable[] =
    "The chat is temporarily unavailable; nothing was sent. Try again in a moment.";

/* A request appended and not yet read back. */
struct waiting {
    uint64_t request;
    int64_t deadline;          /* monotonic */
    struct deliver_ticket ticket;
    enum event_type type;      /* SESSION_ADD and INVITE_CREATE: a token or code waits on
                                  this node under hash until the entry applies */
    uint8_t hash[PROTO_SHA256_LEN];
    char *file_name;           /* FILE: the kept file its entry names (g_free) */
};

struct cluster {
    struct cluster_log *log;
    uint64_t next_request;     /* counts up from the start time (x1000): a restarted node
                                  never reuses a number an earlier run appended */
    GHashTable *waiting;       /* request number -> GList node in order (data: waiting) */
    GQueue order;              /* the waiting requests, oldest (nearest deadline) first */
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

/* ---- Waiting requests ---- */

/* Takes request out of the table: its waiting entry (g_free) or NULL. */
static struct waiting *waiting_take(struct cluster *cl, uint64_t request)
{
    GList *node = g_hash_table_lookup(cl->waiting, &request);
    if (node == NULL)
        return NULL;
    struct waiting *w = node->data;
    g_hash_table_remove(cl->waiting, &request);
    g_queue_delete_link(&cl->order, node);
    return w;
}

/* The hash a token or invite code of ev waits under on this node, or NULL. */
static const uint8_t *secret_hash(const struct event *ev)
{
    return ev->type == EVENT_SESSION_ADD ? ev->u.session.token_hash
           : ev->type == EVENT_INVITE_CREATE ? ev->u.invite.code_hash : NULL;
}

/* Drops the token or invite code waiting under hash for an entry of type that will not
 * be answered: refused, or not read back in time (if it lands later, it only stores). A
 * file kept for a FILE entry is removed when the entry surely is not in the stream
 * (maybe_added false); otherwise it stays, since the entry may still apply everywhere
 * and name it (docs/CLUSTER.md section 8). */
static void forget_pending(struct server *srv, enum event_type type, const uint8_t *hash,
                           const char *file_name, bool maybe_added)
{
    if (type == EVENT_SESSION_ADD)
        auth_session_applied(srv, hash, NULL, false);
    else if (type == EVENT_INVITE_CREATE)
        moderation_invite_applied(srv, hash, NULL, false);
    else if (file_name != NULL && !maybe_added)
        filestore_remove(srv->files, file_name);
    else if (file_name != NULL)
        log_event(LOG_WARN, 0, NULL, NULL, "cluster: kept file %s, whose entry may still "
                  "land", file_name);
}

static void waiting_add(struct cluster *cl, uint64_t request, const struct deliver_ticket *t,
                        const struct event *ev)
{
    struct waiting *w = g_new0(struct waiting, 1);
    *w = (struct waiting){ request, clock_mono_ms() + CLUSTER_ANSWER_TIMEOUT_MS, *t,
                           ev->type, { 0 }, NULL };
    if (secret_hash(ev) != NULL)
        memcpy(w->hash, secret_hash(ev), PROTO_SHA256_LEN);
    if (ev->type == EVENT_FILE)
        w->file_name = g_strdup(ev->u.file.name);
    g_queue_push_tail(&cl->order, w);
    g_hash_table_insert(cl->waiting, &w->request, cl->order.tail);
}

/* Answers the request of ticket t with CLUSTER_UNAVAILABLE and logs why. */
static void refuse_unavailable(struct server *srv, const struct deliver_ticket *t,
                               const char *why)
{
    struct client *c = deliver_ticket_client(srv, t);
    if (c == NULL)
        return;
    const char *name = proto_type_name(t->ref_type);
    client_log(c, LOG_WARN, "%s refused, the cluster is unavailable: %s",
               name ? name : "request", why);
    client_send_error(c, PROTO_E_CLUSTER_UNAVAILABLE, t->ref_type, t->ref_id, "%s",
                      unavailable);
}

static void waiting_free(struct waiting *w)
{
    if (w != NULL)
        g_free(w->file_name);
    g_free(w);
}

/* Refuses the request of w (taken out of the table) as unavailable and frees w. */
static void refuse_waiting(struct server *srv, struct waiting *w, const char *why,
                           bool maybe_added)
{
    refuse_unavailable(srv, &w->ticket, why);
    forget_pending(srv, w->type, w->hash, w->file_name, maybe_added);
    waiting_free(w);
}

void cluster_append(struct server *srv, const struct event *ev,
                    const struct deliver_ticket *ticket)
{
    struct cluster *cl = srv->cluster;
    size_t len = 0;
    uint8_t *bytes = cluster_event_encode(ev, &len);
    const char *file_name = ev->type == EVENT_FILE ? ev->u.file.name : NULL;
    if (bytes == NULL) { /* a field over its wire cap: never for a checked request */
        struct client *c = deliver_ticket_client(srv, ticket);
        log_event(LOG_ERROR, 0, NULL, NULL, "cluster: an event of kind %d does not encode",
                  (int)ev->type);
        if (c != NULL)
            client_send_error(c, PROTO_E_INTERNAL, ticket->ref_type, ticket->ref_id,
                              "The server failed; nothing was done.");
        forget_pending(srv, ev->type, secret_hash(ev), file_name, false);
        return;
    }
    uint64_t request = cl->next_request++;
    const char *refused = g_hash_table_size(cl->waiting) >= CLUSTER_MAX_WAITING
                              ? "too many requests wait for the stream"
                          : !cluster_log_append(cl->log, request, bytes, len)
                              ? "the stream is down" : NULL;
    if (refused != NULL) {
        refuse_unavailable(srv, ticket, refused);
        forget_pending(srv, ev->type, secret_hash(ev), file_name, false);
    } else {
        waiting_add(cl, request, ticket, ev);
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
    struct waiting *w = e->node == srv->cfg.node_id ? waiting_take(cl, e->request) : NULL;
    struct cluster_event decoded;
    const char *why = NULL;
    char id[48];
    id_text(e->id, id, sizeof id);
    if (cluster_event_decode(e->event, e->event_len, &decoded, &why)) {
        uint64_t failures = store_failures(srv->store);
        event_apply(srv, &decoded.ev, w != NULL ? &w->ticket : NULL);
        if (store_failures(srv->store) != failures) { /* the others applied it: stop */
            cluster_fail(srv, "stream entry %s could not be applied to the store: %s; "
                         "stopping so a restart replays it", id, store_error(srv->store));
            waiting_free(w);
            return;
        }
    } else {
        log_event(LOG_WARN, 0, NULL, NULL, "cluster: stream entry %s of node %u skipped: %s",
                  id, (unsigned)e->node, why);
        if (w != NULL) /* skipped alike on every node: no row names its file */
            refuse_waiting(srv, w, "its own entry did not decode", false);
        w = NULL;
    }
    waiting_free(w);
    record_applied(srv, e->id);
}

static void on_skipped(void *data, struct cluster_id id, const char *why)
{
    struct server *srv = data;
    char text[48];
    id_text(id, text, sizeof text);
    log_event(LOG_WARN, 0, NULL, NULL, "cluster: stream entry %s skipped: %s", text, why);
    if (!srv->cluster->failed)
        record_applied(srv, id);
}

static void on_append_failed(void *data, uint64_t request, bool maybe_added)
{
    struct server *srv = data;
    struct waiting *w = waiting_take(srv->cluster, request);
    if (w != NULL)
        refuse_waiting(srv, w, maybe_added
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
    const struct waiting *oldest = cl->order.head != NULL ? cl->order.head->data : NULL;
    return oldest != NULL ? MIN(next, oldest->deadline) : next;
}

void cluster_expire(struct server *srv, int64_t now)
{
    struct cluster *cl = srv->cluster;
    if (cl == NULL)
        return;
    cluster_log_tick(cl->log, now);
    cluster_presence_tick(srv->cluster_presence, now);
    const struct waiting *oldest;
    while ((oldest = g_queue_peek_head(&cl->order)) != NULL && oldest->deadline <= now) {
        struct waiting *w = waiting_take(cl, oldest->request);
        refuse_waiting(srv, w, "its entry was not read back in time (if it landed, it "
                               "still applies)", true);
    }
}

/* ---- Start and stop ---- */

/* Checks the store's cluster rows against the mode and claims it for this node. */
static bool check_store(struct server *srv, const char *stream, struct cluster_id *last,
                        char *err, size_t errlen)
{
    struct store_cluster rows;
    if (store_cluster_read(srv->store, &rows) != STORE_OK) {
        snprintf(err, errlen, "cannot read the store: %s", store_error(srv->store));
        return false;
    }
    bool ok = false;
    if (stream == NULL) {
        ok = rows.stream == NULL;
        if (!ok)
            snprintf(err, errlen, "this store belongs to a cluster node (stream %s, node %u): "
                     "start it with --cluster, or use another --data-dir", rows.stream,
                     (unsigned)rows.node);
    } else if (rows.stream == NULL && rows.has_data) {
        snprintf(err, errlen, "this store was filled by a single node (it holds accounts, "
                 "rooms or messages that did not come from the stream): a cluster node "
                 "starts from an empty --data-dir or from a cluster node's backup "
                 "(docs/CLUSTER.md)");
    } else if (rows.stream != NULL && strcmp(rows.stream, stream) != 0) {
        snprintf(err, errlen, "this store follows the stream %s, not %s: use another "
                 "--data-dir (docs/CLUSTER.md)", rows.stream, stream);
    } else if (rows.last_id != NULL &&
               !cluster_id_parse(rows.last_id, strlen(rows.last_id), last)) {
        snprintf(err, errlen, "the store's last applied stream entry is unreadable");
    } else {
        ok = true;
        if (rows.stream != NULL && rows.node != srv->cfg.node_id)
            log_event(LOG_INFO, 0, NULL, NULL, "cluster: this store was node %u's (a copy of "
                      "its backup): now node %u's", (unsigned)rows.node,
                      (unsigned)srv->cfg.node_id);
        if ((rows.stream == NULL || rows.node != srv->cfg.node_id) &&
            (store_cluster_claim(srv->store, stream, srv->cfg.node_id) != STORE_OK ||
             store_commit(srv->store) != STORE_OK)) {
            snprintf(err, errlen, "cannot record the cluster in the store: %s",
                     store_error(srv->store));
            ok = false;
        }
    }
    store_cluster_clear(&rows);
    return ok;
}

bool cluster_start(struct server *srv, char *err, size_t errlen)
{
    const struct server_config *cfg = &srv->cfg;
    struct cluster_addr addr;
    if (cfg->cluster_url == NULL)
        return check_store(srv, NULL, NULL, err, errlen);
    if (!cluster_addr_parse(cfg->cluster_url, &addr, err, errlen))
        return false;
    char stream[320];
    snprintf(stream, sizeof stream, "%s:%u/%s", addr.host, (unsigned)addr.port, STREAM_KEY);
    struct cluster_id last = { 0, 0 };
    if (!check_store(srv, stream, &last, err, errlen))
        return false;
    struct cluster *cl = g_new0(struct cluster, 1);
    cl->next_request = clock_wall_ms() * 1000;
    cl->waiting = g_hash_table_new(g_int64_hash, g_int64_equal);
    g_queue_init(&cl->order);
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
    g_hash_table_remove_all(cl->waiting); /* the log's farewell finds nobody waiting */
    g_queue_clear_full(&cl->order, (GDestroyNotify)waiting_free);
    cluster_log_free(cl->log);
    g_hash_table_destroy(cl->waiting);
    g_free(cl);
    srv->cluster = NULL;
}
