/* Unit tests of what counts as one reaction (common/emoji.c). */
#include <glib.h>
#include <string.h>

#include "common/emoji.h"

static gboolean one(const char *s)
{
    return emoji_check(s, strlen(s));
}

static void test_single_emoji_accepted(void)
{
    g_assert_true(one("👍"));                         /* a pictograph */
    g_assert_true(one("👍🏽"));                        /* with a skin tone */
    g_assert_true(one("❤️"));                         /* text default + VS16 */
    g_assert_true(one("❤"));                          /* Extended_Pictographic alone */
    g_assert_true(one("1️⃣"));                        /* a keycap */
    g_assert_true(one("#⃣"));                         /* a keycap without VS16 */
    g_assert_true(one("🇫🇷"));                        /* a flag: two regional indicators */
    g_assert_true(one("👩‍💻"));                       /* a ZWJ sequence */
    g_assert_true(one("👨‍👩‍👧‍👦"));                 /* a longer one */
    g_assert_true(one("🏴󠁧󠁢󠁳󠁣󠁴󠁿"));              /* a tag sequence (Scotland) */
}

static void test_everything_else_refused(void)
{
    g_assert_false(emoji_check("", 0));
    g_assert_false(one("a"));
    g_assert_false(one("1"));                         /* a digit is no keycap */
    g_assert_false(one("👍👍"));                       /* two emoji */
    g_assert_false(one(" 👍"));
    g_assert_false(one("👍 "));
    g_assert_false(one("‍"));                       /* a lone ZWJ */
    g_assert_false(one("👩‍"));                     /* a ZWJ with nothing after it */
    g_assert_false(one("🇫"));                         /* half a flag */
    g_assert_false(one("🇫🇷🇫"));
    g_assert_false(one("️"));                       /* a lone variation selector */
    g_assert_false(emoji_check("\xf0\x9f\x91", 3));   /* cut UTF-8 */
    g_assert_false(emoji_check("👍\0", 5));           /* a NUL */
    char many[64];
    memset(many, 0, sizeof many);
    for (int i = 0; i < 9; i++)                       /* 9 x 4 bytes: over the 32-byte cap */
        strcat(i ? strcat(many, "‍") : many, "😀");
    g_assert_false(one(many));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/emoji/accepted", test_single_emoji_accepted);
    g_test_add_func("/emoji/refused", test_everything_else_refused);
    return g_test_run();
}
