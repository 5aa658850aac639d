/* Reference-counted frames and the ring of {frame, offset} slots each client owns. */
#include "server/outq.h"

#include <errno.h>
#include <glib.h>
#include <limits.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "server/conn.h"

/* Ring indexes wrap with a mask: capacities are powers of two. */
G_STATIC_ASSERT((SERVER_OUTQ_INLINE_SLOTS & (SERVER_OUTQ_INLINE_SLOTS - 1)) == 0);
G_STATIC_ASSERT(SERVER_WRITEV_IOVECS <= IOV_MAX); /* more is EINVAL */
/* Small frames gathered for one write always fit the copy buffer together. */
G_STATIC_ASSERT(SERVER_WRITEV_IOVECS * SERVER_COPY_SMALL_FRAMES <= SERVER_COPY_BUFFER);

/* The one buffer that copied writes use (a write finishes before the next begins, and
 * what a socket refuses is copied again), so its size costs nothing per client. */
static uint8_t copy_buffer[SERVER_COPY_BUFFER];

static inline uint32_t ring_index(const struct outq *q, uint32_t i)
{
    return (q->head + i) & (q->cap - 1);
}

struct frame *frame_new(size_t cap)
{
    struct frame *f = g_malloc(sizeof *f + cap);
    f->refs = 1;
    f->len = 0;
    f->file = (struct frame_file){ .fd = -1 };
    return f;
}

struct frame *frame_encode(const struct proto_msg *msg)
{
    size_t size = proto_frame_size(msg);
    if (size == 0)
        return NULL;
    struct frame *f = frame_new(size);
    f->len = (uint32_t)proto_encode(msg, f->data);
    return f;
}

void frame_unref(struct frame *f)
{
    if (--f->refs != 0)
        return;
    if (f->file.release != NULL)
        f->file.release(f->file.ctx, f->file.owner);
    g_free(f);
}

void outq_init(struct outq *q)
{
    q->slots = q->inline_slots;
    q->cap = SERVER_OUTQ_INLINE_SLOTS;
    q->head = q->count = q->calm_flushes = 0;
    q->bytes = 0;
    q->refused = 0;
    q->refused_copied = false;
}

/* Doubles the ring, unrolling it so the oldest slot comes first. Kept out of line so
 * outq_push, run once per delivery, stays a few instructions. */
static G_GNUC_NO_INLINE void outq_grow(struct outq *q)
{
    uint32_t cap = q->cap * 2;
    struct outq_slot *slots = g_new(struct outq_slot, cap);
    for (uint32_t i = 0; i < q->count; i++)
        slots[i] = q->slots[ring_index(q, i)];
    if (q->slots != q->inline_slots)
        g_free(q->slots);
    q->slots = slots;
    q->cap = cap;
    q->head = 0;
}

/* Returns to the inline slots, giving back any heap ring; the queue must be empty. */
static void outq_release_ring(struct outq *q)
{
    q->calm_flushes = 0;
    if (q->slots != q->inline_slots) {
        g_free(q->slots);
        q->slots = q->inline_slots;
        q->cap = SERVER_OUTQ_INLINE_SLOTS;
    }
    q->head = 0;
}

/* Once empty, a heap ring of ordinary size is kept for the next pass's frames while
 * the client is busy; a big one, left by a reader that fell far behind, is given back
 * at once, any other once SERVER_OUTQ_CALM_FLUSHES flushes in a row sent no more than
 * the inline slots hold (an idle client keeps none from its login burst). */
static void outq_shrink_if_empty(struct outq *q, uint32_t frames_sent)
{
    if (q->slots != q->inline_slots)
        q->calm_flushes = frames_sent <= SERVER_OUTQ_INLINE_SLOTS ? q->calm_flushes + 1 : 0;
    if (q->count != 0)
        return;
    q->refused = 0;
    if (q->cap > SERVER_OUTQ_KEEP_SLOTS || q->calm_flushes >= SERVER_OUTQ_CALM_FLUSHES)
        outq_release_ring(q);
    q->head = 0;
}

void outq_push(struct outq *q, struct frame *f)
{
    if (q->count == q->cap)
        outq_grow(q);
    q->slots[ring_index(q, q->count)] = (struct outq_slot){ frame_ref(f), 0 };
    q->count++;
    q->bytes += frame_size(f);
}

unsigned outq_withdraw(struct outq *q, bool (*drop)(const struct frame *f, void *data),
                       void *data)
{
    uint32_t kept = 0;
    size_t ahead = 0; /* bytes before slot i; the refused ones count as begun */
    for (uint32_t i = 0; i < q->count; i++) {
        struct outq_slot slot = q->slots[ring_index(q, i)];
        bool begun = slot.sent > 0 || ahead < q->refused;
        ahead += frame_size(slot.frame) - slot.sent;
        if (!begun && drop(slot.frame, data)) {
            q->bytes -= slot.frame->len;
            frame_unref(slot.frame);
            continue;
        }
        q->slots[ring_index(q, kept++)] = slot;
    }
    unsigned withdrawn = q->count - kept;
    q->count = kept;
    outq_shrink_if_empty(q, UINT32_MAX); /* a withdrawal is no calm flush */
    return withdrawn;
}

/* Marks n written bytes as sent, releasing the frames that are now complete; returns
 * how many were. */
static uint32_t outq_consume(struct outq *q, size_t n)
{
    uint32_t done = 0;
    q->bytes -= n;
    while (n > 0) {
        struct outq_slot *slot = &q->slots[q->head];
        size_t left = frame_size(slot->frame) - slot->sent;
        if (n < left) {
            slot->sent += (uint32_t)n;
            return done;
        }
        n -= left;
        frame_unref(slot->frame);
        q->head = ring_index(q, 1);
        q->count--;
        done++;
    }
    return done;
}

/* Gathers the in-memory bytes from the head on, up to and including the first frame
 * with a file part (its file bytes must go by sendfile). Returns the iovec count;
 * *file is set when that frame was reached. */
static int outq_gather(const struct outq *q, struct iovec *iov, size_t *want, bool *file)
{
    int n = 0;
    *want = 0;
    *file = false;
    for (uint32_t i = 0; i < q->count && n < SERVER_WRITEV_IOVECS; i++) {
        const struct outq_slot *slot = &q->slots[ring_index(q, i)];
        iov[n].iov_base = slot->frame->data + slot->sent;
        iov[n].iov_len = slot->frame->len - slot->sent;
        *want += iov[n].iov_len;
        n++;
        if (slot->frame->file.len > 0) {
            *file = true;
            break;
        }
    }
    return n;
}

/* Sends the rest of the head frame's file part. */
static ssize_t outq_send_file(const struct outq *q, struct conn *conn, size_t *want)
{
    const struct outq_slot *head = &q->slots[q->head];
    const struct frame_file *ff = &head->frame->file;
    uint32_t done = head->sent - head->frame->len;
    *want = ff->len - done;
    ssize_t n = conn_sendfile(conn, ff->fd, (off_t)(ff->offset + done), *want);
    if (n == 0) { /* the file is shorter than its frame said */
        errno = EIO;
        return -1;
    }
    return n;
}

/* Copies the queue from the head on into buf, file parts read from their files, up to
 * cap bytes. Returns the bytes copied; 0 with errno set if the head frame's file could
 * not be read (EIO when it is shorter than its frame said). */
static size_t outq_copy(const struct outq *q, uint8_t *buf, size_t cap)
{
    size_t filled = 0;
    for (uint32_t i = 0; i < q->count && filled < cap; i++) {
        const struct outq_slot *slot = &q->slots[ring_index(q, i)];
        const struct frame *f = slot->frame;
        if (slot->sent < f->len) {
            size_t n = MIN((size_t)(f->len - slot->sent), cap - filled);
            memcpy(buf + filled, f->data + slot->sent, n);
            filled += n;
        }
        uint32_t done = slot->sent > f->len ? slot->sent - f->len : 0;
        while (done < f->file.len && filled < cap) {
            size_t want = MIN((size_t)(f->file.len - done), cap - filled);
            ssize_t got = pread(f->file.fd, buf + filled, want, (off_t)(f->file.offset + done));
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                if (got == 0)
                    errno = EIO;
                return filled; /* what is whole goes; the next call meets the failure */
            }
            filled += (size_t)got;
            done += (uint32_t)got;
        }
    }
    return filled;
}

/* One write of a conn that copies file parts (CONN_COPY_FILES): everything from the head
 * on, copied (up to SERVER_COPY_BUFFER bytes) into one buffer shared by every queue, in
 * one conn_writev. What the socket refuses is copied again for the retry: the same
 * bytes from the same frames and files, at least as many. */
static ssize_t outq_write_copied(const struct outq *q, struct conn *conn, size_t *want)
{
    *want = outq_copy(q, copy_buffer, sizeof copy_buffer);
    if (*want == 0)
        return -1; /* errno from outq_copy */
    struct iovec v = { .iov_base = copy_buffer, .iov_len = *want };
    return conn_writev(conn, &v, 1);
}

/* Whether the n gathered frames (want bytes) go out copied into one buffer rather than
 * as n iovecs: when there are several and they are small (SERVER_COPY_SMALL_FRAMES says
 * why), on a conn that may write less than it was given (not TLS, which must be offered
 * the same bytes again). */
static bool outq_copy_pays(const struct conn *conn, int n, size_t want)
{
    return n > 1 && want <= (size_t)n * SERVER_COPY_SMALL_FRAMES &&
           !(conn->flags & CONN_RETRY_SAME);
}

/* One write of the n gathered in-memory frames, copied into the shared buffer (they
 * fit: see the assertion above). */
static ssize_t outq_write_gathered_copy(struct conn *conn, const struct iovec *iov, int n)
{
    size_t filled = 0;
    for (int i = 0; i < n; i++) {
        memcpy(copy_buffer + filled, iov[i].iov_base, iov[i].iov_len);
        filled += iov[i].iov_len;
    }
    struct iovec v = { .iov_base = copy_buffer, .iov_len = filled };
    return conn_writev(conn, &v, 1);
}

enum outq_status outq_flush(struct outq *q, struct conn *conn, size_t budget)
{
    size_t written = 0;
    uint32_t frames = 0;
    while (q->count > 0 && written < budget) {
        struct iovec iov[SERVER_WRITEV_IOVECS];
        size_t want;
        ssize_t done;
        bool copied = q->refused > 0 && q->refused_copied; /* retried as they went */
        bool file = q->slots[q->head].sent >= q->slots[q->head].frame->len;
        int n = file || copied ? 0 : outq_gather(q, iov, &want, &file);
        copied = copied || (file && (conn->flags & CONN_COPY_FILES));
        if (copied)
            done = outq_write_copied(q, conn, &want); /* headers and payloads together */
        else if (n == 0)
            done = outq_send_file(q, conn, &want); /* in the head's file part */
        else if (file && written + want < budget) /* the file part follows in this pass */
            done = conn_writev_before_file(conn, iov, n); /* shares a segment with it */
        else if (!file && outq_copy_pays(conn, n, want))
            done = outq_write_gathered_copy(conn, iov, n);
        else /* held back (MSG_MORE), the bytes would wait for the next pass */
            done = conn_writev(conn, iov, n);
        q->refused = conn->flags & CONN_RETRY_SAME ? want - (size_t)MAX(done, 0) : 0;
        q->refused_copied = copied;
        if (done < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return OUTQ_PENDING;
            return OUTQ_ERROR;
        }
        frames += outq_consume(q, (size_t)done);
        written += (size_t)done;
        if ((size_t)done < want)
            break; /* the socket buffer is full: wait for writability */
    }
    outq_shrink_if_empty(q, frames);
    return q->count == 0 ? OUTQ_EMPTY : OUTQ_PENDING;
}

void outq_clear(struct outq *q)
{
    while (q->count > 0) {
        frame_unref(q->slots[q->head].frame);
        q->head = ring_index(q, 1);
        q->count--;
    }
    q->bytes = 0;
    outq_shrink_if_empty(q, UINT32_MAX);
    outq_release_ring(q);
}
