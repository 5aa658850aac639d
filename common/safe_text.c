/* Text from the network made safe to show; see safe_text.h. */
#include "common/safe_text.h"

#include <string.h>

#define FSI 0x2068u /* FIRST STRONG ISOLATE */
#define PDI 0x2069u /* POP DIRECTIONAL ISOLATE */

/* Bidi controls: marks, embeddings, overrides and isolates. */
static gboolean is_bidi_control(gunichar c)
{
    return c == 0x200E || c == 0x200F || c == 0x061C || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2066 && c <= 0x2069);
}

gboolean safe_text_is_active(gunichar c)
{
    return (c < 0x20 && c != '\t') || (c >= 0x7F && c <= 0x9F) || is_bidi_control(c) ||
           c == 0x2028 || c == 0x2029;
}

static void append_escape(GString *out, gunichar c)
{
    if (c == '\n')
        g_string_append(out, "\\n");
    else if (c == '\r')
        g_string_append(out, "\\r");
    else if (c < 0x80)
        g_string_append_printf(out, "\\x%02X", c);
    else
        g_string_append_printf(out, "\\u%04X", c);
}

char *safe_text(const char *text, gssize len, SafeTextFlags flags)
{
    g_return_val_if_fail(text != NULL || len == 0, NULL);
    gsize size = len < 0 ? strlen(text) : (gsize)len;
    /* Invalid bytes become U+FFFD first: a stray 0x9B byte is CSI to some terminals. */
    char *valid = g_utf8_make_valid(text ? text : "", (gssize)size);
    GString *out = g_string_sized_new(size + 8);
    if (flags & SAFE_TEXT_ISOLATE)
        g_string_append_unichar(out, FSI);
    for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c == '\n' && (flags & SAFE_TEXT_KEEP_NEWLINES))
            g_string_append_c(out, '\n');
        else if (safe_text_is_active(c))
            append_escape(out, c);
        else
            g_string_append_unichar(out, c);
    }
    if (flags & SAFE_TEXT_ISOLATE)
        g_string_append_unichar(out, PDI);
    g_free(valid);
    return g_string_free(out, FALSE);
}
