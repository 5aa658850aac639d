/* ChatBubble: a GtkListBoxRow built from bubble.ui that shows its ChatMessage and
 * follows it through "notify": state and receipts, edits, deletion, reactions and the
 * message a reply quotes. */
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
/* A quoted message shows at most this much of its text. */
#define QUOTE_MAX_CHARS 80

struct _ChatBubble {
    GtkListBoxRow parent_instance;
    GtkWidget *frame;
    GtkLabel *avatar;
    GtkLabel *name_label;
    GtkWidget *quote_button;     /* win.reveal-message of the quoted message */
    GtkLabel *quote_label;
    GtkLabel *text_label;
    GtkLabel *edited_label;
    GtkLabel *time_label;
    GtkLabel *status_label;
    GtkLabel *reactions_label;
    ChatMessage *message;
    ChatMessage *quoted;         /* the message a reply quotes, followed while shown */
    char *sender;                /* one line, for the accessible name */
    gboolean grouped;
    gboolean mention;            /* the text mentions the user */
};

G_DEFINE_TYPE(ChatBubble, chat_bubble, GTK_TYPE_LIST_BOX_ROW)

static void unfollow_quoted(ChatBubble *self);

static void chat_bubble_dispose(GObject *object)
{
    ChatBubble *self = CHAT_BUBBLE(object);
    unfollow_quoted(self);
    if (self->message) {
        g_signal_handlers_disconnect_by_data(self->message, self);
        g_clear_object(&self->message);
    }
    G_OBJECT_CLASS(chat_bubble_parent_class)->dispose(object);
}

static void chat_bubble_finalize(GObject *object)
{
    ChatBubble *self = CHAT_BUBBLE(object);
    g_free(self->sender);
    G_OBJECT_CLASS(chat_bubble_parent_class)->finalize(object);
}

static void chat_bubble_class_init(ChatBubbleClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = chat_bubble_dispose;
    G_OBJECT_CLASS(klass)->finalize = chat_bubble_finalize;
    gtk_widget_class_set_template_from_resource(widget_class, "/org/chat/client/bubble.ui");
    gtk_widget_class_bind_template_child(widget_class, ChatBubble, frame);
    gtk_widget_class_bind_template_child(widget_class, ChatBubble, avatar);
    gtk_widget_class_bind_template_child(widget_class, ChatBubble, name_label);
    gtk_widget_class_bind_template_child(widget_class, ChatBubble, quote_button);
    gtk_widget_class_bind_template_child(widget_class, ChatBubble, quote_label);
    gtk_widget_class_bind_template_child(widget_class, ChatBubble, text_label);
    gtk_widget_class_bind_template_child(widget_class, ChatBubble, edited_label);
    gtk_widget_class_bind_template_child(widget_class, ChatBubble, time_label);
    gtk_widget_class_bind_template_child(widget_class, ChatBubble, status_label);
    gtk_widget_class_bind_template_child(widget_class, ChatBubble, reactions_label);
}

/* "Copy Text" in the actions menu: the whole text, whatever is selected. */
static void on_copy(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    ChatBubble *self = data;
    gtk_clipboard_set_text(gtk_widget_get_clipboard(GTK_WIDGET(self), GDK_SELECTION_CLIPBOARD),
                           chat_message_get_text(self->message), -1);
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
    /* The symbols are for the eye; the row's description says the same in words. */
    atk_object_set_role(gtk_widget_get_accessible(GTK_WIDGET(self->status_label)),
                        ATK_ROLE_REDUNDANT_OBJECT);
    atk_object_set_role(gtk_widget_get_accessible(GTK_WIDGET(self->reactions_label)),
                        ATK_ROLE_REDUNDANT_OBJECT);
    add_actions(self);
}

/* The receipt or delivery state in words. */
static char *state_words(ChatBubble *self)
{
    ChatMessage *m = self->message;
    const GError *error = chat_message_get_error(m);
    switch (chat_message_get_state(m)) {
    case CHAT_MESSAGE_PENDING:
        return g_strdup(_("sending"));
    case CHAT_MESSAGE_FAILED:
        return g_strdup_printf(_("not sent: %s"), error ? error->message : _("unknown error"));
    default:
        break;
    }
    if (!chat_message_get_own(m))
        return NULL;
    const char *const *names = chat_message_get_read_by(m);
    guint count = chat_message_get_read_count(m);
    if (names && names[0] && !names[1])
        return g_strdup_printf(_("read by %s"), names[0]);
    if (count > 0)
        return g_strdup_printf(g_dngettext(NULL, "read by %u person", "read by %u people",
                                           count), count);
    return g_strdup(_("sent"));
}

/* The reactions in words: "👍 2 (alice, bob)"; NULL when none. */
static char *reactions_words(ChatBubble *self, gboolean with_names)
{
    GPtrArray *reactions = chat_message_get_reactions(self->message);
    if (reactions->len == 0)
        return NULL;
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < reactions->len; i++) {
        const ChatReaction *r = reactions->pdata[i];
        if (i > 0)
            g_string_append(out, with_names ? ", " : "  ");
        g_string_append_printf(out, "%s %u", r->emoji, r->count);
        if (with_names) {
            char *names = g_strjoinv(", ", r->names);
            char *shown = safe_text(names, -1, SAFE_TEXT_ONE_LINE);
            g_string_append_printf(out, " (%s)", shown);
            g_free(shown);
            g_free(names);
        }
    }
    return g_string_free(out, FALSE);
}

/* Screen readers hear the row as "alice, 17:22: text" and, as its description, the
 * state ("sending", "sent", "read by bob", "not sent: why"), "edited" and the reactions;
 * tests read the same. */
static void update_accessible(ChatBubble *self)
{
    ChatMessage *m = self->message;
    AtkObject *accessible = gtk_widget_get_accessible(GTK_WIDGET(self));
    const char *text = chat_message_get_deleted(m) ? _("Message deleted")
                                                    : chat_message_get_text(m);
    char *spoken = format_shorten(text, SPOKEN_TEXT_MAX_CHARS);
    char *name = g_strdup_printf(_("%s, %s: %s"), self->sender,
                                 gtk_label_get_text(self->time_label), spoken);
    atk_object_set_name(accessible, name);
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    char *state = state_words(self);
    if (state)
        g_ptr_array_add(parts, state);
    if (chat_message_get_edited(m) && !chat_message_get_deleted(m))
        g_ptr_array_add(parts, g_strdup(_("edited")));
    if (self->mention)
        g_ptr_array_add(parts, g_strdup(_("mentions you")));
    char *reactions = reactions_words(self, TRUE);
    if (reactions) {
        g_ptr_array_add(parts, g_strdup_printf(_("reactions: %s"), reactions));
        g_free(reactions);
    }
    g_ptr_array_add(parts, NULL);
    char *description = g_strjoinv(_(", "), (char **)parts->pdata);
    atk_object_set_description(accessible, description);
    g_free(description);
    g_ptr_array_unref(parts);
    g_free(spoken);
    g_free(name);
}

static void set_class(GtkWidget *widget, const char *name, gboolean on)
{
    GtkStyleContext *style = gtk_widget_get_style_context(widget);
    if (on)
        gtk_style_context_add_class(style, name);
    else
        gtk_style_context_remove_class(style, name);
}

/* The text (literally, links marked), or "Message deleted"; a few emoji show large. */
static void show_text(ChatBubble *self)
{
    ChatMessage *m = self->message;
    gboolean deleted = chat_message_get_deleted(m);
    if (deleted) {
        gtk_label_set_text(self->text_label, _("Message deleted"));
    } else {
        char *shown = safe_text(chat_message_get_text(m), -1, SAFE_TEXT_KEEP_NEWLINES);
        char *markup = linkify_markup(shown);
        gtk_label_set_markup(self->text_label, markup);
        g_free(markup);
        g_free(shown);
    }
    set_class(GTK_WIDGET(self->text_label), "deleted", deleted);
    gboolean large = !deleted && format_is_few_emoji(chat_message_get_text(m), LARGE_EMOJI_MAX);
    set_class(self->frame, "emoji-only", large);
    set_class(GTK_WIDGET(self), "emoji-only", large);
    gtk_widget_set_visible(GTK_WIDGET(self->edited_label),
                           chat_message_get_edited(m) && !deleted);
}

/* "↪ bob: what it said" above a reply, in one line; pressed, it shows the original. */
static void show_quote(ChatBubble *self)
{
    ChatMessage *m = self->message;
    ChatMessage *quoted = chat_message_get_reply_to(m);
    guint64 reply_to = chat_message_get_reply_to_id(m);
    gtk_widget_set_visible(self->quote_button, reply_to != 0 && !chat_message_get_deleted(m));
    if (reply_to == 0)
        return;
    gtk_actionable_set_action_target(GTK_ACTIONABLE(self->quote_button), "(ut)",
                                     chat_message_get_room_id(m), reply_to);
    gtk_actionable_set_action_name(GTK_ACTIONABLE(self->quote_button), "win.reveal-message");
    char *line;
    if (quoted == NULL) {
        line = g_strdup_printf("\u21AA %s", _("a reply to an earlier message"));
    } else {
        const char *said = chat_message_get_deleted(quoted) ? _("Message deleted")
                                                            : chat_message_get_text(quoted);
        char *short_text = format_shorten(said, QUOTE_MAX_CHARS);
        char *one_line = g_strdup_printf(_("\u21AA %s: %s"), chat_message_get_sender(quoted),
                                         short_text);
        line = safe_text(one_line, -1, SAFE_TEXT_ONE_LINE);
        g_free(one_line);
        g_free(short_text);
    }
    gtk_label_set_text(self->quote_label, line);
    atk_object_set_name(gtk_widget_get_accessible(self->quote_button), line);
    g_free(line);
}

/* A clock while pending, a reason when failed, for own messages a tick once sent and
 * two once read (the symbols for the eye; the description says it in words). */
static void show_status(ChatBubble *self)
{
    ChatMessage *m = self->message;
    ChatMessageState state = chat_message_get_state(m);
    set_class(self->frame, "pending", state == CHAT_MESSAGE_PENDING);
    set_class(self->frame, "failed", state == CHAT_MESSAGE_FAILED);
    char *text;
    if (state == CHAT_MESSAGE_PENDING) {
        text = g_strdup_printf("\u23F1 %s", _("sending"));
    } else if (state == CHAT_MESSAGE_FAILED) {
        const GError *error = chat_message_get_error(m);
        text = g_strdup_printf(_("\u26A0 not sent: %s"),
                               error ? error->message : _("unknown error"));
    } else if (chat_message_get_own(m)) {
        text = g_strdup(chat_message_get_read_count(m) > 0 ? "\u2713\u2713" : "\u2713");
    } else {
        text = g_strdup("");
    }
    gtk_label_set_text(self->status_label, text);
    gtk_widget_set_visible(GTK_WIDGET(self->status_label), *text != '\0');
    g_free(text);
}

static void show_reactions(ChatBubble *self)
{
    char *line = reactions_words(self, FALSE);
    gtk_label_set_text(self->reactions_label, line ? line : "");
    gtk_widget_set_visible(GTK_WIDGET(self->reactions_label), line != NULL);
    g_free(line);
}

static void show_time(ChatBubble *self)
{
    char *clock = format_clock(chat_message_get_time(self->message));
    gtk_label_set_text(self->time_label, clock);
    g_free(clock);
}

/* Any property changed: show what it touches, then say it all again to screen readers. */
static void on_notify(ChatMessage *message, GParamSpec *pspec, ChatBubble *self)
{
    (void)message;
    const char *what = g_param_spec_get_name(pspec);
    if (g_str_equal(what, "text") || g_str_equal(what, "edited") ||
        g_str_equal(what, "deleted")) {
        show_text(self);
        show_quote(self);
    } else if (g_str_equal(what, "reply-to")) {
        show_quote(self);
    } else if (g_str_equal(what, "reactions")) {
        show_reactions(self);
    } else if (g_str_equal(what, "time")) {
        show_time(self);
    } else {
        show_status(self);
    }
    update_accessible(self);
}

/* A quoted message changed (edited, deleted): the quote line follows. */
static void on_quoted_notify(ChatMessage *quoted, GParamSpec *pspec, ChatBubble *self)
{
    (void)quoted;
    (void)pspec;
    show_quote(self);
}

static void unfollow_quoted(ChatBubble *self)
{
    if (self->quoted == NULL)
        return;
    g_signal_handlers_disconnect_by_func(self->quoted, on_quoted_notify, self);
    g_clear_object(&self->quoted);
}

/* The message a reply quotes came (from history, later) or changed: the quote line
 * follows that one alone. */
static void follow_quoted(ChatBubble *self)
{
    ChatMessage *quoted = chat_message_get_reply_to(self->message);
    if (quoted == self->quoted)
        return;
    unfollow_quoted(self);
    if (quoted == NULL)
        return;
    self->quoted = g_object_ref(quoted);
    g_signal_connect(quoted, "notify::text", G_CALLBACK(on_quoted_notify), self);
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

/* A bubble showing message, and following it. */
ChatBubble *chat_bubble_new(ChatMessage *message)
{
    g_return_val_if_fail(CHAT_IS_MESSAGE(message), NULL);
    ChatBubble *self = g_object_new(CHAT_TYPE_BUBBLE, NULL);
    self->message = g_object_ref(message);
    const char *sender = chat_message_get_sender(message);
    self->sender = safe_text(sender, -1, SAFE_TEXT_ONE_LINE); /* for the accessible name */
    chat_bubble_style_frame(self->frame, self->name_label, self->avatar, sender,
                            chat_message_get_own(message));
    /* Named even while hidden (a text that answers nothing): the tree has it. */
    atk_object_set_name(gtk_widget_get_accessible(self->quote_button),
                        _("Show the message this answers"));
    show_text(self);
    show_quote(self);
    show_time(self);
    show_status(self);
    show_reactions(self);
    update_accessible(self);
    g_signal_connect(message, "notify", G_CALLBACK(on_notify), self);
    g_signal_connect_swapped(message, "notify::reply-to", G_CALLBACK(follow_quoted), self);
    follow_quoted(self);
    return self;
}

ChatMessage *chat_bubble_get_message(ChatBubble *self)
{
    g_return_val_if_fail(CHAT_IS_BUBBLE(self), NULL);
    return self->message;
}

const char *chat_bubble_get_sender(ChatBubble *self)
{
    g_return_val_if_fail(CHAT_IS_BUBBLE(self), NULL);
    return chat_message_get_sender(self->message);
}

const char *chat_bubble_get_text(ChatBubble *self)
{
    g_return_val_if_fail(CHAT_IS_BUBBLE(self), NULL);
    return chat_message_get_text(self->message);
}

gboolean chat_bubble_get_own(ChatBubble *self)
{
    g_return_val_if_fail(CHAT_IS_BUBBLE(self), FALSE);
    return chat_message_get_own(self->message);
}

gint64 chat_bubble_get_time(ChatBubble *self)
{
    g_return_val_if_fail(CHAT_IS_BUBBLE(self), 0);
    return chat_message_get_time(self->message);
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
    gtk_widget_set_visible(GTK_WIDGET(self->name_label), !grouped && !chat_message_get_own(self->message));
    /* The avatar keeps its place (the bubbles line up) but shows once per run. */
    gtk_widget_set_opacity(GTK_WIDGET(self->avatar), grouped ? 0.0 : 1.0);
}

gboolean chat_bubble_get_grouped(ChatBubble *self)
{
    g_return_val_if_fail(CHAT_IS_BUBBLE(self), FALSE);
    return self->grouped;
}

/* Highlights the bubble (a stripe; "mentions you" in its description). */
void chat_bubble_set_mention(ChatBubble *self, gboolean mention)
{
    g_return_if_fail(CHAT_IS_BUBBLE(self));
    self->mention = mention;
    set_class(self->frame, "mention", mention);
    update_accessible(self);
}
