/* ChatBubble: one chat message as a list row, showing its ChatMessage and following it
 * through "notify" (pending, sent, read or failed; edits, deletion, reactions, the
 * message a reply quotes). Own messages sit on the right in the accent colour, others
 * on the left under the sender's name in that user's colour. The text is selectable,
 * wraps, and shows links; it is always shown literally. */
#ifndef CHAT_BUBBLE_H
#define CHAT_BUBBLE_H

#include <gtk/gtk.h>

#include "client/core/chat_message.h"

G_BEGIN_DECLS

#define CHAT_TYPE_BUBBLE (chat_bubble_get_type())
G_DECLARE_FINAL_TYPE(ChatBubble, chat_bubble, CHAT, BUBBLE, GtkListBoxRow)

/* A bubble for message (a reference is kept for the bubble's life). */
ChatBubble *chat_bubble_new(ChatMessage *message);

/* The message the bubble shows (transfer none). */
ChatMessage *chat_bubble_get_message(ChatBubble *self);

/* Shorthands for the message's sender, text, own flag and time. */
const char *chat_bubble_get_sender(ChatBubble *self);
const char *chat_bubble_get_text(ChatBubble *self);
gboolean chat_bubble_get_own(ChatBubble *self);
gint64 chat_bubble_get_time(ChatBubble *self);

/* A grouped bubble continues the previous sender's run: no name, tighter spacing. */
void chat_bubble_set_grouped(ChatBubble *self, gboolean grouped);
gboolean chat_bubble_get_grouped(ChatBubble *self);

/* Style shared by every row that shows something a user posted (text or file): puts
 * the frame's line on the side of own or others, sets the direction classes on frame,
 * and shows sender in the user's colour on name_label and as an initial on avatar
 * (others only: own messages need neither). */
void chat_bubble_style_frame(GtkWidget *frame, GtkLabel *name_label, GtkLabel *avatar,
                             const char *sender, gboolean own);

G_END_DECLS

#endif
