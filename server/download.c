/* Downloads: DOWNLOAD_REQUEST -> DOWNLOAD_START, then DOWNLOAD_CHUNKs whose payload
 * stays in the file until the connection sends it (sendfile, or kTLS's SSL_sendfile;
 * a TLS connection without kTLS copies it through a buffer), then DOWNLOAD_END.
 * Chunks are produced before the loop sleeps and only while the reader's queue is below the low-water mark, so a download
 * of any size holds a bounded amount of memory and other frames slip in between. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "server/client.h"
#include "server/rooms.h"
#include "server/conn.h"
#include "server/filestore.h"
#include "server/transfer.h"

struct download {
    struct list_node link;     /* in client->downloads */
    struct stored_file *file;
    uint64_t next;             /* offset of the next byte to send */
};

static struct download *download_find(struct client *c, uint64_t file_id)
{
    for (struct list_node *n = c->downloads.next; n != &c->downloads; n = n->next) {
        struct download *d = list_entry(n, struct download, link);
        if (d->file->id == file_id)
            return d;
    }
    return NULL;
}

/* Forgets d, logging how it ended. */
static void download_drop(struct client *c, struct download *d, const char *outcome)
{
    char quoted[LOG_QUOTE_CAP(SERVER_FILE_NAME_MAX)];
    client_log(c, LOG_INFO, "download %s file_id=%" PRIu64 " name=%s sent_to=%" PRIu64,
               outcome, d->file->id,
               log_quote(quoted, sizeof quoted, d->file->name, strlen(d->file->name)), d->next);
    list_remove(&d->link);
    filestore_release(c->srv->files, d->file);
    g_free(d);
    if (--c->download_count == 0)
        list_remove(&c->download_link);
}

static void send_end(struct client *c, uint64_t file_id)
{
    struct proto_msg end = { .type = PROTO_DOWNLOAD_END, .u.ref.id = file_id };
    client_send_msg(c, &end);
}

/* True when c is in room_id (which may no longer exist). */
static bool room_may_read(const struct client *c, uint32_t room_id)
{
    const struct room *r = rooms_get(c->srv, room_id);
    return r != NULL && room_has_client(r, c);
}

/* The checks of a request, in the order the protocol lists them; returns the file
 * (opened for reading) when it can be served, else NULL after answering. */
static struct stored_file *request_check(struct client *c,
                                         const struct proto_download_request *req)
{
    struct stored_file *f = NULL;
    enum filestore_status st = filestore_acquire(c->srv->files, req->file_id, &f);
    if (st == FILESTORE_OK && !room_may_read(c, f->room_id)) {
        /* to anyone outside its room the file does not exist: the same answer */
        filestore_release(c->srv->files, f);
        st = FILESTORE_NOT_FOUND;
    }
    if (st == FILESTORE_NOT_FOUND) {
        client_send_error(c, PROTO_E_FILE_NOT_FOUND, PROTO_DOWNLOAD_REQUEST, req->file_id,
                          "There is no file with id %" PRIu64 ".", req->file_id);
        return NULL;
    }
    if (st != FILESTORE_OK) {
        client_send_error(c, PROTO_E_STORAGE, PROTO_DOWNLOAD_REQUEST, req->file_id,
                          "The server could not read the file.");
        return NULL;
    }
    if (req->offset > f->size) {
        client_send_error(c, PROTO_E_BAD_OFFSET, PROTO_DOWNLOAD_REQUEST, req->file_id,
                          "Offset %" PRIu64 " is past the end of the file (%" PRIu64 " bytes).",
                          req->offset, f->size);
    } else if (download_find(c, req->file_id) != NULL) {
        client_send_error(c, PROTO_E_DUPLICATE_ID, PROTO_DOWNLOAD_REQUEST, req->file_id,
                          "File %" PRIu64 " is already being downloaded on this connection.",
                          req->file_id);
    } else if (c->download_count >= c->srv->cfg.max_downloads) {
        client_send_error(c, PROTO_E_TOO_MANY_TRANSFERS, PROTO_DOWNLOAD_REQUEST, req->file_id,
                          "At most %u downloads may be in progress at once.",
                          (unsigned)c->srv->cfg.max_downloads);
    } else {
        return f;
    }
    filestore_release(c->srv->files, f);
    return NULL;
}

void download_on_request(struct client *c, const struct proto_msg *msg)
{
    const struct proto_download_request *req = &msg->u.download_request;
    struct stored_file *f = request_check(c, req);
    if (f == NULL)
        return;
    struct proto_msg start = {
        .type = PROTO_DOWNLOAD_START,
        .u.download_start = { .file_id = f->id, .offset = req->offset, .size = f->size,
                              .name = proto_str_of(f->name) },
    };
    memcpy(start.u.download_start.sha256, f->sha256, PROTO_SHA256_LEN);
    client_send_msg(c, &start);

    struct download *d = g_new0(struct download, 1);
    d->file = f;
    d->next = req->offset;
    list_init(&d->link);
    list_append(&c->downloads, &d->link);
    if (c->download_count++ == 0)
        list_append(&c->srv->downloaders, &c->download_link);
    char quoted[LOG_QUOTE_CAP(SERVER_FILE_NAME_MAX)];
    client_log(c, LOG_INFO, "download start file_id=%" PRIu64 " name=%s offset=%" PRIu64
               " size=%" PRIu64 " via=%s", f->id, log_quote(quoted, sizeof quoted, f->name,
               strlen(f->name)), req->offset, f->size, conn_file_path(c->conn));
}

void download_on_cancel(struct client *c, const struct proto_msg *msg)
{
    struct download *d = download_find(c, msg->u.ref.id);
    if (d != NULL)
        download_drop(c, d, "cancelled");
}

/* A chunk frame is freed: it no longer reads the file. */
static void chunk_release(void *files, void *file)
{
    filestore_release(files, file);
}

/* Queues d's next chunk, or its DOWNLOAD_END once everything is sent. Returns false
 * when d is finished (or failed) and has been dropped. */
static bool download_step(struct client *c, struct download *d)
{
    uint64_t left = d->file->size - d->next;
    if (left == 0) {
        send_end(c, d->file->id);
        download_drop(c, d, "complete");
        return false;
    }
    size_t want = PROTO_MAX_CHUNK;
    if (want > c->srv->download_low_water)
        want = c->srv->download_low_water;
    if (want > left)
        want = (size_t)left;
    /* The frame holds the header; the payload stays in the file until the connection
     * sends it (outq.h), and the frame holds a reader of the file until then (the file
     * is open already, so acquiring it again only counts). */
    struct stored_file *held;
    if (filestore_acquire(c->srv->files, d->file->id, &held) != FILESTORE_OK) {
        client_send_error(c, PROTO_E_STORAGE, PROTO_DOWNLOAD_REQUEST, d->file->id,
                          "The server could not read the file.");
        download_drop(c, d, "failed");
        return false;
    }
    struct frame *f = frame_new(PROTO_HEADER_SIZE + PROTO_CHUNK_PREFIX);
    proto_encode_chunk_prefix(PROTO_DOWNLOAD_CHUNK, held->id, d->next, (uint32_t)want,
                              f->data);
    f->len = PROTO_HEADER_SIZE + PROTO_CHUNK_PREFIX;
    f->file = (struct frame_file){
        .fd = held->read_fd, .offset = d->next, .len = (uint32_t)want,
        .release = chunk_release, .ctx = c->srv->files, .owner = held,
    };
    client_send(c, f);
    frame_unref(f);
    d->next += (uint64_t)want;
    return true;
}

/* Fills c's queue up to the low-water mark, one chunk per download in turn. */
static void download_fill_client(struct client *c)
{
    while (c->out.bytes < c->srv->download_low_water && !list_empty(&c->downloads)) {
        struct download *d = list_entry(c->downloads.next, struct download, link);
        if (download_step(c, d)) {
            list_remove(&d->link); /* to the back: round-robin */
            list_append(&c->downloads, &d->link);
        }
    }
}

void download_fill(struct server *srv)
{
    struct list_node *n = srv->downloaders.next;
    while (n != &srv->downloaders) {
        struct list_node *next = n->next; /* n may leave the list when it finishes */
        download_fill_client(list_entry(n, struct client, download_link));
        n = next;
    }
}

void download_stop_all(struct client *c)
{
    while (!list_empty(&c->downloads))
        download_drop(c, list_entry(c->downloads.next, struct download, link),
                      "cancelled (connection closed)");
}
