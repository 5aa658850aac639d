/* ChatPreferences: the Preferences dialog. The theme (follow the system, light, dark)
 * and notifications are the application's "theme" and "notifications" actions, so the
 * dialog only shows and changes them; the download folder belongs to the window that
 * opened the dialog, which hears of a change through "folder-changed" (const char *). */
#ifndef CHAT_PREFERENCES_H
#define CHAT_PREFERENCES_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CHAT_TYPE_PREFERENCES (chat_preferences_get_type())
G_DECLARE_FINAL_TYPE(ChatPreferences, chat_preferences, CHAT, PREFERENCES, GtkDialog)

/* A dialog over parent showing folder as the download folder. */
ChatPreferences *chat_preferences_new(GtkWindow *parent, const char *folder);

G_END_DECLS

#endif
