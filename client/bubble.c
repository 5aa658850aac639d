/* ChatBubble: a GtkListBoxRow built from bubble.ui. */
#include "client/bubble.h"

#include <glib/gi18n.h>

#include "client/format.h"
#include "client/linkify.h"
#include "client/user_color.h"

struct _ChatBubble {
    GtkListBoxRow parent_instance;
    GtkWidget *frame;
    GtkLabel *avatar;
    GtkLabel *name_label;
    GtkLabel *text_label;
    GtkLabel *time_label;
    GtkLabel *status_label;
    char *sender;
    char *text;
    gint64 time_ms;
    gboolean own;
    gboolean grouped;
    ChatBubbleState state;
    char *failure;
};

G_DEFINE_TYPE(ChatBubble, chat_bubble, GTK_TYPE_LIST_BOX_ROW)

static void chat_bubble_finalize(GObject *object)
{
    ChatBubble *self = CHAT_BUBBLE(object);
    g_free(self->sender);
    g_free(self->text);
    g_free(self->failure);
    G_OBJECT_CLASS(chat_bubble_parent_class)->finalize(object);
}

static void chat_bubble_class_init(ChatBubbleClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->finalize = chat_bubble_finalize;
    gtk_widget_class_set_template_from_resource(widget_class, "/org/chat/client/bubble.ui");
    gtk_widget_class_bind_template_child(widget_class, ChatBubble, frame);
    gtk_widget_class_bind_template_child(widget_class, ChatBubble, avatar);
    gtk_widget_class_bind_template_child(widget_class, ChatBubble, name_label);
    gtk_widget_class_bind_template_child(widget_class, ChatBubble, text_label);
    gtk_widget_class_bind_template_child(widget_class, ChatBubble, time_label);
    gtk_widget_class_bind_template_child(widget_class, ChatBubble, status_label);
}

static void chat_bubble_init(ChatBubble *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}

/* Mirrors what the bubble shows into its accessible description, so a screen reader
 * (and a test) hears who wrote it and whether it got through. */
static void update_accessible(ChatBubble *self)
{
    AtkObject *accessible = gtk_widget_get_accessible(GTK_WIDGET(self));
    char *name = g_strdup_printf(_("Message from %s"), self->sender);
    const char *time_text = gtk_label_get_text(self->time_label);
    char *description;
    switch (self->state) {
    case CHAT_BUBBLE_PENDING:
        description = g_strdup(_("sending"));
        break;
    case CHAT_BUBBLE_FAILED:
        description = g_strdup_printf(_("not sent: %s"),
                                      self->failure ? self->failure : _("unknown error"));
        break;
    default:
        description = g_strdup_printf(_("sent %s"), time_text);
        break;
    }
    atk_object_set_name(accessible, name);
    atk_object_set_description(accessible, description);
    g_free(name);
    g_free(description);
}

/* The first character of name, upper-cased, for an avatar. */
static char *initial_of(const char *name)
{
    if (*name == '\0')
        return g_strdup("?");
    const char *next = g_utf8_next_char(name);
    return g_utf8_strup(name, next - name);
}

/* Shared look of every posted row: side, direction classes, name and avatar. */
void chat_bubble_style_frame(GtkWidget *frame, GtkLabel *name_label, GtkLabel *avatar,
                             const char *sender, gboolean own)
{
    GtkStyleContext *style = gtk_widget_get_style_context(frame);
    gtk_style_context_add_class(style, own ? "own" : "other");
    gtk_widget_set_halign(gtk_widget_get_parent(frame), own ? GTK_ALIGN_END : GTK_ALIGN_START);
    gtk_label_set_text(name_label, sender);
    user_color_apply(GTK_WIDGET(name_label), sender);
    char *initial = initial_of(sender);
    gtk_label_set_text(avatar, initial);
    g_free(initial);
    user_color_apply(GTK_WIDGET(avatar), sender);
    /* The avatar repeats the name for the eye only. */
    atk_object_set_role(gtk_widget_get_accessible(GTK_WIDGET(avatar)), ATK_ROLE_REDUNDANT_OBJECT);
    /* Own messages need no name: their side and colour say who wrote them. */
    gtk_widget_set_visible(GTK_WIDGET(name_label), !own);
    gtk_widget_set_visible(GTK_WIDGET(avatar), !own);
}

/* A new bubble in state SENT. */
ChatBubble *chat_bubble_new(const char *sender, const char *text, gint64 time_ms, gboolean own)
{
    g_return_val_if_fail(sender != NULL && text != NULL, NULL);
    ChatBubble *self = g_object_new(CHAT_TYPE_BUBBLE, NULL);
    self->sender = g_strdup(sender);
    self->text = g_strdup(text);
    self->own = own;
    chat_bubble_style_frame(self->frame, self->name_label, self->avatar, sender, own);
    char *markup = linkify_markup(text);
    gtk_label_set_markup(self->text_label, markup);
    g_free(markup);
    chat_bubble_set_time(self, time_ms);
    chat_bubble_set_state(self, CHAT_BUBBLE_SENT, NULL);
    return self;
}

const char *chat_bubble_get_sender(ChatBubble *self)
{
    g_return_val_if_fail(CHAT_IS_BUBBLE(self), NULL);
    return self->sender;
}

const char *chat_bubble_get_text(ChatBubble *self)
{
    g_return_val_if_fail(CHAT_IS_BUBBLE(self), NULL);
    return self->text;
}

gboolean chat_bubble_get_own(ChatBubble *self)
{
    g_return_val_if_fail(CHAT_IS_BUBBLE(self), FALSE);
    return self->own;
}

gint64 chat_bubble_get_time(ChatBubble *self)
{
    g_return_val_if_fail(CHAT_IS_BUBBLE(self), 0);
    return self->time_ms;
}

/* Shows state: a clock while pending, a tick once sent by us, a reason when failed. */
void chat_bubble_set_state(ChatBubble *self, ChatBubbleState state, const char *reason)
{
    g_return_if_fail(CHAT_IS_BUBBLE(self));
    self->state = state;
    g_free(self->failure);
    self->failure = state == CHAT_BUBBLE_FAILED ? g_strdup(reason) : NULL;
    GtkStyleContext *style = gtk_widget_get_style_context(self->frame);
    if (state == CHAT_BUBBLE_PENDING)
        gtk_style_context_add_class(style, "pending");
    else
        gtk_style_context_remove_class(style, "pending");
    if (state == CHAT_BUBBLE_FAILED)
        gtk_style_context_add_class(style, "failed");
    else
        gtk_style_context_remove_class(style, "failed");

    if (state == CHAT_BUBBLE_PENDING) {
        gtk_label_set_text(self->status_label, _("\u23F1 sending"));
    } else if (state == CHAT_BUBBLE_FAILED) {
        char *text = g_strdup_printf(_("\u26A0 not sent: %s"),
                                     reason ? reason : _("unknown error"));
        gtk_label_set_text(self->status_label, text);
        g_free(text);
    } else {
        gtk_label_set_text(self->status_label, self->own ? "\u2713" : "");
    }
    gtk_widget_set_visible(GTK_WIDGET(self->status_label),
                           *gtk_label_get_text(self->status_label) != '\0');
    update_accessible(self);
}

ChatBubbleState chat_bubble_get_state(ChatBubble *self)
{
    g_return_val_if_fail(CHAT_IS_BUBBLE(self), CHAT_BUBBLE_SENT);
    return self->state;
}

/* Shows time_ms as local HH:MM. */
void chat_bubble_set_time(ChatBubble *self, gint64 time_ms)
{
    g_return_if_fail(CHAT_IS_BUBBLE(self));
    self->time_ms = time_ms;
    char *clock = format_clock(time_ms);
    gtk_label_set_text(self->time_label, clock);
    g_free(clock);
    update_accessible(self);
}

/* Hides the name and tightens the gap above when the bubble continues a run. */
void chat_bubble_set_grouped(ChatBubble *self, gboolean grouped)
{
    g_return_if_fail(CHAT_IS_BUBBLE(self));
    self->grouped = grouped;
    GtkStyleContext *style = gtk_widget_get_style_context(GTK_WIDGET(self));
    if (grouped)
        gtk_style_context_add_class(style, "grouped");
    else
        gtk_style_context_remove_class(style, "grouped");
    gtk_widget_set_visible(GTK_WIDGET(self->name_label), !grouped && !self->own);
}

gboolean chat_bubble_get_grouped(ChatBubble *self)
{
    g_return_val_if_fail(CHAT_IS_BUBBLE(self), FALSE);
    return self->grouped;
}
