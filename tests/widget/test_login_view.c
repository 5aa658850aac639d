/* Widget tests: the login view's modes, its error alert and its submit signal. */
#include <gtk/gtk.h>

#include "client/gtk/login_view.h"
#include "tests/widget/widget_util.h"

/* First descendant of root of the given type whose accessible name is name, or NULL. */
static GtkWidget *find_typed(GtkWidget *root, GType type, const char *name)
{
    if (G_TYPE_CHECK_INSTANCE_TYPE(root, type) &&
        g_strcmp0(atk_object_get_name(gtk_widget_get_accessible(root)), name) == 0)
        return root;
    if (!GTK_IS_CONTAINER(root))
        return NULL;
    GList *children = gtk_container_get_children(GTK_CONTAINER(root));
    GtkWidget *found = NULL;
    for (GList *l = children; l != NULL && found == NULL; l = l->next)
        found = find_typed(l->data, type, name);
    g_list_free(children);
    return found;
}

#define find_entry(root, name) find_typed(root, GTK_TYPE_ENTRY, name)
#define find_button(root, name) find_typed(root, GTK_TYPE_BUTTON, name)

static ChatLoginView *new_view(void)
{
    ChatLoginView *view = g_object_new(CHAT_TYPE_LOGIN_VIEW, NULL);
    g_object_ref_sink(view);
    return view;
}

static void count_submit(ChatLoginView *view, int *count)
{
    (void)view;
    (*count)++;
}

static void test_modes(void)
{
    ChatLoginView *view = new_view();
    GtkWidget *root = GTK_WIDGET(view);
    g_assert_false(chat_login_view_get_create_account(view));
    g_assert_nonnull(find_button(root, "Connect"));
    chat_login_view_set_text(view, CHAT_LOGIN_FIELD_INVITE, "code-1");
    /* The invite only counts when creating an account. */
    g_assert_cmpstr(chat_login_view_get_text(view, CHAT_LOGIN_FIELD_INVITE), ==, "");
    chat_login_view_set_create_account(view, TRUE);
    g_assert_cmpstr(chat_login_view_get_text(view, CHAT_LOGIN_FIELD_INVITE), ==, "code-1");
    g_assert_nonnull(find_button(root, "Create account"));
    g_assert_null(find_button(root, "Connect"));
    /* The password is never shown as text. */
    GtkWidget *password = find_entry(root, "Password");
    g_assert_true(GTK_IS_ENTRY(password));
    g_assert_false(gtk_entry_get_visibility(GTK_ENTRY(password)));
    g_object_unref(view);
}

static void test_error_is_an_alert(void)
{
    ChatLoginView *view = new_view();
    GtkWidget *label = find_typed(GTK_WIDGET(view), GTK_TYPE_LABEL, "Login error");
    g_assert_true(GTK_IS_LABEL(label));
    g_assert_cmpint(atk_object_get_role(gtk_widget_get_accessible(label)), ==, ATK_ROLE_ALERT);
    chat_login_view_show_error(view, "Wrong name or password.", CHAT_LOGIN_FIELD_PASSWORD);
    g_assert_cmpstr(gtk_label_get_text(GTK_LABEL(label)), ==, "Wrong name or password.");
    g_assert_true(gtk_widget_get_visible(label));
    chat_login_view_show_error(view, NULL, CHAT_LOGIN_FIELD_USERNAME);
    g_assert_false(gtk_widget_get_visible(label));
    g_object_unref(view);
}

static void test_submit_and_busy(void)
{
    ChatLoginView *view = new_view();
    int submitted = 0;
    g_signal_connect(view, "submit", G_CALLBACK(count_submit), &submitted);
    GtkWidget *password = find_entry(GTK_WIDGET(view), "Password");
    g_signal_emit_by_name(password, "activate");
    g_assert_cmpint(submitted, ==, 1);
    chat_login_view_set_busy(view, TRUE);
    g_assert_false(gtk_widget_get_sensitive(password));
    g_assert_false(gtk_widget_get_sensitive(find_button(GTK_WIDGET(view), "Connect")));
    chat_login_view_set_busy(view, FALSE);
    g_assert_true(gtk_widget_get_sensitive(password));
    g_object_unref(view);
}

int main(int argc, char **argv)
{
    gtk_test_init(&argc, &argv, NULL);
    g_test_add_func("/login-view/modes", test_modes);
    g_test_add_func("/login-view/error-is-an-alert", test_error_is_an_alert);
    g_test_add_func("/login-view/submit-and-busy", test_submit_and_busy);
    return g_test_run();
}
