/* chat-cli's output: every line it prints goes through these, and through safe_text
 * (common/safe_text.h) on the way, so nothing a server sends can act on the terminal. */
#ifndef CHAT_CLI_PRINT_H
#define CHAT_CLI_PRINT_H

#include <glib.h>

/* One event line on stdout, "[tag] HH:MM:SS text" ("HH:MM:SS text" when tag is NULL),
 * the tag made safe like the text, flushed at once. */
void cli_print_tagged_v(const char *tag, const char *format, va_list args)
    G_GNUC_PRINTF(2, 0);

/* One event line on stdout, "HH:MM:SS text", flushed at once. */
void cli_print_event(const char *format, ...) G_GNUC_PRINTF(1, 2);

/* One problem line on stderr, "error: text", flushed at once. */
void cli_print_error(const char *format, ...) G_GNUC_PRINTF(1, 2);

/* One line of a conversation with the user on stderr (a question, a warning), as is. */
void cli_print_notice(const char *format, ...) G_GNUC_PRINTF(1, 2);

#endif
