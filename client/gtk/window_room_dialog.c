/* ChatWindow, the room dialog (Ctrl+N, the sidebar's + button, the main menu): join a
 * room from the list of public ones (name, member count, topic) or create one (name,
 * public or private, topic); refusals show in words inside the dialog. The main menu's
 * Invite to Room and Leave Room act on the room on screen. */
#include "client/gtk/window_private.h"

#include <glib/gi18n.h>

#include "common/safe_text.h"

typedef struct {
    ChatWindow *window;
    GtkWidget *dialog;
    GtkListBox *rooms;
    GtkLabel *status;   /* "Loading rooms…", "No public rooms yet", or a refusal */
    GtkEntry *name;
    GtkEntry *topic;
    GtkToggleButton *private_room;
    guint64 list_request;
    guint64 action_request; /* the create or join in flight */
    char *action_name;      /* the room it names */
} RoomDialog;

#define ROW_NAME "chat-room-name"

static void room_dialog_free(gpointer data)
{
    RoomDialog *d = data;
    d->window->quiet_request = 0;
    g_free(d->action_name);
    g_free(d);
}

static void set_status(RoomDialog *d, const char *text, gboolean problem)
{
    gtk_label_set_text(d->status, text);
    gtk_widget_set_visible(GTK_WIDGET(d->status), text != NULL);
    AtkObject *a11y = gtk_widget_get_accessible(GTK_WIDGET(d->status));
    atk_object_set_role(a11y, problem ? ATK_ROLE_ALERT : ATK_ROLE_LABEL);
}

/* "general, 12 members: Anything goes" as a row: the name, the count, the topic. */
static GtkWidget *listed_row_new(ChatRoom *room)
{
    char *name = safe_text(chat_room_get_name(room), -1, SAFE_TEXT_ONE_LINE);
    char *topic = safe_text(chat_room_get_topic(room), -1, SAFE_TEXT_ONE_LINE);
    guint count = chat_room_get_member_count(room);
    char *members = g_strdup_printf(g_dngettext(NULL, "%u member", "%u members", count), count);
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
    GtkWidget *label = gtk_label_new(NULL);
    char *markup = g_markup_printf_escaped("<b>#%s</b>  %s", name, topic);
    gtk_label_set_markup(GTK_LABEL(label), markup);
    g_free(markup);
    gtk_label_set_xalign(GTK_LABEL(label), 0);
    gtk_label_set_ellipsize(GTK_LABEL(label), PANGO_ELLIPSIZE_END);
    GtkWidget *count_label = gtk_label_new(members);
    gtk_style_context_add_class(gtk_widget_get_style_context(count_label), "dim-label");
    gtk_box_pack_start(GTK_BOX(box), label, TRUE, TRUE, 0);
    gtk_box_pack_end(GTK_BOX(box), count_label, FALSE, FALSE, 0);
    GtkWidget *row = gtk_list_box_row_new();
    gtk_container_set_border_width(GTK_CONTAINER(row), 6);
    gtk_container_add(GTK_CONTAINER(row), box);
    char *spoken = *topic ? g_strdup_printf(_("%s, %s: %s"), name, members, topic)
                          : g_strdup_printf(_("%s, %s"), name, members);
    atk_object_set_name(gtk_widget_get_accessible(row), spoken);
    g_object_set_data_full(G_OBJECT(row), ROW_NAME, g_strdup(chat_room_get_name(room)), g_free);
    gtk_widget_show_all(row);
    g_free(spoken);
    g_free(members);
    g_free(topic);
    g_free(name);
    return row;
}

static RoomDialog *dialog_data(GtkWidget *dialog)
{
    return g_object_get_data(G_OBJECT(dialog), "chat-room-dialog");
}

static void on_room_listed(ChatSession *session, guint64 request_id, ChatRoom *room,
                           GtkWidget *dialog)
{
    (void)session;
    RoomDialog *d = dialog_data(dialog);
    if (request_id != d->list_request || chat_room_get_joined(room) ||
        chat_room_get_kind(room) != CHAT_ROOM_PUBLIC)
        return;
    gtk_container_add(GTK_CONTAINER(d->rooms), listed_row_new(room));
}

/* Asks the session to create or join (by the dialog's fields); refusals before sending
 * show at once. */
static void start_request(RoomDialog *d, const char *name, gboolean create)
{
    ChatSession *session = d->window->session;
    GError *error = NULL;
    guint64 id = create ? chat_session_create_room(session, name,
                                                   gtk_toggle_button_get_active(d->private_room)
                                                       ? CHAT_ROOM_PRIVATE : CHAT_ROOM_PUBLIC,
                                                   gtk_entry_get_text(d->topic), &error)
                        : chat_session_join_room(session, name, &error);
    if (id == 0) {
        set_status(d, error->message, TRUE);
        g_error_free(error);
        return;
    }
    d->action_request = id;
    d->window->quiet_request = id;
    g_free(d->action_name);
    d->action_name = g_strdup(name);
    set_status(d, create ? _("Creating the room\u2026") : _("Joining\u2026"), FALSE);
}

static void on_row_activated(GtkListBox *list, GtkListBoxRow *row, RoomDialog *d)
{
    (void)list;
    start_request(d, g_object_get_data(G_OBJECT(row), ROW_NAME), FALSE);
}

static void on_create(RoomDialog *d)
{
    start_request(d, gtk_entry_get_text(d->name), TRUE);
}

static void on_request_done(ChatSession *session, guint64 id, const char *what,
                            GtkWidget *dialog)
{
    RoomDialog *d = dialog_data(dialog);
    if (id == d->list_request) {
        d->list_request = 0;
        gboolean none = gtk_list_box_get_row_at_index(d->rooms, 0) == NULL;
        set_status(d, none ? _("No public rooms to join yet: create one.") : NULL, FALSE);
        return;
    }
    if (id != d->action_request)
        return;
    ChatWindow *window = d->window;
    char *label = g_strdup_printf("#%s", d->action_name);
    ChatRoom *room = chat_session_find_room_named(session, label);
    g_free(label);
    window_notice(window, what);
    gtk_widget_destroy(d->dialog); /* frees d */
    if (room != NULL)
        window_rooms_show(window, chat_room_get_id(room));
}

static void on_request_failed(ChatSession *session, guint64 id, guint code,
                              const char *message, GtkWidget *dialog)
{
    (void)session;
    RoomDialog *d = dialog_data(dialog);
    (void)code;
    if (id != d->list_request && id != d->action_request)
        return;
    set_status(d, message, TRUE);
}

/* The Join page: the public rooms one is not in yet. */
static GtkWidget *join_page_new(RoomDialog *d)
{
    GtkWidget *scroller = gtk_scrolled_window_new(NULL, NULL);
    gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scroller), GTK_POLICY_NEVER,
                                   GTK_POLICY_AUTOMATIC);
    gtk_scrolled_window_set_min_content_height(GTK_SCROLLED_WINDOW(scroller), 180);
    gtk_widget_set_vexpand(scroller, TRUE);
    d->rooms = GTK_LIST_BOX(gtk_list_box_new());
    gtk_list_box_set_activate_on_single_click(d->rooms, TRUE);
    window_set_accessible_name(GTK_WIDGET(d->rooms), _("Public rooms"));
    g_signal_connect(d->rooms, "row-activated", G_CALLBACK(on_row_activated), d);
    gtk_container_add(GTK_CONTAINER(scroller), GTK_WIDGET(d->rooms));
    return scroller;
}

static GtkEntry *labelled_entry(GtkGrid *grid, int row, const char *text)
{
    GtkWidget *label = gtk_label_new_with_mnemonic(text);
    gtk_label_set_xalign(GTK_LABEL(label), 0);
    GtkWidget *entry = gtk_entry_new();
    gtk_widget_set_hexpand(entry, TRUE);
    gtk_label_set_mnemonic_widget(GTK_LABEL(label), entry);
    gtk_grid_attach(grid, label, 0, row, 1, 1);
    gtk_grid_attach(grid, entry, 1, row, 1, 1);
    return GTK_ENTRY(entry);
}

/* The Create page: name, topic, private, and the Create button. */
static GtkWidget *create_page_new(RoomDialog *d)
{
    GtkGrid *grid = GTK_GRID(gtk_grid_new());
    gtk_grid_set_row_spacing(grid, 8);
    gtk_grid_set_column_spacing(grid, 12);
    d->name = labelled_entry(grid, 0, _("_Name"));
    window_set_accessible_name(GTK_WIDGET(d->name), _("Room name"));
    d->topic = labelled_entry(grid, 1, _("_Topic"));
    window_set_accessible_name(GTK_WIDGET(d->topic), _("Topic"));
    GtkWidget *check = gtk_check_button_new_with_mnemonic(_("_Private: only people you invite "
                                                            "can join"));
    d->private_room = GTK_TOGGLE_BUTTON(check);
    gtk_grid_attach(grid, check, 0, 2, 2, 1);
    GtkWidget *create = gtk_button_new_with_mnemonic(_("C_reate Room"));
    gtk_widget_set_halign(create, GTK_ALIGN_END);
    gtk_style_context_add_class(gtk_widget_get_style_context(create), "suggested-action");
    g_signal_connect_swapped(create, "clicked", G_CALLBACK(on_create), d);
    g_signal_connect_swapped(d->name, "activate", G_CALLBACK(on_create), d);
    gtk_grid_attach(grid, create, 0, 3, 2, 1);
    return GTK_WIDGET(grid);
}

/* Opens the dialog and asks for the list of rooms. */
static void on_add_room(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    ChatWindow *self = data;
    RoomDialog *d = g_new0(RoomDialog, 1);
    d->window = self;
    d->dialog = gtk_dialog_new_with_buttons(_("New or Join Room"), GTK_WINDOW(self),
                                            GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                            _("_Close"), GTK_RESPONSE_CLOSE, NULL);
    gtk_window_set_default_size(GTK_WINDOW(d->dialog), 420, 360);
    g_object_set_data_full(G_OBJECT(d->dialog), "chat-room-dialog", d, room_dialog_free);
    GtkWidget *stack = gtk_stack_new();
    gtk_stack_add_titled(GTK_STACK(stack), join_page_new(d), "join", _("Join"));
    gtk_stack_add_titled(GTK_STACK(stack), create_page_new(d), "create", _("Create"));
    GtkWidget *switcher = gtk_stack_switcher_new();
    gtk_stack_switcher_set_stack(GTK_STACK_SWITCHER(switcher), GTK_STACK(stack));
    gtk_widget_set_halign(switcher, GTK_ALIGN_CENTER);
    d->status = GTK_LABEL(gtk_label_new(NULL));
    gtk_label_set_line_wrap(d->status, TRUE);
    gtk_label_set_xalign(d->status, 0);
    window_set_accessible_name(GTK_WIDGET(d->status), _("Room status"));
    GtkBox *content = GTK_BOX(gtk_dialog_get_content_area(GTK_DIALOG(d->dialog)));
    gtk_container_set_border_width(GTK_CONTAINER(content), 12);
    gtk_box_set_spacing(content, 10);
    gtk_box_pack_start(content, switcher, FALSE, FALSE, 0);
    gtk_box_pack_start(content, stack, TRUE, TRUE, 0);
    gtk_box_pack_start(content, GTK_WIDGET(d->status), FALSE, FALSE, 0);
    g_signal_connect(d->dialog, "response", G_CALLBACK(gtk_widget_destroy), NULL);
    g_signal_connect_object(self->session, "room-listed", G_CALLBACK(on_room_listed),
                            d->dialog, 0);
    g_signal_connect_object(self->session, "request-done", G_CALLBACK(on_request_done),
                            d->dialog, 0);
    g_signal_connect_object(self->session, "request-failed", G_CALLBACK(on_request_failed),
                            d->dialog, 0);
    gtk_widget_show_all(d->dialog);
    GError *error = NULL;
    d->list_request = chat_session_request_room_list(self->session, &error);
    self->quiet_request = d->list_request;
    if (d->list_request == 0) {
        set_status(d, error->message, TRUE);
        g_error_free(error);
        gtk_stack_set_visible_child_name(GTK_STACK(stack), "create");
    } else {
        set_status(d, _("Loading the public rooms\u2026"), FALSE);
    }
    gtk_window_present(GTK_WINDOW(d->dialog));
}

/* Invite to Room: asks for a name, then invites that account into the room on screen. */
static void on_invite_response(GtkDialog *dialog, int response, ChatWindow *self)
{
    ChatRoom *room = window_rooms_current(self);
    if (response == GTK_RESPONSE_ACCEPT && room != NULL) {
        GError *error = NULL;
        char *name = g_strstrip(g_strdup(window_form_get(dialog, 0)));
        if (chat_session_invite_to_room(self->session, chat_room_get_id(room), name,
                                        &error) == 0) {
            window_problem(self, error->message);
            g_error_free(error);
        }
        g_free(name);
    }
    gtk_widget_destroy(GTK_WIDGET(dialog));
}

static void on_invite_to_room(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    ChatWindow *self = data;
    ChatRoom *room = window_rooms_current(self);
    if (room == NULL || chat_room_get_kind(room) == CHAT_ROOM_DIRECT) {
        window_problem(self, _("Open a room first: invitations are to a room."));
        return;
    }
    static const char *fields[] = { N_("Username"), NULL };
    const char *shown[] = { _(fields[0]), NULL };
    char *name = safe_text(chat_room_get_name(room), -1, SAFE_TEXT_ONE_LINE);
    char *title = g_strdup_printf(_("Invite to %s"), name);
    g_free(name);
    GtkWidget *dialog = window_form_new(self, title, _("_Invite"), shown, FALSE);
    g_free(title);
    g_signal_connect(dialog, "response", G_CALLBACK(on_invite_response), self);
    gtk_widget_show_all(dialog);
}

/* Leave Room: the room on screen (never the lobby); the lobby shows once it is gone. */
static void on_leave_room(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    ChatWindow *self = data;
    ChatRoom *room = window_rooms_current(self);
    GError *error = NULL;
    if (room == NULL)
        return;
    if (chat_session_leave_room(self->session, chat_room_get_id(room), &error) == 0) {
        window_problem(self, error->message);
        g_error_free(error);
    }
}

/* Wires the room actions. */
void window_room_dialog_init(ChatWindow *self)
{
    static const GActionEntry entries[] = {
        { "add-room", on_add_room, NULL, NULL, NULL, { 0 } },
        { "invite-to-room", on_invite_to_room, NULL, NULL, NULL, { 0 } },
        { "leave-room", on_leave_room, NULL, NULL, NULL, { 0 } },
    };
    g_action_map_add_action_entries(G_ACTION_MAP(self), entries, G_N_ELEMENTS(entries), self);
}
