/* The floor relay's wire as the load generator speaks it (bench/floor_relay.c says it
 * byte by byte): no login; the relay's notices of how many are joined keep the member
 * count, and the first one means "in the room"; every other frame is a delivery. Like
 * IRC, the relay does not echo a text to its sender. */
#include <stdlib.h>
#include <string.h>

#include "bench/dialect.h"
#include "bench/floor.h"

static void floor_conn_init(struct conn *c)
{
    c->in.lines = (struct linebuf){ 0 };
}

static void floor_conn_release(struct conn *c)
{
    free(c->in.lines.data);
    c->in.lines = (struct linebuf){ 0 };
}

static void floor_login(struct load *ld, struct conn *c)
{
    (void)ld;
    c->login_step = 0; /* the relay's first notice completes it */
}

/* Handles the whole frames at the start of src[0..n); returns the bytes they took, or
 * SIZE_MAX when a header breaks the rules. */
static size_t floor_frames(struct load *ld, struct conn *c, const char *src, size_t n)
{
    size_t at = 0;
    while (n - at >= FLOOR_HEADER) {
        uint32_t h = floor_header_read((const uint8_t *)src + at);
        if (h & FLOOR_NOTICE) {
            if (c->login_step == 0) {
                c->login_step = 1;
                load_logged_in(ld, c);
            }
            load_members(ld, c, (int64_t)(h & ~FLOOR_NOTICE) - c->members);
            at += FLOOR_HEADER;
            continue;
        }
        if (h > FLOOR_MAX_TEXT)
            return SIZE_MAX;
        if (n - at - FLOOR_HEADER < h)
            break;
        load_text(ld, c, src + at + FLOOR_HEADER, h);
        at += FLOOR_HEADER + h;
    }
    return at;
}

static bool floor_input(struct load *ld, struct conn *c, const uint8_t *bytes, size_t n)
{
    size_t len;
    const char *src = linebuf_join(&c->in.lines, bytes, n, &len);
    size_t used = floor_frames(ld, c, src, len);
    if (used == SIZE_MAX) {
        load_server_error(ld, c, "a frame longer than the relay allows");
        return false;
    }
    linebuf_keep(&c->in.lines, src, used, len);
    return true;
}

static void floor_send_text(struct load *ld, struct conn *c, const char *text, size_t len,
                            uint64_t client_id)
{
    (void)client_id; /* the relay acknowledges nothing */
    uint8_t *p = outbuf_reserve(load_output(ld, c), FLOOR_HEADER + len);
    floor_header_write(p, (uint32_t)len);
    memcpy(p + FLOOR_HEADER, text, len);
    outbuf_commit(&c->out, FLOOR_HEADER + len);
}

const struct dialect dialect_floor = {
    .name = "floor",
    .max_text = PROTO_MAX_TEXT, /* the generator's own cap; the relay takes more */
    .conn_init = floor_conn_init,
    .conn_release = floor_conn_release,
    .login = floor_login,
    .input = floor_input,
    .send_text = floor_send_text,
};
