/* Encoded frames shared by reference count, and the per-client output queue.
 *
 * A broadcast is encoded once into one frame; every recipient's queue holds a reference
 * and its own send offset, so fan-out costs one slot per recipient and no copy. The
 * queue is a ring of {frame, offset} slots: a few live inside the client, more are
 * allocated geometrically during bursts; a ring of ordinary size is kept for the next
 * burst when the queue runs empty, a big one is released. */
#ifndef CHAT_SERVER_OUTQ_H
#define CHAT_SERVER_OUTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/protocol.h"
#include "server/limits.h"

/* The tail of a frame that stays in a file until it is sent (a download chunk's
 * payload): it goes out with conn_sendfile, never copied through the server's memory
 * on a plain connection or with kernel TLS. */
struct frame_file {
    int fd;
    uint64_t offset;
    uint32_t len;                /* 0: the frame is all in data */
    void (*release)(void *ctx, void *owner); /* called once when the frame is freed */
    void *ctx;
    void *owner;
};

struct frame {
    uint32_t refs;
    uint32_t len;     /* bytes of the frame in data; file.len more follow from the file */
    struct frame_file file;
    uint8_t data[];
};

/* A frame with room for cap bytes, one reference held by the caller, len 0, no file
 * part. */
struct frame *frame_new(size_t cap);

/* Bytes of the whole frame on the wire. */
static inline size_t frame_size(const struct frame *f)
{
    return (size_t)f->len + f->file.len;
}

/* The whole encoded frame for msg (one reference), or NULL if the codec refuses it
 * (a field over its cap): a server bug, logged by the caller. */
struct frame *frame_encode(const struct proto_msg *msg);

/* Adds a reference. */
static inline struct frame *frame_ref(struct frame *f)
{
    f->refs++;
    return f;
}

/* Drops a reference; the last one frees the frame. */
void frame_unref(struct frame *f);

struct outq_slot {
    struct frame *frame;
    uint32_t sent; /* bytes of this frame already written */
};

struct outq {
    struct outq_slot *slots; /* inline_slots, or a heap ring while a burst lasts */
    uint32_t cap;
    uint32_t head;
    uint32_t count;
    uint32_t calm_flushes;   /* flushes in a row that sent no more than the inline slots
                                hold: the burst that grew a heap ring is over */
    size_t bytes;            /* unsent bytes in the queue */
    /* A conn with CONN_RETRY_SAME (TLS): bytes from the head on that the last write was
     * offered and did not take. The conn may hold some already (a record begun, or
     * sealed and waiting), so they count as begun, and the next write offers them
     * again, at least as many, the same way (copied if they were). */
    size_t refused;
    bool refused_copied;
    struct outq_slot inline_slots[SERVER_OUTQ_INLINE_SLOTS];
};

enum outq_status {
    OUTQ_EMPTY,    /* everything was written */
    OUTQ_PENDING,  /* bytes remain: the socket is full or the write budget is spent */
    OUTQ_ERROR,    /* the socket failed; errno says why */
};

/* Starts an empty queue. The queue must not move in memory while it is in use. */
void outq_init(struct outq *q);

/* Appends f, taking a new reference to it. */
void outq_push(struct outq *q, struct frame *f);

struct conn;

/* Writes queued frames to the connection (gathered, conn_writev; file parts with
 * conn_sendfile, or on a conn with CONN_COPY_FILES copied into one buffer shared by all
 * queues, with the frames around them) until the queue is empty, the socket would
 * block, or budget bytes are written. EAGAIN is OUTQ_PENDING; a file part that turns out shorter is OUTQ_ERROR
 * with EIO (its header already promised the bytes). */
enum outq_status outq_flush(struct outq *q, struct conn *conn, size_t budget);

/* Takes out of the queue every frame not yet begun for which drop(frame, data) is true,
 * keeping the others in order; returns how many were taken out. */
unsigned outq_withdraw(struct outq *q, bool (*drop)(const struct frame *f, void *data),
                       void *data);

/* Drops every queued frame and any heap ring. */
void outq_clear(struct outq *q);

static inline bool outq_empty(const struct outq *q)
{
    return q->count == 0;
}

#endif
