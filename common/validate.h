/* Rules for untrusted strings: usernames, chat text and file names.
 * Shared by the server (which enforces them) and the clients (which check early so the
 * user sees the reason before anything is sent). Inputs are byte ranges that may come
 * straight from the network; nothing here trusts them to be UTF-8 or NUL-terminated. */
#ifndef CHAT_VALIDATE_H
#define CHAT_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

enum name_status {
    NAME_OK = 0,
    NAME_EMPTY,       /* zero length */
    NAME_TOO_LONG,    /* over PROTO_MAX_NAME_CHARS characters or PROTO_MAX_NAME_BYTES bytes */
    NAME_BAD_UTF8,    /* not valid UTF-8, or contains NUL */
    NAME_BAD_CHAR,    /* control, format (bidi, zero-width), unassigned, separator other
                         than a plain space, or a code point that renders as nothing or
                         blank (Unicode default-ignorable, fillers such as U+3164, U+2800) */
    NAME_BLANK,       /* only spaces, or leading/trailing space */
    NAME_INVISIBLE,   /* no visible base character: only combining marks, or one first */
};

/* Checks a username against the rules above. */
enum name_status name_check(const char *name, size_t len);

/* English sentence explaining a status, for error frames and the UI. */
const char *name_status_text(enum name_status status);

/* Returns a newly allocated (g_free) key under which two names that differ only in case
 * or Unicode normalisation compare equal. name must have passed name_check. */
char *name_fold_key(const char *name, size_t len);

/* True when chat text is acceptable: 1..max_bytes bytes of valid UTF-8 without NUL or
 * control characters other than newline and tab, and not only white space. */
bool text_check(const char *text, size_t len, size_t max_bytes);

/* Turns a name from the network into a safe file base name in out (cap bytes, at least
 * 16): the part after the last '/' or '\\', invalid UTF-8 replaced, without control,
 * format or line-separator characters, without leading dots or spaces and trailing
 * spaces, cut to at most cap - 1 bytes on a character boundary keeping a short
 * extension. Returns false when nothing usable is left (the caller may then use a
 * fallback such as "file"). out is always NUL-terminated. */
bool filename_sanitize(const char *name, size_t len, char *out, size_t cap);

#endif
