/* The configuration file of chat-server: a GKeyFile whose one group, [chat-server], holds
 * long option names as keys,
 *   [chat-server]
 *   port = 1234
 *   limit-loopback = true
 * It is turned into "--name=value" arguments that options.c's one option parser reads
 * before the command line, so every option is settable here without code of its own and
 * the command line wins. Each argument remembers the file and line it came from, so a bad
 * value is reported there. */
#ifndef CHAT_SERVER_CONFIG_H
#define CHAT_SERVER_CONFIG_H

#include <getopt.h>
#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#define CONFIG_GROUP "chat-server"

/* The arguments to parse: argv[0], the config file's, then the command line's. */
struct config_args {
    GPtrArray *argv;   /* char *, NULL-terminated (argv[argc] == NULL) */
    GPtrArray *origin; /* char * "FILE:LINE" for each argv entry from the file, else NULL */
};

/* Starts args with argv0 and no file arguments. */
void config_args_init(struct config_args *args, const char *argv0);

/* Appends the options of the file at path, checking each key against options (keys
 * listed in refused may not be set from a file). Returns 0, or -1 with err filled as
 * "FILE:LINE: what is wrong" (or "FILE: ..." when the file cannot be read). */
int config_args_load(struct config_args *args, const char *path, const struct option *options,
                     const char *const *refused, char *err, size_t errlen);

/* Appends the command line (argv[1..argc)), which has no origin. */
void config_args_add_command_line(struct config_args *args, int argc, char **argv);

/* "FILE:LINE" of argument i, or NULL when it came from the command line. */
const char *config_args_origin(const struct config_args *args, int i);

/* Frees what args holds (the strings options point into: free them last). */
void config_args_free(struct config_args *args);

#endif
