/* chat-cli's command line (cli_options.h). */
#include "client/cli/cli_options.h"

#include <glib/gi18n.h>

#include "client/cli/cli_print.h"
#include "client/core/server_list.h"
#include "client/core/session.h"

#define CLI_DEFAULT_HOST "127.0.0.1"
#define CLI_DEFAULT_PORT 1234
#define PORT_NOT_GIVEN (-1)

void cli_options_clear(struct cli_options *o)
{
    g_free(o->host);
    g_free(o->server_list);
    g_clear_pointer(&o->servers, g_ptr_array_unref);
    g_free(o->user);
    g_free(o->files_dir);
    g_free(o->password_file);
    g_free(o->token_file);
    g_free(o->invite);
    g_free(o->trust_fingerprint);
}

/* TRUE when text is a SHA-256 fingerprint chat_fingerprint_normalize understands. */
static gboolean fingerprint_ok(const char *text)
{
    char *canonical = chat_fingerprint_normalize(text);
    g_free(canonical);
    return canonical != NULL;
}

/* o->servers from --server, or from --host and --port; FALSE after printing why not. */
static gboolean servers_parse(struct cli_options *o)
{
    if (o->server_list != NULL && (o->host != NULL || o->port != PORT_NOT_GIVEN)) {
        cli_print_error(_("--server names the servers: give it or --host/--port, not both"));
        return FALSE;
    }
    if (o->server_list == NULL && o->port != PORT_NOT_GIVEN && (o->port < 1 || o->port > 65535)) {
        cli_print_error(_("--port must be between 1 and 65535"));
        return FALSE;
    }
    char *problem = NULL;
    if (o->server_list != NULL)
        o->servers = chat_server_list_parse(o->server_list, CLI_DEFAULT_PORT, &problem);
    else
        o->servers = chat_server_list_new_single(o->host ? o->host : CLI_DEFAULT_HOST,
                                                 o->port != PORT_NOT_GIVEN ? (guint16)o->port
                                                                           : CLI_DEFAULT_PORT);
    if (o->servers == NULL) {
        cli_print_error(_("--server: %s"), problem);
        g_free(problem);
        return FALSE;
    }
    return TRUE;
}

gboolean cli_options_parse(int *argc, char ***argv, struct cli_options *o)
{
    o->port = PORT_NOT_GIVEN;
    GOptionEntry entries[] = {
        { "host", 0, 0, G_OPTION_ARG_STRING, &o->host, N_("Server address (127.0.0.1)"),
          N_("ADDR") },
        { "port", 0, 0, G_OPTION_ARG_INT, &o->port, N_("Server port (1234)"), N_("N") },
        { "server", 0, 0, G_OPTION_ARG_STRING, &o->server_list,
          N_("The servers of one chat, tried in turn: when one cannot be reached or the "
             "connection is lost, the next is tried at once (instead of --host/--port)"),
          N_("HOST:PORT,...") },
        { "user", 0, 0, G_OPTION_ARG_STRING, &o->user, N_("Your name in the chat"),
          N_("NAME") },
        { "files-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->files_dir,
          N_("Where /get saves files (received_files)"), N_("DIR") },
        { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &o->password_file,
          N_("Read the password from the first line of FILE (else it is asked for on a "
             "terminal when needed)"), N_("FILE") },
        { "register", 0, 0, G_OPTION_ARG_NONE, &o->create_account,
          N_("Create the account NAME with that password first"), NULL },
        { "invite", 0, 0, G_OPTION_ARG_STRING, &o->invite,
          N_("Invite code for --register, when the server asks for one"), N_("CODE") },
        { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &o->token_file,
          N_("Where the login is kept for next time (default: a 0600 file in "
             "$XDG_STATE_HOME/chat-cli/)"), N_("FILE") },
        { "no-tls", 0, 0, G_OPTION_ARG_NONE, &o->no_tls,
          N_("Talk plain text (only to a server started with --no-tls: loopback, tests)"), NULL },
        { "trust-fingerprint", 0, 0, G_OPTION_ARG_STRING, &o->trust_fingerprint,
          N_("Trust the server certificate with this SHA-256 fingerprint (and pin it)"),
          N_("SHA256") },
        { "forget-certificate", 0, 0, G_OPTION_ARG_NONE, &o->forget_certificate,
          N_("Forget the certificate pinned for --host/--port (or each --server), then "
             "exit"), NULL },
        { "no-typing", 0, 0, G_OPTION_ARG_NONE, &o->no_typing,
          N_("Never tell others that you are typing (/typing does nothing)"), NULL },
        { "no-receipts", 0, 0, G_OPTION_ARG_NONE, &o->no_receipts,
          N_("Send no read receipts and show none (for every device of the account)"),
          NULL },
        { "version", 0, 0, G_OPTION_ARG_NONE, &o->version, N_("Show the version and exit"),
          NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    /* GOption translates the entries, the parameter string and the summary itself. */
    GOptionContext *context = g_option_context_new(N_("- chat from the terminal"));
    g_option_context_set_translation_domain(context, GETTEXT_PACKAGE);
    g_option_context_set_summary(context, N_(
        "Lines you type are sent as messages to the current room (at first the lobby);\n"
        "every line printed names its room: [#lobby], or [@bob] for direct messages.\n"
        "Commands:\n"
        "  /send PATH          share a file (in the current room)\n"
        "  /get ID [FOLDER]    download shared file #ID\n"
        "  /users              list who is online (with roles; away ones say so)\n"
        "  /away [on|off]      say you are away, or back (from a terminal: away by\n"
        "                      itself after 10 minutes without a line)\n"
        "Rooms (accounts only; a ROOM or USER with spaces goes in quotes for /msg):\n"
        "  /rooms              list the rooms you can join and the ones you are in\n"
        "  /join ROOM          join a public room, or a private one you were invited to\n"
        "  /create [--private] ROOM   create a room (and go there)\n"
        "  /leave [ROOM]       leave the room (default: the current one)\n"
        "  /switch ROOM        send to ROOM from now on (#room, or @user for a direct\n"
        "                      conversation)\n"
        "  /msg USER TEXT      send USER a direct message (then /switch @USER)\n"
        "  /topic [TEXT]       set (or clear) the current room's topic\n"
        "  /invite USER        invite USER into the current (private) room\n"
        "  /block USER, /unblock USER   refuse (or accept again) USER's direct messages\n"
        "  /history [N]        show the current room's N earlier messages (20)\n"
        "Messages (each line shows its #ID):\n"
        "  /reply ID TEXT      answer message #ID (the answer shows a short quote)\n"
        "  /edit ID TEXT       change the text of your message #ID\n"
        "  /delete ID          delete your message #ID (moderators: anyone's)\n"
        "  /react ID EMOJI     add (or take back) a reaction to #ID\n"
        "  /read               mark the current room read up to its newest message\n"
        "  /typing [active|paused|done]   tell the room you type (see --no-typing)\n"
        "  /search TEXT        find messages with all these words in your rooms (best\n"
        "                      first: room, #id, time, sender and the words around)\n"
        "  /notify all|mentions|none   what rings the bell in the current room: a\n"
        "                      message that mentions you (@NAME) is shown in bold and\n"
        "                      rings unless \"none\"; not on a terminal, it starts \"! \"\n"
        "  /password           change your password (asked for without echo; from a\n"
        "                      pipe, the next two lines are the old and the new one)\n"
        "  /logout             forget this login on the server and here, and leave\n"
        "  /quit               leave (the login is kept for next time)\n"
        "Admins and moderators (a NAME with spaces goes in quotes):\n"
        "  /invite             (no USER) admins: print a new single-use invite code for\n"
        "                      registering an account\n"
        "  /kick NAME REASON   disconnect NAME, telling everyone why\n"
        "  /mute NAME MINUTES  NAME cannot send for that long (0 lifts it)\n"
        "  /ban NAME [REASON]  admins: NAME cannot log in any more\n"
        "  /unban NAME         admins\n"
        "  /role NAME moderator|member   admins\n"
        "  /delete NAME        admins: remove the account (a NAME of digits in quotes)\n"
        "\n"
        "Texts not yet acknowledged are kept in $XDG_STATE_HOME/chat-cli/ and sent again\n"
        "after a restart or reconnect (never twice); after a login, what was missed in\n"
        "each room comes first (once, in order).\n"
        "\n"
        "Logging in: a login kept from last time is used first; else --password-file, or\n"
        "the password is asked for on a terminal when the server needs an account; with\n"
        "neither, you join as a guest (if the server admits guests). A refused login\n"
        "exits with status 1 and the reason on stderr."));
    g_option_context_set_description(context, N_(
        "Connections use TLS. A certificate signed for the host by a CA the system trusts\n"
        "(or by one in the PEM file $CHAT_CA_FILE names, which then replaces the system's)\n"
        "is accepted silently. Otherwise, the first time, chat-cli shows the certificate's\n"
        "SHA-256 fingerprint and asks (on a terminal; without one, pass\n"
        "--trust-fingerprint); the answer is pinned per host and port in\n"
        "$XDG_STATE_HOME/chat-client/known_servers, shared with chat-client. A certificate\n"
        "that changed is refused; --forget-certificate forgets the old one deliberately."));
    g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
    GError *error = NULL;
    gboolean ok = g_option_context_parse(context, argc, argv, &error);
    g_option_context_free(context);
    if (!ok) {
        cli_print_error(_("%s (see --help)"), error->message);
        g_error_free(error);
        return FALSE;
    }
    if (o->version)
        return TRUE;
    if (*argc > 1) {
        cli_print_error(_("unexpected argument %s (see --help)"), (*argv)[1]);
        return FALSE;
    }
    if (!servers_parse(o))
        return FALSE;
    if (o->trust_fingerprint && !fingerprint_ok(o->trust_fingerprint)) {
        cli_print_error(_("--trust-fingerprint needs a SHA-256 fingerprint: 64 hex digits, "
                          "colons allowed"));
        return FALSE;
    }
    if (o->forget_certificate)
        return TRUE;
    if (!o->user || !o->user[0]) {
        cli_print_error(_("--user NAME is required"));
        return FALSE;
    }
    if (o->invite && !o->create_account) {
        cli_print_error(_("--invite CODE goes with --register"));
        return FALSE;
    }
    return TRUE;
}
