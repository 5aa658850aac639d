/* Unit tests of common/safe_text.c: every escape a hostile server could send comes out
 * inert, and ordinary text (accents, emoji, right-to-left letters) comes out unchanged. */
#include <glib.h>
#include <string.h>

#include "common/safe_text.h"

static void assert_safe(const char *in, gssize len, SafeTextFlags flags, const char *expected)
{
    char *out = safe_text(in, len, flags);
    g_assert_cmpstr(out, ==, expected);
    g_assert_true(g_utf8_validate(out, -1, NULL));
    g_free(out);
}

static void test_plain_text_unchanged(void)
{
    assert_safe("hello", -1, SAFE_TEXT_ONE_LINE, "hello");
    assert_safe("Zoë 李小龍 🎧 👩‍👩‍👧 مرحبا", -1, SAFE_TEXT_ONE_LINE,
                "Zoë 李小龍 🎧 👩‍👩‍👧 مرحبا");
    assert_safe("a\tb", -1, SAFE_TEXT_ONE_LINE, "a\tb");
    assert_safe("C:\\dir", -1, SAFE_TEXT_ONE_LINE, "C:\\dir");
    assert_safe("", -1, SAFE_TEXT_ONE_LINE, "");
}

static void test_terminal_escapes(void)
{
    /* OSC 52 (clipboard), CSI (clear screen), DCS, BEL, backspace, DEL, CR. */
    assert_safe("\x1b]52;c;Y3VybA==\x07", -1, 0, "\\x1B]52;c;Y3VybA==\\x07");
    assert_safe("\x1b[2J\x1b[H", -1, 0, "\\x1B[2J\\x1B[H");
    assert_safe("\x1bP1$r\x1b\\", -1, 0, "\\x1BP1$r\\x1B\\");
    assert_safe("abc\b\b\bxyz\x7f", -1, 0, "abc\\x08\\x08\\x08xyz\\x7F");
    assert_safe("safe\roverwritten", -1, 0, "safe\\roverwritten");
    /* C1 controls as characters (U+009B is CSI, U+0085 NEL, U+009D OSC). */
    assert_safe("\xc2\x9b" "2J \xc2\x85 \xc2\x9d", -1, 0, "\\u009B2J \\u0085 \\u009D");
}

static void test_invalid_bytes(void)
{
    /* A raw 0x9B byte is CSI on an 8-bit terminal: it must not get through. */
    char *out = safe_text("a\x9b" "2Jb", -1, 0);
    g_assert_null(strchr(out, '\x9b'));
    g_assert_cmpstr(out, ==, "a\xef\xbf\xbd" "2Jb");
    g_free(out);
    out = safe_text("a\0b", 3, 0);
    g_assert_cmpuint(strlen(out), >, 2);
    g_assert_true(g_utf8_validate(out, -1, NULL));
    g_free(out);
}

static void test_newlines(void)
{
    /* A forged line: the name would end our line and start one "from admin". */
    assert_safe("bob> hi\n12:00:00 <admin", -1, SAFE_TEXT_ONE_LINE,
                "bob> hi\\n12:00:00 <admin");
    assert_safe("two\nlines", -1, SAFE_TEXT_KEEP_NEWLINES, "two\nlines");
    assert_safe("a\r\nb", -1, SAFE_TEXT_KEEP_NEWLINES, "a\\r\nb");
    assert_safe("a\u2028b\u2029c", -1, 0, "a\\u2028b\\u2029c");
}

static void test_bidi_controls(void)
{
    assert_safe("gpj\u202Eexe.doc", -1, 0, "gpj\\u202Eexe.doc");
    assert_safe("\u202A\u202B\u202C\u202D\u2066\u2067\u2068\u2069\u200E\u200F\u061C", -1, 0,
                "\\u202A\\u202B\\u202C\\u202D\\u2066\\u2067\\u2068\\u2069\\u200E\\u200F"
                "\\u061C");
}

static void test_isolate(void)
{
    assert_safe("alice", -1, SAFE_TEXT_ISOLATE, "\u2068alice\u2069");
    /* A PDI inside cannot close our isolate early, nor an override reverse what follows. */
    assert_safe("x\u2069\u202Eevil", -1, SAFE_TEXT_ISOLATE, "\u2068x\\u2069\\u202Eevil\u2069");
    assert_safe("שלום", -1, SAFE_TEXT_ISOLATE, "\u2068שלום\u2069");
}

static void test_every_control_is_escaped(void)
{
    for (gunichar c = 0; c < 0x110000; c++) {
        if (c >= 0xD800 && c <= 0xDFFF)
            continue;
        char in[8] = { 0 };
        g_unichar_to_utf8(c, in);
        char *out = safe_text(in, c == 0 ? 1 : -1, 0);
        gboolean escaped = out[0] == '\\' || (c == 0 && strcmp(out, "\xef\xbf\xbd") == 0);
        if (c == 0 || (c < 0x20 && c != '\t') || (c >= 0x7F && c <= 0x9F))
            g_assert_true(escaped);
        for (const char *p = out; *p; p = g_utf8_next_char(p)) {
            gunichar o = g_utf8_get_char(p);
            g_assert_true(o == '\t' || !safe_text_is_active(o));
        }
        g_free(out);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/safe_text/plain", test_plain_text_unchanged);
    g_test_add_func("/safe_text/terminal_escapes", test_terminal_escapes);
    g_test_add_func("/safe_text/invalid_bytes", test_invalid_bytes);
    g_test_add_func("/safe_text/newlines", test_newlines);
    g_test_add_func("/safe_text/bidi", test_bidi_controls);
    g_test_add_func("/safe_text/isolate", test_isolate);
    g_test_add_func("/safe_text/every_control", test_every_control_is_escaped);
    return g_test_run();
}
