/* chat-cli's insides, shared by cli.c (events, input, start-up) and cli_account.c
 * (passwords, the token file, account and moderation commands). */
#ifndef CHAT_CLI_H
#define CHAT_CLI_H

#include <gio/gio.h>

#include "client/cli/cli_print.h"
#include "client/core/server_list.h"
#include "client/core/session.h"

struct cli;
struct cli_live;
struct cli_hold;

/* Receives the next input line as a secret (a password); NULL when input ended. */
typedef void (*cli_secret_func)(struct cli *cli, const char *secret);

struct cli {
    ChatSession *session;
    GMainLoop *loop;
    GDataInputStream *input;
    GCancellable *cancel;
    const char *files_dir;
    gboolean interactive;  /* stdin is a terminal */
    gboolean input_done;   /* no more input: finish, then leave */
    gboolean leaving;      /* disconnect() called: exit once DISCONNECTED */
    int status;            /* exit status: EXIT_FAILURE once any request has failed */
    ChatCertificate *asking; /* first-use question put to the user; the next line answers */
    gboolean cert_explained; /* why the certificate was refused is already printed */

    /* Logging in (cli_account.c). */
    GPtrArray *servers;    /* ChatServerAddress, tried in turn (the options' list) */
    const char *user;
    const char *password_file; /* --password-file */
    const char *invite;    /* --invite */
    gboolean create_account; /* --register, until the first login succeeds */
    char *token_path;      /* where the session token is kept */
    gboolean guest_attempt; /* the login in flight is by name only */
    cli_secret_func secret_func; /* the next line is a secret for it */
    char *old_password;    /* /password: between its two prompts */
    gboolean retrying;     /* a refused login is being retried: not the end */
    gboolean logout_requested; /* /logout: leaving revokes the token */
    gboolean ever_online;  /* logged in once: lines are handled as they come */
    GQueue early_lines;    /* lines read before the first login, handled after it */

    /* Rooms (cli_rooms.c). */
    guint32 room_id;       /* the current room: where typed lines go */
    guint64 switch_request; /* a join or create whose room becomes the current one */
    char *switch_name;     /* that room's name */

    /* The live conversation (cli_live.c), made on first use. */
    struct cli_live *live;

    /* Lines held while rooms catch up (cli_hold.c), made on first use. */
    struct cli_hold *hold;
};

#define CLI_LOBBY 0u       /* the room every account (and guest) is in */

/* cli.c */
void cli_request_failed(struct cli *cli, const char *format, ...) G_GNUC_PRINTF(2, 3);
void cli_fail(struct cli *cli);
void cli_leave(struct cli *cli);
void cli_maybe_finish(struct cli *cli);

/* cli_account.c */

/* The token file for --token-file PATH (NULL: the default under $XDG_STATE_HOME), a new
 * string. */
char *cli_token_path(const char *option, GPtrArray *servers, const char *user);

/* Starts the first login: token file, password file, --register; prompts on a terminal
 * when a password is needed. FALSE (reason printed) when it cannot start. */
gboolean cli_login_start(struct cli *cli);

/* A refused login: TRUE when it is being retried (with a password asked for or read
 * again), FALSE when the refusal stands. */
gboolean cli_login_retry(struct cli *cli, guint code);

/* Commands of accounts and moderation: TRUE when command was one of them. */
gboolean cli_account_command(struct cli *cli, const char *command, char *args);

/* Connects the account signals (token, requests, notices). */
void cli_account_connect_signals(struct cli *cli);

/* Hands a line to a pending secret prompt; TRUE when it was taken. */
gboolean cli_take_secret(struct cli *cli, char *line);

/* Frees what the struct cli holds for accounts. */
void cli_account_clear(struct cli *cli);

/* cli_rooms.c */

/* The tag of a room's lines: "#name", "@name" for a direct room (a new string). */
char *cli_room_tag(struct cli *cli, guint32 room_id);

/* One event line of a room: "[#name] HH:MM:SS text" ("[@name]" for a direct room). */
void cli_print_room_event(struct cli *cli, guint32 room_id, const char *format, ...)
    G_GNUC_PRINTF(3, 4);

/* Commands of rooms and direct messages: TRUE when command was one of them. */
gboolean cli_rooms_command(struct cli *cli, const char *command, char *args);

/* Connects the room signals. */
void cli_rooms_connect_signals(struct cli *cli);

/* Frees what the struct cli holds for rooms. */
void cli_rooms_clear(struct cli *cli);

/* cli_live.c */

/* Prints msg's line "#ID <sender> text" with text (the text as it arrived) in style
 * (cli_message_style's, as it arrived), after a quote line when it is a reply. */
void cli_live_print_message(struct cli *cli, ChatMessage *msg, const char *text,
                            unsigned style);

/* Whether message_id's line was printed (the last ~2000 are remembered). */
gboolean cli_live_printed(struct cli *cli, guint64 message_id);

/* Commands of the live conversation (/edit, /delete ID, /reply, /react, /read,
 * /typing): TRUE when command was one of them. */
gboolean cli_live_command(struct cli *cli, const char *command, char *args);

/* Connects the signals of edits, deletions, reactions, typing, markers and receipts. */
void cli_live_connect_signals(struct cli *cli);

/* Frees what the struct cli holds for the live conversation. */
void cli_live_clear(struct cli *cli);

/* cli_hold.c: a room's lines in message id order while it catches up after a login */

/* Prints msg's line, or holds it while its room catches up. */
void cli_hold_message(struct cli *cli, ChatMessage *msg);

/* Prints a file's line (of the message message_id), or holds it likewise. */
void cli_hold_file(struct cli *cli, guint32 room_id, guint64 message_id, const char *line);

/* Prints a line about message_id (an edit, a deletion, reactions), or, while its room
 * catches up and that message's line is not printed yet, holds it to follow that line. */
void cli_hold_about(struct cli *cli, guint32 room_id, guint64 message_id, const char *line);

/* Prints whatever is still held and frees the hold; before the session goes. */
void cli_hold_clear(struct cli *cli);

/* cli_search.c */

/* How a text's line is shown (CLI_STYLE_*): highlighted when it mentions the user, with
 * the terminal bell unless the room's notification level is "none". */
unsigned cli_message_style(struct cli *cli, ChatMessage *msg);

/* /search and /notify: TRUE when command was one of them. */
gboolean cli_search_command(struct cli *cli, const char *command, char *args);

/* Connects the search signals. */
void cli_search_connect_signals(struct cli *cli);

#endif
