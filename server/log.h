/* The server log: one line per event,
 *   2026-11-24T03:04:05.123Z INFO conn=7 addr=127.0.0.1:50412 user=alice login
 * (UTC time with milliseconds, level, connection id, peer address, username, event).
 * Absent fields are "-". Text from the network goes through log_quote() (or is the
 * user field, which is escaped here) so no input can forge or split a line. */
#ifndef CHAT_SERVER_LOG_H
#define CHAT_SERVER_LOG_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum log_level {
    LOG_DEBUG,
    LOG_INFO,
    LOG_WARN,
    LOG_ERROR,
};

/* Buffer size for log_quote() of len input bytes: every byte may become "\xNN". */
#define LOG_QUOTE_CAP(len) ((len) * 4 + 3)

/* Parses "debug", "info", "warn" or "error". */
bool log_level_parse(const char *name, enum log_level *out);

/* Starts logging lines of level min and above to path ("-": standard error, with
 * journal priorities when standard error is the journal), appending. Returns 0, or -1
 * with err filled. */
int log_open(const char *path, enum log_level min, char *err, size_t errlen);

/* Reopens the log path (after rotation). On failure the old file stays in use and -1
 * is returned with errno set. */
int log_reopen(void);

/* Closes the log; later events are dropped. */
void log_close(void);

/* True when events of this level are written (so callers can skip costly formatting). */
bool log_enabled(enum log_level level);

/* Writes one event line. conn 0, addr NULL and user NULL print as "-". user is
 * escaped here; the formatted text must already be safe (quote untrusted parts). */
void log_event(enum log_level level, uint32_t conn, const char *addr, const char *user,
               const char *fmt, ...) G_GNUC_PRINTF(5, 6);

/* Writes s[0..len) to out as a double-quoted string with \" \\ \n \r \t and \xNN
 * escapes for control, format and invalid bytes; cut with "..." if out (cap bytes,
 * at least 8) is too small. Returns out. */
const char *log_quote(char *out, size_t cap, const char *s, size_t len);

#endif
