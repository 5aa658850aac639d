/* mention_find (mention.h): every '@' that starts a word is tried against the key with
 * each name the text could mean there, from one character to the longest name
 * (PROTO_MAX_NAME_CHARS), ending at a word boundary: names may hold spaces, so "@Zoë
 * Smith" is one candidate among "@Zoë" and "@Zoë Smith". */
#include "common/mention.h"

#include <glib.h>
#include <string.h>

#include "common/protocol.h"
#include "common/validate.h"

static bool word_char(gunichar c)
{
    return c == '_' || g_unichar_isalnum(c) || g_unichar_ismark(c);
}

/* True when the name text[0..len) (a candidate after an '@') folds to key. */
static bool name_matches(const char *name, size_t len, const char *key)
{
    if (name_check(name, len) != NAME_OK)
        return false;
    char *candidate = name_fold_key(name, len);
    bool same = strcmp(candidate, key) == 0;
    g_free(candidate);
    return same;
}

/* True when a name starting at p (right after an '@') and ending at a word boundary
 * before end folds to key. */
static bool mention_at(const char *p, const char *end, const char *key)
{
    const char *q = p;
    for (unsigned chars = 0; q < end && chars < PROTO_MAX_NAME_CHARS; chars++) {
        q = g_utf8_next_char(q);
        if (q > end)
            return false;
        bool boundary = q == end || !word_char(g_utf8_get_char(q));
        if (boundary && name_matches(p, (size_t)(q - p), key))
            return true;
    }
    return false;
}

bool mention_find(const char *text, size_t len, const char *key)
{
    if (key == NULL || key[0] == '\0' || !g_utf8_validate(text, (gssize)len, NULL))
        return false;
    const char *end = text + len;
    for (const char *at = memchr(text, '@', len); at != NULL;
         at = memchr(at + 1, '@', (size_t)(end - at - 1))) {
        if (at > text && word_char(g_utf8_get_char(g_utf8_prev_char(at))))
            continue; /* an address such as bob@example.org */
        if (mention_at(at + 1, end, key))
            return true;
    }
    return false;
}
