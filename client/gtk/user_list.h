/* ChatUserList: the side pane listing who is online (a green dot, or an amber one and
 * "away" for those who said they are away), each name with its user colour and a tag
 * ("guest", "admin"...) where there is one.
 *
 * Signal "user-menu" (const char *name, GdkEvent *event): the context menu was asked for
 * on name's row (right click: the event; the Menu key or Shift+F10: NULL). */
#ifndef CHAT_USER_LIST_H
#define CHAT_USER_LIST_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CHAT_TYPE_USER_LIST (chat_user_list_get_type())
G_DECLARE_FINAL_TYPE(ChatUserList, chat_user_list, CHAT, USER_LIST, GtkBox)

GtkWidget *chat_user_list_new(void);

/* Shows names (in the given order); the entry equal to me is marked as "you". tags, when
 * not NULL, holds one string or NULL per name, shown beside it; away, when not NULL, one
 * flag per name: that user said they are away. */
void chat_user_list_set_users(ChatUserList *self, GPtrArray *names, GPtrArray *tags,
                              const gboolean *away, const char *me);

/* Names shown, in order; for tests. */
guint chat_user_list_get_n_users(ChatUserList *self);

G_END_DECLS

#endif
