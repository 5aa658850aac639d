/* Rules for untrusted strings; see validate.h. Character classes come from GLib's
 * Unicode tables so the server and both clients agree on them. */
#include "common/validate.h"

#include <glib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uspoof.h>

#include "common/protocol.h"

/* Longest extension kept whole when a file name has to be shortened. */
#define FILENAME_MAX_EXTENSION 16

/* Characters that can hide, reorder or fake text: controls, format characters (bidi
 * overrides, zero-width joiners), unassigned and private code points, line breaks. */
static bool char_is_hidden(gunichar c)
{
    switch (g_unichar_type(c)) {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_PRIVATE_USE:
    case G_UNICODE_SURROGATE:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
        return true;
    default:
        return false;
    }
}

/* Code points that render as nothing, or as blank space without being a space, so a
 * name holding one looks like another name: Unicode's Default_Ignorable_Code_Point
 * (soft hyphen, U+034F combining grapheme joiner, the Hangul fillers U+115F, U+1160,
 * U+3164 and U+FFA0, variation selectors, tags...) and blank symbols outside it. */
static bool char_is_filler(gunichar c)
{
    return u_hasBinaryProperty((UChar32)c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
           c == 0x2800 ||  /* BRAILLE PATTERN BLANK */
           c == 0x1D159;   /* MUSICAL SYMBOL NULL NOTEHEAD */
}

static bool char_is_mark(gunichar c)
{
    GUnicodeType t = g_unichar_type(c);
    return t == G_UNICODE_NON_SPACING_MARK || t == G_UNICODE_SPACING_MARK ||
           t == G_UNICODE_ENCLOSING_MARK;
}

enum name_status name_check(const char *name, size_t len)
{
    if (len == 0)
        return NAME_EMPTY;
    if (len > PROTO_MAX_NAME_BYTES)
        return NAME_TOO_LONG;
    if (!proto_utf8_valid(name, len))
        return NAME_BAD_UTF8;
    if (g_utf8_strlen(name, (gssize)len) > PROTO_MAX_NAME_CHARS)
        return NAME_TOO_LONG;
    if (name[0] == ' ' || name[len - 1] == ' ')
        return NAME_BLANK;
    bool visible = false;
    for (const char *p = name; p < name + len; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (char_is_hidden(c) || char_is_filler(c))
            return NAME_BAD_CHAR;
        if (g_unichar_type(c) == G_UNICODE_SPACE_SEPARATOR && c != ' ')
            return NAME_BAD_CHAR;
        if (char_is_mark(c) && p == name)
            return NAME_INVISIBLE; /* a mark with no base would sit on what comes before */
        visible |= c != ' ' && !char_is_mark(c);
    }
    return visible ? NAME_OK : NAME_INVISIBLE;
}

const char *name_status_text(enum name_status status)
{
    switch (status) {
    case NAME_OK:
        return "The name is valid.";
    case NAME_EMPTY:
        return "The name is empty.";
    case NAME_TOO_LONG:
        return "The name is longer than 32 characters.";
    case NAME_BAD_UTF8:
        return "The name is not valid UTF-8 text.";
    case NAME_BAD_CHAR:
        return "The name contains invisible, blank, control or unusual space characters.";
    case NAME_BLANK:
        return "The name must not start or end with a space.";
    case NAME_INVISIBLE:
        return "The name needs a visible letter, digit or symbol before any accent mark.";
    }
    return "The name is not valid.";
}

/* The process-wide confusables checker: created once, read-only afterwards. */
static const USpoofChecker *spoof_checker(void)
{
    static gsize once;
    static USpoofChecker *checker;
    if (g_once_init_enter(&once)) {
        UErrorCode status = U_ZERO_ERROR;
        checker = uspoof_open(&status);
        if (U_FAILURE(status))
            g_error("ICU spoof checker unavailable: %s", u_errorName(status));
        g_once_init_leave(&once, 1);
    }
    return checker;
}

/* Returns the UTS #39 confusable skeleton of s (g_free), so strings that look alike
 * ("alice" in Latin and with a Cyrillic "а") share one skeleton. */
static char *confusable_skeleton(const char *s)
{
    int32_t cap = (int32_t)strlen(s) * 4 + 16;
    for (int attempt = 0; attempt < 2; attempt++) {
        char *out = g_malloc((gsize)cap);
        UErrorCode status = U_ZERO_ERROR;
        int32_t n = uspoof_getSkeletonUTF8(spoof_checker(), 0, s, -1, out, cap, &status);
        /* A skeleton that fills the buffer exactly is "successful" but unterminated. */
        if (U_SUCCESS(status) && n < cap)
            return out;
        g_free(out);
        if (U_FAILURE(status) && status != U_BUFFER_OVERFLOW_ERROR)
            break;
        cap = n + 1;
    }
    return g_strdup(s); /* ICU refused the input: fall back to the folded form */
}

char *name_fold_key(const char *name, size_t len)
{
    /* NFKC first so compatibility forms (fullwidth letters, ligatures) fold together,
     * then case folding, then NFKC again because folding can denormalise; finally the
     * confusable skeleton so look-alike letters from other scripts collide. */
    char *compat = g_utf8_normalize(name, (gssize)len, G_NORMALIZE_ALL_COMPOSE);
    char *folded = g_utf8_casefold(compat, -1);
    char *normal = g_utf8_normalize(folded, -1, G_NORMALIZE_ALL_COMPOSE);
    char *key = confusable_skeleton(normal);
    g_free(compat);
    g_free(folded);
    g_free(normal);
    return key;
}

bool text_check(const char *text, size_t len, size_t max_bytes)
{
    if (len == 0 || len > max_bytes || !proto_utf8_valid(text, len))
        return false;
    /* Every relayed message passes here: plain ASCII is judged byte by byte, and only
     * multi-byte characters go through GLib's Unicode tables. */
    bool visible = false;
    const char *p = text, *end = text + len;
    while (p < end) {
        unsigned char b = (unsigned char)*p;
        if (b < 0x80) {
            if (b < 0x20 || b == 0x7F) {
                if (b != '\n' && b != '\t')
                    return false;
            } else if (b != ' ') {
                visible = true;
            }
            p++;
            continue;
        }
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_type(c) == G_UNICODE_CONTROL)
            return false;
        if (!g_unichar_isspace(c))
            visible = true;
        p = g_utf8_next_char(p);
    }
    return visible;
}

/* Bytes of the longest prefix of s[0..len) that ends on a character boundary and fits
 * in limit bytes. s is valid UTF-8. */
static size_t utf8_prefix_within(const char *s, size_t len, size_t limit)
{
    if (len <= limit)
        return len;
    size_t cut = limit;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    return cut;
}

/* Shortens name (valid UTF-8, NUL-terminated, in a GString) to at most limit bytes,
 * keeping a short extension such as ".tar.gz"'s ".gz" whole. */
static void filename_shorten(GString *name, size_t limit)
{
    if (name->len <= limit)
        return;
    const char *dot = strrchr(name->str, '.');
    size_t ext_len = dot ? strlen(dot) : 0;
    if (dot == name->str || ext_len > FILENAME_MAX_EXTENSION || ext_len >= limit)
        ext_len = 0;
    size_t stem_len = name->len - ext_len;
    size_t keep = utf8_prefix_within(name->str, stem_len, limit - ext_len);
    if (keep == 0) { /* no room for any of the stem: a bare ".ext" would be hidden */
        stem_len = name->len;
        keep = utf8_prefix_within(name->str, stem_len, limit);
    }
    g_string_erase(name, (gssize)keep, (gssize)(stem_len - keep));
}

bool filename_sanitize(const char *name, size_t len, char *out, size_t cap)
{
    g_return_val_if_fail(cap >= 16, false);
    out[0] = '\0';

    size_t start = 0;
    for (size_t i = 0; i < len; i++)
        if (name[i] == '/' || name[i] == '\\')
            start = i + 1;

    char *valid = g_utf8_make_valid(name + start, (gssize)(len - start));
    GString *clean = g_string_sized_new(len - start);
    for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (char_is_hidden(c))
            continue;
        if (clean->len == 0 && (c == '.' || g_unichar_isspace(c)))
            continue;
        g_string_append_unichar(clean, c);
    }
    g_free(valid);
    while (clean->len > 0 && g_ascii_isspace(clean->str[clean->len - 1]))
        g_string_truncate(clean, clean->len - 1);

    filename_shorten(clean, cap - 1);
    bool usable = clean->len > 0;
    memcpy(out, clean->str, clean->len + 1);
    g_string_free(clean, TRUE);
    return usable;
}
