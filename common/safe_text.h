/* Text from the network made safe to show: on a terminal (chat-cli) and in a label (the
 * GTK client). A hostile server may send any bytes; nothing it sends may move the
 * cursor, change the terminal (CSI, OSC, DCS, C1 controls such as U+009B), ring the
 * bell, overwrite what is on screen (CR, backspace), start a line that looks like one of
 * ours, or reverse the text after it (bidi controls). */
#ifndef CHAT_SAFE_TEXT_H
#define CHAT_SAFE_TEXT_H

#include <glib.h>

typedef enum {
    SAFE_TEXT_ONE_LINE = 0,            /* a newline is shown as the two characters "\n" */
    SAFE_TEXT_KEEP_NEWLINES = 1 << 0,  /* a newline stays (a label wraps it in place) */
    SAFE_TEXT_ISOLATE = 1 << 1,        /* wrapped in FSI ... PDI (U+2068 ... U+2069), so
                                          its direction cannot spill onto what follows */
} SafeTextFlags;

/* Returns a new (g_free) valid UTF-8 copy of text (len bytes, or -1 for NUL-terminated)
 * in which every character that could act instead of being shown is written out as
 * an escape: C0 controls and DEL as "\xHH" (CR as "\r", a newline as "\n" unless
 * flags keep newlines; tab stays), C1 controls (U+0080..U+009F), bidi controls
 * (U+200E, U+200F, U+061C, U+202A..U+202E, U+2066..U+2069) and line or paragraph
 * separators (U+2028, U+2029) as "\uHHHH". Invalid UTF-8 becomes U+FFFD. */
char *safe_text(const char *text, gssize len, SafeTextFlags flags);

/* TRUE for the characters safe_text writes out as escapes (newline included). */
gboolean safe_text_is_active(gunichar c);

#endif
