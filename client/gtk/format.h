/* Human-readable times, sizes and rates for bubbles and transfers. */
#ifndef CHAT_FORMAT_H
#define CHAT_FORMAT_H

#include <glib.h>

/* Local wall-clock time of time_ms (ms since the epoch) as "HH:MM"; g_free. */
char *format_clock(gint64 time_ms);

/* The local calendar day of time_ms as a number one greater each day (0 if out of
 * range): two times are on the same day when their numbers are equal. */
gint64 format_day_number(gint64 time_ms);

/* The day of time_ms as a date separator says it, seen at now_ms: "Today",
 * "Yesterday", else the date in the locale's format; g_free. */
char *format_day(gint64 time_ms, gint64 now_ms);

/* "12.3 MB"-style size (SI units, as file managers show them); g_free. */
char *format_size(guint64 bytes);

/* "1.2 MB/s"; g_free. */
char *format_speed(double bytes_per_second);

/* "about 5 s left" / "about 3 min left" / "about 2 h left" for the bytes remaining at
 * the given rate, or NULL when the rate is unknown (zero or negative); g_free. */
char *format_time_left(guint64 remaining, double bytes_per_second);

/* TRUE when text is one to max emoji and nothing else but spaces (a ZWJ sequence, a
 * flag, a skin tone or a variation selector belongs to the emoji before it): such a
 * message is shown large, without a bubble. */
gboolean format_is_few_emoji(const char *text, guint max);

/* text cut to at most max_chars characters, with an ellipsis when cut; g_free. */
char *format_shorten(const char *text, guint max_chars);

#endif
