/* ChatApp: the GtkApplication of chat-client. Single instance: a second launch on the
 * desktop brings the open window to the front (--new-instance opens a separate client,
 * so two people can chat from one desktop), with its stylesheet from the GResource on
 * the screen, the light/dark theme (following the desktop's color-scheme live until the
 * user picks one in Preferences), notifications on or off, About, the keyboard
 * shortcuts of every window (Ctrl+Q, Ctrl+comma, Ctrl+?, F10, F9, Ctrl+L), and the
 * command-line options:
 *   --host HOST --port PORT --user NAME   fill in the login view
 *   --connect                             log in at once
 *   --files-dir DIR                       where downloads go for this run (default: the
 *                                         Preferences folder, else Downloads)
 *   --theme system|light|dark             theme for this run (not remembered)
 *   --new-instance                        a separate client even if one runs */
#ifndef CHAT_APP_H
#define CHAT_APP_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* CHAT_APP_ID, the reverse-DNS application id, comes from the Makefile's APP_ID, which
 * also names the desktop entry, the icon and the AppStream metainfo. */

#define CHAT_TYPE_APP (chat_app_get_type())
G_DECLARE_FINAL_TYPE(ChatApp, chat_app, CHAT, APP, GtkApplication)

ChatApp *chat_app_new(void);

G_END_DECLS

#endif
