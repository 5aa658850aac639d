/* Room requests (session.h): create, join, leave, list, topic, invite, block. Each is
 * checked here first, then recorded and sent by session_requests.c, which turns the
 * answer into "request-done" or "request-failed" in words. */
#include "client/core/session_private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "common/validate.h"

/* FALSE with error set unless name (a room or an account) follows the rules of names. */
static gboolean name_acceptable(const char *name, GError **error)
{
    enum name_status status = name ? name_check(name, strlen(name)) : NAME_EMPTY;
    if (status == NAME_OK)
        return TRUE;
    g_set_error(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_INVALID, _("Not a valid name: %s"),
                name_status_text(status));
    return FALSE;
}

static gboolean topic_acceptable(const char *topic, GError **error)
{
    size_t len = topic ? strlen(topic) : 0;
    if (len <= PROTO_MAX_TOPIC && (len == 0 || text_check(topic, len, PROTO_MAX_TOPIC)))
        return TRUE;
    g_set_error(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_INVALID,
                _("A topic is at most %u bytes of text without control characters."),
                PROTO_MAX_TOPIC);
    return FALSE;
}

/* The joined room room_id, or NULL with error set. */
static ChatRoom *joined_room(ChatSession *self, guint32 room_id, GError **error)
{
    ChatRoom *room = chat_session_find_room(self, room_id);
    if (!room)
        g_set_error_literal(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_INVALID,
                            _("You are not in that room."));
    return room;
}

guint64 chat_session_create_room(ChatSession *self, const char *name, ChatRoomKind kind,
                                 const char *topic, GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), 0);
    if (!session_request_possible(self, error) || !name_acceptable(name, error) ||
        !topic_acceptable(topic, error))
        return 0;
    if (kind != CHAT_ROOM_PUBLIC && kind != CHAT_ROOM_PRIVATE) {
        g_set_error_literal(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_INVALID,
                            _("A new room is public or private."));
        return 0;
    }
    struct proto_msg msg = { .type = PROTO_ROOM_CREATE };
    msg.u.room_create.kind = (uint16_t)kind;
    msg.u.room_create.name = proto_str_of(name);
    msg.u.room_create.topic = proto_str_of(topic ? topic : "");
    return session_request_send(self, &msg, &msg.u.room_create.request_id, 0,
                                g_strdup_printf(_("You created #%s."), name));
}

guint64 chat_session_join_room(ChatSession *self, const char *name, GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), 0);
    if (name && name[0] == '#')
        name++;
    if (!session_request_possible(self, error) || !name_acceptable(name, error))
        return 0;
    struct proto_msg msg = { .type = PROTO_ROOM_JOIN };
    msg.u.room_join.name = proto_str_of(name);
    return session_request_send(self, &msg, &msg.u.room_join.request_id, 0,
                                g_strdup_printf(_("You joined #%s."), name));
}

guint64 chat_session_leave_room(ChatSession *self, guint32 room_id, GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), 0);
    if (!session_request_possible(self, error))
        return 0;
    ChatRoom *room = joined_room(self, room_id, error);
    if (!room)
        return 0;
    if (room_id == PROTO_ROOM_LOBBY) {
        g_set_error_literal(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_INVALID,
                            _("Everyone stays in the lobby."));
        return 0;
    }
    char *label = chat_room_dup_label(room);
    struct proto_msg msg = { .type = PROTO_ROOM_LEAVE };
    msg.u.room_ref.room_id = room_id;
    guint64 id = session_request_send(self, &msg, &msg.u.room_ref.request_id, room_id,
                                      g_strdup_printf(_("You left %s."), label));
    g_free(label);
    return id;
}

guint64 chat_session_request_room_list(ChatSession *self, GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), 0);
    if (!session_request_possible(self, error))
        return 0;
    struct proto_msg msg = { .type = PROTO_ROOM_LIST };
    return session_request_send(self, &msg, &msg.u.request_id, 0,
                                g_strdup(_("End of the list of rooms.")));
}

guint64 chat_session_set_room_topic(ChatSession *self, guint32 room_id, const char *topic,
                                    GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), 0);
    if (!session_request_possible(self, error) || !topic_acceptable(topic, error) ||
        !joined_room(self, room_id, error))
        return 0;
    struct proto_msg msg = { .type = PROTO_ROOM_TOPIC_SET };
    msg.u.room_topic_set.room_id = room_id;
    msg.u.room_topic_set.topic = proto_str_of(topic ? topic : "");
    return session_request_send(self, &msg, &msg.u.room_topic_set.request_id, room_id,
                                g_strdup(_("The topic was set.")));
}

guint64 chat_session_invite_to_room(ChatSession *self, guint32 room_id, const char *username,
                                    GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), 0);
    if (!session_request_possible(self, error) || !name_acceptable(username, error))
        return 0;
    ChatRoom *room = joined_room(self, room_id, error);
    if (!room)
        return 0;
    char *label = chat_room_dup_label(room);
    struct proto_msg msg = { .type = PROTO_ROOM_INVITE };
    msg.u.room_invite.room_id = room_id;
    msg.u.room_invite.username = proto_str_of(username);
    guint64 id = session_request_send(self, &msg, &msg.u.room_invite.request_id, room_id,
                                      g_strdup_printf(_("You invited %s to %s."), username,
                                                      label));
    g_free(label);
    return id;
}

guint64 chat_session_block_user(ChatSession *self, const char *username, gboolean blocked,
                                GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), 0);
    if (!session_request_possible(self, error) || !name_acceptable(username, error))
        return 0;
    struct proto_msg msg = { .type = PROTO_BLOCK };
    msg.u.block.blocked = blocked ? 1 : 0;
    msg.u.block.username = proto_str_of(username);
    char *words = blocked ? g_strdup_printf(_("You blocked direct messages from %s."), username)
                          : g_strdup_printf(_("You unblocked %s."), username);
    return session_request_send(self, &msg, &msg.u.block.request_id, 0, words);
}
