/* chat-cli and accounts: the first login (token file, password file, --register, a
 * prompt without echo on a terminal), falling back to a password when a saved token is
 * refused, the token file itself (0600 under $XDG_STATE_HOME/chat-cli/), and the
 * account and moderation commands. */
#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "client/cli/cli.h"

#define MUTE_MAX_MINUTES (366u * 24u * 60u) /* a year: longer is a ban */

/* ---- The token file ---- */

/* The token file: --token-file, else one file per server and name under
 * $XDG_STATE_HOME/chat-cli/ named by a hash (no name becomes a path). */
char *cli_token_path(const char *option, GPtrArray *servers, const char *user)
{
    if (option)
        return g_strdup(option);
    /* One chat's nodes share its logins: the first server names the file (as when
     * there was one). */
    const ChatServerAddress *first = g_ptr_array_index(servers, 0);
    char *key = g_strdup_printf("%s\n%u\n%s", first->host, first->port, user);
    char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, key, -1);
    hash[32] = '\0';
    char *name = g_strconcat("token-", hash, NULL);
    char *path = g_build_filename(g_get_user_state_dir(), "chat-cli", name, NULL);
    g_free(name);
    g_free(hash);
    g_free(key);
    return path;
}

/* The saved token, or NULL when there is none (or it cannot be read, or others could
 * read it too: said so, and not used). */
static char *token_load(const char *path)
{
    char *contents = NULL;
    GError *error = NULL;
    GStatBuf st;
    if (g_stat(path, &st) == 0 && (st.st_mode & 077) != 0) {
        cli_print_error(_("the saved login %s is readable by others: not used (chmod 600 it, "
                          "or log in with the password)"), path);
        return NULL;
    }
    if (!g_file_get_contents(path, &contents, NULL, &error)) {
        if (!g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            cli_print_error(_("cannot read the saved login: %s"), error->message);
        g_error_free(error);
        return NULL;
    }
    return g_strstrip(contents);
}

/* Keeps the token (0600, in a 0700 folder), or removes the file when token is NULL. */
static void on_token_changed(ChatSession *session, const char *token, struct cli *cli)
{
    (void)session;
    GError *error = NULL;
    if (!token) {
        if (g_unlink(cli->token_path) != 0 && errno != ENOENT)
            cli_print_error(_("cannot remove the saved login %s: %s"), cli->token_path,
                            g_strerror(errno));
        return;
    }
    char *dir = g_path_get_dirname(cli->token_path);
    char *line = g_strconcat(token, "\n", NULL);
    if (g_mkdir_with_parents(dir, 0700) != 0)
        cli_print_error(_("cannot create %s: %s"), dir, g_strerror(errno));
    else if (!g_file_set_contents_full(cli->token_path, line, -1,
                                       G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
        cli_print_error(_("cannot keep the login for next time: %s"), error->message);
    g_clear_error(&error);
    memset(line, 0, strlen(line));
    g_free(line);
    g_free(dir);
}

/* ---- Secrets typed or read ---- */

static void set_echo(gboolean on)
{
    struct termios attrs;
    if (tcgetattr(STDIN_FILENO, &attrs) != 0)
        return;
    if (on)
        attrs.c_lflag |= ECHO;
    else
        attrs.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(STDIN_FILENO, TCSANOW, &attrs);
}

/* The next input line goes to func, not to the chat; on a terminal it is asked for
 * with prompt and not echoed. */
static void ask_secret(struct cli *cli, const char *prompt, cli_secret_func func)
{
    cli->secret_func = func;
    if (cli->interactive) {
        set_echo(FALSE);
        fprintf(stderr, "%s", prompt);
        fflush(stderr);
    }
}

/* Hands line (NULL at the end of input) to the pending prompt and wipes it. */
gboolean cli_take_secret(struct cli *cli, char *line)
{
    cli_secret_func func = cli->secret_func;
    if (!func)
        return FALSE;
    cli->secret_func = NULL;
    if (cli->interactive) {
        set_echo(TRUE);
        fputc('\n', stderr);
    }
    if (line) {
        size_t len = strlen(line);
        if (len > 0 && line[len - 1] == '\r')
            line[len - 1] = '\0';
    }
    func(cli, line);
    if (line)
        memset(line, 0, strlen(line));
    return TRUE;
}

/* The first line of --password-file, or NULL (reason printed). */
static char *password_file_read(const char *path)
{
    char *contents = NULL;
    gsize len = 0;
    GError *error = NULL;
    if (!g_file_get_contents(path, &contents, &len, &error)) {
        cli_print_error(_("cannot read the password file: %s"), error->message);
        g_error_free(error);
        return NULL;
    }
    contents[strcspn(contents, "\r\n")] = '\0';
    if (!contents[0]) {
        cli_print_error(_("the password file %s is empty"), path);
        g_free(contents);
        return NULL;
    }
    return contents;
}

/* ---- Logging in ---- */

static void login(struct cli *cli, const char *password, const char *token)
{
    ChatCredentials credentials = {
        .username = cli->user,
        .password = password,
        .token = token,
        .invite = cli->invite,
        .create_account = cli->create_account,
    };
    cli->guest_attempt = !password && !token;
    chat_session_login_servers(cli->session, cli->servers, &credentials);
}

static void on_password_typed(struct cli *cli, const char *password)
{
    if (!password || !password[0]) {
        cli_print_error(_("no password given"));
        cli_fail(cli);
        return;
    }
    login(cli, password, NULL);
}

static void ask_password(struct cli *cli, const char *why)
{
    char *prompt = g_strdup_printf(_("%sPassword for %s: "), why, cli->user);
    ask_secret(cli, prompt, on_password_typed);
    g_free(prompt);
}

/* Starts the first login (see cli.h). */
gboolean cli_login_start(struct cli *cli)
{
    char *token = cli->create_account ? NULL : token_load(cli->token_path);
    char *password = NULL;
    if (cli->password_file && !(password = password_file_read(cli->password_file))) {
        g_free(token);
        return FALSE;
    }
    if (cli->create_account && !password) {
        if (!cli->interactive) {
            cli_print_error(_("--register needs --password-file FILE (or a terminal to type "
                              "the password)"));
            return FALSE;
        }
        char *prompt = g_strdup_printf(_("Choose a password for %s: "), cli->user);
        ask_secret(cli, prompt, on_password_typed);
        g_free(prompt);
        return TRUE;
    }
    login(cli, password, token);
    if (password)
        memset(password, 0, strlen(password));
    g_free(password);
    g_free(token);
    return TRUE;
}

static gboolean relogin_from_file(gpointer data)
{
    struct cli *cli = data;
    char *password = password_file_read(cli->password_file);
    if (!password) {
        cli_fail(cli);
        return G_SOURCE_REMOVE;
    }
    login(cli, password, NULL);
    memset(password, 0, strlen(password));
    g_free(password);
    return G_SOURCE_REMOVE;
}

/* A refused login (see cli.h): a saved login that expired is replaced by the password
 * (read again, or asked for); a name that needs an account gets its password asked for
 * on a terminal. */
gboolean cli_login_retry(struct cli *cli, guint code)
{
    gboolean needs_password = code == CHAT_SESSION_ERROR_TOKEN_REFUSED ||
                              code == CHAT_SESSION_ERROR_ACCOUNT_NEEDED ||
                              (code == CHAT_SESSION_ERROR_NAME_TAKEN && cli->guest_attempt);
    if (!needs_password || cli->leaving)
        return FALSE;
    if (code == CHAT_SESSION_ERROR_TOKEN_REFUSED && cli->password_file) {
        g_idle_add(relogin_from_file, cli); /* after the refusal's signals are done */
        return TRUE;
    }
    if (!cli->interactive)
        return FALSE;
    ask_password(cli, code == CHAT_SESSION_ERROR_TOKEN_REFUSED
                          ? _("Your saved login has expired. ")
                      : code == CHAT_SESSION_ERROR_NAME_TAKEN
                          ? _("The name is taken; if it is your account, enter its password. ")
                          : _("This server needs an account. "));
    return TRUE;
}

/* ---- Commands ---- */

static void report(struct cli *cli, GError *error)
{
    if (error)
        cli_request_failed(cli, "%s", error->message);
    g_clear_error(&error);
}

static void on_new_password(struct cli *cli, const char *password)
{
    GError *error = NULL;
    if (password && password[0] && cli->old_password)
        chat_session_change_password(cli->session, cli->old_password, password, &error);
    else
        cli_request_failed(cli, _("password not changed: no password given"));
    report(cli, error);
    if (cli->old_password)
        memset(cli->old_password, 0, strlen(cli->old_password));
    g_clear_pointer(&cli->old_password, g_free);
    cli_maybe_finish(cli);
}

static void on_old_password(struct cli *cli, const char *password)
{
    if (!password || !password[0]) {
        cli_request_failed(cli, _("password not changed: no password given"));
        return;
    }
    cli->old_password = g_strdup(password);
    ask_secret(cli, _("New password: "), on_new_password);
}

/* What /role takes after the name. */
static gboolean parse_role(const char *word, guint32 *role)
{
    if (g_ascii_strcasecmp(word, "member") == 0)
        *role = CHAT_ROLE_MEMBER;
    else if (g_ascii_strcasecmp(word, "moderator") == 0)
        *role = CHAT_ROLE_MODERATOR;
    else if (g_ascii_strcasecmp(word, "admin") == 0)
        *role = CHAT_ROLE_ADMIN;
    else
        return FALSE;
    return TRUE;
}

static const struct moderation_command {
    const char *name;
    ChatModeration action;
    const char *usage;
    gboolean takes_value; /* the word after the name is a number or role, not a reason */
} moderation_commands[] = {
    { "/kick", CHAT_MOD_KICK, "/kick NAME REASON", FALSE },
    { "/ban", CHAT_MOD_BAN, "/ban NAME [REASON]", FALSE },
    { "/unban", CHAT_MOD_UNBAN, "/unban NAME", FALSE },
    { "/mute", CHAT_MOD_MUTE, "/mute NAME MINUTES", TRUE },
    { "/role", CHAT_MOD_SET_ROLE, "/role NAME moderator|member", TRUE },
    { "/delete", CHAT_MOD_DELETE, "/delete NAME", FALSE },
};

/* NAME (quoted when it holds spaces), then a value or a reason. */
static void command_moderate(struct cli *cli, const struct moderation_command *command,
                             const char *args)
{
    char **words = NULL;
    int n = 0;
    guint32 value = 0;
    guint64 minutes = 0;
    gboolean ok = args[0] && g_shell_parse_argv(args, &n, &words, NULL) && n >= 1;
    if (ok && command->action == CHAT_MOD_MUTE)
        ok = n == 2 && g_ascii_string_to_unsigned(words[1], 10, 0, MUTE_MAX_MINUTES, &minutes,
                                                  NULL);
    else if (ok && command->action == CHAT_MOD_SET_ROLE)
        ok = n == 2 && parse_role(words[1], &value);
    else if (ok && command->action == CHAT_MOD_KICK)
        ok = n >= 2;
    if (!ok) {
        cli_request_failed(cli, _("usage: %s"), command->usage);
        g_strfreev(words);
        return;
    }
    if (command->action == CHAT_MOD_MUTE)
        value = (guint32)minutes;
    char *reason = command->takes_value ? NULL : g_strjoinv(" ", words + 1);
    GError *error = NULL;
    chat_session_moderate(cli->session, command->action, words[0], value, reason, &error);
    report(cli, error);
    g_free(reason);
    g_strfreev(words);
}

/* /logout, /password, /invite and the moderation commands (see cli.h). */
gboolean cli_account_command(struct cli *cli, const char *command, char *args)
{
    GError *error = NULL;
    if (strcmp(command, "/logout") == 0) {
        cli->logout_requested = TRUE;
        if (cli->interactive)
            cli_leave(cli);
        else
            cli->input_done = TRUE; /* like /quit from a pipe: finish first */
        cli_maybe_finish(cli);
    } else if (strcmp(command, "/password") == 0) {
        ask_secret(cli, _("Current password: "), on_old_password);
    } else if (strcmp(command, "/invite") == 0) {
        chat_session_create_invite(cli->session, &error);
        report(cli, error);
    } else {
        for (gsize i = 0; i < G_N_ELEMENTS(moderation_commands); i++) {
            if (strcmp(command, moderation_commands[i].name) == 0) {
                command_moderate(cli, &moderation_commands[i], args);
                return TRUE;
            }
        }
        return FALSE;
    }
    return TRUE;
}

/* ---- Answers ---- */

static void on_request_done(ChatSession *session, guint64 id, const char *what, struct cli *cli)
{
    (void)session;
    (void)id;
    (void)cli;
    cli_print_event("* %s", what);
}

static void on_request_failed(ChatSession *session, guint64 id, guint code, const char *message,
                              struct cli *cli)
{
    (void)session;
    (void)id;
    (void)code;
    cli_request_failed(cli, "%s", message);
}

static void on_invite_created(ChatSession *session, guint64 id, const char *code,
                              struct cli *cli)
{
    (void)session;
    (void)id;
    (void)cli;
    cli_print_event(_("* invite code: %s"), code);
}

static void on_notice(ChatSession *session, const char *text, struct cli *cli)
{
    (void)session;
    (void)cli;
    cli_print_event("* %s", text);
}

/* Connects the account signals (see cli.h). */
void cli_account_connect_signals(struct cli *cli)
{
    g_signal_connect(cli->session, "token-changed", G_CALLBACK(on_token_changed), cli);
    g_signal_connect(cli->session, "request-done", G_CALLBACK(on_request_done), cli);
    g_signal_connect(cli->session, "request-failed", G_CALLBACK(on_request_failed), cli);
    g_signal_connect(cli->session, "invite-created", G_CALLBACK(on_invite_created), cli);
    g_signal_connect(cli->session, "notice", G_CALLBACK(on_notice), cli);
}

/* Frees the account part of cli; a prompt left open gets its echo back. */
void cli_account_clear(struct cli *cli)
{
    if (cli->secret_func && cli->interactive)
        set_echo(TRUE);
    if (cli->old_password)
        memset(cli->old_password, 0, strlen(cli->old_password));
    g_clear_pointer(&cli->old_password, g_free);
    g_clear_pointer(&cli->token_path, g_free);
}
