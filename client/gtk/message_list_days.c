/* ChatMessageList, days and history: a date separator ("Today", "Yesterday", a date)
 * heads the first message of each day, kept right as rows come, go and change time; the
 * "Loading older messages" row on top while a page is asked for; and the row that marks
 * messages missed while away, with its button, until the gap is filled. */
#include "client/gtk/message_list_private.h"

#include <glib/gi18n.h>

#include "client/gtk/format.h"

/* A separator row's data: the time (ms) of the message it was made for. */
#define SEPARATOR_TIME "chat-separator-time"

static gboolean is_separator(GtkListBoxRow *row)
{
    return row != NULL && g_object_get_data(G_OBJECT(row), SEPARATOR_TIME) != NULL;
}

/* The local day a separator row heads. */
static gint64 separator_day(GtkListBoxRow *row)
{
    return format_day_number(*(gint64 *)g_object_get_data(G_OBJECT(row), SEPARATOR_TIME));
}

/* Names a separator row as seen at now_ms, for the eye and for screen readers. */
static void separator_name(GtkListBoxRow *row, gint64 now_ms)
{
    char *text = format_day(*(gint64 *)g_object_get_data(G_OBJECT(row), SEPARATOR_TIME),
                            now_ms);
    gtk_label_set_text(GTK_LABEL(gtk_bin_get_child(GTK_BIN(row))), text);
    atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(row)), text);
    g_free(text);
}

/* A date separator row: "Today", "Yesterday" or the date, a heading for screen readers. */
static GtkWidget *separator_new(gint64 time_ms)
{
    GtkWidget *label = gtk_label_new(NULL);
    gtk_style_context_add_class(gtk_widget_get_style_context(label), "date-separator");
    atk_object_set_role(gtk_widget_get_accessible(label), ATK_ROLE_HEADING);
    GtkWidget *row = message_list_quiet_row(label, "", FALSE); /* named below */
    g_object_set_data_full(G_OBJECT(row), SEPARATOR_TIME, g_memdup2(&time_ms, 8), g_free);
    separator_name(GTK_LIST_BOX_ROW(row), g_get_real_time() / 1000);
    return row;
}

/* Names the date separators as seen at now_ms (see message_list.h). */
void chat_message_list_name_days(ChatMessageList *self, gint64 now_ms)
{
    g_return_if_fail(CHAT_IS_MESSAGE_LIST(self));
    for (int i = 0; i < (int)self->n_rows; i++) {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index(self->list, i);
        if (is_separator(row))
            separator_name(row, now_ms);
    }
}

/* Whole seconds from now to just past the next local midnight. */
static guint seconds_to_midnight(void)
{
    GDateTime *now = g_date_time_new_now_local();
    GDateTime *today = g_date_time_new_local(g_date_time_get_year(now),
                                             g_date_time_get_month(now),
                                             g_date_time_get_day_of_month(now), 0, 0, 0);
    GDateTime *midnight = g_date_time_add_days(today, 1);
    GTimeSpan left = g_date_time_difference(midnight, now);
    g_date_time_unref(midnight);
    g_date_time_unref(today);
    g_date_time_unref(now);
    return (guint)(MAX(left, 0) / G_USEC_PER_SEC) + 1;
}

static gboolean on_midnight(gpointer data)
{
    ChatMessageList *self = data;
    chat_message_list_name_days(self, g_get_real_time() / 1000);
    self->midnight_source = g_timeout_add_seconds(seconds_to_midnight(), on_midnight, self);
    return G_SOURCE_REMOVE;
}

/* Renames the separators at each local midnight from now on (see message_list_private.h). */
void message_list_days_follow_clock(ChatMessageList *self)
{
    self->midnight_source = g_timeout_add_seconds(seconds_to_midnight(), on_midnight, self);
}

/* Stops renaming them (see message_list_private.h). */
void message_list_days_stop(ChatMessageList *self)
{
    g_clear_handle_id(&self->midnight_source, g_source_remove);
}

/* The time of the nearest message row before index, or NULL. */
static const gint64 *time_before(ChatMessageList *self, int index)
{
    for (int i = index - 1; i >= 0; i--) {
        const gint64 *time = message_list_row_time(gtk_list_box_get_row_at_index(self->list, i));
        if (time != NULL)
            return time;
    }
    return NULL;
}

/* The message row at index gets a date separator right above it exactly when it is
 * the first of its day in the list. Returns the row's index afterwards. */
int message_list_fix_separator(ChatMessageList *self, int index)
{
    GtkListBoxRow *row = gtk_list_box_get_row_at_index(self->list, index);
    const gint64 *time = message_list_row_time(row);
    if (time == NULL)
        return index;
    const gint64 *previous = time_before(self, index);
    gint64 day = format_day_number(*time);
    gboolean needed = previous == NULL || format_day_number(*previous) != day;
    GtkListBoxRow *above = index > 0 ? gtk_list_box_get_row_at_index(self->list, index - 1)
                                     : NULL;
    gboolean present = is_separator(above);
    if (present && (!needed || separator_day(above) != day)) {
        message_list_remove_row(self, above);
        index--;
        present = FALSE;
    }
    if (needed && !present) {
        gtk_list_box_insert(self->list, separator_new(*time), index);
        self->n_rows++;
        index++;
    }
    return index;
}

/* Where a row going in before index really goes: above the separator heading the row
 * at index, which may be of a later day. */
int message_list_above_separator(ChatMessageList *self, int index)
{
    if (index > 0 && is_separator(gtk_list_box_get_row_at_index(self->list, index - 1)))
        return index - 1;
    return index;
}

/* The separator above index goes when no message of its day follows it. */
void message_list_drop_orphan_separator(ChatMessageList *self, int index)
{
    GtkListBoxRow *above = index > 0 ? gtk_list_box_get_row_at_index(self->list, index - 1)
                                     : NULL;
    if (!is_separator(above))
        return;
    for (int i = index; i < (int)self->n_rows; i++) {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index(self->list, i);
        if (is_separator(row))
            break;
        if (message_list_row_time(row) != NULL)
            return;
    }
    message_list_remove_row(self, above);
}

/* The separators around the message row at index (it and the next message). */
void message_list_fix_separators_around(ChatMessageList *self, int index)
{
    index = message_list_fix_separator(self, index);
    for (int i = index + 1; i < (int)self->n_rows; i++) {
        if (message_list_row_time(gtk_list_box_get_row_at_index(self->list, i)) != NULL) {
            message_list_fix_separator(self, i);
            return;
        }
    }
}

/* A centred row of a spinner and words, on top. */
void chat_message_list_set_loading(ChatMessageList *self, gboolean loading)
{
    g_return_if_fail(CHAT_IS_MESSAGE_LIST(self));
    if (!loading) {
        if (self->loading_row != NULL)
            message_list_remove_row(self, GTK_LIST_BOX_ROW(self->loading_row));
        return;
    }
    if (self->loading_row != NULL)
        return;
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
    gtk_widget_set_halign(box, GTK_ALIGN_CENTER);
    GtkWidget *spinner = gtk_spinner_new();
    gtk_spinner_start(GTK_SPINNER(spinner));
    GtkWidget *label = gtk_label_new(_("Loading older messages\u2026"));
    gtk_style_context_add_class(gtk_widget_get_style_context(label), "notice");
    gtk_box_pack_start(GTK_BOX(box), spinner, FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(box), label, FALSE, FALSE, 0);
    GtkWidget *row = gtk_list_box_row_new();
    gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), FALSE);
    gtk_style_context_add_class(gtk_widget_get_style_context(row), "notice-row");
    atk_object_set_name(gtk_widget_get_accessible(row), _("Loading older messages"));
    gtk_container_add(GTK_CONTAINER(row), box);
    gtk_widget_show_all(row);
    self->loading_row = row;
    gtk_list_box_insert(self->list, row, 0);
    self->n_rows++;
}

gboolean chat_message_list_get_loading(ChatMessageList *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self), FALSE);
    return self->loading_row != NULL;
}

/* Whether older messages exist: FALSE stops asking. */
void chat_message_list_set_more_history(ChatMessageList *self, gboolean more)
{
    g_return_if_fail(CHAT_IS_MESSAGE_LIST(self));
    self->more_history = more;
}

static void on_gap_load(GtkButton *button, ChatMessageList *self)
{
    GtkWidget *row = gtk_widget_get_ancestor(GTK_WIDGET(button), GTK_TYPE_LIST_BOX_ROW);
    guint64 *before = g_object_get_data(G_OBJECT(row), GAP_BEFORE);
    message_list_emit_gap_load(self, message_list_row_id(GTK_LIST_BOX_ROW(row)), *before);
}

/* A row where messages are missing, after after_id's row, with a button to load them. */
void chat_message_list_add_gap(ChatMessageList *self, guint64 after_id, guint64 before_id)
{
    g_return_if_fail(CHAT_IS_MESSAGE_LIST(self) && after_id < before_id);
    const char *words = _("Messages from while you were away are missing here.");
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
    gtk_widget_set_halign(box, GTK_ALIGN_CENTER);
    GtkWidget *label = gtk_label_new(words);
    gtk_label_set_line_wrap(GTK_LABEL(label), TRUE);
    gtk_style_context_add_class(gtk_widget_get_style_context(label), "notice");
    GtkWidget *button = gtk_button_new_with_label(_("Load Them"));
    g_signal_connect_object(button, "clicked", G_CALLBACK(on_gap_load), self, 0);
    gtk_box_pack_start(GTK_BOX(box), label, FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(box), button, FALSE, FALSE, 0);
    GtkWidget *row = gtk_list_box_row_new();
    gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), FALSE);
    gtk_style_context_add_class(gtk_widget_get_style_context(row), "notice-row");
    gtk_style_context_add_class(gtk_widget_get_style_context(row), "gap-row");
    atk_object_set_name(gtk_widget_get_accessible(row), words);
    gtk_container_add(GTK_CONTAINER(row), box);
    gtk_widget_show_all(row);
    g_object_set_data_full(G_OBJECT(row), ROW_MESSAGE_ID, g_memdup2(&after_id, 8), g_free);
    g_object_set_data_full(G_OBJECT(row), GAP_BEFORE, g_memdup2(&before_id, 8), g_free);
    int position = message_list_position_for(self, after_id);
    gtk_list_box_insert(self->list, row, position < 0 ? -1 : message_list_above_separator(self, position));
    self->n_rows++;
}

/* The gap after after_id was filled: its row goes. */
void chat_message_list_remove_gap(ChatMessageList *self, guint64 after_id)
{
    g_return_if_fail(CHAT_IS_MESSAGE_LIST(self));
    for (int i = 0; i < (int)self->n_rows; i++) {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index(self->list, i);
        if (g_object_get_data(G_OBJECT(row), GAP_BEFORE) != NULL &&
            message_list_row_id(row) == after_id) {
            message_list_remove_row(self, row);
            return;
        }
    }
}
