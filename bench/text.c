/* Message texts (see text.h). Parsing runs once per delivery, millions of times a second,
 * so it is a fixed layout of hex digits, read with one table look-up and one shift per
 * digit and no branch. */
#include "bench/text.h"

#include <stdio.h>
#include <string.h>

/* Value of each byte as a hex digit: 0..15 for 0-9 and a-f, 16 for anything else. */
static uint8_t digit_values[256];

void text_init(void)
{
    memset(digit_values, 16, sizeof digit_values);
    for (unsigned d = 0; d < 16; d++)
        digit_values[(unsigned char)"0123456789abcdef"[d]] = (uint8_t)d;
}

void text_format(char *out, uint32_t size, uint32_t sender, uint64_t seq, uint64_t stamp_ns)
{
    int n = snprintf(out, size + 1, "S%06x Q%010llx T%016llx ", sender,
                     (unsigned long long)seq, (unsigned long long)stamp_ns);
    memset(out + n, 'x', size - (uint32_t)n);
    out[size] = '\0';
}

/* Exactly n hex digits. */
static bool hex_parse(const char *p, int n, uint64_t *out)
{
    uint64_t v = 0;
    unsigned bad = 0;
    for (int i = 0; i < n; i++) {
        unsigned d = digit_values[(unsigned char)p[i]];
        bad |= d;
        v = v << 4 | (d & 15u);
    }
    *out = v;
    return bad < 16;
}

bool text_parse(const char *t, size_t len, uint32_t *sender, uint64_t *seq, uint64_t *stamp_ns)
{
    uint64_t s;
    if (len < TEXT_HEAD_LEN || t[0] != 'S' || t[7] != ' ' || t[8] != 'Q' || t[19] != ' ' ||
        t[20] != 'T' || t[37] != ' ')
        return false;
    if (!hex_parse(t + 1, 6, &s) || !hex_parse(t + 9, 10, seq) || !hex_parse(t + 21, 16, stamp_ns))
        return false;
    *sender = (uint32_t)s;
    return true;
}
