/* libFuzzer harness for the frame decoder (common/protocol.c).
 * The input is split into pieces whose sizes come from its own first byte, fed to an
 * incremental decoder, and every frame that decodes is encoded again and must decode
 * to the same bytes: the codec neither crashes, over-reads nor loses information. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/protocol.h"

static void check_round_trip(const struct proto_msg *msg)
{
    if (msg->type == PROTO_USER_LIST || msg->type == PROTO_USER_JOINED ||
        msg->type == PROTO_USER_LEFT) {
        size_t cursor = 0, seen = 0;
        struct proto_user user;
        while (proto_users_next(&msg->u.users, &cursor, &user))
            seen++;
        assert(seen == msg->u.users.count);
        return;
    }
    size_t size = proto_frame_size(msg);
    assert(size >= PROTO_HEADER_SIZE);
    uint8_t *frame = malloc(size);
    assert(proto_encode(msg, frame) == size);
    uint32_t len;
    uint16_t type;
    assert(proto_header_read(frame, PROTO_MAX_PAYLOAD, &len, &type) == PROTO_OK);
    assert(type == msg->type && len == size - PROTO_HEADER_SIZE);
    struct proto_msg again;
    assert(proto_decode_payload(type, frame + PROTO_HEADER_SIZE, len, &again) == PROTO_OK);
    uint8_t *frame2 = malloc(size);
    assert(proto_frame_size(&again) == size && proto_encode(&again, frame2) == size);
    assert(memcmp(frame, frame2, size) == 0);
    free(frame);
    free(frame2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t piece = (size_t)data[0] % 17 + 1; /* 1..17 bytes per feed */
    data++;
    size--;

    struct proto_decoder d;
    proto_decoder_init(&d, PROTO_MAX_PAYLOAD);
    size_t pos = 0;
    bool broken = false;
    while (pos < size && !broken) {
        size_t n = size - pos < piece ? size - pos : piece;
        proto_decoder_feed(&d, data + pos, n);
        pos += n;
        for (;;) {
            struct proto_msg msg;
            enum proto_status st = proto_decoder_next(&d, &msg);
            if (st == PROTO_OK) {
                check_round_trip(&msg);
                continue;
            }
            if (st == PROTO_NEED_MORE)
                break;
            assert(proto_status_text(st) != NULL);
            if (st == PROTO_ERR_TOO_LARGE || msg.type == 0) {
                broken = true; /* the header itself was refused: the stream ends here */
                break;
            }
        }
    }
    proto_decoder_free(&d);
    return 0;
}
