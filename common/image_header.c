/* PNG and JPEG headers read field by field through a bounds-checked cursor; see
 * image_header.h. PNG: the 8-byte signature, then the IHDR chunk, which the format
 * requires first. JPEG: SOI, then segments up to the first SOS; their lengths are
 * walked, and exactly one frame header (SOFn) gives the size. */
#include "common/image_header.h"

#include <stdbool.h>
#include <string.h>

static const uint8_t png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };

/* PNG allows up to 2^31 - 1 per side; a larger value is a broken (or hostile) file. */
#define PNG_MAX_SIDE 0x7FFFFFFFu
#define PNG_IHDR_LEN 13u

static uint32_t be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static enum image_status png_read(const uint8_t *b, size_t len, struct image_info *out)
{
    /* signature, IHDR length and type, 13 bytes of IHDR, CRC */
    if (len < 8 + 8 + PNG_IHDR_LEN + 4)
        return IMAGE_MALFORMED;
    const uint8_t *chunk = b + 8;
    if (be32(chunk) != PNG_IHDR_LEN || memcmp(chunk + 4, "IHDR", 4) != 0)
        return IMAGE_MALFORMED;
    const uint8_t *ihdr = chunk + 8;
    uint32_t width = be32(ihdr), height = be32(ihdr + 4);
    if (width == 0 || height == 0)
        return IMAGE_NO_SIZE;
    if (width > PNG_MAX_SIDE || height > PNG_MAX_SIDE)
        return IMAGE_MALFORMED;
    uint8_t depth = ihdr[8], color = ihdr[9];
    bool depth_ok = depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    bool color_ok = color == 0 || color == 2 || color == 3 || color == 4 || color == 6;
    /* compression, filter and interlace methods: only 0, 0 and 0 or 1 exist */
    if (!depth_ok || !color_ok || ihdr[10] != 0 || ihdr[11] != 0 || ihdr[12] > 1)
        return IMAGE_MALFORMED;
    out->width = width;
    out->height = height;
    return IMAGE_OK;
}

/* SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
static bool jpeg_is_sof(uint8_t marker)
{
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 &&
           marker != 0xCC;
}

/* A frame header: precision, height, width, component count, 3 bytes per component. */
static enum image_status jpeg_sof(const uint8_t *seg, uint32_t seg_len, struct image_info *out)
{
    if (seg_len < 6)
        return IMAGE_MALFORMED;
    uint32_t components = seg[5];
    if (components == 0 || seg_len != 6 + 3 * components)
        return IMAGE_MALFORMED;
    out->height = be16(seg + 1);
    out->width = be16(seg + 3);
    /* A zero height means "given later in a DNL marker": the size is not known up front,
     * which a header check cannot accept. */
    return out->width == 0 || out->height == 0 ? IMAGE_NO_SIZE : IMAGE_OK;
}

static enum image_status jpeg_read(const uint8_t *b, size_t len, struct image_info *out)
{
    size_t pos = 2; /* after SOI */
    bool have_size = false;
    for (;;) {
        if (pos >= len || b[pos] != 0xFF)
            return IMAGE_MALFORMED;
        while (pos < len && b[pos] == 0xFF) /* fill bytes before a marker */
            pos++;
        if (pos >= len)
            return IMAGE_MALFORMED;
        uint8_t marker = b[pos++];
        if (marker == 0x00 || marker == 0xD8 || marker == 0xD9)
            return IMAGE_MALFORMED; /* stuffing, a second SOI, or EOI before any image data */
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7))
            continue; /* TEM and RSTn stand alone, without a length */
        if (len - pos < 2)
            return IMAGE_MALFORMED;
        uint32_t seg_len = be16(b + pos);
        if (seg_len < 2 || seg_len > len - pos)
            return IMAGE_MALFORMED;
        if (marker == 0xDA) /* SOS: entropy-coded data follows */
            return have_size ? IMAGE_OK : IMAGE_NO_SIZE;
        if (jpeg_is_sof(marker)) {
            if (have_size)
                return IMAGE_MALFORMED; /* two frame headers: which size is true? */
            enum image_status st = jpeg_sof(b + pos + 2, seg_len - 2, out);
            if (st != IMAGE_OK)
                return st;
            have_size = true;
        }
        pos += seg_len;
    }
}

enum image_status image_header_read(const uint8_t *bytes, size_t len, struct image_info *out)
{
    *out = (struct image_info){ IMAGE_FORMAT_NONE, 0, 0 };
    if (len >= sizeof png_signature && memcmp(bytes, png_signature, sizeof png_signature) == 0) {
        out->format = IMAGE_FORMAT_PNG;
        return png_read(bytes, len, out);
    }
    if (len >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) {
        out->format = IMAGE_FORMAT_JPEG;
        return jpeg_read(bytes, len, out);
    }
    return IMAGE_UNKNOWN_FORMAT;
}

enum image_status image_header_check(const uint8_t *bytes, size_t len, size_t max_bytes,
                                     uint32_t max_side, struct image_info *out)
{
    if (len > max_bytes) {
        *out = (struct image_info){ IMAGE_FORMAT_NONE, 0, 0 };
        return IMAGE_TOO_MANY_BYTES;
    }
    enum image_status st = image_header_read(bytes, len, out);
    if (st == IMAGE_OK && (out->width > max_side || out->height > max_side))
        return IMAGE_TOO_LARGE;
    return st;
}

const char *image_status_text(enum image_status status)
{
    switch (status) {
    case IMAGE_OK: return "image header is valid";
    case IMAGE_UNKNOWN_FORMAT: return "not a PNG or JPEG image";
    case IMAGE_MALFORMED: return "image header is malformed";
    case IMAGE_NO_SIZE: return "image declares no size";
    case IMAGE_TOO_MANY_BYTES: return "image has too many bytes";
    case IMAGE_TOO_LARGE: return "image dimensions are too large";
    }
    return "unknown image problem";
}
