/* Unit tests of mentions (common/mention.c): "@name" found under the look-alike folding
 * of account names, at word boundaries only, in hostile text too. */
#include <glib.h>
#include <string.h>

#include "common/mention.h"
#include "common/validate.h"

static gboolean mentions(const char *text, const char *name)
{
    char *key = name_fold_key(name, strlen(name));
    gboolean found = mention_find(text, strlen(text), key);
    g_free(key);
    return found;
}

static void test_plain(void)
{
    g_assert_true(mentions("@alice hi", "alice"));
    g_assert_true(mentions("hi @alice", "alice"));
    g_assert_true(mentions("hi @alice, lunch?", "alice"));
    g_assert_true(mentions("(@alice)", "alice"));
    g_assert_true(mentions("@bob @alice", "alice"));
    g_assert_false(mentions("alice hi", "alice"));        /* no @ */
    g_assert_false(mentions("@alicex hi", "alice"));      /* another name */
    g_assert_false(mentions("@alic", "alice"));
    g_assert_false(mentions("mail bob@alice.org", "alice")); /* an address */
    g_assert_false(mentions("@ alice", "alice"));
    g_assert_false(mentions("@", "alice"));
    g_assert_false(mentions("", "alice"));
}

static void test_look_alikes(void)
{
    g_assert_true(mentions("@ALICE!", "alice"));
    g_assert_true(mentions("@Alic\xd0\xb5 hi", "alice"));          /* Cyrillic ie */
    g_assert_true(mentions("@\xef\xbd\x81lice", "alice"));         /* fullwidth a */
    g_assert_true(mentions("@Zo\xc3\xab Smith: hi", "zoe\xcc\x88 smith")); /* NFC vs NFD */
    g_assert_true(mentions("@zoë", "Zoë"));
    g_assert_false(mentions("@Zoë Smith", "Zoë Smyth"));
    g_assert_true(mentions("@Zoë Smith", "Zoë"));                  /* "@Zoë" then words */
    g_assert_true(mentions("@李小龍 你好", "李小龍"));
}

static void test_hostile(void)
{
    g_assert_false(mention_find("@ali\xff" "ce", 8, "alice")); /* not UTF-8 */
    g_assert_false(mentions("@ali\xe2\x80\x8b" "ce", "alice"));   /* zero-width space */
    g_assert_false(mention_find("@alice", 6, NULL));
    g_assert_false(mention_find("@alice", 6, ""));
    GString *many = g_string_new(NULL);
    for (int i = 0; i < 2000; i++)
        g_string_append(many, "@a b ");
    g_assert_false(mentions(many->str, "alice"));
    g_string_append(many, "@alice");
    g_assert_true(mentions(many->str, "alice"));
    g_string_free(many, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/mention/plain", test_plain);
    g_test_add_func("/mention/look-alikes", test_look_alikes);
    g_test_add_func("/mention/hostile", test_hostile);
    return g_test_run();
}
