/* ChatWindow, the conversation: the session's messages, joins and leaves become rows
 * (and are announced to screen readers); the compose box (a text view: Enter sends,
 * Shift+Enter starts a new line, it grows to about six lines and then scrolls) sends
 * texts, shown pending until acknowledged; the emoji button opens the chooser;
 * messages arriving in the background count as unread and notify once per room;
 * each text goes to its room's conversation (window_rooms.c). */
#include "client/gtk/window_private.h"

#include <glib/gi18n.h>

#include "client/gtk/announce.h"
#include "client/gtk/notify.h"

/* The compose box grows with its text up to this many lines, then scrolls. */
#define COMPOSE_MAX_LINES 6

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
    ChatMessage *msg = NULL;
    gboolean special = window_composer_send(self, text, &msg, &error);
    if (!special && error == NULL)
        msg = window_rooms_send(self, text, &error);
    if (error != NULL) {
        add_warning(self, _("Message not sent"), error->message);
        g_error_free(error);
        g_free(text);
        return;
    }
    if (msg != NULL) {
        ChatBubble *bubble = chat_message_list_add_message(self->message_list, msg);
        window_message_actions_attach(self, GTK_WIDGET(bubble));
    }
    g_free(text);
    gtk_text_buffer_set_text(gtk_text_view_get_buffer(self->message_view), "", 0);
    gtk_widget_grab_focus(GTK_WIDGET(self->message_view));
}

static gboolean compose_is_empty(ChatWindow *self)
{
    return gtk_text_buffer_get_char_count(gtk_text_view_get_buffer(self->message_view)) == 0;
}

/* Enter sends; Shift+Enter (and Ctrl+Enter) fall through to the text view, which
 * inserts a new line. Up in an empty box edits the last own text; Escape ends an edit
 * or a reply; Tab after "@na" completes the name (else it moves on). */
static gboolean on_compose_key(GtkWidget *view, GdkEventKey *event, ChatWindow *self)
{
    (void)view;
    gboolean enter = event->keyval == GDK_KEY_Return || event->keyval == GDK_KEY_KP_Enter ||
                     event->keyval == GDK_KEY_ISO_Enter;
    GdkModifierType modifiers = event->state & gtk_accelerator_get_default_mod_mask();
    if (modifiers == 0 && (event->keyval == GDK_KEY_Up || event->keyval == GDK_KEY_KP_Up) &&
        compose_is_empty(self))
        return window_message_actions_edit_last(self);
    if (modifiers == 0 && event->keyval == GDK_KEY_Tab && window_mentions_complete(self))
        return GDK_EVENT_STOP;
    if (modifiers == 0 && event->keyval == GDK_KEY_Escape &&
        self->composer_mode != WINDOW_COMPOSE_NEW) {
        window_composer_cancel(self);
        return GDK_EVENT_STOP;
    }
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

/* A text or file from someone else: heard by screen readers; counted, and notified (as
 * the room's level allows) while the window is in the background or the room is not on
 * screen. */
void window_chat_note_incoming(ChatWindow *self, guint32 room_id, const char *sender,
                               const char *text, gboolean attention)
{
    ChatRoom *current = window_rooms_current(self);
    gboolean on_screen = current != NULL && chat_room_get_id(current) == room_id;
    char *room = window_rooms_title(self, room_id);
    char *spoken = on_screen ? g_strdup_printf(_("%s: %s"), sender, text)
                             : g_strdup_printf(_("%s in %s: %s"), sender, room, text);
    announce_say(self->announcer, spoken);
    g_free(spoken);
    window_rooms_note_incoming(self, room_id);
    ChatRoom *chat_room = chat_session_find_room(self->session, room_id);
    if (!gtk_window_is_active(GTK_WINDOW(self))) {
        self->unread++;
        window_update_title(self);
    }
    if (attention && (!on_screen || !gtk_window_is_active(GTK_WINDOW(self))))
        notify_room(GTK_WINDOW(self), room, room_id,
                    chat_room ? chat_room_get_unread_count(chat_room) : 1, sender, text);
    g_free(room);
}

static void on_message(ChatSession *session, ChatMessage *msg, ChatWindow *self)
{
    (void)session;
    guint32 room_id = chat_message_get_room_id(msg);
    ChatMessageList *list = window_rooms_list(self, room_id);
    /* Older than what is shown: history being paged in, not news. */
    gboolean news = chat_message_get_id(msg) > chat_message_list_get_newest_id(list);
    ChatBubble *bubble = chat_message_list_add_message(list, msg);
    window_message_actions_attach(self, GTK_WIDGET(bubble));
    window_mentions_mark(self, bubble, msg);
    if (!chat_message_get_own(msg) && news)
        window_chat_note_incoming(self, room_id, chat_message_get_sender(msg),
                                  chat_message_get_text(msg),
                                  chat_session_should_notify(self->session, msg));
}

/* A refused text shows it in its row (which follows the message); one not shown (sent
 * before a restart) gets a warning line. */
static void on_message_failed(ChatSession *session, ChatMessage *msg, const char *reason,
                              ChatWindow *self)
{
    (void)session;
    if (!window_rooms_shows_message(self, msg))
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
    chat_message_list_add_presence(window_rooms_list(self, 0), name, TRUE);
}

static void on_user_left(ChatSession *session, guint32 id, const char *name, ChatWindow *self)
{
    (void)session;
    (void)id;
    chat_message_list_add_presence(window_rooms_list(self, 0), name, FALSE);
}

static void on_server_error(ChatSession *session, guint code, const char *message,
                            ChatWindow *self)
{
    (void)session;
    (void)code;
    add_warning(self, _("Server"), message);
}

/* Back in the window: the unread count has done its job. */
static void on_active_changed(ChatWindow *self)
{
    if (gtk_window_is_active(GTK_WINDOW(self)) && self->unread > 0) {
        self->unread = 0;
        window_update_title(self);
    }
}

/* Someone joined or left a room, or set its topic: a line in that room. */
static void on_room_event(ChatSession *session, ChatRoom *room, const char *text,
                          ChatWindow *self)
{
    (void)session;
    chat_message_list_add_notice(window_rooms_list(self, chat_room_get_id(room)), text);
}

/* An invitation to a private room: said in the lobby, with how to accept. */
static void on_room_invited(ChatSession *session, const char *room, const char *inviter,
                            const char *topic, ChatWindow *self)
{
    (void)session;
    (void)topic;
    char *text = g_strdup_printf(_("%s invited you to the room %s. Join it with New or Join "
                                   "Room in the main menu."), inviter, room);
    chat_message_list_add_notice(window_rooms_list(self, 0), text);
    announce_say(self->announcer, text);
    g_free(text);
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
    g_signal_connect(self->session, "room-event", G_CALLBACK(on_room_event), self);
    g_signal_connect(self->session, "room-invited", G_CALLBACK(on_room_invited), self);
}
