/* Unit tests of the clients' server lists (client/core/server_list.c): what a person
 * types in --server or the login form, and how a list is written back. */
#include <glib.h>

#include "client/core/server_list.h"

/* The list parsed from text as "host port;host port;" (or NULL when refused). */
static char *parsed(const char *text)
{
    char *problem = NULL;
    GPtrArray *servers = chat_server_list_parse(text, 1234, &problem);
    if (servers == NULL) {
        g_assert_nonnull(problem);
        g_free(problem);
        return NULL;
    }
    g_assert_null(problem);
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < servers->len; i++) {
        const ChatServerAddress *server = g_ptr_array_index(servers, i);
        g_string_append_printf(out, "%s %u;", server->host, server->port);
    }
    g_ptr_array_unref(servers);
    return g_string_free(out, FALSE);
}

static void check(const char *text, const char *expected)
{
    char *got = parsed(text);
    g_assert_cmpstr(got, ==, expected);
    g_free(got);
}

static void test_entries(void)
{
    check("chat.example.org", "chat.example.org 1234;");
    check("127.0.0.1:5000", "127.0.0.1 5000;");
    check("  a:1 , b , c:65535 ", "a 1;b 1234;c 65535;");
    check("[::1]:7000", "::1 7000;");
    check("[fe80::1]", "fe80::1 1234;");
    check("::1", "::1 1234;");          /* more than one colon, no brackets: all host */
}

static void test_refusals(void)
{
    const char *refused[] = {
        "", " ", "a,", ",a", "a,,b", "a:", "a:0", "a:65536", "a:12x", "a:-1",
        "[::1", "[::1]x", "[]:1", "a b:1", "a/b", "a]:1",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(refused); i++) {
        char *got = parsed(refused[i]);
        if (got != NULL)
            g_error("\"%s\" was accepted as %s", refused[i], got);
    }
}

static void test_at_most_max(void)
{
    GString *text = g_string_new("h");
    for (int i = 1; i < CHAT_SERVER_LIST_MAX; i++)
        g_string_append(text, ",h");
    char *got = parsed(text->str);
    g_assert_nonnull(got);
    g_free(got);
    g_string_append(text, ",h");
    g_assert_null(parsed(text->str));
    g_string_free(text, TRUE);
}

static void test_written_back(void)
{
    char *problem = NULL;
    GPtrArray *servers = chat_server_list_parse("a:1, [::1]:2 ,b", 1234, &problem);
    char *text = chat_server_list_text(servers);
    g_assert_cmpstr(text, ==, "a:1,[::1]:2,b:1234");
    GPtrArray *again = chat_server_list_parse(text, 1, &problem);
    char *twice = chat_server_list_text(again);
    g_assert_cmpstr(twice, ==, text);
    g_free(twice);
    g_free(text);
    g_ptr_array_unref(again);
    g_ptr_array_unref(servers);

    GPtrArray *one = chat_server_list_new_single("127.0.0.1", 1234);
    text = chat_server_list_text(one);
    g_assert_cmpstr(text, ==, "127.0.0.1:1234"); /* one server: as the keyring knew it */
    g_free(text);
    g_ptr_array_unref(one);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/server-list/entries", test_entries);
    g_test_add_func("/server-list/refusals", test_refusals);
    g_test_add_func("/server-list/at-most-max", test_at_most_max);
    g_test_add_func("/server-list/written-back", test_written_back);
    return g_test_run();
}
