/* The accounts part of chat-server's command line: the options that configure
 * accounts, their --help text, and the commands that work on the database from the
 * shell and exit (--create-admin NAME, --create-invite). */
#ifndef CHAT_SERVER_ACCOUNTS_CLI_H
#define CHAT_SERVER_ACCOUNTS_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "server/server.h"

/* What a command-line run asks for besides serving. */
struct accounts_command {
    const char *create_admin;  /* --create-admin NAME */
    bool create_invite;        /* --create-invite */
};

/* The defaults of every accounts option. */
void accounts_config_defaults(struct accounts_config *cfg);

/* Applies option --name (without the dashes) with arg (NULL for a flag). Returns 1
 * when it was an accounts option and is valid, 0 when name is not one of them, -1
 * with err filled when the value is invalid. */
int accounts_parse_option(const char *name, const char *arg, struct accounts_config *cfg,
                          struct accounts_command *cmd, char *err, size_t errlen);

/* Prints the accounts section of --help. */
void accounts_print_help(void);

/* Runs a shell command on the database of data_dir (--create-admin reads the password
 * from stdin; --create-invite prints the code). Returns the exit status: 0, 1 on a
 * failure (said on stderr). */
int accounts_run_command(const struct accounts_command *cmd, const struct server_config *cfg);

#endif
