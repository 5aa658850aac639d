/* Frames that wait for the pass's commit (deliver.h). */
#include "server/deliver.h"

#include <inttypes.h>

#include "server/client.h"
#include "server/cluster.h"
#include "server/room_presence.h"
#include "server/rooms.h"
#include "server/store/store.h"

struct pending {
    struct frame *frame;
    uint32_t conn_id;          /* the requester, found again by fd and id: it may have */
    int fd;                    /* been closed (freed) since */
    uint16_t ref_type;
    uint64_t ref_id;
    deliver_done_fn done;
    void *data;
};

void deliver_init(struct server *srv)
{
    srv->pending = g_array_new(FALSE, FALSE, sizeof(struct pending));
}

struct deliver_ticket deliver_ticket_of(const struct deliver_request *req)
{
    return (struct deliver_ticket){ req->requester->id, req->requester->fd, req->ref_type,
                                    req->ref_id };
}

/* Records f as pending for ticket t. */
static void pending_add(struct server *srv, const struct deliver_ticket *t, struct frame *f,
                        deliver_done_fn done, void *data)
{
    struct pending p = {
        .frame = frame_ref(f), .conn_id = t->conn_id, .fd = t->fd, .ref_type = t->ref_type,
        .ref_id = t->ref_id, .done = done, .data = data,
    };
    g_array_append_val(srv->pending, p);
}



void deliver_pending(const struct deliver_request *req, struct frame *f,
                     deliver_done_fn done, void *data)
{
    struct deliver_ticket t = deliver_ticket_of(req);
    pending_add(req->requester->srv, &t, f, done, data);
}

void deliver_after_commit(const struct deliver_request *req, struct frame *f,
                          enum deliver_to to, deliver_done_fn done, void *data)
{
    struct client *c = req->requester;
    if (to == DELIVER_ALL)
        client_broadcast(c->srv, f, NULL);
    else
        client_send(c, f);
    deliver_pending(req, f, done, data);
}

const struct deliver_ticket deliver_no_request = { 0, -1, 0, 0 };

void deliver_pending_ticket(struct server *srv, const struct deliver_ticket *t,
                            struct frame *f)
{
    pending_add(srv, t != NULL ? t : &deliver_no_request, f, NULL, NULL);
}

void deliver_ticketed(struct server *srv, const struct deliver_ticket *t,
                      const struct room *room, struct frame *f, deliver_done_fn done,
                      void *data)
{
    room_send(srv, room, f, NULL);
    pending_add(srv, t != NULL ? t : &deliver_no_request, f, done, data);
}

void deliver(const struct deliver_request *req, const struct room *room, struct frame *f,
             deliver_done_fn done, void *data)
{
    struct deliver_ticket t = deliver_ticket_of(req);
    deliver_ticketed(req->requester->srv, &t, room, f, done, data);
}

/* deliver() to the members accept says yes to (deliver.h). */
void deliver_if(const struct deliver_request *req, const struct room *room, struct frame *f,
                room_accept_fn accept, void *data)
{
    room_send_if(req->requester->srv, room, f, accept, data);
    deliver_pending(req, f, NULL, NULL);
}

/* The client on fd if its connection id is conn_id, else NULL. */
static struct client *client_of(struct server *srv, int fd, uint32_t conn_id)
{
    struct client *c = fd >= 0 && fd < srv->by_fd_size ? srv->by_fd[fd] : NULL;
    return c != NULL && c->id == conn_id ? c : NULL;
}

struct client *deliver_ticket_client(struct server *srv, const struct deliver_ticket *t)
{
    return t != NULL ? client_of(srv, t->fd, t->conn_id) : NULL;
}

/* The requester of p if it is still connected, else NULL. */
static struct client *pending_requester(struct server *srv, const struct pending *p)
{
    return client_of(srv, p->fd, p->conn_id);
}

static bool frame_failed(const struct frame *f, void *failed)
{
    return g_hash_table_contains(failed, f);
}

/* The commit failed: no frame that told of its writes may go out. */
static void withdraw_failed(struct server *srv)
{
    GHashTable *failed = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (guint i = 0; i < srv->pending->len; i++)
        g_hash_table_add(failed, g_array_index(srv->pending, struct pending, i).frame);
    unsigned withdrawn = 0;
    for (int fd = 0; fd < srv->by_fd_size; fd++)
        if (srv->by_fd[fd] != NULL)
            withdrawn += outq_withdraw(&srv->by_fd[fd]->out, frame_failed, failed);
    g_hash_table_destroy(failed);
    log_event(LOG_ERROR, 0, NULL, NULL, "store commit failed, %u answers (%u copies) "
              "withdrawn: %s", srv->pending->len, withdrawn, store_error(srv->store));
    /* One answer per request, however many frames it had (a room's state, its
     * members and DONE). */
    GHashTable *answered = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < srv->pending->len; i++) {
        const struct pending *p = &g_array_index(srv->pending, struct pending, i);
        struct client *c = pending_requester(srv, p);
        char *key = g_strdup_printf("%u:%u:%" PRIu64, (unsigned)p->conn_id,
                                    (unsigned)p->ref_type, p->ref_id);
        if (c != NULL && g_hash_table_add(answered, key))
            client_send_error(c, PROTO_E_STORAGE, p->ref_type, p->ref_id,
                              "The server could not store this; nothing was sent. "
                              "Try again.");
        else if (c == NULL)
            g_free(key);
    }
    g_hash_table_destroy(answered);
}

/* Tells every pending frame's owner the outcome and forgets them. */
static void pending_finish(struct server *srv, bool committed)
{
    for (guint i = 0; i < srv->pending->len; i++) {
        struct pending *p = &g_array_index(srv->pending, struct pending, i);
        if (p->done != NULL)
            p->done(srv, p->data, committed);
        frame_unref(p->frame);
    }
    g_array_set_size(srv->pending, 0);
}

void deliver_commit(struct server *srv)
{
    room_presence_flush(srv); /* held joins and leaves are frames of this pass */
    bool committed = !cluster_failed(srv) && store_commit(srv->store) == STORE_OK;
    cluster_after_commit(srv, committed);
    if (committed) {
        pending_finish(srv, true);
        rooms_after_commit(srv, true);
        return;
    }
    if (srv->pending->len > 0)
        withdraw_failed(srv);
    else
        log_event(LOG_ERROR, 0, NULL, NULL, "store commit failed: %s",
                  store_error(srv->store));
    pending_finish(srv, false);
    rooms_after_commit(srv, false);
}

void deliver_free(struct server *srv)
{
    if (srv->pending == NULL)
        return;
    pending_finish(srv, false);
    g_array_free(srv->pending, TRUE);
    srv->pending = NULL;
}
