/* The session's one object per message (chat_message.h): a TEXT becomes a ChatMessage
 * (or settles the pending one of an own text), and what later arrives about it (edits,
 * deletions, reactions, receipts, the message a reply quotes) changes that object. The
 * table holds the objects weakly: a message nobody holds is forgotten, and since each
 * text is reported once per run, nothing will ask for it again. */
#include "client/core/session_private.h"

/* A reply no longer waits for the message it quotes (it came, or the reply went). */
static void stop_waiting(ChatSession *self, ChatMessage *reply)
{
    guint64 quoted = chat_message_get_reply_to_id(reply);
    GPtrArray *waiting = g_hash_table_lookup(self->waiting_replies, &quoted);
    if (waiting != NULL && g_ptr_array_remove_fast(waiting, reply) && waiting->len == 0)
        g_hash_table_remove(self->waiting_replies, &quoted);
}

/* A held object went (its fields are still valid while weak references are told). */
static void forget(gpointer data, GObject *gone)
{
    ChatSession *self = data;
    guint64 id = chat_message_get_id(CHAT_MESSAGE(gone));
    g_hash_table_remove(self->messages, &id);
    stop_waiting(self, CHAT_MESSAGE(gone));
}

/* Sets up the tables of a new session. */
void session_messages_init(ChatSession *self)
{
    self->messages = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    self->waiting_replies = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                                  (GDestroyNotify)g_ptr_array_unref);
}

/* Lets go of every object (they live on with whoever holds them). */
void session_messages_clear(ChatSession *self)
{
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, self->messages);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        g_object_weak_unref(value, forget, self);
    g_hash_table_unref(self->messages);
    g_hash_table_unref(self->waiting_replies);
}

ChatMessage *session_message_lookup(ChatSession *self, guint64 id)
{
    return id ? g_hash_table_lookup(self->messages, &id) : NULL;
}

/* Holds msg under its id; replies already held that wait for it now quote it (history
 * pages bring the older message after its replies), and msg, a reply whose quoted
 * message is not held, waits for that one. */
static void remember(ChatSession *self, ChatMessage *msg)
{
    guint64 id = chat_message_get_id(msg);
    if (id == 0 || g_hash_table_contains(self->messages, &id))
        return;
    g_object_weak_ref(G_OBJECT(msg), forget, self);
    g_hash_table_insert(self->messages, g_memdup2(&id, sizeof id), msg);
    GPtrArray *waiting = NULL;
    gpointer waiting_key = NULL;
    if (g_hash_table_steal_extended(self->waiting_replies, &id, &waiting_key,
                                    (gpointer *)&waiting)) {
        g_free(waiting_key); /* stolen, so not freed by the table */
        for (guint i = 0; i < waiting->len; i++)
            message_set_reply_to(waiting->pdata[i], msg);
        g_ptr_array_unref(waiting);
    }
    guint64 quoted = chat_message_get_reply_to_id(msg);
    if (quoted == 0 || session_message_lookup(self, quoted) != NULL)
        return;
    waiting = g_hash_table_lookup(self->waiting_replies, &quoted);
    if (waiting == NULL) {
        waiting = g_ptr_array_new();
        g_hash_table_insert(self->waiting_replies, g_memdup2(&quoted, sizeof quoted), waiting);
    }
    g_ptr_array_add(waiting, msg);
}

/* The reactions the session holds on msg, as its property (session_reactions.c keeps them). */
static void take_reactions(ChatSession *self, ChatMessage *msg)
{
    GPtrArray *reactions = chat_session_list_reactions(self, chat_message_get_id(msg));
    if (reactions->len)
        message_set_reactions(msg, reactions);
    else
        g_ptr_array_unref(reactions);
}

void session_message_settle(ChatSession *self, const struct proto_text *t,
                            ChatMessage *pending)
{
    char *sender = g_strndup(t->sender.ptr, t->sender.len);
    message_set_sent(pending, t->message_id, (gint64)t->time_ms, t->room_id, sender,
                     t->sender_id);
    g_free(sender);
    remember(self, pending);
}

/* Makes (or settles) the object of a TEXT and reports it with "message". */
void session_message_received(ChatSession *self, const struct proto_text *t, gboolean own,
                              ChatMessage *pending)
{
    ChatMessage *msg;
    if (pending) {
        msg = g_object_ref(pending);
        session_message_settle(self, t, msg);
    } else {
        char *sender = g_strndup(t->sender.ptr, t->sender.len);
        char *text = g_strndup(t->text.ptr, t->text.len);
        msg = message_new_sent(t->message_id, t->room_id, sender, t->sender_id, text,
                               (gint64)t->time_ms, own, own ? t->client_id : 0,
                               chat_session_get_reply_to(self, t->message_id));
        g_free(text);
        g_free(sender);
        remember(self, msg);
    }
    message_set_reply_to(msg, session_message_lookup(self, chat_message_get_reply_to_id(msg)));
    take_reactions(self, msg);
    g_signal_emit(self, session_signals[SIG_MESSAGE], 0, msg);
    g_object_unref(msg);
}

/* Receipts: every own message of room_id up to message_id that someone holds. */
void session_messages_read(ChatSession *self, guint32 room_id, guint64 message_id,
                           const char *name, guint count)
{
    if (name && g_strcmp0(name, self->accepted_name) == 0)
        return; /* our own marker, moved on another device */
    /* Collected first: a "notify" handler may drop the last reference, and a message
     * forgotten then would change the table under a live iterator. */
    GPtrArray *read = g_ptr_array_new_with_free_func(g_object_unref);
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, self->messages);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        ChatMessage *msg = value;
        if (*(guint64 *)key <= message_id && chat_message_get_own(msg) &&
            chat_message_get_room_id(msg) == room_id)
            g_ptr_array_add(read, g_object_ref(msg));
    }
    for (guint i = 0; i < read->len; i++) {
        if (name)
            message_add_reader(read->pdata[i], name);
        else
            message_set_read_count(read->pdata[i], count);
    }
    g_ptr_array_unref(read);
}
