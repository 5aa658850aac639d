/* Widget tests: the online-users pane and the settings file behind the login view. */
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "client/gtk/settings.h"
#include "client/gtk/user_list.h"
#include "tests/widget/widget_util.h"

/* First descendant label showing exactly text, or NULL. */
static GtkLabel *find_label_with_text(GtkWidget *root, const char *text)
{
    if (GTK_IS_LABEL(root) && g_strcmp0(gtk_label_get_text(GTK_LABEL(root)), text) == 0)
        return GTK_LABEL(root);
    if (!GTK_IS_CONTAINER(root))
        return NULL;
    GList *children = gtk_container_get_children(GTK_CONTAINER(root));
    GtkLabel *found = NULL;
    for (GList *l = children; l != NULL && found == NULL; l = l->next)
        found = find_label_with_text(l->data, text);
    g_list_free(children);
    return found;
}

static void test_user_list(void)
{
    ChatUserList *list = CHAT_USER_LIST(chat_user_list_new());
    g_object_ref_sink(list);
    GPtrArray *names = g_ptr_array_new();
    g_ptr_array_add(names, "alice");
    g_ptr_array_add(names, "<b>bob</b>");
    chat_user_list_set_users(list, names, NULL, NULL, "alice");
    g_assert_cmpuint(chat_user_list_get_n_users(list), ==, 2);
    GtkLabel *heading = find_label_with_class(GTK_WIDGET(list), "heading");
    g_assert_cmpstr(gtk_label_get_text(heading), ==, "Online \u2014 2");
    /* Tags (roles) are shown beside their names. */
    GPtrArray *tags = g_ptr_array_new();
    g_ptr_array_add(tags, NULL);
    g_ptr_array_add(tags, "guest");
    chat_user_list_set_users(list, names, tags, NULL, "alice");
    g_assert_nonnull(find_label_with_text(GTK_WIDGET(list), "guest"));
    g_ptr_array_unref(tags);
    /* Someone away: the word beside the name, and in what a screen reader says. */
    const gboolean away[] = { FALSE, TRUE };
    chat_user_list_set_users(list, names, NULL, away, "alice");
    g_assert_nonnull(find_label_with_text(GTK_WIDGET(list), "away"));
    GtkListBox *rows = GTK_LIST_BOX(gtk_widget_get_parent(gtk_widget_get_parent(
        gtk_widget_get_parent(GTK_WIDGET(find_label_with_text(GTK_WIDGET(list), "away"))))));
    g_assert_cmpstr(atk_object_get_name(gtk_widget_get_accessible(GTK_WIDGET(
                        gtk_list_box_get_row_at_index(rows, 1)))), ==, "<b>bob</b>, away");
    g_assert_cmpstr(atk_object_get_name(gtk_widget_get_accessible(GTK_WIDGET(
                        gtk_list_box_get_row_at_index(rows, 0)))), ==, "alice (you), online");
    /* Rebuilding replaces the rows. */
    g_ptr_array_set_size(names, 1);
    chat_user_list_set_users(list, names, NULL, NULL, "alice");
    g_assert_cmpuint(chat_user_list_get_n_users(list), ==, 1);
    g_assert_cmpstr(gtk_label_get_text(heading), ==, "Online \u2014 1");
    g_ptr_array_unref(names);
    g_object_unref(list);
}

static void test_settings_round_trip(void)
{
    char *dir = g_dir_make_tmp("chat-settings-XXXXXX", NULL);
    g_assert_nonnull(dir);
    g_setenv("CHAT_CLIENT_CONFIG_DIR", dir, TRUE);
    char *path = g_build_filename(dir, "settings.ini", NULL);
    /* A key this version does not know must survive a save. */
    g_assert_true(g_file_set_contents(path, "[future]\nkey=kept\n", -1, NULL));

    ChatSettings *settings = settings_load();
    g_assert_cmpstr(settings_get_path(settings), ==, path);
    g_assert_cmpstr(settings_get_server(settings), ==, "127.0.0.1:1234");
    g_assert_cmpstr(settings_get_username(settings), ==, "");
    g_assert_cmpint(settings_get_theme(settings), ==, CHAT_THEME_SYSTEM);
    settings_set_server(settings, "127.0.0.1:4321");
    settings_set_username(settings, "zoë");
    settings_set_theme(settings, CHAT_THEME_DARK);
    g_assert_true(settings_save(settings, NULL));
    settings_free(settings);

    settings = settings_load();
    g_assert_cmpstr(settings_get_server(settings), ==, "127.0.0.1:4321");
    g_assert_cmpstr(settings_get_username(settings), ==, "zoë");
    g_assert_cmpint(settings_get_theme(settings), ==, CHAT_THEME_DARK);
    settings_free(settings);
    char *contents = NULL;
    g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
    g_assert_nonnull(strstr(contents, "key=kept"));
    g_free(contents);

    g_assert_cmpint(g_remove(path), ==, 0);
    g_assert_cmpint(g_rmdir(dir), ==, 0);
    g_unsetenv("CHAT_CLIENT_CONFIG_DIR");
    g_free(path);
    g_free(dir);
}

static void test_settings_unwritable(void)
{
    g_setenv("CHAT_CLIENT_CONFIG_DIR", "/proc/chat-client-cannot-exist", TRUE);
    ChatSettings *settings = settings_load();
    settings_set_username(settings, "x");
    GError *error = NULL;
    g_assert_false(settings_save(settings, &error));
    g_assert_nonnull(error);
    g_error_free(error);
    settings_free(settings);
    g_unsetenv("CHAT_CLIENT_CONFIG_DIR");
}

int main(int argc, char **argv)
{
    gtk_test_init(&argc, &argv, NULL);
    g_test_add_func("/side-views/user-list", test_user_list);
    g_test_add_func("/side-views/settings-round-trip", test_settings_round_trip);
    g_test_add_func("/side-views/settings-unwritable", test_settings_unwritable);
    return g_test_run();
}
