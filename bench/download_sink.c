/* See download_sink.h. */
#include "bench/download_sink.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#define SINK_IOVECS 64 /* pieces of file data per writev; a full set is written at once */

struct pieces {
    struct iovec iov[SINK_IOVECS];
    int count;
};

static bool sink_fail(struct download_sink *s, const char *what)
{
    snprintf(s->error, sizeof s->error, "%s", what);
    return false;
}

/* Writes the gathered pieces whole. */
static bool pieces_write(struct download_sink *s, struct pieces *p)
{
    struct iovec *v = p->iov;
    int left = p->count;
    p->count = 0;
    while (left > 0) {
        ssize_t n = writev(s->out_fd, v, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(s->error, sizeof s->error, "writing the download: %s",
                     n < 0 ? strerror(errno) : "nothing written");
            return false;
        }
        for (size_t done = (size_t)n; done > 0;) {
            size_t step = done < v->iov_len ? done : v->iov_len;
            v->iov_base = (uint8_t *)v->iov_base + step;
            v->iov_len -= step;
            done -= step;
            if (v->iov_len == 0) {
                v++;
                left--;
            }
        }
    }
    return true;
}

static bool frame_reserve(struct download_sink *s, size_t size)
{
    if (size <= s->cap)
        return true;
    uint8_t *grown = realloc(s->frame, size);
    if (grown == NULL)
        return sink_fail(s, "out of memory");
    s->frame = grown;
    s->cap = size;
    return true;
}

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* The next frame starts: its header is awaited. */
static void frame_reset(struct download_sink *s)
{
    s->phase = SINK_HEADER;
    s->held = 0;
    s->need = PROTO_HEADER_SIZE;
}

/* A whole frame other than a chunk: decoded and handed on. */
static bool frame_decode(struct download_sink *s)
{
    struct proto_msg m;
    if (proto_decode_payload(s->type, s->frame + PROTO_HEADER_SIZE, s->payload_len, &m) !=
        PROTO_OK)
        return sink_fail(s, "undecodable frame");
    frame_reset(s);
    return s->on_frame(s->ctx, &m);
}

/* `frame` holds what `need` asked for: a header (decide what comes next), a chunk's
 * prefix (its data follows in place) or a whole other frame (decoded). */
static bool frame_complete(struct download_sink *s)
{
    switch (s->phase) {
    case SINK_HEADER:
        if (proto_header_read(s->frame, PROTO_MAX_PAYLOAD, &s->payload_len, &s->type) != PROTO_OK)
            return sink_fail(s, "undecodable frame header");
        if (s->type == PROTO_DOWNLOAD_CHUNK && s->payload_len > PROTO_CHUNK_PREFIX) {
            s->phase = SINK_PREFIX;
            s->need += PROTO_CHUNK_PREFIX;
            return true;
        }
        s->phase = SINK_BODY;
        s->need += s->payload_len;
        if (s->payload_len == 0)
            return frame_decode(s);
        return frame_reserve(s, s->need);
    case SINK_PREFIX: {
        uint32_t len = s->payload_len - PROTO_CHUNK_PREFIX;
        if (len > PROTO_MAX_CHUNK || get_be64(s->frame + PROTO_HEADER_SIZE) != s->file_id)
            return sink_fail(s, "a chunk of another file, or over the size limit");
        if (get_be64(s->frame + PROTO_HEADER_SIZE + 8) != s->got)
            return sink_fail(s, "a chunk out of order");
        s->payload_left = len;
        s->got += len;
        frame_reset(s);
        return true;
    }
    case SINK_BODY:
        return frame_decode(s);
    }
    return false;
}

bool download_sink_feed(struct download_sink *s, const uint8_t *bytes, size_t n)
{
    struct pieces p = { .count = 0 };
    bool go_on = frame_reserve(s, PROTO_HEADER_SIZE + PROTO_CHUNK_PREFIX);
    while (go_on && n > 0) {
        if (s->payload_left > 0) { /* chunk data: written from where it lies */
            size_t take = n < s->payload_left ? n : (size_t)s->payload_left;
            p.iov[p.count++] = (struct iovec){ .iov_base = (void *)bytes, .iov_len = take };
            s->payload_left -= take;
            bytes += take;
            n -= take;
            if (p.count == SINK_IOVECS)
                go_on = pieces_write(s, &p);
            continue;
        }
        size_t take = s->need - s->held < n ? s->need - s->held : n;
        memcpy(s->frame + s->held, bytes, take);
        s->held += take;
        bytes += take;
        n -= take;
        if (s->held == s->need)
            go_on = frame_complete(s);
    }
    /* what arrived before a stop (DOWNLOAD_END, an error) is still written */
    return pieces_write(s, &p) && go_on;
}

void download_sink_init(struct download_sink *s, int out_fd, uint64_t file_id,
                        bool (*on_frame)(void *ctx, const struct proto_msg *m), void *ctx)
{
    *s = (struct download_sink){ .out_fd = out_fd, .file_id = file_id, .on_frame = on_frame,
                                 .ctx = ctx };
    frame_reset(s);
}

void download_sink_free(struct download_sink *s)
{
    free(s->frame);
    s->frame = NULL;
}
