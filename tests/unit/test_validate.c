/* Unit tests of the rules for untrusted strings (common/validate.c). */
#include <glib.h>
#include <string.h>

#include "common/protocol.h"
#include "common/validate.h"

static enum name_status check(const char *s)
{
    return name_check(s, strlen(s));
}

static void test_names_accepted(void)
{
    g_assert_cmpint(check("alice"), ==, NAME_OK);
    g_assert_cmpint(check("Zoë Smith"), ==, NAME_OK);
    g_assert_cmpint(check("李小龍"), ==, NAME_OK);
    g_assert_cmpint(check("dj 🎧"), ==, NAME_OK);
    g_assert_cmpint(check("abcdefghijklmnopqrstuvwxyz012345"), ==, NAME_OK); /* 32 */
    g_assert_cmpint(check("ééééééééééééééééééééééééééééééée"), ==, NAME_OK); /* 32 chars, 64 B */
}

static void test_names_refused(void)
{
    g_assert_cmpint(name_check("", 0), ==, NAME_EMPTY);
    g_assert_cmpint(check("abcdefghijklmnopqrstuvwxyz0123456"), ==, NAME_TOO_LONG);
    g_assert_cmpint(check("   "), ==, NAME_BLANK);
    g_assert_cmpint(check(" alice"), ==, NAME_BLANK);
    g_assert_cmpint(check("alice "), ==, NAME_BLANK);
    g_assert_cmpint(check("ali\nce"), ==, NAME_BAD_CHAR);
    g_assert_cmpint(check("ali\x01" "ce"), ==, NAME_BAD_CHAR);
    g_assert_cmpint(check("evil\u202Eevil"), ==, NAME_BAD_CHAR);   /* right-to-left override */
    g_assert_cmpint(check("a\u200Bb"), ==, NAME_BAD_CHAR);         /* zero-width space */
    g_assert_cmpint(check("a\u00A0b"), ==, NAME_BAD_CHAR);         /* no-break space */
    g_assert_cmpint(check("a\u2028b"), ==, NAME_BAD_CHAR);         /* line separator */
    /* Fillers and default-ignorables that render as nothing or blank, anywhere. */
    g_assert_cmpint(check("alice\u3164"), ==, NAME_BAD_CHAR);      /* Hangul filler */
    g_assert_cmpint(check("\u3164"), ==, NAME_BAD_CHAR);
    g_assert_cmpint(check("al\u2800ice"), ==, NAME_BAD_CHAR);      /* Braille blank */
    g_assert_cmpint(check("\u115Falice"), ==, NAME_BAD_CHAR);      /* Hangul choseong filler */
    g_assert_cmpint(check("alice\u1160"), ==, NAME_BAD_CHAR);      /* Hangul jungseong filler */
    g_assert_cmpint(check("alice\uFFA0"), ==, NAME_BAD_CHAR);      /* halfwidth Hangul filler */
    g_assert_cmpint(check("ali\u034Fce"), ==, NAME_BAD_CHAR);      /* combining grapheme joiner */
    g_assert_cmpint(check("alice\u00AD"), ==, NAME_BAD_CHAR);      /* soft hyphen */
    g_assert_cmpint(check("alice\uFE0F"), ==, NAME_BAD_CHAR);      /* variation selector */
    g_assert_cmpint(check("alice\U000E0041"), ==, NAME_BAD_CHAR);  /* tag letter */
    /* No visible base character. */
    g_assert_cmpint(check("\u0301\u0301\u0301"), ==, NAME_INVISIBLE); /* combining acute only */
    g_assert_cmpint(check("\u0301alice"), ==, NAME_INVISIBLE);
    g_assert_cmpint(check("\u20DD"), ==, NAME_INVISIBLE);          /* enclosing circle */
    g_assert_cmpint(check("e\u0301"), ==, NAME_OK);                /* e + acute is fine */
    g_assert_cmpint(check("\xC3\x28"), ==, NAME_BAD_UTF8);
    g_assert_cmpint(check("\xC0\xAF"), ==, NAME_BAD_UTF8);          /* overlong '/' */
    g_assert_cmpint(name_check("a\0b", 3), ==, NAME_BAD_UTF8);
    char big[PROTO_MAX_NAME_BYTES + 2];
    memset(big, 'x', sizeof big);
    g_assert_cmpint(name_check(big, sizeof big), ==, NAME_TOO_LONG);
    for (int s = NAME_OK; s <= NAME_INVISIBLE; s++)
        g_assert_nonnull(name_status_text((enum name_status)s));
}

static void assert_same_key(const char *a, const char *b, gboolean same)
{
    char *ka = name_fold_key(a, strlen(a));
    char *kb = name_fold_key(b, strlen(b));
    g_assert_cmpint(g_strcmp0(ka, kb) == 0, ==, same);
    g_free(ka);
    g_free(kb);
}

static void test_fold_key(void)
{
    assert_same_key("alice", "ALICE", TRUE);
    assert_same_key("Alice", "aLiCe", TRUE);
    assert_same_key("Ａｌｉｃｅ", "alice", TRUE);             /* fullwidth letters */
    assert_same_key("Zoë", "Zoe\u0308", TRUE);                /* composed vs combining */
    assert_same_key("straße", "STRASSE", TRUE);
    assert_same_key("аlice", "alice", TRUE);               /* Cyrillic a */
    assert_same_key("ALICE", "аlice", TRUE);
    assert_same_key("pay pal", "pay pa1", TRUE);              /* digit one looks like l */
    assert_same_key("rn", "m", TRUE);
    assert_same_key("alice", "alicia", FALSE);
    /* A skeleton longer than its input that exactly fills the first buffer (each '%'
     * becomes "º/₀", six bytes) must still come back whole and terminated; found by
     * fuzzing. */
    assert_same_key("%%%%%%%%", "%%%%%%%%", TRUE);
    char *key = name_fold_key("%%%%%%%%", 8);
    g_assert_cmpuint(strlen(key), ==, 48);
    g_free(key);
    assert_same_key("bob", "bob2", FALSE);
}

static void test_text(void)
{
    g_assert_true(text_check("hello", 5, PROTO_MAX_TEXT));
    g_assert_true(text_check("line one\nline two\tx", 19, PROTO_MAX_TEXT));
    g_assert_true(text_check("👨‍👩‍👧 family", strlen("👨‍👩‍👧 family"), PROTO_MAX_TEXT));
    g_assert_false(text_check("", 0, PROTO_MAX_TEXT));
    g_assert_false(text_check(" \n\t ", 4, PROTO_MAX_TEXT));
    g_assert_false(text_check("bell\a", 5, PROTO_MAX_TEXT));
    g_assert_false(text_check("cr\r", 3, PROTO_MAX_TEXT));
    g_assert_false(text_check("a\0b", 3, PROTO_MAX_TEXT));
    g_assert_false(text_check("\xff", 1, PROTO_MAX_TEXT));
    g_assert_true(text_check("abcd", 4, 4));
    g_assert_false(text_check("abcde", 5, 4));
}

static void assert_sanitized(const char *in, size_t cap, const char *want)
{
    char out[512];
    g_assert_cmpuint(cap, <=, sizeof out);
    gboolean ok = filename_sanitize(in, strlen(in), out, cap);
    if (want) {
        g_assert_true(ok);
        g_assert_cmpstr(out, ==, want);
    } else {
        g_assert_false(ok);
        g_assert_cmpstr(out, ==, "");
    }
}

static void test_filename(void)
{
    assert_sanitized("report.pdf", 256, "report.pdf");
    assert_sanitized("../x", 256, "x");
    assert_sanitized("/etc/passwd", 256, "passwd");
    assert_sanitized("..\\..\\windows\\system.ini", 256, "system.ini");
    assert_sanitized(".bashrc", 256, "bashrc");
    assert_sanitized("...", 256, NULL);
    assert_sanitized("..", 256, NULL);
    assert_sanitized("dir/", 256, NULL);
    assert_sanitized("  spaced name.txt  ", 256, "spaced name.txt");
    assert_sanitized("new\nline\x01.txt", 256, "newline.txt");
    assert_sanitized("evil\u202Etxt.exe", 256, "eviltxt.exe");
    assert_sanitized("photo 📷.jpg", 256, "photo 📷.jpg");
    assert_sanitized("bad\xff" "byte", 256, "bad\uFFFDbyte");
}

static void test_filename_length(void)
{
    char longname[301];
    memset(longname, 'a', 296);
    memcpy(longname + 296, ".txt", 5);
    char out[256];
    g_assert_true(filename_sanitize(longname, 300, out, sizeof out));
    g_assert_cmpuint(strlen(out), ==, 255);
    g_assert_true(g_str_has_suffix(out, ".txt"));

    /* Multi-byte characters are never cut in half. */
    GString *wide = g_string_new(NULL);
    for (int i = 0; i < 100; i++)
        g_string_append(wide, "é");
    g_assert_true(filename_sanitize(wide->str, wide->len, out, 16));
    g_assert_cmpuint(strlen(out), ==, 14);
    g_assert_true(g_utf8_validate(out, -1, NULL));
    g_string_free(wide, TRUE);

    /* An over-long extension is cut like the rest rather than kept. */
    char ext[64] = "name.";
    memset(ext + 5, 'e', 40);
    ext[45] = '\0';
    g_assert_true(filename_sanitize(ext, strlen(ext), out, 20));
    g_assert_cmpstr(out, ==, "name.eeeeeeeeeeeeee");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/validate/names/accepted", test_names_accepted);
    g_test_add_func("/validate/names/refused", test_names_refused);
    g_test_add_func("/validate/names/fold-key", test_fold_key);
    g_test_add_func("/validate/text", test_text);
    g_test_add_func("/validate/filename/sanitize", test_filename);
    g_test_add_func("/validate/filename/length", test_filename_length);
    return g_test_run();
}
