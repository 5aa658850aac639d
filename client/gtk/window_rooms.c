/* ChatWindow, rooms: the sidebar of rooms and direct conversations (bound to the
 * session's room model), one conversation (ChatMessageList) per room in a stack, which
 * room is on screen, and a direct conversation opened with someone before its first
 * message (the server makes the room then). Ctrl+K puts the keyboard in the sidebar,
 * Alt+Up and Alt+Down switch rooms; below the narrow width the sidebar is a panel over
 * the conversation, toggled from the header (F8), as the users panel is. */
#include "client/gtk/window_private.h"

#include <glib/gi18n.h>

#include "client/gtk/notify.h"
#include "common/safe_text.h"

/* The stack page of room_id. */
static char *page_name(guint32 room_id)
{
    return g_strdup_printf("room-%u", room_id);
}

#define DRAFT_PAGE "direct-draft"

static ChatMessageList *new_list(ChatWindow *self, const char *page)
{
    ChatMessageList *list = CHAT_MESSAGE_LIST(chat_message_list_new());
    gtk_widget_set_hexpand(GTK_WIDGET(list), TRUE);
    gtk_widget_show(GTK_WIDGET(list));
    gtk_stack_add_named(self->conversations, GTK_WIDGET(list), page);
    window_files_watch_list(self, list);
    window_history_watch_list(self, list);
    return list;
}

/* The conversation of room_id, made when it is the first news of that room. */
ChatMessageList *window_rooms_list(ChatWindow *self, guint32 room_id)
{
    ChatMessageList *list = g_hash_table_lookup(self->lists, GUINT_TO_POINTER(room_id));
    if (list != NULL)
        return list;
    char *page = page_name(room_id);
    list = new_list(self, page);
    g_free(page);
    g_object_set_data(G_OBJECT(list), "chat-room-id", GUINT_TO_POINTER(room_id));
    g_hash_table_insert(self->lists, GUINT_TO_POINTER(room_id), list);
    return list;
}

/* The room a conversation belongs to (FALSE for the draft of a direct conversation). */
gboolean window_rooms_list_room(ChatWindow *self, ChatMessageList *list, guint32 *room_id)
{
    if (list == self->draft_list)
        return FALSE;
    *room_id = GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(list), "chat-room-id"));
    return TRUE;
}

/* The room on screen, or NULL (a draft, or not online yet). */
ChatRoom *window_rooms_current(ChatWindow *self)
{
    if (self->dm_draft != NULL || self->session == NULL)
        return NULL;
    return chat_session_find_room(self->session, self->room_id);
}

/* What the title and notifications call room_id: "Lobby", "#general", "@bob" (a name
 * from the network, its control and bidi characters written out). */
char *window_rooms_title(ChatWindow *self, guint32 room_id)
{
    ChatRoom *room = self->session ? chat_session_find_room(self->session, room_id) : NULL;
    if (room_id == 0 || room == NULL)
        return g_strdup(_(WINDOW_ROOM_NAME));
    char *label = chat_room_dup_label(room);
    char *shown = safe_text(label, -1, SAFE_TEXT_ONE_LINE);
    g_free(label);
    return shown;
}

/* Title of what is on screen. */
char *window_rooms_current_title(ChatWindow *self)
{
    if (self->dm_draft == NULL)
        return window_rooms_title(self, self->room_id);
    char *label = g_strdup_printf("@%s", self->dm_draft);
    char *shown = safe_text(label, -1, SAFE_TEXT_ONE_LINE);
    g_free(label);
    return shown;
}

/* The room on screen has been seen: its unread count and notification go. */
static void mark_current_read(ChatWindow *self)
{
    ChatRoom *room = window_rooms_current(self);
    if (room == NULL || !gtk_window_is_active(GTK_WINDOW(self)))
        return;
    chat_room_mark_read(room);
    char *title = window_rooms_title(self, self->room_id);
    notify_withdraw(GTK_WINDOW(self), title);
    g_free(title);
}

static void close_narrow_panel(ChatWindow *self)
{
    if (self->narrow)
        g_action_group_change_action_state(G_ACTION_GROUP(self), "show-rooms",
                                           g_variant_new_boolean(FALSE));
}

static void show_list(ChatWindow *self, ChatMessageList *list)
{
    self->message_list = list;
    gtk_stack_set_visible_child(self->conversations, GTK_WIDGET(list));
    window_update_title(self);
}

/* Puts room_id's conversation on screen; a room never shown asks for its history. */
void window_rooms_show(ChatWindow *self, guint32 room_id)
{
    g_clear_pointer(&self->dm_draft, g_free);
    self->room_id = room_id;
    ChatMessageList *list = window_rooms_list(self, room_id);
    show_list(self, list);
    ChatRoom *room = window_rooms_current(self);
    chat_room_sidebar_select(self->room_sidebar, room);
    mark_current_read(self);
}

/* "Message" on a user: their direct conversation, or an empty one that the first text
 * creates. */
void window_rooms_open_direct(ChatWindow *self, const char *user)
{
    g_return_if_fail(user != NULL);
    close_narrow_panel(self);
    char *label = g_strdup_printf("@%s", user);
    ChatRoom *room = chat_session_find_room_named(self->session, label);
    g_free(label);
    if (room != NULL && chat_room_get_kind(room) == CHAT_ROOM_DIRECT) {
        window_rooms_show(self, chat_room_get_id(room));
    } else {
        if (self->draft_list == NULL || g_strcmp0(self->dm_draft, user) != 0) {
            if (self->draft_list != NULL)
                gtk_widget_destroy(GTK_WIDGET(self->draft_list));
            self->draft_list = new_list(self, DRAFT_PAGE);
            char *notice = g_strdup_printf(_("Write to %s: the conversation starts with your "
                                             "first message."), user);
            chat_message_list_add_notice(self->draft_list, notice);
            g_free(notice);
        }
        g_free(self->dm_draft);
        self->dm_draft = g_strdup(user);
        chat_room_sidebar_select(self->room_sidebar, NULL);
        show_list(self, self->draft_list);
    }
    gtk_widget_grab_focus(GTK_WIDGET(self->message_view));
}

/* Sends text where the user is: the room on screen, or the direct draft's person. */
ChatMessage *window_rooms_send(ChatWindow *self, const char *text, GError **error)
{
    if (self->dm_draft != NULL)
        return chat_session_send_direct(self->session, self->dm_draft, text, error);
    return chat_session_send_text_to(self->session, self->room_id, text, error);
}

/* A direct room appeared: if it is the one being drafted, the draft becomes its
 * conversation (with the pending texts in it). */
static void adopt_draft(ChatWindow *self, ChatRoom *room)
{
    if (self->draft_list == NULL || chat_room_get_kind(room) != CHAT_ROOM_DIRECT ||
        g_ascii_strcasecmp(chat_room_get_name(room), self->dm_draft ? self->dm_draft : "") != 0)
        return;
    guint32 id = chat_room_get_id(room);
    if (g_hash_table_contains(self->lists, GUINT_TO_POINTER(id)))
        return;
    ChatMessageList *list = self->draft_list;
    self->draft_list = NULL;
    char *page = page_name(id);
    gtk_container_child_set(GTK_CONTAINER(self->conversations), GTK_WIDGET(list), "name", page,
                            NULL);
    g_free(page);
    g_object_set_data(G_OBJECT(list), "chat-room-id", GUINT_TO_POINTER(id));
    g_hash_table_insert(self->lists, GUINT_TO_POINTER(id), list);
    window_rooms_show(self, id);
}

/* Rooms came or went: new ones may end a draft; a room left takes its conversation
 * with it (the lobby comes on screen if it was that one). */
static void on_rooms_changed(GListModel *model, guint position, guint removed, guint added,
                             ChatWindow *self)
{
    (void)removed;
    for (guint i = position; i < position + added; i++) {
        ChatRoom *room = g_list_model_get_item(model, i);
        if (self->dm_draft == NULL && chat_room_get_id(room) == self->room_id)
            window_rooms_show(self, self->room_id); /* its first news: select it */
        else
            adopt_draft(self, room);
        g_object_unref(room);
    }
    GHashTableIter iter;
    gpointer key, value;
    gboolean current_gone = FALSE;
    g_hash_table_iter_init(&iter, self->lists);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        guint32 id = GPOINTER_TO_UINT(key);
        if (id == 0 || chat_session_find_room(self->session, id) != NULL ||
            chat_session_get_state(self->session) != CHAT_SESSION_ONLINE)
            continue;
        if (self->dm_draft == NULL && id == self->room_id)
            current_gone = TRUE;
        gtk_widget_destroy(value);
        g_hash_table_iter_remove(&iter);
    }
    if (current_gone)
        window_rooms_show(self, 0);
    else if (self->dm_draft == NULL)
        chat_room_sidebar_select(self->room_sidebar, window_rooms_current(self));
}

static void on_room_activated(ChatRoomSidebar *sidebar, ChatRoom *room, ChatWindow *self)
{
    (void)sidebar;
    window_rooms_show(self, chat_room_get_id(room));
    close_narrow_panel(self);
}

/* A text or file arrived in room_id from someone else: counted there unless on screen
 * in an active window. */
void window_rooms_note_incoming(ChatWindow *self, guint32 room_id)
{
    if (self->dm_draft == NULL && room_id == self->room_id)
        mark_current_read(self);
}

/* TRUE when the own text msg is shown in a conversation (or the direct draft). */
gboolean window_rooms_shows_message(ChatWindow *self, ChatMessage *msg)
{
    if (self->draft_list != NULL && chat_message_list_find_bubble(self->draft_list, msg))
        return TRUE;
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, self->lists);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        if (chat_message_list_find_bubble(value, msg))
            return TRUE;
    return FALSE;
}

/* TRUE when a file row in some conversation follows transfer. */
gboolean window_rooms_shows_transfer(ChatWindow *self, ChatTransfer *transfer)
{
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, self->lists);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        if (chat_message_list_find_file_row(value, transfer) != NULL)
            return TRUE;
    return FALSE;
}

/* After Log out: every conversation goes; an empty lobby is on screen. */
void window_rooms_reset(ChatWindow *self)
{
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, self->lists);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        gtk_widget_destroy(value);
    g_hash_table_remove_all(self->lists);
    if (self->draft_list != NULL)
        gtk_widget_destroy(GTK_WIDGET(self->draft_list));
    self->draft_list = NULL;
    window_rooms_show(self, 0);
}

static void on_active_changed(ChatWindow *self)
{
    mark_current_read(self);
}

static void switch_by(ChatWindow *self, int delta)
{
    ChatRoom *room = chat_room_sidebar_get_neighbour(self->room_sidebar, delta);
    if (room != NULL && gtk_stack_get_visible_child_name(self->stack) != NULL &&
        g_strcmp0(gtk_stack_get_visible_child_name(self->stack), "chat") == 0)
        window_rooms_show(self, chat_room_get_id(room));
}

static void on_previous_room(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    switch_by(data, -1);
}

static void on_next_room(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    switch_by(data, 1);
}

/* Ctrl+K: the keyboard goes to the room list (opened first in a narrow window). */
static void on_find_room(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    ChatWindow *self = data;
    if (g_strcmp0(gtk_stack_get_visible_child_name(self->stack), "chat") != 0)
        return;
    if (self->narrow)
        g_action_group_change_action_state(G_ACTION_GROUP(self), "show-rooms",
                                           g_variant_new_boolean(TRUE));
    chat_room_sidebar_focus(self->room_sidebar);
}

/* A notification's click: that room on screen (app.open-room hands the id over). */
static void on_open_room(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    ChatWindow *self = data;
    guint32 room_id = g_variant_get_uint32(parameter);
    if (chat_session_find_room(self->session, room_id) != NULL || room_id == 0)
        window_rooms_show(self, room_id);
    gtk_window_present(GTK_WINDOW(self));
}

/* The rooms panel in the narrow layout: shown over the conversation, or not. */
static void on_show_rooms_change(GSimpleAction *action, GVariant *value, gpointer data)
{
    ChatWindow *self = data;
    if (!self->narrow)
        return;
    g_simple_action_set_state(action, value);
    gboolean shown = g_variant_get_boolean(value);
    gtk_revealer_set_reveal_child(self->rooms_revealer, shown);
    gtk_widget_set_visible(GTK_WIDGET(self->rooms_revealer), shown);
    if (shown)
        chat_room_sidebar_focus(self->room_sidebar);
}

/* Wide: the sidebar beside the conversation; narrow: a panel the header's toggle shows. */
void window_rooms_set_narrow(ChatWindow *self, gboolean narrow)
{
    gtk_widget_set_visible(self->rooms_toggle, narrow);
    gtk_widget_set_visible(self->rooms_spacer, !narrow);
    gtk_revealer_set_transition_type(self->rooms_revealer,
                                     narrow ? GTK_REVEALER_TRANSITION_TYPE_SLIDE_RIGHT
                                            : GTK_REVEALER_TRANSITION_TYPE_NONE);
    gtk_revealer_set_reveal_child(self->rooms_revealer, !narrow);
    gtk_widget_set_visible(GTK_WIDGET(self->rooms_revealer), !narrow);
    GtkStyleContext *style = gtk_widget_get_style_context(GTK_WIDGET(self->rooms_revealer));
    if (narrow)
        gtk_style_context_add_class(style, "panel");
    else
        gtk_style_context_remove_class(style, "panel");
    GAction *action = g_action_map_lookup_action(G_ACTION_MAP(self), "show-rooms");
    g_simple_action_set_state(G_SIMPLE_ACTION(action), g_variant_new_boolean(!narrow));
}

/* Wires the sidebar, the room actions and the lobby's conversation. */
void window_rooms_init(ChatWindow *self)
{
    static const GActionEntry entries[] = {
        { "previous-room", on_previous_room, NULL, NULL, NULL, { 0 } },
        { "next-room", on_next_room, NULL, NULL, NULL, { 0 } },
        { "find-room", on_find_room, NULL, NULL, NULL, { 0 } },
        { "open-room", on_open_room, "u", NULL, NULL, { 0 } },
        { "show-rooms", NULL, NULL, "true", on_show_rooms_change, { 0 } },
    };
    g_action_map_add_action_entries(G_ACTION_MAP(self), entries, G_N_ELEMENTS(entries), self);
    self->lists = g_hash_table_new(g_direct_hash, g_direct_equal);
    GListModel *rooms = chat_session_get_rooms(self->session);
    chat_room_sidebar_set_model(self->room_sidebar, rooms);
    g_signal_connect_object(rooms, "items-changed", G_CALLBACK(on_rooms_changed), self, 0);
    g_signal_connect(self->room_sidebar, "room-activated", G_CALLBACK(on_room_activated), self);
    g_signal_connect_swapped(self, "notify::is-active", G_CALLBACK(on_active_changed), self);
    window_set_accessible_name(self->rooms_toggle, _("Rooms"));
    window_rooms_show(self, 0);
}

/* Frees the rooms part (dispose). */
void window_rooms_dispose(ChatWindow *self)
{
    g_clear_pointer(&self->lists, g_hash_table_unref);
    g_clear_pointer(&self->dm_draft, g_free);
}
