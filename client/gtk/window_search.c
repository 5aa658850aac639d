/* ChatWindow, search: Ctrl+F opens a search bar over the conversation; Enter in it asks
 * the server (chat_session_search, every room the account is in) and lists the matches
 * below it, best first: who, where, when and the text around the match with the
 * matching words in bold (everything from the network shown literally). Down in the
 * entry moves to the matches. Activating a
 * match shows its room and brings the message into view (window_reveal.c: loading the
 * history before it when it is not loaded yet).
 * Escape (or Ctrl+F again) closes the bar. */
#include "client/gtk/window_private.h"

#include <glib/gi18n.h>

#include "client/gtk/format.h"
#include "common/safe_text.h"

/* At most this many matches are asked for. */
#define SEARCH_LIMIT 30
/* The list of matches grows to this height, then scrolls. */
#define RESULTS_MAX_HEIGHT 280

#define RESULT_ROOM "chat-search-room"
#define RESULT_MESSAGE "chat-search-message"

/* The snippet as markup: each piece written out safely, the matches in bold. */
static char *snippet_markup(const char *snippet)
{
    GString *markup = g_string_new(NULL);
    gboolean inside = FALSE;
    const char *start = snippet;
    for (const char *p = snippet;; p++) {
        if (*p != '\0' && *p != CHAT_SNIPPET_MARK_START && *p != CHAT_SNIPPET_MARK_END)
            continue;
        char *piece = safe_text(start, p - start, SAFE_TEXT_ONE_LINE);
        char *escaped = g_markup_escape_text(piece, -1);
        g_string_append_printf(markup, inside ? "<b>%s</b>" : "%s", escaped);
        g_free(escaped);
        g_free(piece);
        if (*p == '\0')
            break;
        inside = *p == CHAT_SNIPPET_MARK_START;
        start = p + 1;
    }
    return g_string_free(markup, FALSE);
}

/* The snippet without its marks (for screen readers). */
static char *snippet_plain(const char *snippet)
{
    GString *copy = g_string_new(NULL);
    for (const char *p = snippet; *p != '\0'; p++)
        if (*p != CHAT_SNIPPET_MARK_START && *p != CHAT_SNIPPET_MARK_END)
            g_string_append_c(copy, *p);
    char *plain = safe_text(copy->str, (gssize)copy->len, SAFE_TEXT_ONE_LINE);
    g_string_free(copy, TRUE);
    return plain;
}

static void clear_results(ChatWindow *self)
{
    GList *rows = gtk_container_get_children(GTK_CONTAINER(self->search_results));
    for (GList *r = rows; r != NULL; r = r->next)
        gtk_widget_destroy(r->data);
    g_list_free(rows);
}

/* A line in the list that is no match ("No messages found", a refusal). */
static void add_note(ChatWindow *self, const char *text)
{
    GtkWidget *label = gtk_label_new(text);
    gtk_label_set_line_wrap(GTK_LABEL(label), TRUE);
    gtk_label_set_xalign(GTK_LABEL(label), 0);
    gtk_widget_set_margin_start(label, 12);
    gtk_widget_set_margin_top(label, 6);
    gtk_widget_set_margin_bottom(label, 6);
    GtkWidget *row = gtk_list_box_row_new();
    gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), FALSE);
    gtk_container_add(GTK_CONTAINER(row), label);
    atk_object_set_name(gtk_widget_get_accessible(row), text);
    gtk_widget_show_all(row);
    gtk_container_add(GTK_CONTAINER(self->search_results), row);
    gtk_revealer_set_reveal_child(GTK_REVEALER(self->search_results_revealer), TRUE);
}

static void on_result(ChatSession *session, ChatSearchResult *result, ChatWindow *self)
{
    (void)session;
    if (result->request_id != self->search_request)
        return;
    char *sender = safe_text(result->sender, -1, SAFE_TEXT_ISOLATE);
    char *room = window_rooms_title(self, result->room_id);
    char *shown_room = safe_text(room, -1, SAFE_TEXT_ONE_LINE);
    char *day = format_day(result->time_ms, g_get_real_time() / 1000);
    char *clock = format_clock(result->time_ms);
    char *heading = g_strdup_printf(_("%s in %s, %s %s"), sender, shown_room, day, clock);
    char *markup = snippet_markup(result->snippet);
    char *plain = snippet_plain(result->snippet);
    char *spoken = g_strdup_printf(_("%s: %s"), heading, plain);

    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
    GtkWidget *top = gtk_label_new(heading);
    gtk_label_set_xalign(GTK_LABEL(top), 0);
    gtk_label_set_ellipsize(GTK_LABEL(top), PANGO_ELLIPSIZE_END);
    gtk_style_context_add_class(gtk_widget_get_style_context(top), "dim-label");
    GtkWidget *text = gtk_label_new(NULL);
    gtk_label_set_markup(GTK_LABEL(text), markup);
    gtk_label_set_xalign(GTK_LABEL(text), 0);
    gtk_label_set_line_wrap(GTK_LABEL(text), TRUE);
    gtk_label_set_line_wrap_mode(GTK_LABEL(text), PANGO_WRAP_WORD_CHAR);
    gtk_container_add(GTK_CONTAINER(box), top);
    gtk_container_add(GTK_CONTAINER(box), text);
    g_object_set(box, "margin", 6, "margin-start", 12, NULL);
    GtkWidget *row = gtk_list_box_row_new();
    gtk_container_add(GTK_CONTAINER(row), box);
    g_object_set_data(G_OBJECT(row), RESULT_ROOM, GUINT_TO_POINTER(result->room_id));
    g_object_set_data_full(G_OBJECT(row), RESULT_MESSAGE,
                           g_memdup2(&result->message_id, sizeof result->message_id), g_free);
    atk_object_set_name(gtk_widget_get_accessible(row), spoken);
    gtk_widget_show_all(row);
    gtk_container_add(GTK_CONTAINER(self->search_results), row);
    gtk_revealer_set_reveal_child(GTK_REVEALER(self->search_results_revealer), TRUE);
    self->search_found++;

    g_free(spoken);
    g_free(plain);
    g_free(markup);
    g_free(heading);
    g_free(clock);
    g_free(day);
    g_free(shown_room);
    g_free(room);
    g_free(sender);
}

static void on_request_done(ChatSession *session, guint64 id, const char *what,
                            ChatWindow *self)
{
    (void)session;
    (void)what;
    if (id != self->search_request || id == 0)
        return;
    window_message_actions_forget(self, id);
    self->search_request = 0;
    if (self->search_found == 0)
        add_note(self, _("No messages found."));
}

static void on_request_failed(ChatSession *session, guint64 id, guint code, const char *message,
                              ChatWindow *self)
{
    (void)session;
    (void)code;
    if (id != self->search_request || id == 0)
        return;
    window_message_actions_forget(self, id);
    self->search_request = 0;
    char *text = g_strdup_printf(_("Search failed: %s"), message);
    add_note(self, text);
    g_free(text);
}

/* Enter in the search entry: a new search replaces the list. */
static void on_search_activate(GtkEntry *entry, ChatWindow *self)
{
    clear_results(self);
    self->search_found = 0;
    GError *error = NULL;
    self->search_request = chat_session_search(self->session, CHAT_SEARCH_ALL_ROOMS,
                                               gtk_entry_get_text(entry), SEARCH_LIMIT, &error);
    if (self->search_request == 0) {
        char *text = g_strdup_printf(_("Search failed: %s"), error->message);
        add_note(self, text);
        g_free(text);
        g_error_free(error);
        return;
    }
    window_message_actions_track(self, self->search_request);
}

/* A match chosen: its room on screen, the focus on the message, loaded with the history
 * before it if need be. */
static void on_result_activated(GtkListBox *box, GtkListBoxRow *row, ChatWindow *self)
{
    (void)box;
    guint64 *message_id = g_object_get_data(G_OBJECT(row), RESULT_MESSAGE);
    if (message_id == NULL)
        return;
    guint32 room_id = GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(row), RESULT_ROOM));
    if (chat_session_find_room(self->session, room_id) == NULL)
        return;
    gtk_search_bar_set_search_mode(self->search_bar, FALSE);
    gtk_widget_grab_focus(GTK_WIDGET(self->message_view));
    window_reveal_message(self, room_id, *message_id, TRUE);
}

/* Down in the entry moves to the first match (then arrows walk the list). */
static gboolean on_entry_key(GtkWidget *entry, GdkEventKey *event, ChatWindow *self)
{
    (void)entry;
    if (event->keyval != GDK_KEY_Down && event->keyval != GDK_KEY_KP_Down)
        return GDK_EVENT_PROPAGATE;
    GtkListBoxRow *first = gtk_list_box_get_row_at_index(self->search_results, 0);
    if (first == NULL)
        return GDK_EVENT_PROPAGATE;
    gtk_widget_grab_focus(GTK_WIDGET(first));
    return GDK_EVENT_STOP;
}

/* Closing the bar takes the matches with it. */
static void on_search_mode(ChatWindow *self)
{
    if (gtk_search_bar_get_search_mode(self->search_bar))
        return;
    clear_results(self);
    gtk_revealer_set_reveal_child(GTK_REVEALER(self->search_results_revealer), FALSE);
}

/* The search bar's own close button (internal to it) gets a name for screen readers. */
static void name_close_button(GtkWidget *widget, gpointer data)
{
    if (GTK_IS_BUTTON(widget)) {
        window_set_accessible_name(widget, _("Close the search"));
        gtk_widget_set_tooltip_text(widget, _("Close the search (Escape)"));
    } else if (GTK_IS_CONTAINER(widget)) {
        gtk_container_forall(GTK_CONTAINER(widget), name_close_button, data);
    }
}

/* Ctrl+F: opens the bar (focus in its entry), or closes it. */
static void on_search_action(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    ChatWindow *self = data;
    if (g_strcmp0(gtk_stack_get_visible_child_name(self->stack), "chat") != 0)
        return;
    gboolean open = !gtk_search_bar_get_search_mode(self->search_bar);
    gtk_search_bar_set_search_mode(self->search_bar, open);
    if (open) {
        /* Realized now: the release of the keys that opened it goes to the entry. */
        gtk_widget_realize(GTK_WIDGET(self->search_entry));
        gtk_widget_grab_focus(GTK_WIDGET(self->search_entry));
    }
    else
        gtk_widget_grab_focus(GTK_WIDGET(self->message_view));
}

/* Builds the bar and its list above the conversation. */
void window_search_init(ChatWindow *self)
{
    GtkWidget *entry = gtk_search_entry_new();
    gtk_entry_set_placeholder_text(GTK_ENTRY(entry), _("Search messages, then Enter"));
    gtk_entry_set_width_chars(GTK_ENTRY(entry), 20);
    window_set_accessible_name(entry, _("Search messages"));
    GtkWidget *bar = gtk_search_bar_new();
    gtk_container_add(GTK_CONTAINER(bar), entry);
    gtk_search_bar_connect_entry(GTK_SEARCH_BAR(bar), GTK_ENTRY(entry));
    gtk_search_bar_set_show_close_button(GTK_SEARCH_BAR(bar), TRUE);
    name_close_button(bar, NULL);
    GtkWidget *results = gtk_list_box_new();
    gtk_list_box_set_selection_mode(GTK_LIST_BOX(results), GTK_SELECTION_NONE);
    window_set_accessible_name(results, _("Search results"));
    GtkWidget *scroller = gtk_scrolled_window_new(NULL, NULL);
    gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scroller), GTK_POLICY_NEVER,
                                   GTK_POLICY_AUTOMATIC);
    gtk_scrolled_window_set_propagate_natural_height(GTK_SCROLLED_WINDOW(scroller), TRUE);
    gtk_scrolled_window_set_max_content_height(GTK_SCROLLED_WINDOW(scroller),
                                               RESULTS_MAX_HEIGHT);
    gtk_container_add(GTK_CONTAINER(scroller), results);
    GtkWidget *revealer = gtk_revealer_new();
    gtk_container_add(GTK_CONTAINER(revealer), scroller);
    gtk_style_context_add_class(gtk_widget_get_style_context(revealer), "search-results");
    gtk_widget_show_all(bar);
    gtk_widget_show_all(revealer);

    GtkWidget *row_box = gtk_widget_get_parent(GTK_WIDGET(self->conversations));
    GtkWidget *overlay = gtk_widget_get_parent(row_box);
    GtkWidget *page = gtk_widget_get_parent(overlay);
    int position;
    gtk_container_child_get(GTK_CONTAINER(page), overlay, "position", &position, NULL);
    gtk_box_pack_start(GTK_BOX(page), bar, FALSE, FALSE, 0);
    gtk_box_reorder_child(GTK_BOX(page), bar, position);
    gtk_box_pack_start(GTK_BOX(page), revealer, FALSE, FALSE, 0);
    gtk_box_reorder_child(GTK_BOX(page), revealer, position + 1);
    self->search_bar = GTK_SEARCH_BAR(bar);
    self->search_entry = GTK_ENTRY(entry);
    self->search_results = GTK_LIST_BOX(results);
    self->search_results_revealer = revealer;

    static const GActionEntry actions[] = {
        { "search", on_search_action, NULL, NULL, NULL, { 0 } },
    };
    g_action_map_add_action_entries(G_ACTION_MAP(self), actions, G_N_ELEMENTS(actions), self);
    g_signal_connect(entry, "activate", G_CALLBACK(on_search_activate), self);
    g_signal_connect(entry, "key-press-event", G_CALLBACK(on_entry_key), self);
    g_signal_connect(results, "row-activated", G_CALLBACK(on_result_activated), self);
    g_signal_connect_swapped(bar, "notify::search-mode-enabled", G_CALLBACK(on_search_mode),
                             self);
    g_signal_connect(self->session, "search-result", G_CALLBACK(on_result), self);
    g_signal_connect(self->session, "request-done", G_CALLBACK(on_request_done), self);
    g_signal_connect(self->session, "request-failed", G_CALLBACK(on_request_failed), self);
}
