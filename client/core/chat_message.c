/* ChatMessage (chat_message.h): the object, its properties and the setters the session
 * uses (session_private.h). Every setter notifies only what really changed. */
#include "client/core/session_private.h"

struct _ChatMessage {
    GObject parent_instance;
    guint64 id;
    guint32 room_id;
    char *sender;
    guint32 sender_id;
    char *text;
    gint64 time_ms;
    gboolean own;
    guint64 client_id;
    ChatMessageState state;
    GError *error;
    gboolean edited;
    gboolean deleted;
    GPtrArray *reactions;        /* ChatReaction */
    GPtrArray *read_by;          /* char *, NULL-terminated once it has one */
    guint read_count;
    guint64 reply_to_id;
    ChatMessage *reply_to;       /* a reference, or NULL */
};

enum {
    PROP_0,
    PROP_ID,
    PROP_ROOM_ID,
    PROP_SENDER,
    PROP_TEXT,
    PROP_TIME,
    PROP_OWN,
    PROP_STATE,
    PROP_ERROR,
    PROP_EDITED,
    PROP_DELETED,
    PROP_REACTIONS,
    PROP_READ_BY,
    PROP_READ_COUNT,
    PROP_REPLY_TO_ID,
    PROP_REPLY_TO,
    N_PROPS
};
static GParamSpec *props[N_PROPS];

G_DEFINE_FINAL_TYPE(ChatMessage, chat_message, G_TYPE_OBJECT)

/* Frees one entry of a reactions array. */
void chat_reaction_free(gpointer data)
{
    ChatReaction *r = data;
    g_free(r->emoji);
    g_strfreev(r->names);
    g_free(r);
}

static void chat_message_finalize(GObject *object)
{
    ChatMessage *self = CHAT_MESSAGE(object);
    g_free(self->sender);
    g_free(self->text);
    g_clear_error(&self->error);
    g_ptr_array_unref(self->reactions);
    g_clear_pointer(&self->read_by, g_ptr_array_unref);
    g_clear_object(&self->reply_to);
    G_OBJECT_CLASS(chat_message_parent_class)->finalize(object);
}

static void chat_message_get_property(GObject *object, guint id, GValue *value,
                                      GParamSpec *pspec)
{
    ChatMessage *self = CHAT_MESSAGE(object);
    switch (id) {
    case PROP_ID: g_value_set_uint64(value, self->id); break;
    case PROP_ROOM_ID: g_value_set_uint(value, self->room_id); break;
    case PROP_SENDER: g_value_set_string(value, self->sender); break;
    case PROP_TEXT: g_value_set_string(value, self->text); break;
    case PROP_TIME: g_value_set_int64(value, self->time_ms); break;
    case PROP_OWN: g_value_set_boolean(value, self->own); break;
    case PROP_STATE: g_value_set_uint(value, self->state); break;
    case PROP_ERROR: g_value_set_boxed(value, self->error); break;
    case PROP_EDITED: g_value_set_boolean(value, self->edited); break;
    case PROP_DELETED: g_value_set_boolean(value, self->deleted); break;
    case PROP_REACTIONS: g_value_set_boxed(value, self->reactions); break;
    case PROP_READ_BY: g_value_set_boxed(value, chat_message_get_read_by(self)); break;
    case PROP_READ_COUNT: g_value_set_uint(value, self->read_count); break;
    case PROP_REPLY_TO_ID: g_value_set_uint64(value, self->reply_to_id); break;
    case PROP_REPLY_TO: g_value_set_object(value, self->reply_to); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
    }
}

static void chat_message_class_init(ChatMessageClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    object_class->finalize = chat_message_finalize;
    object_class->get_property = chat_message_get_property;
    const GParamFlags f = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
    props[PROP_ID] = g_param_spec_uint64("id", NULL, NULL, 0, G_MAXUINT64, 0, f);
    props[PROP_ROOM_ID] = g_param_spec_uint("room-id", NULL, NULL, 0, G_MAXUINT32, 0, f);
    props[PROP_SENDER] = g_param_spec_string("sender", NULL, NULL, NULL, f);
    props[PROP_TEXT] = g_param_spec_string("text", NULL, NULL, NULL, f);
    props[PROP_TIME] = g_param_spec_int64("time", NULL, NULL, G_MININT64, G_MAXINT64, 0, f);
    props[PROP_OWN] = g_param_spec_boolean("own", NULL, NULL, FALSE, f);
    props[PROP_STATE] = g_param_spec_uint("state", NULL, NULL, CHAT_MESSAGE_PENDING,
                                          CHAT_MESSAGE_FAILED, CHAT_MESSAGE_SENT, f);
    props[PROP_ERROR] = g_param_spec_boxed("error", NULL, NULL, G_TYPE_ERROR, f);
    props[PROP_EDITED] = g_param_spec_boolean("edited", NULL, NULL, FALSE, f);
    props[PROP_DELETED] = g_param_spec_boolean("deleted", NULL, NULL, FALSE, f);
    props[PROP_REACTIONS] = g_param_spec_boxed("reactions", NULL, NULL, G_TYPE_PTR_ARRAY, f);
    props[PROP_READ_BY] = g_param_spec_boxed("read-by", NULL, NULL, G_TYPE_STRV, f);
    props[PROP_READ_COUNT] = g_param_spec_uint("read-count", NULL, NULL, 0, G_MAXUINT, 0, f);
    props[PROP_REPLY_TO_ID] =
        g_param_spec_uint64("reply-to-id", NULL, NULL, 0, G_MAXUINT64, 0, f);
    props[PROP_REPLY_TO] =
        g_param_spec_object("reply-to", NULL, NULL, CHAT_TYPE_MESSAGE, f);
    g_object_class_install_properties(object_class, N_PROPS, props);
}

static void chat_message_init(ChatMessage *self)
{
    self->state = CHAT_MESSAGE_SENT;
    self->reactions = g_ptr_array_new_with_free_func(chat_reaction_free);
}

/* A SENT message from outside the session (see chat_message.h). */
ChatMessage *chat_message_new(guint64 id, guint32 room_id, const char *sender,
                              const char *text, gint64 time_ms, gboolean own)
{
    g_return_val_if_fail(sender != NULL && text != NULL, NULL);
    ChatMessage *self = g_object_new(CHAT_TYPE_MESSAGE, NULL);
    self->id = id;
    self->room_id = room_id;
    self->sender = g_strdup(sender);
    self->text = g_strdup(text);
    self->time_ms = time_ms;
    self->own = own;
    return self;
}

guint64 chat_message_get_id(ChatMessage *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE(self), 0);
    return self->id;
}

guint32 chat_message_get_room_id(ChatMessage *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE(self), 0);
    return self->room_id;
}

const char *chat_message_get_sender(ChatMessage *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE(self), NULL);
    return self->sender;
}

guint32 chat_message_get_sender_id(ChatMessage *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE(self), 0);
    return self->sender_id;
}

const char *chat_message_get_text(ChatMessage *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE(self), NULL);
    return self->text;
}

gint64 chat_message_get_time(ChatMessage *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE(self), 0);
    return self->time_ms;
}

gboolean chat_message_get_own(ChatMessage *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE(self), FALSE);
    return self->own;
}

guint64 chat_message_get_client_id(ChatMessage *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE(self), 0);
    return self->client_id;
}

ChatMessageState chat_message_get_state(ChatMessage *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE(self), CHAT_MESSAGE_SENT);
    return self->state;
}

const GError *chat_message_get_error(ChatMessage *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE(self), NULL);
    return self->error;
}

gboolean chat_message_get_edited(ChatMessage *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE(self), FALSE);
    return self->edited;
}

gboolean chat_message_get_deleted(ChatMessage *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE(self), FALSE);
    return self->deleted;
}

GPtrArray *chat_message_get_reactions(ChatMessage *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE(self), NULL);
    return self->reactions;
}

const char *const *chat_message_get_read_by(ChatMessage *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE(self), NULL);
    return self->read_by ? (const char *const *)self->read_by->pdata : NULL;
}

guint chat_message_get_read_count(ChatMessage *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE(self), 0);
    return self->read_count;
}

guint64 chat_message_get_reply_to_id(ChatMessage *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE(self), 0);
    return self->reply_to_id;
}

ChatMessage *chat_message_get_reply_to(ChatMessage *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE(self), NULL);
    return self->reply_to;
}

/* ---- Setters for the session ---- */

/* An own text queued under client_id, PENDING, at the local time. */
ChatMessage *message_new_pending(guint32 room_id, const char *sender, const char *text,
                                 guint64 client_id, guint64 reply_to_id)
{
    ChatMessage *self = chat_message_new(0, room_id, sender ? sender : "", text,
                                         g_get_real_time() / 1000, TRUE);
    self->state = CHAT_MESSAGE_PENDING;
    self->client_id = client_id;
    self->reply_to_id = reply_to_id;
    return self;
}

/* A message as the server reported it (state SENT). */
ChatMessage *message_new_sent(guint64 id, guint32 room_id, const char *sender,
                              guint32 sender_id, const char *text, gint64 time_ms,
                              gboolean own, guint64 client_id, guint64 reply_to_id)
{
    ChatMessage *self = chat_message_new(id, room_id, sender, text, time_ms, own);
    self->sender_id = sender_id;
    self->client_id = client_id;
    self->reply_to_id = reply_to_id;
    return self;
}

static void notify(ChatMessage *self, guint prop)
{
    g_object_notify_by_pspec(G_OBJECT(self), props[prop]);
}

/* The server acknowledged an own text: its id, time, room (a direct message's room
 * exists now) and the name the server knows the sender by. */
void message_set_sent(ChatMessage *self, guint64 id, gint64 time_ms, guint32 room_id,
                      const char *sender, guint32 sender_id)
{
    g_object_freeze_notify(G_OBJECT(self));
    self->id = id;
    notify(self, PROP_ID);
    self->time_ms = time_ms;
    notify(self, PROP_TIME);
    if (self->room_id != room_id) {
        self->room_id = room_id;
        notify(self, PROP_ROOM_ID);
    }
    if (g_strcmp0(self->sender, sender) != 0) {
        g_free(self->sender);
        self->sender = g_strdup(sender);
        notify(self, PROP_SENDER);
    }
    self->sender_id = sender_id;
    if (self->state != CHAT_MESSAGE_SENT) {
        self->state = CHAT_MESSAGE_SENT;
        g_clear_error(&self->error);
        notify(self, PROP_ERROR);
        notify(self, PROP_STATE);
    }
    g_object_thaw_notify(G_OBJECT(self));
}

/* The server or the session refused the text: FAILED with reason in words. */
void message_set_failed(ChatMessage *self, guint code, const char *reason)
{
    g_object_freeze_notify(G_OBJECT(self));
    g_clear_error(&self->error);
    self->error = g_error_new_literal(CHAT_SESSION_ERROR, code, reason);
    notify(self, PROP_ERROR);
    self->state = CHAT_MESSAGE_FAILED;
    notify(self, PROP_STATE);
    g_object_thaw_notify(G_OBJECT(self));
}

/* The text now reads text, and the message counts as edited. */
void message_set_edited(ChatMessage *self, const char *text)
{
    g_object_freeze_notify(G_OBJECT(self));
    if (g_strcmp0(self->text, text) != 0) {
        g_free(self->text);
        self->text = g_strdup(text);
        notify(self, PROP_TEXT);
    }
    if (!self->edited) {
        self->edited = TRUE;
        notify(self, PROP_EDITED);
    }
    g_object_thaw_notify(G_OBJECT(self));
}

/* The message was deleted: its text and reactions go. */
void message_set_deleted(ChatMessage *self)
{
    if (self->deleted)
        return;
    g_object_freeze_notify(G_OBJECT(self));
    self->deleted = TRUE;
    notify(self, PROP_DELETED);
    g_free(self->text);
    self->text = g_strdup("");
    notify(self, PROP_TEXT);
    if (self->reactions->len) {
        g_ptr_array_set_size(self->reactions, 0);
        notify(self, PROP_REACTIONS);
    }
    g_object_thaw_notify(G_OBJECT(self));
}

/* Replaces the reactions with reactions (taken). */
void message_set_reactions(ChatMessage *self, GPtrArray *reactions)
{
    g_ptr_array_unref(self->reactions);
    self->reactions = reactions;
    notify(self, PROP_REACTIONS);
}

/* name has read the message (a set: once each). */
void message_add_reader(ChatMessage *self, const char *name)
{
    if (!self->read_by) {
        self->read_by = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(self->read_by, NULL);
    }
    for (guint i = 0; i + 1 < self->read_by->len; i++)
        if (g_strcmp0(self->read_by->pdata[i], name) == 0)
            return;
    self->read_by->pdata[self->read_by->len - 1] = g_strdup(name);
    g_ptr_array_add(self->read_by, NULL);
    notify(self, PROP_READ_BY);
    message_set_read_count(self, self->read_by->len - 1);
}

/* count others have read the message (counts only grow). */
void message_set_read_count(ChatMessage *self, guint count)
{
    if (count <= self->read_count)
        return;
    self->read_count = count;
    notify(self, PROP_READ_COUNT);
}

/* The message it answers is quoted (a reference is kept). */
void message_set_reply_to(ChatMessage *self, ChatMessage *quoted)
{
    if (g_set_object(&self->reply_to, quoted))
        notify(self, PROP_REPLY_TO);
}
