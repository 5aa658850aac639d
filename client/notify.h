/* Desktop notifications for a conversation the user is not looking at. */
#ifndef CHAT_NOTIFY_H
#define CHAT_NOTIFY_H

#include <gtk/gtk.h>

/* Sends a desktop notification "title: body" (body shortened) unless window is the
 * active window; clicking it activates "app.present". Replaces an earlier one, so a
 * busy conversation leaves one notification, not a pile. */
void notify_unless_active(GtkWindow *window, const char *title, const char *body);

/* Removes the notification once the user is back in the window. */
void notify_withdraw(GtkWindow *window);

#endif
