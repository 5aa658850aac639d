/* ChatWindow, the conversation: the session's messages, joins and leaves become rows;
 * the compose bar sends texts (shown pending until acknowledged) and opens the emoji
 * chooser. */
#include "client/window_private.h"

#include <glib/gi18n.h>

#include "client/notify.h"

static const char *own_name(ChatWindow *self)
{
    const char *name = chat_session_get_username(self->session);
    return name != NULL ? name : self->username;
}

static void add_warning(ChatWindow *self, const char *what, const char *why)
{
    char *text = g_strdup_printf(_("\u26A0 %s: %s"), what, why);
    chat_message_list_add_notice(self->message_list, text);
    g_free(text);
}

/* Enter or Send: hands the text to the session and shows it as pending. */
static void on_send(ChatWindow *self)
{
    const char *text = gtk_entry_get_text(self->message_entry);
    char *trimmed = g_strstrip(g_strdup(text));
    gboolean blank = *trimmed == '\0';
    g_free(trimmed);
    if (blank)
        return;
    GError *error = NULL;
    guint64 client_id = chat_session_send_text(self->session, text, &error);
    if (client_id == 0) {
        add_warning(self, _("Message not sent"), error->message);
        g_error_free(error);
        return;
    }
    chat_message_list_add_pending(self->message_list, client_id, own_name(self), text);
    gtk_entry_set_text(self->message_entry, "");
    gtk_widget_grab_focus(GTK_WIDGET(self->message_entry));
}

/* The emoji button opens GtkEntry's own chooser (the one Ctrl+. opens). */
static void on_emoji_clicked(ChatWindow *self)
{
    gtk_widget_grab_focus(GTK_WIDGET(self->message_entry));
    g_signal_emit_by_name(self->message_entry, "insert-emoji");
}

static void on_message(ChatSession *session, ChatMessage *msg, ChatWindow *self)
{
    (void)session;
    chat_message_list_add_message(self->message_list, msg);
    if (!msg->own)
        notify_unless_active(GTK_WINDOW(self), msg->sender, msg->text);
}

static void on_message_failed(ChatSession *session, guint64 client_id, const char *reason,
                              ChatWindow *self)
{
    (void)session;
    if (!chat_message_list_fail_message(self->message_list, client_id, reason))
        add_warning(self, _("A message was not sent"), reason);
}

static void on_user_joined(ChatSession *session, guint32 id, const char *name, ChatWindow *self)
{
    (void)session;
    (void)id;
    char *text = g_strdup_printf(_("%s joined"), name);
    chat_message_list_add_notice(self->message_list, text);
    g_free(text);
}

static void on_user_left(ChatSession *session, guint32 id, const char *name, ChatWindow *self)
{
    (void)session;
    (void)id;
    char *text = g_strdup_printf(_("%s left"), name);
    chat_message_list_add_notice(self->message_list, text);
    g_free(text);
}

static void on_server_error(ChatSession *session, guint code, const char *message,
                            ChatWindow *self)
{
    (void)session;
    (void)code;
    add_warning(self, _("Server"), message);
}

/* Back in the window: the notification has done its job. */
static void on_active_changed(ChatWindow *self)
{
    if (gtk_window_is_active(GTK_WINDOW(self)))
        notify_withdraw(GTK_WINDOW(self));
}

/* Wires the conversation. */
void window_chat_init(ChatWindow *self)
{
    g_signal_connect_swapped(self->message_entry, "activate", G_CALLBACK(on_send), self);
    g_signal_connect_swapped(self->send_button, "clicked", G_CALLBACK(on_send), self);
    g_signal_connect_swapped(self->emoji_button, "clicked", G_CALLBACK(on_emoji_clicked), self);
    g_signal_connect_swapped(self, "notify::is-active", G_CALLBACK(on_active_changed), self);
    g_signal_connect(self->session, "message", G_CALLBACK(on_message), self);
    g_signal_connect(self->session, "message-failed", G_CALLBACK(on_message_failed), self);
    g_signal_connect(self->session, "user-joined", G_CALLBACK(on_user_joined), self);
    g_signal_connect(self->session, "user-left", G_CALLBACK(on_user_left), self);
    g_signal_connect(self->session, "server-error", G_CALLBACK(on_server_error), self);
}
