/* ChatWindow, revealing a message: one way to bring a message into view that may not
 * be loaded yet (a reply's quote, "Jump to First Unread", a search match). The room
 * comes on screen; while the message is older than the oldest one loaded and history
 * goes further back, older pages are asked for one after another; then its row is
 * scrolled to, focused and highlighted. */
#include "client/gtk/window_private.h"

#include <glib/gi18n.h>

/* The wanted message is loaded, or history cannot bring it any more: show it (or say
 * it is gone). */
static void finish(ChatWindow *self, ChatMessageList *list)
{
    self->revealing = FALSE;
    if (self->message_list != list)
        return; /* the reader went elsewhere meanwhile */
    GtkListBoxRow *row = chat_message_list_find_row_from(list, self->reveal_id);
    if (row != NULL &&
        (!self->reveal_exact || chat_message_list_row_message_id(row) == self->reveal_id))
        chat_message_list_reveal_row(list, row);
    else if (self->reveal_exact)
        window_problem(self, _("That message is no longer in the history."));
}

/* One step: done when loaded or history is over, else the next older page. */
static void step(ChatWindow *self)
{
    ChatMessageList *list = window_rooms_list(self, self->reveal_room);
    guint64 oldest = chat_message_list_get_oldest_id(list);
    gboolean loaded = oldest != 0 && oldest <= self->reveal_id;
    if (loaded || !chat_message_list_get_more_history(list))
        finish(self, list);
    else if (!window_history_load_older(self, list))
        finish(self, list); /* offline: shows what is there, or says it is not */
}

void window_reveal_message(ChatWindow *self, guint32 room_id, guint64 message_id,
                           gboolean exact)
{
    if (chat_session_find_room(self->session, room_id) == NULL)
        return;
    window_rooms_show(self, room_id);
    self->revealing = TRUE;
    self->reveal_exact = exact;
    self->reveal_room = room_id;
    self->reveal_id = message_id;
    step(self);
}

/* A page came (after window_history's handler took the loading row away). */
static void on_history_loaded(ChatSession *session, ChatRoom *room, guint count, gboolean more,
                              ChatWindow *self)
{
    (void)session;
    (void)count;
    (void)more;
    if (self->revealing && chat_room_get_id(room) == self->reveal_room)
        step(self);
}

/* A connection ended: its pages will not come. */
static void on_state_changed(ChatSession *session, ChatSessionState state, const char *detail,
                             ChatWindow *self)
{
    (void)session;
    (void)detail;
    if (state != CHAT_SESSION_ONLINE)
        self->revealing = FALSE;
}

/* win.reveal-message((ut)): a reply's quote was clicked. */
static void on_reveal_message(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    guint32 room_id;
    guint64 message_id;
    g_variant_get(parameter, "(ut)", &room_id, &message_id);
    window_reveal_message(data, room_id, message_id, TRUE);
}

/* win.jump-to-unread: the first message after the "New messages" divider of the
 * conversation on screen; with nothing unread, the newest one. */
static void on_jump_to_unread(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    ChatWindow *self = data;
    ChatRoom *room = window_rooms_current(self);
    if (room == NULL)
        return;
    ChatMessageList *list = self->message_list;
    guint64 read_to = window_read_marker_divider_at(self, list);
    guint64 newest = chat_message_list_get_newest_id(list);
    if (newest != 0 && read_to < newest) {
        window_reveal_message(self, chat_room_get_id(room), read_to + 1, FALSE);
        return;
    }
    GtkListBoxRow *last = chat_message_list_find_row_from(list, newest);
    if (last != NULL)
        chat_message_list_reveal_row(list, last);
    else
        chat_message_list_scroll_to_bottom(list);
}

/* Wires the actions and follows history pages (after window_history_init). */
void window_reveal_init(ChatWindow *self)
{
    static const GActionEntry entries[] = {
        { "reveal-message", on_reveal_message, "(ut)", NULL, NULL, { 0 } },
        { "jump-to-unread", on_jump_to_unread, NULL, NULL, NULL, { 0 } },
    };
    g_action_map_add_action_entries(G_ACTION_MAP(self), entries, G_N_ELEMENTS(entries), self);
    g_signal_connect(self->session, "history-loaded", G_CALLBACK(on_history_loaded), self);
    g_signal_connect(self->session, "state-changed", G_CALLBACK(on_state_changed), self);
}
