/* Turns untrusted chat text into Pango markup for a GtkLabel: every character shows
 * literally (a message "<b>x</b>" is shown as typed, never as bold), and web addresses
 * become clickable links. */
#ifndef CHAT_LINKIFY_H
#define CHAT_LINKIFY_H

/* Returns newly allocated (g_free) markup for text (UTF-8): all of it escaped, with
 * http://, https:// and www. addresses wrapped in <a href="...">. Trailing sentence
 * punctuation is left outside a link. */
char *linkify_markup(const char *text);

#endif
