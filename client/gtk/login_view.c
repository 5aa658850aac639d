/* ChatLoginView: the login form (see login_view.h). */
#include "client/gtk/login_view.h"

#include <glib/gi18n.h>

struct _ChatLoginView {
    GtkBox parent_instance;
    GtkLabel *subtitle;
    GtkEntry *server_entry;
    GtkEntry *username_entry;
    GtkEntry *password_entry;
    GtkWidget *create_check;
    GtkRevealer *invite_revealer;
    GtkEntry *invite_entry;
    GtkRevealer *error_revealer;
    GtkLabel *error_label;
    GtkWidget *connect_button;
    GtkSpinner *connect_spinner;
    GtkLabel *connect_label;
};

G_DEFINE_TYPE(ChatLoginView, chat_login_view, GTK_TYPE_BOX)

enum { SIG_SUBMIT, N_SIGNALS };
static guint signals[N_SIGNALS];

static GtkEntry *field_entry(ChatLoginView *self, ChatLoginField field)
{
    switch (field) {
    case CHAT_LOGIN_FIELD_SERVER:
        return self->server_entry;
    case CHAT_LOGIN_FIELD_USERNAME:
        return self->username_entry;
    case CHAT_LOGIN_FIELD_PASSWORD:
        return self->password_entry;
    case CHAT_LOGIN_FIELD_INVITE:
    default:
        return self->invite_entry;
    }
}

static void on_activate(ChatLoginView *self)
{
    g_signal_emit(self, signals[SIG_SUBMIT], 0);
}

static void set_accessible_name(GtkWidget *widget, const char *name)
{
    atk_object_set_name(gtk_widget_get_accessible(widget), name);
}

/* Log in, or create an account: the invite field, the button and the hint follow. */
static void on_mode_toggled(ChatLoginView *self)
{
    gboolean create = chat_login_view_get_create_account(self);
    gtk_revealer_set_reveal_child(self->invite_revealer, create);
    const char *action = create ? _("Create account") : _("Connect");
    gtk_label_set_text_with_mnemonic(self->connect_label, create ? _("C_reate account")
                                                                 : _("_Connect"));
    set_accessible_name(self->connect_button, action);
    gtk_label_set_text(self->subtitle, create ? _("Choose a name and a password of at least "
                                                  "8 characters.")
                                              : _("Log in with your name and password."));
    gtk_entry_set_placeholder_text(self->password_entry,
                                   create ? _("At least 8 characters")
                                          : _("Not needed with a saved login"));
}

static void chat_login_view_class_init(ChatLoginViewClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    gtk_widget_class_set_template_from_resource(widget_class, "/org/chat/client/login_view.ui");
    gtk_widget_class_bind_template_child(widget_class, ChatLoginView, subtitle);
    gtk_widget_class_bind_template_child(widget_class, ChatLoginView, server_entry);
    gtk_widget_class_bind_template_child(widget_class, ChatLoginView, username_entry);
    gtk_widget_class_bind_template_child(widget_class, ChatLoginView, password_entry);
    gtk_widget_class_bind_template_child(widget_class, ChatLoginView, create_check);
    gtk_widget_class_bind_template_child(widget_class, ChatLoginView, invite_revealer);
    gtk_widget_class_bind_template_child(widget_class, ChatLoginView, invite_entry);
    gtk_widget_class_bind_template_child(widget_class, ChatLoginView, error_revealer);
    gtk_widget_class_bind_template_child(widget_class, ChatLoginView, error_label);
    gtk_widget_class_bind_template_child(widget_class, ChatLoginView, connect_button);
    gtk_widget_class_bind_template_child(widget_class, ChatLoginView, connect_spinner);
    gtk_widget_class_bind_template_child(widget_class, ChatLoginView, connect_label);
    gtk_widget_class_bind_template_callback(widget_class, on_activate);
    gtk_widget_class_bind_template_callback(widget_class, on_mode_toggled);
    /* "submit" (): the user pressed Connect (or Create account) or Enter in a field. */
    signals[SIG_SUBMIT] = g_signal_new("submit", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void chat_login_view_init(ChatLoginView *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    /* Names screen readers announce; tests find the widgets by them. */
    set_accessible_name(GTK_WIDGET(self->server_entry), _("Server"));
    set_accessible_name(GTK_WIDGET(self->username_entry), _("Username"));
    set_accessible_name(GTK_WIDGET(self->password_entry), _("Password"));
    set_accessible_name(self->create_check, _("Create a new account"));
    set_accessible_name(GTK_WIDGET(self->invite_entry), _("Invite code"));
    set_accessible_name(GTK_WIDGET(self->error_label), _("Login error"));
    /* An alert: screen readers speak it as soon as it shows. */
    atk_object_set_role(gtk_widget_get_accessible(GTK_WIDGET(self->error_label)),
                        ATK_ROLE_ALERT);
    on_mode_toggled(self);
}

/* A field's text (see login_view.h). */
const char *chat_login_view_get_text(ChatLoginView *self, ChatLoginField field)
{
    g_return_val_if_fail(CHAT_IS_LOGIN_VIEW(self), "");
    if (field == CHAT_LOGIN_FIELD_INVITE && !chat_login_view_get_create_account(self))
        return "";
    return gtk_entry_get_text(field_entry(self, field));
}

/* Sets a field's text with the caret at its end. */
void chat_login_view_set_text(ChatLoginView *self, ChatLoginField field, const char *text)
{
    g_return_if_fail(CHAT_IS_LOGIN_VIEW(self));
    GtkEntry *entry = field_entry(self, field);
    gtk_entry_set_text(entry, text ? text : "");
    gtk_editable_set_position(GTK_EDITABLE(entry), -1);
}

gboolean chat_login_view_get_create_account(ChatLoginView *self)
{
    g_return_val_if_fail(CHAT_IS_LOGIN_VIEW(self), FALSE);
    return gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(self->create_check));
}

void chat_login_view_set_create_account(ChatLoginView *self, gboolean create)
{
    g_return_if_fail(CHAT_IS_LOGIN_VIEW(self));
    gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(self->create_check), create);
}

/* Fields insensitive and the spinner turning while a login is under way. */
void chat_login_view_set_busy(ChatLoginView *self, gboolean busy)
{
    g_return_if_fail(CHAT_IS_LOGIN_VIEW(self));
    GtkWidget *inputs[] = {
        self->connect_button, GTK_WIDGET(self->server_entry), GTK_WIDGET(self->username_entry),
        GTK_WIDGET(self->password_entry), self->create_check, GTK_WIDGET(self->invite_entry),
    };
    for (gsize i = 0; i < G_N_ELEMENTS(inputs); i++)
        gtk_widget_set_sensitive(inputs[i], !busy);
    gtk_widget_set_visible(GTK_WIDGET(self->connect_spinner), busy);
    if (busy)
        gtk_spinner_start(self->connect_spinner);
    else
        gtk_spinner_stop(self->connect_spinner);
}

/* Focus on field, caret at the end and nothing selected. */
void chat_login_view_focus(ChatLoginView *self, ChatLoginField field)
{
    g_return_if_fail(CHAT_IS_LOGIN_VIEW(self));
    GtkEntry *entry = field_entry(self, field);
    gtk_widget_grab_focus(GTK_WIDGET(entry));
    gtk_editable_set_position(GTK_EDITABLE(entry), -1);
}

/* Shows (or with NULL hides) the error; the label is hidden and shown again so a screen
 * reader announces each new message. */
void chat_login_view_show_error(ChatLoginView *self, const char *message, ChatLoginField field)
{
    g_return_if_fail(CHAT_IS_LOGIN_VIEW(self));
    gboolean shown = message != NULL && *message != '\0';
    gtk_widget_hide(GTK_WIDGET(self->error_label));
    gtk_label_set_text(self->error_label, shown ? message : "");
    gtk_widget_set_visible(GTK_WIDGET(self->error_label), shown);
    gtk_revealer_set_reveal_child(self->error_revealer, shown);
    if (shown)
        chat_login_view_focus(self, field);
}
