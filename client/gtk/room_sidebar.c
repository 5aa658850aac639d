/* ChatRoomSidebar: a heading with the "New or join room" button, and a GtkListBox bound
 * to the rooms model (gtk_list_box_bind_model): rows come and go with the model's
 * "items-changed" and each follows its ChatRoom's "notify". */
#include "client/gtk/room_sidebar.h"

#include <glib/gi18n.h>

#include "common/safe_text.h"

struct _ChatRoomSidebar {
    GtkBox parent_instance;
    GtkListBox *list;
    GListModel *model;
    gboolean selecting; /* chat_room_sidebar_select at work: no "room-activated" */
};

G_DEFINE_TYPE(ChatRoomSidebar, chat_room_sidebar, GTK_TYPE_BOX)

enum { SIG_ROOM_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

#define ROW_ROOM "chat-room"

/* "general", "general, 3 unread", "bob, direct message, 1 unread". */
char *chat_room_sidebar_spoken_name(ChatRoom *room)
{
    g_return_val_if_fail(CHAT_IS_ROOM(room), NULL);
    char *name = safe_text(chat_room_get_name(room), -1, SAFE_TEXT_ONE_LINE);
    char *base = chat_room_get_kind(room) == CHAT_ROOM_DIRECT
                     ? g_strdup_printf(_("%s, direct message"), name)
                     : g_strdup(name);
    guint unread = chat_room_get_unread_count(room);
    char *spoken = unread == 0 ? g_strdup(base)
                               : g_strdup_printf(g_dngettext(NULL, "%s, %u unread",
                                                             "%s, %u unread", unread),
                                                 base, unread);
    g_free(base);
    g_free(name);
    return spoken;
}

/* Refreshes a row's labels and accessible name from its room. */
static void update_row(GtkWidget *row)
{
    ChatRoom *room = g_object_get_data(G_OBJECT(row), ROW_ROOM);
    GtkLabel *name = g_object_get_data(G_OBJECT(row), "name-label");
    GtkLabel *badge = g_object_get_data(G_OBJECT(row), "badge-label");
    char *shown = safe_text(chat_room_get_name(room), -1, SAFE_TEXT_ISOLATE);
    gtk_label_set_text(name, shown);
    g_free(shown);
    guint unread = chat_room_get_unread_count(room);
    char *count = unread > 999 ? g_strdup("999+") : g_strdup_printf("%u", unread);
    gtk_label_set_text(badge, count);
    g_free(count);
    gtk_widget_set_visible(GTK_WIDGET(badge), unread > 0);
    GtkStyleContext *style = gtk_widget_get_style_context(row);
    if (unread > 0)
        gtk_style_context_add_class(style, "unread");
    else
        gtk_style_context_remove_class(style, "unread");
    char *spoken = chat_room_sidebar_spoken_name(room);
    atk_object_set_name(gtk_widget_get_accessible(row), spoken);
    const char *topic = chat_room_get_topic(room);
    char *safe_topic = safe_text(topic, -1, SAFE_TEXT_ONE_LINE);
    atk_object_set_description(gtk_widget_get_accessible(row), safe_topic);
    gtk_widget_set_tooltip_text(row, *topic ? safe_topic : NULL);
    g_free(safe_topic);
    g_free(spoken);
}

static void on_room_notify(ChatRoom *room, GParamSpec *pspec, GtkWidget *row)
{
    (void)room;
    (void)pspec;
    update_row(row);
}

/* A row: "#" or "@", the name (ellipsized) and the unread badge. */
static GtkWidget *create_row(gpointer item, gpointer data)
{
    (void)data;
    ChatRoom *room = item;
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    GtkWidget *mark = gtk_label_new(chat_room_get_kind(room) == CHAT_ROOM_DIRECT ? "@" : "#");
    gtk_style_context_add_class(gtk_widget_get_style_context(mark), "dim-label");
    GtkWidget *name = gtk_label_new(NULL);
    gtk_label_set_xalign(GTK_LABEL(name), 0);
    gtk_label_set_ellipsize(GTK_LABEL(name), PANGO_ELLIPSIZE_END);
    gtk_style_context_add_class(gtk_widget_get_style_context(name), "room-name");
    GtkWidget *badge = gtk_label_new(NULL);
    gtk_widget_set_valign(badge, GTK_ALIGN_CENTER);
    gtk_style_context_add_class(gtk_widget_get_style_context(badge), "unread-badge");
    gtk_box_pack_start(GTK_BOX(box), mark, FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(box), name, TRUE, TRUE, 0);
    gtk_box_pack_end(GTK_BOX(box), badge, FALSE, FALSE, 0);
    GtkWidget *row = gtk_list_box_row_new();
    gtk_container_add(GTK_CONTAINER(row), box);
    gtk_widget_show_all(row);
    g_object_set_data_full(G_OBJECT(row), ROW_ROOM, g_object_ref(room), g_object_unref);
    g_object_set_data(G_OBJECT(row), "name-label", name);
    g_object_set_data(G_OBJECT(row), "badge-label", badge);
    g_signal_connect_object(room, "notify", G_CALLBACK(on_room_notify), row, 0);
    update_row(row);
    return row;
}

static ChatRoom *row_room(GtkListBoxRow *row)
{
    return row != NULL ? g_object_get_data(G_OBJECT(row), ROW_ROOM) : NULL;
}

static void on_row_selected(GtkListBox *list, GtkListBoxRow *row, ChatRoomSidebar *self)
{
    (void)list;
    ChatRoom *room = row_room(row);
    if (room != NULL && !self->selecting)
        g_signal_emit(self, signals[SIG_ROOM_ACTIVATED], 0, room);
}

static void chat_room_sidebar_dispose(GObject *object)
{
    ChatRoomSidebar *self = CHAT_ROOM_SIDEBAR(object);
    g_clear_object(&self->model);
    G_OBJECT_CLASS(chat_room_sidebar_parent_class)->dispose(object);
}

static void chat_room_sidebar_class_init(ChatRoomSidebarClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = chat_room_sidebar_dispose;
    gtk_widget_class_set_css_name(GTK_WIDGET_CLASS(klass), "roomsidebar");
    signals[SIG_ROOM_ACTIVATED] =
        g_signal_new("room-activated", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
                     NULL, NULL, G_TYPE_NONE, 1, CHAT_TYPE_ROOM);
}

static GtkWidget *heading_new(void)
{
    GtkWidget *heading = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);
    GtkWidget *label = gtk_label_new(_("Rooms"));
    gtk_label_set_xalign(GTK_LABEL(label), 0);
    gtk_style_context_add_class(gtk_widget_get_style_context(label), "heading");
    GtkWidget *add = gtk_button_new_from_icon_name("list-add-symbolic", GTK_ICON_SIZE_BUTTON);
    gtk_widget_set_valign(add, GTK_ALIGN_CENTER);
    gtk_actionable_set_action_name(GTK_ACTIONABLE(add), "win.add-room");
    gtk_widget_set_tooltip_text(add, _("Create or join a room (Ctrl+N)"));
    atk_object_set_name(gtk_widget_get_accessible(add), _("Create or join a room"));
    gtk_style_context_add_class(gtk_widget_get_style_context(add), "flat");
    gtk_box_pack_start(GTK_BOX(heading), label, TRUE, TRUE, 0);
    gtk_box_pack_end(GTK_BOX(heading), add, FALSE, FALSE, 0);
    return heading;
}

static void chat_room_sidebar_init(ChatRoomSidebar *self)
{
    gtk_orientable_set_orientation(GTK_ORIENTABLE(self), GTK_ORIENTATION_VERTICAL);
    GtkWidget *scroller = gtk_scrolled_window_new(NULL, NULL);
    gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scroller), GTK_POLICY_NEVER,
                                   GTK_POLICY_AUTOMATIC);
    gtk_widget_set_vexpand(scroller, TRUE);
    self->list = GTK_LIST_BOX(gtk_list_box_new());
    gtk_list_box_set_selection_mode(self->list, GTK_SELECTION_BROWSE);
    atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(self->list)), _("Rooms"));
    g_signal_connect(self->list, "row-selected", G_CALLBACK(on_row_selected), self);
    gtk_container_add(GTK_CONTAINER(scroller), GTK_WIDGET(self->list));
    gtk_box_pack_start(GTK_BOX(self), heading_new(), FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(self), scroller, TRUE, TRUE, 0);
    gtk_widget_show_all(GTK_WIDGET(self));
}

/* An empty sidebar. */
GtkWidget *chat_room_sidebar_new(void)
{
    return g_object_new(CHAT_TYPE_ROOM_SIDEBAR, NULL);
}

/* Binds the list to model. */
void chat_room_sidebar_set_model(ChatRoomSidebar *self, GListModel *model)
{
    g_return_if_fail(CHAT_IS_ROOM_SIDEBAR(self));
    g_return_if_fail(model == NULL || G_IS_LIST_MODEL(model));
    g_set_object(&self->model, model);
    gtk_list_box_bind_model(self->list, model, model ? create_row : NULL, NULL, NULL);
}

static GtkListBoxRow *row_of(ChatRoomSidebar *self, ChatRoom *room)
{
    for (int i = 0;; i++) {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index(self->list, i);
        if (row == NULL || row_room(row) == room)
            return row;
    }
}

/* Selects room's row quietly. */
void chat_room_sidebar_select(ChatRoomSidebar *self, ChatRoom *room)
{
    g_return_if_fail(CHAT_IS_ROOM_SIDEBAR(self));
    self->selecting = TRUE;
    GtkListBoxRow *row = room != NULL ? row_of(self, room) : NULL;
    if (row != NULL)
        gtk_list_box_select_row(self->list, row);
    else
        gtk_list_box_unselect_all(self->list);
    self->selecting = FALSE;
}

/* The room delta rows from the selection, wrapping round. */
ChatRoom *chat_room_sidebar_get_neighbour(ChatRoomSidebar *self, int delta)
{
    g_return_val_if_fail(CHAT_IS_ROOM_SIDEBAR(self), NULL);
    guint n = self->model != NULL ? g_list_model_get_n_items(self->model) : 0;
    if (n == 0)
        return NULL;
    GtkListBoxRow *selected = gtk_list_box_get_selected_row(self->list);
    int index = selected != NULL ? gtk_list_box_row_get_index(selected) : 0;
    int next = ((index + delta) % (int)n + (int)n) % (int)n;
    return row_room(gtk_list_box_get_row_at_index(self->list, next));
}

/* Keyboard focus to the selected row (or the first). */
void chat_room_sidebar_focus(ChatRoomSidebar *self)
{
    g_return_if_fail(CHAT_IS_ROOM_SIDEBAR(self));
    GtkListBoxRow *row = gtk_list_box_get_selected_row(self->list);
    if (row == NULL)
        row = gtk_list_box_get_row_at_index(self->list, 0);
    if (row != NULL)
        gtk_widget_grab_focus(GTK_WIDGET(row));
}
