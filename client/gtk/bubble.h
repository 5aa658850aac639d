/* ChatBubble: one chat message as a list row. Own messages sit on the right in the
 * accent colour, others on the left under the sender's name in that user's colour.
 * The text is selectable, wraps, and shows links; it is always shown literally. */
#ifndef CHAT_BUBBLE_H
#define CHAT_BUBBLE_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
    CHAT_BUBBLE_SENT,    /* on the server (every message from others) */
    CHAT_BUBBLE_PENDING, /* own message not yet acknowledged */
    CHAT_BUBBLE_FAILED,  /* own message the server or session refused */
} ChatBubbleState;

#define CHAT_TYPE_BUBBLE (chat_bubble_get_type())
G_DECLARE_FINAL_TYPE(ChatBubble, chat_bubble, CHAT, BUBBLE, GtkListBoxRow)

/* A bubble for text from sender at time_ms (ms since the epoch); own puts it on the
 * right. It starts in CHAT_BUBBLE_SENT. */
ChatBubble *chat_bubble_new(const char *sender, const char *text, gint64 time_ms, gboolean own);

const char *chat_bubble_get_sender(ChatBubble *self);
const char *chat_bubble_get_text(ChatBubble *self);
gboolean chat_bubble_get_own(ChatBubble *self);
gint64 chat_bubble_get_time(ChatBubble *self);

/* Moves the bubble to state; reason (may be NULL) says why for CHAT_BUBBLE_FAILED. */
void chat_bubble_set_state(ChatBubble *self, ChatBubbleState state, const char *reason);
ChatBubbleState chat_bubble_get_state(ChatBubble *self);

/* Shows a new time (the server's, once a pending message is acknowledged). */
void chat_bubble_set_time(ChatBubble *self, gint64 time_ms);

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
