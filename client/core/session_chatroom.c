/* ChatRoom (session_chatroom.h): a plain GObject holding what the session knows about a
 * room; every setter notifies only when the value really changed. */
#include "client/core/session_chatroom.h"

#include <string.h>

struct member {
    char *name;
    gboolean online;
    gboolean away;
};

struct _ChatRoom {
    GObject parent_instance;
    guint32 id;
    ChatRoomKind kind;
    char *name;
    char *topic;
    guint member_count;
    guint online_count;
    guint unread_count;
    guint64 last_message_id;
    gboolean joined;
    gboolean catching_up;
    GHashTable *members; /* GUINT_TO_POINTER(account id) -> struct member */
};

enum {
    PROP_0,
    PROP_ID,
    PROP_NAME,
    PROP_KIND,
    PROP_TOPIC,
    PROP_MEMBER_COUNT,
    PROP_ONLINE_COUNT,
    PROP_UNREAD_COUNT,
    PROP_LAST_MESSAGE_ID,
    PROP_JOINED,
    PROP_CATCHING_UP,
    N_PROPS
};
static GParamSpec *props[N_PROPS];
static guint members_changed_signal;

G_DEFINE_FINAL_TYPE(ChatRoom, chat_room, G_TYPE_OBJECT)

static void member_free(gpointer data)
{
    struct member *m = data;
    g_free(m->name);
    g_free(m);
}

static void chat_room_finalize(GObject *object)
{
    ChatRoom *self = CHAT_ROOM(object);
    g_free(self->name);
    g_free(self->topic);
    g_hash_table_destroy(self->members);
    G_OBJECT_CLASS(chat_room_parent_class)->finalize(object);
}

static void chat_room_get_property(GObject *object, guint id, GValue *value, GParamSpec *spec)
{
    ChatRoom *self = CHAT_ROOM(object);
    switch (id) {
    case PROP_ID:
        g_value_set_uint(value, self->id);
        break;
    case PROP_NAME:
        g_value_set_string(value, self->name);
        break;
    case PROP_KIND:
        g_value_set_uint(value, self->kind);
        break;
    case PROP_TOPIC:
        g_value_set_string(value, self->topic);
        break;
    case PROP_MEMBER_COUNT:
        g_value_set_uint(value, self->member_count);
        break;
    case PROP_ONLINE_COUNT:
        g_value_set_uint(value, self->online_count);
        break;
    case PROP_UNREAD_COUNT:
        g_value_set_uint(value, self->unread_count);
        break;
    case PROP_LAST_MESSAGE_ID:
        g_value_set_uint64(value, self->last_message_id);
        break;
    case PROP_JOINED:
        g_value_set_boolean(value, self->joined);
        break;
    case PROP_CATCHING_UP:
        g_value_set_boolean(value, self->catching_up);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, spec);
    }
}

static void chat_room_class_init(ChatRoomClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    object_class->finalize = chat_room_finalize;
    object_class->get_property = chat_room_get_property;
    GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
    props[PROP_ID] = g_param_spec_uint("id", NULL, NULL, 0, G_MAXUINT32, 0, ro);
    props[PROP_NAME] = g_param_spec_string("name", NULL, NULL, "", ro);
    props[PROP_KIND] = g_param_spec_uint("kind", NULL, NULL, 0, CHAT_ROOM_DIRECT, 0, ro);
    props[PROP_TOPIC] = g_param_spec_string("topic", NULL, NULL, "", ro);
    props[PROP_MEMBER_COUNT] = g_param_spec_uint("member-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
    props[PROP_ONLINE_COUNT] = g_param_spec_uint("online-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
    props[PROP_UNREAD_COUNT] = g_param_spec_uint("unread-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
    props[PROP_LAST_MESSAGE_ID] =
        g_param_spec_uint64("last-message-id", NULL, NULL, 0, G_MAXUINT64, 0, ro);
    props[PROP_JOINED] = g_param_spec_boolean("joined", NULL, NULL, FALSE, ro);
    props[PROP_CATCHING_UP] = g_param_spec_boolean("catching-up", NULL, NULL, FALSE, ro);
    g_object_class_install_properties(object_class, N_PROPS, props);
    members_changed_signal = g_signal_new("members-changed", G_TYPE_FROM_CLASS(klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void chat_room_init(ChatRoom *self)
{
    self->members = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, member_free);
}

/* A new room object (see session_chatroom.h). */
ChatRoom *chat_room_new(guint32 id, ChatRoomKind kind, const char *name, const char *topic)
{
    ChatRoom *self = g_object_new(CHAT_TYPE_ROOM, NULL);
    self->id = id;
    self->kind = kind;
    self->name = g_strdup(name ? name : "");
    self->topic = g_strdup(topic ? topic : "");
    return self;
}

guint32 chat_room_get_id(ChatRoom *self)
{
    g_return_val_if_fail(CHAT_IS_ROOM(self), 0);
    return self->id;
}

const char *chat_room_get_name(ChatRoom *self)
{
    g_return_val_if_fail(CHAT_IS_ROOM(self), "");
    return self->name;
}

ChatRoomKind chat_room_get_kind(ChatRoom *self)
{
    g_return_val_if_fail(CHAT_IS_ROOM(self), CHAT_ROOM_PUBLIC);
    return self->kind;
}

const char *chat_room_get_topic(ChatRoom *self)
{
    g_return_val_if_fail(CHAT_IS_ROOM(self), "");
    return self->topic;
}

guint chat_room_get_member_count(ChatRoom *self)
{
    g_return_val_if_fail(CHAT_IS_ROOM(self), 0);
    return self->member_count;
}

guint chat_room_get_online_count(ChatRoom *self)
{
    g_return_val_if_fail(CHAT_IS_ROOM(self), 0);
    return self->online_count;
}

guint chat_room_get_unread_count(ChatRoom *self)
{
    g_return_val_if_fail(CHAT_IS_ROOM(self), 0);
    return self->unread_count;
}

guint64 chat_room_get_last_message_id(ChatRoom *self)
{
    g_return_val_if_fail(CHAT_IS_ROOM(self), 0);
    return self->last_message_id;
}

gboolean chat_room_get_joined(ChatRoom *self)
{
    g_return_val_if_fail(CHAT_IS_ROOM(self), FALSE);
    return self->joined;
}

gboolean chat_room_get_catching_up(ChatRoom *self)
{
    g_return_val_if_fail(CHAT_IS_ROOM(self), FALSE);
    return self->catching_up;
}

/* "#name" or "@name" (see session_chatroom.h). */
char *chat_room_dup_label(ChatRoom *self)
{
    g_return_val_if_fail(CHAT_IS_ROOM(self), NULL);
    return g_strconcat(self->kind == CHAT_ROOM_DIRECT ? "@" : "#", self->name, NULL);
}

/* Sorted copies of the members' names. */
GPtrArray *chat_room_list_members(ChatRoom *self)
{
    g_return_val_if_fail(CHAT_IS_ROOM(self), NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, self->members);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        g_ptr_array_add(names, g_strdup(((struct member *)value)->name));
    g_ptr_array_sort(names, chat_compare_names);
    return names;
}

/* The member named name, or NULL. */
static const struct member *member_named(ChatRoom *self, const char *name)
{
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, self->members);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        const struct member *m = value;
        if (strcmp(m->name, name) == 0)
            return m;
    }
    return NULL;
}

gboolean chat_room_member_online(ChatRoom *self, const char *name)
{
    g_return_val_if_fail(CHAT_IS_ROOM(self) && name != NULL, FALSE);
    const struct member *m = member_named(self, name);
    return m != NULL && m->online;
}

gboolean chat_room_member_away(ChatRoom *self, const char *name)
{
    g_return_val_if_fail(CHAT_IS_ROOM(self) && name != NULL, FALSE);
    const struct member *m = member_named(self, name);
    return m != NULL && m->online && m->away;
}

/* Sets *field to value and notifies prop when it changed. */
static void set_uint(ChatRoom *self, guint *field, guint value, guint prop)
{
    if (*field == value)
        return;
    *field = value;
    g_object_notify_by_pspec(G_OBJECT(self), props[prop]);
}

static void set_string(ChatRoom *self, char **field, const char *value, guint prop)
{
    if (!value)
        value = "";
    if (g_strcmp0(*field, value) == 0)
        return;
    g_free(*field);
    *field = g_strdup(value);
    g_object_notify_by_pspec(G_OBJECT(self), props[prop]);
}

void chat_room_mark_read(ChatRoom *self)
{
    g_return_if_fail(CHAT_IS_ROOM(self));
    set_uint(self, &self->unread_count, 0, PROP_UNREAD_COUNT);
}

void chat_room_set_name(ChatRoom *self, const char *name)
{
    g_return_if_fail(CHAT_IS_ROOM(self));
    set_string(self, &self->name, name, PROP_NAME);
}

void chat_room_set_topic(ChatRoom *self, const char *topic)
{
    g_return_if_fail(CHAT_IS_ROOM(self));
    set_string(self, &self->topic, topic, PROP_TOPIC);
}

void chat_room_set_member_count(ChatRoom *self, guint count)
{
    g_return_if_fail(CHAT_IS_ROOM(self));
    set_uint(self, &self->member_count, count, PROP_MEMBER_COUNT);
}

/* Sets *field to value and notifies prop when it changed. */
static void set_boolean(ChatRoom *self, gboolean *field, gboolean value, guint prop)
{
    if (*field == !!value)
        return;
    *field = !!value;
    g_object_notify_by_pspec(G_OBJECT(self), props[prop]);
}

void chat_room_set_joined(ChatRoom *self, gboolean joined)
{
    g_return_if_fail(CHAT_IS_ROOM(self));
    set_boolean(self, &self->joined, joined, PROP_JOINED);
}

void chat_room_set_catching_up(ChatRoom *self, gboolean catching_up)
{
    g_return_if_fail(CHAT_IS_ROOM(self));
    set_boolean(self, &self->catching_up, catching_up, PROP_CATCHING_UP);
}

/* Recounts members and online members after a change to the table. */
static void members_updated(ChatRoom *self)
{
    guint online = 0;
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, self->members);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        online += ((struct member *)value)->online ? 1 : 0;
    set_uint(self, &self->member_count, g_hash_table_size(self->members), PROP_MEMBER_COUNT);
    set_uint(self, &self->online_count, online, PROP_ONLINE_COUNT);
    g_signal_emit(self, members_changed_signal, 0);
}

void chat_room_set_member(ChatRoom *self, guint32 account_id, const char *name,
                          gboolean online)
{
    g_return_if_fail(CHAT_IS_ROOM(self) && name != NULL);
    struct member *m = g_new0(struct member, 1);
    m->name = g_strdup(name);
    m->online = online;
    g_hash_table_replace(self->members, GUINT_TO_POINTER(account_id), m);
    members_updated(self);
}

void chat_room_set_member_away(ChatRoom *self, guint32 account_id, gboolean away)
{
    g_return_if_fail(CHAT_IS_ROOM(self));
    struct member *m = g_hash_table_lookup(self->members, GUINT_TO_POINTER(account_id));
    if (m == NULL || m->away == away)
        return;
    m->away = away;
    g_signal_emit(self, members_changed_signal, 0);
}

void chat_room_remove_member(ChatRoom *self, guint32 account_id)
{
    g_return_if_fail(CHAT_IS_ROOM(self));
    if (g_hash_table_remove(self->members, GUINT_TO_POINTER(account_id)))
        members_updated(self);
}

void chat_room_clear_members(ChatRoom *self)
{
    g_return_if_fail(CHAT_IS_ROOM(self));
    g_hash_table_remove_all(self->members);
    members_updated(self);
}

void chat_room_note_message(ChatRoom *self, guint64 message_id, gboolean own)
{
    g_return_if_fail(CHAT_IS_ROOM(self));
    if (message_id > self->last_message_id) {
        self->last_message_id = message_id;
        g_object_notify_by_pspec(G_OBJECT(self), props[PROP_LAST_MESSAGE_ID]);
    }
    if (!own)
        set_uint(self, &self->unread_count, self->unread_count + 1, PROP_UNREAD_COUNT);
}
