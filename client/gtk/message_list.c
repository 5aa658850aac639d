/* ChatMessageList: rows, grouping, the row cap, message id order and the
 * stick-to-bottom scrolling (date separators and the rows of history are in
 * message_list_days.c). */
#include "client/gtk/message_list_private.h"
#include "common/safe_text.h"

#include <glib/gi18n.h>

#include "client/gtk/clamp.h"

/* Within this many pixels of the end the view counts as "at the bottom". */
#define BOTTOM_SLACK_PX 48.0
/* Within this many pixels of the start, older messages are asked for. */
#define TOP_SLACK_PX 48.0

enum {
    SIGNAL_DOWNLOAD_REQUESTED,
    SIGNAL_CANCEL_REQUESTED,
    SIGNAL_RETRY_REQUESTED,
    SIGNAL_LOAD_OLDER,
    SIGNAL_GAP_LOAD_REQUESTED,
    N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_TYPE(ChatMessageList, chat_message_list, GTK_TYPE_OVERLAY)

static void row_set_place(GtkWidget *row, guint64 message_id, gint64 time_ms)
{
    if (message_id != 0)
        g_object_set_data_full(G_OBJECT(row), ROW_MESSAGE_ID, g_memdup2(&message_id, 8), g_free);
    g_object_set_data_full(G_OBJECT(row), ROW_TIME, g_memdup2(&time_ms, 8), g_free);
}

/* The message id row carries, 0 when none (notices, separators). */
guint64 message_list_row_id(GtkListBoxRow *row)
{
    guint64 *id = row ? g_object_get_data(G_OBJECT(row), ROW_MESSAGE_ID) : NULL;
    return id ? *id : 0;
}

/* The message id of a row (public: the window's message actions). */
guint64 chat_message_list_row_message_id(GtkListBoxRow *row)
{
    return message_list_row_id(row);
}

/* The time row carries, NULL when none. */
const gint64 *message_list_row_time(GtkListBoxRow *row)
{
    return row ? g_object_get_data(G_OBJECT(row), ROW_TIME) : NULL;
}

/* Where a message with this id goes: before the first row with a greater id, or -1
 * (the end) when it is the newest. */
int message_list_position_for(ChatMessageList *self, guint64 message_id)
{
    if (message_id == 0 || message_id > self->newest_id)
        return -1;
    for (int i = 0; i < (int)self->n_rows; i++)
        if (message_list_row_id(gtk_list_box_get_row_at_index(self->list, i)) > message_id)
            return i;
    return -1;
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

/* Asks for older messages once the view is at the top, or cannot scroll at all. */
static void maybe_load_older(ChatMessageList *self, GtkAdjustment *adj)
{
    if (self->loading_row != NULL || !self->more_history ||
        !gtk_widget_get_mapped(GTK_WIDGET(self)))
        return;
    gboolean scrolls = gtk_adjustment_get_upper(adj) > gtk_adjustment_get_page_size(adj);
    if (!scrolls || gtk_adjustment_get_value(adj) <= TOP_SLACK_PX)
        g_signal_emit(self, signals[SIGNAL_LOAD_OLDER], 0);
}

/* The user scrolled (or we did): follow new rows exactly when at the bottom. */
static void on_value_changed(GtkAdjustment *adj, ChatMessageList *self)
{
    self->following = is_at_bottom(adj);
    if (self->following)
        gtk_revealer_set_reveal_child(self->new_revealer, FALSE);
    double anchored_value = gtk_adjustment_get_upper(adj) - self->anchor;
    if (self->anchored && (gtk_adjustment_get_value(adj) > anchored_value + 1 ||
                           gtk_adjustment_get_value(adj) < anchored_value - 1))
        self->anchored = FALSE; /* the reader moved */
    maybe_load_older(self, adj);
}

/* The content grew or the view changed size: stay at the bottom when following, or
 * where the reader was while older rows went in above. */
static void on_adjustment_changed(GtkAdjustment *adj, ChatMessageList *self)
{
    if (self->following)
        gtk_adjustment_set_value(adj, gtk_adjustment_get_upper(adj) -
                                          gtk_adjustment_get_page_size(adj));
    else if (self->anchored)
        gtk_adjustment_set_value(adj, gtk_adjustment_get_upper(adj) - self->anchor);
    maybe_load_older(self, adj);
}

/* Takes row out (and a date separator left heading nothing). */
void message_list_remove_row(ChatMessageList *self, GtkListBoxRow *row)
{
    g_return_if_fail(row != NULL);
    int index = gtk_list_box_row_get_index(row);
    if (GTK_WIDGET(row) == self->presence_row)
        self->presence_row = NULL;
    if (GTK_WIDGET(row) == self->loading_row)
        self->loading_row = NULL;
    if (GTK_WIDGET(row) == self->unread_divider)
        self->unread_divider = NULL;
    gtk_widget_destroy(GTK_WIDGET(row));
    self->n_rows--;
    /* A group that lost its first bubble shows its name again. */
    GtkListBoxRow *next = gtk_list_box_get_row_at_index(self->list, index);
    if (CHAT_IS_BUBBLE(next) && index == 0)
        chat_bubble_set_grouped(CHAT_BUBBLE(next), FALSE);
    message_list_drop_orphan_separator(self, index);
}

static void remove_oldest_row(ChatMessageList *self)
{
    message_list_remove_row(self, gtk_list_box_get_row_at_index(self->list, 0));
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
    self->anchored = FALSE;
    gtk_container_add(GTK_CONTAINER(self->list), row);
    self->n_rows++;
    trim_rows(self);
    if (own)
        chat_message_list_scroll_to_bottom(self);
    else if (!self->following)
        gtk_revealer_set_reveal_child(self->new_revealer, TRUE);
}

/* A bubble continues the group of the row prev when both are texts from the same side
 * and sender, close in time. */
static gboolean continues_group(GtkListBoxRow *prev, ChatBubble *bubble)
{
    if (!CHAT_IS_BUBBLE(prev))
        return FALSE;
    ChatBubble *before = CHAT_BUBBLE(prev);
    gint64 gap = chat_bubble_get_time(bubble) - chat_bubble_get_time(before);
    return chat_bubble_get_own(before) == chat_bubble_get_own(bubble) &&
           g_strcmp0(chat_bubble_get_sender(before), chat_bubble_get_sender(bubble)) == 0 &&
           gap < CHAT_MESSAGE_LIST_GROUP_MS && gap > -CHAT_MESSAGE_LIST_GROUP_MS;
}

/* Groups the row at index with the one before it, if both are bubbles that belong
 * together. */
static void regroup(ChatMessageList *self, int index)
{
    GtkListBoxRow *row = gtk_list_box_get_row_at_index(self->list, index);
    if (CHAT_IS_BUBBLE(row))
        chat_bubble_set_grouped(CHAT_BUBBLE(row),
                                index > 0 && continues_group(gtk_list_box_get_row_at_index(
                                                                 self->list, index - 1),
                                                             CHAT_BUBBLE(row)));
}

/* Adds row for message_id: at the end, or (an older message: history) in its place
 * above, keeping the reader's view where it was. */
static void place_row(ChatMessageList *self, GtkWidget *row, guint64 message_id, gboolean own)
{
    int position = message_list_position_for(self, message_id);
    if (message_id > self->newest_id)
        self->newest_id = message_id;
    if (position < 0) {
        append_row(self, row, own);
        regroup(self, message_list_fix_separator(self, (int)self->n_rows - 1));
        return;
    }
    GtkAdjustment *adj = vadjustment(self);
    if (!self->following && !self->anchored) {
        self->anchored = TRUE;
        self->anchor = gtk_adjustment_get_upper(adj) - gtk_adjustment_get_value(adj);
    }
    position = message_list_above_separator(self, position);
    gtk_list_box_insert(self->list, row, position);
    self->n_rows++;
    message_list_fix_separators_around(self, position);
    int index = gtk_list_box_row_get_index(GTK_LIST_BOX_ROW(row));
    regroup(self, index);
    regroup(self, index + 1);
}

/* An own text the server acknowledged: its row takes the message's id and time (it
 * stays where it was shown). */
static void on_message_settled(ChatMessage *msg, GParamSpec *pspec, ChatBubble *bubble)
{
    (void)pspec;
    GtkWidget *list = gtk_widget_get_ancestor(GTK_WIDGET(bubble), CHAT_TYPE_MESSAGE_LIST);
    if (list == NULL)
        return;
    ChatMessageList *self = CHAT_MESSAGE_LIST(list);
    row_set_place(GTK_WIDGET(bubble), chat_message_get_id(msg), chat_message_get_time(msg));
    self->newest_id = MAX(self->newest_id, chat_message_get_id(msg));
    message_list_fix_separators_around(self,
                                       gtk_list_box_row_get_index(GTK_LIST_BOX_ROW(bubble)));
}

static ChatBubble *add_bubble(ChatMessageList *self, ChatMessage *msg)
{
    ChatBubble *bubble = chat_bubble_new(msg);
    guint64 id = chat_message_get_id(msg);
    row_set_place(GTK_WIDGET(bubble), id, chat_message_get_time(msg));
    if (id == 0)
        g_signal_connect_object(msg, "notify::id", G_CALLBACK(on_message_settled), bubble, 0);
    place_row(self, GTK_WIDGET(bubble), id, chat_message_get_own(msg));
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
    message_list_remove_row(self, GTK_LIST_BOX_ROW(row));
}

static ChatFileRow *add_file_row(ChatMessageList *self, const char *sender, const char *name,
                                 guint64 size, gint64 time_ms, gboolean own, guint64 message_id)
{
    ChatFileRow *row = chat_file_row_new(sender, name, size, time_ms, own);
    row_set_place(GTK_WIDGET(row), message_id, time_ms);
    g_signal_connect_object(row, "download-requested", G_CALLBACK(on_row_download), self, 0);
    g_signal_connect_object(row, "cancel-requested", G_CALLBACK(on_row_cancel), self, 0);
    g_signal_connect_object(row, "retry-requested", G_CALLBACK(on_row_retry), self, 0);
    g_signal_connect_object(row, "dismiss-requested", G_CALLBACK(on_row_dismiss), self, 0);
    place_row(self, GTK_WIDGET(row), message_id, own);
    return row;
}

static void on_new_clicked(ChatMessageList *self)
{
    chat_message_list_scroll_to_bottom(self);
}

static void chat_message_list_finalize(GObject *object)
{
    ChatMessageList *self = CHAT_MESSAGE_LIST(object);
    message_list_days_stop(self);
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
    signals[SIGNAL_LOAD_OLDER] =
        g_signal_new("load-older", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 0);
    signals[SIGNAL_GAP_LOAD_REQUESTED] =
        g_signal_new("gap-load-requested", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                     NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT64);
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
    self->joined = g_ptr_array_new_with_free_func(g_free);
    self->left = g_ptr_array_new_with_free_func(g_free);
    self->more_history = TRUE;
    message_list_days_follow_clock(self);
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

/* The bubble showing msg, or NULL; only own texts are looked for (the newest first):
 * every other message is shown once. */
ChatBubble *chat_message_list_find_bubble(ChatMessageList *self, ChatMessage *msg)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self) && CHAT_IS_MESSAGE(msg), NULL);
    if (!chat_message_get_own(msg))
        return NULL;
    for (int i = (int)self->n_rows - 1; i >= 0; i--) {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index(self->list, i);
        if (CHAT_IS_BUBBLE(row) && chat_bubble_get_message(CHAT_BUBBLE(row)) == msg)
            return CHAT_BUBBLE(row);
    }
    return NULL;
}

/* Shows msg, unless it is shown already (an own text shown since it was sent). */
ChatBubble *chat_message_list_add_message(ChatMessageList *self, ChatMessage *msg)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self) && CHAT_IS_MESSAGE(msg), NULL);
    ChatBubble *shown = chat_message_list_find_bubble(self, msg);
    return shown != NULL ? shown : add_bubble(self, msg);
}

/* The message of the row with the keyboard focus, or NULL. */
ChatMessage *chat_message_list_get_focused_message(ChatMessageList *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self), NULL);
    GtkWidget *row = gtk_container_get_focus_child(GTK_CONTAINER(self->list));
    return CHAT_IS_BUBBLE(row) ? chat_bubble_get_message(CHAT_BUBBLE(row)) : NULL;
}

/* A centred, dimmed line between bubbles. Notices quote names and reasons from the
 * network: their control and bidi characters are written out. */
static GtkWidget *notice_row_new(const char *text)
{
    char *shown = safe_text(text, -1, SAFE_TEXT_ONE_LINE);
    GtkWidget *label = gtk_label_new(shown);
    gtk_label_set_line_wrap(GTK_LABEL(label), TRUE);
    gtk_label_set_justify(GTK_LABEL(label), GTK_JUSTIFY_CENTER);
    gtk_widget_set_halign(label, GTK_ALIGN_CENTER);
    gtk_style_context_add_class(gtk_widget_get_style_context(label), "notice");
    GtkWidget *row = message_list_quiet_row(label, shown, TRUE);
    g_free(shown);
    return row;
}

GtkWidget *message_list_quiet_row(GtkWidget *child, const char *name, gboolean focusable)
{
    GtkWidget *row = gtk_list_box_row_new();
    gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), FALSE);
    gtk_list_box_row_set_selectable(GTK_LIST_BOX_ROW(row), FALSE);
    gtk_widget_set_can_focus(row, focusable);
    gtk_style_context_add_class(gtk_widget_get_style_context(row), "notice-row");
    atk_object_set_name(gtk_widget_get_accessible(row), name);
    gtk_container_add(GTK_CONTAINER(row), child);
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

/* The file row following transfer, or NULL. */
ChatFileRow *chat_message_list_find_file_row(ChatMessageList *self, ChatTransfer *transfer)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self) && CHAT_IS_TRANSFER(transfer), NULL);
    for (int i = (int)self->n_rows - 1; i >= 0; i--) {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index(self->list, i);
        if (CHAT_IS_FILE_ROW(row) && chat_file_row_get_transfer(CHAT_FILE_ROW(row)) == transfer)
            return CHAT_FILE_ROW(row);
    }
    return NULL;
}

/* Upload row following its transfer from the start. */
ChatFileRow *chat_message_list_add_upload(ChatMessageList *self, ChatTransfer *upload,
                                          const char *sender)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self) && CHAT_IS_TRANSFER(upload), NULL);
    ChatFileRow *row = add_file_row(self, sender, chat_transfer_get_name(upload),
                                    chat_transfer_get_size(upload), g_get_real_time() / 1000,
                                    TRUE, 0);
    chat_file_row_follow(row, upload);
    return row;
}

/* Announced file: completes our upload row, or offers someone else's file. */
ChatFileRow *chat_message_list_add_file(ChatMessageList *self, const ChatFileInfo *file)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self) && file != NULL, NULL);
    ChatFileRow *row = file->upload ? chat_message_list_find_file_row(self, file->upload) : NULL;
    if (row == NULL)
        row = add_file_row(self, file->uploader, file->name, file->size, file->time_ms,
                           file->own, file->message_id);
    else {
        row_set_place(GTK_WIDGET(row), file->message_id, file->time_ms);
        message_list_fix_separators_around(self, gtk_list_box_row_get_index(GTK_LIST_BOX_ROW(row)));
    }
    self->newest_id = MAX(self->newest_id, file->message_id);
    chat_file_row_set_file_id(row, file->file_id);
    if (file->own)
        chat_file_row_show_complete(row, NULL, _("shared"));
    return row;
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

/* Emits "gap-load-requested" (message_list_days.c's gap rows). */
void message_list_emit_gap_load(ChatMessageList *self, guint64 after_id, guint64 before_id)
{
    g_signal_emit(self, signals[SIGNAL_GAP_LOAD_REQUESTED], 0, after_id, before_id);
}

/* The newest message id shown (0: none). */
guint64 chat_message_list_get_newest_id(ChatMessageList *self)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE_LIST(self), 0);
    return self->newest_id;
}
