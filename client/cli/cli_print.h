/* chat-cli's output: every line it prints goes through these, and through safe_text
 * (common/safe_text.h) on the way, so nothing a server sends can act on the terminal. */
#ifndef CHAT_CLI_PRINT_H
#define CHAT_CLI_PRINT_H

#include <glib.h>

/* One event line on stdout, "[tag] HH:MM:SS text" ("HH:MM:SS text" when tag is NULL),
 * the tag made safe like the text, flushed at once. */
void cli_print_tagged_v(const char *tag, const char *format, va_list args)
    G_GNUC_PRINTF(2, 0);

/* How cli_print_styled shows a line. */
enum cli_style {
    CLI_STYLE_MARKS = 1,     /* text holds STX ... ETX marks (a search snippet): the text
                                between them is underlined on a terminal, the marks go */
    CLI_STYLE_HIGHLIGHT = 2, /* the line is bold on a terminal; elsewhere "! " starts its
                                text, so a program reading the pipe can tell */
    CLI_STYLE_BELL = 4,      /* a terminal bell (BEL) after the line, on a terminal only */
};

/* One event line on stdout like cli_print_tagged_v ("[tag] HH:MM:SS text"), shown with
 * style (enum cli_style bits); the text is made safe piece by piece, so only the
 * styles' own escape sequences reach the terminal. */
void cli_print_styled(const char *tag, unsigned style, const char *format, ...)
    G_GNUC_PRINTF(3, 4);

/* One event line on stdout, "HH:MM:SS text", flushed at once. */
void cli_print_event(const char *format, ...) G_GNUC_PRINTF(1, 2);

/* One problem line on stderr, "error: text", flushed at once. */
void cli_print_error(const char *format, ...) G_GNUC_PRINTF(1, 2);

/* One line of a conversation with the user on stderr (a question, a warning), as is. */
void cli_print_notice(const char *format, ...) G_GNUC_PRINTF(1, 2);

#endif
