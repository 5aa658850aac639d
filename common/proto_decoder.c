/* The incremental decoder: bytes in, split anywhere; whole frames out.
 *
 * The buffer holds buf[pos..len) not yet taken out. It is compacted when bytes arrive,
 * sized by bytes actually received (plus, once a header has passed its checks, the
 * rest of that frame), and freed when it runs empty, so an idle connection holds none.
 * Nothing after a bad header is ever stored: the stream ends there. */
#include "common/protocol.h"

#include <stdlib.h>
#include <string.h>

#define DECODER_MIN_CAP 512u

/* The i-th unconsumed byte of the stream made of what is held followed by in[0..n). */
static uint8_t stream_byte(const struct proto_decoder *d, const uint8_t *in, size_t i)
{
    size_t held = d->len - d->pos;
    return i < held ? d->buf[d->pos + i] : in[i - held];
}

/* Walks the frame headers of held bytes followed by in[0..n). Returns how many of the
 * n new bytes are worth keeping (none past the first bad header) and sets *front to the
 * size of the first whole frame once its header is known good, else 0. */
static size_t decoder_scan(const struct proto_decoder *d, const uint8_t *in, size_t n,
                           size_t *front)
{
    size_t held = d->len - d->pos, total = held + n, at = 0;
    *front = 0;
    while (at + PROTO_HEADER_SIZE <= total) {
        uint8_t header[PROTO_HEADER_SIZE];
        for (size_t i = 0; i < PROTO_HEADER_SIZE; i++)
            header[i] = stream_byte(d, in, at + i);
        uint32_t payload_len;
        uint16_t type;
        if (proto_header_read(header, d->max_payload, &payload_len, &type) != PROTO_OK) {
            size_t end = at + PROTO_HEADER_SIZE;
            return end > held ? end - held : 0;
        }
        if (at == 0)
            *front = PROTO_HEADER_SIZE + (size_t)payload_len;
        at += PROTO_HEADER_SIZE + (size_t)payload_len;
    }
    return n;
}

/* Moves the unconsumed bytes to the front and makes room for want of them. */
static void decoder_reserve(struct proto_decoder *d, size_t want)
{
    size_t held = d->len - d->pos;
    if (d->pos > 0) {
        memmove(d->buf, d->buf + d->pos, held);
        d->pos = 0;
        d->len = held;
    }
    if (want <= d->cap)
        return;
    size_t cap = d->cap * 2 > want ? d->cap * 2 : want;
    if (cap < DECODER_MIN_CAP)
        cap = DECODER_MIN_CAP;
    uint8_t *buf = realloc(d->buf, cap);
    if (buf == NULL)
        abort(); /* like g_malloc: a few hundred KiB we cannot get is not recoverable */
    d->buf = buf;
    d->cap = cap;
}

/* Starts empty, with no buffer; limits above the wire-format cap are lowered to it. */
void proto_decoder_init(struct proto_decoder *d, uint32_t max_payload)
{
    *d = (struct proto_decoder){
        .max_payload = max_payload < PROTO_MAX_PAYLOAD ? max_payload : PROTO_MAX_PAYLOAD,
    };
}

/* Frees the buffer and leaves the decoder empty (init again before reuse). */
void proto_decoder_free(struct proto_decoder *d)
{
    free(d->buf);
    d->buf = NULL;
    d->len = d->pos = d->cap = 0;
}

/* Keeps all n bytes, except any past a bad header, which can never be decoded. */
void proto_decoder_feed(struct proto_decoder *d, const void *bytes, size_t n)
{
    size_t front;
    n = decoder_scan(d, bytes, n, &front);
    if (n == 0)
        return;
    size_t want = d->len - d->pos + n;
    decoder_reserve(d, want > front ? want : front);
    memcpy(d->buf + d->len, bytes, n);
    d->len += n;
}

/* One frame per call; the buffer is released by the call that finds nothing left, so
 * views from the previous frame stay valid until then. */
enum proto_status proto_decoder_next(struct proto_decoder *d, struct proto_msg *out)
{
    size_t held = d->len - d->pos;
    if (held == 0) {
        proto_decoder_free(d);
        return PROTO_NEED_MORE;
    }
    if (held < PROTO_HEADER_SIZE)
        return PROTO_NEED_MORE;
    uint32_t payload_len;
    uint16_t type;
    enum proto_status st = proto_header_read(d->buf + d->pos, d->max_payload, &payload_len, &type);
    if (st != PROTO_OK) {
        out->type = 0; /* marks a header error: the stream cannot go on */
        return st;
    }
    if (held - PROTO_HEADER_SIZE < payload_len)
        return PROTO_NEED_MORE;
    const uint8_t *payload = d->buf + d->pos + PROTO_HEADER_SIZE;
    d->pos += PROTO_HEADER_SIZE + payload_len;
    return proto_decode_payload(type, payload, payload_len, out);
}

uint16_t proto_decoder_peek_type(const struct proto_decoder *d)
{
    if (d->len - d->pos < PROTO_HEADER_SIZE)
        return 0;
    const uint8_t *h = d->buf + d->pos + 4;
    return (uint16_t)(h[0] << 8 | h[1]);
}

/* Bytes fed but not yet taken out as frames (a bad header's 8 bytes stay counted). */
size_t proto_decoder_pending(const struct proto_decoder *d)
{
    return d->len - d->pos;
}

void proto_decoder_wipe_taken(struct proto_decoder *d, size_t frame_bytes)
{
    if (d->buf != NULL && frame_bytes <= d->pos)
        explicit_bzero(d->buf + d->pos - frame_bytes, frame_bytes);
}
