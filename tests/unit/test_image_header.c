/* Unit tests of the image header reader (common/image_header.c): the sizes of real
 * headers, and refusal of every hostile thumbnail the server and clients must turn
 * away: too many bytes, another format, a tiny file declaring a huge image, and lengths
 * that point outside the bytes. */
#include <glib.h>
#include <string.h>

#include "common/image_header.h"

#define THUMB_BYTES (64u * 1024u)
#define THUMB_SIDE 320u

/* A PNG signature and IHDR chunk (CRC not checked, left zero) declaring w x h. */
static size_t png_header(uint8_t *out, uint32_t w, uint32_t h)
{
    static const uint8_t head[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n',
                                    0, 0, 0, 13, 'I', 'H', 'D', 'R' };
    memcpy(out, head, sizeof head);
    uint8_t *p = out + sizeof head;
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(w >> (24 - 8 * i));
        p[4 + i] = (uint8_t)(h >> (24 - 8 * i));
    }
    p[8] = 8;  /* depth */
    p[9] = 6;  /* RGBA */
    p[10] = p[11] = p[12] = 0;
    memset(p + 13, 0, 4); /* CRC */
    return sizeof head + 13 + 4;
}

/* SOI, an APP0 segment, a baseline SOF0 (3 components) declaring w x h, then SOS. */
static size_t jpeg_header(uint8_t *out, uint32_t w, uint32_t h)
{
    const uint8_t bytes[] = {
        0xFF, 0xD8,
        0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
        0xFF, 0xC0, 0x00, 0x11, 8, (uint8_t)(h >> 8), (uint8_t)h, (uint8_t)(w >> 8),
        (uint8_t)w, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
        0xFF, 0xDA, 0x00, 0x0C, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3F, 0,
        0x12, 0x34, 0xFF, 0xD9,
    };
    memcpy(out, bytes, sizeof bytes);
    return sizeof bytes;
}

static enum image_status thumb_check(const uint8_t *b, size_t len, struct image_info *info)
{
    return image_header_check(b, len, THUMB_BYTES, THUMB_SIDE, info);
}

static void test_png_size(void)
{
    uint8_t b[64];
    struct image_info info;
    size_t n = png_header(b, 320, 200);
    g_assert_cmpint(thumb_check(b, n, &info), ==, IMAGE_OK);
    g_assert_cmpint(info.format, ==, IMAGE_FORMAT_PNG);
    g_assert_cmpuint(info.width, ==, 320);
    g_assert_cmpuint(info.height, ==, 200);
}

static void test_jpeg_size(void)
{
    uint8_t b[128];
    struct image_info info;
    size_t n = jpeg_header(b, 64, 300);
    g_assert_cmpint(thumb_check(b, n, &info), ==, IMAGE_OK);
    g_assert_cmpint(info.format, ==, IMAGE_FORMAT_JPEG);
    g_assert_cmpuint(info.width, ==, 64);
    g_assert_cmpuint(info.height, ==, 300);
}

static void test_wrong_format(void)
{
    struct image_info info;
    static const uint8_t gif[] = "GIF89a\x10\x00\x10\x00\x00\x00\x00";
    g_assert_cmpint(thumb_check(gif, sizeof gif, &info), ==, IMAGE_UNKNOWN_FORMAT);
    static const uint8_t svg[] = "<svg xmlns='http://www.w3.org/2000/svg'/>";
    g_assert_cmpint(thumb_check(svg, sizeof svg, &info), ==, IMAGE_UNKNOWN_FORMAT);
    g_assert_cmpint(thumb_check(svg, 0, &info), ==, IMAGE_UNKNOWN_FORMAT);
}

static void test_too_many_bytes(void)
{
    uint8_t *b = g_malloc0(THUMB_BYTES + 1);
    struct image_info info;
    png_header(b, 16, 16);
    g_assert_cmpint(thumb_check(b, THUMB_BYTES, &info), ==, IMAGE_OK);
    g_assert_cmpint(thumb_check(b, THUMB_BYTES + 1, &info), ==, IMAGE_TOO_MANY_BYTES);
    g_free(b);
}

/* A decompression bomb: a few dozen bytes declaring billions of pixels. */
static void test_bomb(void)
{
    uint8_t b[128];
    struct image_info info;
    g_assert_cmpint(thumb_check(b, png_header(b, 100000, 100000), &info), ==, IMAGE_TOO_LARGE);
    g_assert_cmpint(thumb_check(b, png_header(b, 321, 10), &info), ==, IMAGE_TOO_LARGE);
    g_assert_cmpint(thumb_check(b, png_header(b, 10, 321), &info), ==, IMAGE_TOO_LARGE);
    g_assert_cmpint(thumb_check(b, png_header(b, 0x7FFFFFFF, 1), &info), ==, IMAGE_TOO_LARGE);
    g_assert_cmpint(thumb_check(b, png_header(b, 0x80000000u, 1), &info), ==, IMAGE_MALFORMED);
    g_assert_cmpint(thumb_check(b, jpeg_header(b, 65535, 65535), &info), ==, IMAGE_TOO_LARGE);
    g_assert_cmpint(thumb_check(b, jpeg_header(b, 321, 1), &info), ==, IMAGE_TOO_LARGE);
}

static void test_png_malformed(void)
{
    uint8_t b[64];
    struct image_info info;
    size_t n = png_header(b, 10, 10);
    for (size_t cut = 0; cut < n; cut++) /* every truncation */
        g_assert_cmpint(thumb_check(b, cut, &info), !=, IMAGE_OK);
    png_header(b, 0, 10);
    g_assert_cmpint(thumb_check(b, n, &info), ==, IMAGE_NO_SIZE);
    png_header(b, 10, 10);
    b[11] = 14; /* IHDR length not 13 */
    g_assert_cmpint(thumb_check(b, n, &info), ==, IMAGE_MALFORMED);
    png_header(b, 10, 10);
    memcpy(b + 12, "IDAT", 4); /* IHDR not first */
    g_assert_cmpint(thumb_check(b, n, &info), ==, IMAGE_MALFORMED);
    png_header(b, 10, 10);
    b[24] = 7; /* bit depth 7 */
    g_assert_cmpint(thumb_check(b, n, &info), ==, IMAGE_MALFORMED);
}

static void test_jpeg_malformed(void)
{
    uint8_t b[128], c[256];
    struct image_info info;
    size_t n = jpeg_header(b, 10, 10);
    for (size_t cut = 0; cut < n - 6; cut++) /* every truncation before the scan */
        g_assert_cmpint(thumb_check(b, cut, &info), !=, IMAGE_OK);

    memcpy(c, b, n);
    c[4] = 0xFF; /* APP0 length past the end */
    g_assert_cmpint(thumb_check(c, n, &info), ==, IMAGE_MALFORMED);
    memcpy(c, b, n);
    c[4] = 0; c[5] = 1; /* APP0 length under 2 */
    g_assert_cmpint(thumb_check(c, n, &info), ==, IMAGE_MALFORMED);
    memcpy(c, b, n);
    c[25] = 0; c[26] = 0; /* height 0: given later by DNL */
    g_assert_cmpint(thumb_check(c, n, &info), ==, IMAGE_NO_SIZE);
    memcpy(c, b, n);
    c[29] = 4; /* four components, three described */
    g_assert_cmpint(thumb_check(c, n, &info), ==, IMAGE_MALFORMED);

    /* A second frame header declaring a huge size after a small first one. */
    memcpy(c, b, 39);
    memcpy(c + 39, b + 20, 19);
    c[39 + 5] = 0xFF; c[39 + 6] = 0xFF;
    memcpy(c + 58, b + 39, n - 39);
    g_assert_cmpint(thumb_check(c, n + 19, &info), ==, IMAGE_MALFORMED);

    /* No frame header before the scan. */
    memcpy(c, b, 20);
    memcpy(c + 20, b + 39, n - 39);
    g_assert_cmpint(thumb_check(c, 20 + n - 39, &info), ==, IMAGE_NO_SIZE);
}

static void test_status_texts(void)
{
    for (int s = IMAGE_OK; s <= IMAGE_TOO_LARGE; s++)
        g_assert_nonnull(image_status_text((enum image_status)s));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/image/png-size", test_png_size);
    g_test_add_func("/image/jpeg-size", test_jpeg_size);
    g_test_add_func("/image/wrong-format", test_wrong_format);
    g_test_add_func("/image/too-many-bytes", test_too_many_bytes);
    g_test_add_func("/image/bomb", test_bomb);
    g_test_add_func("/image/png-malformed", test_png_malformed);
    g_test_add_func("/image/jpeg-malformed", test_jpeg_malformed);
    g_test_add_func("/image/status-texts", test_status_texts);
    return g_test_run();
}
