/* Formatting for the view; locale-aware where GLib is. */
#include "client/gtk/format.h"

#include <glib/gi18n.h>
#include <math.h>

#include <unicode/uchar.h>

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

static GDateTime *local_time(gint64 time_ms)
{
    GDateTime *utc = g_date_time_new_from_unix_utc(time_ms / 1000);
    if (utc == NULL)
        return NULL;
    GDateTime *local = g_date_time_to_local(utc);
    g_date_time_unref(utc);
    return local;
}

/* The local calendar day of time_ms as a number that grows by one a day (0: none). */
gint64 format_day_number(gint64 time_ms)
{
    GDateTime *local = local_time(time_ms);
    if (local == NULL)
        return 0;
    GDate date;
    g_date_clear(&date, 1);
    g_date_set_dmy(&date, (GDateDay)g_date_time_get_day_of_month(local),
                   (GDateMonth)g_date_time_get_month(local),
                   (GDateYear)g_date_time_get_year(local));
    g_date_time_unref(local);
    return g_date_valid(&date) ? (gint64)g_date_get_julian(&date) : 0;
}

/* "Today", "Yesterday", or the date in the locale's format (%x), as seen at now_ms. */
char *format_day(gint64 time_ms, gint64 now_ms)
{
    gint64 day = format_day_number(time_ms);
    gint64 today = format_day_number(now_ms);
    if (day != 0 && day == today)
        return g_strdup(_("Today"));
    if (day != 0 && day + 1 == today)
        return g_strdup(_("Yesterday"));
    GDateTime *local = local_time(time_ms);
    if (local == NULL)
        return g_strdup("--");
    char *text = g_date_time_format(local, "%x");
    g_date_time_unref(local);
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

/* Characters that only modify the emoji before them. */
static gboolean is_emoji_modifier(gunichar c)
{
    return c == 0xFE0F || c == 0xFE0E || c == 0x20E3 || (c >= 0x1F3FB && c <= 0x1F3FF) ||
           (c >= 0xE0020 && c <= 0xE007F);
}

static gboolean is_regional_indicator(gunichar c)
{
    return c >= 0x1F1E6 && c <= 0x1F1FF;
}

/* Counts emoji, or gives up at the first character that is not part of one. */
gboolean format_is_few_emoji(const char *text, guint max)
{
    g_return_val_if_fail(text != NULL, FALSE);
    guint count = 0;
    gboolean after_joiner = FALSE, half_flag = FALSE;
    for (const char *p = text; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isspace(c)) {
            half_flag = FALSE;
        } else if (c == 0x200D) {
            after_joiner = TRUE;
        } else if (is_emoji_modifier(c)) {
            continue;
        } else if (is_regional_indicator(c)) {
            count += half_flag ? 0 : 1; /* two indicators make one flag */
            half_flag = !half_flag;
        } else if (u_hasBinaryProperty((UChar32)c, UCHAR_EXTENDED_PICTOGRAPHIC)) {
            count += after_joiner ? 0 : 1;
            after_joiner = FALSE;
            half_flag = FALSE;
        } else {
            return FALSE;
        }
    }
    return count >= 1 && count <= max;
}

/* The first max_chars characters, and an ellipsis if there were more. */
char *format_shorten(const char *text, guint max_chars)
{
    g_return_val_if_fail(text != NULL, NULL);
    if (g_utf8_strlen(text, -1) <= (glong)max_chars)
        return g_strdup(text);
    char *cut = g_utf8_substring(text, 0, max_chars);
    char *shortened = g_strconcat(cut, "\u2026", NULL);
    g_free(cut);
    return shortened;
}
