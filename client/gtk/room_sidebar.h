/* ChatRoomSidebar: the rooms and direct conversations the account is in, one row per
 * ChatRoom of a GListModel (the session's chat_session_get_rooms), each following its
 * room through "notify": "# general" or "@ bob", and a badge with the unread count. A
 * row's accessible name says the same in words: "general, 3 unread", "bob, direct
 * message". Selecting a row (click, Enter, arrows) asks for that room.
 *
 * Signal "room-activated" (ChatRoom *room): the user picked room. */
#ifndef CHAT_ROOM_SIDEBAR_H
#define CHAT_ROOM_SIDEBAR_H

#include <gtk/gtk.h>

#include "client/core/session_chatroom.h"

G_BEGIN_DECLS

#define CHAT_TYPE_ROOM_SIDEBAR (chat_room_sidebar_get_type())
G_DECLARE_FINAL_TYPE(ChatRoomSidebar, chat_room_sidebar, CHAT, ROOM_SIDEBAR, GtkBox)

GtkWidget *chat_room_sidebar_new(void);

/* Shows the rooms of model (a GListModel of ChatRoom; NULL: none). */
void chat_room_sidebar_set_model(ChatRoomSidebar *self, GListModel *model);

/* Marks room as the one on screen (NULL: none) without emitting "room-activated". */
void chat_room_sidebar_select(ChatRoomSidebar *self, ChatRoom *room);

/* The room delta rows away from the selected one (wrapping round), or NULL when the
 * list is empty. */
ChatRoom *chat_room_sidebar_get_neighbour(ChatRoomSidebar *self, int delta);

/* Puts the keyboard focus on the selected row. */
void chat_room_sidebar_focus(ChatRoomSidebar *self);

/* The spoken name of a room's row ("general, 3 unread"); g_free it. */
char *chat_room_sidebar_spoken_name(ChatRoom *room);

G_END_DECLS

#endif
