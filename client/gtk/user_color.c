/* Stable per-user colours: a fixed hash (FNV-1a, not g_str_hash, whose algorithm GLib
 * may change) over the case-folded name picks one of USER_COLOR_COUNT CSS classes. */
#include "client/gtk/user_color.h"

#include <stdio.h>

#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u

/* Index in [0, USER_COLOR_COUNT) for name, stable across runs and case. */
guint user_color_index(const char *name)
{
    g_return_val_if_fail(name != NULL, 0);
    char *folded = g_utf8_casefold(name, -1);
    guint32 hash = FNV_OFFSET;
    for (const unsigned char *p = (const unsigned char *)folded; *p; p++) {
        hash ^= *p;
        hash *= FNV_PRIME;
    }
    g_free(folded);
    return hash % USER_COLOR_COUNT;
}

/* Replaces widget's colour class with the one for name. */
void user_color_apply(GtkWidget *widget, const char *name)
{
    g_return_if_fail(GTK_IS_WIDGET(widget) && name != NULL);
    GtkStyleContext *style = gtk_widget_get_style_context(widget);
    char css_class[32];
    for (guint i = 0; i < USER_COLOR_COUNT; i++) {
        snprintf(css_class, sizeof css_class, "user-color-%u", i);
        gtk_style_context_remove_class(style, css_class);
    }
    snprintf(css_class, sizeof css_class, "user-color-%u", user_color_index(name));
    gtk_style_context_add_class(style, css_class);
}
