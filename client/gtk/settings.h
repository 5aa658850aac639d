/* What the client remembers between runs, in a small key file:
 *   $CHAT_CLIENT_CONFIG_DIR/settings.ini when that variable is set (tests use it),
 *   else g_get_user_config_dir()/chat-client/settings.ini (which honours XDG_CONFIG_HOME).
 * Keys it does not know are kept when it saves. */
#ifndef CHAT_SETTINGS_H
#define CHAT_SETTINGS_H

#include <glib.h>

typedef enum {
    CHAT_THEME_SYSTEM, /* follow the desktop's preference */
    CHAT_THEME_LIGHT,
    CHAT_THEME_DARK,
} ChatTheme;

typedef struct ChatSettings ChatSettings;

/* Reads the settings file; a missing or unreadable file gives the defaults
 * (server "127.0.0.1:1234", no username, theme CHAT_THEME_SYSTEM). */
ChatSettings *settings_load(void);

void settings_free(ChatSettings *settings);

/* Writes the settings file atomically (it is a few bytes; the write is local). Returns
 * FALSE with error set when the directory or file cannot be written. */
gboolean settings_save(ChatSettings *settings, GError **error);

/* Path of the settings file in use; owned by settings. */
const char *settings_get_path(ChatSettings *settings);

/* "host:port" last connected to. Owned by settings. */
const char *settings_get_server(ChatSettings *settings);
void settings_set_server(ChatSettings *settings, const char *server);

/* Last username, or "" when none. Owned by settings. */
const char *settings_get_username(ChatSettings *settings);
void settings_set_username(ChatSettings *settings, const char *username);

/* FALSE when the user set "tls=false" under [connection]: talk plain text to servers
 * started with --no-tls. TRUE by default. */
gboolean settings_get_tls(ChatSettings *settings);

ChatTheme settings_get_theme(ChatSettings *settings);
void settings_set_theme(ChatSettings *settings, ChatTheme theme);

/* Whether desktop notifications are shown (default TRUE). */
gboolean settings_get_notifications(ChatSettings *settings);
void settings_set_notifications(ChatSettings *settings, gboolean enabled);

/* Whether the rooms see when the user types (default TRUE). */
gboolean settings_get_send_typing(ChatSettings *settings);
void settings_set_send_typing(ChatSettings *settings, gboolean enabled);

/* Whether read receipts are sent and shown (default TRUE); *chosen says whether the
 * user ever chose here (if not, the account's stored choice stands). */
gboolean settings_get_send_receipts(ChatSettings *settings, gboolean *chosen);
void settings_set_send_receipts(ChatSettings *settings, gboolean enabled);

/* Folder downloads go to, or NULL for the desktop's Downloads folder. Owned by
 * settings. */
const char *settings_get_download_folder(ChatSettings *settings);
void settings_set_download_folder(ChatSettings *settings, const char *folder);

/* Name of theme as stored and as --theme takes it ("system", "light", "dark"), and
 * back: FALSE when name is none of them. */
const char *settings_theme_name(ChatTheme theme);
gboolean settings_theme_from_name(const char *name, ChatTheme *theme);

/* Folder the file chooser opened last, or NULL. Owned by settings. */
const char *settings_get_last_folder(ChatSettings *settings);
void settings_set_last_folder(ChatSettings *settings, const char *folder);

#endif
