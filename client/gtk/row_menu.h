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

/* Adds an item (as row_menu_append) to the menu row_menu_attach gave row, so a feature
 * outside the row's own code (the window's message actions) extends it. */
void row_menu_append_to(GtkWidget *row, const char *label, const char *action);

/* Adds submenu under label to row's menu. */
void row_menu_append_submenu(GtkWidget *row, const char *label, GMenuModel *submenu);

/* Runs prepare(row, data) each time row's menu is about to open (to enable or disable
 * its actions as things now stand). One per row; data is not owned. */
typedef void (*RowMenuPrepare)(GtkWidget *row, gpointer data);
void row_menu_set_prepare(GtkWidget *row, RowMenuPrepare prepare, gpointer data);

G_END_DECLS

#endif
