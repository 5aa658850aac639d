/* Settings kept in a GKeyFile, read once at start and written when they change. */
#include "client/gtk/settings.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#define SETTINGS_ENV_DIR "CHAT_CLIENT_CONFIG_DIR"
#define SETTINGS_APP_DIR "chat-client"
#define SETTINGS_FILE "settings.ini"
#define DEFAULT_SERVER "127.0.0.1:1234"
#define GROUP_CONNECTION "connection"
#define GROUP_APPEARANCE "appearance"
#define GROUP_FILES "files"
#define GROUP_PRIVACY "privacy"

struct ChatSettings {
    GKeyFile *keys;
    char *path;
    /* Last values read, so getters can return borrowed strings. */
    char *server;
    char *username;
    char *last_folder;
    char *download_folder;
};

static const char *const THEME_NAMES[] = {
    [CHAT_THEME_SYSTEM] = "system",
    [CHAT_THEME_LIGHT] = "light",
    [CHAT_THEME_DARK] = "dark",
};

static char *settings_path(void)
{
    const char *dir = g_getenv(SETTINGS_ENV_DIR);
    if (dir != NULL && *dir != '\0')
        return g_build_filename(dir, SETTINGS_FILE, NULL);
    return g_build_filename(g_get_user_config_dir(), SETTINGS_APP_DIR, SETTINGS_FILE, NULL);
}

static char *read_string(GKeyFile *keys, const char *group, const char *key, const char *fallback)
{
    char *value = g_key_file_get_string(keys, group, key, NULL);
    return value != NULL ? value : g_strdup(fallback);
}

/* Settings from the file, or defaults. */
ChatSettings *settings_load(void)
{
    ChatSettings *settings = g_new0(ChatSettings, 1);
    settings->keys = g_key_file_new();
    settings->path = settings_path();
    GError *error = NULL;
    if (!g_key_file_load_from_file(settings->keys, settings->path, G_KEY_FILE_KEEP_COMMENTS,
                                   &error)) {
        if (!g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            g_warning("ignoring settings file %s: %s", settings->path, error->message);
        g_clear_error(&error);
    }
    settings->server = read_string(settings->keys, GROUP_CONNECTION, "server", DEFAULT_SERVER);
    settings->username = read_string(settings->keys, GROUP_CONNECTION, "username", "");
    settings->last_folder = g_key_file_get_string(settings->keys, GROUP_FILES, "last-folder", NULL);
    settings->download_folder =
        g_key_file_get_string(settings->keys, GROUP_FILES, "download-folder", NULL);
    return settings;
}

void settings_free(ChatSettings *settings)
{
    if (settings == NULL)
        return;
    g_key_file_unref(settings->keys);
    g_free(settings->path);
    g_free(settings->server);
    g_free(settings->username);
    g_free(settings->last_folder);
    g_free(settings->download_folder);
    g_free(settings);
}

/* Writes the file, creating its directory (private to the user). */
gboolean settings_save(ChatSettings *settings, GError **error)
{
    g_return_val_if_fail(settings != NULL, FALSE);
    char *dir = g_path_get_dirname(settings->path);
    int made = g_mkdir_with_parents(dir, 0700);
    g_free(dir);
    if (made != 0) {
        int err = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                    _("cannot create the folder for %s: %s"), settings->path, g_strerror(err));
        return FALSE;
    }
    return g_key_file_save_to_file(settings->keys, settings->path, error);
}

const char *settings_get_path(ChatSettings *settings)
{
    return settings->path;
}

static void store_string(ChatSettings *settings, char **field, const char *group,
                         const char *key, const char *value)
{
    g_key_file_set_string(settings->keys, group, key, value);
    g_free(*field);
    *field = g_strdup(value);
}

const char *settings_get_server(ChatSettings *settings)
{
    return settings->server;
}

void settings_set_server(ChatSettings *settings, const char *server)
{
    store_string(settings, &settings->server, GROUP_CONNECTION, "server", server);
}

const char *settings_get_username(ChatSettings *settings)
{
    return settings->username;
}

void settings_set_username(ChatSettings *settings, const char *username)
{
    store_string(settings, &settings->username, GROUP_CONNECTION, "username", username);
}

gboolean settings_get_tls(ChatSettings *settings)
{
    GError *error = NULL;
    gboolean tls = g_key_file_get_boolean(settings->keys, GROUP_CONNECTION, "tls", &error);
    if (error != NULL) { /* missing or not a boolean: the default */
        g_error_free(error);
        return TRUE;
    }
    return tls;
}

const char *settings_theme_name(ChatTheme theme)
{
    g_return_val_if_fail((guint)theme < G_N_ELEMENTS(THEME_NAMES), THEME_NAMES[0]);
    return THEME_NAMES[theme];
}

gboolean settings_theme_from_name(const char *name, ChatTheme *theme)
{
    for (guint i = 0; name != NULL && i < G_N_ELEMENTS(THEME_NAMES); i++) {
        if (g_strcmp0(name, THEME_NAMES[i]) == 0) {
            *theme = (ChatTheme)i;
            return TRUE;
        }
    }
    return FALSE;
}

ChatTheme settings_get_theme(ChatSettings *settings)
{
    char *name = g_key_file_get_string(settings->keys, GROUP_APPEARANCE, "theme", NULL);
    ChatTheme theme = CHAT_THEME_SYSTEM;
    settings_theme_from_name(name, &theme);
    g_free(name);
    return theme;
}

/* A boolean key, fallback when it is missing or not a boolean. */
static gboolean read_boolean(GKeyFile *keys, const char *group, const char *key,
                             gboolean fallback)
{
    GError *error = NULL;
    gboolean value = g_key_file_get_boolean(keys, group, key, &error);
    if (error != NULL) {
        g_error_free(error);
        return fallback;
    }
    return value;
}

gboolean settings_get_notifications(ChatSettings *settings)
{
    return read_boolean(settings->keys, GROUP_APPEARANCE, "notifications", TRUE);
}

gboolean settings_get_send_typing(ChatSettings *settings)
{
    return read_boolean(settings->keys, GROUP_PRIVACY, "send_typing", TRUE);
}

void settings_set_send_typing(ChatSettings *settings, gboolean enabled)
{
    g_key_file_set_boolean(settings->keys, GROUP_PRIVACY, "send_typing", enabled);
}

gboolean settings_get_send_receipts(ChatSettings *settings, gboolean *chosen)
{
    *chosen = g_key_file_has_key(settings->keys, GROUP_PRIVACY, "send_receipts", NULL);
    return read_boolean(settings->keys, GROUP_PRIVACY, "send_receipts", TRUE);
}

void settings_set_send_receipts(ChatSettings *settings, gboolean enabled)
{
    g_key_file_set_boolean(settings->keys, GROUP_PRIVACY, "send_receipts", enabled);
}

void settings_set_notifications(ChatSettings *settings, gboolean enabled)
{
    g_key_file_set_boolean(settings->keys, GROUP_APPEARANCE, "notifications", enabled);
}

const char *settings_get_download_folder(ChatSettings *settings)
{
    return settings->download_folder;
}

void settings_set_download_folder(ChatSettings *settings, const char *folder)
{
    store_string(settings, &settings->download_folder, GROUP_FILES, "download-folder", folder);
}

void settings_set_theme(ChatSettings *settings, ChatTheme theme)
{
    g_return_if_fail((guint)theme < G_N_ELEMENTS(THEME_NAMES));
    g_key_file_set_string(settings->keys, GROUP_APPEARANCE, "theme", THEME_NAMES[theme]);
}

const char *settings_get_last_folder(ChatSettings *settings)
{
    return settings->last_folder;
}

void settings_set_last_folder(ChatSettings *settings, const char *folder)
{
    store_string(settings, &settings->last_folder, GROUP_FILES, "last-folder", folder);
}
