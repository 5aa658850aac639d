/* ChatBubble: a GtkListBoxRow built from bubble.ui. */
#include "client/gtk/bubble.h"

#include <glib/gi18n.h>

#include "client/gtk/format.h"
#include "client/gtk/linkify.h"
#include "client/gtk/row_menu.h"
#include "client/gtk/user_color.h"
#include "common/safe_text.h"

/* A message of at most this many emoji is shown large, without a bubble. */
#define LARGE_EMOJI_MAX 3
/* Screen readers hear at most this much of a message in its row's name. */
#define SPOKEN_TEXT_MAX_CHARS 300

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

/* "Copy Text" in the actions menu: the whole text, whatever is selected. */
static void on_copy(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    ChatBubble *self = data;
    gtk_clipboard_set_text(gtk_widget_get_clipboard(GTK_WIDGET(self), GDK_SELECTION_CLIPBOARD),
                           self->text, -1);
}

/* The actions a text offers; edit, reply, react and delete join them when the session
 * supports them. */
static void add_actions(ChatBubble *self)
{
    static const GActionEntry entries[] = {
        { "copy", on_copy, NULL, NULL, NULL, { 0 } },
    };
    GSimpleActionGroup *group = g_simple_action_group_new();
    g_action_map_add_action_entries(G_ACTION_MAP(group), entries, G_N_ELEMENTS(entries), self);
    gtk_widget_insert_action_group(GTK_WIDGET(self), "row", G_ACTION_GROUP(group));
    g_object_unref(group);
    GMenu *menu = g_menu_new();
    row_menu_append(menu, _("_Copy Text"), "row.copy");
    row_menu_attach(GTK_WIDGET(self), self->frame, G_MENU_MODEL(menu));
    g_object_unref(menu);
}

static void chat_bubble_init(ChatBubble *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    /* The row takes the focus (arrows move between rows); the text inside it is
     * selectable with the pointer but is not a Tab stop of its own. */
    gtk_widget_set_can_focus(GTK_WIDGET(self->text_label), FALSE);
    atk_object_set_role(gtk_widget_get_accessible(GTK_WIDGET(self->status_label)),
                        ATK_ROLE_REDUNDANT_OBJECT);
    add_actions(self);
}

/* The state in words, for the row's accessible description. */
static char *state_words(ChatBubble *self)
{
    switch (self->state) {
    case CHAT_BUBBLE_PENDING:
        return g_strdup(_("sending"));
    case CHAT_BUBBLE_FAILED:
        return g_strdup_printf(_("not sent: %s"),
                               self->failure ? self->failure : _("unknown error"));
    default:
        return g_strdup(self->own ? _("sent") : "");
    }
}

/* Screen readers hear the row as "alice, 17:22: text" and its state ("sending",
 * "sent", "not sent: why") as its description; tests read the same. */
static void update_accessible(ChatBubble *self)
{
    if (self->sender == NULL)
        return; /* still being built */
    AtkObject *accessible = gtk_widget_get_accessible(GTK_WIDGET(self));
    char *text = format_shorten(self->text, SPOKEN_TEXT_MAX_CHARS);
    char *name = g_strdup_printf(_("%s, %s: %s"), self->sender,
                                 gtk_label_get_text(self->time_label), text);
    char *description = state_words(self);
    atk_object_set_name(accessible, name);
    atk_object_set_description(accessible, description);
    g_free(text);
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
    /* Isolated, so a right-to-left name or a bidi control cannot reorder what follows. */
    char *shown = safe_text(sender, -1, SAFE_TEXT_ISOLATE);
    gtk_label_set_text(name_label, shown);
    g_free(shown);
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
    self->sender = safe_text(sender, -1, SAFE_TEXT_ONE_LINE); /* for the accessible name */
    self->text = g_strdup(text);
    self->own = own;
    chat_bubble_style_frame(self->frame, self->name_label, self->avatar, sender, own);
    char *shown = safe_text(text, -1, SAFE_TEXT_KEEP_NEWLINES);
    char *markup = linkify_markup(shown);
    gtk_label_set_markup(self->text_label, markup);
    g_free(markup);
    g_free(shown);
    if (format_is_few_emoji(text, LARGE_EMOJI_MAX)) {
        gtk_style_context_add_class(gtk_widget_get_style_context(self->frame), "emoji-only");
        gtk_style_context_add_class(gtk_widget_get_style_context(GTK_WIDGET(self)), "emoji-only");
    }
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

/* Shows state: a clock while pending, a tick once sent by us, a reason when failed
 * (the symbols for the eye; the row's description says it in words). */
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
        char *text = g_strdup_printf("\u23F1 %s", _("sending"));
        gtk_label_set_text(self->status_label, text);
        g_free(text);
    } else if (state == CHAT_BUBBLE_FAILED) {
        char *text =
            g_strdup_printf(_("\u26A0 not sent: %s"), reason ? reason : _("unknown error"));
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
    /* The avatar keeps its place (the bubbles line up) but shows once per run. */
    gtk_widget_set_opacity(GTK_WIDGET(self->avatar), grouped ? 0.0 : 1.0);
}

gboolean chat_bubble_get_grouped(ChatBubble *self)
{
    g_return_val_if_fail(CHAT_IS_BUBBLE(self), FALSE);
    return self->grouped;
}
