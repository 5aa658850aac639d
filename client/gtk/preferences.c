/* ChatPreferences: a GtkDialog built from preferences.ui. */
#include "client/gtk/preferences.h"

#include <glib/gi18n.h>

struct _ChatPreferences {
    GtkDialog parent_instance;
    GtkWidget *theme_system;
    GtkWidget *theme_light;
    GtkWidget *theme_dark;
    GtkFileChooser *folder_button;
};

enum { SIGNAL_FOLDER_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_TYPE(ChatPreferences, chat_preferences, GTK_TYPE_DIALOG)

static void on_folder_set(ChatPreferences *self)
{
    char *folder = gtk_file_chooser_get_filename(self->folder_button);
    if (folder != NULL)
        g_signal_emit(self, signals[SIGNAL_FOLDER_CHANGED], 0, folder);
    g_free(folder);
}

static void chat_preferences_class_init(ChatPreferencesClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    gtk_widget_class_set_template_from_resource(widget_class, "/org/chat/client/preferences.ui");
    gtk_widget_class_bind_template_child(widget_class, ChatPreferences, theme_system);
    gtk_widget_class_bind_template_child(widget_class, ChatPreferences, theme_light);
    gtk_widget_class_bind_template_child(widget_class, ChatPreferences, theme_dark);
    gtk_widget_class_bind_template_child(widget_class, ChatPreferences, folder_button);
    gtk_widget_class_bind_template_callback(widget_class, on_folder_set);
    signals[SIGNAL_FOLDER_CHANGED] =
        g_signal_new("folder-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
                     NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

/* The keyboard starts on the style in use, so arrows change it at once. */
static void focus_current_style(ChatPreferences *self)
{
    GtkWidget *radios[] = { self->theme_system, self->theme_light, self->theme_dark };
    for (guint i = 0; i < G_N_ELEMENTS(radios); i++) {
        if (gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(radios[i]))) {
            gtk_widget_grab_focus(radios[i]);
            return;
        }
    }
    gtk_widget_grab_focus(self->theme_system);
}

static void chat_preferences_init(ChatPreferences *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(self->folder_button)),
                        _("Download folder"));
}

/* The dialog, not yet shown. */
ChatPreferences *chat_preferences_new(GtkWindow *parent, const char *folder)
{
    g_return_val_if_fail(GTK_IS_WINDOW(parent) && folder != NULL, NULL);
    /* The application, for the "app." actions of the theme and notifications. */
    ChatPreferences *self =
        g_object_new(CHAT_TYPE_PREFERENCES, "transient-for", parent, "use-header-bar", TRUE,
                     "application", gtk_window_get_application(parent), NULL);
    gtk_file_chooser_set_filename(self->folder_button, folder);
    gtk_file_chooser_set_current_folder(self->folder_button, folder);
    focus_current_style(self);
    return self;
}
