/* Mentions and notification levels (session.h, "Search, mentions and thumbnails"): the
 * level of each room (ALL unless set), kept with an account on the server (NOTIFY_LEVEL_SET;
 * NOTIFY_LEVEL at login and after a change) and only in memory for a guest; and whether
 * a text mentions the logged-in user, through the one rule both clients share
 * (common/mention.h). */
#include "client/core/session_private.h"

#include <string.h>

#include "common/mention.h"
#include "common/validate.h"

void session_notify_init(ChatSession *self)
{
    self->notify.levels = g_hash_table_new(g_direct_hash, g_direct_equal);
    self->notify.unsent = g_hash_table_new(g_direct_hash, g_direct_equal);
}

void session_notify_clear(ChatSession *self)
{
    g_hash_table_unref(self->notify.levels);
    g_hash_table_unref(self->notify.unsent);
    g_free(self->notify.key);
    g_free(self->notify.key_name);
}

static const char *const level_names[] = {
    [CHAT_NOTIFY_ALL] = "all",
    [CHAT_NOTIFY_MENTIONS] = "mentions",
    [CHAT_NOTIFY_NONE] = "none",
};

gboolean chat_notify_level_parse(const char *name, ChatNotifyLevel *level)
{
    for (guint i = 0; i < G_N_ELEMENTS(level_names); i++) {
        if (name != NULL && strcmp(name, level_names[i]) == 0) {
            *level = (ChatNotifyLevel)i;
            return TRUE;
        }
    }
    return FALSE;
}

/* The level room_id has now. */
static void keep_level(ChatSession *self, guint32 room_id, ChatNotifyLevel level)
{
    if (level == CHAT_NOTIFY_ALL)
        g_hash_table_remove(self->notify.levels, GUINT_TO_POINTER(room_id));
    else
        g_hash_table_insert(self->notify.levels, GUINT_TO_POINTER(room_id),
                            GUINT_TO_POINTER(level));
}

static void send_level(ChatSession *self, guint32 room_id, ChatNotifyLevel level)
{
    struct proto_msg msg = { .type = PROTO_NOTIFY_LEVEL_SET, .u.notify_level_set = {
        ++self->last_request_id, room_id, (uint16_t)level } };
    session_send(self, &msg); /* its DONE matches no request: nothing to report */
}

void chat_session_set_notify_level(ChatSession *self, guint32 room_id, ChatNotifyLevel level)
{
    g_return_if_fail(CHAT_IS_SESSION(self));
    g_return_if_fail(level <= CHAT_NOTIFY_NONE);
    keep_level(self, room_id, level);
    if (session_can_send(self) && self->auth.role != CHAT_ROLE_GUEST)
        send_level(self, room_id, level);
    else
        g_hash_table_insert(self->notify.unsent, GUINT_TO_POINTER(room_id),
                            GUINT_TO_POINTER(level));
}

void session_notify_logged_in(ChatSession *self)
{
    if (self->auth.role == CHAT_ROLE_GUEST)
        return; /* a guest's levels live here only */
    g_hash_table_remove_all(self->notify.levels);
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, self->notify.unsent);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        keep_level(self, GPOINTER_TO_UINT(key), GPOINTER_TO_UINT(value));
        send_level(self, GPOINTER_TO_UINT(key), GPOINTER_TO_UINT(value));
    }
    g_hash_table_remove_all(self->notify.unsent);
}

gboolean session_notify_dispatch(ChatSession *self, const struct proto_msg *msg)
{
    if (msg->type != PROTO_NOTIFY_LEVEL)
        return FALSE;
    const struct proto_notify_level *n = &msg->u.notify_level;
    if (n->level <= CHAT_NOTIFY_NONE)
        keep_level(self, n->room_id, (ChatNotifyLevel)n->level);
    return TRUE;
}

ChatNotifyLevel chat_session_get_notify_level(ChatSession *self, guint32 room_id)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), CHAT_NOTIFY_ALL);
    return (ChatNotifyLevel)GPOINTER_TO_UINT(
        g_hash_table_lookup(self->notify.levels, GUINT_TO_POINTER(room_id)));
}

/* The fold key of the name the server accepted, computed once per name. */
static const char *my_key(ChatSession *self)
{
    const char *name = self->accepted_name;
    if (!name || name_check(name, strlen(name)) != NAME_OK)
        return NULL;
    if (!self->notify.key_name || strcmp(self->notify.key_name, name) != 0) {
        g_free(self->notify.key);
        g_free(self->notify.key_name);
        self->notify.key = name_fold_key(name, strlen(name));
        self->notify.key_name = g_strdup(name);
    }
    return self->notify.key;
}

gboolean chat_session_mentions_me(ChatSession *self, const char *text)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), FALSE);
    const char *key = my_key(self);
    return key && text && mention_find(text, strlen(text), key);
}

gboolean chat_session_should_notify(ChatSession *self, ChatMessage *msg)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self) && msg, FALSE);
    if (chat_message_get_own(msg))
        return FALSE;
    switch (chat_session_get_notify_level(self, chat_message_get_room_id(msg))) {
    case CHAT_NOTIFY_ALL:
        return TRUE;
    case CHAT_NOTIFY_MENTIONS:
        return chat_session_mentions_me(self, chat_message_get_text(msg));
    default:
        return FALSE;
    }
}
