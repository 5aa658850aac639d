/* The server log file. Each line is built whole in one buffer and written with one
 * write() to an O_APPEND descriptor, so lines never interleave or split. When standard
 * error is the journal, lines go there with a <N> priority prefix and no time stamp
 * (the journal keeps its own). */
#include "server/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "server/limits.h"
#include "server/systemd.h"

static struct {
    int fd;
    char *path; /* NULL when logging to standard error */
    bool journal; /* standard error is the journal */
    enum log_level min;
} logger = { .fd = -1, .min = LOG_INFO };

static const char *const level_names[] = {
    [LOG_DEBUG] = "DEBUG",
    [LOG_INFO] = "INFO",
    [LOG_WARN] = "WARN",
    [LOG_ERROR] = "ERROR",
};

/* syslog priorities, as the journal reads them from a "<N>" line prefix. */
static const int level_priorities[] = {
    [LOG_DEBUG] = 7,
    [LOG_INFO] = 6,
    [LOG_WARN] = 4,
    [LOG_ERROR] = 3,
};

bool log_level_parse(const char *name, enum log_level *out)
{
    for (size_t i = 0; i < G_N_ELEMENTS(level_names); i++) {
        if (g_ascii_strcasecmp(name, level_names[i]) == 0) {
            *out = (enum log_level)i;
            return true;
        }
    }
    return false;
}

static int open_path(const char *path)
{
    return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

int log_open(const char *path, enum log_level min, char *err, size_t errlen)
{
    bool journal = strcmp(path, "-") == 0 && systemd_stderr_is_journal();
    int fd = strcmp(path, "-") == 0 ? STDERR_FILENO : open_path(path);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open log file %s: %s", path, g_strerror(errno));
        return -1;
    }
    log_close();
    logger.fd = fd;
    logger.path = fd == STDERR_FILENO ? NULL : g_strdup(path);
    logger.journal = journal;
    logger.min = min;
    return 0;
}

int log_reopen(void)
{
    if (logger.path == NULL)
        return 0;
    int fd = open_path(logger.path);
    if (fd < 0)
        return -1;
    close(logger.fd);
    logger.fd = fd;
    return 0;
}

void log_close(void)
{
    if (logger.fd > STDERR_FILENO)
        close(logger.fd);
    logger.fd = -1;
    g_free(logger.path);
    logger.path = NULL;
}

bool log_enabled(enum log_level level)
{
    return logger.fd >= 0 && level >= logger.min;
}

/* True for characters that could hide or reorder text or break a line. */
static bool char_needs_escape(gunichar c)
{
    switch (g_unichar_type(c)) {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_PRIVATE_USE:
    case G_UNICODE_SURROGATE:
        return true;
    default:
        return false;
    }
}

/* The escape for one ASCII byte inside quotes, or NULL when it is copied as is. */
static const char *ascii_escape(unsigned char b)
{
    switch (b) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default: return NULL;
    }
}

const char *log_quote(char *out, size_t cap, const char *s, size_t len)
{
    size_t n = 0;
    out[n++] = '"';
    for (size_t i = 0; i < len;) {
        char piece[20];
        size_t piece_len, used;
        unsigned char b = (unsigned char)s[i];
        const char *esc = ascii_escape(b);
        if (esc != NULL) {
            piece_len = (size_t)g_strlcpy(piece, esc, sizeof piece);
            used = 1;
        } else if (b >= 0x20 && b < 0x7f) {
            piece[0] = (char)b;
            piece_len = used = 1;
        } else {
            gunichar c = b < 0x80 ? b : g_utf8_get_char_validated(s + i, (gssize)(len - i));
            used = c >= 0x80 && c < 0x110000 ? (size_t)g_unichar_to_utf8(c, NULL) : 1;
            if (c < 0x80 || c >= 0x110000 || char_needs_escape(c)) {
                piece_len = 0;
                for (size_t k = 0; k < used; k++)
                    piece_len += (size_t)snprintf(piece + piece_len, sizeof piece - piece_len,
                                                  "\\x%02x", (unsigned char)s[i + k]);
            } else {
                memcpy(piece, s + i, used);
                piece_len = used;
            }
        }
        if (n + piece_len + 5 > cap) { /* keep room for ..." and NUL */
            memcpy(out + n, "...", 3);
            n += 3;
            break;
        }
        memcpy(out + n, piece, piece_len);
        n += piece_len;
        i += used;
    }
    out[n++] = '"';
    out[n] = '\0';
    return out;
}

/* The user field: bare when every byte is a plain visible character, else quoted. */
static const char *user_field(char *out, size_t cap, const char *user)
{
    if (user == NULL)
        return "-";
    size_t len = strlen(user);
    bool bare = len > 0;
    for (size_t i = 0; i < len && bare; i++) {
        unsigned char b = (unsigned char)user[i];
        bare = b > 0x20 && b < 0x7f && b != '"' && b != '\\' && b != '=';
    }
    if (bare)
        return user;
    return log_quote(out, cap, user, len);
}

void log_event(enum log_level level, uint32_t conn, const char *addr, const char *user,
               const char *fmt, ...)
{
    if (!log_enabled(level))
        return;
    char line[SERVER_LOG_LINE_MAX];
    size_t n;
    if (logger.journal) {
        n = (size_t)snprintf(line, sizeof line, "<%d>", level_priorities[level]);
    } else {
        struct timespec now;
        struct tm tm;
        clock_gettime(CLOCK_REALTIME, &now);
        gmtime_r(&now.tv_sec, &tm);
        n = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
        n += (size_t)snprintf(line + n, sizeof line - n, ".%03ldZ ", now.tv_nsec / 1000000L);
    }

    char conn_text[16] = "-";
    if (conn != 0)
        snprintf(conn_text, sizeof conn_text, "%u", (unsigned)conn);
    char user_buf[LOG_QUOTE_CAP(PROTO_MAX_NAME_BYTES)];
    n += (size_t)snprintf(line + n, sizeof line - n, "%s conn=%s addr=%s user=%s ",
                          level_names[level], conn_text,
                          addr ? addr : "-", user_field(user_buf, sizeof user_buf, user));
    if (n < sizeof line - 1) {
        va_list ap;
        va_start(ap, fmt);
        int more = vsnprintf(line + n, sizeof line - 1 - n, fmt, ap);
        va_end(ap);
        if (more > 0)
            n += (size_t)more;
    }
    if (n > sizeof line - 2)
        n = sizeof line - 2;
    line[n++] = '\n';
    ssize_t written;
    do
        written = write(logger.fd, line, n);
    while (written < 0 && errno == EINTR);
}
