/* Inside ChatWindow: the instance struct shared by window.c (views, connection state),
 * window_chat.c (conversation and compose), window_files.c (file transfers) and
 * window_actions.c (menus, shortcuts, preferences, the adaptive layout). */
#ifndef CHAT_WINDOW_PRIVATE_H
#define CHAT_WINDOW_PRIVATE_H

#include "client/message_list.h"
#include "client/session.h"
#include "client/user_list.h"
#include "client/window.h"

struct _ChatWindow {
    GtkApplicationWindow parent_instance;

    /* Template children. */
    GtkHeaderBar *header;
    GtkMenuButton *menu_button;
    GtkWidget *users_toggle;
    GtkStack *stack;
    GtkEntry *server_entry;
    GtkEntry *username_entry;
    GtkRevealer *error_revealer;
    GtkLabel *error_label;
    GtkWidget *connect_button;
    GtkSpinner *connect_spinner;
    GtkInfoBar *banner;
    GtkLabel *banner_label;
    ChatMessageList *message_list;
    GtkWidget *users_spacer;
    GtkRevealer *users_revealer;
    ChatUserList *user_list;
    GtkWidget *attach_button;
    GtkWidget *emoji_button;
    GtkScrolledWindow *compose_scroller;
    GtkTextView *message_view;
    GtkWidget *send_button;
    GtkWidget *announcer;       /* news for screen readers (role notification) */
    GtkWidget *alert_announcer; /* problems for screen readers (role alert) */

    ChatSession *session;
    ChatSettings *settings;
    char *files_dir;
    char *host;          /* what the current login used */
    guint16 port;
    char *username;
    gboolean was_online; /* reached ONLINE since the last Connect */
    gboolean narrow;     /* the user list is a panel toggled over the conversation */
    guint unread;        /* messages that arrived while the window was not active */
    /* The reconnect banner counts down the session's announced delay. */
    guint countdown_source;
};

/* window_chat.c: connects the conversation's session signals and the compose bar. */
void window_chat_init(ChatWindow *self);

/* window_chat.c: something from sender (text, or words for a file) arrived: screen
 * readers hear it; in the background it counts as unread and notifies. */
void window_chat_note_incoming(ChatWindow *self, const char *sender, const char *text);

/* window_files.c: connects transfers, the attach button and drag-and-drop. */
void window_files_init(ChatWindow *self);

/* window_actions.c: the window's actions and its narrow/wide layout. */
void window_actions_init(ChatWindow *self);

/* window_actions.c: offers Log out while online is TRUE. */
void window_actions_set_online(ChatWindow *self, gboolean online);

/* Sets the accessible name of widget (what screen readers say and tests look up). */
void window_set_accessible_name(GtkWidget *widget, const char *name);

/* The room on screen; the only one until rooms arrive. */
#define WINDOW_ROOM_NAME "Lobby"

/* Window title and header after the unread count or the login changed. */
void window_update_title(ChatWindow *self);

/* Back to the login view, disconnected, the conversation cleared. */
void window_log_out(ChatWindow *self);

/* Where downloads go now. */
const char *window_get_files_dir(ChatWindow *self);
void window_set_files_dir(ChatWindow *self, const char *dir);

#endif
