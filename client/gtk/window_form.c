/* Small modal forms of the window (change password, a moderation reason): labelled
 * entries, Cancel and one accepting button, answered through "response" so the main
 * loop never waits in gtk_dialog_run. */
#include "client/gtk/window_private.h"

#include <glib/gi18n.h>

#define FORM_ENTRIES "chat-form-entries"

/* A dialog of labelled entries (see window_private.h). */
GtkWidget *window_form_new(ChatWindow *self, const char *title, const char *accept,
                           const char *const *fields, gboolean secret)
{
    GtkWidget *dialog = gtk_dialog_new_with_buttons(
        title, GTK_WINDOW(self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
        _("_Cancel"), GTK_RESPONSE_CANCEL, accept, GTK_RESPONSE_ACCEPT, NULL);
    gtk_dialog_set_default_response(GTK_DIALOG(dialog), GTK_RESPONSE_ACCEPT);
    GtkWidget *grid = gtk_grid_new();
    gtk_grid_set_row_spacing(GTK_GRID(grid), 8);
    gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
    gtk_container_set_border_width(GTK_CONTAINER(grid), 12);
    GPtrArray *entries = g_ptr_array_new();
    for (int i = 0; fields[i] != NULL; i++) {
        GtkWidget *label = gtk_label_new(fields[i]);
        gtk_label_set_xalign(GTK_LABEL(label), 0);
        GtkWidget *entry = gtk_entry_new();
        gtk_entry_set_visibility(GTK_ENTRY(entry), !secret);
        if (secret)
            gtk_entry_set_input_purpose(GTK_ENTRY(entry), GTK_INPUT_PURPOSE_PASSWORD);
        gtk_entry_set_activates_default(GTK_ENTRY(entry), TRUE);
        gtk_widget_set_hexpand(entry, TRUE);
        gtk_label_set_mnemonic_widget(GTK_LABEL(label), entry);
        window_set_accessible_name(entry, fields[i]);
        gtk_grid_attach(GTK_GRID(grid), label, 0, i, 1, 1);
        gtk_grid_attach(GTK_GRID(grid), entry, 1, i, 1, 1);
        g_ptr_array_add(entries, entry);
    }
    g_object_set_data_full(G_OBJECT(dialog), FORM_ENTRIES, entries,
                           (GDestroyNotify)g_ptr_array_unref);
    gtk_container_add(GTK_CONTAINER(gtk_dialog_get_content_area(GTK_DIALOG(dialog))), grid);
    return dialog;
}

/* The text of entry i (see window_private.h). */
const char *window_form_get(GtkDialog *dialog, guint i)
{
    GPtrArray *entries = g_object_get_data(G_OBJECT(dialog), FORM_ENTRIES);
    g_return_val_if_fail(entries != NULL && i < entries->len, "");
    return gtk_entry_get_text(g_ptr_array_index(entries, i));
}
