/* ChatMessageList, where the reader stopped: a "New messages" divider above the first
 * message newer than the read marker, kept in id order like any row. */
#include "client/gtk/message_list_private.h"

#include <glib/gi18n.h>

static GtkWidget *divider_new(guint64 read_id)
{
    const char *words = _("New messages");
    GtkWidget *label = gtk_label_new(words);
    gtk_style_context_add_class(gtk_widget_get_style_context(label), "unread-divider");
    GtkWidget *row = message_list_quiet_row(label, words, FALSE);
    atk_object_set_role(gtk_widget_get_accessible(row), ATK_ROLE_SEPARATOR);
    /* It sorts right after the last message read. */
    g_object_set_data_full(G_OBJECT(row), ROW_MESSAGE_ID, g_memdup2(&read_id, 8), g_free);
    return row;
}

/* TRUE when the divider stands where read_id puts it: right above the first message
 * newer than read_id (only rows without a message, such as a date separator, between). */
static gboolean divider_in_place(ChatMessageList *self, guint64 read_id)
{
    GtkListBoxRow *divider = GTK_LIST_BOX_ROW(self->unread_divider);
    int position = message_list_position_for(self, read_id);
    int at = gtk_list_box_row_get_index(divider);
    if (message_list_row_id(divider) != read_id || position < 0 || at >= position)
        return FALSE;
    for (int i = at + 1; i < position; i++)
        if (message_list_row_id(gtk_list_box_get_row_at_index(self->list, i)) != 0)
            return FALSE;
    return TRUE;
}

/* Moves the divider above the first message newer than read_id (only when it is not
 * there already: history pages call this once per message); takes it away when no newer
 * message is shown (or read_id is 0). TRUE when it shows. */
gboolean chat_message_list_set_unread_divider(ChatMessageList *self, guint64 read_id)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self), FALSE);
    if (self->unread_divider != NULL && read_id != 0 && divider_in_place(self, read_id))
        return TRUE;
    if (self->unread_divider != NULL)
        message_list_remove_row(self, GTK_LIST_BOX_ROW(self->unread_divider));
    int position = read_id != 0 ? message_list_position_for(self, read_id) : -1;
    if (position < 0)
        return FALSE;
    self->unread_divider = divider_new(read_id);
    gtk_list_box_insert(self->list, self->unread_divider,
                        message_list_above_separator(self, position));
    self->n_rows++;
    return TRUE;
}

/* TRUE while the divider shows. */
gboolean chat_message_list_has_unread_divider(ChatMessageList *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self), FALSE);
    return self->unread_divider != NULL;
}
