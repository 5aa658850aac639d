/* The actions menu of a conversation row (a message or a file): the context-menu key,
 * Shift+F10 (GTK's "popup-menu" keybinding) and a secondary click open model as a
 * popover pointing at anchor. The model's items name actions in the "row" group the
 * row inserts on itself, so a later feature (reply, react, edit, delete) adds a menu
 * item and an action, nothing else. */
#ifndef CHAT_ROW_MENU_H
#define CHAT_ROW_MENU_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Gives row its menu; row keeps a reference to model. */
void row_menu_attach(GtkWidget *row, GtkWidget *anchor, GMenuModel *model);

/* Opens row's menu now (as the keyboard does). FALSE if row has none. */
gboolean row_menu_popup(GtkWidget *row);

/* Adds an item labelled label for action ("row.copy") that is hidden while disabled. */
void row_menu_append(GMenu *menu, const char *label, const char *action);

G_END_DECLS

#endif
