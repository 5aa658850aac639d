/* ChatWindow: construction, the login view, and the connection state (header bar
 * subtitle and the reconnect banner). The conversation lives in window_chat.c and file
 * transfers in window_files.c. */
#include "client/window_private.h"

#include <string.h>

#include <glib/gi18n.h>

#include "client/announce.h"

#include "common/protocol.h"
#include "common/validate.h"

#define CLIENT_AGENT "chat-client/1.0"
#define DEFAULT_PORT 1234
#define RESPONSE_RETRY 1

G_DEFINE_TYPE(ChatWindow, chat_window, GTK_TYPE_APPLICATION_WINDOW)

/* Names screen readers announce; tests find the widgets by them. */
void window_set_accessible_name(GtkWidget *widget, const char *name)
{
    atk_object_set_name(gtk_widget_get_accessible(widget), name);
}

/* Shows (and has screen readers announce, as an alert) a login problem; NULL hides it. */
static void show_login_error(ChatWindow *self, const char *message)
{
    gboolean shown = message != NULL && *message != '\0';
    gtk_label_set_text(self->error_label, message);
    gtk_revealer_set_reveal_child(self->error_revealer, shown);
    if (shown) /* named "Login error"; the reader says that and the text */
        announce_say(GTK_WIDGET(self->error_label), NULL);
}

static void set_login_busy(ChatWindow *self, gboolean busy)
{
    gtk_widget_set_sensitive(self->connect_button, !busy);
    gtk_widget_set_sensitive(GTK_WIDGET(self->server_entry), !busy);
    gtk_widget_set_sensitive(GTK_WIDGET(self->username_entry), !busy);
    gtk_widget_set_visible(GTK_WIDGET(self->connect_spinner), busy);
    if (busy)
        gtk_spinner_start(self->connect_spinner);
    else
        gtk_spinner_stop(self->connect_spinner);
}

/* Splits "host:port" (or "host", or "[v6]:port"). FALSE with a sentence in *problem. */
static gboolean parse_server(const char *text, char **host, guint16 *port, const char **problem)
{
    char *trimmed = g_strstrip(g_strdup(text));
    char *colon = strrchr(trimmed, ':');
    gboolean bracketed = trimmed[0] == '[';
    guint64 value = DEFAULT_PORT;
    if (colon != NULL && (!bracketed || colon > strchr(trimmed, ']'))) {
        *colon = '\0';
        if (!g_ascii_string_to_unsigned(colon + 1, 10, 1, 65535, &value, NULL)) {
            *problem = "The port must be a number from 1 to 65535.";
            g_free(trimmed);
            return FALSE;
        }
    }
    char *name = trimmed;
    if (bracketed) {
        name++;
        char *close = strchr(name, ']');
        if (close != NULL)
            *close = '\0';
    }
    if (*name == '\0') {
        *problem = "Enter the server as host:port, for example 127.0.0.1:1234.";
        g_free(trimmed);
        return FALSE;
    }
    *host = g_strdup(name);
    *port = (guint16)value;
    g_free(trimmed);
    return TRUE;
}

/* Connect (button or Enter): checks the fields, then asks the session to log in. */
static void on_connect(ChatWindow *self)
{
    const char *username = gtk_entry_get_text(self->username_entry);
    const char *problem = NULL;
    char *host = NULL;
    guint16 port = 0;
    if (!parse_server(gtk_entry_get_text(self->server_entry), &host, &port, &problem)) {
        show_login_error(self, problem);
        gtk_widget_grab_focus(GTK_WIDGET(self->server_entry));
        return;
    }
    enum name_status status = name_check(username, strlen(username));
    if (status != NAME_OK) {
        show_login_error(self, name_status_text(status));
        gtk_widget_grab_focus(GTK_WIDGET(self->username_entry));
        g_free(host);
        return;
    }
    g_free(self->host);
    self->host = host;
    self->port = port;
    g_free(self->username);
    self->username = g_strdup(username);
    self->was_online = FALSE;
    show_login_error(self, NULL);
    set_login_busy(self, TRUE);
    chat_session_connect(self->session, self->host, self->port, self->username);
}

/* Words for a refused login. */
static char *login_failure_text(guint code, const char *message, const char *username)
{
    switch (code) {
    case 0:
        return g_strdup_printf("Could not reach the server: %s", message);
    case PROTO_E_NAME_TAKEN:
        return g_strdup_printf("The name \u201C%s\u201D is already taken. Please choose another.",
                               username);
    case PROTO_E_NAME_INVALID:
        return g_strdup_printf("That name cannot be used: %s", message);
    case PROTO_E_VERSION:
        return g_strdup_printf("This server speaks a different protocol version (%s). "
                               "Please update the client.", message);
    case PROTO_E_SERVER_FULL:
        return g_strdup("The server is full. Please try again later.");
    default:
        return g_strdup_printf("The server refused the login: %s", message);
    }
}

static void on_login_failed(ChatSession *session, guint code, const char *message,
                            ChatWindow *self)
{
    (void)session;
    char *text = login_failure_text(code, message ? message : "unknown error",
                                    self->username ? self->username : "");
    gtk_stack_set_visible_child_name(self->stack, "login");
    set_login_busy(self, FALSE);
    show_login_error(self, text);
    g_free(text);
    gtk_widget_grab_focus(GTK_WIDGET(code == 0 ? self->server_entry : self->username_entry));
}

static void remember_login(ChatWindow *self)
{
    char *server = g_strdup_printf(strchr(self->host, ':') ? "[%s]:%u" : "%s:%u", self->host,
                                   self->port);
    settings_set_server(self->settings, server);
    settings_set_username(self->settings, chat_session_get_username(self->session));
    GError *error = NULL;
    if (!settings_save(self->settings, &error)) {
        g_warning("%s", error->message);
        g_error_free(error);
    }
    g_free(server);
}

static void show_banner(ChatWindow *self, const char *text, gboolean offer_retry)
{
    gboolean news = !gtk_info_bar_get_revealed(self->banner) ||
                    !g_str_has_prefix(text, _("Connection lost. Reconnecting in"));
    gtk_label_set_text(self->banner_label, text);
    gtk_info_bar_set_response_sensitive(self->banner, RESPONSE_RETRY, offer_retry);
    gtk_info_bar_set_revealed(self->banner, TRUE);
    if (news) /* not every tick of the countdown */
        announce_say(GTK_WIDGET(self->banner), NULL);
}

static void stop_countdown(ChatWindow *self)
{
    g_clear_handle_id(&self->countdown_source, g_source_remove);
}

static void show_countdown(ChatWindow *self)
{
    guint left = chat_session_get_retry_delay(self->session);
    char *text = left > 0 ? g_strdup_printf(_("Connection lost. Reconnecting in %u s\u2026"), left)
                          : g_strdup(_("Reconnecting\u2026"));
    show_banner(self, text, TRUE);
    g_free(text);
}

static gboolean on_countdown_tick(gpointer data)
{
    ChatWindow *self = data;
    show_countdown(self);
    if (chat_session_get_retry_delay(self->session) > 0)
        return G_SOURCE_CONTINUE;
    self->countdown_source = 0;
    return G_SOURCE_REMOVE;
}

/* Shows the session's RECONNECTING state: a banner counting down to the next attempt,
 * with why the connection was lost (the state's detail) in its tooltip. */
static void show_reconnecting(ChatWindow *self, const char *detail)
{
    stop_countdown(self);
    gtk_widget_set_tooltip_text(GTK_WIDGET(self->banner_label), detail);
    show_countdown(self);
    self->countdown_source = g_timeout_add_seconds(1, on_countdown_tick, self);
}

/* Header subtitle: the server's name and how many are online, or the state in words
 * while not online. */
static void update_subtitle(ChatWindow *self)
{
    ChatSessionState state = chat_session_get_state(self->session);
    char *subtitle;
    if (state == CHAT_SESSION_ONLINE) {
        GPtrArray *users = chat_session_list_users(self->session);
        subtitle = g_strdup_printf(g_dngettext(NULL, "%s \u00B7 %u online", "%s \u00B7 %u online",
                                               users->len),
                                   self->host, users->len);
        g_ptr_array_unref(users);
    } else if (self->host != NULL && self->was_online) {
        const char *words = state == CHAT_SESSION_DISCONNECTED ? _("disconnected")
                                                               : _("reconnecting\u2026");
        subtitle = g_strdup_printf("%s \u00B7 %s", self->host, words);
    } else {
        subtitle = g_strdup(_("Not connected"));
    }
    gtk_header_bar_set_subtitle(self->header, subtitle);
    g_free(subtitle);
}

/* The window title (the header shows it): "Lobby", with the unread count in front
 * ("(3) Lobby") while messages wait; "Chat" before logging in. */
void window_update_title(ChatWindow *self)
{
    char *title;
    if (!self->was_online)
        title = g_strdup(_("Chat"));
    else if (self->unread > 0)
        title = g_strdup_printf("(%u) %s", self->unread, _(WINDOW_ROOM_NAME));
    else
        title = g_strdup(_(WINDOW_ROOM_NAME));
    gtk_window_set_title(GTK_WINDOW(self), title);
    g_free(title);
}

static void on_users_changed(ChatSession *session, ChatWindow *self)
{
    GPtrArray *users = chat_session_list_users(session);
    chat_user_list_set_users(self->user_list, users, chat_session_get_username(session));
    g_ptr_array_unref(users);
    update_subtitle(self);
}

/* Renders the session's state: the view, the banner and the header. */
static void on_state_changed(ChatSession *session, ChatSessionState state, const char *detail,
                             ChatWindow *self)
{
    (void)session;
    gboolean in_chat = self->was_online;
    if (state != CHAT_SESSION_RECONNECTING)
        stop_countdown(self);
    switch (state) {
    case CHAT_SESSION_ONLINE: {
        gboolean first = !self->was_online;
        self->was_online = TRUE;
        window_actions_set_online(self, TRUE);
        set_login_busy(self, FALSE);
        gtk_info_bar_set_revealed(self->banner, FALSE);
        gtk_stack_set_visible_child_name(self->stack, "chat");
        window_update_title(self);
        char *notice = g_strdup_printf(first ? _("You joined as %s") : _("Reconnected as %s"),
                                       chat_session_get_username(self->session));
        chat_message_list_add_notice(self->message_list, notice);
        g_free(notice);
        if (first) {
            remember_login(self);
            gtk_widget_grab_focus(GTK_WIDGET(self->message_view));
        }
        break;
    }
    case CHAT_SESSION_RECONNECTING:
        if (in_chat)
            show_reconnecting(self, detail);
        break;
    case CHAT_SESSION_CONNECTING:
        if (in_chat)
            show_banner(self, _("Reconnecting\u2026"), FALSE);
        break;
    case CHAT_SESSION_DISCONNECTED:
        if (in_chat) {
            char *text = detail ? g_strdup_printf(_("Disconnected: %s"), detail)
                                : g_strdup(_("Disconnected."));
            show_banner(self, text, TRUE);
            g_free(text);
        }
        break;
    }
    update_subtitle(self);
}

static void on_banner_response(ChatWindow *self, int response)
{
    if (response == RESPONSE_RETRY && self->host != NULL)
        chat_session_connect(self->session, self->host, self->port, self->username);
}

static void chat_window_dispose(GObject *object)
{
    ChatWindow *self = CHAT_WINDOW(object);
    stop_countdown(self);
    if (self->session != NULL) {
        g_signal_handlers_disconnect_by_data(self->session, self);
        chat_session_disconnect(self->session);
        g_clear_object(&self->session);
    }
    G_OBJECT_CLASS(chat_window_parent_class)->dispose(object);
}

static void chat_window_finalize(GObject *object)
{
    ChatWindow *self = CHAT_WINDOW(object);
    g_free(self->files_dir);
    g_free(self->host);
    g_free(self->username);
    G_OBJECT_CLASS(chat_window_parent_class)->finalize(object);
}

static void chat_window_class_init(ChatWindowClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = chat_window_dispose;
    G_OBJECT_CLASS(klass)->finalize = chat_window_finalize;
    g_type_ensure(CHAT_TYPE_MESSAGE_LIST);
    g_type_ensure(CHAT_TYPE_USER_LIST);
    gtk_widget_class_set_template_from_resource(widget_class, "/org/chat/client/window.ui");
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, header);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, menu_button);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, users_toggle);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, stack);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, server_entry);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, username_entry);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, error_revealer);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, error_label);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, connect_button);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, connect_spinner);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, banner);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, banner_label);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, message_list);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, users_spacer);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, users_revealer);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, user_list);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, attach_button);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, emoji_button);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, compose_scroller);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, message_view);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, send_button);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, announcer);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, alert_announcer);
    gtk_widget_class_bind_template_callback(widget_class, on_connect);
    gtk_widget_class_bind_template_callback(widget_class, on_banner_response);
}

/* GtkInfoBar keeps an unnamed close button among its internal children. */
static void name_close_button(GtkWidget *widget, gpointer data)
{
    (void)data;
    if (GTK_IS_BUTTON(widget) && gtk_button_get_label(GTK_BUTTON(widget)) == NULL) {
        const char *name = atk_object_get_name(gtk_widget_get_accessible(widget));
        if (name == NULL || *name == '\0')
            window_set_accessible_name(widget, _("Close"));
    } else if (GTK_IS_CONTAINER(widget)) {
        gtk_container_forall(GTK_CONTAINER(widget), name_close_button, NULL);
    }
}

static void name_widgets(ChatWindow *self)
{
    window_set_accessible_name(GTK_WIDGET(self->server_entry), _("Server"));
    window_set_accessible_name(GTK_WIDGET(self->username_entry), _("Username"));
    window_set_accessible_name(self->connect_button, _("Connect"));
    window_set_accessible_name(GTK_WIDGET(self->error_label), _("Login error"));
    window_set_accessible_name(GTK_WIDGET(self->banner_label), _("Connection status"));
    window_set_accessible_name(GTK_WIDGET(self->banner), _("Connection"));
    gtk_container_forall(GTK_CONTAINER(self->banner), name_close_button, NULL);
    window_set_accessible_name(GTK_WIDGET(self->menu_button), _("Main menu"));
    window_set_accessible_name(self->users_toggle, _("Online users"));
    window_set_accessible_name(self->attach_button, _("Attach file"));
    window_set_accessible_name(self->emoji_button, _("Insert emoji"));
    window_set_accessible_name(GTK_WIDGET(self->message_view), _("Message"));
    window_set_accessible_name(self->send_button, _("Send"));
    window_set_accessible_name(self->announcer, _("New message"));
    window_set_accessible_name(self->alert_announcer, _("Problem"));
    /* Errors are alerts; news is a notification (see announce.h). */
    announce_setup(GTK_WIDGET(self->error_label), ATK_ROLE_ALERT);
    announce_setup(self->alert_announcer, ATK_ROLE_ALERT);
    announce_setup(self->announcer, ATK_ROLE_NOTIFICATION);
}

static void chat_window_init(ChatWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    gtk_info_bar_add_button(self->banner, _("Reconnect now"), RESPONSE_RETRY);
    name_widgets(self);
    self->session = chat_session_new(CLIENT_AGENT);
    g_signal_connect(self->session, "state-changed", G_CALLBACK(on_state_changed), self);
    g_signal_connect(self->session, "login-failed", G_CALLBACK(on_login_failed), self);
    g_signal_connect(self->session, "users-changed", G_CALLBACK(on_users_changed), self);
    window_chat_init(self);
    window_files_init(self);
    window_actions_init(self);
}

/* A window showing the login view, filled from options and settings. */
ChatWindow *chat_window_new(GtkApplication *app, ChatSettings *settings,
                            const ChatWindowOptions *options)
{
    g_return_val_if_fail(GTK_IS_APPLICATION(app) && settings != NULL && options != NULL, NULL);
    ChatWindow *self = g_object_new(CHAT_TYPE_WINDOW, "application", app, NULL);
    self->settings = settings;
    const char *folder = options->files_dir ? options->files_dir
                                            : settings_get_download_folder(settings);
    if (folder == NULL)
        folder = g_get_user_special_dir(G_USER_DIRECTORY_DOWNLOAD);
    self->files_dir = folder != NULL ? g_strdup(folder)
                                     : g_build_filename(g_get_home_dir(), "Downloads", NULL);
    gtk_entry_set_text(self->server_entry,
                       options->server ? options->server : settings_get_server(settings));
    gtk_entry_set_text(self->username_entry,
                       options->username ? options->username : settings_get_username(settings));
    gtk_stack_set_visible_child_name(self->stack, "login");
    gboolean named = *gtk_entry_get_text(self->username_entry) != '\0';
    GtkEntry *first = named ? self->username_entry : self->server_entry;
    gtk_widget_grab_focus(GTK_WIDGET(first));
    gtk_editable_set_position(GTK_EDITABLE(first), -1); /* caret at the end, nothing selected */
    if (options->connect_now)
        on_connect(self);
    return self;
}

/* Disconnects without reconnecting and shows the login view, as it was. */
void window_log_out(ChatWindow *self)
{
    self->was_online = FALSE;
    window_actions_set_online(self, FALSE);
    self->unread = 0;
    stop_countdown(self);
    chat_session_disconnect(self->session);
    gtk_info_bar_set_revealed(self->banner, FALSE);
    chat_message_list_clear(self->message_list);
    GPtrArray *nobody = g_ptr_array_new();
    chat_user_list_set_users(self->user_list, nobody, NULL);
    g_ptr_array_unref(nobody);
    set_login_busy(self, FALSE);
    show_login_error(self, NULL);
    gtk_stack_set_visible_child_name(self->stack, "login");
    window_update_title(self);
    update_subtitle(self);
    gtk_widget_grab_focus(GTK_WIDGET(self->username_entry));
}

const char *window_get_files_dir(ChatWindow *self)
{
    return self->files_dir;
}

void window_set_files_dir(ChatWindow *self, const char *dir)
{
    g_return_if_fail(dir != NULL);
    char *copy = g_strdup(dir);
    g_free(self->files_dir);
    self->files_dir = copy;
}

/* Dark or light bubbles, via the "dark" class on the window. */
void chat_window_set_dark(ChatWindow *self, gboolean dark)
{
    g_return_if_fail(CHAT_IS_WINDOW(self));
    GtkStyleContext *style = gtk_widget_get_style_context(GTK_WIDGET(self));
    if (dark)
        gtk_style_context_add_class(style, "dark");
    else
        gtk_style_context_remove_class(style, "dark");
}
