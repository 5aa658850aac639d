/* ChatWindow, history: a conversation scrolled to its top (or too short to scroll)
 * asks the session for older messages, a page at a time, with a "Loading" row while
 * they come; messages missed while away that the session has not fetched yet (a
 * resume gap) show as a row that says so and offers to load them, until the session
 * reports the gap filled. */
#include "client/gtk/window_private.h"

#include <glib/gi18n.h>

/* Messages asked for per scroll to the top. */
#define HISTORY_PAGE 50u

/* Asks for list's next page of older messages, unless one is coming already; TRUE when
 * one is coming ("history-loaded" will say so). */
gboolean window_history_load_older(ChatWindow *self, ChatMessageList *list)
{
    guint32 room_id;
    if (chat_message_list_get_loading(list))
        return TRUE;
    if (!window_rooms_list_room(self, list, &room_id) ||
        chat_session_get_state(self->session) != CHAT_SESSION_ONLINE ||
        !chat_session_load_history(self->session, room_id, HISTORY_PAGE, NULL))
        return FALSE;
    chat_message_list_set_loading(list, TRUE);
    return TRUE;
}

static void on_load_older(ChatMessageList *list, ChatWindow *self)
{
    window_history_load_older(self, list);
}

static void on_gap_load_requested(ChatMessageList *list, guint64 after_id, guint64 before_id,
                                  ChatWindow *self)
{
    guint32 room_id;
    GError *error = NULL;
    if (window_rooms_list_room(self, list, &room_id) &&
        !chat_session_fill_history_gap(self->session, room_id, after_id, before_id, &error)) {
        window_problem(self, error->message);
        g_error_free(error);
    }
}

/* Lets list ask for older messages and gaps. */
void window_history_watch_list(ChatWindow *self, ChatMessageList *list)
{
    g_signal_connect(list, "load-older", G_CALLBACK(on_load_older), self);
    g_signal_connect(list, "gap-load-requested", G_CALLBACK(on_gap_load_requested), self);
}

static void on_history_loaded(ChatSession *session, ChatRoom *room, guint count, gboolean more,
                              ChatWindow *self)
{
    (void)session;
    (void)count;
    ChatMessageList *list = window_rooms_list(self, chat_room_get_id(room));
    chat_message_list_set_more_history(list, more);
    chat_message_list_set_loading(list, FALSE);
}

static void on_history_gap(ChatSession *session, ChatRoom *room, guint64 after_id,
                           guint64 before_id, ChatWindow *self)
{
    (void)session;
    chat_message_list_add_gap(window_rooms_list(self, chat_room_get_id(room)), after_id,
                              before_id);
}

static void on_history_gap_filled(ChatSession *session, ChatRoom *room, guint64 after_id,
                                  guint64 before_id, ChatWindow *self)
{
    (void)session;
    (void)before_id;
    chat_message_list_remove_gap(window_rooms_list(self, chat_room_get_id(room)), after_id);
}

/* A new connection: pages asked for on the old one will not come. */
static void on_state_changed(ChatSession *session, ChatSessionState state, const char *detail,
                             ChatWindow *self)
{
    (void)session;
    (void)detail;
    if (state != CHAT_SESSION_ONLINE)
        return;
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, self->lists);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        chat_message_list_set_loading(value, FALSE);
}

/* Wires history. */
void window_history_init(ChatWindow *self)
{
    g_signal_connect(self->session, "history-loaded", G_CALLBACK(on_history_loaded), self);
    g_signal_connect(self->session, "history-gap", G_CALLBACK(on_history_gap), self);
    g_signal_connect(self->session, "history-gap-filled", G_CALLBACK(on_history_gap_filled),
                     self);
    g_signal_connect(self->session, "state-changed", G_CALLBACK(on_state_changed), self);
}
