/* chat-cli: the terminal front end over ChatSession.
 *
 * stdin lines are messages (to the current room) or commands (/send PATH, /get ID [DIR],
 * /users, /join ROOM, /quit...); every event is one stdout line "[#room] HH:MM:SS ..."
 * (a room's events; "[@name]" for a direct conversation) or "HH:MM:SS ..." (the
 * session's), and every problem one stderr line "error: ...", each flushed at once so a
 * program reading the pipe sees it promptly.
 * From a terminal the session reconnects after a loss and /quit or Ctrl+D leave at once;
 * from a pipe or file it finishes everything queued at end of input, says goodbye and
 * exits 0, and a login refused or a connection lost ends it with status 1. */
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "client/cli/cli.h"
#include "client/cli/cli_options.h"
#include "client/cli/cli_trust.h"
#include "common/i18n.h"

#define CLI_VERSION CHAT_VERSION /* the Makefile's VERSION */
#define CLI_AGENT "chat-cli/" CLI_VERSION
#define EXIT_USAGE 2
#define CLI_AUTO_AWAY_S 600 /* idle seconds before chat-cli says it is away (issue 12) */


/* ---- Output (cli_print.c makes every line safe) ---- */

/* "* online: alice (admin), bob (away), carol (guest, away)". */
static void print_online(struct cli *cli)
{
    static const char *const role_names[] = {
        [CHAT_ROLE_MEMBER] = NULL,
        [CHAT_ROLE_MODERATOR] = N_("moderator"),
        [CHAT_ROLE_ADMIN] = N_("admin"),
        [CHAT_ROLE_GUEST] = N_("guest"),
    };
    GPtrArray *names = chat_session_list_users(cli->session);
    GString *list = g_string_new(NULL);
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        const char *role = role_names[chat_session_get_user_role(cli->session, name)];
        gboolean away = chat_session_user_away(cli->session, name);
        g_string_append_printf(list, "%s%s", i ? ", " : "", name);
        if (role || away)
            g_string_append_printf(list, " (%s%s%s)", role ? _(role) : "",
                                   role && away ? ", " : "", away ? _("away") : "");
    }
    cli_print_event(_("* online: %s"), list->str);
    g_string_free(list, TRUE);
    g_ptr_array_unref(names);
}

/* ---- Leaving ---- */

/* Says goodbye (or, after /logout, revokes the login) and quits once disconnected. */
void cli_leave(struct cli *cli)
{
    if (cli->leaving)
        return;
    cli->leaving = TRUE;
    g_cancellable_cancel(cli->cancel);
    if (cli->logout_requested)
        chat_session_logout(cli->session);
    else
        chat_session_disconnect(cli->session);
    if (chat_session_get_state(cli->session) == CHAT_SESSION_DISCONNECTED)
        g_main_loop_quit(cli->loop);
}

/* At end of input: leave once logged in with everything sent, acknowledged and moved. */
void cli_maybe_finish(struct cli *cli)
{
    if (cli->input_done && !cli->leaving &&
        chat_session_get_state(cli->session) == CHAT_SESSION_ONLINE &&
        chat_session_is_idle(cli->session))
        cli_leave(cli);
}

/* Reports a request that failed (a text, a transfer, a command): the session goes on,
 * but a script learns of it from the exit status. */
void cli_request_failed(struct cli *cli, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *text = g_strdup_vprintf(format, args);
    va_end(args);
    cli_print_error("%s", text);
    g_free(text);
    cli->status = EXIT_FAILURE;
}

/* Ends the program with status 1 (the reason is already printed). */
void cli_fail(struct cli *cli)
{
    cli->status = EXIT_FAILURE;
    cli->leaving = TRUE;
    g_cancellable_cancel(cli->cancel);
    g_main_loop_quit(cli->loop);
}

/* ---- Session events ---- */

static void cli_handle_line(struct cli *cli, char *line);

/* The first login: lines read while it was under way (commands need it) run now, in
 * order. */
static void handle_early_lines(struct cli *cli)
{
    cli->ever_online = TRUE;
    char *line;
    while (!cli->leaving && (line = g_queue_pop_head(&cli->early_lines)) != NULL) {
        if (!cli_take_secret(cli, line)) /* a line after /password answers its prompt */
            cli_handle_line(cli, line);
        g_free(line);
    }
}

static void on_state_changed(ChatSession *session, int state, const char *detail,
                             struct cli *cli)
{
    if (state != CHAT_SESSION_DISCONNECTED)
        cli->retrying = FALSE;
    if (state == CHAT_SESSION_ONLINE) {
        if (cli->servers->len > 1) { /* which of them: failing over shows */
            char *server = chat_session_get_server(session);
            cli_print_event(_("* connected as %s to %s"), chat_session_get_username(session),
                            server);
            g_free(server);
        } else {
            cli_print_event(_("* connected as %s"), chat_session_get_username(session));
        }
        print_online(cli);
        if (!cli->ever_online)
            handle_early_lines(cli);
        cli_maybe_finish(cli);
    } else if (state == CHAT_SESSION_RECONNECTING) {
        cli_print_error("%s", detail);
    } else if (state == CHAT_SESSION_DISCONNECTED) {
        if (cli->asking) {
            return; /* waiting for the user's answer to the certificate question */
        } else if (cli->retrying) {
            return; /* a refused login is being retried with a password */
        } else if (cli->leaving) {
            g_main_loop_quit(cli->loop);
        } else {
            cli_print_error("%s", detail ? detail : _("disconnected"));
            cli_fail(cli);
        }
    }
}

static void on_login_failed(ChatSession *session, guint code, const char *message,
                            struct cli *cli)
{
    (void)session;
    if (cli->asking)
        return; /* the certificate question is open; its answer decides */
    if (cli_login_retry(cli, code)) {
        cli->retrying = TRUE;
        return;
    }
    if (!cli->cert_explained) /* else cli_trust_report said why */
        cli_print_error("%s", message);
    cli_fail(cli);
}

static void on_certificate_untrusted(ChatSession *session, ChatCertificate *cert,
                                     struct cli *cli)
{
    (void)session;
    if (cli_trust_report(cert, cli->interactive && !cli->leaving))
        cli->asking = g_boxed_copy(CHAT_TYPE_CERTIFICATE, cert);
    else
        cli->cert_explained = TRUE;
}

/* The user's answer to the certificate question (NULL: input ended). */
static void cli_answer_trust(struct cli *cli, const char *line)
{
    ChatCertificate *cert = g_steal_pointer(&cli->asking);
    if (!cli_trust_answer(cli->session, cert, line))
        cli_fail(cli);
    g_boxed_free(CHAT_TYPE_CERTIFICATE, cert);
}

static void on_message(ChatSession *session, ChatMessage *msg, struct cli *cli)
{
    (void)session;
    cli_hold_message(cli, msg);
}

static void on_message_failed(ChatSession *session, ChatMessage *msg, const char *reason,
                              struct cli *cli)
{
    (void)session;
    (void)msg;
    cli_request_failed(cli, _("message not sent: %s"), reason);
}

static void on_user_joined(ChatSession *session, guint id, const char *name, struct cli *cli)
{
    (void)session;
    (void)id;
    cli_print_room_event(cli, CLI_LOBBY, _("* %s joined"), name);
}

static void on_user_left(ChatSession *session, guint id, const char *name, struct cli *cli)
{
    (void)session;
    (void)id;
    cli_print_room_event(cli, CLI_LOBBY, _("* %s left"), name);
}

static void on_file_announced(ChatSession *session, ChatFileInfo *file, struct cli *cli)
{
    (void)session;
    char *image = file->thumbnail ? g_strdup_printf(_(" [image %ux%u]"), file->thumb_width,
                                                    file->thumb_height)
                                  : g_strdup("");
    char *line = g_strdup_printf(_("* %s shared #%llu %s (%llu bytes)%s"), file->uploader,
                                 (unsigned long long)file->file_id, file->name,
                                 (unsigned long long)file->size, image);
    cli_hold_file(cli, file->room_id, file->message_id, line);
    g_free(line);
    g_free(image);
}

static void on_transfer_finished(ChatSession *session, ChatTransfer *t, struct cli *cli)
{
    (void)session;
    (void)cli;
    const char *name = chat_transfer_get_name(t);
    if (chat_transfer_get_direction(t) == CHAT_TRANSFER_UPLOAD)
        cli_print_event(_("* upload %s complete"), name);
    else
        cli_print_event(_("* download %s complete: %s"), name, chat_transfer_get_path(t));
}

static void on_transfer_failed(ChatSession *session, ChatTransfer *t, const char *reason,
                               struct cli *cli)
{
    (void)session;
    if (chat_transfer_get_direction(t) == CHAT_TRANSFER_UPLOAD)
        cli_request_failed(cli, _("upload %s failed: %s"), chat_transfer_get_name(t), reason);
    else
        cli_request_failed(cli, _("download %s failed: %s"), chat_transfer_get_name(t), reason);
}

static void on_server_error(ChatSession *session, guint code, const char *message,
                            struct cli *cli)
{
    (void)session;
    (void)code;
    (void)cli;
    cli_print_error(_("server: %s"), message);
}

static void on_idle(ChatSession *session, struct cli *cli)
{
    (void)session;
    cli_maybe_finish(cli);
}

/* ---- Input ---- */

static void report(struct cli *cli, GError *error)
{
    if (error)
        cli_request_failed(cli, "%s", error->message);
    g_clear_error(&error);
}

static void command_get(struct cli *cli, const char *args)
{
    char *end = NULL;
    const char *digits = args[0] == '#' ? args + 1 : args;
    guint64 id = g_ascii_strtoull(digits, &end, 10);
    if (end == digits || (*end && !g_ascii_isspace(*end)) || id == 0) {
        cli_request_failed(cli, _("usage: /get ID [FOLDER]"));
        return;
    }
    char *dir = g_strstrip(g_strdup(end));
    GError *error = NULL;
    chat_session_download(cli->session, id, dir[0] ? dir : cli->files_dir, &error);
    report(cli, error);
    g_free(dir);
}

/* /away [on|off]: says we are away (no argument: the other way round). */
static void command_away(struct cli *cli, const char *args)
{
    gboolean away = !chat_session_get_away(cli->session);
    if (strcmp(args, "on") == 0 || strcmp(args, "off") == 0)
        away = strcmp(args, "on") == 0;
    else if (args[0]) {
        cli_request_failed(cli, _("usage: /away [on|off]"));
        return;
    }
    chat_session_set_away(cli->session, away);
    cli_print_event("%s", away ? _("* you are away") : _("* you are back"));
}

static void cli_handle_line(struct cli *cli, char *line)
{
    chat_session_note_input(cli->session); /* a typed line: not idle */
    size_t len = strlen(line);
    if (len > 0 && line[len - 1] == '\r')
        line[len - 1] = '\0'; /* a CRLF line ending */
    if (!line[0])
        return;
    GError *error = NULL;
    if (line[0] != '/') {
        chat_session_send_text_to(cli->session, cli->room_id, line, &error);
        report(cli, error);
        return;
    }
    char *args = line + strcspn(line, " \t");
    if (*args)
        *args++ = '\0';
    args = g_strstrip(args);
    if (strcmp(line, "/send") == 0) {
        if (args[0])
            chat_session_upload_to(cli->session, cli->room_id, args, &error);
        else
            cli_request_failed(cli, _("usage: /send PATH"));
        report(cli, error);
    } else if (strcmp(line, "/get") == 0) {
        command_get(cli, args);
    } else if (strcmp(line, "/users") == 0) {
        print_online(cli);
    } else if (strcmp(line, "/away") == 0) {
        command_away(cli, args);
    } else if (cli_rooms_command(cli, line, args)) {
        /* rooms and direct messages: cli_rooms.c */
    } else if (cli_live_command(cli, line, args)) {
        /* edits, deletions, replies, reactions, read markers: cli_live.c */
    } else if (cli_account_command(cli, line, args)) {
        /* accounts and moderation: cli_account.c */
    } else if (cli_search_command(cli, line, args)) {
        /* search and notification levels: cli_search.c */
    } else if (strcmp(line, "/quit") == 0) {
        if (cli->interactive)
            cli_leave(cli);
        else
            cli->input_done = TRUE; /* like the end of a piped input: finish first */
        cli_maybe_finish(cli);
    } else {
        cli_request_failed(cli, _("unknown command %s (see --help)"), line);
    }
}

static void cli_read_line(struct cli *cli);

static void on_line(GObject *source, GAsyncResult *res, gpointer data)
{
    struct cli *cli = data;
    GError *error = NULL;
    char *line = g_data_input_stream_read_line_finish(G_DATA_INPUT_STREAM(source), res, NULL,
                                                      &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        g_error_free(error);
        return;
    }
    if (line && cli->asking) {
        cli_answer_trust(cli, line);
        g_free(line);
        if (!cli->leaving)
            cli_read_line(cli);
        return;
    }
    if (line && cli_take_secret(cli, line)) {
        g_free(line);
        if (!cli->leaving && !cli->input_done)
            cli_read_line(cli);
        return;
    }
    if (line && !cli->ever_online) {
        g_queue_push_tail(&cli->early_lines, line);
        cli_read_line(cli);
        return;
    }
    if (line) {
        cli_handle_line(cli, line);
        g_free(line);
        if (!cli->leaving && !cli->input_done)
            cli_read_line(cli);
        return;
    }
    report(cli, error);
    cli_take_secret(cli, NULL); /* a password was asked for and never came */
    if (cli->asking) {
        cli_answer_trust(cli, NULL);
    } else if (cli->interactive) {
        cli_leave(cli);
    } else {
        cli->input_done = TRUE;
        cli_maybe_finish(cli);
    }
}

static void cli_read_line(struct cli *cli)
{
    g_data_input_stream_read_line_async(cli->input, G_PRIORITY_DEFAULT, cli->cancel, on_line,
                                        cli);
}

/* SIGINT/SIGTERM: say goodbye and leave with the conventional status 128 + signal; a
 * second signal ends the program without waiting. */
static void cli_interrupted(struct cli *cli, int signal_number)
{
    if (cli->leaving)
        g_main_loop_quit(cli->loop);
    cli->status = 128 + signal_number;
    cli_leave(cli);
}

static gboolean on_sigint(gpointer data)
{
    cli_interrupted(data, SIGINT);
    return G_SOURCE_CONTINUE;
}

static gboolean on_sigterm(gpointer data)
{
    cli_interrupted(data, SIGTERM);
    return G_SOURCE_CONTINUE;
}

/* ---- Start-up ---- */

/* --forget-certificate: the deliberate way past a changed certificate, for each server. */
static int forget_certificates(GPtrArray *servers)
{
    int status = EXIT_SUCCESS;
    char *file = chat_trust_file();
    for (guint i = 0; i < servers->len; i++) {
        const ChatServerAddress *server = g_ptr_array_index(servers, i);
        GError *error = NULL;
        if (!chat_trust_forget(server->host, server->port, &error)) {
            cli_print_error("%s", error->message);
            g_error_free(error);
            status = EXIT_FAILURE;
        } else {
            cli_print_notice("Forgot the certificate pinned for %s port %u (in %s). The next "
                             "connection shows the server's fingerprint and asks.",
                             server->host, server->port, file);
        }
    }
    g_free(file);
    return status;
}

static void connect_signals(struct cli *cli)
{
    static const struct {
        const char *name;
        GCallback handler;
    } handlers[] = {
        { "state-changed", G_CALLBACK(on_state_changed) },
        { "login-failed", G_CALLBACK(on_login_failed) },
        { "message", G_CALLBACK(on_message) },
        { "message-failed", G_CALLBACK(on_message_failed) },
        { "user-joined", G_CALLBACK(on_user_joined) },
        { "user-left", G_CALLBACK(on_user_left) },
        { "file-announced", G_CALLBACK(on_file_announced) },
        { "transfer-finished", G_CALLBACK(on_transfer_finished) },
        { "transfer-failed", G_CALLBACK(on_transfer_failed) },
        { "server-error", G_CALLBACK(on_server_error) },
        { "idle", G_CALLBACK(on_idle) },
        { "certificate-untrusted", G_CALLBACK(on_certificate_untrusted) },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(handlers); i++)
        g_signal_connect(cli->session, handlers[i].name, handlers[i].handler, cli);
}

int main(int argc, char **argv)
{
    i18n_init();
    struct cli_options o = { 0 };
    if (!cli_options_parse(&argc, &argv, &o) || o.version) {
        if (o.version)
            printf("chat-cli %s\n", CLI_VERSION);
        cli_options_clear(&o);
        return o.version ? EXIT_SUCCESS : EXIT_USAGE;
    }

    if (o.forget_certificate) {
        int status = forget_certificates(o.servers);
        cli_options_clear(&o);
        return status;
    }

    struct cli cli = { .status = EXIT_SUCCESS };
    cli.interactive = isatty(STDIN_FILENO);
    cli.files_dir = o.files_dir ? o.files_dir : "received_files";
    cli.loop = g_main_loop_new(NULL, FALSE);
    cli.cancel = g_cancellable_new();
    cli.session = chat_session_new(CLI_AGENT);
    /* From a pipe nobody is there to wait for a reconnect: a lost connection ends it. */
    chat_session_set_auto_reconnect(cli.session, cli.interactive);
    if (cli.interactive) /* someone at the keyboard: away after 10 idle minutes */
        chat_session_set_auto_away(cli.session, CLI_AUTO_AWAY_S);
    chat_session_set_tls(cli.session, !o.no_tls);
    chat_session_set_expected_fingerprint(cli.session, o.trust_fingerprint);
    connect_signals(&cli);
    cli_account_connect_signals(&cli);
    cli_rooms_connect_signals(&cli);
    cli_live_connect_signals(&cli);
    chat_session_set_send_typing(cli.session, !o.no_typing);
    if (o.no_receipts)
        chat_session_set_receipts(cli.session, FALSE);
    cli_search_connect_signals(&cli);
    GInputStream *in = g_unix_input_stream_new(STDIN_FILENO, FALSE);
    cli.input = g_data_input_stream_new(in);
    g_object_unref(in);
    guint sigint = g_unix_signal_add(SIGINT, on_sigint, &cli);
    guint sigterm = g_unix_signal_add(SIGTERM, on_sigterm, &cli);

    cli.servers = o.servers;
    cli.user = o.user;
    cli.password_file = o.password_file;
    cli.invite = o.invite;
    cli.create_account = o.create_account;
    cli.token_path = cli_token_path(o.token_file, cli.servers, cli.user);
    char *outbox_dir = g_build_filename(g_get_user_state_dir(), "chat-cli", NULL);
    chat_session_set_outbox_dir(cli.session, outbox_dir); /* survives a crash: resent */
    g_free(outbox_dir);
    if (cli_login_start(&cli)) {
        cli_read_line(&cli);
        g_main_loop_run(cli.loop);
    } else {
        cli.status = EXIT_FAILURE;
    }

    g_source_remove(sigint);
    g_source_remove(sigterm);
    g_cancellable_cancel(cli.cancel);
    cli_hold_clear(&cli);
    g_object_unref(cli.session);
    g_object_unref(cli.input);
    g_object_unref(cli.cancel);
    if (cli.asking)
        g_boxed_free(CHAT_TYPE_CERTIFICATE, cli.asking);
    g_main_loop_unref(cli.loop);
    cli_account_clear(&cli);
    cli_rooms_clear(&cli);
    cli_live_clear(&cli);
    g_queue_clear_full(&cli.early_lines, g_free);
    cli_options_clear(&o);
    return cli.status;
}
