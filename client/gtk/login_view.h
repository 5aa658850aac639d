/* ChatLoginView: the login form. Server, username and password fields, a "Create a new
 * account" switch revealing an invite-code field, the error in words (an alert screen
 * readers announce), and Connect with a spinner. It checks nothing itself: "submit"
 * tells the window the user asked to log in or register. */
#ifndef CHAT_LOGIN_VIEW_H
#define CHAT_LOGIN_VIEW_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
    CHAT_LOGIN_FIELD_SERVER,
    CHAT_LOGIN_FIELD_USERNAME,
    CHAT_LOGIN_FIELD_PASSWORD,
    CHAT_LOGIN_FIELD_INVITE,
} ChatLoginField;

#define CHAT_TYPE_LOGIN_VIEW (chat_login_view_get_type())
G_DECLARE_FINAL_TYPE(ChatLoginView, chat_login_view, CHAT, LOGIN_VIEW, GtkBox)

/* Text of a field (never NULL; the invite is "" unless creating an account). */
const char *chat_login_view_get_text(ChatLoginView *self, ChatLoginField field);

/* Replaces a field's text, caret at the end. */
void chat_login_view_set_text(ChatLoginView *self, ChatLoginField field, const char *text);

/* TRUE in "Create a new account" mode. */
gboolean chat_login_view_get_create_account(ChatLoginView *self);

/* Switches between logging in and creating an account. */
void chat_login_view_set_create_account(ChatLoginView *self, gboolean create);

/* While busy the fields are insensitive and the spinner turns. */
void chat_login_view_set_busy(ChatLoginView *self, gboolean busy);

/* Shows message (NULL hides the error) and puts the keyboard focus on field. */
void chat_login_view_show_error(ChatLoginView *self, const char *message, ChatLoginField field);

/* Puts the keyboard focus on field. */
void chat_login_view_focus(ChatLoginView *self, ChatLoginField field);

G_END_DECLS

#endif
