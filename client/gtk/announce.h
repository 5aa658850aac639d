/* What screen readers hear without moving the focus. GTK 3 has no live regions; Orca
 * presents an object when it gets "object:state-changed:showing" (true) and its role
 * is notification (spoken as "notification" and kept in Orca's notification list) or
 * alert / info bar (spoken at once). These helpers give a widget that role and raise
 * that event. */
#ifndef CHAT_ANNOUNCE_H
#define CHAT_ANNOUNCE_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Makes widget an announcer with role (ATK_ROLE_NOTIFICATION for news,
 * ATK_ROLE_ALERT for errors). */
void announce_setup(GtkWidget *widget, AtkRole role);

/* Has widget presented now with text as its accessible name (text NULL: keep it). */
void announce_say(GtkWidget *widget, const char *text);

G_END_DECLS

#endif
