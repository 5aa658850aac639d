/* Inside ChatWindow: the instance struct shared by window.c (views, connection state),
 * window_chat.c (conversation and compose) and window_files.c (file transfers). */
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
    GtkWidget *theme_toggle;
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
    ChatUserList *user_list;
    GtkWidget *attach_button;
    GtkWidget *emoji_button;
    GtkEntry *message_entry;
    GtkWidget *send_button;

    ChatSession *session;
    ChatSettings *settings;
    char *files_dir;
    char *host;          /* what the current login used */
    guint16 port;
    char *username;
    gboolean was_online; /* reached ONLINE since the last Connect */
    /* The reconnect banner counts down the session's announced delay. */
    guint countdown_source;
};

/* window_chat.c: connects the conversation's session signals and the compose bar. */
void window_chat_init(ChatWindow *self);

/* window_files.c: connects transfers, the attach button and drag-and-drop. */
void window_files_init(ChatWindow *self);

/* window_trust.c: the certificate dialogs (trust on first use, changed certificate). */
void window_trust_init(ChatWindow *self);

/* Sets the accessible name of widget (what screen readers say and tests look up). */
void window_set_accessible_name(GtkWidget *widget, const char *name);

#endif
