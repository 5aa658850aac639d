/* ChatApp: options, stylesheet, theme and application-wide actions. */
#include "client/app.h"

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "client/settings.h"
#include "client/window.h"

#define STYLESHEET "/org/chat/client/style.css"
#define DEFAULT_HOST "127.0.0.1"
#define DEFAULT_PORT 1234

struct _ChatApp {
    GtkApplication parent_instance;
    ChatSettings *settings;
    gboolean desktop_dark; /* the desktop's preference as found at start-up */
    ChatTheme run_theme;   /* --theme, or the remembered theme */
    /* Command-line options. */
    char *host;
    int port;
    char *user;
    char *files_dir;
    char *theme_option;
    gboolean new_instance;
    gboolean connect_now;
};

G_DEFINE_TYPE(ChatApp, chat_app, GTK_TYPE_APPLICATION)

static gboolean theme_is_dark(ChatApp *self, ChatTheme theme)
{
    return theme == CHAT_THEME_DARK || (theme == CHAT_THEME_SYSTEM && self->desktop_dark);
}

/* Applies dark or light to GTK's widgets and to our bubbles in every window. */
static void apply_dark(ChatApp *self, gboolean dark)
{
    g_object_set(gtk_settings_get_default(), "gtk-application-prefer-dark-theme", dark, NULL);
    for (GList *w = gtk_application_get_windows(GTK_APPLICATION(self)); w != NULL; w = w->next)
        if (CHAT_IS_WINDOW(w->data))
            chat_window_set_dark(w->data, dark);
    GAction *action = g_action_map_lookup_action(G_ACTION_MAP(self), "dark-theme");
    g_simple_action_set_state(G_SIMPLE_ACTION(action), g_variant_new_boolean(dark));
}

/* The header bar's toggle: the user's choice wins over the desktop's and is kept. */
static void on_dark_theme_change(GSimpleAction *action, GVariant *value, gpointer data)
{
    (void)action;
    ChatApp *self = data;
    gboolean dark = g_variant_get_boolean(value);
    settings_set_theme(self->settings, dark ? CHAT_THEME_DARK : CHAT_THEME_LIGHT);
    GError *error = NULL;
    if (!settings_save(self->settings, &error)) {
        g_warning("%s", error->message);
        g_error_free(error);
    }
    apply_dark(self, dark);
}

static void on_quit(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    /* Closing the windows says goodbye to the server; the app ends with the last. */
    GList *windows = g_list_copy(gtk_application_get_windows(GTK_APPLICATION(data)));
    for (GList *l = windows; l != NULL; l = l->next)
        gtk_widget_destroy(l->data);
    g_list_free(windows);
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

/* The desktop prefers dark when GTK was told so before we changed anything: the
 * gtk-application-prefer-dark-theme setting, a "-dark" theme, or GTK_THEME=name:dark. */
static gboolean desktop_prefers_dark(void)
{
    gboolean prefer_dark = FALSE;
    char *theme_name = NULL;
    g_object_get(gtk_settings_get_default(), "gtk-application-prefer-dark-theme", &prefer_dark,
                 "gtk-theme-name", &theme_name, NULL);
    const char *env = g_getenv("GTK_THEME");
    gboolean dark = prefer_dark || (theme_name && g_str_has_suffix(theme_name, "-dark")) ||
                    (env && g_str_has_suffix(env, ":dark"));
    g_free(theme_name);
    return dark;
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
    self->desktop_dark = desktop_prefers_dark();

    static const GActionEntry actions[] = {
        { "quit", on_quit, NULL, NULL, NULL, { 0 } },
        { "present", on_present, NULL, NULL, NULL, { 0 } },
        { "dark-theme", NULL, NULL, "false", on_dark_theme_change, { 0 } },
    };
    g_action_map_add_action_entries(G_ACTION_MAP(app), actions, G_N_ELEMENTS(actions), self);
    static const char *const quit_accels[] = { "<Control>q", NULL };
    gtk_application_set_accels_for_action(GTK_APPLICATION(app), "app.quit", quit_accels);
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
    if (self->host != NULL || self->port != 0) {
        const char *host = self->host ? self->host : DEFAULT_HOST;
        server = g_strdup_printf(strchr(host, ':') ? "[%s]:%d" : "%s:%d", host,
                                 self->port ? self->port : DEFAULT_PORT);
    }
    ChatWindowOptions options = {
        .server = server,
        .username = self->user,
        .files_dir = self->files_dir,
        .connect_now = self->connect_now,
    };
    ChatWindow *window = chat_window_new(GTK_APPLICATION(app), self->settings, &options);
    g_free(server);
    apply_dark(self, theme_is_dark(self, self->run_theme));
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
    self->run_theme = settings_get_theme(self->settings);
    if (self->theme_option != NULL) {
        if (g_strcmp0(self->theme_option, "light") == 0)
            self->run_theme = CHAT_THEME_LIGHT;
        else if (g_strcmp0(self->theme_option, "dark") == 0)
            self->run_theme = CHAT_THEME_DARK;
        else if (g_strcmp0(self->theme_option, "system") == 0)
            self->run_theme = CHAT_THEME_SYSTEM;
        else {
            g_printerr(_("chat-client: --theme must be system, light or dark\n"));
            return 2;
        }
    }
    return -1;
}

static void chat_app_finalize(GObject *object)
{
    ChatApp *self = CHAT_APP(object);
    settings_free(self->settings);
    g_free(self->host);
    g_free(self->user);
    g_free(self->files_dir);
    g_free(self->theme_option);
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
        { "user", 0, 0, G_OPTION_ARG_STRING, &self->user, N_("Username"), N_("NAME") },
        { "connect", 0, 0, G_OPTION_ARG_NONE, &self->connect_now, N_("Log in at once"), NULL },
        { "files-dir", 0, 0, G_OPTION_ARG_FILENAME, &self->files_dir,
          N_("Where downloads go (received_files)"), N_("DIR") },
        { "new-instance", 0, 0, G_OPTION_ARG_NONE, &self->new_instance,
          N_("Open a separate client even if one is running"), NULL },
        { "theme", 0, 0, G_OPTION_ARG_STRING, &self->theme_option,
          N_("Theme for this run: system, light or dark"), N_("THEME") },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_application_add_main_option_entries(G_APPLICATION(self), entries);
}

/* The application, ready for g_application_run. */
ChatApp *chat_app_new(void)
{
    return g_object_new(CHAT_TYPE_APP, "application-id", CHAT_APP_ID, "flags",
                        G_APPLICATION_DEFAULT_FLAGS, NULL);
}
