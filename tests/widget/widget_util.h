/* Helpers shared by the widget tests: find widgets inside composite rows, and let GTK
 * settle (allocate, scroll) with a deadline instead of a fixed sleep. */
#ifndef CHAT_TEST_WIDGET_UTIL_H
#define CHAT_TEST_WIDGET_UTIL_H

#include <gtk/gtk.h>

#include "client/gtk/bubble.h"

/* A bubble showing a SENT message made of these fields (the bubble holds it). */
static inline ChatBubble *bubble_for(const char *sender, const char *text, gint64 time_ms,
                                     gboolean own)
{
    ChatMessage *msg = chat_message_new(1, 0, sender, text, time_ms, own);
    ChatBubble *bubble = chat_bubble_new(msg);
    g_object_unref(msg);
    return bubble;
}

/* First descendant of root (depth first, root included) that is a GtkLabel carrying
 * the CSS class css_class, or NULL. */
static inline GtkLabel *find_label_with_class(GtkWidget *root, const char *css_class)
{
    if (GTK_IS_LABEL(root) &&
        gtk_style_context_has_class(gtk_widget_get_style_context(root), css_class))
        return GTK_LABEL(root);
    if (!GTK_IS_CONTAINER(root))
        return NULL;
    GList *children = gtk_container_get_children(GTK_CONTAINER(root));
    GtkLabel *found = NULL;
    for (GList *l = children; l != NULL && found == NULL; l = l->next)
        found = find_label_with_class(l->data, css_class);
    g_list_free(children);
    return found;
}

/* First descendant button whose label is text, or NULL. */
static inline GtkWidget *find_button_with_label(GtkWidget *root, const char *text)
{
    if (GTK_IS_BUTTON(root) && g_strcmp0(gtk_button_get_label(GTK_BUTTON(root)), text) == 0)
        return root;
    if (!GTK_IS_CONTAINER(root))
        return NULL;
    GList *children = gtk_container_get_children(GTK_CONTAINER(root));
    GtkWidget *found = NULL;
    for (GList *l = children; l != NULL && found == NULL; l = l->next)
        found = find_button_with_label(l->data, text);
    g_list_free(children);
    return found;
}

typedef gboolean (*WaitCondition)(gpointer data);

/* Runs the main loop until condition(data) holds or timeout_ms passes; returns the
 * condition's last value. */
static inline gboolean wait_until(WaitCondition condition, gpointer data, int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    while (!condition(data)) {
        if (g_get_monotonic_time() > deadline)
            return FALSE;
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
    return TRUE;
}

#endif
