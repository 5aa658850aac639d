/* ChatWindow: construction, the login view, and the connection state (header bar
 * subtitle and the reconnect banner). The conversation lives in window_chat.c and file
 * transfers in window_files.c. */
#include "client/gtk/window_private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "client/gtk/announce.h"
#include "client/gtk/spacer.h"
#include "common/safe_text.h"

#include "common/validate.h"

#define CLIENT_AGENT "chat-client/" CHAT_VERSION /* the Makefile's VERSION */
#define DEFAULT_PORT 1234
#define RESPONSE_RETRY 1

G_DEFINE_TYPE(ChatWindow, chat_window, GTK_TYPE_APPLICATION_WINDOW)

/* Names screen readers announce; tests find the widgets by them. */
void window_set_accessible_name(GtkWidget *widget, const char *name)
{
    atk_object_set_name(gtk_widget_get_accessible(widget), name);
}

static void set_login_busy(ChatWindow *self, gboolean busy)
{
    chat_login_view_set_busy(self->login_view, busy);
}

/* Connect (button or Enter): checks the fields, then asks the session to log in. */
static void on_connect(ChatWindow *self)
{
    ChatLoginView *view = self->login_view;
    const char *username = chat_login_view_get_text(view, CHAT_LOGIN_FIELD_USERNAME);
    char *problem = NULL;
    GPtrArray *servers = chat_server_list_parse(
        chat_login_view_get_text(view, CHAT_LOGIN_FIELD_SERVER), DEFAULT_PORT, &problem);
    if (servers == NULL) {
        chat_login_view_show_error(view, problem, CHAT_LOGIN_FIELD_SERVER);
        g_free(problem);
        return;
    }
    enum name_status status = name_check(username, strlen(username));
    if (status != NAME_OK) {
        chat_login_view_show_error(view, name_status_text(status), CHAT_LOGIN_FIELD_USERNAME);
        g_ptr_array_unref(servers);
        return;
    }
    if (chat_login_view_get_create_account(view) &&
        !*chat_login_view_get_text(view, CHAT_LOGIN_FIELD_PASSWORD)) {
        chat_login_view_show_error(view, _("Choose a password for the new account."),
                                   CHAT_LOGIN_FIELD_PASSWORD);
        g_ptr_array_unref(servers);
        return;
    }
    g_clear_pointer(&self->servers, g_ptr_array_unref);
    self->servers = servers;
    g_free(self->username);
    self->username = g_strdup(username);
    self->was_online = FALSE;
    chat_login_view_show_error(view, NULL, CHAT_LOGIN_FIELD_USERNAME);
    set_login_busy(self, TRUE);
    window_account_login(self);
}

/* The field to fix after a refusal. */
static ChatLoginField field_for_error(guint code)
{
    switch (code) {
    case CHAT_SESSION_ERROR_UNREACHABLE:
    case CHAT_SESSION_ERROR_VERSION:
        return CHAT_LOGIN_FIELD_SERVER;
    case CHAT_SESSION_ERROR_WRONG_PASSWORD:
    case CHAT_SESSION_ERROR_PASSWORD_WEAK:
    case CHAT_SESSION_ERROR_TOKEN_REFUSED:
    case CHAT_SESSION_ERROR_ACCOUNT_NEEDED:
    case CHAT_SESSION_ERROR_THROTTLED:
        return CHAT_LOGIN_FIELD_PASSWORD;
    case CHAT_SESSION_ERROR_INVITE_REQUIRED:
    case CHAT_SESSION_ERROR_INVITE_INVALID:
        return CHAT_LOGIN_FIELD_INVITE;
    default:
        return CHAT_LOGIN_FIELD_USERNAME;
    }
}

static void on_login_failed(ChatSession *session, guint code, const char *message,
                            ChatWindow *self)
{
    (void)session;
    gtk_stack_set_visible_child_name(self->stack, "login");
    set_login_busy(self, FALSE);
    ChatLoginField field = field_for_error(code);
    if (field == CHAT_LOGIN_FIELD_INVITE && !chat_login_view_get_create_account(self->login_view))
        field = CHAT_LOGIN_FIELD_USERNAME;
    chat_login_view_show_error(self->login_view, message, field);
}

static void remember_login(ChatWindow *self)
{
    char *server = chat_server_list_text(self->servers);
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

/* The server named in the subtitle: the host, or with several servers the one
 * connected to (or tried) as host:port; NULL before a login. g_free the result. */
static char *server_shown(ChatWindow *self)
{
    if (self->servers == NULL)
        return NULL;
    if (self->servers->len > 1)
        return chat_session_get_server(self->session);
    const ChatServerAddress *only = g_ptr_array_index(self->servers, 0);
    return g_strdup(only->host);
}

/* Header subtitle: the server's name and how many are online, or the state in words
 * while not online. */
static void update_subtitle(ChatWindow *self)
{
    ChatSessionState state = chat_session_get_state(self->session);
    char *server = server_shown(self);
    char *subtitle;
    if (state == CHAT_SESSION_ONLINE) {
        GPtrArray *users = chat_session_list_users(self->session);
        subtitle = g_strdup_printf(g_dngettext(NULL, "%s \u00B7 %u online", "%s \u00B7 %u online",
                                               users->len),
                                   server, users->len);
        g_ptr_array_unref(users);
    } else if (server != NULL && self->was_online) {
        const char *words = state == CHAT_SESSION_DISCONNECTED ? _("disconnected")
                                                               : _("reconnecting\u2026");
        subtitle = g_strdup_printf(_("%s \u00B7 %s"), server, words);
    } else {
        subtitle = g_strdup(_("Not connected"));
    }
    gtk_header_bar_set_subtitle(self->header, subtitle);
    g_free(subtitle);
    g_free(server);
}

/* The window title (the header shows it): the room on screen ("Lobby", "#general",
 * "@bob"), with the count of messages that arrived in the background in front
 * ("(3) Lobby") while they wait; "Chat" before logging in. */
void window_update_title(ChatWindow *self)
{
    char *title;
    char *room = window_rooms_current_title(self);
    if (!self->was_online)
        title = g_strdup(_("Chat"));
    else if (self->unread > 0)
        title = g_strdup_printf("(%u) %s", self->unread, room);
    else
        title = g_strdup(room);
    gtk_window_set_title(GTK_WINDOW(self), title);
    g_free(room);
    g_free(title);
}

static void on_users_changed(ChatSession *session, ChatWindow *self)
{
    GPtrArray *users = chat_session_list_users(session);
    GPtrArray *tags = window_account_user_tags(self, users);
    gboolean *away = g_new0(gboolean, users->len + 1);
    for (guint i = 0; i < users->len; i++)
        away[i] = chat_session_user_away(session, g_ptr_array_index(users, i));
    chat_user_list_set_users(self->user_list, users, tags, away,
                             chat_session_get_username(session));
    g_free(away);
    g_ptr_array_unref(tags);
    g_ptr_array_unref(users);
    update_subtitle(self);
}

/* After Log out: the login view again (password cleared), the conversation, users and
 * unread count gone. */
static void window_show_logged_out(ChatWindow *self)
{
    self->was_online = FALSE;
    self->unread = 0;
    gtk_info_bar_set_revealed(self->banner, FALSE);
    window_rooms_reset(self);
    GPtrArray *nobody = g_ptr_array_new();
    chat_user_list_set_users(self->user_list, nobody, NULL, NULL, NULL);
    g_ptr_array_unref(nobody);
    chat_login_view_set_text(self->login_view, CHAT_LOGIN_FIELD_PASSWORD, "");
    gtk_stack_set_visible_child_name(self->stack, "login");
    chat_login_view_focus(self->login_view, CHAT_LOGIN_FIELD_PASSWORD);
    window_update_title(self);
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
        window_account_online(self);
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
        if (self->logging_out) {
            self->logging_out = FALSE;
            window_show_logged_out(self);
        } else if (in_chat) {
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
    if (response == RESPONSE_RETRY && self->servers != NULL)
        chat_session_reconnect(self->session);
}

static void chat_window_dispose(GObject *object)
{
    ChatWindow *self = CHAT_WINDOW(object);
    stop_countdown(self);
    window_account_dispose(self);
    window_rooms_dispose(self);
    window_typing_dispose(self);
    window_read_marker_dispose(self);
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
    g_clear_pointer(&self->servers, g_ptr_array_unref);
    g_free(self->username);
    g_clear_pointer(&self->message_requests, g_hash_table_unref);
    window_mentions_finalize(self);
    G_OBJECT_CLASS(chat_window_parent_class)->finalize(object);
}

static void chat_window_class_init(ChatWindowClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = chat_window_dispose;
    G_OBJECT_CLASS(klass)->finalize = chat_window_finalize;
    g_type_ensure(CHAT_TYPE_ROOM_SIDEBAR);
    g_type_ensure(CHAT_TYPE_SPACER);
    g_type_ensure(CHAT_TYPE_USER_LIST);
    g_type_ensure(CHAT_TYPE_LOGIN_VIEW);
    gtk_widget_class_set_template_from_resource(widget_class, "/org/chat/client/window.ui");
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, header);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, menu_button);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, users_toggle);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, stack);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, login_view);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, banner);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, banner_label);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, rooms_toggle);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, conversations);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, rooms_spacer);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, rooms_revealer);
    gtk_widget_class_bind_template_child(widget_class, ChatWindow, room_sidebar);
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
    /* Problems are alerts; news is a notification (see announce.h). */
    announce_setup(self->alert_announcer, ATK_ROLE_ALERT);
    announce_setup(self->announcer, ATK_ROLE_NOTIFICATION);
}

static void chat_window_init(ChatWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    gtk_info_bar_add_button(self->banner, _("Reconnect now"), RESPONSE_RETRY);
    name_widgets(self);
    self->session = chat_session_new(CLIENT_AGENT);
    /* Texts not yet acknowledged survive a restart and are sent again after login. */
    char *outbox = g_build_filename(g_get_user_state_dir(), "chat-client", NULL);
    chat_session_set_outbox_dir(self->session, outbox);
    g_free(outbox);
    g_signal_connect(self->session, "state-changed", G_CALLBACK(on_state_changed), self);
    g_signal_connect(self->session, "login-failed", G_CALLBACK(on_login_failed), self);
    g_signal_connect(self->session, "users-changed", G_CALLBACK(on_users_changed), self);
    g_signal_connect_swapped(self->login_view, "submit", G_CALLBACK(on_connect), self);
    window_rooms_init(self);
    window_room_dialog_init(self);
    window_history_init(self);
    window_reveal_init(self);
    window_notify_level_init(self);
    window_message_actions_init(self);
    window_composer_init(self);
    window_typing_init(self);
    window_chat_init(self);
    window_files_init(self);
    window_actions_init(self);
    window_account_init(self);
    window_trust_init(self);
    window_idle_init(self);
    window_search_init(self);
    window_thumbnails_init(self);
    window_read_marker_init(self);
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
    ChatLoginView *view = self->login_view;
    chat_login_view_set_text(view, CHAT_LOGIN_FIELD_SERVER,
                             options->server ? options->server : settings_get_server(settings));
    chat_login_view_set_text(view, CHAT_LOGIN_FIELD_USERNAME,
                             options->username ? options->username
                                               : settings_get_username(settings));
    gtk_stack_set_visible_child_name(self->stack, "login");
    gboolean named = *chat_login_view_get_text(view, CHAT_LOGIN_FIELD_USERNAME) != '\0';
    /* Nobody has logged in from here yet: most likely a first visit, so a new account. */
    chat_login_view_set_create_account(view, !named);
    chat_login_view_focus(view, named ? CHAT_LOGIN_FIELD_PASSWORD : CHAT_LOGIN_FIELD_SERVER);
    chat_session_set_tls(self->session, !options->no_tls);
    chat_session_set_send_typing(self->session, settings_get_send_typing(settings));
    gboolean chosen;
    gboolean receipts = settings_get_send_receipts(settings, &chosen);
    if (chosen)
        chat_session_set_receipts(self->session, receipts);
    chat_session_set_expected_fingerprint(self->session, options->trust_fingerprint);
    if (options->connect_now)
        on_connect(self);
    else if (named)
        window_account_try_saved_login(self);
    return self;
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
