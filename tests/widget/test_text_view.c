/* Widget tests: how untrusted text is shown. Escaping, links, and stable user colours,
 * checked on the real ChatBubble rows as well as on the helpers. */
#include <gtk/gtk.h>

#include "client/gtk/bubble.h"
#include "client/gtk/linkify.h"
#include "client/gtk/user_color.h"
#include "tests/widget/widget_util.h"

/* linkify_markup(text) is exactly expected, and a GtkLabel given it (links and all)
 * shows text itself, character for character. */
static void assert_markup(const char *text, const char *expected)
{
    char *markup = linkify_markup(text);
    g_assert_cmpstr(markup, ==, expected);
    GtkWidget *label = g_object_ref_sink(gtk_label_new(NULL));
    gtk_label_set_markup(GTK_LABEL(label), markup);
    g_assert_cmpstr(gtk_label_get_text(GTK_LABEL(label)), ==, text);
    g_object_unref(label);
    g_free(markup);
}

static void test_markup_is_escaped(void)
{
    assert_markup("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;");
    assert_markup("a & b \"c\" 'd'", "a &amp; b &quot;c&quot; &apos;d&apos;");
    assert_markup("<span foreground=\"red\">", "&lt;span foreground=&quot;red&quot;&gt;");
    assert_markup("plain 🙂 text", "plain 🙂 text");
}

static void test_links(void)
{
    assert_markup("see https://example.org/a?b=1&c=2.",
                  "see <a href=\"https://example.org/a?b=1&amp;c=2\">"
                  "https://example.org/a?b=1&amp;c=2</a>.");
    assert_markup("www.gtk.org!",
                  "<a href=\"http://www.gtk.org\">www.gtk.org</a>!");
    assert_markup("(https://en.wikipedia.org/wiki/C_(language))",
                  "(<a href=\"https://en.wikipedia.org/wiki/C_(language)\">"
                  "https://en.wikipedia.org/wiki/C_(language)</a>)");
    assert_markup("two: http://a.example and http://b.example",
                  "two: <a href=\"http://a.example\">http://a.example</a> and "
                  "<a href=\"http://b.example\">http://b.example</a>");
    /* Only web links: other schemes stay text. */
    assert_markup("javascript:alert(1) file:///etc/passwd",
                  "javascript:alert(1) file:///etc/passwd");
    /* An address cannot break out of its attribute. */
    assert_markup("http://x.example/\"onclick=", "<a href=\"http://x.example/\">"
                  "http://x.example/</a>&quot;onclick=");
    assert_markup("https://", "https://");
}

static void test_bubble_shows_text_literally(void)
{
    ChatBubble *bubble = bubble_for("<b>x</b>", "<i>hi</i> & https://gtk.org", 0, FALSE);
    g_object_ref_sink(bubble);
    GtkLabel *text = find_label_with_class(GTK_WIDGET(bubble), "text");
    GtkLabel *name = find_label_with_class(GTK_WIDGET(bubble), "sender");
    g_assert_nonnull(text);
    g_assert_nonnull(name);
    g_assert_cmpstr(gtk_label_get_text(text), ==, "<i>hi</i> & https://gtk.org");
    g_assert_cmpstr(gtk_label_get_text(name), ==, "\u2068<b>x</b>\u2069"); /* isolated */
    g_assert_true(gtk_label_get_selectable(text));
    g_assert_true(gtk_label_get_line_wrap(text));
    g_assert_true(gtk_widget_get_visible(GTK_WIDGET(name)));
    GtkWidget *frame = gtk_widget_get_parent(GTK_WIDGET(name));
    g_assert_cmpint(gtk_widget_get_halign(gtk_widget_get_parent(frame)), ==, GTK_ALIGN_START);
    GtkLabel *avatar = find_label_with_class(GTK_WIDGET(bubble), "avatar");
    g_assert_cmpstr(gtk_label_get_text(avatar), ==, "<");
    g_assert_true(gtk_widget_get_visible(GTK_WIDGET(avatar)));
    g_object_unref(bubble);
}

/* A hostile server's name and text: no control or bidi character reaches a label, and
 * the name cannot reorder what follows it. */
static void test_bubble_hostile_text_inert(void)
{
    ChatBubble *bubble = bubble_for("eve\u202E\u2069", "\x1b[2J\agpj\u202Eexe.doc\nnext",
                                         0, FALSE);
    g_object_ref_sink(bubble);
    GtkLabel *text = find_label_with_class(GTK_WIDGET(bubble), "text");
    GtkLabel *name = find_label_with_class(GTK_WIDGET(bubble), "sender");
    g_assert_cmpstr(gtk_label_get_text(text), ==, "\\x1B[2J\\x07gpj\\u202Eexe.doc\nnext");
    g_assert_cmpstr(gtk_label_get_text(name), ==, "\u2068eve\\u202E\\u2069\u2069");
    g_object_unref(bubble);
}

static void test_own_bubble_sits_right(void)
{
    ChatBubble *bubble = bubble_for("me", "hello", 0, TRUE);
    g_object_ref_sink(bubble);
    GtkLabel *text = find_label_with_class(GTK_WIDGET(bubble), "text");
    GtkWidget *frame = gtk_widget_get_parent(GTK_WIDGET(text));
    g_assert_cmpint(gtk_widget_get_halign(gtk_widget_get_parent(frame)), ==, GTK_ALIGN_END);
    g_assert_true(gtk_style_context_has_class(gtk_widget_get_style_context(frame), "own"));
    /* Own messages carry neither name nor avatar. */
    g_assert_false(gtk_widget_get_visible(GTK_WIDGET(find_label_with_class(GTK_WIDGET(bubble), "avatar"))));
    g_assert_false(gtk_widget_get_visible(GTK_WIDGET(find_label_with_class(GTK_WIDGET(bubble), "sender"))));
    g_object_unref(bubble);
}

static void test_user_color_is_stable(void)
{
    /* Pinned values: the colour of a name must not change between releases. */
    g_assert_cmpuint(user_color_index("alice"), ==, user_color_index("ALICE"));
    g_assert_cmpuint(user_color_index("alice"), ==, 11u);
    g_assert_cmpuint(user_color_index("bob"), ==, 8u);
    gboolean seen[USER_COLOR_COUNT] = { FALSE };
    guint distinct = 0;
    for (int i = 0; i < 200; i++) {
        char name[16];
        g_snprintf(name, sizeof name, "user%d", i);
        guint index = user_color_index(name);
        g_assert_cmpuint(index, <, USER_COLOR_COUNT);
        g_assert_cmpuint(index, ==, user_color_index(name));
        distinct += !seen[index];
        seen[index] = TRUE;
    }
    g_assert_cmpuint(distinct, ==, USER_COLOR_COUNT);
}

static void test_user_color_class_replaced(void)
{
    GtkWidget *label = g_object_ref_sink(gtk_label_new("x"));
    user_color_apply(label, "alice");
    user_color_apply(label, "bob");
    GtkStyleContext *style = gtk_widget_get_style_context(label);
    char expected[32];
    g_snprintf(expected, sizeof expected, "user-color-%u", user_color_index("bob"));
    g_assert_true(gtk_style_context_has_class(style, expected));
    guint classes = 0;
    GList *list = gtk_style_context_list_classes(style);
    for (GList *l = list; l != NULL; l = l->next)
        classes += g_str_has_prefix(l->data, "user-color-");
    g_list_free(list);
    g_assert_cmpuint(classes, ==, 1);
    g_object_unref(label);
}

int main(int argc, char **argv)
{
    gtk_test_init(&argc, &argv, NULL);
    g_test_add_func("/text/markup-is-escaped", test_markup_is_escaped);
    g_test_add_func("/text/links", test_links);
    g_test_add_func("/text/bubble-shows-text-literally", test_bubble_shows_text_literally);
    g_test_add_func("/text/bubble-hostile-text-inert", test_bubble_hostile_text_inert);
    g_test_add_func("/text/own-bubble-sits-right", test_own_bubble_sits_right);
    g_test_add_func("/text/user-color-is-stable", test_user_color_is_stable);
    g_test_add_func("/text/user-color-class-replaced", test_user_color_class_replaced);
    return g_test_run();
}
