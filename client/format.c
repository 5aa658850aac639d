/* Formatting for the view; locale-aware where GLib is. */
#include "client/format.h"

#include <glib/gi18n.h>
#include <math.h>

/* "HH:MM" in local time. */
char *format_clock(gint64 time_ms)
{
    GDateTime *utc = g_date_time_new_from_unix_utc(time_ms / 1000);
    if (utc == NULL)
        return g_strdup("--:--");
    GDateTime *local = g_date_time_to_local(utc);
    char *text = g_date_time_format(local, "%H:%M");
    g_date_time_unref(local);
    g_date_time_unref(utc);
    return text;
}

/* SI size. */
char *format_size(guint64 bytes)
{
    return g_format_size(bytes);
}

/* SI rate per second. */
char *format_speed(double bytes_per_second)
{
    if (!(bytes_per_second > 0))
        bytes_per_second = 0;
    char *size = g_format_size((guint64)llround(bytes_per_second));
    char *text = g_strdup_printf(_("%s/s"), size);
    g_free(size);
    return text;
}

/* Rounded estimate of the time left, or NULL without a rate. */
char *format_time_left(guint64 remaining, double bytes_per_second)
{
    if (!(bytes_per_second > 0))
        return NULL;
    double seconds = ceil((double)remaining / bytes_per_second);
    if (seconds < 60)
        return g_strdup_printf(_("about %.0f s left"), seconds);
    if (seconds < 3600)
        return g_strdup_printf(_("about %.0f min left"), ceil(seconds / 60));
    return g_strdup_printf(_("about %.0f h left"), ceil(seconds / 3600));
}
