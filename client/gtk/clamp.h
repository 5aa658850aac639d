/* ChatClamp: a container holding one child at most max-width pixels wide, centred in
 * whatever width it is given (the content column of a chat on a wide window, in the
 * manner of the GNOME HIG's adaptive layouts). Narrower than that, the child gets the
 * whole width. */
#ifndef CHAT_CLAMP_H
#define CHAT_CLAMP_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CHAT_TYPE_CLAMP (chat_clamp_get_type())
G_DECLARE_FINAL_TYPE(ChatClamp, chat_clamp, CHAT, CLAMP, GtkBin)

/* A clamp of max_width pixels (at least 1). */
GtkWidget *chat_clamp_new(int max_width);

G_END_DECLS

#endif
