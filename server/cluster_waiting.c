/* The table of requests waiting for their own stream entry (cluster_waiting.h). */
#include "server/cluster_waiting.h"

#include <glib.h>
#include <string.h>

#include "server/auth.h"
#include "server/client.h"
#include "server/clock.h"
#include "server/event_apply.h"
#include "server/filestore.h"
#include "server/limits.h"
#include "server/server.h"

static const char unavailable[] =
    "The chat is temporarily unavailable; nothing was sent. Try again in a moment.";

struct cluster_waiting {
    GHashTable *by_request;    /* request number -> GList node in order (data: waiting) */
    GQueue order;              /* the waiting requests, oldest (nearest deadline) first */
    GQueue kept;               /* struct kept_file: files of refused appends that may
                                  still land */
};

/* A file kept for a FILE entry that may still land. */
struct kept_file {
    uint64_t request;
    int64_t time_ms;           /* the event's time */
    char *name;
};

static void kept_free(struct kept_file *k)
{
    g_free(k->name);
    g_free(k);
}

struct cluster_waiting *cluster_waiting_new(void)
{
    struct cluster_waiting *t = g_new0(struct cluster_waiting, 1);
    t->by_request = g_hash_table_new(g_int64_hash, g_int64_equal);
    g_queue_init(&t->order);
    g_queue_init(&t->kept);
    return t;
}

void cluster_waiting_done(struct waiting *w)
{
    if (w != NULL)
        g_free(w->file_name);
    g_free(w);
}

void cluster_waiting_free(struct cluster_waiting *t)
{
    if (t == NULL)
        return;
    g_hash_table_destroy(t->by_request);
    g_queue_clear_full(&t->order, (GDestroyNotify)cluster_waiting_done);
    g_queue_clear_full(&t->kept, (GDestroyNotify)kept_free);
    g_free(t);
}

unsigned cluster_waiting_count(const struct cluster_waiting *t)
{
    return g_hash_table_size(t->by_request);
}

/* The hash a token or invite code of ev waits under on this node, or NULL. */
static const uint8_t *secret_hash(const struct event *ev)
{
    return ev->type == EVENT_SESSION_ADD ? ev->u.session.token_hash
           : ev->type == EVENT_INVITE_CREATE ? ev->u.invite.code_hash : NULL;
}

void cluster_waiting_add(struct cluster_waiting *t, uint64_t request,
                         const struct deliver_ticket *ticket, const struct event *ev)
{
    struct waiting *w = g_new0(struct waiting, 1);
    *w = (struct waiting){ request, clock_mono_ms() + CLUSTER_ANSWER_TIMEOUT_MS, *ticket,
                           ev->type, { 0 }, NULL, 0 };
    if (secret_hash(ev) != NULL)
        memcpy(w->hash, secret_hash(ev), PROTO_SHA256_LEN);
    if (ev->type == EVENT_FILE) {
        w->file_name = g_strdup(ev->u.file.name);
        w->file_time_ms = ev->u.file.time_ms;
    }
    g_queue_push_tail(&t->order, w);
    g_hash_table_insert(t->by_request, &w->request, t->order.tail);
}

struct waiting *cluster_waiting_take(struct cluster_waiting *t, uint64_t request)
{
    GList *node = t != NULL ? g_hash_table_lookup(t->by_request, &request) : NULL;
    if (node == NULL)
        return NULL;
    struct waiting *w = node->data;
    g_hash_table_remove(t->by_request, &request);
    g_queue_delete_link(&t->order, node);
    return w;
}

int64_t cluster_waiting_deadline(const struct cluster_waiting *t)
{
    const struct waiting *oldest = t->order.head != NULL ? t->order.head->data : NULL;
    return oldest != NULL ? oldest->deadline : INT64_MAX;
}

struct waiting *cluster_waiting_take_expired(struct cluster_waiting *t, int64_t now)
{
    const struct waiting *oldest = g_queue_peek_head(&t->order);
    return oldest != NULL && oldest->deadline <= now
               ? cluster_waiting_take(t, oldest->request) : NULL;
}

/* Drops what the request of ticket t left for an entry of type that will not be
 * answered (refused, or not read back in time: if it lands later, it only stores): a
 * registration's hold on its connection, the token or invite code waiting under hash. A
 * file kept for a FILE entry is removed when the entry surely is not in the stream
 * (maybe_added false); otherwise it stays, since the entry may still apply everywhere
 * and name it (docs/CLUSTER.md section 8). */
static void forget_pending(struct server *srv, const struct deliver_ticket *t,
                           enum event_type type, const uint8_t *hash, const char *file_name,
                           bool maybe_added)
{
    if (type == EVENT_ACCOUNT_CREATE) /* its connection may try again */
        auth_login_refused(deliver_ticket_client(srv, t));
    else if (type == EVENT_SESSION_ADD)
        auth_session_applied(srv, hash, NULL, false);
    else if (type == EVENT_INVITE_CREATE)
        moderation_invite_applied(srv, hash, NULL, false);
    else if (file_name != NULL && !maybe_added)
        filestore_remove(srv->files, file_name);
    else if (file_name != NULL)
        log_event(LOG_WARN, 0, NULL, NULL, "cluster: kept file %s, whose entry may still "
                  "land", file_name);
}

void cluster_forget_unappended(struct server *srv, const struct event *ev,
                               const struct deliver_ticket *t)
{
    forget_pending(srv, t, ev->type, secret_hash(ev),
                   ev->type == EVENT_FILE ? ev->u.file.name : NULL, false);
}

void cluster_refuse_unavailable(struct server *srv, const struct deliver_ticket *t,
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

void cluster_waiting_refuse(struct server *srv, struct cluster_waiting *t, struct waiting *w,
                            const char *why, bool maybe_added)
{
    cluster_refuse_unavailable(srv, &w->ticket, why);
    forget_pending(srv, &w->ticket, w->type, w->hash, w->file_name, maybe_added);
    if (w->file_name != NULL && maybe_added) {
        struct kept_file *k = g_new0(struct kept_file, 1);
        *k = (struct kept_file){ w->request, w->file_time_ms, w->file_name };
        w->file_name = NULL;
        g_queue_push_tail(&t->kept, k);
    }
    cluster_waiting_done(w);
}

void cluster_waiting_read(struct server *srv, struct cluster_waiting *t, uint64_t own_request,
                          uint64_t id_ms)
{
    for (GList *l = t->kept.head, *next; l != NULL; l = next) {
        next = l->next;
        struct kept_file *k = l->data;
        bool late = event_file_late(k->time_ms, id_ms);
        if (k->request != own_request && !late)
            continue;
        if (late) { /* its entry, read now or never, is skipped on every node */
            log_event(LOG_INFO, 0, NULL, NULL, "cluster: removed kept file %s: its entry "
                      "did not land within %u ms", k->name, CLUSTER_FILE_LATE_MS);
            filestore_remove(srv->files, k->name);
        }
        g_queue_delete_link(&t->kept, l);
        kept_free(k);
    }
}
