/* ChatMessageList, where the reader stopped: a "New messages" divider above the first
 * message newer than the read marker, kept in id order like any row. */
#include "client/gtk/message_list_private.h"

#include <glib/gi18n.h>

#define UNREAD_DIVIDER "chat-unread-divider"

static GtkListBoxRow *find_divider(ChatMessageList *self)
{
    for (int i = 0; i < (int)self->n_rows; i++) {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index(self->list, i);
        if (g_object_get_data(G_OBJECT(row), UNREAD_DIVIDER) != NULL)
            return row;
    }
    return NULL;
}

static GtkWidget *divider_new(guint64 read_id)
{
    const char *words = _("New messages");
    GtkWidget *label = gtk_label_new(words);
    gtk_style_context_add_class(gtk_widget_get_style_context(label), "unread-divider");
    GtkWidget *row = message_list_quiet_row(label, words, FALSE);
    atk_object_set_role(gtk_widget_get_accessible(row), ATK_ROLE_SEPARATOR);
    /* It sorts right after the last message read. */
    g_object_set_data_full(G_OBJECT(row), ROW_MESSAGE_ID, g_memdup2(&read_id, 8), g_free);
    g_object_set_data(G_OBJECT(row), UNREAD_DIVIDER, GINT_TO_POINTER(1));
    return row;
}

/* Moves the divider above the first message newer than read_id; takes it away when no
 * newer message is shown (or read_id is 0). TRUE when it shows. */
gboolean chat_message_list_set_unread_divider(ChatMessageList *self, guint64 read_id)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self), FALSE);
    GtkListBoxRow *old = find_divider(self);
    if (old != NULL)
        message_list_remove_row(self, old);
    int position = read_id != 0 ? message_list_position_for(self, read_id) : -1;
    if (position < 0)
        return FALSE;
    gtk_list_box_insert(self->list, divider_new(read_id),
                        message_list_above_separator(self, position));
    self->n_rows++;
    return TRUE;
}

/* TRUE while the divider shows. */
gboolean chat_message_list_has_unread_divider(ChatMessageList *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self), FALSE);
    return find_divider(self) != NULL;
}
