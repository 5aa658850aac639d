/* Desktop notifications for a conversation the user is not looking at: one per room,
 * updated as messages arrive, and one for finished downloads. None while the window
 * is active, and none at all when the user turned them off (the application's
 * "notifications" action). Clicking a room's activates "app.open-room" with its id,
 * which shows that room; clicking another, "app.present", which raises the window. */
#ifndef CHAT_NOTIFY_H
#define CHAT_NOTIFY_H

#include <gtk/gtk.h>

/* Shows or replaces room's notification: "Lobby" with the latest "sender: text"
 * (shortened), titled with the count once there are several unread; a click opens the
 * room room_id. */
void notify_room(GtkWindow *window, const char *room, guint32 room_id, guint unread,
                 const char *sender, const char *text);

/* Sends "title: body" (body shortened) unless window is active; a later one replaces
 * it. */
void notify_unless_active(GtkWindow *window, const char *title, const char *body);

/* Removes room's notification once the user is back in the window. */
void notify_withdraw(GtkWindow *window, const char *room);

#endif
