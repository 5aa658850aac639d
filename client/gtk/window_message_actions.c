/* ChatWindow, actions on a message: Reply, React (a few emoji), Edit (own texts) and
 * Delete (own messages, anyone's for moderators and admins, after a confirmation) join
 * each message row's menu beside Copy Text, each hidden while it does not apply. On a
 * focused row the keys R (reply), E (edit), Delete and Ctrl+C (copy) do the same; Up in
 * an empty message box edits the last own text (window_chat.c calls
 * window_message_actions_edit_last). The server's answers to these requests are the
 * window's: a refusal is a line in words and an alert, a success is silent (the
 * conversation shows it). */
#include "client/gtk/window_private.h"

#include <glib/gi18n.h>

#include "client/gtk/announce.h"
#include "client/gtk/row_menu.h"

#define ATTACHED_KEY "chat-message-actions"

/* The React submenu: emoji and what a screen reader says for each. */
static const struct {
    const char *emoji;
    const char *name;
} reactions[] = {
    { "\U0001F44D", N_("Thumbs up") }, { "\u2764\uFE0F", N_("Heart") },
    { "\U0001F602", N_("Laughing") },  { "\U0001F389", N_("Celebration") },
    { "\U0001F62E", N_("Surprised") }, { "\U0001F622", N_("Sad") },
};

static ChatWindow *row_window(GtkWidget *row)
{
    GtkWidget *top = gtk_widget_get_toplevel(row);
    return CHAT_IS_WINDOW(top) ? CHAT_WINDOW(top) : NULL;
}

/* The message id (0 while not stored); a deleted message counts as none. */
static guint64 row_id(GtkWidget *row)
{
    if (!CHAT_IS_BUBBLE(row))
        return chat_message_list_row_message_id(GTK_LIST_BOX_ROW(row));
    ChatMessage *msg = chat_bubble_get_message(CHAT_BUBBLE(row));
    return chat_message_get_deleted(msg) ? 0 : chat_message_get_id(msg);
}

static gboolean row_own(GtkWidget *row)
{
    return CHAT_IS_BUBBLE(row) ? chat_bubble_get_own(CHAT_BUBBLE(row))
                               : chat_file_row_get_own(CHAT_FILE_ROW(row));
}

static const char *row_sender(GtkWidget *row)
{
    return CHAT_IS_BUBBLE(row) ? chat_message_get_sender(chat_bubble_get_message(CHAT_BUBBLE(row)))
                               : chat_file_row_get_sender(CHAT_FILE_ROW(row));
}

/* The text of a bubble, the name of a file. */
static const char *row_text(GtkWidget *row)
{
    return CHAT_IS_BUBBLE(row) ? chat_message_get_text(chat_bubble_get_message(CHAT_BUBBLE(row)))
                               : chat_file_row_get_name(CHAT_FILE_ROW(row));
}

/* The room whose conversation holds row; FALSE for a direct draft or a row in none. */
static gboolean row_room(ChatWindow *self, GtkWidget *row, guint32 *room_id)
{
    GtkWidget *list = gtk_widget_get_ancestor(row, CHAT_TYPE_MESSAGE_LIST);
    return list != NULL && window_rooms_list_room(self, CHAT_MESSAGE_LIST(list), room_id);
}

static void set_enabled(GtkWidget *row, const char *name, gboolean enabled)
{
    GActionGroup *group = gtk_widget_get_action_group(row, "msg");
    GAction *action = g_action_map_lookup_action(G_ACTION_MAP(group), name);
    g_simple_action_set_enabled(G_SIMPLE_ACTION(action), enabled);
}

/* What the row's message allows now: a message the server stored, an account online;
 * edits of own texts, deletes of own messages or, for moderators, of anyone's. */
static void update_actions(GtkWidget *row, gpointer data)
{
    (void)data;
    ChatWindow *self = row_window(row);
    guint32 room_id;
    gboolean usable = self != NULL && row_id(row) != 0 && row_room(self, row, &room_id) &&
                      chat_session_get_state(self->session) == CHAT_SESSION_ONLINE;
    ChatRole role = usable ? chat_session_get_role(self->session) : CHAT_ROLE_GUEST;
    gboolean account = usable && role != CHAT_ROLE_GUEST;
    gboolean moderator = role == CHAT_ROLE_MODERATOR || role == CHAT_ROLE_ADMIN;
    set_enabled(row, "reply", usable);
    set_enabled(row, "react", account);
    set_enabled(row, "edit", account && row_own(row) && CHAT_IS_BUBBLE(row));
    set_enabled(row, "delete", account && (row_own(row) || moderator));
}

static gboolean action_enabled(GtkWidget *row, const char *name)
{
    update_actions(row, NULL);
    GActionGroup *group = gtk_widget_get_action_group(row, "msg");
    return g_action_group_get_action_enabled(group, name);
}

/* ---- Requests and their answers ---- */

/* A request whose answer a feature of the window shows itself (these actions, a
 * search), not the generic notice. */
void window_message_actions_track(ChatWindow *self, guint64 request_id)
{
    g_hash_table_add(self->message_requests, g_memdup2(&request_id, sizeof request_id));
}

/* The answer of request_id was shown where it belongs. */
void window_message_actions_forget(ChatWindow *self, guint64 request_id)
{
    g_hash_table_remove(self->message_requests, &request_id);
}

/* Shows why something could not be done, as a line and an alert. */
void window_message_actions_refused(ChatWindow *self, const char *what, const char *why)
{
    char *text = g_strdup_printf(_("%s: %s"), what, why);
    window_problem(self, text);
    announce_say(self->alert_announcer, text);
    g_free(text);
}

static void on_request_done(ChatSession *session, guint64 id, const char *what,
                            ChatWindow *self)
{
    (void)session;
    (void)what;
    g_hash_table_remove(self->message_requests, &id);
}

static void on_request_failed(ChatSession *session, guint64 id, guint code, const char *message,
                              ChatWindow *self)
{
    (void)session;
    (void)code;
    if (g_hash_table_remove(self->message_requests, &id))
        window_message_actions_refused(self, _("Not done"), message);
}

/* TRUE when request_id is one of these actions' (the generic answer stays quiet). */
gboolean window_message_actions_owns(ChatWindow *self, guint64 request_id)
{
    return g_hash_table_contains(self->message_requests, &request_id);
}

/* Sends text as the new version of message_id. */
gboolean window_message_actions_send_edit(ChatWindow *self, guint64 message_id,
                                          const char *text, GError **error)
{
    guint64 request = chat_session_edit_message(self->session, message_id, text, error);
    if (request != 0)
        window_message_actions_track(self, request);
    return request != 0;
}

/* ---- The actions ---- */

static void on_reply(GSimpleAction *action, GVariant *parameter, gpointer row)
{
    (void)action;
    (void)parameter;
    ChatWindow *self = row_window(row);
    guint32 room_id;
    if (self != NULL && row_room(self, row, &room_id))
        window_composer_reply(self, room_id, row_id(row), row_sender(row), row_text(row));
}

static void on_edit(GSimpleAction *action, GVariant *parameter, gpointer row)
{
    (void)action;
    (void)parameter;
    ChatWindow *self = row_window(row);
    guint32 room_id;
    if (self != NULL && row_room(self, row, &room_id))
        window_composer_edit(self, room_id, row_id(row), row_text(row));
}

static void on_react(GSimpleAction *action, GVariant *parameter, gpointer row)
{
    (void)action;
    ChatWindow *self = row_window(row);
    if (self == NULL)
        return;
    GError *error = NULL;
    guint64 request = chat_session_react(self->session, row_id(row),
                                         g_variant_get_string(parameter, NULL), &error);
    if (request != 0) {
        window_message_actions_track(self, request);
        return;
    }
    window_message_actions_refused(self, _("Reaction not sent"), error->message);
    g_error_free(error);
}

static void on_delete_response(GtkDialog *dialog, int response, gpointer data)
{
    ChatWindow *self = CHAT_WINDOW(gtk_window_get_transient_for(GTK_WINDOW(dialog)));
    guint64 message_id = *(guint64 *)data;
    gtk_widget_destroy(GTK_WIDGET(dialog));
    if (response != GTK_RESPONSE_ACCEPT)
        return;
    GError *error = NULL;
    guint64 request = chat_session_delete_message(self->session, message_id, &error);
    if (request != 0) {
        window_message_actions_track(self, request);
        return;
    }
    window_message_actions_refused(self, _("Message not deleted"), error->message);
    g_error_free(error);
}

/* Asks first: a deletion cannot be undone. */
static void on_delete(GSimpleAction *action, GVariant *parameter, gpointer row)
{
    (void)action;
    (void)parameter;
    ChatWindow *self = row_window(row);
    if (self == NULL)
        return;
    GtkWidget *dialog = gtk_message_dialog_new(
        GTK_WINDOW(self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
        GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, "%s", _("Delete this message?"));
    gtk_message_dialog_format_secondary_text(
        GTK_MESSAGE_DIALOG(dialog), "%s",
        _("Everyone will see \u201Cmessage deleted\u201D instead. This cannot be undone."));
    gtk_dialog_add_button(GTK_DIALOG(dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
    GtkWidget *button = gtk_dialog_add_button(GTK_DIALOG(dialog), _("_Delete"),
                                              GTK_RESPONSE_ACCEPT);
    gtk_style_context_add_class(gtk_widget_get_style_context(button), "destructive-action");
    gtk_dialog_set_default_response(GTK_DIALOG(dialog), GTK_RESPONSE_CANCEL);
    gtk_window_set_title(GTK_WINDOW(dialog), _("Delete Message"));
    window_set_accessible_name(dialog, _("Delete Message"));
    guint64 message_id = row_id(row);
    g_signal_connect_data(dialog, "response", G_CALLBACK(on_delete_response),
                          g_memdup2(&message_id, sizeof message_id),
                          (GClosureNotify)(void (*)(void))g_free, 0);
    gtk_widget_show(dialog);
}

static void activate(GtkWidget *row, const char *name)
{
    if (action_enabled(row, name))
        g_action_group_activate_action(gtk_widget_get_action_group(row, "msg"), name, NULL);
}

/* The keys of a focused message row. */
static gboolean on_row_key(GtkWidget *row, GdkEventKey *event, gpointer data)
{
    (void)data;
    GdkModifierType modifiers = event->state & gtk_accelerator_get_default_mod_mask();
    guint key = gdk_keyval_to_lower(event->keyval);
    if (modifiers == GDK_CONTROL_MASK && key == GDK_KEY_c) {
        GActionGroup *own = gtk_widget_get_action_group(row, "row");
        if (own != NULL && g_action_group_has_action(own, "copy"))
            g_action_group_activate_action(own, "copy", NULL);
        return own != NULL;
    }
    if (modifiers != 0)
        return GDK_EVENT_PROPAGATE;
    switch (key) {
    case GDK_KEY_r:
        activate(row, "reply");
        return GDK_EVENT_STOP;
    case GDK_KEY_e:
        activate(row, "edit");
        return GDK_EVENT_STOP;
    case GDK_KEY_Delete:
    case GDK_KEY_KP_Delete:
        activate(row, "delete");
        return GDK_EVENT_STOP;
    default:
        return GDK_EVENT_PROPAGATE;
    }
}

static GMenuModel *react_menu(void)
{
    GMenu *menu = g_menu_new();
    for (guint i = 0; i < G_N_ELEMENTS(reactions); i++) {
        char *label = g_strdup_printf("%s %s", reactions[i].emoji, _(reactions[i].name));
        GMenuItem *item = g_menu_item_new(label, NULL);
        g_menu_item_set_action_and_target_value(item, "msg.react",
                                                g_variant_new_string(reactions[i].emoji));
        g_menu_item_set_attribute(item, "hidden-when", "s", "action-disabled");
        g_menu_append_item(menu, item);
        g_object_unref(item);
        g_free(label);
    }
    return G_MENU_MODEL(menu);
}

/* Gives row (a ChatBubble or ChatFileRow) the message actions; once per row. */
void window_message_actions_attach(ChatWindow *self, GtkWidget *row)
{
    (void)self;
    g_return_if_fail(CHAT_IS_BUBBLE(row) || CHAT_IS_FILE_ROW(row));
    if (g_object_get_data(G_OBJECT(row), ATTACHED_KEY) != NULL)
        return;
    g_object_set_data(G_OBJECT(row), ATTACHED_KEY, GINT_TO_POINTER(1));
    static const GActionEntry entries[] = {
        { "reply", on_reply, NULL, NULL, NULL, { 0 } },
        { "react", on_react, "s", NULL, NULL, { 0 } },
        { "edit", on_edit, NULL, NULL, NULL, { 0 } },
        { "delete", on_delete, NULL, NULL, NULL, { 0 } },
    };
    GSimpleActionGroup *group = g_simple_action_group_new();
    g_action_map_add_action_entries(G_ACTION_MAP(group), entries, G_N_ELEMENTS(entries), row);
    gtk_widget_insert_action_group(row, "msg", G_ACTION_GROUP(group));
    g_object_unref(group);
    row_menu_append_to(row, _("_Reply"), "msg.reply");
    GMenuModel *react = react_menu();
    row_menu_append_submenu(row, _("Re_act"), react);
    g_object_unref(react);
    row_menu_append_to(row, _("_Edit"), "msg.edit");
    row_menu_append_to(row, _("_Delete\u2026"), "msg.delete");
    row_menu_set_prepare(row, update_actions, NULL);
    update_actions(row, NULL);
    g_signal_connect(row, "key-press-event", G_CALLBACK(on_row_key), NULL);
}

/* Up in an empty message box: the newest own text of the conversation on screen that
 * the server has, into the box for editing. FALSE when there is none. */
gboolean window_message_actions_edit_last(ChatWindow *self)
{
    GtkListBox *box = chat_message_list_get_list_box(self->message_list);
    for (int i = (int)chat_message_list_get_n_rows(self->message_list) - 1; i >= 0; i--) {
        GtkWidget *row = GTK_WIDGET(gtk_list_box_get_row_at_index(box, i));
        if (CHAT_IS_BUBBLE(row) && chat_bubble_get_own(CHAT_BUBBLE(row)) &&
            action_enabled(row, "edit")) {
            activate(row, "edit");
            return TRUE;
        }
    }
    return FALSE;
}

/* Wires the answers to these actions' requests. */
void window_message_actions_init(ChatWindow *self)
{
    self->message_requests = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    /* After the generic handlers, which ask window_message_actions_owns first. */
    g_signal_connect_after(self->session, "request-done", G_CALLBACK(on_request_done), self);
    g_signal_connect_after(self->session, "request-failed", G_CALLBACK(on_request_failed),
                           self);
}
