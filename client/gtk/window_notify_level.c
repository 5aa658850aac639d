/* ChatWindow, the notification level of the room on screen: the main menu's
 * "Notifications in This Room…" (win.notify-level) opens a small dialog of three radio
 * buttons (every message, mentions of me only, nothing) that apply at once. The session
 * keeps the level (with the account, on the server, for all its devices); a message
 * asks for a desktop notification only as its room's level allows (window_chat.c). */
#include "client/gtk/window_private.h"

#include <glib/gi18n.h>

#define DIALOG_ROOM "chat-notify-room"
#define BUTTON_LEVEL "chat-notify-level"

static void on_level_toggled(GtkToggleButton *button, ChatWindow *self)
{
    if (!gtk_toggle_button_get_active(button))
        return;
    GtkWidget *dialog = gtk_widget_get_toplevel(GTK_WIDGET(button));
    guint32 room_id = GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(dialog), DIALOG_ROOM));
    ChatNotifyLevel level = GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(button), BUTTON_LEVEL));
    if (chat_session_find_room(self->session, room_id) != NULL)
        chat_session_set_notify_level(self->session, room_id, level);
}

/* win.notify-level: the dialog for the room on screen, its level chosen. */
static void on_notify_level(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    ChatWindow *self = data;
    ChatRoom *room = window_rooms_current(self);
    if (room == NULL)
        return;
    guint32 room_id = chat_room_get_id(room);
    char *name = window_rooms_title(self, room_id);
    char *title = g_strdup_printf(_("Notifications in %s"), name);
    GtkWidget *dialog = gtk_dialog_new_with_buttons(
        title, GTK_WINDOW(self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
        _("_Close"), GTK_RESPONSE_CLOSE, NULL);
    g_free(title);
    g_free(name);
    g_object_set_data(G_OBJECT(dialog), DIALOG_ROOM, GUINT_TO_POINTER(room_id));
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
    gtk_container_set_border_width(GTK_CONTAINER(box), 12);
    GtkWidget *heading = gtk_label_new(_("Notify me of:"));
    gtk_label_set_xalign(GTK_LABEL(heading), 0);
    gtk_container_add(GTK_CONTAINER(box), heading);
    const char *const words[] = {
        [CHAT_NOTIFY_ALL] = _("_Every message"),
        [CHAT_NOTIFY_MENTIONS] = _("_Mentions of me only"),
        [CHAT_NOTIFY_NONE] = _("_Nothing"),
    };
    ChatNotifyLevel now = chat_session_get_notify_level(self->session, room_id);
    GtkWidget *group = NULL;
    for (guint level = 0; level < G_N_ELEMENTS(words); level++) {
        GtkWidget *button = gtk_radio_button_new_with_mnemonic_from_widget(
            GTK_RADIO_BUTTON(group), words[level]);
        group = group != NULL ? group : button;
        g_object_set_data(G_OBJECT(button), BUTTON_LEVEL, GUINT_TO_POINTER(level));
        gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(button), level == now);
        g_signal_connect(button, "toggled", G_CALLBACK(on_level_toggled), self);
        gtk_container_add(GTK_CONTAINER(box), button);
    }
    gtk_container_add(GTK_CONTAINER(gtk_dialog_get_content_area(GTK_DIALOG(dialog))), box);
    g_signal_connect(dialog, "response", G_CALLBACK(gtk_widget_destroy), NULL);
    gtk_widget_show_all(dialog);
}

/* Wires the action. */
void window_notify_level_init(ChatWindow *self)
{
    static const GActionEntry entries[] = {
        { "notify-level", on_notify_level, NULL, NULL, NULL, { 0 } },
    };
    g_action_map_add_action_entries(G_ACTION_MAP(self), entries, G_N_ELEMENTS(entries), self);
}
