/* ChatWindow, the conversation: the session's messages, joins and leaves become rows
 * (and are announced to screen readers); the compose box (a text view: Enter sends,
 * Shift+Enter starts a new line, it grows to about six lines and then scrolls) sends
 * texts, shown pending until acknowledged; the emoji button opens the chooser;
 * messages arriving in the background count as unread and notify once per room. */
#include "client/gtk/window_private.h"

#include <glib/gi18n.h>

#include "client/gtk/announce.h"
#include "client/gtk/notify.h"

/* The compose box grows with its text up to this many lines, then scrolls. */
#define COMPOSE_MAX_LINES 6

static const char *own_name(ChatWindow *self)
{
    const char *name = chat_session_get_username(self->session);
    return name != NULL ? name : self->username;
}

/* A warning line in the conversation, also announced as an alert. */
static void add_warning(ChatWindow *self, const char *what, const char *why)
{
    char *text = g_strdup_printf(_("\u26A0 %s: %s"), what, why);
    chat_message_list_add_notice(self->message_list, text);
    announce_say(self->alert_announcer, text);
    g_free(text);
}

static char *compose_text(ChatWindow *self)
{
    GtkTextBuffer *buffer = gtk_text_view_get_buffer(self->message_view);
    GtkTextIter start, end;
    gtk_text_buffer_get_bounds(buffer, &start, &end);
    return gtk_text_buffer_get_text(buffer, &start, &end, FALSE);
}

/* Enter or Send: hands the text to the session and shows it as pending. */
static void on_send(ChatWindow *self)
{
    char *text = compose_text(self);
    char *trimmed = g_strstrip(g_strdup(text));
    gboolean blank = *trimmed == '\0';
    g_free(trimmed);
    if (blank) {
        g_free(text);
        return;
    }
    GError *error = NULL;
    guint64 client_id = chat_session_send_text(self->session, text, &error);
    if (client_id == 0) {
        add_warning(self, _("Message not sent"), error->message);
        g_error_free(error);
        g_free(text);
        return;
    }
    chat_message_list_add_pending(self->message_list, client_id, own_name(self), text);
    g_free(text);
    gtk_text_buffer_set_text(gtk_text_view_get_buffer(self->message_view), "", 0);
    gtk_widget_grab_focus(GTK_WIDGET(self->message_view));
}

/* Enter sends; Shift+Enter (and Ctrl+Enter) fall through to the text view, which
 * inserts a new line. */
static gboolean on_compose_key(GtkWidget *view, GdkEventKey *event, ChatWindow *self)
{
    (void)view;
    gboolean enter = event->keyval == GDK_KEY_Return || event->keyval == GDK_KEY_KP_Enter ||
                     event->keyval == GDK_KEY_ISO_Enter;
    GdkModifierType modifiers = event->state & gtk_accelerator_get_default_mod_mask();
    if (!enter || modifiers != 0)
        return GDK_EVENT_PROPAGATE;
    on_send(self);
    return GDK_EVENT_STOP;
}

/* The compose box's height cap: COMPOSE_MAX_LINES lines of its font. */
static void cap_compose_height(ChatWindow *self)
{
    PangoContext *context = gtk_widget_get_pango_context(GTK_WIDGET(self->message_view));
    PangoFontMetrics *metrics = pango_context_get_metrics(context, NULL, NULL);
    int line = PANGO_PIXELS(pango_font_metrics_get_height(metrics));
    pango_font_metrics_unref(metrics);
    if (line <= 0)
        line = 18;
    gtk_scrolled_window_set_min_content_height(self->compose_scroller, line);
    gtk_scrolled_window_set_max_content_height(self->compose_scroller, line * COMPOSE_MAX_LINES);
}

/* The emoji button opens the text view's own chooser (the one Ctrl+. opens). */
static void on_emoji_clicked(ChatWindow *self)
{
    gtk_widget_grab_focus(GTK_WIDGET(self->message_view));
    g_signal_emit_by_name(self->message_view, "insert-emoji");
}

/* A text or file from someone else: heard by screen readers, counted and notified
 * while the window is in the background. */
void window_chat_note_incoming(ChatWindow *self, const char *sender, const char *text)
{
    char *spoken = g_strdup_printf(_("%s: %s"), sender, text);
    announce_say(self->announcer, spoken);
    g_free(spoken);
    if (gtk_window_is_active(GTK_WINDOW(self)))
        return;
    self->unread++;
    window_update_title(self);
    notify_room(GTK_WINDOW(self), _(WINDOW_ROOM_NAME), self->unread, sender, text);
}

static void on_message(ChatSession *session, ChatMessage *msg, ChatWindow *self)
{
    (void)session;
    chat_message_list_add_message(self->message_list, msg);
    if (!msg->own)
        window_chat_note_incoming(self, msg->sender, msg->text);
}

static void on_message_failed(ChatSession *session, guint64 client_id, const char *reason,
                              ChatWindow *self)
{
    (void)session;
    if (!chat_message_list_fail_message(self->message_list, client_id, reason))
        add_warning(self, _("A message was not sent"), reason);
    else {
        char *text = g_strdup_printf(_("Message not sent: %s"), reason);
        announce_say(self->alert_announcer, text);
        g_free(text);
    }
}

static void on_user_joined(ChatSession *session, guint32 id, const char *name, ChatWindow *self)
{
    (void)session;
    (void)id;
    chat_message_list_add_presence(self->message_list, name, TRUE);
}

static void on_user_left(ChatSession *session, guint32 id, const char *name, ChatWindow *self)
{
    (void)session;
    (void)id;
    chat_message_list_add_presence(self->message_list, name, FALSE);
}

static void on_server_error(ChatSession *session, guint code, const char *message,
                            ChatWindow *self)
{
    (void)session;
    (void)code;
    add_warning(self, _("Server"), message);
}

/* Back in the window: the unread count and the notification have done their job. */
static void on_active_changed(ChatWindow *self)
{
    if (!gtk_window_is_active(GTK_WINDOW(self)))
        return;
    notify_withdraw(GTK_WINDOW(self), _(WINDOW_ROOM_NAME));
    if (self->unread > 0) {
        self->unread = 0;
        window_update_title(self);
    }
}

/* Wires the conversation. */
void window_chat_init(ChatWindow *self)
{
    cap_compose_height(self);
    g_signal_connect(self->message_view, "key-press-event", G_CALLBACK(on_compose_key), self);
    g_signal_connect_swapped(self->send_button, "clicked", G_CALLBACK(on_send), self);
    g_signal_connect_swapped(self->emoji_button, "clicked", G_CALLBACK(on_emoji_clicked), self);
    g_signal_connect_swapped(self, "notify::is-active", G_CALLBACK(on_active_changed), self);
    g_signal_connect(self->session, "message", G_CALLBACK(on_message), self);
    g_signal_connect(self->session, "message-failed", G_CALLBACK(on_message_failed), self);
    g_signal_connect(self->session, "user-joined", G_CALLBACK(on_user_joined), self);
    g_signal_connect(self->session, "user-left", G_CALLBACK(on_user_left), self);
    g_signal_connect(self->session, "server-error", G_CALLBACK(on_server_error), self);
}
