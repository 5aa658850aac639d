/* libFuzzer harness for the image header reader (common/image_header.c): whatever the
 * bytes, it reads nothing outside them (ASan), a size it accepts is never zero, the
 * thumbnail check agrees with the plain read plus the limits, and a format it names
 * matches the signature the bytes start with. */
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/image_header.h"

#define MAX_BYTES 4096u
#define MAX_SIDE 320u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct image_info info, checked;
    enum image_status st = image_header_read(data, size, &info);
    if (st == IMAGE_OK) {
        assert(info.width > 0 && info.height > 0);
        assert(info.format == IMAGE_FORMAT_PNG || info.format == IMAGE_FORMAT_JPEG);
    }
    if (info.format == IMAGE_FORMAT_PNG)
        assert(size >= 8 && data[0] == 0x89 && memcmp(data + 1, "PNG", 3) == 0);
    if (info.format == IMAGE_FORMAT_JPEG)
        assert(size >= 3 && data[0] == 0xFF && data[1] == 0xD8);

    enum image_status cst = image_header_check(data, size, MAX_BYTES, MAX_SIDE, &checked);
    if (size > MAX_BYTES) {
        assert(cst == IMAGE_TOO_MANY_BYTES);
    } else if (st != IMAGE_OK) {
        assert(cst == st);
    } else {
        bool small = info.width <= MAX_SIDE && info.height <= MAX_SIDE;
        assert(cst == (small ? IMAGE_OK : IMAGE_TOO_LARGE));
        assert(checked.width == info.width && checked.height == info.height);
    }
    assert(image_status_text(cst) != NULL);
    return 0;
}
