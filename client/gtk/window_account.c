/* ChatWindow and accounts: logging in with a password, a new account or the token kept
 * in the keyring; the account menu (Change password, Create invite code, Log out);
 * request results, invites and moderation notices in the conversation. The user list's
 * moderation menu is in window_moderation.c. */
#include "client/gtk/window_private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "client/gtk/keyring.h"

/* ---- Notices in the conversation ---- */

/* A line in the conversation (not a message). */
void window_notice(ChatWindow *self, const char *text)
{
    chat_message_list_add_notice(self->message_list, text);
}

/* A problem line (\u26A0 text) in the conversation on screen. */
void window_problem(ChatWindow *self, const char *text)
{
    char *line = g_strdup_printf("\u26A0 %s", text);
    window_notice(self, line);
    g_free(line);
}

/* ---- The keyring ---- */

/* The keyring names a login by its servers: "host:port" for one, as written for several. */
static char *server_key(ChatWindow *self)
{
    return chat_server_list_text(self->servers);
}

/* The keyring could not be used: said once per window, then the app goes on without
 * remembering the login. */
static void keyring_failed(ChatWindow *self, const GError *error)
{
    if (self->keyring_failed_said)
        return;
    self->keyring_failed_said = TRUE;
    char *text = g_strdup_printf(_("Your login cannot be remembered on this computer (%s). "
                                   "You will need your password next time."),
                                 error->message);
    window_notice(self, text);
    g_free(text);
}

static gboolean cancelled(const GError *error)
{
    return g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void on_keyring_done(const char *token, const GError *error, gpointer data)
{
    (void)token;
    if (error && !cancelled(error))
        keyring_failed(data, error);
}

static void keep_new_token(ChatWindow *self);

static void on_token_changed(ChatSession *session, const char *token, ChatWindow *self)
{
    if (self->new_token)
        memset(self->new_token, 0, strlen(self->new_token));
    g_clear_pointer(&self->new_token, g_free);
    if (token) {
        /* Kept once ONLINE, under the name the server accepted; a new token while online
         * (after a password change) at once. */
        self->new_token = g_strdup(token);
        if (chat_session_get_state(session) == CHAT_SESSION_ONLINE)
            keep_new_token(self);
        return;
    }
    if (!self->servers)
        return;
    char *server = server_key(self);
    const char *name = chat_session_get_username(self->session);
    chat_keyring_clear(server, name ? name : self->username, self->keyring_cancel,
                       on_keyring_done, self);
    g_free(server);
}

/* ---- Logging in ---- */

static void login_with(ChatWindow *self, const char *password, const char *token)
{
    ChatLoginView *view = self->login_view;
    ChatCredentials credentials = {
        .username = self->username,
        .password = password,
        .token = token,
        .invite = chat_login_view_get_text(view, CHAT_LOGIN_FIELD_INVITE),
        .create_account = chat_login_view_get_create_account(view),
    };
    chat_session_login_servers(self->session, self->servers, &credentials);
    chat_login_view_set_text(view, CHAT_LOGIN_FIELD_PASSWORD, "");
}

/* A keyring lookup for one Connect press. */
struct lookup {
    ChatWindow *self;
    guint serial;
    gboolean at_start; /* start-up: log in only when a token is found */
};

static void on_token_found(const char *token, const GError *error, gpointer data)
{
    struct lookup *lookup = data;
    ChatWindow *self = lookup->self;
    guint serial = lookup->serial;
    gboolean at_start = lookup->at_start;
    g_free(lookup);
    if (cancelled(error) || serial != self->login_serial)
        return; /* the window is closing, or the user pressed Connect again meanwhile */
    if (error)
        keyring_failed(self, error);
    if (at_start) {
        if (token)
            g_signal_emit_by_name(self->login_view, "submit");
        return;
    }
    login_with(self, NULL, token);
}

static void look_up_token(ChatWindow *self, const char *server, const char *username,
                          gboolean at_start)
{
    struct lookup *lookup = g_new0(struct lookup, 1);
    lookup->self = self;
    lookup->serial = ++self->login_serial;
    lookup->at_start = at_start;
    chat_keyring_lookup(server, username, self->keyring_cancel, on_token_found, lookup);
}

/* Register, or log in with the password typed, or with the kept token (see
 * window_private.h). */
void window_account_login(ChatWindow *self)
{
    ChatLoginView *view = self->login_view;
    const char *password = chat_login_view_get_text(view, CHAT_LOGIN_FIELD_PASSWORD);
    self->login_serial++;
    if (chat_login_view_get_create_account(view) || *password) {
        login_with(self, password, NULL);
        return;
    }
    char *server = server_key(self);
    look_up_token(self, server, self->username, FALSE);
    g_free(server);
}

/* At start-up: a token kept for the remembered server and name logs in at once. */
void window_account_try_saved_login(ChatWindow *self)
{
    ChatLoginView *view = self->login_view;
    look_up_token(self, chat_login_view_get_text(view, CHAT_LOGIN_FIELD_SERVER),
                  chat_login_view_get_text(view, CHAT_LOGIN_FIELD_USERNAME), TRUE);
}

/* ---- The account menu ---- */

static void update_actions(ChatWindow *self)
{
    gboolean online = chat_session_get_state(self->session) == CHAT_SESSION_ONLINE;
    ChatRole role = chat_session_get_role(self->session);
    const struct {
        const char *name;
        gboolean enabled;
    } states[] = {
        { "change-password", online && role != CHAT_ROLE_GUEST },
        { "create-invite", online && role == CHAT_ROLE_ADMIN },
        { "logout", self->was_online },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(states); i++) {
        GAction *action = g_action_map_lookup_action(G_ACTION_MAP(self), states[i].name);
        g_simple_action_set_enabled(G_SIMPLE_ACTION(action), states[i].enabled);
    }
}

/* The new token goes to the keyring under the name the server accepted. */
static void keep_new_token(ChatWindow *self)
{
    if (!self->new_token)
        return;
    char *server = server_key(self);
    chat_keyring_store(server, chat_session_get_username(self->session), self->new_token,
                       self->keyring_cancel, on_keyring_done, self);
    memset(self->new_token, 0, strlen(self->new_token));
    g_clear_pointer(&self->new_token, g_free);
    g_free(server);
}

/* ONLINE: a new token is kept; the menu follows the role. */
void window_account_online(ChatWindow *self)
{
    keep_new_token(self);
    update_actions(self);
}

static void on_logout(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    ChatWindow *self = data;
    self->logging_out = TRUE;
    chat_session_logout(self->session);
}

static void on_create_invite(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    ChatWindow *self = data;
    GError *error = NULL;
    if (!chat_session_create_invite(self->session, &error)) {
        window_problem(self, error->message);
        g_error_free(error);
    }
}

/* Change password: a dialog with the current and the new password. */
static void on_password_response(GtkDialog *dialog, int response, ChatWindow *self)
{
    if (response == GTK_RESPONSE_ACCEPT) {
        GError *error = NULL;
        if (!chat_session_change_password(self->session, window_form_get(dialog, 0),
                                          window_form_get(dialog, 1), &error)) {
            window_problem(self, error->message);
            g_error_free(error);
        }
    }
    gtk_widget_destroy(GTK_WIDGET(dialog));
}

static void on_change_password(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    ChatWindow *self = data;
    const char *fields[] = { _("Current password"), _("New password"), NULL };
    GtkWidget *dialog = window_form_new(self, _("Change password"), _("_Change password"),
                                        fields, TRUE);
    g_signal_connect(dialog, "response", G_CALLBACK(on_password_response), self);
    gtk_widget_show_all(dialog);
}

static void add_menu_button(ChatWindow *self)
{
    GMenu *menu = g_menu_new();
    g_menu_append(menu, _("Change _password\u2026"), "win.change-password");
    g_menu_append(menu, _("Create _invite code"), "win.create-invite");
    g_menu_append(menu, _("_Log out"), "win.logout");
    GtkWidget *button = gtk_menu_button_new();
    gtk_menu_button_set_menu_model(GTK_MENU_BUTTON(button), G_MENU_MODEL(menu));
    gtk_button_set_image(GTK_BUTTON(button),
                         gtk_image_new_from_icon_name("avatar-default-symbolic",
                                                      GTK_ICON_SIZE_BUTTON));
    gtk_widget_set_tooltip_text(button, _("Account"));
    window_set_accessible_name(button, _("Account"));
    gtk_header_bar_pack_end(self->header, button);
    gtk_widget_show_all(button);
    g_object_unref(menu);
}

/* ---- Answers from the server ---- */

static void on_request_done(ChatSession *session, guint64 id, const char *what, ChatWindow *self)
{
    (void)session;
    /* The room dialog and the message actions say it themselves. */
    if (id != self->quiet_request && !window_message_actions_owns(self, id))
        window_notice(self, what);
}

static void on_request_failed(ChatSession *session, guint64 id, guint code, const char *message,
                              ChatWindow *self)
{
    (void)session;
    (void)code;
    if (id != self->quiet_request && !window_message_actions_owns(self, id))
        window_problem(self, message);
}

static void on_invite_created(ChatSession *session, guint64 id, const char *code,
                              ChatWindow *self)
{
    (void)session;
    (void)id;
    gtk_clipboard_set_text(gtk_widget_get_clipboard(GTK_WIDGET(self), GDK_SELECTION_CLIPBOARD),
                           code, -1);
    char *text = g_strdup_printf(_("New invite code (single use, copied to the clipboard): %s"),
                                 code);
    window_notice(self, text);
    g_free(text);
}

static void on_notice(ChatSession *session, const char *text, ChatWindow *self)
{
    (void)session;
    window_notice(self, text);
}

static void on_users_changed(ChatSession *session, ChatWindow *self)
{
    (void)session;
    update_actions(self);
}

static void on_state_changed(ChatSession *session, int state, const char *detail,
                             ChatWindow *self)
{
    (void)session;
    (void)state;
    (void)detail;
    update_actions(self);
}

/* A tag per name (see window_private.h). */
GPtrArray *window_account_user_tags(ChatWindow *self, GPtrArray *names)
{
    GPtrArray *tags = g_ptr_array_sized_new(names->len);
    for (guint i = 0; i < names->len; i++) {
        switch (chat_session_get_user_role(self->session, g_ptr_array_index(names, i))) {
        case CHAT_ROLE_GUEST:
            g_ptr_array_add(tags, _("guest"));
            break;
        case CHAT_ROLE_MODERATOR:
            g_ptr_array_add(tags, _("moderator"));
            break;
        case CHAT_ROLE_ADMIN:
            g_ptr_array_add(tags, _("admin"));
            break;
        default:
            g_ptr_array_add(tags, NULL);
        }
    }
    return tags;
}

/* Wires the account side of the window. */
void window_account_init(ChatWindow *self)
{
    self->keyring_cancel = g_cancellable_new();
    static const GActionEntry actions[] = {
        { "change-password", on_change_password, NULL, NULL, NULL, { 0 } },
        { "create-invite", on_create_invite, NULL, NULL, NULL, { 0 } },
        { "logout", on_logout, NULL, NULL, NULL, { 0 } },
    };
    g_action_map_add_action_entries(G_ACTION_MAP(self), actions, G_N_ELEMENTS(actions), self);
    add_menu_button(self);
    update_actions(self);
    g_signal_connect(self->session, "token-changed", G_CALLBACK(on_token_changed), self);
    g_signal_connect(self->session, "request-done", G_CALLBACK(on_request_done), self);
    g_signal_connect(self->session, "request-failed", G_CALLBACK(on_request_failed), self);
    g_signal_connect(self->session, "invite-created", G_CALLBACK(on_invite_created), self);
    g_signal_connect(self->session, "notice", G_CALLBACK(on_notice), self);
    g_signal_connect_after(self->session, "state-changed", G_CALLBACK(on_state_changed), self);
    g_signal_connect_after(self->session, "users-changed", G_CALLBACK(on_users_changed), self);
    window_moderation_init(self);
}

/* Cancels keyring calls in flight and wipes a token not yet kept. */
void window_account_dispose(ChatWindow *self)
{
    if (self->keyring_cancel)
        g_cancellable_cancel(self->keyring_cancel);
    g_clear_object(&self->keyring_cancel);
    if (self->new_token)
        memset(self->new_token, 0, strlen(self->new_token));
    g_clear_pointer(&self->new_token, g_free);
}
