/* ChatSpacer: an empty widget that asks for its width (the "width" property) when there
 * is room and gives it up when there is not: its minimum width is 0. It holds the place
 * of a side panel drawn over it (the room and user lists), so that a window being made
 * narrow never refuses a width before the panels have folded. */
#ifndef CHAT_SPACER_H
#define CHAT_SPACER_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CHAT_TYPE_SPACER (chat_spacer_get_type())
G_DECLARE_FINAL_TYPE(ChatSpacer, chat_spacer, CHAT, SPACER, GtkDrawingArea)

G_END_DECLS

#endif
