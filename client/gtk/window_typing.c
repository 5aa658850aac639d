/* ChatWindow, typing notices: a line under the conversation says who is typing in the
 * room on screen ("alice is typing…", as the session words it and times it out), and
 * the message box tells the room when we type (active; paused after a while without a
 * key; done when the box empties or another room shows). The session sends at most one
 * active notice every 3 s, and none while the user turned them off in Preferences. */
#include "client/gtk/window_private.h"

#include "common/safe_text.h"

/* Text waiting this long in the box without a change counts as paused. */
#define TYPING_PAUSE_SECONDS 5

static void show_typing(ChatWindow *self)
{
    ChatRoom *room = window_rooms_current(self);
    char *text = room ? chat_session_get_typing_text(self->session, chat_room_get_id(room))
                      : NULL;
    char *shown = text ? safe_text(text, -1, SAFE_TEXT_ONE_LINE) : g_strdup("");
    gtk_label_set_text(self->typing_label, shown);
    atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(self->typing_label)), shown);
    g_free(shown);
    g_free(text);
}

static void on_typing_changed(ChatSession *session, guint32 room_id, ChatWindow *self)
{
    (void)session;
    ChatRoom *room = window_rooms_current(self);
    if (room != NULL && chat_room_get_id(room) == room_id)
        show_typing(self);
}

/* Our state in the room we typed in. */
static void tell(ChatWindow *self, ChatTypingState state)
{
    if (self->typing_state == state && state != CHAT_TYPING_ACTIVE)
        return;
    self->typing_state = state;
    chat_session_set_typing(self->session, self->typing_room, state);
}

static void stop_pause_timer(ChatWindow *self)
{
    if (self->typing_pause_source != 0)
        g_source_remove(self->typing_pause_source);
    self->typing_pause_source = 0;
}

static gboolean on_pause(gpointer data)
{
    ChatWindow *self = data;
    self->typing_pause_source = 0;
    tell(self, CHAT_TYPING_PAUSED);
    return G_SOURCE_REMOVE;
}

/* Done in the room we were typing in (a send, an empty box, another room). */
static void finish(ChatWindow *self)
{
    stop_pause_timer(self);
    if (self->typing_state != CHAT_TYPING_DONE)
        tell(self, CHAT_TYPING_DONE);
}

/* The box changed: typing (a new text or a reply; an edit is not news), or done. */
static void on_box_changed(GtkTextBuffer *buffer, ChatWindow *self)
{
    if (self->session == NULL) /* being destroyed */
        return;
    ChatRoom *room = window_rooms_current(self);
    gboolean typing = gtk_text_buffer_get_char_count(buffer) > 0 && room != NULL &&
                      self->composer_mode != WINDOW_COMPOSE_EDIT;
    if (!typing || chat_room_get_id(room) != self->typing_room) {
        finish(self);
        if (!typing)
            return;
    }
    self->typing_room = chat_room_get_id(room);
    tell(self, CHAT_TYPING_ACTIVE);
    stop_pause_timer(self);
    self->typing_pause_source = g_timeout_add_seconds(TYPING_PAUSE_SECONDS, on_pause, self);
}

/* Another room on screen: its typists show; we stopped typing in the last one. */
static void on_room_shown(ChatWindow *self)
{
    if (self->session == NULL) /* being destroyed */
        return;
    finish(self);
    show_typing(self);
}

/* Builds the line under the conversation and wires both directions. */
void window_typing_init(ChatWindow *self)
{
    GtkWidget *label = gtk_label_new(NULL);
    gtk_label_set_xalign(GTK_LABEL(label), 0);
    gtk_label_set_ellipsize(GTK_LABEL(label), PANGO_ELLIPSIZE_END);
    gtk_widget_set_margin_start(label, 18);
    gtk_style_context_add_class(gtk_widget_get_style_context(label), "typing");
    gtk_style_context_add_class(gtk_widget_get_style_context(label), "dim-label");
    gtk_widget_show(label);
    GtkWidget *page = gtk_widget_get_parent(self->composer_bar);
    int position;
    gtk_container_child_get(GTK_CONTAINER(page), self->composer_bar, "position", &position,
                            NULL);
    gtk_box_pack_start(GTK_BOX(page), label, FALSE, FALSE, 0);
    gtk_box_reorder_child(GTK_BOX(page), label, position);
    self->typing_label = GTK_LABEL(label);
    self->typing_state = CHAT_TYPING_DONE;
    g_signal_connect(self->session, "typing-changed", G_CALLBACK(on_typing_changed), self);
    g_signal_connect(gtk_text_view_get_buffer(self->message_view), "changed",
                     G_CALLBACK(on_box_changed), self);
    g_signal_connect_swapped(self->conversations, "notify::visible-child",
                             G_CALLBACK(on_room_shown), self);
}

/* Stops the pause timer (dispose). */
void window_typing_dispose(ChatWindow *self)
{
    stop_pause_timer(self);
}

/* The privacy setting: whether the rooms see us typing. */
void chat_window_set_send_typing(ChatWindow *self, gboolean enabled)
{
    g_return_if_fail(CHAT_IS_WINDOW(self));
    chat_session_set_send_typing(self->session, enabled);
}
