/* ChatWindow, where the user stopped reading: the room on screen, in the active window,
 * scrolled to its newest message, is marked read a moment later (the server keeps the
 * marker for every device of the account: chat_session_mark_read); a conversation shows a
 * "New messages" divider above the first message after its marker as it comes on
 * screen, and, after a login, where the account had stopped (also on another device or
 * before a restart) once such messages are in. */
#include "client/gtk/window_private.h"

/* Reading for this long counts. */
#define MARK_READ_DELAY_MS 1000

/* The conversation on screen (the stack's, which self->message_list follows only once
 * the switch is done), or NULL; room_id says its room. */
static ChatMessageList *shown_list(ChatWindow *self, guint32 *room_id)
{
    GtkWidget *child = gtk_stack_get_visible_child(self->conversations);
    if (!CHAT_IS_MESSAGE_LIST(child) ||
        !window_rooms_list_room(self, CHAT_MESSAGE_LIST(child), room_id))
        return NULL;
    return CHAT_MESSAGE_LIST(child);
}

/* The room on screen, when someone is reading it: the window active, the view at the
 * newest message. */
static ChatRoom *room_being_read(ChatWindow *self)
{
    guint32 room_id;
    ChatMessageList *list = shown_list(self, &room_id);
    if (list == NULL || !gtk_window_is_active(GTK_WINDOW(self)) ||
        !chat_message_list_get_following(list))
        return NULL;
    return chat_session_find_room(self->session, room_id);
}

static gboolean on_mark_read(gpointer data)
{
    ChatWindow *self = data;
    self->mark_read_source = 0;
    ChatRoom *room = room_being_read(self);
    if (room != NULL && chat_session_get_state(self->session) == CHAT_SESSION_ONLINE &&
        chat_session_get_role(self->session) != CHAT_ROLE_GUEST)
        chat_session_mark_read(self->session, chat_room_get_id(room), 0, NULL);
    return G_SOURCE_REMOVE;
}

/* Something was seen (a message in view, the room or the window shown): mark it read
 * soon, once. */
static void schedule_mark(ChatWindow *self)
{
    if (self->session == NULL || self->login_seen == NULL) /* being destroyed */
        return;
    if (self->mark_read_source == 0 && room_being_read(self) != NULL)
        self->mark_read_source = g_timeout_add(MARK_READ_DELAY_MS, on_mark_read, self);
}

#define DIVIDER_AT "chat-unread-divider-at"

/* list's divider goes above the first message newer than marker, and stays there as
 * messages come in (older ones from history, with ids up to the marker, go above it). */
static void show_divider(ChatMessageList *list, guint64 marker)
{
    g_object_set_data_full(G_OBJECT(list), DIVIDER_AT, g_memdup2(&marker, sizeof marker),
                           g_free);
    chat_message_list_set_unread_divider(list, marker);
}

/* Where list's divider stands (or, before it was placed, the room's marker). */
guint64 window_read_marker_divider_at(ChatWindow *self, ChatMessageList *list)
{
    guint64 *marker = g_object_get_data(G_OBJECT(list), DIVIDER_AT);
    guint32 room_id;
    if (marker != NULL)
        return *marker;
    return window_rooms_list_room(self, list, &room_id)
               ? chat_session_get_read_marker(self->session, room_id)
               : 0;
}

/* A conversation comes on screen: the divider where its reader had stopped. */
static void on_room_shown(ChatWindow *self)
{
    if (self->session == NULL) /* being destroyed */
        return;
    guint32 room_id;
    ChatMessageList *list = shown_list(self, &room_id);
    if (list != NULL)
        show_divider(list, chat_session_get_read_marker(self->session, room_id));
    schedule_mark(self);
}

/* The first marker of a room after a login says where the account had stopped (also on
 * another device, or before a restart). */
static void on_read_marker(ChatSession *session, guint32 room_id, guint64 message_id,
                           ChatWindow *self)
{
    (void)session;
    gpointer key = GUINT_TO_POINTER(room_id + 1);
    if (g_hash_table_contains(self->login_seen, key))
        return;
    g_hash_table_add(self->login_seen, key);
    show_divider(window_rooms_list(self, room_id), message_id);
}

/* A message in: the divider of its conversation keeps its place (or finds one). */
static void on_message(ChatSession *session, ChatMessage *msg, ChatWindow *self)
{
    (void)session;
    ChatMessageList *list = window_rooms_list(self, chat_message_get_room_id(msg));
    guint64 *marker = g_object_get_data(G_OBJECT(list), DIVIDER_AT);
    if (marker != NULL && *marker != 0 &&
        (chat_message_get_id(msg) <= *marker || !chat_message_list_has_unread_divider(list)))
        chat_message_list_set_unread_divider(list, *marker);
    schedule_mark(self);
}

/* A new login: its markers are news again. */
static void on_state_changed(ChatSession *session, ChatSessionState state, const char *detail,
                             ChatWindow *self)
{
    (void)session;
    (void)detail;
    if (state == CHAT_SESSION_ONLINE)
        return;
    g_hash_table_remove_all(self->login_seen);
}

/* Wires marking read and the dividers (after window_chat_init: messages are rows). */
void window_read_marker_init(ChatWindow *self)
{
    self->login_seen = g_hash_table_new(NULL, NULL);
    g_signal_connect(self->session, "read-marker", G_CALLBACK(on_read_marker), self);
    g_signal_connect_after(self->session, "message", G_CALLBACK(on_message), self);
    g_signal_connect(self->session, "state-changed", G_CALLBACK(on_state_changed), self);
    g_signal_connect_swapped(self->conversations, "notify::visible-child",
                             G_CALLBACK(on_room_shown), self);
    g_signal_connect_swapped(self, "notify::is-active", G_CALLBACK(schedule_mark), self);
}

/* Stops the timer and frees the tables (dispose). */
void window_read_marker_dispose(ChatWindow *self)
{
    if (self->mark_read_source != 0)
        g_source_remove(self->mark_read_source);
    self->mark_read_source = 0;
    g_clear_pointer(&self->login_seen, g_hash_table_unref);
}

void chat_window_set_send_receipts(ChatWindow *self, gboolean enabled)
{
    g_return_if_fail(CHAT_IS_WINDOW(self));
    chat_session_set_receipts(self->session, enabled);
}
