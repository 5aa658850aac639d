/* ChatMessageList: rows, grouping, the row cap and the stick-to-bottom scrolling. */
#include "client/gtk/message_list.h"
#include "common/safe_text.h"

#include <glib/gi18n.h>

#include "client/gtk/clamp.h"

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
    /* The last row when it is a line of joins and leaves that more may join. */
    GtkWidget *presence_row;
    GPtrArray *joined;
    GPtrArray *left;
};

enum {
    SIGNAL_DOWNLOAD_REQUESTED,
    SIGNAL_CANCEL_REQUESTED,
    SIGNAL_RETRY_REQUESTED,
    N_SIGNALS
};
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

/* Takes row out with its index entries. */
static void remove_row(ChatMessageList *self, GtkListBoxRow *row)
{
    g_return_if_fail(row != NULL);
    int index = gtk_list_box_row_get_index(row);
    g_hash_table_foreach_remove(self->pending, value_is, row);
    g_hash_table_foreach_remove(self->uploads, value_is, row);
    g_hash_table_foreach_remove(self->files, value_is, row);
    if (GTK_WIDGET(row) == self->presence_row)
        self->presence_row = NULL;
    gtk_widget_destroy(GTK_WIDGET(row));
    self->n_rows--;
    /* A group that lost its first bubble shows its name again. */
    GtkListBoxRow *next = gtk_list_box_get_row_at_index(self->list, index);
    if (CHAT_IS_BUBBLE(next) && index == 0)
        chat_bubble_set_grouped(CHAT_BUBBLE(next), FALSE);
}

static void remove_oldest_row(ChatMessageList *self)
{
    remove_row(self, gtk_list_box_get_row_at_index(self->list, 0));
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
    self->presence_row = NULL; /* the next join or leave starts a new line */
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

static void on_row_retry(ChatFileRow *row, ChatMessageList *self)
{
    g_signal_emit(self, signals[SIGNAL_RETRY_REQUESTED], 0, row);
}

static void on_row_dismiss(ChatFileRow *row, ChatMessageList *self)
{
    remove_row(self, GTK_LIST_BOX_ROW(row));
}

static ChatFileRow *append_file_row(ChatMessageList *self, const char *sender, const char *name,
                                    guint64 size, gint64 time_ms, gboolean own)
{
    ChatFileRow *row = chat_file_row_new(sender, name, size, time_ms, own);
    g_signal_connect_object(row, "download-requested", G_CALLBACK(on_row_download), self, 0);
    g_signal_connect_object(row, "cancel-requested", G_CALLBACK(on_row_cancel), self, 0);
    g_signal_connect_object(row, "retry-requested", G_CALLBACK(on_row_retry), self, 0);
    g_signal_connect_object(row, "dismiss-requested", G_CALLBACK(on_row_dismiss), self, 0);
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
    g_ptr_array_unref(self->joined);
    g_ptr_array_unref(self->left);
    G_OBJECT_CLASS(chat_message_list_parent_class)->finalize(object);
}

static void chat_message_list_class_init(ChatMessageListClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->finalize = chat_message_list_finalize;
    g_type_ensure(CHAT_TYPE_CLAMP);
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
    signals[SIGNAL_RETRY_REQUESTED] =
        g_signal_new("retry-requested", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                     NULL, NULL, NULL, G_TYPE_NONE, 1, CHAT_TYPE_FILE_ROW);
}

/* The newest row (at least partly) in view that can take the focus, or NULL. */
static GtkWidget *newest_row_in_view(ChatMessageList *self)
{
    GtkAdjustment *adj = vadjustment(self);
    double bottom = gtk_adjustment_get_value(adj) + gtk_adjustment_get_page_size(adj);
    double top = gtk_adjustment_get_value(adj);
    GtkWidget *fallback = NULL;
    for (int i = (int)self->n_rows - 1; i >= 0; i--) {
        GtkWidget *row = GTK_WIDGET(gtk_list_box_get_row_at_index(self->list, i));
        if (!gtk_widget_get_can_focus(row) || !gtk_widget_get_visible(row))
            continue;
        GtkAllocation box;
        gtk_widget_get_allocation(row, &box);
        if (fallback == NULL)
            fallback = row;
        if (box.y < bottom && box.y + box.height > top)
            return row;
        if (box.y + box.height <= top)
            break;
    }
    return fallback;
}

/* Tab into the conversation lands on the newest message in view, never on the oldest
 * row (which would scroll the view to the top); inside, the list moves as usual. */
static gboolean on_list_focus(GtkWidget *list, GtkDirectionType direction, ChatMessageList *self)
{
    if (gtk_container_get_focus_child(GTK_CONTAINER(list)) != NULL)
        return FALSE;
    if (direction != GTK_DIR_TAB_FORWARD && direction != GTK_DIR_TAB_BACKWARD)
        return FALSE;
    GtkWidget *row = newest_row_in_view(self);
    if (row == NULL)
        return FALSE; /* nothing to read: Tab goes on */
    /* Through the row's own focus handler, so the list's cursor follows it. */
    return gtk_widget_child_focus(row, GTK_DIR_TAB_FORWARD);
}

static void chat_message_list_init(ChatMessageList *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->max_rows = CHAT_MESSAGE_LIST_DEFAULT_MAX_ROWS;
    self->following = TRUE;
    self->pending = id_table_new();
    self->uploads = id_table_new();
    self->files = id_table_new();
    self->joined = g_ptr_array_new_with_free_func(g_free);
    self->left = g_ptr_array_new_with_free_func(g_free);
    atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(self->list)), _("Messages"));
    atk_object_set_name(gtk_widget_get_accessible(self->new_button), _("New messages"));
    /* The list sits in a clamp, not straight in the viewport: tell it what scrolls. */
    gtk_list_box_set_adjustment(self->list, vadjustment(self));
    gtk_container_set_focus_vadjustment(GTK_CONTAINER(self->list), vadjustment(self));
    g_signal_connect(self->list, "focus", G_CALLBACK(on_list_focus), self);
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

/* A centred, dimmed line between bubbles. Notices quote names and reasons from the
 * network: their control and bidi characters are written out. */
static GtkWidget *notice_row_new(const char *text)
{
    GtkWidget *row = gtk_list_box_row_new();
    char *shown = safe_text(text, -1, SAFE_TEXT_ONE_LINE);
    GtkWidget *label = gtk_label_new(shown);
    gtk_label_set_line_wrap(GTK_LABEL(label), TRUE);
    gtk_label_set_justify(GTK_LABEL(label), GTK_JUSTIFY_CENTER);
    gtk_widget_set_halign(label, GTK_ALIGN_CENTER);
    gtk_style_context_add_class(gtk_widget_get_style_context(label), "notice");
    gtk_container_add(GTK_CONTAINER(row), label);
    gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), FALSE);
    gtk_list_box_row_set_selectable(GTK_LIST_BOX_ROW(row), FALSE);
    gtk_style_context_add_class(gtk_widget_get_style_context(row), "notice-row");
    atk_object_set_name(gtk_widget_get_accessible(row), shown);
    g_free(shown);
    gtk_widget_show_all(row);
    return row;
}

/* A centred, dimmed line between bubbles; it takes the focus like a message, so a
 * keyboard user reads it in turn. */
void chat_message_list_add_notice(ChatMessageList *self, const char *text)
{
    g_return_if_fail(CHAT_IS_MESSAGE_LIST(self) && text != NULL);
    append_row(self, notice_row_new(text), FALSE);
}

/* "alice", "alice and bob", "alice, bob and carol", "alice, bob and 3 others". */
static char *name_list(GPtrArray *names)
{
    const char **n = (const char **)names->pdata;
    switch (names->len) {
    case 1:
        return g_strdup(n[0]);
    case 2:
        return g_strdup_printf(_("%s and %s"), n[0], n[1]);
    case 3:
        return g_strdup_printf(_("%s, %s and %s"), n[0], n[1], n[2]);
    default:
        return g_strdup_printf(g_dngettext(NULL, "%s, %s and %u other", "%s, %s and %u others",
                                           names->len - 2),
                               n[0], n[1], names->len - 2);
    }
}

static char *presence_text(ChatMessageList *self)
{
    char *joined = self->joined->len ? name_list(self->joined) : NULL;
    char *left = self->left->len ? name_list(self->left) : NULL;
    char *joined_text = joined ? g_strdup_printf(_("%s joined"), joined) : NULL;
    char *left_text = left ? g_strdup_printf(_("%s left"), left) : NULL;
    char *text = joined_text && left_text
                     ? g_strdup_printf(_("%s \u00B7 %s"), joined_text, left_text)
                     : g_strdup(joined_text ? joined_text : left_text);
    g_free(joined);
    g_free(left);
    g_free(joined_text);
    g_free(left_text);
    return text;
}

/* Consecutive joins and leaves share one line, rewritten as they come. */
void chat_message_list_add_presence(ChatMessageList *self, const char *name, gboolean joined)
{
    g_return_if_fail(CHAT_IS_MESSAGE_LIST(self) && name != NULL);
    if (self->presence_row == NULL) {
        g_ptr_array_set_size(self->joined, 0);
        g_ptr_array_set_size(self->left, 0);
    }
    g_ptr_array_add(joined ? self->joined : self->left, g_strdup(name));
    char *text = presence_text(self);
    if (self->presence_row == NULL) {
        GtkWidget *row = notice_row_new(text);
        append_row(self, row, FALSE);
        self->presence_row = row;
    } else {
        gtk_label_set_text(GTK_LABEL(gtk_bin_get_child(GTK_BIN(self->presence_row))), text);
        atk_object_set_name(gtk_widget_get_accessible(self->presence_row), text);
    }
    g_free(text);
}

/* Every row goes; the list is as new. */
void chat_message_list_clear(ChatMessageList *self)
{
    g_return_if_fail(CHAT_IS_MESSAGE_LIST(self));
    while (self->n_rows > 0)
        remove_oldest_row(self);
    self->following = TRUE;
    gtk_revealer_set_reveal_child(self->new_revealer, FALSE);
}

/* The row is our upload again, under a new upload id. */
void chat_message_list_set_upload_id(ChatMessageList *self, ChatFileRow *row, guint64 upload_id)
{
    g_return_if_fail(CHAT_IS_MESSAGE_LIST(self) && CHAT_IS_FILE_ROW(row));
    g_hash_table_foreach_remove(self->uploads, value_is, row);
    chat_file_row_set_upload_id(row, upload_id);
    id_table_insert(self->uploads, upload_id, row);
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
