/* ChatWindow, mentions: Tab in the message box completes the "@name" before the cursor
 * from the people of the room on screen (its members; in the lobby, who is online),
 * alphabetically; Tab again, before anything else is typed, offers the next one. Texts
 * of others that mention the user stand out in the conversation. */
#include "client/gtk/window_private.h"

/* The room's people whose names start (case-insensitively) with prefix, sorted. */
static GPtrArray *candidates(ChatWindow *self, const char *prefix)
{
    ChatRoom *room = window_rooms_current(self);
    GPtrArray *names = room == NULL || chat_room_get_id(room) == 0
                           ? chat_session_list_users(self->session)
                           : chat_room_list_members(room);
    GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
    char *folded_prefix = g_utf8_casefold(prefix, -1);
    const char *me = chat_session_get_username(self->session);
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        char *folded = g_utf8_casefold(name, -1);
        if (g_str_has_prefix(folded, folded_prefix) && g_strcmp0(name, me) != 0)
            g_ptr_array_add(found, g_strdup(name));
        g_free(folded);
    }
    g_free(folded_prefix);
    g_ptr_array_unref(names);
    return found;
}

/* The "@prefix" ending at the cursor: its start (at the '@') and the prefix; FALSE if
 * the cursor does not follow one. */
static gboolean mention_before_cursor(GtkTextBuffer *buffer, GtkTextIter *start, char **prefix)
{
    GtkTextIter cursor;
    gtk_text_buffer_get_iter_at_mark(buffer, &cursor, gtk_text_buffer_get_insert(buffer));
    *start = cursor;
    while (gtk_text_iter_backward_char(start)) {
        gunichar c = gtk_text_iter_get_char(start);
        if (c == '@') {
            GtkTextIter before = *start;
            if (gtk_text_iter_backward_char(&before) &&
                !g_unichar_isspace(gtk_text_iter_get_char(&before)))
                return FALSE; /* an address, not a mention */
            GtkTextIter name = *start;
            gtk_text_iter_forward_char(&name);
            *prefix = gtk_text_iter_get_text(&name, &cursor);
            return TRUE;
        }
        if (g_unichar_isspace(c))
            return FALSE;
    }
    return FALSE;
}

/* Replaces the text from the '@' at offset start to the cursor with "@name ". */
static void put_name(GtkTextBuffer *buffer, int start, const char *name)
{
    GtkTextIter from, to;
    gtk_text_buffer_get_iter_at_offset(buffer, &from, start);
    gtk_text_buffer_get_iter_at_mark(buffer, &to, gtk_text_buffer_get_insert(buffer));
    gtk_text_buffer_begin_user_action(buffer);
    gtk_text_buffer_delete(buffer, &from, &to);
    char *text = g_strdup_printf("@%s ", name);
    gtk_text_buffer_insert(buffer, &from, text, -1);
    g_free(text);
    gtk_text_buffer_end_user_action(buffer);
}

/* Tab in the message box: completes a mention (TRUE), else Tab moves on (FALSE). */
gboolean window_mentions_complete(ChatWindow *self)
{
    GtkTextBuffer *buffer = gtk_text_view_get_buffer(self->message_view);
    GtkTextIter cursor;
    gtk_text_buffer_get_iter_at_mark(buffer, &cursor, gtk_text_buffer_get_insert(buffer));
    /* Tab right after a completion: the next name for the same prefix. */
    if (self->mention_prefix != NULL &&
        gtk_text_iter_get_offset(&cursor) == self->mention_end) {
        GPtrArray *names = candidates(self, self->mention_prefix);
        gboolean done = names->len > 1;
        if (done) {
            self->mention_index = (self->mention_index + 1) % names->len;
            const char *name = g_ptr_array_index(names, self->mention_index);
            put_name(buffer, self->mention_start, name);
            gtk_text_buffer_get_iter_at_mark(buffer, &cursor, gtk_text_buffer_get_insert(buffer));
            self->mention_end = gtk_text_iter_get_offset(&cursor);
        }
        g_ptr_array_unref(names);
        return done;
    }
    GtkTextIter start;
    char *prefix = NULL;
    if (!mention_before_cursor(buffer, &start, &prefix))
        return FALSE;
    GPtrArray *names = candidates(self, prefix);
    gboolean done = names->len > 0;
    if (done) {
        g_free(self->mention_prefix);
        self->mention_prefix = g_strdup(prefix);
        self->mention_start = gtk_text_iter_get_offset(&start);
        self->mention_index = 0;
        put_name(buffer, self->mention_start, g_ptr_array_index(names, 0));
        gtk_text_buffer_get_iter_at_mark(buffer, &cursor, gtk_text_buffer_get_insert(buffer));
        self->mention_end = gtk_text_iter_get_offset(&cursor);
    }
    g_ptr_array_unref(names);
    g_free(prefix);
    return done;
}

/* bubble shows msg: highlighted when someone else's text mentions the user. */
void window_mentions_mark(ChatWindow *self, ChatBubble *bubble, ChatMessage *msg)
{
    if (!chat_message_get_own(msg) &&
        chat_session_mentions_me(self->session, chat_message_get_text(msg)))
        chat_bubble_set_mention(bubble, TRUE);
}

/* Frees the completion state (finalize). */
void window_mentions_finalize(ChatWindow *self)
{
    g_clear_pointer(&self->mention_prefix, g_free);
}
