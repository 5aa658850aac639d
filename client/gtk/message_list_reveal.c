/* ChatMessageList, bringing one message into view: finding the row of a message (or
 * the first one after an id), the oldest message loaded, and showing a row to the
 * reader: scrolled to the middle of the view once it is laid out, the keyboard focus
 * on it, and briefly highlighted. */
#include "client/gtk/message_list_private.h"

/* The highlight stays this long. */
#define REVEAL_HIGHLIGHT_MS 2000
#define REVEAL_SOURCE "chat-reveal-source"

/* A row a reader can land on that shows a message (not a divider, separator or
 * notice). */
static gboolean is_message_row(GtkListBoxRow *row)
{
    return message_list_row_id(row) != 0 && gtk_widget_get_can_focus(GTK_WIDGET(row));
}

/* The first message row with an id of at least message_id, or NULL. */
GtkListBoxRow *chat_message_list_find_row_from(ChatMessageList *self, guint64 message_id)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self), NULL);
    for (int i = 0; i < (int)self->n_rows; i++) {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index(self->list, i);
        if (is_message_row(row) && message_list_row_id(row) >= message_id)
            return row;
    }
    return NULL;
}

/* The oldest message id loaded, 0 when none. */
guint64 chat_message_list_get_oldest_id(ChatMessageList *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self), 0);
    for (int i = 0; i < (int)self->n_rows; i++) {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index(self->list, i);
        if (is_message_row(row))
            return message_list_row_id(row);
    }
    return 0;
}

gboolean chat_message_list_get_more_history(ChatMessageList *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self), FALSE);
    return self->more_history;
}

static gboolean on_highlight_over(gpointer data)
{
    GtkWidget *row = data;
    g_object_steal_data(G_OBJECT(row), REVEAL_SOURCE); /* this very source ends */
    gtk_style_context_remove_class(gtk_widget_get_style_context(row), "revealed");
    return G_SOURCE_REMOVE;
}

static void drop_highlight_source(gpointer data)
{
    g_source_remove(GPOINTER_TO_UINT(data));
}

/* After layout (rows from history have their sizes now): the row in the middle of the
 * view, then the focus on it (which would only scroll it to an edge). */
static gboolean on_laid_out(gpointer data)
{
    GtkWidget *row = data;
    GtkWidget *list = gtk_widget_get_ancestor(row, CHAT_TYPE_MESSAGE_LIST);
    if (list != NULL && gtk_widget_get_mapped(row)) {
        ChatMessageList *self = CHAT_MESSAGE_LIST(list);
        GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment(self->scroller);
        int y = 0;
        if (gtk_widget_translate_coordinates(row, GTK_WIDGET(self->list), 0, 0, NULL, &y)) {
            double page = gtk_adjustment_get_page_size(adj);
            double top = y - (page - gtk_widget_get_allocated_height(row)) / 2;
            self->following = FALSE;
            self->anchored = FALSE;
            gtk_adjustment_set_value(adj, CLAMP(top, gtk_adjustment_get_lower(adj),
                                                gtk_adjustment_get_upper(adj) - page));
        }
        gtk_widget_grab_focus(row);
    }
    g_object_unref(row);
    return G_SOURCE_REMOVE;
}

/* Brings row (of this list) to the reader: in view, focused, highlighted a moment. */
void chat_message_list_reveal_row(ChatMessageList *self, GtkListBoxRow *row)
{
    g_return_if_fail(CHAT_IS_MESSAGE_LIST(self) && GTK_IS_LIST_BOX_ROW(row));
    GtkWidget *widget = GTK_WIDGET(row);
    gtk_widget_grab_focus(widget);
    gtk_style_context_add_class(gtk_widget_get_style_context(widget), "revealed");
    guint source = g_timeout_add(REVEAL_HIGHLIGHT_MS, on_highlight_over, widget);
    /* A row going away takes its timer with it; a second reveal restarts it. */
    g_object_set_data_full(G_OBJECT(widget), REVEAL_SOURCE, GUINT_TO_POINTER(source),
                           drop_highlight_source);
    g_idle_add_full(G_PRIORITY_DEFAULT_IDLE, on_laid_out, g_object_ref(widget), NULL);
}
