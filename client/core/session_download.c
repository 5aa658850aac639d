/* Downloads: find a partial file to resume (worker thread), request from its end, write
 * chunks to DIR/NAME.part and hash them in a worker thread while more arrive (the socket
 * waits only when a buffer fills: backpressure), and give the file its final name only
 * when the SHA-256 matches. */
#include "client/core/session_private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "client/core/session_fileops.h"
#include "common/validate.h"

enum download_state {
    DOWNLOAD_PREPARING,  /* looking for a part file to resume */
    DOWNLOAD_READY,      /* waiting for a login to send the request */
    DOWNLOAD_REQUESTED,  /* request sent; chunks before its START belong to an older one */
    DOWNLOAD_RECEIVING,  /* START received: chunks are buffered, hashed and written */
    DOWNLOAD_FINISHING,  /* verified; closing and renaming */
};

/* Chunks buffered while a write job runs; past this the socket waits (backpressure). */
#define DOWNLOAD_BUFFER_MAX (1024u * 1024u)

struct download {
    struct transfer base;
    enum download_state state;
    char *dir;
    struct part_file *resume;    /* what the part file holds; NULL: start from byte 0 */
    GChecksum *sum;              /* over every byte received, resumed prefix included */
    guint8 sha256[PROTO_SHA256_LEN]; /* as DOWNLOAD_START promised */
    char *part_path;
    GOutputStream *out;          /* NULL until the part file is open */
    guint64 received;            /* offset of the next byte the server sends */
    GByteArray *buffer;          /* received, not yet handed to a write job */
    gboolean writing;            /* the open or a write job is running */
    gsize written;               /* bytes in the running write job */
    gboolean end_seen;           /* DOWNLOAD_END arrived: finish once all is written */
};

static void download_clear(struct transfer *t)
{
    struct download *d = (struct download *)t;
    g_free(d->dir);
    part_file_free(d->resume);
    if (d->sum)
        g_checksum_free(d->sum);
    g_free(d->part_path);
    if (d->out)
        g_output_stream_close_async(d->out, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
    g_clear_object(&d->out);
    g_byte_array_unref(d->buffer);
}

static struct download *download_find(ChatSession *self, guint64 file_id)
{
    return (struct download *)transfer_find(self, CHAT_TRANSFER_DOWNLOAD, file_id);
}

/* TRUE while the server is (or may be) sending: a lost connection ends it. */
gboolean download_in_flight(struct transfer *t)
{
    struct download *d = (struct download *)t;
    return d->state == DOWNLOAD_REQUESTED || (d->state == DOWNLOAD_RECEIVING && !d->end_seen);
}

static void download_request(struct download *d)
{
    struct proto_msg msg = { .type = PROTO_DOWNLOAD_REQUEST };
    msg.u.download_request.file_id = d->base.pub.id;
    msg.u.download_request.offset = d->resume ? d->resume->offset : 0;
    session_send(d->base.session, &msg);
    d->state = DOWNLOAD_REQUESTED;
}

/* Sends the request of every prepared download that waited for a login. */
void download_send_requests(ChatSession *self)
{
    for (GList *l = self->transfers.head; l && session_can_send(self); l = l->next) {
        struct download *d = l->data;
        if (d->base.pub.direction == CHAT_TRANSFER_DOWNLOAD && d->state == DOWNLOAD_READY)
            download_request(d);
    }
}

static void download_prepared(GObject *source, GAsyncResult *res, gpointer data)
{
    (void)source;
    struct download *d = data;
    struct transfer *t = &d->base;
    GError *error = NULL;
    struct part_file *found = fileops_find_part_finish(res, &error);
    if (t->session && error) {
        transfer_fail(t, error->message);
    } else if (t->session) {
        d->resume = g_steal_pointer(&found);
        t->pub.done = d->resume ? d->resume->offset : 0;
        d->state = DOWNLOAD_READY;
        if (session_can_send(t->session))
            download_request(d);
    }
    part_file_free(found);
    g_clear_error(&error);
    transfer_unref(d);
}

/* Starts downloading file_id into dir (see chat_session_download). Returns its object
 * (transfer none), or NULL with error set. */
ChatTransfer *download_start(ChatSession *self, guint64 file_id, const char *dir,
                             GError **error)
{
    if (file_id == 0 || !dir[0]) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    file_id ? _("no folder to save into") : _("there is no file #0"));
        return NULL;
    }
    if (transfer_find(self, CHAT_TRANSFER_DOWNLOAD, file_id)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_BUSY,
                    _("file #%llu is already being downloaded"), (unsigned long long)file_id);
        return NULL;
    }
    const ChatFileInfo *known = g_hash_table_lookup(self->files, &file_id);
    struct download *d = transfer_alloc(sizeof *d, self, CHAT_TRANSFER_DOWNLOAD, file_id,
                                        download_clear);
    d->dir = g_strdup(dir);
    d->buffer = g_byte_array_new();
    d->base.pub.name = known ? g_strdup(known->name)
                             : g_strdup_printf(_("file #%llu"), (unsigned long long)file_id);
    d->base.pub.size = known ? known->size : 0;
    d->state = DOWNLOAD_PREPARING;
    fileops_find_part_async(dir, file_id, known != NULL, known ? known->size : 0,
                            known ? known->sha256 : NULL, d->base.cancel, download_prepared,
                            transfer_ref(d));
    transfer_show(&d->base, CHAT_TRANSFER_RUNNING);
    session_note_activity(self);
    return d->base.object;
}

/* Tells the server to stop sending if it may be; the caller then fails the download. */
void download_cancel(struct transfer *t)
{
    ChatSession *self = t->session;
    if (self && download_in_flight(t) && session_can_send(self)) {
        struct proto_msg msg = { .type = PROTO_DOWNLOAD_CANCEL, .u.ref.id = t->pub.id };
        session_send(self, &msg);
    }
}

/* Hands the buffered chunks to a write job if none is running; once everything is
 * written after DOWNLOAD_END, verifies the file. */
static void download_pump(struct download *d);

static void download_written(GObject *source, GAsyncResult *res, gpointer data)
{
    (void)source;
    struct download *d = data;
    struct transfer *t = &d->base;
    GError *error = NULL;
    gboolean ok = fileops_write_part_finish(res, &error);
    d->writing = FALSE;
    if (t->session && !ok) {
        download_cancel(t);
        transfer_fail_printf(t, _("cannot write %s: %s"), d->part_path, error->message);
    } else if (t->session) {
        t->pub.done += d->written;
        d->written = 0;
        transfer_progress(t, FALSE);
        download_pump(d);
    }
    g_clear_error(&error);
    transfer_unref(d);
}

static void download_opened(GObject *source, GAsyncResult *res, gpointer data)
{
    (void)source;
    struct download *d = data;
    struct transfer *t = &d->base;
    GError *error = NULL;
    struct opened_part *part = fileops_open_part_finish(res, &error);
    d->writing = FALSE;
    if (t->session && !part) {
        download_cancel(t);
        transfer_fail(t, error->message);
    } else if (t->session) {
        d->part_path = g_steal_pointer(&part->path);
        d->out = g_steal_pointer(&part->stream);
        transfer_progress(t, TRUE);
        download_pump(d);
    }
    opened_part_free(part);
    g_clear_error(&error);
    transfer_unref(d);
}

/* DOWNLOAD_START: check it continues what we hold, then open the part file; chunks are
 * buffered meanwhile. */
void download_started(ChatSession *self, const struct proto_download_start *start)
{
    struct download *d = download_find(self, start->file_id);
    if (!d || d->state != DOWNLOAD_REQUESTED)
        return;
    struct transfer *t = &d->base;
    struct part_file *resume = d->resume;
    if (resume && (resume->size != start->size ||
                   memcmp(resume->sha256, start->sha256, PROTO_SHA256_LEN) != 0)) {
        /* The part file is of another file under the same id (an earlier server run):
         * ask for the whole file instead. Frames up to the next START are the old reply. */
        download_cancel(t);
        g_clear_pointer(&d->resume, part_file_free);
        t->pub.done = 0;
        download_request(d);
        return;
    }
    guint64 expected = resume ? resume->offset : 0;
    if (start->offset != expected || start->offset > start->size) {
        download_cancel(t);
        transfer_fail_printf(t, _("the server started at byte %llu instead of %llu"),
                             (unsigned long long)start->offset, (unsigned long long)expected);
        return;
    }
    char name[FILEOPS_LOCAL_NAME_MAX + 1];
    if (!filename_sanitize(start->name.ptr, start->name.len, name, sizeof name))
        g_strlcpy(name, "file", sizeof name);
    g_free(t->pub.name);
    t->pub.name = g_strdup(name);
    g_free(t->pub.path);
    t->pub.path = g_build_filename(d->dir, name, NULL);
    t->pub.size = start->size;
    t->pub.done = d->received = start->offset;
    memcpy(d->sha256, start->sha256, PROTO_SHA256_LEN);
    d->sum = resume ? g_steal_pointer(&resume->sum) : g_checksum_new(G_CHECKSUM_SHA256);

    struct part_file spec = { .path = resume ? resume->path : NULL, .file_id = t->pub.id,
                              .size = start->size, .offset = start->offset };
    memcpy(spec.sha256, start->sha256, PROTO_SHA256_LEN);
    d->state = DOWNLOAD_RECEIVING;
    d->writing = TRUE; /* the open counts as the first write: chunks queue behind it */
    fileops_open_part_async(d->dir, name, &spec, t->cancel, download_opened, transfer_ref(d));
}

/* DOWNLOAD_CHUNK: buffer it for the write job; frames wait only when the buffer is full. */
void download_chunk(ChatSession *self, const struct proto_chunk *chunk)
{
    struct download *d = download_find(self, chunk->id);
    if (!d || d->state != DOWNLOAD_RECEIVING || d->end_seen)
        return; /* an older request's tail, or a download this side ended */
    struct transfer *t = &d->base;
    if (chunk->offset != d->received || chunk->len > t->pub.size - d->received) {
        download_cancel(t);
        transfer_fail(t, _("the server sent data out of place"));
        return;
    }
    g_byte_array_append(d->buffer, chunk->data, chunk->len);
    d->received += chunk->len;
    if (d->writing && d->buffer->len >= DOWNLOAD_BUFFER_MAX && !t->blocks_io)
        transfer_block_io(t);
    download_pump(d);
}

static void download_completed(GObject *source, GAsyncResult *res, gpointer data)
{
    (void)source;
    struct download *d = data;
    struct transfer *t = &d->base;
    GError *error = NULL;
    char *final_path = fileops_complete_part_finish(res, &error);
    if (t->session && !final_path) {
        transfer_fail_printf(t, _("cannot save %s: %s"), t->pub.name, error->message);
    } else if (t->session) {
        g_free(t->pub.path);
        t->pub.path = g_steal_pointer(&final_path);
        transfer_finish(t);
    }
    g_free(final_path);
    g_clear_error(&error);
    transfer_unref(d);
}

/* Everything is written: verify the SHA-256, then give the file its final name. */
static void download_verify(struct download *d)
{
    struct transfer *t = &d->base;
    guint8 digest[PROTO_SHA256_LEN];
    gsize digest_len = sizeof digest;
    g_checksum_get_digest(d->sum, digest, &digest_len);
    if (memcmp(digest, d->sha256, PROTO_SHA256_LEN) != 0) {
        /* Resuming from these bytes would fail the same way: start afresh next time. */
        fileops_discard_part(d->out, d->part_path);
        g_clear_object(&d->out);
        transfer_fail(t, _("the file arrived damaged (SHA-256 mismatch); try again"));
        return;
    }
    d->state = DOWNLOAD_FINISHING;
    fileops_complete_part_async(d->out, d->part_path, d->dir, t->pub.name, t->cancel,
                                download_completed, transfer_ref(d));
    g_clear_object(&d->out);
}

static void download_pump(struct download *d)
{
    struct transfer *t = &d->base;
    if (d->writing)
        return;
    if (d->buffer->len > 0) {
        GBytes *data = g_byte_array_free_to_bytes(g_steal_pointer(&d->buffer));
        d->buffer = g_byte_array_new();
        d->written = g_bytes_get_size(data);
        d->writing = TRUE;
        fileops_write_part_async(d->out, d->sum, data, t->cancel, download_written,
                                 transfer_ref(d));
        g_bytes_unref(data);
        transfer_unblock_io(t);
    } else if (d->end_seen) {
        download_verify(d);
    }
}

/* DOWNLOAD_END: the file is complete once the buffered chunks are written. */
void download_ended(ChatSession *self, guint64 file_id)
{
    struct download *d = download_find(self, file_id);
    if (!d || d->state != DOWNLOAD_RECEIVING || d->end_seen)
        return;
    struct transfer *t = &d->base;
    if (d->received != t->pub.size) {
        download_cancel(t);
        transfer_fail_printf(t, _("the server ended %s after %llu of %llu bytes"), t->pub.name,
                             (unsigned long long)d->received, (unsigned long long)t->pub.size);
        return;
    }
    d->end_seen = TRUE;
    download_pump(d);
}

/* An ERROR about the request (no such file, bad offset...). A resume point the server
 * rejects belongs to another file under the same id: ask for the whole file instead. */
void download_refused(ChatSession *self, guint64 file_id, guint code, const char *reason)
{
    struct download *d = download_find(self, file_id);
    if (!d)
        return;
    if (code == PROTO_E_BAD_OFFSET && d->resume && d->state == DOWNLOAD_REQUESTED) {
        g_clear_pointer(&d->resume, part_file_free);
        d->base.pub.done = 0;
        download_request(d);
        return;
    }
    transfer_fail(&d->base, reason);
}
