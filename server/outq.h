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

struct frame {
    uint32_t refs;
    uint32_t len;     /* bytes of the frame in data */
    uint8_t data[];
};

/* A frame with room for cap bytes, one reference held by the caller, len 0. */
struct frame *frame_new(size_t cap);

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
    size_t bytes;            /* unsent bytes in the queue */
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

/* Writes queued frames to fd with writev() until the queue is empty, the socket would
 * block, or budget bytes are written. EINTR is retried; EAGAIN is OUTQ_PENDING. */
enum outq_status outq_flush(struct outq *q, int fd, size_t budget);

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
