/* Image headers read without decoding: the format and dimensions of a PNG (its IHDR
 * chunk) or a JPEG (its first SOFn segment), with every length checked against the
 * bytes present. The server uses it to refuse hostile thumbnails before storing them,
 * the clients before any decoder sees one: a decoder is only ever handed a PNG or JPEG
 * whose declared size is known to be small, so a few bytes declaring a huge image (a
 * decompression bomb) never reach it. */
#ifndef CHAT_IMAGE_HEADER_H
#define CHAT_IMAGE_HEADER_H

#include <stddef.h>
#include <stdint.h>

enum image_format {
    IMAGE_FORMAT_NONE = 0,
    IMAGE_FORMAT_PNG = 1,
    IMAGE_FORMAT_JPEG = 2,
};

enum image_status {
    IMAGE_OK = 0,
    IMAGE_UNKNOWN_FORMAT,  /* neither a PNG nor a JPEG signature */
    IMAGE_MALFORMED,       /* a length or field inconsistent with the bytes present */
    IMAGE_NO_SIZE,         /* no dimensions before the image data, or a zero one */
    IMAGE_TOO_MANY_BYTES,  /* over the byte limit */
    IMAGE_TOO_LARGE,       /* a side over the limit (a decompression bomb among them) */
};

struct image_info {
    enum image_format format;
    uint32_t width;
    uint32_t height;
};

/* Reads the format and dimensions of the PNG or JPEG in bytes[0..len). IMAGE_OK with
 * *out filled, or the first problem found (out->format is then set if the signature
 * was recognised). Reads nothing outside bytes[0..len); decodes no pixel. */
enum image_status image_header_read(const uint8_t *bytes, size_t len, struct image_info *out);

/* image_header_read() plus the limits of a thumbnail: at most max_bytes bytes and at
 * most max_side pixels each side. */
enum image_status image_header_check(const uint8_t *bytes, size_t len, size_t max_bytes,
                                     uint32_t max_side, struct image_info *out);

/* English sentence for a status (error frames, logs, the UI). */
const char *image_status_text(enum image_status status);

#endif
