/* The rooms the account is in, as ChatRoom objects in a GListStore (session.h): made
 * from ROOM_STATE and ROOM_MEMBERS, kept current by ROOM_PRESENCE and ROOM_TOPIC, and
 * counted by the texts that arrive. Requests that change them are in
 * session_room_requests.c. */
#include "client/core/session_private.h"

#include <glib/gi18n.h>
#include <string.h>

_Static_assert((int)CHAT_ROOM_PUBLIC == PROTO_ROOM_PUBLIC &&
               (int)CHAT_ROOM_PRIVATE == PROTO_ROOM_PRIVATE &&
               (int)CHAT_ROOM_DIRECT == PROTO_ROOM_DIRECT,
               "ChatRoomKind mirrors enum proto_room_kind");

/* The lobby's name as front ends show it (the server names it no other way). */
#define SESSION_LOBBY_NAME "lobby"

/* An empty list of rooms. */
void session_rooms_init(ChatSession *self)
{
    self->rooms = g_list_store_new(CHAT_TYPE_ROOM);
}

/* Forgets every room (another account logs in). */
void session_rooms_clear(ChatSession *self)
{
    g_list_store_remove_all(self->rooms);
}

static gboolean find_position(ChatSession *self, guint32 room_id, guint *position)
{
    guint n = g_list_model_get_n_items(G_LIST_MODEL(self->rooms));
    for (guint i = 0; i < n; i++) {
        ChatRoom *room = g_list_model_get_item(G_LIST_MODEL(self->rooms), i);
        gboolean match = chat_room_get_id(room) == room_id;
        g_object_unref(room);
        if (match) {
            *position = i;
            return TRUE;
        }
    }
    return FALSE;
}

/* The joined room with that id, or NULL (see session.h). */
ChatRoom *chat_session_find_room(ChatSession *self, guint32 room_id)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), NULL);
    guint position;
    if (!find_position(self, room_id, &position))
        return NULL;
    ChatRoom *room = g_list_model_get_item(G_LIST_MODEL(self->rooms), position);
    g_object_unref(room); /* the store keeps it alive */
    return room;
}

/* The joined room by name, '#' for rooms and '@' for direct ones (see session.h). */
ChatRoom *chat_session_find_room_named(ChatSession *self, const char *name)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self) && name != NULL, NULL);
    gboolean rooms = name[0] != '@', directs = name[0] != '#';
    if (name[0] == '#' || name[0] == '@')
        name++;
    char *key = g_utf8_casefold(name, -1);
    ChatRoom *found = NULL;
    for (int pass = 0; pass < 2 && !found; pass++) {
        if ((pass == 0 && !rooms) || (pass == 1 && !directs))
            continue;
        guint n = g_list_model_get_n_items(G_LIST_MODEL(self->rooms));
        for (guint i = 0; i < n && !found; i++) {
            ChatRoom *room = g_list_model_get_item(G_LIST_MODEL(self->rooms), i);
            gboolean direct = chat_room_get_kind(room) == CHAT_ROOM_DIRECT;
            char *room_key = g_utf8_casefold(chat_room_get_name(room), -1);
            if (direct == (pass == 1) && strcmp(room_key, key) == 0)
                found = room;
            g_free(room_key);
            g_object_unref(room);
        }
    }
    g_free(key);
    return found;
}

GListModel *chat_session_get_rooms(ChatSession *self)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), NULL);
    return G_LIST_MODEL(self->rooms);
}

/* A new joined room object, its last message id the mark kept from before. */
static ChatRoom *room_new(ChatSession *self, guint32 id, ChatRoomKind kind, const char *name,
                          const char *topic)
{
    ChatRoom *room = chat_room_new(id, kind, name, topic);
    chat_room_set_joined(room, TRUE);
    guint64 *mark = g_hash_table_lookup(session_history_marks(self), GUINT_TO_POINTER(id));
    if (mark)
        chat_room_note_message(room, *mark, TRUE);
    return room;
}

/* The login is complete: the lobby, which every account is in, heads the list, and every
 * room held is resumed (rooms the server reports later are resumed as they come). */
void session_rooms_logged_in(ChatSession *self)
{
    if (!chat_session_find_room(self, PROTO_ROOM_LOBBY)) {
        ChatRoom *lobby = room_new(self, PROTO_ROOM_LOBBY, CHAT_ROOM_PUBLIC,
                                   SESSION_LOBBY_NAME, "");
        g_list_store_insert(self->rooms, 0, lobby);
        g_object_unref(lobby);
    }
    guint n = g_list_model_get_n_items(G_LIST_MODEL(self->rooms));
    for (guint i = 0; i < n; i++) {
        ChatRoom *room = g_list_model_get_item(G_LIST_MODEL(self->rooms), i);
        session_history_resume(self, chat_room_get_id(room));
        g_object_unref(room);
    }
}

static void on_room_state(ChatSession *self, const struct proto_room_state *s)
{
    char *name = session_clean_text(s->name), *topic = session_clean_text(s->topic);
    ChatRoom *room = chat_session_find_room(self, s->room_id);
    if (room) {
        chat_room_set_name(room, name);
        chat_room_set_topic(room, topic);
        chat_room_clear_members(room); /* the ROOM_MEMBERS that follow list them again */
    } else if (s->kind <= PROTO_ROOM_DIRECT) {
        room = room_new(self, s->room_id, (ChatRoomKind)s->kind, name, topic);
        g_list_store_append(self->rooms, room);
        g_object_unref(room);
    }
    if (self->conn->online)
        session_history_resume(self, s->room_id);
    g_free(name);
    g_free(topic);
}

/* A room event in words: "[name] joined". */
static void room_event(ChatSession *self, ChatRoom *room, const char *text)
{
    g_signal_emit(self, session_signals[SIG_ROOM_EVENT], 0, room, text);
}

/* ROOM_MEMBERS (who is in a room, online or not) and ROOM_PRESENCE (what changed). */
static void on_members(ChatSession *self, guint16 type, const struct proto_room_members *m)
{
    ChatRoom *room = chat_session_find_room(self, m->room_id);
    if (!room)
        return;
    g_object_ref(room);
    size_t cursor = 0;
    struct proto_user user;
    while (proto_users_next(&m->users, &cursor, &user)) {
        char *name = session_clean_text(user.name);
        char *words = NULL;
        if (m->state == PROTO_MEMBER_LEFT) {
            chat_room_remove_member(room, user.id);
            words = g_strdup_printf(_("%s left"), name);
        } else {
            chat_room_set_member(room, user.id, name, m->state != PROTO_MEMBER_OFFLINE);
            if (type == PROTO_ROOM_PRESENCE && m->state == PROTO_MEMBER_JOINED)
                words = g_strdup_printf(_("%s joined"), name);
        }
        if (words)
            room_event(self, room, words);
        g_free(words);
        g_free(name);
    }
    g_object_unref(room);
}

static void on_topic(ChatSession *self, const struct proto_room_topic *t)
{
    ChatRoom *room = chat_session_find_room(self, t->room_id);
    if (!room)
        return;
    char *actor = session_clean_text(t->actor), *topic = session_clean_text(t->topic);
    chat_room_set_topic(room, topic);
    char *words = *topic ? g_strdup_printf(_("%s set the topic: %s"), actor, topic)
                         : g_strdup_printf(_("%s cleared the topic"), actor);
    room_event(self, room, words);
    g_free(words);
    g_free(actor);
    g_free(topic);
}

static void on_invited(ChatSession *self, const struct proto_room_invited *inv)
{
    char *name = session_clean_text(inv->name), *inviter = session_clean_text(inv->inviter);
    char *topic = session_clean_text(inv->topic);
    g_signal_emit(self, session_signals[SIG_ROOM_INVITED], 0, name, inviter, topic);
    g_free(name);
    g_free(inviter);
    g_free(topic);
}

static void on_info(ChatSession *self, const struct proto_room_info *info)
{
    if (info->kind > PROTO_ROOM_PRIVATE)
        return;
    char *name = session_clean_text(info->name), *topic = session_clean_text(info->topic);
    ChatRoom *room = chat_room_new(info->room_id, (ChatRoomKind)info->kind, name, topic);
    chat_room_set_member_count(room, info->members);
    chat_room_set_joined(room, (info->flags & PROTO_ROOM_FLAG_MEMBER) != 0);
    g_signal_emit(self, session_signals[SIG_ROOM_LISTED], 0, info->request_id, room);
    g_object_unref(room);
    g_free(name);
    g_free(topic);
}

/* Frames of the rooms range; FALSE for any other type. */
gboolean session_rooms_dispatch(ChatSession *self, const struct proto_msg *msg)
{
    switch (msg->type) {
    case PROTO_ROOM_STATE:
        on_room_state(self, &msg->u.room_state);
        return TRUE;
    case PROTO_ROOM_MEMBERS:
    case PROTO_ROOM_PRESENCE:
        on_members(self, msg->type, &msg->u.room_members);
        return TRUE;
    case PROTO_ROOM_TOPIC:
        on_topic(self, &msg->u.room_topic);
        return TRUE;
    case PROTO_ROOM_INVITED:
        on_invited(self, &msg->u.room_invited);
        return TRUE;
    case PROTO_ROOM_INFO:
        on_info(self, &msg->u.room_info);
        return TRUE;
    default:
        return FALSE;
    }
}

/* A request of type succeeded: a room left leaves the list. */
void session_rooms_request_done(ChatSession *self, guint16 type, guint32 room_id)
{
    guint position;
    if (type == PROTO_ROOM_LEAVE && room_id != PROTO_ROOM_LOBBY &&
        find_position(self, room_id, &position))
        g_list_store_remove(self->rooms, position);
}

/* A text arrived in room_id: its room counts it. */
void session_rooms_message(ChatSession *self, guint32 room_id, guint64 message_id,
                           gboolean own)
{
    ChatRoom *room = chat_session_find_room(self, room_id);
    if (room)
        chat_room_note_message(room, message_id, own);
}

/* TRUE for the request types of the rooms range (their ERROR answers a request id). */
gboolean session_rooms_is_request(guint16 type)
{
    switch (type) {
    case PROTO_ROOM_CREATE:
    case PROTO_ROOM_JOIN:
    case PROTO_ROOM_LEAVE:
    case PROTO_ROOM_LIST:
    case PROTO_ROOM_TOPIC_SET:
    case PROTO_ROOM_INVITE:
    case PROTO_BLOCK:
        return TRUE;
    default:
        return FALSE;
    }
}
