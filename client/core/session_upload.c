/* Uploads: hash the file once (worker thread), offer it, then stream it in chunks read
 * asynchronously straight into frames, only while the output queue is short, so a file
 * of any size costs a few hundred KiB of memory. */
#include "client/core/session_private.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "client/core/session_fileops.h"
#include "common/validate.h"

enum upload_state {
    UPLOAD_HASHING,  /* computing size and SHA-256 */
    UPLOAD_READY,    /* waiting for a login (or a free upload slot) to offer */
    UPLOAD_OFFERED,  /* FILE_OFFER sent */
    UPLOAD_SENDING,  /* accepted: chunks going out */
    UPLOAD_ENDED,    /* FILE_END sent: waiting for our FILE_ANNOUNCE */
};

struct upload {
    struct transfer base;
    enum upload_state state;
    GInputStream *stream;
    guint8 sha256[PROTO_SHA256_LEN];
    guint64 queued;          /* bytes read into queued chunk frames */
    guint32 room_id;         /* the room it is shared in */
    guint8 *frame;           /* the chunk frame a read is filling, NULL when none is */
    GBytes *thumbnail;       /* offered with it (checked), or NULL */
};

static void close_stream(GInputStream **stream)
{
    if (*stream)
        g_input_stream_close_async(*stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
    g_clear_object(stream);
}

static void upload_clear(struct transfer *t)
{
    struct upload *u = (struct upload *)t;
    close_stream(&u->stream);
    g_free(u->frame);
    if (u->thumbnail)
        g_bytes_unref(u->thumbnail);
}

static struct upload *upload_find(ChatSession *self, guint64 upload_id)
{
    return (struct upload *)transfer_find(self, CHAT_TRANSFER_UPLOAD, upload_id);
}

/* TRUE once the server knows of the upload: a lost connection ends it. */
gboolean upload_in_flight(struct transfer *t)
{
    enum upload_state state = ((struct upload *)t)->state;
    return state == UPLOAD_OFFERED || state == UPLOAD_SENDING || state == UPLOAD_ENDED;
}

static guint uploads_in_flight(ChatSession *self)
{
    guint n = 0;
    for (GList *l = self->transfers.head; l; l = l->next) {
        struct transfer *t = l->data;
        n += t->pub.direction == CHAT_TRANSFER_UPLOAD && upload_in_flight(t);
    }
    return n;
}

/* Offers every hashed upload that waits, as far as the server's upload slots allow. */
void upload_send_offers(ChatSession *self)
{
    guint busy = uploads_in_flight(self);
    for (GList *l = self->transfers.head; l && session_can_send(self); l = l->next) {
        struct upload *u = l->data;
        if (u->base.pub.direction != CHAT_TRANSFER_UPLOAD || u->state != UPLOAD_READY)
            continue;
        if (self->max_uploads && busy >= self->max_uploads)
            return;
        struct proto_msg msg = { .type = PROTO_FILE_OFFER };
        msg.u.offer.upload_id = u->base.pub.id;
        msg.u.offer.size = u->base.pub.size;
        memcpy(msg.u.offer.sha256, u->sha256, PROTO_SHA256_LEN);
        msg.u.offer.room_id = u->room_id;
        msg.u.offer.name = proto_str_of(u->base.pub.name);
        if (u->thumbnail) { /* FILE_OFFER_THUMB: the same offer, the thumbnail after it */
            gsize len;
            msg.type = PROTO_FILE_OFFER_THUMB;
            msg.u.offer_thumb.thumb.data = g_bytes_get_data(u->thumbnail, &len);
            msg.u.offer_thumb.thumb.len = (guint32)len;
        }
        session_send(self, &msg);
        u->state = UPLOAD_OFFERED;
        busy++;
    }
}

static void upload_hashed(GObject *source, GAsyncResult *res, gpointer data)
{
    (void)source;
    struct upload *u = data;
    struct transfer *t = &u->base;
    GError *error = NULL;
    struct hashed_file *h = fileops_hash_file_finish(res, &error);
    ChatSession *self = t->session;
    if (self && !h) {
        transfer_fail_printf(t, _("cannot read %s: %s"), t->pub.name, error->message);
    } else if (self && self->max_file_size && h->size > self->max_file_size) {
        transfer_fail_printf(t, _("%s is too large (%llu bytes; the server takes at most %llu)"),
                             t->pub.name, (unsigned long long)h->size,
                             (unsigned long long)self->max_file_size);
    } else if (self) {
        u->stream = g_steal_pointer(&h->stream);
        memcpy(u->sha256, h->sha256, PROTO_SHA256_LEN);
        t->pub.size = h->size;
        u->state = UPLOAD_READY;
        upload_send_offers(self);
    }
    hashed_file_free(h);
    g_clear_error(&error);
    transfer_unref(u);
}

/* Starts an upload of path into room_id (offered with thumbnail, checked already, unless
 * NULL): checks it can be read, then hashes it in a worker thread. Returns its object
 * (transfer none), or NULL with error set. */
ChatTransfer *upload_start(ChatSession *self, guint32 room_id, const char *path,
                           GBytes *thumbnail, GError **error)
{
    /* One stat and one access() on the main thread: the API promises these errors at
     * once, and metadata calls on a local file do not wait on data. */
    GStatBuf st;
    char *shown = g_filename_display_name(path);
    int err = g_stat(path, &st) == 0 && g_access(path, R_OK) == 0 ? 0 : errno;
    if (err || !S_ISREG(st.st_mode) ||
        (self->max_file_size && (guint64)st.st_size > self->max_file_size)) {
        if (err)
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("cannot read %s: %s"),
                        shown, g_strerror(err));
        else if (!S_ISREG(st.st_mode))
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                        _("%s is not a regular file"), shown);
        else
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                        _("%s is too large (%llu bytes; the server takes at most %llu)"), shown,
                        (unsigned long long)st.st_size, (unsigned long long)self->max_file_size);
        g_free(shown);
        return NULL;
    }
    char *base = g_path_get_basename(shown);
    char name[PROTO_MAX_FILENAME_BYTES + 1];
    gboolean named = filename_sanitize(base, strlen(base), name, sizeof name);
    g_free(base);
    if (!named) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME, _("%s has no usable name"),
                    shown);
        g_free(shown);
        return NULL;
    }
    g_free(shown);

    guint64 id = ++self->last_upload_id;
    struct upload *u = transfer_alloc(sizeof *u, self, CHAT_TRANSFER_UPLOAD, id, upload_clear);
    u->base.pub.name = g_strdup(name);
    u->base.pub.path = g_strdup(path);
    u->base.pub.size = (guint64)st.st_size;
    u->room_id = room_id;
    u->thumbnail = thumbnail ? g_bytes_ref(thumbnail) : NULL;
    u->state = UPLOAD_HASHING;
    transfer_show(&u->base, CHAT_TRANSFER_RUNNING);
    fileops_hash_file_async(path, u->base.cancel, upload_hashed, transfer_ref(u));
    session_note_activity(self);
    return u->base.object;
}

/* The object of our upload upload_id while it is live, or NULL. */
ChatTransfer *upload_object(ChatSession *self, guint64 upload_id)
{
    struct upload *u = upload_find(self, upload_id);
    return u ? u->base.object : NULL;
}

static void upload_end(struct upload *u)
{
    struct proto_msg msg = { .type = PROTO_FILE_END, .u.ref.id = u->base.pub.id };
    session_send(u->base.session, &msg);
    u->state = UPLOAD_ENDED;
    transfer_show(&u->base, CHAT_TRANSFER_CHECKING);
    close_stream(&u->stream);
}

static void upload_read_done(GObject *source, GAsyncResult *res, gpointer data)
{
    struct upload *u = data;
    struct transfer *t = &u->base;
    GError *error = NULL;
    gssize n = g_input_stream_read_finish(G_INPUT_STREAM(source), res, &error);
    guint8 *frame = g_steal_pointer(&u->frame);
    ChatSession *self = t->session;
    if (self && n <= 0) {
        upload_cancel(t);
        if (n < 0)
            transfer_fail_printf(t, _("cannot read %s: %s"), t->pub.name, error->message);
        else
            transfer_fail_printf(t, _("%s got shorter while it was being sent"), t->pub.name);
    } else if (self) {
        g_object_ref(self);
        size_t size = proto_encode_chunk_prefix(PROTO_FILE_CHUNK, t->pub.id, u->queued,
                                                (uint32_t)n, frame);
        session_send_frame(self, g_bytes_new_take(g_steal_pointer(&frame), size));
        u->queued += (guint64)n;
        t->pub.done = u->queued;
        if (u->queued == t->pub.size)
            upload_end(u);
        transfer_progress(t, FALSE);
        upload_pump(self);
        g_object_unref(self);
    }
    g_free(frame);
    g_clear_error(&error);
    transfer_unref(u);
}

/* Reads the next chunks of accepted uploads while the output queue is short; called
 * again whenever a write completes. */
void upload_pump(ChatSession *self)
{
    for (GList *l = self->transfers.head; l && session_can_send(self); l = l->next) {
        struct upload *u = l->data;
        struct transfer *t = &u->base;
        if (t->pub.direction != CHAT_TRANSFER_UPLOAD || u->state != UPLOAD_SENDING || u->frame)
            continue;
        if (session_queued_bytes(self) >= SESSION_UPLOAD_QUEUE_HIGH)
            return;
        guint32 want = (guint32)MIN((guint64)self->max_chunk, t->pub.size - u->queued);
        u->frame = g_malloc(PROTO_HEADER_SIZE + PROTO_CHUNK_PREFIX + want);
        g_input_stream_read_async(u->stream, u->frame + PROTO_HEADER_SIZE + PROTO_CHUNK_PREFIX,
                                  want, G_PRIORITY_DEFAULT, t->cancel, upload_read_done,
                                  transfer_ref(u));
    }
}

/* FILE_ACCEPT: stream the file (or end it at once when it is empty). */
void upload_accepted(ChatSession *self, guint64 upload_id)
{
    struct upload *u = upload_find(self, upload_id);
    if (!u || u->state != UPLOAD_OFFERED)
        return;
    u->state = UPLOAD_SENDING;
    if (u->base.pub.size == 0)
        upload_end(u);
    transfer_progress(&u->base, TRUE);
    upload_pump(self);
}

/* Our FILE_ANNOUNCE: the server stored and verified the upload. */
void upload_announced(ChatSession *self, guint64 upload_id)
{
    struct upload *u = upload_find(self, upload_id);
    if (!u || u->state != UPLOAD_ENDED)
        return;
    u->base.pub.done = u->base.pub.size;
    transfer_finish(&u->base);
}

/* An ERROR about the upload's offer, chunks or end: it is over on the server side. */
void upload_refused(ChatSession *self, guint64 upload_id, const char *reason)
{
    struct upload *u = upload_find(self, upload_id);
    if (u)
        transfer_fail(&u->base, reason);
}

/* Tells the server to drop the upload if it knows of it; the caller then fails it. */
void upload_cancel(struct transfer *t)
{
    ChatSession *self = t->session;
    if (self && upload_in_flight(t) && session_can_send(self)) {
        struct proto_msg msg = { .type = PROTO_FILE_CANCEL, .u.ref.id = t->pub.id };
        session_send(self, &msg);
    }
}
