/* chat-cli's output. Each whole line passes through safe_text: whatever the server sent
 * (texts, names, file names, reasons) reaches the terminal with its control and bidi
 * characters written out, and a newline inside it shows as "\n", so every event stays
 * one line and no line can pass for another. */
#include "client/cli/cli_print.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/safe_text.h"

/* Prints prefix, the formatted text made safe, and a newline on stream; flushes. */
static void print_line(FILE *stream, const char *prefix, const char *format, va_list args)
{
    char *text = g_strdup_vprintf(format, args);
    char *safe = safe_text(text, -1, SAFE_TEXT_ONE_LINE);
    fprintf(stream, "%s%s\n", prefix, safe);
    fflush(stream);
    g_free(safe);
    g_free(text);
}

/* "[tag] HH:MM:SS " (or "HH:MM:SS " without a tag), the tag made safe. */
static char *line_prefix(const char *tag)
{
    GDateTime *now = g_date_time_new_now_local();
    char *stamp = g_date_time_format(now, "%H:%M:%S ");
    char *safe_tag = tag ? safe_text(tag, -1, SAFE_TEXT_ONE_LINE) : NULL;
    char *prefix = safe_tag ? g_strdup_printf("[%s] %s", safe_tag, stamp) : g_strdup(stamp);
    g_free(safe_tag);
    g_free(stamp);
    g_date_time_unref(now);
    return prefix;
}

void cli_print_tagged_v(const char *tag, const char *format, va_list args)
{
    char *prefix = line_prefix(tag);
    print_line(stdout, prefix, format, args);
    g_free(prefix);
}

#define ESC_BOLD "\033[1m"
#define ESC_UNDERLINE "\033[4m"
#define ESC_NO_UNDERLINE "\033[24m"
#define ESC_RESET "\033[0m"

void cli_print_styled(const char *tag, unsigned style, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *text = g_strdup_vprintf(format, args);
    va_end(args);
    gboolean tty = isatty(STDOUT_FILENO);
    GString *line = g_string_new(NULL);
    if (tty && (style & CLI_STYLE_HIGHLIGHT))
        g_string_append(line, ESC_BOLD);
    char *prefix = line_prefix(tag);
    g_string_append(line, prefix);
    g_free(prefix);
    if (!tty && (style & CLI_STYLE_HIGHLIGHT))
        g_string_append(line, "! ");
    for (const char *p = text; *p;) {
        size_t n = style & CLI_STYLE_MARKS ? strcspn(p, "\002\003") : strlen(p);
        char *safe = safe_text(p, (gssize)n, SAFE_TEXT_ONE_LINE);
        g_string_append(line, safe);
        g_free(safe);
        p += n;
        if (*p) { /* a mark: emphasis starts or ends */
            if (tty)
                g_string_append(line, *p == '\002' ? ESC_UNDERLINE : ESC_NO_UNDERLINE);
            p++;
        }
    }
    if (tty && (style & (CLI_STYLE_HIGHLIGHT | CLI_STYLE_MARKS)))
        g_string_append(line, ESC_RESET);
    if (tty && (style & CLI_STYLE_BELL))
        g_string_append_c(line, '\a');
    fprintf(stdout, "%s\n", line->str);
    fflush(stdout);
    g_string_free(line, TRUE);
    g_free(text);
}

void cli_print_event(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    cli_print_tagged_v(NULL, format, args);
    va_end(args);
}

void cli_print_error(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    print_line(stderr, _("error: "), format, args);
    va_end(args);
}

void cli_print_notice(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    print_line(stderr, "", format, args);
    va_end(args);
}
