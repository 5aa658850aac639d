/* chat-server's options: the configuration file's keys (config.h), then the command
 * line, through one getopt_long parser, so the command line wins. --help's text is in
 * options_help.c. */
#ifndef CHAT_SERVER_OPTIONS_H
#define CHAT_SERVER_OPTIONS_H

#include <stdbool.h>

#include "server/accounts_cli.h"
#include "server/config.h"
#include "server/server.h"

enum exit_status {
    EXIT_OK = 0,
    EXIT_RUNTIME = 1, /* could not start (port in use, files directory...) or failed */
    EXIT_USAGE = 2,   /* bad command line or configuration file */
};

/* What the options ask for besides the server's configuration. */
struct options_request {
    const char *config_path;           /* the configuration file read, or NULL */
    bool check_only;                   /* --check-config */
    bool log_chosen;                   /* --log was given: it wins over the journal */
    const char *backup_path;           /* --backup PATH, or NULL */
    struct accounts_command accounts;  /* --create-admin, --create-invite */
};

/* Reads the configuration file (--config, else the installed one if it exists) and then
 * the command line into cfg and req. args holds the strings cfg points to: free it with
 * config_args_free() at exit. Returns -1 to go on, else the exit status: after --help,
 * --version or --fingerprint, or a usage error (reported on stderr with where it came
 * from). */
int options_read(int argc, char **argv, struct config_args *args, struct server_config *cfg,
                 struct options_request *req);

/* Prints --help to stdout. */
void options_print_help(void);

#endif
