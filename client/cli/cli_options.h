/* chat-cli's command line: its options, --help (with every /command), and the checks
 * of options that only make sense together. */
#ifndef CHAT_CLI_OPTIONS_H
#define CHAT_CLI_OPTIONS_H

#include <glib.h>

/* What the command line asks for; strings owned (cli_options_clear). */
struct cli_options {
    char *host;
    int port;                /* -1: not given */
    char *server_list;       /* --server, as typed */
    GPtrArray *servers;      /* ChatServerAddress to connect to (from the three above) */
    char *user;
    char *files_dir;
    char *password_file;
    char *token_file;
    char *invite;
    gboolean create_account;
    gboolean version;
    gboolean no_tls;
    char *trust_fingerprint;
    gboolean forget_certificate;
    gboolean no_typing;
    gboolean no_receipts;
};

/* Parses argv (GOption: the parsed options are taken out of it) into o (zeroed
 * beforehand). FALSE after printing the problem on stderr; TRUE to go on, with
 * o->servers set (check o->version first, then o->forget_certificate: they need no
 * --user). */
gboolean cli_options_parse(int *argc, char ***argv, struct cli_options *o);

/* Frees o's strings. */
void cli_options_clear(struct cli_options *o);

#endif
