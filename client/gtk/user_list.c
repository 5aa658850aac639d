/* ChatUserList: a heading and a GtkListBox of names, rebuilt when the list changes
 * (it changes on joins and leaves, rarely enough that rebuilding is simplest). */
#include "client/gtk/user_list.h"

#include <glib/gi18n.h>

#include "common/safe_text.h"

struct _ChatUserList {
    GtkBox parent_instance;
    GtkLabel *heading;
    GtkListBox *list;
    guint n_users;
};

G_DEFINE_TYPE(ChatUserList, chat_user_list, GTK_TYPE_BOX)

enum { SIG_USER_MENU, N_SIGNALS };
static guint signals[N_SIGNALS];

#define ROW_NAME "chat-user-name"

static void chat_user_list_class_init(ChatUserListClass *klass)
{
    gtk_widget_class_set_css_name(GTK_WIDGET_CLASS(klass), "userlist");
    signals[SIG_USER_MENU] =
        g_signal_new("user-menu", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 2, G_TYPE_STRING, GDK_TYPE_EVENT);
}

/* A right click on a row asks for its context menu. */
static gboolean on_button_press(GtkWidget *list, GdkEventButton *event, ChatUserList *self)
{
    if (!gdk_event_triggers_context_menu((GdkEvent *)event))
        return GDK_EVENT_PROPAGATE;
    GtkListBoxRow *row = gtk_list_box_get_row_at_y(GTK_LIST_BOX(list), (int)event->y);
    if (row == NULL)
        return GDK_EVENT_PROPAGATE;
    gtk_widget_grab_focus(GTK_WIDGET(row));
    g_signal_emit(self, signals[SIG_USER_MENU], 0, g_object_get_data(G_OBJECT(row), ROW_NAME),
                  event);
    return GDK_EVENT_STOP;
}

/* The Menu key or Shift+F10 on a focused row. */
static gboolean on_row_popup_menu(GtkWidget *row, ChatUserList *self)
{
    g_signal_emit(self, signals[SIG_USER_MENU], 0, g_object_get_data(G_OBJECT(row), ROW_NAME),
                  NULL);
    return TRUE;
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
    g_signal_connect(self->list, "button-press-event", G_CALLBACK(on_button_press), self);
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

static void add_dim_label(GtkWidget *box, const char *text)
{
    GtkWidget *label = gtk_label_new(text);
    gtk_style_context_add_class(gtk_widget_get_style_context(label), "dim-label");
    gtk_box_pack_start(GTK_BOX(box), label, FALSE, FALSE, 0);
}

/* What a screen reader says for a row: "alice, online", "bob (admin), online",
 * "carol (you), online", "dave, away". */
static char *spoken_row(const char *name, const char *tag, gboolean is_me, gboolean away)
{
    char *who = tag != NULL && is_me ? g_strdup_printf(_("%s (%s, you)"), name, tag)
                : tag != NULL || is_me ? g_strdup_printf(_("%s (%s)"), name,
                                                          tag != NULL ? tag : _("you"))
                                       : g_strdup(name);
    char *spoken = g_strdup_printf(away ? _("%s, away") : _("%s, online"), who);
    g_free(who);
    return spoken;
}

/* A row: a dot for the presence state (online, or away), the name, its tag and "you"
 * for ourselves. */
static GtkWidget *user_row_new(ChatUserList *self, const char *name, const char *tag,
                               gboolean is_me, gboolean away)
{
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
    GtkWidget *dot = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);
    gtk_widget_set_valign(dot, GTK_ALIGN_CENTER);
    GtkStyleContext *dot_style = gtk_widget_get_style_context(dot);
    gtk_style_context_add_class(dot_style, "presence");
    gtk_style_context_add_class(dot_style, away ? "away" : "online");
    gtk_widget_set_tooltip_text(dot, away ? _("Away") : _("Online"));
    char *shown = safe_text(name, -1, SAFE_TEXT_ISOLATE); /* nothing reorders the list */
    GtkWidget *label = gtk_label_new(shown);
    g_free(shown);
    gtk_label_set_xalign(GTK_LABEL(label), 0);
    gtk_label_set_ellipsize(GTK_LABEL(label), PANGO_ELLIPSIZE_END);
    gtk_box_pack_start(GTK_BOX(box), dot, FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(box), label, TRUE, TRUE, 0);
    if (tag)
        add_dim_label(box, tag);
    if (away)
        add_dim_label(box, _("away"));
    if (is_me)
        add_dim_label(box, _("you"));
    GtkWidget *row = gtk_list_box_row_new();
    gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), FALSE);
    char *spoken = spoken_row(name, tag, is_me, away);
    atk_object_set_name(gtk_widget_get_accessible(row), spoken);
    g_free(spoken);
    g_object_set_data_full(G_OBJECT(row), ROW_NAME, g_strdup(name), g_free);
    g_signal_connect(row, "popup-menu", G_CALLBACK(on_row_popup_menu), self);
    gtk_container_add(GTK_CONTAINER(row), box);
    gtk_widget_show_all(row);
    return row;
}

/* Rebuilds the rows and the "Online — N" heading. */
void chat_user_list_set_users(ChatUserList *self, GPtrArray *names, GPtrArray *tags,
                              const gboolean *away, const char *me)
{
    g_return_if_fail(CHAT_IS_USER_LIST(self) && names != NULL);
    g_return_if_fail(tags == NULL || tags->len == names->len);
    GList *old = gtk_container_get_children(GTK_CONTAINER(self->list));
    for (GList *l = old; l != NULL; l = l->next)
        gtk_widget_destroy(l->data);
    g_list_free(old);
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        const char *tag = tags ? g_ptr_array_index(tags, i) : NULL;
        gtk_container_add(GTK_CONTAINER(self->list),
                          user_row_new(self, name, tag, g_strcmp0(name, me) == 0,
                                       away != NULL && away[i]));
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
