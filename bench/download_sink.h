/* The receiving end of a download as the TCP baseline's sink does it: bytes come from
 * the socket into one buffer, and the chunk payloads in it go to the file with one
 * writev per read, straight from that buffer. Only frame headers and chunk prefixes
 * (24 bytes) and the few other frames (DOWNLOAD_START, DOWNLOAD_END, ERROR, anything
 * else the server sends) are copied aside to be decoded whole. */
#ifndef BENCH_DOWNLOAD_SINK_H
#define BENCH_DOWNLOAD_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/protocol.h"

enum download_sink_phase { SINK_HEADER, SINK_PREFIX, SINK_BODY };

struct download_sink {
    int out_fd;
    uint64_t file_id;
    uint64_t got;            /* payload bytes of file_id received, all in order */
    uint64_t payload_left;   /* bytes of the current chunk's data still to come */
    enum download_sink_phase phase; /* what `frame` is collecting */
    uint8_t *frame;          /* a header, a chunk prefix or a whole other frame */
    size_t held, need, cap;
    uint32_t payload_len;    /* of the frame in `frame`, once its header is read */
    uint16_t type;
    /* Called with every whole frame that is not a chunk of file_id; false stops the
     * stream (the callback says why in its own state). */
    bool (*on_frame)(void *ctx, const struct proto_msg *m);
    void *ctx;
    char error[160];
};

/* Starts a sink writing file_id's chunks to out_fd from offset 0. */
void download_sink_init(struct download_sink *s, int out_fd, uint64_t file_id,
                        bool (*on_frame)(void *ctx, const struct proto_msg *m), void *ctx);

/* Takes n received bytes: chunk data written to the file before returning, other frames
 * handed to on_frame. False on a stream the sink cannot follow (error says why), a
 * failed write (errno in error) or when on_frame said stop. */
bool download_sink_feed(struct download_sink *s, const uint8_t *bytes, size_t n);

void download_sink_free(struct download_sink *s);

#endif
