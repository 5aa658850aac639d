/* libFuzzer harness for the rules on untrusted strings (common/validate.c,
 * common/safe_text.c, common/emoji.c and common/mention.c): whatever the bytes, a
 * sanitised file name is a safe base name, the name, text and emoji checks agree with
 * their promises, text made safe to show holds no character that could act on a
 * terminal or reorder a label, and a mention is found only where an '@' is. */
#include <assert.h>
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "common/emoji.h"
#include "common/mention.h"
#include "common/protocol.h"
#include "common/safe_text.h"
#include "common/validate.h"

static void check_filename(const char *in, size_t len, size_t cap)
{
    char out[PROTO_MAX_FILENAME_BYTES + 1];
    bool ok = filename_sanitize(in, len, out, cap);
    size_t n = strlen(out);
    assert(n < cap);
    assert(ok == (n > 0));
    assert(g_utf8_validate(out, (gssize)n, NULL));
    assert(strchr(out, '/') == NULL && strchr(out, '\\') == NULL);
    assert(n == 0 || (out[0] != '.' && out[0] != ' '));
    for (const char *p = out; *p; p = g_utf8_next_char(p)) {
        GUnicodeType t = g_unichar_type(g_utf8_get_char(p));
        assert(t != G_UNICODE_CONTROL && t != G_UNICODE_FORMAT);
    }
}

/* text_check's rule written the slow, obvious way: every character through GLib. */
static bool text_check_reference(const char *text, size_t len, size_t max_bytes)
{
    if (len == 0 || len > max_bytes || memchr(text, '\0', len) ||
        !g_utf8_validate(text, (gssize)len, NULL))
        return false;
    bool visible = false;
    for (const char *p = text; p < text + len; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c != '\n' && c != '\t' && g_unichar_type(c) == G_UNICODE_CONTROL)
            return false;
        visible |= !g_unichar_isspace(c);
    }
    return visible;
}

/* safe_text's promise: valid UTF-8, nothing active (newline only where kept, and the
 * isolation marks only at the two ends), and never a newline that was not asked for. */
static void check_safe_text(const char *in, size_t len, SafeTextFlags flags)
{
    char *out = safe_text(in, (gssize)len, flags);
    size_t n = strlen(out);
    assert(g_utf8_validate(out, (gssize)n, NULL));
    const char *begin = out, *end = out + n;
    if (flags & SAFE_TEXT_ISOLATE) {
        assert(n >= 6 && g_utf8_get_char(out) == 0x2068);
        assert(g_utf8_get_char(g_utf8_prev_char(end)) == 0x2069);
        begin = g_utf8_next_char(out);
        end = g_utf8_prev_char(end);
    }
    for (const char *p = begin; p < end; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        assert(c == '\t' || (c == '\n' && (flags & SAFE_TEXT_KEEP_NEWLINES)) ||
               !safe_text_is_active(c));
    }
    g_free(out);
}

/* An accepted reaction is one short run of visible, non-space characters: it is valid
 * text, holds no space, newline or control character, and fits the wire cap. */
static void check_emoji(const char *in, size_t len)
{
    if (!emoji_check(in, len))
        return;
    assert(len > 0 && len <= PROTO_MAX_EMOJI && text_check(in, len, PROTO_MAX_EMOJI));
    for (const char *p = in; p < in + len; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        assert(!g_unichar_isspace(c) && g_unichar_type(c) != G_UNICODE_CONTROL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t cap = 16 + data[0] % (PROTO_MAX_FILENAME_BYTES + 1 - 16);
    const char *s = (const char *)data + 1;
    size_t len = size - 1;

    check_filename(s, len, cap);
    check_safe_text(s, len, (SafeTextFlags)(data[0] % 4));

    if (name_check(s, len) == NAME_OK) {
        assert(len <= PROTO_MAX_NAME_BYTES && memchr(s, '\n', len) == NULL);
        char *key = name_fold_key(s, len);
        assert(key != NULL && g_utf8_validate(key, -1, NULL));
        g_free(key);
    }
    assert(text_check(s, len, PROTO_MAX_TEXT) == text_check_reference(s, len, PROTO_MAX_TEXT));
    check_emoji(s, len);
    static char *alice_key;
    if (alice_key == NULL)
        alice_key = name_fold_key("alice", 5);
    if (mention_find(s, len, alice_key))
        assert(memchr(s, '@', len) != NULL);
    return 0;
}
