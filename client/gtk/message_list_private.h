/* Inside ChatMessageList: the instance struct and the helpers shared by message_list.c
 * (rows, grouping, order, scrolling) and message_list_days.c (date separators, and the
 * loading and gap rows of history). */
#ifndef CHAT_MESSAGE_LIST_PRIVATE_H
#define CHAT_MESSAGE_LIST_PRIVATE_H

#include "client/gtk/message_list.h"

/* What rows carry: the server's message id (ordering) and time (date separators). */
#define ROW_MESSAGE_ID "chat-message-id"
#define ROW_TIME "chat-time-ms"
#define GAP_BEFORE "chat-gap-before"

struct _ChatMessageList {
    GtkOverlay parent_instance;
    GtkScrolledWindow *scroller;
    GtkListBox *list;
    GtkRevealer *new_revealer;
    GtkWidget *new_button;
    guint max_rows;
    guint n_rows;
    gboolean following;
    /* The last row when it is a line of joins and leaves that more may join. */
    GtkWidget *presence_row;
    GPtrArray *joined;
    GPtrArray *left;
    /* History: the newest message id shown, the row saying older ones are coming, and
     * whether older ones exist. While older rows go in above a reader's view, the view
     * keeps its distance from the end (anchor) until the reader scrolls. */
    guint64 newest_id;
    GtkWidget *loading_row;
    gboolean more_history;
    gboolean anchored;
    double anchor;
    /* The "New messages" divider while it shows (message_list_unread.c). */
    GtkWidget *unread_divider;
    /* Renames the date separators at the next local midnight (message_list_days.c). */
    guint midnight_source;
};

/* message_list.c: a row holding child that cannot be activated or selected, styled as a
 * notice and read as name; focusable only when focusable (a notice is read in turn with
 * the messages; separators and dividers are passed over). */
GtkWidget *message_list_quiet_row(GtkWidget *child, const char *name, gboolean focusable);
/* Takes row out (and a date separator left heading nothing). */
void message_list_remove_row(ChatMessageList *self, GtkListBoxRow *row);
/* The server's message id a row carries (0: none) and its time (NULL: none). */
guint64 message_list_row_id(GtkListBoxRow *row);
const gint64 *message_list_row_time(GtkListBoxRow *row);
/* Where a message with this id goes: before the first row with a greater id, or -1 (the
 * end) when it is the newest. */
int message_list_position_for(ChatMessageList *self, guint64 message_id);
/* Emits "gap-load-requested". */
void message_list_emit_gap_load(ChatMessageList *self, guint64 after_id, guint64 before_id);

/* message_list_days.c: the message row at index gets a date separator right above it
 * exactly when it is the first of its day; returns the row's index afterwards. */
int message_list_fix_separator(ChatMessageList *self, int index);
/* The separators of the message row at index and of the next message. */
void message_list_fix_separators_around(ChatMessageList *self, int index);
/* Where a row going in before index really goes: above the separator heading that row. */
int message_list_above_separator(ChatMessageList *self, int index);
/* From now on the date separators are renamed at each local midnight; stopped by
 * message_list_days_stop (before the list is finalized). */
void message_list_days_follow_clock(ChatMessageList *self);
void message_list_days_stop(ChatMessageList *self);
/* The separator above index goes when no message of its day follows it. */
void message_list_drop_orphan_separator(ChatMessageList *self, int index);

#endif
