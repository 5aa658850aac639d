/* ChatMessageList: rows, grouping, the row cap and the stick-to-bottom scrolling. */
#include "client/message_list.h"

#include <glib/gi18n.h>

/* Within this many pixels of the end the view counts as "at the bottom". */
#define BOTTOM_SLACK_PX 48.0

struct _ChatMessageList {
    GtkOverlay parent_instance;
    GtkScrolledWindow *scroller;
    GtkListBox *list;
    GtkRevealer *new_revealer;
    GtkWidget *new_button;
    guint max_rows;
    guint n_rows;
    gboolean following;
    /* Indexes into the rows, by the session's ids; entries go with their rows. */
    GHashTable *pending; /* client id -> ChatBubble */
    GHashTable *uploads; /* upload id -> ChatFileRow */
    GHashTable *files;   /* file id -> ChatFileRow */
};

enum { SIGNAL_DOWNLOAD_REQUESTED, SIGNAL_CANCEL_REQUESTED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_TYPE(ChatMessageList, chat_message_list, GTK_TYPE_OVERLAY)

static GHashTable *id_table_new(void)
{
    return g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
}

static void id_table_insert(GHashTable *table, guint64 id, gpointer row)
{
    gint64 *key = g_new(gint64, 1);
    *key = (gint64)id;
    g_hash_table_insert(table, key, row);
}

static gpointer id_table_lookup(GHashTable *table, guint64 id)
{
    gint64 key = (gint64)id;
    return g_hash_table_lookup(table, &key);
}

static gboolean value_is(gpointer key, gpointer value, gpointer row)
{
    (void)key;
    return value == row;
}

static gboolean is_at_bottom(GtkAdjustment *adj)
{
    double end = gtk_adjustment_get_upper(adj) - gtk_adjustment_get_page_size(adj);
    return gtk_adjustment_get_value(adj) >= end - BOTTOM_SLACK_PX;
}

static GtkAdjustment *vadjustment(ChatMessageList *self)
{
    return gtk_scrolled_window_get_vadjustment(self->scroller);
}

/* The user scrolled (or we did): follow new rows exactly when at the bottom. */
static void on_value_changed(GtkAdjustment *adj, ChatMessageList *self)
{
    self->following = is_at_bottom(adj);
    if (self->following)
        gtk_revealer_set_reveal_child(self->new_revealer, FALSE);
}

/* The content grew or the view changed size: stay at the bottom when following. */
static void on_adjustment_changed(GtkAdjustment *adj, ChatMessageList *self)
{
    if (self->following)
        gtk_adjustment_set_value(adj, gtk_adjustment_get_upper(adj) -
                                          gtk_adjustment_get_page_size(adj));
}

static void remove_oldest_row(ChatMessageList *self)
{
    GtkListBoxRow *row = gtk_list_box_get_row_at_index(self->list, 0);
    g_return_if_fail(row != NULL);
    g_hash_table_foreach_remove(self->pending, value_is, row);
    g_hash_table_foreach_remove(self->uploads, value_is, row);
    g_hash_table_foreach_remove(self->files, value_is, row);
    gtk_widget_destroy(GTK_WIDGET(row));
    self->n_rows--;
    /* A group that lost its first bubble shows its name again. */
    GtkListBoxRow *first = gtk_list_box_get_row_at_index(self->list, 0);
    if (CHAT_IS_BUBBLE(first))
        chat_bubble_set_grouped(CHAT_BUBBLE(first), FALSE);
}

static void trim_rows(ChatMessageList *self)
{
    while (self->n_rows > self->max_rows)
        remove_oldest_row(self);
}

/* Appends row; unless it is our own doing (which always jumps down), a row arriving
 * while the user reads older ones raises the "New messages" button. */
static void append_row(ChatMessageList *self, GtkWidget *row, gboolean own)
{
    gtk_container_add(GTK_CONTAINER(self->list), row);
    self->n_rows++;
    trim_rows(self);
    if (own)
        chat_message_list_scroll_to_bottom(self);
    else if (!self->following)
        gtk_revealer_set_reveal_child(self->new_revealer, TRUE);
}

/* A bubble continues the group of the row before it when both are texts from the same
 * side and sender, close in time. */
static gboolean continues_group(ChatMessageList *self, ChatBubble *bubble)
{
    if (self->n_rows == 0)
        return FALSE;
    GtkListBoxRow *last = gtk_list_box_get_row_at_index(self->list, (int)self->n_rows - 1);
    if (!CHAT_IS_BUBBLE(last))
        return FALSE;
    ChatBubble *prev = CHAT_BUBBLE(last);
    gint64 gap = chat_bubble_get_time(bubble) - chat_bubble_get_time(prev);
    return chat_bubble_get_own(prev) == chat_bubble_get_own(bubble) &&
           g_strcmp0(chat_bubble_get_sender(prev), chat_bubble_get_sender(bubble)) == 0 &&
           gap < CHAT_MESSAGE_LIST_GROUP_MS && gap > -CHAT_MESSAGE_LIST_GROUP_MS;
}

static ChatBubble *append_bubble(ChatMessageList *self, const char *sender, const char *text,
                                 gint64 time_ms, gboolean own)
{
    ChatBubble *bubble = chat_bubble_new(sender, text, time_ms, own);
    chat_bubble_set_grouped(bubble, continues_group(self, bubble));
    append_row(self, GTK_WIDGET(bubble), own);
    return bubble;
}

static void on_row_download(ChatFileRow *row, ChatMessageList *self)
{
    g_signal_emit(self, signals[SIGNAL_DOWNLOAD_REQUESTED], 0, row);
}

static void on_row_cancel(ChatFileRow *row, ChatMessageList *self)
{
    g_signal_emit(self, signals[SIGNAL_CANCEL_REQUESTED], 0, row);
}

static ChatFileRow *append_file_row(ChatMessageList *self, const char *sender, const char *name,
                                    guint64 size, gint64 time_ms, gboolean own)
{
    ChatFileRow *row = chat_file_row_new(sender, name, size, time_ms, own);
    g_signal_connect_object(row, "download-requested", G_CALLBACK(on_row_download), self, 0);
    g_signal_connect_object(row, "cancel-requested", G_CALLBACK(on_row_cancel), self, 0);
    append_row(self, GTK_WIDGET(row), own);
    return row;
}

static void on_new_clicked(ChatMessageList *self)
{
    chat_message_list_scroll_to_bottom(self);
}

static void chat_message_list_finalize(GObject *object)
{
    ChatMessageList *self = CHAT_MESSAGE_LIST(object);
    g_hash_table_unref(self->pending);
    g_hash_table_unref(self->uploads);
    g_hash_table_unref(self->files);
    G_OBJECT_CLASS(chat_message_list_parent_class)->finalize(object);
}

static void chat_message_list_class_init(ChatMessageListClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->finalize = chat_message_list_finalize;
    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/chat/client/message_list.ui");
    gtk_widget_class_bind_template_child(widget_class, ChatMessageList, scroller);
    gtk_widget_class_bind_template_child(widget_class, ChatMessageList, list);
    gtk_widget_class_bind_template_child(widget_class, ChatMessageList, new_revealer);
    gtk_widget_class_bind_template_child(widget_class, ChatMessageList, new_button);
    gtk_widget_class_bind_template_callback(widget_class, on_new_clicked);
    signals[SIGNAL_DOWNLOAD_REQUESTED] =
        g_signal_new("download-requested", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                     NULL, NULL, NULL, G_TYPE_NONE, 1, CHAT_TYPE_FILE_ROW);
    signals[SIGNAL_CANCEL_REQUESTED] =
        g_signal_new("cancel-requested", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                     NULL, NULL, NULL, G_TYPE_NONE, 1, CHAT_TYPE_FILE_ROW);
}

static void chat_message_list_init(ChatMessageList *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->max_rows = CHAT_MESSAGE_LIST_DEFAULT_MAX_ROWS;
    self->following = TRUE;
    self->pending = id_table_new();
    self->uploads = id_table_new();
    self->files = id_table_new();
    atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(self->list)), _("Messages"));
    atk_object_set_name(gtk_widget_get_accessible(self->new_button), _("New messages"));
    GtkAdjustment *adj = vadjustment(self);
    g_signal_connect_object(adj, "value-changed", G_CALLBACK(on_value_changed), self, 0);
    g_signal_connect_object(adj, "changed", G_CALLBACK(on_adjustment_changed), self, 0);
}

/* An empty conversation. */
GtkWidget *chat_message_list_new(void)
{
    return g_object_new(CHAT_TYPE_MESSAGE_LIST, NULL);
}

/* Sets the cap and applies it at once. */
void chat_message_list_set_max_rows(ChatMessageList *self, guint max_rows)
{
    g_return_if_fail(CHAT_IS_MESSAGE_LIST(self));
    self->max_rows = MAX(max_rows, 1u);
    trim_rows(self);
}

guint chat_message_list_get_n_rows(ChatMessageList *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self), 0);
    return self->n_rows;
}

GtkListBox *chat_message_list_get_list_box(ChatMessageList *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self), NULL);
    return self->list;
}

/* Pending own bubble, indexed by client_id. */
ChatBubble *chat_message_list_add_pending(ChatMessageList *self, guint64 client_id,
                                          const char *sender, const char *text)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self) && client_id != 0, NULL);
    ChatBubble *bubble = append_bubble(self, sender, text, g_get_real_time() / 1000, TRUE);
    chat_bubble_set_state(bubble, CHAT_BUBBLE_PENDING, NULL);
    id_table_insert(self->pending, client_id, bubble);
    return bubble;
}

/* Settles a pending bubble or adds a new one. */
ChatBubble *chat_message_list_add_message(ChatMessageList *self, const ChatMessage *msg)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self) && msg != NULL, NULL);
    if (msg->own && msg->client_id != 0) {
        ChatBubble *pending = id_table_lookup(self->pending, msg->client_id);
        if (pending != NULL) {
            gint64 key = (gint64)msg->client_id;
            g_hash_table_remove(self->pending, &key);
            chat_bubble_set_time(pending, msg->time_ms);
            chat_bubble_set_state(pending, CHAT_BUBBLE_SENT, NULL);
            return pending;
        }
    }
    return append_bubble(self, msg->sender, msg->text, msg->time_ms, msg->own);
}

/* Pending -> failed. */
gboolean chat_message_list_fail_message(ChatMessageList *self, guint64 client_id,
                                        const char *reason)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self), FALSE);
    ChatBubble *pending = id_table_lookup(self->pending, client_id);
    if (pending == NULL)
        return FALSE;
    chat_bubble_set_state(pending, CHAT_BUBBLE_FAILED, reason);
    gint64 key = (gint64)client_id;
    g_hash_table_remove(self->pending, &key);
    return TRUE;
}

/* A centred, dimmed line between bubbles. */
void chat_message_list_add_notice(ChatMessageList *self, const char *text)
{
    g_return_if_fail(CHAT_IS_MESSAGE_LIST(self) && text != NULL);
    GtkWidget *row = gtk_list_box_row_new();
    GtkWidget *label = gtk_label_new(text);
    gtk_label_set_line_wrap(GTK_LABEL(label), TRUE);
    gtk_label_set_justify(GTK_LABEL(label), GTK_JUSTIFY_CENTER);
    gtk_widget_set_halign(label, GTK_ALIGN_CENTER);
    gtk_style_context_add_class(gtk_widget_get_style_context(label), "notice");
    gtk_container_add(GTK_CONTAINER(row), label);
    gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), FALSE);
    gtk_list_box_row_set_selectable(GTK_LIST_BOX_ROW(row), FALSE);
    gtk_widget_set_can_focus(row, FALSE);
    gtk_widget_show_all(row);
    append_row(self, row, FALSE);
}

/* Upload row in progress at 0 bytes. */
ChatFileRow *chat_message_list_add_upload(ChatMessageList *self, guint64 upload_id,
                                          const char *sender, const char *path, guint64 size)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self) && path != NULL, NULL);
    char *name = g_path_get_basename(path);
    ChatFileRow *row = append_file_row(self, sender, name, size, g_get_real_time() / 1000, TRUE);
    g_free(name);
    chat_file_row_set_upload_id(row, upload_id);
    chat_file_row_set_path(row, path);
    chat_file_row_show_progress(row, 0, size, 0);
    id_table_insert(self->uploads, upload_id, row);
    return row;
}

/* Announced file: completes our upload row, or offers someone else's file. */
ChatFileRow *chat_message_list_add_file(ChatMessageList *self, const ChatFileInfo *file)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self) && file != NULL, NULL);
    ChatFileRow *row = NULL;
    if (file->own && file->upload_id != 0)
        row = id_table_lookup(self->uploads, file->upload_id);
    if (row == NULL)
        row = append_file_row(self, file->uploader, file->name, file->size, file->time_ms,
                              file->own);
    chat_file_row_set_file_id(row, file->file_id);
    id_table_insert(self->files, file->file_id, row);
    if (file->own)
        chat_file_row_show_complete(row, NULL, _("shared"));
    return row;
}

/* Row for an upload id or a download's file id. */
ChatFileRow *chat_message_list_find_transfer(ChatMessageList *self,
                                             ChatTransferDirection direction, guint64 id)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self), NULL);
    return id_table_lookup(direction == CHAT_TRANSFER_UPLOAD ? self->uploads : self->files, id);
}

gboolean chat_message_list_get_following(ChatMessageList *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self), FALSE);
    return self->following;
}

gboolean chat_message_list_get_has_unseen(ChatMessageList *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self), FALSE);
    return gtk_revealer_get_reveal_child(self->new_revealer);
}

/* Follows again; the adjustment handler keeps it there as rows settle their size. */
void chat_message_list_scroll_to_bottom(ChatMessageList *self)
{
    g_return_if_fail(CHAT_IS_MESSAGE_LIST(self));
    self->following = TRUE;
    gtk_revealer_set_reveal_child(self->new_revealer, FALSE);
    GtkAdjustment *adj = vadjustment(self);
    gtk_adjustment_set_value(adj, gtk_adjustment_get_upper(adj) -
                                      gtk_adjustment_get_page_size(adj));
}
