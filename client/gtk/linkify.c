/* Markup with links: escape everything, then wrap address-shaped runs in <a>.
 * Only http(s) links are produced, so a message can never smuggle in another scheme. */
#include "client/gtk/linkify.h"

#include <string.h>

#include <glib.h>

/* An address starts at a word boundary and runs to the next space or character that
 * cannot sit inside a URL in running text. */
#define URL_PATTERN "\\b(?:https?://|www\\.)[^\\s<>\"]+"
/* Characters that usually end a sentence rather than the address before them. */
#define TRAILING_PUNCTUATION ".,;:!?'\")]}"

static GRegex *url_regex(void)
{
    static GRegex *regex;
    if (g_once_init_enter(&regex)) {
        GRegex *compiled = g_regex_new(URL_PATTERN, G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
        g_assert(compiled != NULL);
        g_once_init_leave(&regex, compiled);
    }
    return regex;
}

static void append_escaped(GString *out, const char *text, gssize len)
{
    char *escaped = g_markup_escape_text(text, len);
    g_string_append(out, escaped);
    g_free(escaped);
}

static gsize count_byte(const char *text, gsize len, char byte)
{
    gsize count = 0;
    for (gsize i = 0; i < len; i++)
        count += text[i] == byte;
    return count;
}

/* Length of the address at url (len bytes) without trailing punctuation; a closing
 * parenthesis stays when it closes one the address opened (Wikipedia-style links). */
static gsize trim_url(const char *url, gsize len)
{
    while (len > 0 && strchr(TRAILING_PUNCTUATION, url[len - 1]) != NULL) {
        if (url[len - 1] == ')' && count_byte(url, len, ')') <= count_byte(url, len, '('))
            break;
        len--;
    }
    return len;
}

/* Bytes of the scheme or "www." that starts url: a match that is nothing more is no link. */
static gsize prefix_length(const char *url)
{
    if (g_ascii_strncasecmp(url, "https://", 8) == 0)
        return 8;
    return g_ascii_strncasecmp(url, "http://", 7) == 0 ? 7 : 4;
}

static void append_link(GString *out, const char *url, gsize len)
{
    g_string_append(out, "<a href=\"");
    if (g_ascii_strncasecmp(url, "www.", 4) == 0)
        g_string_append(out, "http://");
    append_escaped(out, url, (gssize)len);
    g_string_append(out, "\">");
    append_escaped(out, url, (gssize)len);
    g_string_append(out, "</a>");
}

/* Escaped markup for text with http(s) and www. addresses as links. */
char *linkify_markup(const char *text)
{
    g_return_val_if_fail(text != NULL, NULL);
    GString *out = g_string_sized_new(strlen(text) + 16);
    GMatchInfo *match = NULL;
    gsize copied = 0;
    g_regex_match(url_regex(), text, 0, &match);
    while (g_match_info_matches(match)) {
        int start = 0, end = 0;
        g_match_info_fetch_pos(match, 0, &start, &end);
        gsize len = trim_url(text + start, (gsize)(end - start));
        if (len > prefix_length(text + start)) {
            append_escaped(out, text + copied, (gssize)((gsize)start - copied));
            append_link(out, text + start, len);
            copied = (gsize)start + len;
        }
        g_match_info_next(match, NULL);
    }
    g_match_info_free(match);
    append_escaped(out, text + copied, -1);
    return g_string_free(out, FALSE);
}
