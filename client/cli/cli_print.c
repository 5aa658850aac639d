/* chat-cli's output. Each whole line passes through safe_text: whatever the server sent
 * (texts, names, file names, reasons) reaches the terminal with its control and bidi
 * characters written out, and a newline inside it shows as "\n", so every event stays
 * one line and no line can pass for another. */
#include "client/cli/cli_print.h"

#include <glib/gi18n.h>
#include <stdio.h>

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

void cli_print_tagged_v(const char *tag, const char *format, va_list args)
{
    GDateTime *now = g_date_time_new_now_local();
    char *stamp = g_date_time_format(now, "%H:%M:%S ");
    char *safe_tag = tag ? safe_text(tag, -1, SAFE_TEXT_ONE_LINE) : NULL;
    char *prefix = safe_tag ? g_strdup_printf("[%s] %s", safe_tag, stamp) : g_strdup(stamp);
    print_line(stdout, prefix, format, args);
    g_free(prefix);
    g_free(safe_tag);
    g_free(stamp);
    g_date_time_unref(now);
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
