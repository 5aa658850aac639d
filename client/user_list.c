/* ChatUserList: a heading and a GtkListBox of names, rebuilt when the list changes
 * (it changes on joins and leaves, rarely enough that rebuilding is simplest). */
#include "client/user_list.h"

#include <glib/gi18n.h>

struct _ChatUserList {
    GtkBox parent_instance;
    GtkLabel *heading;
    GtkListBox *list;
    guint n_users;
};

G_DEFINE_TYPE(ChatUserList, chat_user_list, GTK_TYPE_BOX)

static void chat_user_list_class_init(ChatUserListClass *klass)
{
    gtk_widget_class_set_css_name(GTK_WIDGET_CLASS(klass), "userlist");
}

static void chat_user_list_init(ChatUserList *self)
{
    gtk_orientable_set_orientation(GTK_ORIENTABLE(self), GTK_ORIENTATION_VERTICAL);
    self->heading = GTK_LABEL(gtk_label_new(_("Online")));
    gtk_label_set_xalign(self->heading, 0);
    gtk_style_context_add_class(gtk_widget_get_style_context(GTK_WIDGET(self->heading)),
                                "heading");
    GtkWidget *scroller = gtk_scrolled_window_new(NULL, NULL);
    gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scroller), GTK_POLICY_NEVER,
                                   GTK_POLICY_AUTOMATIC);
    gtk_widget_set_vexpand(scroller, TRUE);
    self->list = GTK_LIST_BOX(gtk_list_box_new());
    gtk_list_box_set_selection_mode(self->list, GTK_SELECTION_NONE);
    atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(self->list)), _("Online users"));
    gtk_container_add(GTK_CONTAINER(scroller), GTK_WIDGET(self->list));
    gtk_box_pack_start(GTK_BOX(self), GTK_WIDGET(self->heading), FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(self), scroller, TRUE, TRUE, 0);
    gtk_widget_show_all(GTK_WIDGET(self));
}

/* An empty list. */
GtkWidget *chat_user_list_new(void)
{
    return g_object_new(CHAT_TYPE_USER_LIST, NULL);
}

/* A row: a dot for the presence state (online: the server reports no other state
 * yet, so no one shows as away), the name, and "you" for ourselves. Screen readers
 * hear "alice, online". */
static GtkWidget *user_row_new(const char *name, gboolean is_me)
{
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
    GtkWidget *dot = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);
    gtk_widget_set_valign(dot, GTK_ALIGN_CENTER);
    GtkStyleContext *dot_style = gtk_widget_get_style_context(dot);
    gtk_style_context_add_class(dot_style, "presence");
    gtk_style_context_add_class(dot_style, "online");
    gtk_widget_set_tooltip_text(dot, _("Online"));
    GtkWidget *label = gtk_label_new(name);
    gtk_label_set_xalign(GTK_LABEL(label), 0);
    gtk_label_set_ellipsize(GTK_LABEL(label), PANGO_ELLIPSIZE_END);
    gtk_box_pack_start(GTK_BOX(box), dot, FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(box), label, TRUE, TRUE, 0);
    if (is_me) {
        GtkWidget *you = gtk_label_new(_("you"));
        gtk_style_context_add_class(gtk_widget_get_style_context(you), "dim-label");
        gtk_box_pack_start(GTK_BOX(box), you, FALSE, FALSE, 0);
    }
    GtkWidget *row = gtk_list_box_row_new();
    gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), FALSE);
    char *spoken = is_me ? g_strdup_printf(_("%s (you), online"), name)
                         : g_strdup_printf(_("%s, online"), name);
    atk_object_set_name(gtk_widget_get_accessible(row), spoken);
    g_free(spoken);
    gtk_container_add(GTK_CONTAINER(row), box);
    gtk_widget_show_all(row);
    return row;
}

/* Rebuilds the rows and the "Online — N" heading. */
void chat_user_list_set_users(ChatUserList *self, GPtrArray *names, const char *me)
{
    g_return_if_fail(CHAT_IS_USER_LIST(self) && names != NULL);
    GList *old = gtk_container_get_children(GTK_CONTAINER(self->list));
    for (GList *l = old; l != NULL; l = l->next)
        gtk_widget_destroy(l->data);
    g_list_free(old);
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        gtk_container_add(GTK_CONTAINER(self->list), user_row_new(name, g_strcmp0(name, me) == 0));
    }
    self->n_users = names->len;
    char *heading = g_strdup_printf(_("Online \u2014 %u"), names->len);
    gtk_label_set_text(self->heading, heading);
    g_free(heading);
}

guint chat_user_list_get_n_users(ChatUserList *self)
{
    g_return_val_if_fail(CHAT_IS_USER_LIST(self), 0);
    return self->n_users;
}
