/* Row menus: one GtkPopover per opening, destroyed when it closes. */
#include "client/gtk/row_menu.h"

#define MODEL_KEY "chat-row-menu-model"
#define ANCHOR_KEY "chat-row-menu-anchor"
#define GESTURE_KEY "chat-row-menu-gesture"
#define PREPARE_KEY "chat-row-menu-prepare"
#define PREPARE_DATA_KEY "chat-row-menu-prepare-data"

static gboolean destroy_popover(gpointer popover)
{
    gtk_widget_destroy(popover);
    return G_SOURCE_REMOVE;
}

/* Destroyed once the item that closed it has run its action, not during its click. */
static void on_popover_closed(GtkWidget *popover)
{
    g_idle_add_full(G_PRIORITY_DEFAULT_IDLE, destroy_popover, g_object_ref(popover),
                    g_object_unref);
}

/* Shows row's menu. */
gboolean row_menu_popup(GtkWidget *row)
{
    g_return_val_if_fail(GTK_IS_WIDGET(row), FALSE);
    GMenuModel *model = g_object_get_data(G_OBJECT(row), MODEL_KEY);
    GtkWidget *anchor = g_object_get_data(G_OBJECT(row), ANCHOR_KEY);
    if (model == NULL || anchor == NULL)
        return FALSE;
    RowMenuPrepare prepare = (RowMenuPrepare)g_object_get_data(G_OBJECT(row), PREPARE_KEY);
    if (prepare != NULL)
        prepare(row, g_object_get_data(G_OBJECT(row), PREPARE_DATA_KEY));
    GtkWidget *popover = gtk_popover_new_from_model(anchor, model);
    gtk_popover_set_position(GTK_POPOVER(popover), GTK_POS_BOTTOM);
    g_signal_connect(popover, "closed", G_CALLBACK(on_popover_closed), NULL);
    gtk_popover_popup(GTK_POPOVER(popover));
    return TRUE;
}

static void on_secondary_press(GtkGestureMultiPress *gesture, int n_press, double x, double y,
                               GtkWidget *row)
{
    (void)n_press;
    (void)x;
    (void)y;
    gtk_gesture_set_state(GTK_GESTURE(gesture), GTK_EVENT_SEQUENCE_CLAIMED);
    gtk_widget_grab_focus(row);
    row_menu_popup(row);
}

/* Wires the keyboard and the pointer to row_menu_popup. */
void row_menu_attach(GtkWidget *row, GtkWidget *anchor, GMenuModel *model)
{
    g_return_if_fail(GTK_IS_WIDGET(row) && GTK_IS_WIDGET(anchor) && G_IS_MENU_MODEL(model));
    g_object_set_data_full(G_OBJECT(row), MODEL_KEY, g_object_ref(model), g_object_unref);
    g_object_set_data(G_OBJECT(row), ANCHOR_KEY, anchor);
    g_signal_connect(row, "popup-menu", G_CALLBACK(row_menu_popup), NULL);
    GtkGesture *gesture = gtk_gesture_multi_press_new(row);
    gtk_gesture_single_set_button(GTK_GESTURE_SINGLE(gesture), GDK_BUTTON_SECONDARY);
    gtk_event_controller_set_propagation_phase(GTK_EVENT_CONTROLLER(gesture), GTK_PHASE_CAPTURE);
    g_signal_connect(gesture, "pressed", G_CALLBACK(on_secondary_press), row);
    g_object_set_data_full(G_OBJECT(row), GESTURE_KEY, gesture, g_object_unref);
}

/* One menu item, hidden while its action is disabled. */
void row_menu_append(GMenu *menu, const char *label, const char *action)
{
    GMenuItem *item = g_menu_item_new(label, action);
    g_menu_item_set_attribute(item, "hidden-when", "s", "action-disabled");
    g_menu_append_item(menu, item);
    g_object_unref(item);
}

/* Appends to the GMenu row_menu_attach gave row. */
void row_menu_append_to(GtkWidget *row, const char *label, const char *action)
{
    GMenuModel *model = g_object_get_data(G_OBJECT(row), MODEL_KEY);
    g_return_if_fail(G_IS_MENU(model));
    row_menu_append(G_MENU(model), label, action);
}

/* Appends submenu to row's menu under label. */
void row_menu_append_submenu(GtkWidget *row, const char *label, GMenuModel *submenu)
{
    GMenuModel *model = g_object_get_data(G_OBJECT(row), MODEL_KEY);
    g_return_if_fail(G_IS_MENU(model));
    g_menu_append_submenu(G_MENU(model), label, submenu);
}

/* Keeps prepare to run as row's menu opens. */
void row_menu_set_prepare(GtkWidget *row, RowMenuPrepare prepare, gpointer data)
{
    g_object_set_data(G_OBJECT(row), PREPARE_KEY, (gpointer)prepare);
    g_object_set_data(G_OBJECT(row), PREPARE_DATA_KEY, data);
}
