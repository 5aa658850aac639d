/* The session's one object per message (chat_message.h): a TEXT becomes a ChatMessage
 * (or settles the pending one of an own text), and what later arrives about it (edits,
 * deletions, reactions, receipts, the message a reply quotes) changes that object. The
 * table holds the objects weakly: a message nobody holds is forgotten, and since each
 * text is reported once per run, nothing will ask for it again. */
#include "client/core/session_private.h"

/* A held object went (its fields are still valid while weak references are told). */
static void forget(gpointer data, GObject *gone)
{
    ChatSession *self = data;
    guint64 id = chat_message_get_id(CHAT_MESSAGE(gone));
    g_hash_table_remove(self->messages, &id);
}

/* Sets up the table of a new session. */
void session_messages_init(ChatSession *self)
{
    self->messages = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
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
}

ChatMessage *session_message_lookup(ChatSession *self, guint64 id)
{
    return id ? g_hash_table_lookup(self->messages, &id) : NULL;
}

/* Holds msg under its id; replies already held that answer it now quote it (history
 * pages bring the older message after its replies). */
static void remember(ChatSession *self, ChatMessage *msg)
{
    guint64 id = chat_message_get_id(msg);
    if (id == 0 || g_hash_table_contains(self->messages, &id))
        return;
    g_object_weak_ref(G_OBJECT(msg), forget, self);
    g_hash_table_insert(self->messages, g_memdup2(&id, sizeof id), msg);
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, self->messages);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        if (chat_message_get_reply_to_id(value) == id)
            message_set_reply_to(value, msg);
}

/* The reactions the session holds on msg, as its property (session_live.c keeps them). */
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
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, self->messages);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        ChatMessage *msg = value;
        if (*(guint64 *)key > message_id || !chat_message_get_own(msg) ||
            chat_message_get_room_id(msg) != room_id)
            continue;
        if (name)
            message_add_reader(msg, name);
        else
            message_set_read_count(msg, count);
    }
}
