/* ChatWindow: the main window. A login view (server, username, Connect) and a chat view
 * (conversation, online users, compose box) in one GtkStack, under a header bar showing
 * the room, the server's name and the number online, with the main menu (Preferences,
 * Keyboard Shortcuts, About, Log out). Below 700 px wide the online users fold into a
 * panel the header toggles. It owns one ChatSession and renders its signals;
 * everything the user does goes to the session's non-blocking API. */
#ifndef CHAT_WINDOW_H
#define CHAT_WINDOW_H

#include <gtk/gtk.h>

#include "client/gtk/settings.h"

G_BEGIN_DECLS

/* How the window starts; NULL strings take the remembered values. */
typedef struct {
    const char *server;    /* "host:port" */
    const char *username;
    const char *files_dir; /* where downloads go */
    gboolean connect_now;  /* log in at once instead of waiting for Connect */
    gboolean no_tls;       /* plain text (a server started with --no-tls) */
    const char *trust_fingerprint; /* a certificate fingerprint vouched for, or NULL */
} ChatWindowOptions;

#define CHAT_TYPE_WINDOW (chat_window_get_type())
G_DECLARE_FINAL_TYPE(ChatWindow, chat_window, CHAT, WINDOW, GtkApplicationWindow)

/* A window of app; settings (owned by the caller, outliving the window) give the
 * remembered server and name and receive them after a successful login. */
ChatWindow *chat_window_new(GtkApplication *app, ChatSettings *settings,
                            const ChatWindowOptions *options);

/* Shows the window's theme as dark or light (a CSS class for the bubbles, and the
 * state of the header bar's toggle). */
void chat_window_set_dark(ChatWindow *self, gboolean dark);

/* The privacy setting "let others see when I am typing" (window_typing.c). */
void chat_window_set_send_typing(ChatWindow *self, gboolean enabled);

/* The privacy setting "send and show read receipts" (window_read_marker.c). */
void chat_window_set_send_receipts(ChatWindow *self, gboolean enabled);

G_END_DECLS

#endif
