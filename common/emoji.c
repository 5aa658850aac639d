/* The single-emoji rule of reactions (emoji.h), on ICU's emoji properties. */
#include "common/emoji.h"

#include <glib.h>
#include <unicode/uchar.h>

#include "common/protocol.h"

#define ZWJ 0x200D
#define VS15 0xFE0E
#define VS16 0xFE0F
#define KEYCAP 0x20E3
#define TAG_FIRST 0xE0020
#define TAG_CANCEL 0xE007F

static bool is_pictograph(gunichar c)
{
    return !u_hasBinaryProperty((UChar32)c, UCHAR_REGIONAL_INDICATOR) &&
           (u_hasBinaryProperty((UChar32)c, UCHAR_EXTENDED_PICTOGRAPHIC) ||
            u_hasBinaryProperty((UChar32)c, UCHAR_EMOJI_PRESENTATION));
}

static bool is_keycap_base(gunichar c)
{
    return (c >= '0' && c <= '9') || c == '#' || c == '*';
}

/* The modifiers that may follow a base: a variation selector, a skin tone, tags. */
static bool is_modifier(gunichar c)
{
    return c == VS15 || c == VS16 || (c >= TAG_FIRST && c <= TAG_CANCEL) ||
           u_hasBinaryProperty((UChar32)c, UCHAR_EMOJI_MODIFIER);
}

bool emoji_check(const char *bytes, size_t len)
{
    if (len == 0 || len > PROTO_MAX_EMOJI || !proto_utf8_valid(bytes, len))
        return false;
    gunichar cps[PROTO_MAX_EMOJI] = { 0 };
    size_t n = 0;
    for (const char *p = bytes; p < bytes + len; p = g_utf8_next_char(p))
        cps[n++] = g_utf8_get_char(p);
    if (u_hasBinaryProperty((UChar32)cps[0], UCHAR_REGIONAL_INDICATOR)) /* a flag: a pair */
        return n == 2 && u_hasBinaryProperty((UChar32)cps[1], UCHAR_REGIONAL_INDICATOR);
    if (is_keycap_base(cps[0]))
        return (n == 2 && cps[1] == KEYCAP) || (n == 3 && cps[1] == VS16 && cps[2] == KEYCAP);
    size_t i = 0;
    for (;;) { /* pictograph modifier* (ZWJ pictograph modifier*)* */
        if (i >= n || !is_pictograph(cps[i]))
            return false;
        for (i++; i < n && is_modifier(cps[i]); i++)
            ;
        if (i == n)
            return true;
        if (cps[i] != ZWJ)
            return false;
        i++;
    }
}
