/* ChatWindow, actions and layout: the main menu (F10), Preferences (Ctrl+comma), the
 * shortcuts window (Ctrl+?), Ctrl+L to the compose box, and the adaptive
 * layout: below NARROW_WIDTH the online users and the rooms become panels over the
 * conversation, toggled from the header (F9, F8); wider, they sit beside it. */
#include "client/gtk/window_private.h"

#include <glib/gi18n.h>

#include "client/gtk/preferences.h"

/* Narrower than this, the user list folds away (GNOME's mobile minimum is 360). */
#define NARROW_WIDTH 700

static void on_folder_changed(ChatPreferences *dialog, const char *folder, ChatWindow *self)
{
    (void)dialog;
    window_set_files_dir(self, folder);
    settings_set_download_folder(self->settings, folder);
    GError *error = NULL;
    if (!settings_save(self->settings, &error)) {
        g_warning("%s", error->message);
        g_error_free(error);
    }
}

static void on_preferences(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    ChatWindow *self = data;
    ChatPreferences *dialog = chat_preferences_new(GTK_WINDOW(self), window_get_files_dir(self));
    g_signal_connect_object(dialog, "folder-changed", G_CALLBACK(on_folder_changed), self, 0);
    g_signal_connect(dialog, "response", G_CALLBACK(gtk_widget_destroy), NULL);
    gtk_window_present(GTK_WINDOW(dialog));
}

static void on_show_menu(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    ChatWindow *self = data;
    GtkToggleButton *button = GTK_TOGGLE_BUTTON(self->menu_button);
    gtk_toggle_button_set_active(button, !gtk_toggle_button_get_active(button));
}

static void on_focus_compose(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    ChatWindow *self = data;
    if (gtk_widget_is_drawable(GTK_WIDGET(self->message_view)))
        gtk_widget_grab_focus(GTK_WIDGET(self->message_view));
}

/* The users panel in the narrow layout: shown over the conversation, or not. */
static void on_show_users_change(GSimpleAction *action, GVariant *value, gpointer data)
{
    ChatWindow *self = data;
    if (!self->narrow)
        return; /* wide: the list is always there */
    g_simple_action_set_state(action, value);
    gboolean shown = g_variant_get_boolean(value);
    gtk_revealer_set_reveal_child(self->users_revealer, shown);
    gtk_widget_set_visible(GTK_WIDGET(self->users_revealer), shown);
}

static void set_show_users(ChatWindow *self, gboolean shown)
{
    GAction *action = g_action_map_lookup_action(G_ACTION_MAP(self), "show-users");
    g_simple_action_set_state(G_SIMPLE_ACTION(action), g_variant_new_boolean(shown));
}

/* Switches between the wide layout (list beside the conversation, no toggle) and the
 * narrow one (list folded, the header's toggle shows it over the conversation). */
static void set_narrow(ChatWindow *self, gboolean narrow)
{
    self->narrow = narrow;
    gtk_widget_set_visible(self->users_toggle, narrow);
    gtk_widget_set_visible(self->users_spacer, !narrow);
    gtk_revealer_set_transition_type(self->users_revealer,
                                     narrow ? GTK_REVEALER_TRANSITION_TYPE_SLIDE_LEFT
                                            : GTK_REVEALER_TRANSITION_TYPE_NONE);
    gtk_revealer_set_reveal_child(self->users_revealer, !narrow);
    gtk_widget_set_visible(GTK_WIDGET(self->users_revealer), !narrow);
    GtkStyleContext *style = gtk_widget_get_style_context(GTK_WIDGET(self->users_revealer));
    if (narrow)
        gtk_style_context_add_class(style, "panel");
    else
        gtk_style_context_remove_class(style, "panel");
    set_show_users(self, !narrow);
    window_rooms_set_narrow(self, narrow);
    GtkStyleContext *window_style = gtk_widget_get_style_context(GTK_WIDGET(self));
    /* A phone-sized header: only the close button of the window's decorations (as
     * mobile shells show it) and less spacing, so every button of ours still fits. */
    gtk_header_bar_set_decoration_layout(self->header, narrow ? ":close" : NULL);
    g_object_set(self->header, "spacing", narrow ? 2 : 6, NULL);
    if (narrow)
        gtk_style_context_add_class(window_style, "narrow");
    else
        gtk_style_context_remove_class(window_style, "narrow");
}

static void on_size_allocate(ChatWindow *self, GdkRectangle *allocation)
{
    gboolean narrow = allocation->width < NARROW_WIDTH;
    if (narrow != self->narrow)
        set_narrow(self, narrow);
}

/* The window is being made narrow: fold the panels before GTK lays it out, or the
 * wide layout's minimum width would hold the window wider than asked. */
static gboolean on_configure(ChatWindow *self, GdkEventConfigure *event)
{
    if (event->width < NARROW_WIDTH && !self->narrow)
        set_narrow(self, TRUE);
    return GDK_EVENT_PROPAGATE;
}

#define SHORTCUTS_KEY "chat-shortcuts-window"

/* GTK leaves the shortcuts window and its search button without accessible names. */
static void name_shortcuts_window(GtkWindow *shortcuts)
{
    gtk_window_set_title(shortcuts, _("Keyboard Shortcuts"));
    GtkWidget *titlebar = gtk_window_get_titlebar(shortcuts);
    if (!GTK_IS_CONTAINER(titlebar))
        return;
    GList *children = gtk_container_get_children(GTK_CONTAINER(titlebar));
    for (GList *l = children; l != NULL; l = l->next)
        if (GTK_IS_TOGGLE_BUTTON(l->data))
            window_set_accessible_name(l->data, _("Search Shortcuts"));
    g_list_free(children);
}

/* The shortcuts window (Ctrl+?): one for the application, hidden when closed and
 * never destroyed (destroying a GtkShortcutsWindow that has been shown makes GTK's
 * accessibility bridge touch freed widgets). */
static void on_show_shortcuts(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    GApplication *app = g_application_get_default();
    GtkWindow *shortcuts = app != NULL ? g_object_get_data(G_OBJECT(app), SHORTCUTS_KEY) : NULL;
    if (shortcuts == NULL) {
        GtkBuilder *builder = gtk_builder_new_from_resource("/org/chat/client/shortcuts.ui");
        shortcuts = GTK_WINDOW(gtk_builder_get_object(builder, "shortcuts"));
        g_signal_connect(shortcuts, "delete-event", G_CALLBACK(gtk_widget_hide_on_delete), NULL);
        name_shortcuts_window(shortcuts);
        if (app != NULL)
            g_object_set_data(G_OBJECT(app), SHORTCUTS_KEY, shortcuts);
        g_object_unref(builder);
    }
    gtk_window_set_transient_for(shortcuts, GTK_WINDOW(data));
    gtk_window_present(shortcuts);
}

/* Wires the window's actions and the adaptive layout. */
void window_actions_init(ChatWindow *self)
{
    static const GActionEntry entries[] = {
        { "preferences", on_preferences, NULL, NULL, NULL, { 0 } },
        { "show-menu", on_show_menu, NULL, NULL, NULL, { 0 } },
        { "focus-compose", on_focus_compose, NULL, NULL, NULL, { 0 } },
        { "show-users", NULL, NULL, "true", on_show_users_change, { 0 } },
        { "show-help-overlay", on_show_shortcuts, NULL, NULL, NULL, { 0 } },
    };
    g_action_map_add_action_entries(G_ACTION_MAP(self), entries, G_N_ELEMENTS(entries), self);
    g_signal_connect(self, "size-allocate", G_CALLBACK(on_size_allocate), NULL);
    g_signal_connect(self, "configure-event", G_CALLBACK(on_configure), NULL);
}
