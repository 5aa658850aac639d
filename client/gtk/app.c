/* ChatApp: options, stylesheet, theme and application-wide actions. */
#include "client/gtk/app.h"

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "client/gtk/desktop_style.h"
#include "client/core/server_list.h"
#include "client/core/session.h"
#include "client/gtk/settings.h"
#include "client/gtk/window.h"

#define STYLESHEET "/org/chat/client/style.css"
#define DEFAULT_HOST "127.0.0.1"
#define DEFAULT_PORT 1234
#define APP_VERSION "1.0"
/* The project has published neither a licence nor a home page yet: About says so
 * rather than invent them. Set both here once they exist. */
#define APP_WEBSITE NULL

struct _ChatApp {
    GtkApplication parent_instance;
    ChatSettings *settings;
    DesktopStyle *desktop; /* the desktop's dark preference, followed live */
    ChatTheme run_theme;   /* --theme, or the remembered theme, or the user's pick */
    /* Command-line options. */
    char *host;
    int port;
    char *server_list;     /* --server: several servers, instead of --host/--port */
    char *user;
    char *files_dir;
    char *theme_option;
    gboolean new_instance;
    gboolean connect_now;
    gboolean no_tls;
    char *trust_fingerprint;
};

G_DEFINE_TYPE(ChatApp, chat_app, GTK_TYPE_APPLICATION)

/* Applies run_theme to GTK's widgets and to our bubbles in every window. */
static void apply_theme(ChatApp *self)
{
    gboolean follow = self->run_theme == CHAT_THEME_SYSTEM;
    gboolean dark = self->run_theme == CHAT_THEME_DARK ||
                    (follow && desktop_style_prefers_dark(self->desktop));
    g_object_set(gtk_settings_get_default(), "gtk-application-prefer-dark-theme", dark, NULL);
    for (GList *w = gtk_application_get_windows(GTK_APPLICATION(self)); w != NULL; w = w->next)
        if (CHAT_IS_WINDOW(w->data))
            chat_window_set_dark(w->data, dark);
    GAction *action = g_action_map_lookup_action(G_ACTION_MAP(self), "theme");
    g_simple_action_set_state(G_SIMPLE_ACTION(action),
                              g_variant_new_string(settings_theme_name(self->run_theme)));
}

static void save_settings(ChatApp *self)
{
    GError *error = NULL;
    if (!settings_save(self->settings, &error)) {
        g_warning("%s", error->message);
        g_error_free(error);
    }
}

/* Preferences' style choice (system, light, dark): applied at once and kept. */
static void on_theme_change(GSimpleAction *action, GVariant *value, gpointer data)
{
    (void)action;
    ChatApp *self = data;
    ChatTheme theme;
    if (!settings_theme_from_name(g_variant_get_string(value, NULL), &theme))
        return;
    self->run_theme = theme;
    settings_set_theme(self->settings, theme);
    save_settings(self);
    apply_theme(self);
}

/* The desktop switched between light and dark while we run. */
static void on_desktop_style_changed(gboolean prefers_dark, gpointer data)
{
    (void)prefers_dark;
    apply_theme(data);
}

static void on_notifications_change(GSimpleAction *action, GVariant *value, gpointer data)
{
    ChatApp *self = data;
    g_simple_action_set_state(action, value);
    settings_set_notifications(self->settings, g_variant_get_boolean(value));
    save_settings(self);
}

/* Preferences' privacy choices, "let others see when I am typing" (send-typing) and
 * "send and show read receipts" (send-receipts): kept, and every window's session
 * follows. */
static void on_privacy_change(GSimpleAction *action, GVariant *value, gpointer data)
{
    ChatApp *self = data;
    gboolean enabled = g_variant_get_boolean(value);
    gboolean typing = g_strcmp0(g_action_get_name(G_ACTION(action)), "send-typing") == 0;
    g_simple_action_set_state(action, value);
    (typing ? settings_set_send_typing : settings_set_send_receipts)(self->settings, enabled);
    save_settings(self);
    for (GList *w = gtk_application_get_windows(GTK_APPLICATION(self)); w != NULL; w = w->next)
        if (CHAT_IS_WINDOW(w->data))
            (typing ? chat_window_set_send_typing : chat_window_set_send_receipts)(w->data,
                                                                                   enabled);
}

static void on_about(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    static const char *const authors[] = { "The Chat contributors", NULL };
    gtk_show_about_dialog(gtk_application_get_active_window(GTK_APPLICATION(data)),
                          "program-name", _("Chat"), "version", APP_VERSION, "comments",
                          _("Talk and share files with the people on your chat server."),
                          "license-type", GTK_LICENSE_CUSTOM, "license",
                          _("No licence has been published for Chat yet. Ask its maintainers "
                            "before you redistribute it."),
                          "website", APP_WEBSITE, "authors", authors,
                          "logo-icon-name", "user-available", NULL);
}

static void on_quit(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    /* Closing the windows says goodbye to the server; the app ends with the last. */
    /* One at a time: destroying a window may destroy others (its shortcuts window). */
    GList *windows;
    while ((windows = gtk_application_get_windows(GTK_APPLICATION(data))) != NULL)
        gtk_widget_destroy(windows->data);
}

/* A room's notification was clicked: the window shows that room. */
static void on_open_room(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    GtkWindow *window = gtk_application_get_active_window(GTK_APPLICATION(data));
    if (window != NULL)
        g_action_group_activate_action(G_ACTION_GROUP(window), "open-room", parameter);
}

static void on_present(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    GtkWindow *window = gtk_application_get_active_window(GTK_APPLICATION(data));
    if (window != NULL)
        gtk_window_present(window);
}

/* SIGTERM or SIGINT (a session ending, a test finishing, Ctrl+C in a terminal): leave
 * as Ctrl+Q does, saying goodbye to the server. */
static gboolean on_terminate_signal(gpointer data)
{
    g_action_group_activate_action(G_ACTION_GROUP(data), "quit", NULL);
    return G_SOURCE_CONTINUE;
}

static void chat_app_startup(GApplication *app)
{
    ChatApp *self = CHAT_APP(app);
    G_APPLICATION_CLASS(chat_app_parent_class)->startup(app);
    g_set_application_name(_("Chat"));
    GtkCssProvider *css = gtk_css_provider_new();
    gtk_css_provider_load_from_resource(css, STYLESHEET);
    gtk_style_context_add_provider_for_screen(gdk_screen_get_default(), GTK_STYLE_PROVIDER(css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    g_object_unref(css);
    self->desktop = desktop_style_new(on_desktop_style_changed, self);

    static const GActionEntry actions[] = {
        { "quit", on_quit, NULL, NULL, NULL, { 0 } },
        { "present", on_present, NULL, NULL, NULL, { 0 } },
        { "open-room", on_open_room, "u", NULL, NULL, { 0 } },
        { "about", on_about, NULL, NULL, NULL, { 0 } },
        { "theme", NULL, "s", "'system'", on_theme_change, { 0 } },
        { "notifications", NULL, NULL, "true", on_notifications_change, { 0 } },
        { "send-typing", NULL, NULL, "true", on_privacy_change, { 0 } },
        { "send-receipts", NULL, NULL, "true", on_privacy_change, { 0 } },
    };
    g_action_map_add_action_entries(G_ACTION_MAP(app), actions, G_N_ELEMENTS(actions), self);
    GAction *notifications = g_action_map_lookup_action(G_ACTION_MAP(app), "notifications");
    g_simple_action_set_state(G_SIMPLE_ACTION(notifications),
                              g_variant_new_boolean(settings_get_notifications(self->settings)));
    GAction *send_typing = g_action_map_lookup_action(G_ACTION_MAP(app), "send-typing");
    g_simple_action_set_state(G_SIMPLE_ACTION(send_typing),
                              g_variant_new_boolean(settings_get_send_typing(self->settings)));
    gboolean chosen;
    GAction *send_receipts = g_action_map_lookup_action(G_ACTION_MAP(app), "send-receipts");
    g_simple_action_set_state(G_SIMPLE_ACTION(send_receipts), g_variant_new_boolean(
                              settings_get_send_receipts(self->settings, &chosen)));
    static const struct {
        const char *action;
        const char *accels[3];
    } shortcuts[] = {
        { "app.quit", { "<Control>q", NULL } },
        { "win.preferences", { "<Control>comma", NULL } },
        { "win.show-help-overlay", { "<Control>question", "<Control>slash", NULL } },
        { "win.show-menu", { "F10", NULL } },
        { "win.show-users", { "F9", NULL } },
        { "win.focus-compose", { "<Control>l", NULL } },
        { "win.show-rooms", { "F8", NULL } },
        { "win.find-room", { "<Control>k", NULL } },
        { "win.search", { "<Control>f", NULL } },
        { "win.previous-room", { "<Alt>Up", NULL } },
        { "win.next-room", { "<Alt>Down", NULL } },
        { "win.add-room", { "<Control>n", NULL } },
        { "win.jump-to-unread", { "<Shift>Page_Up", NULL } },
    };
    for (guint i = 0; i < G_N_ELEMENTS(shortcuts); i++)
        gtk_application_set_accels_for_action(GTK_APPLICATION(app), shortcuts[i].action,
                                              shortcuts[i].accels);
    g_unix_signal_add(SIGTERM, on_terminate_signal, app);
    g_unix_signal_add(SIGINT, on_terminate_signal, app);
}

/* The first launch opens the window; a later one (forwarded here by GApplication when this
 * instance owns the application id) brings that window to the front. */
static void chat_app_activate(GApplication *app)
{
    ChatApp *self = CHAT_APP(app);
    GtkWindow *open = gtk_application_get_active_window(GTK_APPLICATION(app));
    if (open != NULL) {
        gtk_window_present(open);
        return;
    }
    char *server = NULL;
    if (self->server_list != NULL)
        server = g_strdup(self->server_list);
    else if (self->host != NULL || self->port != 0)
        server = chat_server_address_text(self->host ? self->host : DEFAULT_HOST,
                                          self->port ? (guint16)self->port : DEFAULT_PORT);
    ChatWindowOptions options = {
        .server = server,
        .username = self->user,
        .files_dir = self->files_dir,
        .connect_now = self->connect_now,
        .no_tls = self->no_tls || !settings_get_tls(self->settings),
        .trust_fingerprint = self->trust_fingerprint,
    };
    ChatWindow *window = chat_window_new(GTK_APPLICATION(app), self->settings, &options);
    g_free(server);
    apply_theme(self);
    gtk_window_present(GTK_WINDOW(window));
}

/* Checks the options once parsed; returns -1 to go on, or an exit status. */
static int chat_app_handle_local_options(GApplication *app, GVariantDict *options)
{
    (void)options;
    ChatApp *self = CHAT_APP(app);
    if (self->new_instance)
        g_application_set_flags(app, g_application_get_flags(app) | G_APPLICATION_NON_UNIQUE);
    if (self->port < 0 || self->port > 65535) {
        g_printerr(_("chat-client: --port must be 1..65535\n"));
        return 2;
    }
    if (self->server_list != NULL && (self->host != NULL || self->port != 0)) {
        g_printerr(_("chat-client: --server names the servers: give it or --host/--port, "
                     "not both\n"));
        return 2;
    }
    char *problem = NULL;
    GPtrArray *servers = self->server_list != NULL
                             ? chat_server_list_parse(self->server_list, DEFAULT_PORT, &problem)
                             : NULL;
    if (self->server_list != NULL && servers == NULL) {
        g_printerr(_("chat-client: --server: %s\n"), problem);
        g_free(problem);
        return 2;
    }
    g_clear_pointer(&servers, g_ptr_array_unref);
    char *fingerprint = self->trust_fingerprint
                            ? chat_fingerprint_normalize(self->trust_fingerprint) : NULL;
    if (self->trust_fingerprint != NULL && fingerprint == NULL) {
        g_printerr(_("chat-client: --trust-fingerprint needs a SHA-256 fingerprint "
                   "(64 hex digits, colons allowed)\n"));
        return 2;
    }
    g_free(fingerprint);
    self->run_theme = settings_get_theme(self->settings);
    if (self->theme_option != NULL &&
        !settings_theme_from_name(self->theme_option, &self->run_theme)) {
        g_printerr(_("chat-client: --theme must be system, light or dark\n"));
        return 2;
    }
    return -1;
}

static void chat_app_finalize(GObject *object)
{
    ChatApp *self = CHAT_APP(object);
    desktop_style_free(self->desktop);
    settings_free(self->settings);
    g_free(self->host);
    g_free(self->server_list);
    g_free(self->user);
    g_free(self->files_dir);
    g_free(self->theme_option);
    g_free(self->trust_fingerprint);
    G_OBJECT_CLASS(chat_app_parent_class)->finalize(object);
}

static void chat_app_class_init(ChatAppClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = chat_app_finalize;
    G_APPLICATION_CLASS(klass)->startup = chat_app_startup;
    G_APPLICATION_CLASS(klass)->activate = chat_app_activate;
    G_APPLICATION_CLASS(klass)->handle_local_options = chat_app_handle_local_options;
}

static void chat_app_init(ChatApp *self)
{
    self->settings = settings_load();
    const GOptionEntry entries[] = {
        { "host", 0, 0, G_OPTION_ARG_STRING, &self->host, N_("Server address"), N_("HOST") },
        { "port", 0, 0, G_OPTION_ARG_INT, &self->port, N_("Server port"), N_("PORT") },
        { "server", 0, 0, G_OPTION_ARG_STRING, &self->server_list,
          N_("The servers of one chat, tried in turn when one cannot be reached or the "
             "connection is lost (instead of --host/--port)"), N_("HOST:PORT,...") },
        { "user", 0, 0, G_OPTION_ARG_STRING, &self->user, N_("Username"), N_("NAME") },
        { "connect", 0, 0, G_OPTION_ARG_NONE, &self->connect_now, N_("Log in at once"), NULL },
        { "files-dir", 0, 0, G_OPTION_ARG_FILENAME, &self->files_dir,
          N_("Where downloads go for this run (default: the Downloads folder)"), N_("DIR") },
        { "new-instance", 0, 0, G_OPTION_ARG_NONE, &self->new_instance,
          N_("Open a separate client even if one is running"), NULL },
        { "theme", 0, 0, G_OPTION_ARG_STRING, &self->theme_option,
          N_("Theme for this run: system, light or dark"), N_("THEME") },
        { "no-tls", 0, 0, G_OPTION_ARG_NONE, &self->no_tls,
          N_("Talk plain text (only to a server started with --no-tls: loopback, tests)"), NULL },
        { "trust-fingerprint", 0, 0, G_OPTION_ARG_STRING, &self->trust_fingerprint,
          N_("Trust the server certificate with this SHA-256 fingerprint (and pin it)"),
          N_("SHA256") },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_application_add_main_option_entries(G_APPLICATION(self), entries);
    g_application_set_option_context_description(G_APPLICATION(self), _(
        "Connections use TLS. A certificate signed for the host by a CA the system trusts\n"
        "(or by one in the PEM file $CHAT_CA_FILE names, which then replaces the system's)\n"
        "is accepted silently. Otherwise, the first time, a dialog shows the certificate's\n"
        "SHA-256 fingerprint and asks; the answer is pinned per host and port in\n"
        "$XDG_STATE_HOME/chat-client/known_servers, shared with chat-cli. A certificate\n"
        "that changed is refused; its warning offers to forget the old one, after a second\n"
        "confirmation. tls=false under [connection] in settings.ini, or --no-tls, talks\n"
        "plain text to a server started with --no-tls."));
}

/* The application, ready for g_application_run. */
ChatApp *chat_app_new(void)
{
    return g_object_new(CHAT_TYPE_APP, "application-id", CHAT_APP_ID, "flags",
                        G_APPLICATION_DEFAULT_FLAGS, NULL);
}
