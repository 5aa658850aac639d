/* ChatWindow, the user list's context menu (right click, Menu key or Shift+F10 on a
 * name): "Message NAME" opens the direct conversation (between accounts), then what
 * this login's role allows on that user. Kicks and bans ask for a reason first. */
#include "client/gtk/window_private.h"

#include <glib/gi18n.h>

#define ITEM_TARGET "chat-mod-target"
#define ITEM_ACTION "chat-mod-action"
#define ITEM_VALUE "chat-mod-value"

/* The item's action when it is no moderation: open the direct conversation. */
#define ITEM_MESSAGE 0
#define MUTE_SHORT_MINUTES 10
#define MUTE_LONG_MINUTES 60

static void moderate(ChatWindow *self, ChatModeration action, const char *target, guint32 value,
                     const char *reason)
{
    GError *error = NULL;
    if (!chat_session_moderate(self->session, action, target, value, reason, &error)) {
        char *text = g_strdup_printf("\u26A0 %s", error->message);
        window_notice(self, text);
        g_free(text);
        g_error_free(error);
    }
}

static void on_reason_response(GtkDialog *dialog, int response, ChatWindow *self)
{
    if (response == GTK_RESPONSE_ACCEPT)
        moderate(self, GPOINTER_TO_INT(g_object_get_data(G_OBJECT(dialog), ITEM_ACTION)),
                 g_object_get_data(G_OBJECT(dialog), ITEM_TARGET), 0,
                 window_form_get(dialog, 0));
    gtk_widget_destroy(GTK_WIDGET(dialog));
}

/* Kick and ban: a reason first, which everyone will see. */
static void ask_reason(ChatWindow *self, ChatModeration action, const char *target)
{
    gboolean kick = action == CHAT_MOD_KICK;
    char *title = g_strdup_printf(kick ? _("Remove %s from the chat") : _("Ban %s"), target);
    const char *fields[] = { _("Reason (everyone sees it)"), NULL };
    GtkWidget *dialog = window_form_new(self, title, kick ? _("_Remove") : _("_Ban"), fields,
                                        FALSE);
    g_object_set_data_full(G_OBJECT(dialog), ITEM_TARGET, g_strdup(target), g_free);
    g_object_set_data(G_OBJECT(dialog), ITEM_ACTION, GINT_TO_POINTER(action));
    g_signal_connect(dialog, "response", G_CALLBACK(on_reason_response), self);
    gtk_widget_show_all(dialog);
    g_free(title);
}

static void on_item_activate(GtkMenuItem *item, ChatWindow *self)
{
    ChatModeration action = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(item), ITEM_ACTION));
    const char *target = g_object_get_data(G_OBJECT(item), ITEM_TARGET);
    guint32 value = GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(item), ITEM_VALUE));
    if (action == ITEM_MESSAGE)
        window_rooms_open_direct(self, target);
    else if (action == CHAT_MOD_KICK || action == CHAT_MOD_BAN)
        ask_reason(self, action, target);
    else
        moderate(self, action, target, value, NULL);
}

static void add_item(GtkWidget *menu, ChatWindow *self, const char *label,
                     ChatModeration action, const char *target, guint32 value)
{
    GtkWidget *item = gtk_menu_item_new_with_label(label);
    g_object_set_data_full(G_OBJECT(item), ITEM_TARGET, g_strdup(target), g_free);
    g_object_set_data(G_OBJECT(item), ITEM_ACTION, GINT_TO_POINTER(action));
    g_object_set_data(G_OBJECT(item), ITEM_VALUE, GUINT_TO_POINTER(value));
    g_signal_connect(item, "activate", G_CALLBACK(on_item_activate), self);
    gtk_menu_shell_append(GTK_MENU_SHELL(menu), item);
}

/* What this login may do to target, as menu items: a direct message between accounts,
 * and moderation as the role allows. */
static void fill_menu(GtkWidget *menu, ChatWindow *self, const char *target)
{
    ChatSession *session = self->session;
    ChatRole role = chat_session_get_user_role(session, target);
    gboolean account = role != CHAT_ROLE_GUEST;
    char *label;
    if (account && chat_session_get_role(session) != CHAT_ROLE_GUEST) {
        label = g_strdup_printf(_("Message %s"), target);
        add_item(menu, self, label, ITEM_MESSAGE, target, 0);
        g_free(label);
    }
    if (chat_session_may_moderate(session, CHAT_MOD_KICK)) {
        label = g_strdup_printf(_("Remove %s from the chat\u2026"), target);
        add_item(menu, self, label, CHAT_MOD_KICK, target, 0);
        g_free(label);
    }
    if (account && chat_session_may_moderate(session, CHAT_MOD_MUTE)) {
        label = g_strdup_printf(_("Mute %s for 10 minutes"), target);
        add_item(menu, self, label, CHAT_MOD_MUTE, target, MUTE_SHORT_MINUTES);
        g_free(label);
        label = g_strdup_printf(_("Mute %s for an hour"), target);
        add_item(menu, self, label, CHAT_MOD_MUTE, target, MUTE_LONG_MINUTES);
        g_free(label);
        label = g_strdup_printf(_("Lift the mute on %s"), target);
        add_item(menu, self, label, CHAT_MOD_MUTE, target, 0);
        g_free(label);
    }
    if (account && role != CHAT_ROLE_ADMIN &&
        chat_session_may_moderate(session, CHAT_MOD_SET_ROLE)) {
        gboolean promote = role == CHAT_ROLE_MEMBER;
        label = g_strdup_printf(promote ? _("Make %s a moderator") : _("Make %s a member"),
                                target);
        add_item(menu, self, label, CHAT_MOD_SET_ROLE, target,
                 promote ? CHAT_ROLE_MODERATOR : CHAT_ROLE_MEMBER);
        g_free(label);
    }
    if (account && role != CHAT_ROLE_ADMIN && chat_session_may_moderate(session, CHAT_MOD_BAN)) {
        label = g_strdup_printf(_("Ban %s\u2026"), target);
        add_item(menu, self, label, CHAT_MOD_BAN, target, 0);
        g_free(label);
    }
}

static gboolean destroy_menu(gpointer menu)
{
    gtk_widget_destroy(menu);
    return G_SOURCE_REMOVE;
}

/* A closed menu goes once its item (if any) has been activated, which follows. */
static void on_menu_deactivate(GtkWidget *menu)
{
    g_idle_add(destroy_menu, menu);
}

static void on_user_menu(ChatUserList *list, const char *name, GdkEvent *event, ChatWindow *self)
{
    (void)list;
    const char *me = chat_session_get_username(self->session);
    if (name == NULL || g_strcmp0(name, me) == 0 ||
        chat_session_get_state(self->session) != CHAT_SESSION_ONLINE)
        return;
    GtkWidget *menu = gtk_menu_new();
    fill_menu(menu, self, name);
    GList *items = gtk_container_get_children(GTK_CONTAINER(menu));
    gboolean empty = items == NULL;
    g_list_free(items);
    if (empty) {
        gtk_widget_destroy(menu);
        return;
    }
    char *title = g_strdup_printf(_("Actions for %s"), name);
    window_set_accessible_name(menu, title);
    g_free(title);
    gtk_menu_attach_to_widget(GTK_MENU(menu), GTK_WIDGET(self->user_list), NULL);
    g_signal_connect(menu, "deactivate", G_CALLBACK(on_menu_deactivate), NULL);
    gtk_widget_show_all(menu);
    if (event)
        gtk_menu_popup_at_pointer(GTK_MENU(menu), event);
    else
        gtk_menu_popup_at_widget(GTK_MENU(menu), GTK_WIDGET(self->user_list),
                                 GDK_GRAVITY_NORTH_WEST, GDK_GRAVITY_NORTH_WEST, NULL);
}

/* Wires the user list's context menu. */
void window_moderation_init(ChatWindow *self)
{
    g_signal_connect(self->user_list, "user-menu", G_CALLBACK(on_user_menu), self);
}
