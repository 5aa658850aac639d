/* ChatMessageList: the conversation. A scrolling GtkListBox (no selection) of bubbles,
 * file rows and small centred notices, with the list logic of a chat:
 *   - consecutive messages of one sender within a few minutes form a group (the name
 *     shows once);
 *   - at most max_rows rows: the oldest go first, so a long session stays fast;
 *   - new rows keep the view at the bottom only when it already was there; otherwise a
 *     "New messages" button appears and jumps down;
 *   - each bubble follows its ChatMessage: own texts show at once as pending and turn
 *     sent, read (or failed); edits, deletion and reactions show as they come;
 *   - rows take the keyboard focus: arrows, Page Up/Down, Home/End move between them,
 *     Tab into the list lands on the newest row in view (the view does not jump), and
 *     the Menu key or Shift+F10 opens a row's actions;
 *   - consecutive joins and leaves fold into one line;
 *   - messages stand in message id order: an older one (history) goes in above, and
 *     the reader's view stays where it was; a date separator ("Today", "Yesterday", a
 *     date) heads each day.
 * Signals: "download-requested", "cancel-requested" and "retry-requested" (each with
 * the ChatFileRow *row) relay the buttons of file rows; Dismiss removes its row.
 * "load-older" (): the reader reached the top (or the view does not fill), older
 * messages may exist and none are loading. "gap-load-requested" (guint64 after_id,
 * guint64 before_id): the button of a gap row was pressed. */
#ifndef CHAT_MESSAGE_LIST_H
#define CHAT_MESSAGE_LIST_H

#include <gtk/gtk.h>

#include "client/gtk/bubble.h"
#include "client/gtk/file_row.h"
#include "client/core/session.h"

G_BEGIN_DECLS

#define CHAT_MESSAGE_LIST_DEFAULT_MAX_ROWS 1000u
/* Messages further apart than this start a new group even from one sender. */
#define CHAT_MESSAGE_LIST_GROUP_MS (5 * 60 * 1000)

#define CHAT_TYPE_MESSAGE_LIST (chat_message_list_get_type())
G_DECLARE_FINAL_TYPE(ChatMessageList, chat_message_list, CHAT, MESSAGE_LIST, GtkOverlay)

GtkWidget *chat_message_list_new(void);

/* Caps the rows kept (at least 1); extra rows go, oldest first, right away. */
void chat_message_list_set_max_rows(ChatMessageList *self, guint max_rows);
guint chat_message_list_get_n_rows(ChatMessageList *self);
GtkListBox *chat_message_list_get_list_box(ChatMessageList *self);

/* Shows msg (a row follows it through "notify"): a pending own text at the end, a sent
 * one in message id order. The same object shows once: an own text shown while pending
 * keeps its row. Returns the bubble. */
ChatBubble *chat_message_list_add_message(ChatMessageList *self, ChatMessage *msg);

/* The bubble showing the own text msg, or NULL. */
ChatBubble *chat_message_list_find_bubble(ChatMessageList *self, ChatMessage *msg);

/* The message of the row that has the keyboard focus (the one a row action is about),
 * or NULL when that is no message row. */
ChatMessage *chat_message_list_get_focused_message(ChatMessageList *self);

/* Adds a small centred line ("bob joined"). */
void chat_message_list_add_notice(ChatMessageList *self, const char *text);

/* Adds name to the line of joins (joined) or leaves ending the list ("alice, bob and
 * 3 others joined"), or starts such a line. */
void chat_message_list_add_presence(ChatMessageList *self, const char *name, gboolean joined);

/* Removes every row. */
void chat_message_list_clear(ChatMessageList *self);

/* Shows our upload, following its transfer. */
ChatFileRow *chat_message_list_add_upload(ChatMessageList *self, ChatTransfer *upload,
                                          const char *sender);

/* Shows a file the server announced. Our own announced upload completes the row that
 * follows it (one is added if it is gone); anyone else's gets a row offering Download. */
ChatFileRow *chat_message_list_add_file(ChatMessageList *self, const ChatFileInfo *file);

/* The file row following transfer, or NULL. */
ChatFileRow *chat_message_list_find_file_row(ChatMessageList *self, ChatTransfer *transfer);

/* Shows (or takes away) the "Loading older messages…" row on top; while it shows,
 * "load-older" is not emitted. */
void chat_message_list_set_loading(ChatMessageList *self, gboolean loading);
gboolean chat_message_list_get_loading(ChatMessageList *self);

/* FALSE once the oldest message is shown: "load-older" stops. TRUE at first. */
void chat_message_list_set_more_history(ChatMessageList *self, gboolean more);

/* Names the date separators as seen at now_ms (a real-time clock reading, ms): "Today"
 * becomes "Yesterday" and then a date as days pass. The list does it by itself at each
 * local midnight. */
void chat_message_list_name_days(ChatMessageList *self, gint64 now_ms);

/* Shows a row saying messages between after_id and before_id are missing, with a
 * button ("gap-load-requested"), after the row of after_id. */
void chat_message_list_add_gap(ChatMessageList *self, guint64 after_id, guint64 before_id);

/* Takes away the gap row after after_id (it was filled). */
void chat_message_list_remove_gap(ChatMessageList *self, guint64 after_id);

/* The newest message id shown, 0 when none. */
guint64 chat_message_list_get_newest_id(ChatMessageList *self);

/* The server's message id row shows (0: none yet, or not a message). */
guint64 chat_message_list_row_message_id(GtkListBoxRow *row);

/* message_list_unread.c: a "New messages" divider above the first message newer than
 * read_id (moved there; taken away when none is shown, or read_id is 0). TRUE when it
 * shows. */
gboolean chat_message_list_set_unread_divider(ChatMessageList *self, guint64 read_id);
gboolean chat_message_list_has_unread_divider(ChatMessageList *self);

/* message_list_reveal.c: the first message row with an id of at least message_id (not
 * a divider or notice), or NULL; the oldest message id loaded (0: none); whether older
 * messages may exist (FALSE once history ended). */
GtkListBoxRow *chat_message_list_find_row_from(ChatMessageList *self, guint64 message_id);
guint64 chat_message_list_get_oldest_id(ChatMessageList *self);
gboolean chat_message_list_get_more_history(ChatMessageList *self);

/* Brings row (of this list) to the reader: scrolled into the middle of the view once
 * laid out, the keyboard focus on it, highlighted a moment (style class "revealed"). */
void chat_message_list_reveal_row(ChatMessageList *self, GtkListBoxRow *row);

/* TRUE while the view follows new rows (it is at the bottom). */
gboolean chat_message_list_get_following(ChatMessageList *self);

/* TRUE while the "New messages" button is offered. */
gboolean chat_message_list_get_has_unseen(ChatMessageList *self);

/* Jumps to the newest row and follows again. */
void chat_message_list_scroll_to_bottom(ChatMessageList *self);

G_END_DECLS

#endif
