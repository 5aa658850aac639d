/* ChatRoom: one room (or direct conversation) the session knows, as a GObject whose
 * properties views bind to and follow through "notify". The session owns the rooms it
 * is in (chat_session_get_rooms) and updates them as the server reports changes; front
 * ends only read them. Never includes gtk.h. */
#ifndef CHAT_SESSION_CHATROOM_H
#define CHAT_SESSION_CHATROOM_H

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
    CHAT_ROOM_PUBLIC,   /* listed; anyone with an account joins */
    CHAT_ROOM_PRIVATE,  /* invite only */
    CHAT_ROOM_DIRECT,   /* two accounts' direct messages; name is the other account */
} ChatRoomKind;

#define CHAT_TYPE_ROOM (chat_room_get_type())
G_DECLARE_FINAL_TYPE(ChatRoom, chat_room, CHAT, ROOM, GObject)

/* Properties (all readable; the session writes them through the setters below):
 *   "id"               guint    the server's room id (0 is the lobby)
 *   "name"             string   room name; for a direct room, the other account's name
 *   "kind"             guint    a ChatRoomKind
 *   "topic"            string   "" when none
 *   "member-count"     guint    accounts in the room
 *   "online-count"     guint    of those, how many are online now
 *   "unread-count"     guint    texts received since the front end last called
 *                               chat_room_mark_read
 *   "last-message-id"  guint64  the newest message id seen in this room (0: none)
 *   "joined"           gboolean the account is a member (FALSE for a room only listed)
 *   "catching-up"      gboolean the session is catching up on what was missed: the
 *                               room's RESUME (PROTOCOL.md 5.41) or a gap fill has not
 *                               ended. Replayed and live texts then arrive interleaved
 *                               (the message id orders them). A lost connection does
 *                               not end it: the next login resumes the room again. It
 *                               turns FALSE when that ends, or the session is
 *                               disconnected for good.
 * Signal "members-changed" (): the member list (chat_room_list_members) changed. */

/* A new room object; name and topic are copied (NULL means ""). */
ChatRoom *chat_room_new(guint32 id, ChatRoomKind kind, const char *name, const char *topic);

guint32 chat_room_get_id(ChatRoom *self);
const char *chat_room_get_name(ChatRoom *self);
ChatRoomKind chat_room_get_kind(ChatRoom *self);
const char *chat_room_get_topic(ChatRoom *self);
guint chat_room_get_member_count(ChatRoom *self);
guint chat_room_get_online_count(ChatRoom *self);
guint chat_room_get_unread_count(ChatRoom *self);
guint64 chat_room_get_last_message_id(ChatRoom *self);
gboolean chat_room_get_joined(ChatRoom *self);
gboolean chat_room_get_catching_up(ChatRoom *self);

/* "#name" for public and private rooms, "@name" for a direct room: how a terminal names
 * it. Free with g_free. */
char *chat_room_dup_label(ChatRoom *self);

/* Names of the members, sorted case-insensitively, online ones flagged through
 * chat_room_member_online. Free the array with g_ptr_array_unref. */
GPtrArray *chat_room_list_members(ChatRoom *self);

/* TRUE when the member named name is online (FALSE when unknown). */
gboolean chat_room_member_online(ChatRoom *self, const char *name);

/* TRUE when the member named name is online and said it is away (idle, or stepped away;
 * PROTOCOL.md 5.47); FALSE when active, offline or unknown. A change emits
 * "members-changed". */
gboolean chat_room_member_away(ChatRoom *self, const char *name);

/* The front end showed every text so far: "unread-count" drops to 0. */
void chat_room_mark_read(ChatRoom *self);

/* ---- For the session only ---- */
void chat_room_set_name(ChatRoom *self, const char *name);
void chat_room_set_topic(ChatRoom *self, const char *topic);
void chat_room_set_member_count(ChatRoom *self, guint count);
void chat_room_set_joined(ChatRoom *self, gboolean joined);
void chat_room_set_catching_up(ChatRoom *self, gboolean catching_up);
/* Records a member with its presence (adds it when new); "members-changed" follows. */
void chat_room_set_member(ChatRoom *self, guint32 account_id, const char *name,
                          gboolean online);
/* Marks a known member away or active; "members-changed" follows a change. A member
 * set again (chat_room_set_member: online, offline, joined) is active. */
void chat_room_set_member_away(ChatRoom *self, guint32 account_id, gboolean away);
/* Forgets a member; "members-changed" follows when it was known. */
void chat_room_remove_member(ChatRoom *self, guint32 account_id);
/* Forgets every member (a fresh ROOM_STATE follows). */
void chat_room_clear_members(ChatRoom *self);
/* A text with this id arrived: last-message-id moves forward; unless own, unread + 1. */
void chat_room_note_message(ChatRoom *self, guint64 message_id, gboolean own);

/* Orders two names (char ** elements of a GPtrArray) as a person reads a list:
 * case-folded, by the locale's collation, then bytewise (session.c). */
gint chat_compare_names(gconstpointer a, gconstpointer b);

G_END_DECLS

#endif
