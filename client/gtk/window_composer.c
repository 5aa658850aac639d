/* ChatWindow, what the message box is for: a new text (as usual), the new version of one
 * of our texts ("Editing your message"), or a reply ("Replying to alice: quote…"). A
 * bar above the box says which, with a Cancel button; Escape in the box cancels too,
 * and so does showing another room. */
#include "client/gtk/window_private.h"

#include <glib/gi18n.h>

#include "client/gtk/format.h"
#include "common/safe_text.h"

/* The quote in the reply bar is at most this long. */
#define QUOTE_MAX_CHARS 60

static void set_box_text(ChatWindow *self, const char *text)
{
    GtkTextBuffer *buffer = gtk_text_view_get_buffer(self->message_view);
    gtk_text_buffer_set_text(buffer, text, -1);
}

static void show_bar(ChatWindow *self, const char *text)
{
    gtk_label_set_text(self->composer_label, text);
    atk_object_set_name(gtk_widget_get_accessible(self->composer_bar), text);
    gtk_revealer_set_reveal_child(GTK_REVEALER(self->composer_bar), TRUE);
    gtk_widget_grab_focus(GTK_WIDGET(self->message_view));
}

/* Back to writing a new text; an edit's text leaves the box with it. */
void window_composer_cancel(ChatWindow *self)
{
    if (self->composer_mode == WINDOW_COMPOSE_EDIT)
        set_box_text(self, "");
    self->composer_mode = WINDOW_COMPOSE_NEW;
    self->composer_target = 0;
    gtk_revealer_set_reveal_child(GTK_REVEALER(self->composer_bar), FALSE);
}

/* The box holds text, the message message_id of room_id, for editing. */
void window_composer_edit(ChatWindow *self, guint32 room_id, guint64 message_id,
                          const char *text)
{
    self->composer_mode = WINDOW_COMPOSE_EDIT;
    self->composer_room = room_id;
    self->composer_target = message_id;
    set_box_text(self, text);
    show_bar(self, _("Editing your message"));
}

/* The next text answers message_id (sender's text) of room_id. */
void window_composer_reply(ChatWindow *self, guint32 room_id, guint64 message_id,
                           const char *sender, const char *text)
{
    self->composer_mode = WINDOW_COMPOSE_REPLY;
    self->composer_room = room_id;
    self->composer_target = message_id;
    char *quote = format_shorten(text, QUOTE_MAX_CHARS);
    char *shown = safe_text(quote, -1, SAFE_TEXT_ONE_LINE);
    char *who = safe_text(sender, -1, SAFE_TEXT_ISOLATE);
    char *bar = g_strdup_printf(_("Replying to %s: %s"), who, shown);
    show_bar(self, bar);
    g_free(bar);
    g_free(who);
    g_free(shown);
    g_free(quote);
}

/* Sends text as the box's mode says: an edit (TRUE, *msg NULL) or a reply (TRUE, *msg
 * the pending reply to show). FALSE with error set when the
 * session refused it; FALSE without error when the mode is a new text (the caller
 * sends it as usual). The mode ends once sent. */
gboolean window_composer_send(ChatWindow *self, const char *text, ChatMessage **msg,
                              GError **error)
{
    *msg = NULL;
    ChatRoom *room = window_rooms_current(self);
    if (self->composer_mode == WINDOW_COMPOSE_NEW || room == NULL ||
        chat_room_get_id(room) != self->composer_room)
        return FALSE;
    gboolean sent;
    if (self->composer_mode == WINDOW_COMPOSE_EDIT) {
        sent = window_message_actions_send_edit(self, self->composer_target, text, error);
    } else {
        *msg = chat_session_send_reply(self->session, self->composer_room,
                                       self->composer_target, text, error);
        sent = *msg != NULL;
    }
    if (sent) {
        self->composer_mode = WINDOW_COMPOSE_NEW;
        window_composer_cancel(self);
    }
    return sent;
}

/* Another room on screen: an edit or reply of this one does not follow. */
static void on_room_shown(ChatWindow *self)
{
    if (self->session == NULL) /* being destroyed */
        return;
    ChatRoom *room = window_rooms_current(self);
    if (self->composer_mode != WINDOW_COMPOSE_NEW &&
        (room == NULL || chat_room_get_id(room) != self->composer_room))
        window_composer_cancel(self);
}

/* Builds the bar above the message box. */
void window_composer_init(ChatWindow *self)
{
    GtkWidget *compose = gtk_widget_get_parent(GTK_WIDGET(self->compose_scroller));
    GtkWidget *page = gtk_widget_get_parent(compose);
    GtkWidget *bar = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    gtk_style_context_add_class(gtk_widget_get_style_context(bar), "composer-mode");
    GtkWidget *label = gtk_label_new(NULL);
    gtk_label_set_ellipsize(GTK_LABEL(label), PANGO_ELLIPSIZE_END);
    gtk_label_set_xalign(GTK_LABEL(label), 0);
    gtk_widget_set_hexpand(label, TRUE);
    gtk_widget_set_margin_start(label, 12);
    GtkWidget *cancel = gtk_button_new_from_icon_name("window-close-symbolic",
                                                      GTK_ICON_SIZE_BUTTON);
    gtk_style_context_add_class(gtk_widget_get_style_context(cancel), "flat");
    gtk_widget_set_tooltip_text(cancel, _("Cancel (Escape)"));
    window_set_accessible_name(cancel, _("Cancel editing or reply"));
    g_signal_connect_swapped(cancel, "clicked", G_CALLBACK(window_composer_cancel), self);
    gtk_box_pack_start(GTK_BOX(bar), label, TRUE, TRUE, 0);
    gtk_box_pack_end(GTK_BOX(bar), cancel, FALSE, FALSE, 6);
    GtkWidget *revealer = gtk_revealer_new();
    gtk_revealer_set_transition_type(GTK_REVEALER(revealer),
                                     GTK_REVEALER_TRANSITION_TYPE_SLIDE_UP);
    gtk_container_add(GTK_CONTAINER(revealer), bar);
    gtk_widget_show_all(revealer);
    int position;
    gtk_container_child_get(GTK_CONTAINER(page), compose, "position", &position, NULL);
    gtk_box_pack_start(GTK_BOX(page), revealer, FALSE, FALSE, 0);
    gtk_box_reorder_child(GTK_BOX(page), revealer, position);
    atk_object_set_role(gtk_widget_get_accessible(revealer), ATK_ROLE_STATUSBAR);
    self->composer_bar = revealer;
    self->composer_label = GTK_LABEL(label);
    g_signal_connect_swapped(self->conversations, "notify::visible-child",
                             G_CALLBACK(on_room_shown), self);
}
