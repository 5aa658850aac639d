/* What uploads and downloads share: lifetime, lookup, progress with a smoothed speed,
 * the ChatTransfer front ends hold, and the one way each of them ends (finished, failed
 * or cancelled, reported once). */
#include "client/core/session_private.h"

#include <glib/gi18n.h>

static void transfer_clear(gpointer data)
{
    struct transfer *t = data;
    t->clear(t);
    g_free(t->pub.name);
    g_free(t->pub.path);
    g_object_unref(t->object);
    g_object_unref(t->cancel);
}

/* Allocates a transfer of size bytes (a struct upload or download), lists it in the
 * session (the list holds the first reference) and returns it. */
gpointer transfer_alloc(gsize size, ChatSession *self, ChatTransferDirection dir, guint64 id,
                        void (*clear)(struct transfer *t))
{
    struct transfer *t = g_rc_box_alloc0(size);
    t->pub.id = id;
    t->pub.direction = dir;
    t->session = self;
    t->cancel = g_cancellable_new();
    t->clear = clear;
    t->object = chat_transfer_new(dir, NULL, NULL, 0);
    g_queue_push_tail(&self->transfers, t);
    return t;
}

/* Takes a reference for an asynchronous operation. */
struct transfer *transfer_ref(gpointer t)
{
    return g_rc_box_acquire(t);
}

/* Drops a reference; the last one frees the transfer. */
void transfer_unref(gpointer t)
{
    g_rc_box_release_full(t, transfer_clear);
}

/* The live transfer with that direction and id, or NULL. */
struct transfer *transfer_find(ChatSession *self, ChatTransferDirection dir, guint64 id)
{
    for (GList *l = self->transfers.head; l; l = l->next) {
        struct transfer *t = l->data;
        if (t->pub.direction == dir && t->pub.id == id)
            return t;
    }
    return NULL;
}

/* The live transfer whose object is object, or NULL. */
struct transfer *transfer_of(ChatSession *self, ChatTransfer *object)
{
    for (GList *l = self->transfers.head; l; l = l->next)
        if (((struct transfer *)l->data)->object == object)
            return l->data;
    return NULL;
}

/* Copies what changed into the object (which notifies), then state unless RUNNING. */
void transfer_show(struct transfer *t, ChatTransferState state)
{
    transfer_object_update(t->object, t->pub.name, t->pub.path, t->pub.size, t->pub.done,
                           t->pub.bytes_per_second);
    if (t->pub.direction == CHAT_TRANSFER_DOWNLOAD)
        transfer_object_set_file_id(t->object, t->pub.id);
    if (state != CHAT_TRANSFER_RUNNING)
        transfer_object_set_state(t->object, state, NULL);
}

/* Emits "transfer-progress" unless one went out less than a tenth of a second ago
 * (force: always), updating the smoothed speed from the bytes moved since then. */
void transfer_progress(struct transfer *t, gboolean force)
{
    gint64 now = g_get_monotonic_time();
    if (!t->session || (!force && now - t->rate_us < SESSION_PROGRESS_INTERVAL_US))
        return;
    if (t->rate_us != 0 && now > t->rate_us && t->pub.done >= t->rate_done) {
        double sample = (double)(t->pub.done - t->rate_done) * G_USEC_PER_SEC /
                        (double)(now - t->rate_us);
        double *speed = &t->pub.bytes_per_second;
        *speed = *speed == 0 ? sample : *speed + SESSION_SPEED_SMOOTHING * (sample - *speed);
    }
    t->rate_us = now;
    t->rate_done = t->pub.done;
    transfer_show(t, CHAT_TRANSFER_RUNNING);
    g_signal_emit(t->session, session_signals[SIG_TRANSFER_PROGRESS], 0, t->object);
}

/* Holds back frame processing until transfer_unblock_io (its write buffer is full). */
void transfer_block_io(struct transfer *t)
{
    g_return_if_fail(t->session && !t->blocks_io);
    t->blocks_io = TRUE;
    session_block_io(t->session);
}

/* Lets frames flow again if this transfer was holding them. */
void transfer_unblock_io(struct transfer *t)
{
    if (!t->blocks_io || !t->session)
        return;
    t->blocks_io = FALSE;
    session_unblock_io(t->session);
}

/* Takes t out of the session: its file work is cancelled and late callbacks see
 * t->session NULL. The list's reference passes to the caller. */
static void transfer_detach(struct transfer *t)
{
    transfer_unblock_io(t);
    g_queue_remove(&t->session->transfers, t);
    t->session = NULL;
    g_cancellable_cancel(t->cancel);
}

/* Ends t in state with the given signal (and reason); a transfer ends once, later calls
 * do nothing. */
static void transfer_end(struct transfer *t, ChatTransferState state, guint signal,
                         const char *reason)
{
    ChatSession *self = t->session;
    if (!self)
        return;
    g_object_ref(self);
    transfer_detach(t);
    transfer_show(t, CHAT_TRANSFER_RUNNING);
    transfer_object_set_state(t->object, state, reason);
    if (reason)
        g_signal_emit(self, session_signals[signal], 0, t->object, reason);
    else
        g_signal_emit(self, session_signals[signal], 0, t->object);
    if (t->pub.direction == CHAT_TRANSFER_UPLOAD)
        upload_send_offers(self); /* an upload slot may have come free */
    transfer_unref(t);
    session_note_activity(self);
    g_object_unref(self);
}

/* Reports t complete and verified, then forgets it. */
void transfer_finish(struct transfer *t)
{
    transfer_end(t, CHAT_TRANSFER_DONE, SIG_TRANSFER_FINISHED, NULL);
}

/* Reports t failed with an English reason, then forgets it. */
void transfer_fail(struct transfer *t, const char *reason)
{
    transfer_end(t, CHAT_TRANSFER_FAILED, SIG_TRANSFER_FAILED, reason);
}

/* The user cancelled t: CANCELLED, and "transfer-failed" says "cancelled". */
void transfer_cancel(struct transfer *t)
{
    if (t->pub.direction == CHAT_TRANSFER_UPLOAD)
        upload_cancel(t);
    else
        download_cancel(t);
    transfer_end(t, CHAT_TRANSFER_CANCELLED, SIG_TRANSFER_FAILED, _("cancelled"));
}

/* transfer_fail with a formatted reason. */
void transfer_fail_printf(struct transfer *t, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *reason = g_strdup_vprintf(format, args);
    va_end(args);
    transfer_fail(t, reason);
    g_free(reason);
}

static gboolean transfer_in_flight(struct transfer *t)
{
    return t->pub.direction == CHAT_TRANSFER_UPLOAD ? upload_in_flight(t) : download_in_flight(t);
}

/* Fails every transfer that depends on the connection (offered, requested, moving);
 * ones still being prepared or waiting for a login are kept for the next connection. */
void transfer_fail_in_flight(ChatSession *self, const char *reason)
{
    GPtrArray *doomed = g_ptr_array_new_with_free_func(transfer_unref);
    for (GList *l = self->transfers.head; l; l = l->next)
        if (transfer_in_flight(l->data))
            g_ptr_array_add(doomed, transfer_ref(l->data));
    for (guint i = 0; i < doomed->len; i++)
        transfer_fail(doomed->pdata[i], reason);
    g_ptr_array_unref(doomed);
}

/* Forgets every transfer without a signal (the session is going away). */
void transfer_detach_all(ChatSession *self)
{
    struct transfer *t;
    while ((t = g_queue_peek_head(&self->transfers))) {
        transfer_detach(t);
        transfer_unref(t);
    }
}
