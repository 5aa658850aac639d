/* Widget tests: the conversation's list logic on a real ChatMessageList. Grouping,
 * the row cap, bubbles following their ChatMessage (pending -> sent / failed, read,
 * edited, deleted, reactions, replies), file rows, and following new messages only
 * when the view is at the bottom. The session's setters (session_private.h) play the
 * server's part. */
#include <gtk/gtk.h>

#include "client/core/session_private.h"
#include "client/gtk/format.h"
#include "client/gtk/message_list.h"
#include "tests/widget/widget_util.h"

#define T0 1700000000000 /* a fixed time, ms */

static ChatMessageList *new_list(void)
{
    ChatMessageList *list = CHAT_MESSAGE_LIST(chat_message_list_new());
    g_object_ref_sink(list);
    return list;
}

static ChatBubble *add_text(ChatMessageList *list, const char *sender, const char *text,
                            gint64 time_ms, gboolean own, guint64 client_id)
{
    (void)client_id;
    ChatMessage *msg = chat_message_new(1, 0, sender, text, time_ms, own);
    ChatBubble *bubble = chat_message_list_add_message(list, msg);
    g_object_unref(msg);
    return bubble;
}

/* An own text as the session makes it when sent: PENDING until settled. */
static ChatMessage *pending_text(const char *text, guint64 client_id)
{
    return message_new_pending(0, "me", text, client_id, 0);
}

static ChatBubble *add_pending(ChatMessageList *list, ChatMessage *msg)
{
    ChatBubble *bubble = chat_message_list_add_message(list, msg);
    g_object_unref(msg); /* the bubble holds it */
    return bubble;
}

static const char *description_of(ChatBubble *bubble)
{
    return atk_object_get_description(gtk_widget_get_accessible(GTK_WIDGET(bubble)));
}

static ChatBubble *bubble_at(ChatMessageList *list, int index)
{
    GtkListBoxRow *row = gtk_list_box_get_row_at_index(chat_message_list_get_list_box(list), index);
    g_assert_true(CHAT_IS_BUBBLE(row));
    return CHAT_BUBBLE(row);
}

static gboolean name_shown(ChatBubble *bubble)
{
    GtkLabel *name = find_label_with_class(GTK_WIDGET(bubble), "sender");
    return gtk_widget_get_visible(GTK_WIDGET(name));
}

static void test_grouping(void)
{
    ChatMessageList *list = new_list();
    ChatBubble *a1 = add_text(list, "alice", "one", T0, FALSE, 0);
    ChatBubble *a2 = add_text(list, "alice", "two", T0 + 1000, FALSE, 0);
    ChatBubble *a3 = add_text(list, "alice", "three", T0 + 2000, FALSE, 0);
    ChatBubble *b1 = add_text(list, "bob", "hi", T0 + 3000, FALSE, 0);
    ChatBubble *a4 = add_text(list, "alice", "back", T0 + 4000, FALSE, 0);
    ChatBubble *a5 = add_text(list, "alice", "much later", T0 + 4000 + CHAT_MESSAGE_LIST_GROUP_MS,
                              FALSE, 0);
    chat_message_list_add_notice(list, "bob left");
    ChatBubble *a6 = add_text(list, "alice", "after notice", T0 + 4000 + CHAT_MESSAGE_LIST_GROUP_MS,
                              FALSE, 0);
    g_assert_false(chat_bubble_get_grouped(a1));
    g_assert_true(chat_bubble_get_grouped(a2));
    g_assert_true(chat_bubble_get_grouped(a3));
    g_assert_false(chat_bubble_get_grouped(b1));
    g_assert_false(chat_bubble_get_grouped(a4));
    g_assert_false(chat_bubble_get_grouped(a5));
    g_assert_false(chat_bubble_get_grouped(a6));
    /* The name shows once per group. */
    g_assert_true(name_shown(a1));
    g_assert_false(name_shown(a2));
    g_assert_true(name_shown(b1));
    /* Seven bubbles, the notice and the date separator heading them. */
    g_assert_cmpuint(chat_message_list_get_n_rows(list), ==, 9);
    g_object_unref(list);
}

static void test_own_and_other_do_not_group(void)
{
    ChatMessageList *list = new_list();
    add_text(list, "alice", "mine", T0, TRUE, 0);
    ChatBubble *theirs = add_text(list, "alice", "same name, other side", T0 + 1, FALSE, 0);
    ChatBubble *mine = add_pending(list, message_new_pending(0, "alice", "pending", 5, 0));
    g_assert_false(chat_bubble_get_grouped(theirs));
    g_assert_false(chat_bubble_get_grouped(mine));
    g_object_unref(list);
}

static void test_row_cap(void)
{
    ChatMessageList *list = new_list();
    chat_message_list_set_max_rows(list, 10);
    for (int i = 0; i < 25; i++) {
        char text[16];
        g_snprintf(text, sizeof text, "m%d", i);
        add_text(list, "alice", text, T0 + i, FALSE, 0);
    }
    g_assert_cmpuint(chat_message_list_get_n_rows(list), ==, 10);
    GList *rows = gtk_container_get_children(GTK_CONTAINER(chat_message_list_get_list_box(list)));
    g_assert_cmpuint(g_list_length(rows), ==, 10);
    g_list_free(rows);
    ChatBubble *first = bubble_at(list, 0);
    g_assert_cmpstr(chat_bubble_get_text(first), ==, "m15");
    /* The oldest kept bubble heads its group again: it shows the name. */
    g_assert_false(chat_bubble_get_grouped(first));
    g_assert_true(name_shown(first));
    g_assert_cmpstr(chat_bubble_get_text(bubble_at(list, 9)), ==, "m24");
    /* Lowering the cap trims at once. */
    chat_message_list_set_max_rows(list, 3);
    g_assert_cmpuint(chat_message_list_get_n_rows(list), ==, 3);
    g_assert_cmpstr(chat_bubble_get_text(bubble_at(list, 0)), ==, "m22");
    g_object_unref(list);
}

static void test_pending_then_sent(void)
{
    ChatMessageList *list = new_list();
    ChatMessage *msg = pending_text("hello 👋", 42);
    ChatBubble *pending = add_pending(list, msg);
    g_assert_cmpstr(description_of(pending), ==, "sending");
    GtkLabel *status = find_label_with_class(GTK_WIDGET(pending), "status");
    g_assert_true(g_str_has_suffix(gtk_label_get_text(status), "sending"));
    /* Someone else's message in between changes nothing about it. */
    add_text(list, "bob", "hey", T0, FALSE, 0);
    message_set_sent(msg, 5, T0 + 5, 0, "me", 1);
    g_assert_cmpstr(description_of(pending), ==, "sent");
    g_assert_cmpint(chat_bubble_get_time(pending), ==, T0 + 5);
    g_assert_cmpstr(gtk_label_get_text(status), ==, "\u2713");
    /* Both now of T0's day: one separator heads them (the pending one's "Today" went). */
    g_assert_cmpuint(chat_message_list_get_n_rows(list), ==, 3);
    /* The session reports the settled object: it keeps its one row. */
    g_assert_true(chat_message_list_add_message(list, msg) == pending);
    g_assert_cmpuint(chat_message_list_get_n_rows(list), ==, 3);
    /* Read by bob: two ticks, and the words. */
    message_add_reader(msg, "bob");
    g_assert_cmpstr(gtk_label_get_text(status), ==, "\u2713\u2713");
    g_assert_cmpstr(description_of(pending), ==, "read by bob");
    message_add_reader(msg, "carol");
    g_assert_cmpstr(description_of(pending), ==, "read by 2 people");
    g_object_unref(list);
}

static void test_pending_then_failed(void)
{
    ChatMessageList *list = new_list();
    ChatMessage *msg = pending_text("too much", 7);
    ChatBubble *pending = add_pending(list, msg);
    message_set_failed(msg, CHAT_SESSION_ERROR_INVALID, "text too long");
    g_assert_cmpint(chat_message_get_state(msg), ==, CHAT_MESSAGE_FAILED);
    g_assert_true(g_error_matches(chat_message_get_error(msg), CHAT_SESSION_ERROR,
                                  CHAT_SESSION_ERROR_INVALID));
    GtkLabel *status = find_label_with_class(GTK_WIDGET(pending), "status");
    g_assert_nonnull(strstr(gtk_label_get_text(status), "text too long"));
    g_assert_cmpstr(description_of(pending), ==, "not sent: text too long");
    g_object_unref(list);
}

/* Edits, deletion, reactions and a reply's quote follow the message. */
static void test_bubble_follows_message(void)
{
    ChatMessageList *list = new_list();
    ChatMessage *first = chat_message_new(10, 0, "bob", "lunch at noon?", T0, FALSE);
    ChatMessage *reply = message_new_sent(11, 0, "alice", 2, "yes", T0 + 1, FALSE, 0, 10);
    ChatBubble *bubble = chat_message_list_add_message(list, first);
    ChatBubble *answer = chat_message_list_add_message(list, reply);
    GtkLabel *text = find_label_with_class(GTK_WIDGET(bubble), "text");
    GtkLabel *edited = find_label_with_class(GTK_WIDGET(bubble), "edited");
    GtkLabel *reactions = find_label_with_class(GTK_WIDGET(bubble), "reactions");
    GtkLabel *quote = find_label_with_class(GTK_WIDGET(answer), "quote");
    g_assert_false(gtk_widget_get_visible(GTK_WIDGET(edited)));
    g_assert_false(gtk_widget_get_visible(GTK_WIDGET(reactions)));
    g_assert_cmpstr(gtk_label_get_text(quote), ==, "\u21AA a reply to an earlier message");
    message_set_reply_to(reply, first);
    g_assert_cmpstr(gtk_label_get_text(quote), ==, "\u21AA bob: lunch at noon?");

    message_set_edited(first, "lunch at one?");
    g_assert_cmpstr(gtk_label_get_text(text), ==, "lunch at one?");
    g_assert_true(gtk_widget_get_visible(GTK_WIDGET(edited)));
    g_assert_cmpstr(description_of(bubble), ==, "edited");
    g_assert_cmpstr(gtk_label_get_text(quote), ==, "\u21AA bob: lunch at one?");

    GPtrArray *list_of = g_ptr_array_new_with_free_func(chat_reaction_free);
    ChatReaction *r = g_new0(ChatReaction, 1);
    r->emoji = g_strdup("\U0001F44D");
    r->count = 2;
    r->names = g_strsplit("alice,carol", ",", -1);
    g_ptr_array_add(list_of, r);
    message_set_reactions(first, list_of);
    g_assert_true(gtk_widget_get_visible(GTK_WIDGET(reactions)));
    g_assert_cmpstr(gtk_label_get_text(reactions), ==, "\U0001F44D 2");
    g_assert_cmpstr(description_of(bubble), ==, "edited, reactions: \U0001F44D 2 (alice, carol)");

    message_set_deleted(first);
    g_assert_cmpstr(gtk_label_get_text(text), ==, "Message deleted");
    g_assert_false(gtk_widget_get_visible(GTK_WIDGET(edited)));
    g_assert_false(gtk_widget_get_visible(GTK_WIDGET(reactions)));
    g_assert_cmpstr(gtk_label_get_text(quote), ==, "\u21AA bob: Message deleted");
    const char *name = atk_object_get_name(gtk_widget_get_accessible(GTK_WIDGET(bubble)));
    g_assert_true(g_str_has_suffix(name, ": Message deleted"));
    g_object_unref(first);
    g_object_unref(reply);
    g_object_unref(list);
}

static void test_pending_row_capped_out(void)
{
    ChatMessageList *list = new_list();
    chat_message_list_set_max_rows(list, 2);
    ChatMessage *msg = g_object_ref(pending_text("gone soon", 9));
    add_pending(list, msg);
    add_text(list, "bob", "a", T0, FALSE, 0);
    add_text(list, "bob", "b", T0 + 1, FALSE, 0);
    /* The pending row went with the cap; once sent, the message shows anew. */
    g_assert_null(chat_message_list_find_bubble(list, msg));
    message_set_sent(msg, 3, T0 + 2, 0, "me", 1);
    ChatBubble *acked = chat_message_list_add_message(list, msg);
    g_assert_cmpstr(description_of(acked), ==, "sent");
    g_assert_true(bubble_at(list, 1) == acked);
    g_object_unref(msg);
    g_object_unref(list);
}

static void remember_row(ChatMessageList *list, ChatFileRow *row, ChatFileRow **out)
{
    (void)list;
    *out = row;
}

static void test_file_rows(void)
{
    ChatMessageList *list = new_list();
    ChatTransfer *sending = chat_transfer_new(CHAT_TRANSFER_UPLOAD, "report.pdf",
                                              "/tmp/report.pdf", 2048);
    ChatFileRow *upload = chat_message_list_add_upload(list, sending, "me");
    g_assert_true(chat_message_list_find_file_row(list, sending) == upload);
    g_assert_cmpint(chat_file_row_get_state(upload), ==, CHAT_FILE_ROW_TRANSFERRING);
    g_assert_cmpstr(chat_file_row_get_name(upload), ==, "report.pdf");
    g_assert_true(gtk_widget_get_visible(find_button_with_label(GTK_WIDGET(upload), "Cancel")));
    /* The row follows its transfer: bytes moved, then the server checking it. */
    GtkLabel *detail = find_label_with_class(GTK_WIDGET(upload), "file-detail");
    transfer_object_update(sending, "report.pdf", "/tmp/report.pdf", 2048, 1024, 1024.0);
    g_assert_true(g_str_has_prefix(gtk_label_get_text(detail), "1.0\u00A0kB of 2.0\u00A0kB"));
    transfer_object_set_state(sending, CHAT_TRANSFER_CHECKING, NULL);
    g_assert_true(g_str_has_suffix(gtk_label_get_text(detail), "sent, the server is checking it"));

    ChatFileInfo own = { .file_id = 11, .uploader = (char *)"me", .name = (char *)"report.pdf",
                         .size = 2048, .own = TRUE, .upload = sending, .time_ms = T0 };
    g_assert_true(chat_message_list_add_file(list, &own) == upload);
    transfer_object_set_state(sending, CHAT_TRANSFER_DONE, NULL);
    g_assert_true(g_str_has_suffix(gtk_label_get_text(detail), "shared"));
    g_object_unref(sending);
    g_assert_cmpint(chat_file_row_get_state(upload), ==, CHAT_FILE_ROW_COMPLETE);
    g_assert_true(gtk_widget_get_visible(find_button_with_label(GTK_WIDGET(upload), "Open")));
    g_assert_false(gtk_widget_get_visible(find_button_with_label(GTK_WIDGET(upload), "Download")));

    ChatFileInfo theirs = { .file_id = 12, .uploader = (char *)"bob", .name = (char *)"cat.png",
                            .size = 5, .time_ms = T0 };
    ChatFileRow *offer = chat_message_list_add_file(list, &theirs);
    g_assert_cmpuint(chat_file_row_get_file_id(offer), ==, 12);
    g_assert_cmpint(chat_file_row_get_state(offer), ==, CHAT_FILE_ROW_AVAILABLE);
    GtkWidget *download = find_button_with_label(GTK_WIDGET(offer), "Download");
    g_assert_true(gtk_widget_get_visible(download));

    ChatFileRow *requested = NULL;
    g_signal_connect(list, "download-requested", G_CALLBACK(remember_row), &requested);
    gtk_button_clicked(GTK_BUTTON(download));
    g_assert_true(requested == offer);

    /* While it moves, Cancel asks the list's owner to cancel that transfer. */
    chat_file_row_show_progress(offer, 1, 5, 10.0);
    ChatFileRow *cancelled = NULL;
    g_signal_connect(list, "cancel-requested", G_CALLBACK(remember_row), &cancelled);
    g_assert_false(gtk_widget_get_visible(download));
    gtk_button_clicked(GTK_BUTTON(find_button_with_label(GTK_WIDGET(offer), "Cancel")));
    g_assert_true(cancelled == offer);
    /* The upload (announced at T0) and the offer, under T0's date separator. */
    g_assert_cmpuint(chat_message_list_get_n_rows(list), ==, 3);
    g_object_unref(list);
}

static void test_progress_and_failure_texts(void)
{
    ChatFileRow *row = chat_file_row_new("bob", "big.iso", 4000000, T0, FALSE);
    g_object_ref_sink(row);
    chat_file_row_set_file_id(row, 1);
    chat_file_row_show_progress(row, 1000000, 4000000, 1000000.0);
    GtkLabel *detail = find_label_with_class(GTK_WIDGET(row), "file-detail");
    g_assert_cmpstr(gtk_label_get_text(detail), ==, "1.0\u00A0MB of 4.0\u00A0MB \u00B7 1.0\u00A0MB/s \u00B7 about 3 s left");
    chat_file_row_show_failed(row, "checksum mismatch");
    g_assert_cmpstr(gtk_label_get_text(detail), ==, "Failed: checksum mismatch");
    /* A failed download can be tried again. */
    g_assert_true(gtk_widget_get_visible(find_button_with_label(GTK_WIDGET(row), "Download")));
    g_object_unref(row);
}

/* ---- Following new messages, in a real window ---- */

typedef struct {
    ChatMessageList *list;
    GtkAdjustment *adj;
} Scroll;

static gboolean scrolled_to_bottom(gpointer data)
{
    Scroll *s = data;
    double end = gtk_adjustment_get_upper(s->adj) - gtk_adjustment_get_page_size(s->adj);
    return end > 0 && gtk_adjustment_get_value(s->adj) >= end - 1;
}

static gboolean scrolled_to_top(gpointer data)
{
    Scroll *s = data;
    return gtk_adjustment_get_value(s->adj) == 0 && !chat_message_list_get_following(s->list);
}

static GtkAdjustment *find_vadjustment(GtkWidget *root)
{
    if (GTK_IS_SCROLLED_WINDOW(root))
        return gtk_scrolled_window_get_vadjustment(GTK_SCROLLED_WINDOW(root));
    GList *children = gtk_container_get_children(GTK_CONTAINER(root));
    GtkAdjustment *found = NULL;
    for (GList *l = children; l != NULL && found == NULL; l = l->next)
        if (GTK_IS_CONTAINER(l->data))
            found = find_vadjustment(l->data);
    g_list_free(children);
    return found;
}

static void test_follows_only_at_bottom(void)
{
    GtkWidget *window = gtk_window_new(GTK_WINDOW_TOPLEVEL);
    gtk_window_set_default_size(GTK_WINDOW(window), 420, 300);
    Scroll s = { CHAT_MESSAGE_LIST(chat_message_list_new()), NULL };
    gtk_container_add(GTK_CONTAINER(window), GTK_WIDGET(s.list));
    s.adj = find_vadjustment(GTK_WIDGET(s.list));
    gtk_widget_show(window);
    for (int i = 0; i < 40; i++)
        add_text(s.list, i % 2 ? "alice" : "bob", "a line of chat", T0 + i, FALSE, 0);
    /* At the bottom, new messages keep the view at the bottom. */
    g_assert_true(wait_until(scrolled_to_bottom, &s, 5000));
    g_assert_true(chat_message_list_get_following(s.list));
    g_assert_false(chat_message_list_get_has_unseen(s.list));

    /* Reading older messages: a new one does not move the view, the button appears. */
    gtk_adjustment_set_value(s.adj, 0);
    g_assert_true(wait_until(scrolled_to_top, &s, 5000));
    add_text(s.list, "bob", "news", T0 + 100, FALSE, 0);
    g_assert_true(chat_message_list_get_has_unseen(s.list));
    g_assert_false(wait_until(scrolled_to_bottom, &s, 300));

    /* Own messages always jump down. */
    add_pending(s.list, pending_text("mine", 1));
    g_assert_true(wait_until(scrolled_to_bottom, &s, 5000));
    g_assert_false(chat_message_list_get_has_unseen(s.list));

    /* And the button jumps down too. */
    gtk_adjustment_set_value(s.adj, 0);
    g_assert_true(wait_until(scrolled_to_top, &s, 5000));
    add_text(s.list, "bob", "more news", T0 + 200, FALSE, 0);
    g_assert_true(chat_message_list_get_has_unseen(s.list));
    GtkWidget *button = find_button_with_label(GTK_WIDGET(s.list), "New messages ↓");
    g_assert_nonnull(button);
    gtk_button_clicked(GTK_BUTTON(button));
    g_assert_true(wait_until(scrolled_to_bottom, &s, 5000));
    g_assert_false(chat_message_list_get_has_unseen(s.list));
    gtk_widget_destroy(window);
}

static const char *row_text(ChatMessageList *list, int index)
{
    GtkListBoxRow *row = gtk_list_box_get_row_at_index(chat_message_list_get_list_box(list), index);
    return gtk_label_get_text(GTK_LABEL(gtk_bin_get_child(GTK_BIN(row))));
}

static void test_joins_and_leaves_fold(void)
{
    ChatMessageList *list = new_list();
    chat_message_list_add_presence(list, "alice", TRUE);
    g_assert_cmpstr(row_text(list, 0), ==, "alice joined");
    chat_message_list_add_presence(list, "bob", TRUE);
    g_assert_cmpstr(row_text(list, 0), ==, "alice and bob joined");
    chat_message_list_add_presence(list, "carol", TRUE);
    g_assert_cmpstr(row_text(list, 0), ==, "alice, bob and carol joined");
    chat_message_list_add_presence(list, "dave", TRUE);
    chat_message_list_add_presence(list, "erin", TRUE);
    g_assert_cmpstr(row_text(list, 0), ==, "alice, bob and 3 others joined");
    chat_message_list_add_presence(list, "frank", FALSE);
    g_assert_cmpstr(row_text(list, 0), ==, "alice, bob and 3 others joined \u00B7 frank left");
    g_assert_cmpuint(chat_message_list_get_n_rows(list), ==, 1);
    /* A message ends the line; the next leave starts a new one. */
    add_text(list, "bob", "hi", T0, FALSE, 0);
    chat_message_list_add_presence(list, "bob", FALSE);
    g_assert_cmpuint(chat_message_list_get_n_rows(list), ==, 4); /* and a date separator */
    g_assert_cmpstr(row_text(list, 3), ==, "bob left");
    g_object_unref(list);
}

static void test_few_emoji_show_large(void)
{
    g_assert_true(format_is_few_emoji("\U0001F44D", 3));
    g_assert_true(format_is_few_emoji(" \U0001F44D\U0001F3FD \U0001F389 ", 3));
    /* A family (joined by ZWJ) and a flag (two indicators) count as one each. */
    g_assert_true(format_is_few_emoji("\U0001F468\u200D\U0001F469\u200D\U0001F467"
                                      "\U0001F1EB\U0001F1F7\u2764\uFE0F", 3));
    g_assert_false(format_is_few_emoji("\U0001F44D\U0001F44D\U0001F44D\U0001F44D", 3));
    g_assert_false(format_is_few_emoji("ok \U0001F44D", 3));
    g_assert_false(format_is_few_emoji("", 3));
    g_assert_false(format_is_few_emoji("123", 3));
    ChatBubble *big = bubble_for("bob", "\U0001F389", T0, FALSE);
    ChatBubble *text = bubble_for("bob", "party \U0001F389", T0, FALSE);
    g_object_ref_sink(big);
    g_object_ref_sink(text);
    g_assert_true(gtk_style_context_has_class(gtk_widget_get_style_context(GTK_WIDGET(big)),
                                              "emoji-only"));
    g_assert_false(gtk_style_context_has_class(gtk_widget_get_style_context(GTK_WIDGET(text)),
                                               "emoji-only"));
    g_object_unref(big);
    g_object_unref(text);
}

static void test_cancelled_transfer_offers_retry_and_dismiss(void)
{
    ChatMessageList *list = new_list();
    ChatFileInfo theirs = { .file_id = 5, .uploader = (char *)"bob", .name = (char *)"big.iso",
                            .size = 1000, .time_ms = T0 };
    ChatFileRow *row = chat_message_list_add_file(list, &theirs);
    ChatTransfer *download = chat_transfer_new(CHAT_TRANSFER_DOWNLOAD, "big.iso", NULL, 1000);
    chat_file_row_follow(row, download);
    transfer_object_update(download, "big.iso", NULL, 1000, 10, 100.0);
    ChatFileRow *cancelled = NULL, *retried = NULL;
    g_signal_connect(list, "cancel-requested", G_CALLBACK(remember_row), &cancelled);
    g_signal_connect(list, "retry-requested", G_CALLBACK(remember_row), &retried);
    gtk_button_clicked(GTK_BUTTON(find_button_with_label(GTK_WIDGET(row), "Cancel")));
    g_assert_true(cancelled == row);
    g_assert_true(chat_file_row_get_transfer(row) == download);
    /* What the session does next. */
    transfer_object_set_state(download, CHAT_TRANSFER_CANCELLED, NULL);
    g_object_unref(download);
    g_assert_cmpint(chat_file_row_get_state(row), ==, CHAT_FILE_ROW_CANCELLED);
    GtkLabel *detail = find_label_with_class(GTK_WIDGET(row), "file-detail");
    g_assert_cmpstr(gtk_label_get_text(detail), ==, "Cancelled");
    GtkWidget *retry = find_button_with_label(GTK_WIDGET(row), "Retry");
    g_assert_true(gtk_widget_get_visible(retry));
    g_assert_false(gtk_style_context_has_class(gtk_widget_get_style_context(
        gtk_widget_get_parent(GTK_WIDGET(detail))), "failed"));
    gtk_button_clicked(GTK_BUTTON(retry));
    g_assert_true(retried == row);
    /* A failure that nobody asked for stays a failure. */
    download = chat_transfer_new(CHAT_TRANSFER_DOWNLOAD, "big.iso", NULL, 1000);
    chat_file_row_follow(row, download);
    transfer_object_set_state(download, CHAT_TRANSFER_FAILED, "connection lost");
    g_assert_cmpstr(gtk_label_get_text(detail), ==, "Failed: connection lost");
    g_assert_cmpint(chat_file_row_get_state(row), ==, CHAT_FILE_ROW_FAILED);
    g_object_unref(download);
    download = chat_transfer_new(CHAT_TRANSFER_DOWNLOAD, "big.iso", NULL, 1000);
    chat_file_row_follow(row, download);
    transfer_object_set_state(download, CHAT_TRANSFER_CANCELLED, NULL);
    g_object_unref(download);
    gtk_button_clicked(GTK_BUTTON(find_button_with_label(GTK_WIDGET(row), "Dismiss")));
    g_assert_cmpuint(chat_message_list_get_n_rows(list), ==, 0);

    g_object_unref(list);
}

static ChatBubble *add_with_id(ChatMessageList *list, guint64 id, gint64 time_ms, const char *text)
{
    ChatMessage *msg = chat_message_new(id, 0, "bob", text, time_ms, FALSE);
    ChatBubble *bubble = chat_message_list_add_message(list, msg);
    g_object_unref(msg);
    return bubble;
}

static const char *row_name(ChatMessageList *list, int index)
{
    GtkListBoxRow *row = gtk_list_box_get_row_at_index(chat_message_list_get_list_box(list), index);
    return atk_object_get_name(gtk_widget_get_accessible(GTK_WIDGET(row)));
}

/* History pages in above what is shown, in message id order, each day under its own
 * date separator; a gap row sits after the message it follows until it is removed. */
static void test_history_goes_in_order_under_days(void)
{
    ChatMessageList *list = new_list();
    gint64 today = g_get_real_time() / 1000;
    add_with_id(list, 50, today, "newest");
    add_with_id(list, 20, T0 + 1000, "older");
    add_with_id(list, 10, T0, "oldest");
    add_with_id(list, 30, T0 + 2000, "between");
    chat_message_list_add_gap(list, 30, 50);
    add_with_id(list, 40, T0 + 3000, "from the gap");
    char *day = format_day(T0, today);
    const char *expected[] = { day, "oldest", "older", "between",
                               "Messages from while you were away are missing here.",
                               "from the gap", "Today", "newest" };
    g_assert_cmpuint(chat_message_list_get_n_rows(list), ==, G_N_ELEMENTS(expected));
    for (guint i = 0; i < G_N_ELEMENTS(expected); i++)
        g_assert_true(g_str_has_suffix(row_name(list, (int)i), expected[i]));
    g_assert_cmpuint(chat_message_list_get_newest_id(list), ==, 50);
    /* Filled: the gap row goes; the rows stay in order. */
    chat_message_list_remove_gap(list, 30);
    g_assert_true(g_str_has_suffix(row_name(list, 4), "from the gap"));
    /* The consecutive older texts of one sender group together. */
    g_assert_true(chat_bubble_get_grouped(CHAT_BUBBLE(gtk_list_box_get_row_at_index(
        chat_message_list_get_list_box(list), 2))));
    g_free(day);
    g_object_unref(list);
}

static GtkListBoxRow *row_at(ChatMessageList *list, int index)
{
    return gtk_list_box_get_row_at_index(chat_message_list_get_list_box(list), index);
}

/* The "New messages" divider stands above the first message after the marker; older
 * messages from history go in above it without moving it (the same row stays); a
 * newer one that belongs above it moves it there; marker 0 takes it away. */
static void test_unread_divider_moves_only_when_it_must(void)
{
    ChatMessageList *list = new_list();
    gint64 today = g_get_real_time() / 1000;
    add_with_id(list, 30, today, "read");
    add_with_id(list, 40, today + 1, "unread");
    g_assert_true(chat_message_list_set_unread_divider(list, 30));
    GtkListBoxRow *divider = row_at(list, 2);
    g_assert_cmpstr(row_name(list, 2), ==, "New messages");
    for (guint64 id = 29; id > 20; id--) {  /* a history page, one message at a time */
        add_with_id(list, id, today, "older");
        g_assert_true(chat_message_list_set_unread_divider(list, 30));
        g_assert_true(row_at(list, (int)chat_message_list_get_n_rows(list) - 2) == divider);
    }
    add_with_id(list, 35, today, "unread too");  /* newer than the marker, older than 40 */
    g_assert_true(chat_message_list_set_unread_divider(list, 30));
    guint n = chat_message_list_get_n_rows(list);
    g_assert_cmpstr(row_name(list, (int)n - 3), ==, "New messages");
    g_assert_true(g_str_has_suffix(row_name(list, (int)n - 2), "unread too"));
    g_assert_false(chat_message_list_set_unread_divider(list, 0));
    g_assert_false(chat_message_list_has_unread_divider(list));
    g_assert_cmpuint(chat_message_list_get_n_rows(list), ==, n - 1);
    g_object_unref(list);
}

static void test_day_names(void)
{
    gint64 now = g_get_real_time() / 1000;
    char *today = format_day(now, now);
    char *yesterday = format_day(now - 24 * 3600 * 1000, now);
    char *long_ago = format_day(T0, now);
    g_assert_cmpstr(today, ==, "Today");
    g_assert_cmpstr(yesterday, ==, "Yesterday");
    GDateTime *t0 = g_date_time_new_from_unix_local(T0 / 1000);
    char *expected = g_date_time_format(t0, "%x");
    g_assert_cmpstr(long_ago, ==, expected);
    g_assert_cmpint(format_day_number(T0), !=, format_day_number(now));
    g_free(expected);
    g_date_time_unref(t0);
    g_free(today);
    g_free(yesterday);
    g_free(long_ago);
}

/* The separators of a conversation left open are renamed as days pass: "Today" becomes
 * "Yesterday", then a date; the label on screen and the name read out alike. */
static void test_days_renamed_as_days_pass(void)
{
    ChatMessageList *list = new_list();
    gint64 now = g_get_real_time() / 1000;
    const gint64 day_ms = 24 * 3600 * 1000;
    add_with_id(list, 10, now, "this morning");
    g_assert_cmpstr(row_name(list, 0), ==, "Today");
    chat_message_list_name_days(list, now + day_ms);
    g_assert_cmpstr(row_name(list, 0), ==, "Yesterday");
    GtkWidget *label = gtk_bin_get_child(GTK_BIN(row_at(list, 0)));
    g_assert_cmpstr(gtk_label_get_text(GTK_LABEL(label)), ==, "Yesterday");
    chat_message_list_name_days(list, now + 2 * day_ms);
    char *date = format_day(now, now + 2 * day_ms);
    g_assert_cmpstr(row_name(list, 0), ==, date);
    g_assert_cmpstr(gtk_label_get_text(GTK_LABEL(label)), ==, date);
    g_free(date);
    /* A message of the new day still gets its own separator, named from then. */
    add_with_id(list, 11, now + 2 * day_ms, "two days on");
    g_assert_cmpuint(chat_message_list_get_n_rows(list), ==, 4);
    g_object_unref(list);
}

int main(int argc, char **argv)
{
    gtk_test_init(&argc, &argv, NULL);
    g_test_add_func("/message-list/grouping", test_grouping);
    g_test_add_func("/message-list/days-renamed-as-days-pass", test_days_renamed_as_days_pass);
    g_test_add_func("/message-list/history-goes-in-order-under-days",
                    test_history_goes_in_order_under_days);
    g_test_add_func("/message-list/day-names", test_day_names);
    g_test_add_func("/message-list/unread-divider-moves-only-when-it-must",
                    test_unread_divider_moves_only_when_it_must);
    g_test_add_func("/message-list/own-and-other-do-not-group", test_own_and_other_do_not_group);
    g_test_add_func("/message-list/row-cap", test_row_cap);
    g_test_add_func("/message-list/pending-then-sent", test_pending_then_sent);
    g_test_add_func("/message-list/pending-then-failed", test_pending_then_failed);
    g_test_add_func("/message-list/pending-row-capped-out", test_pending_row_capped_out);
    g_test_add_func("/message-list/bubble-follows-message", test_bubble_follows_message);
    g_test_add_func("/message-list/file-rows", test_file_rows);
    g_test_add_func("/message-list/progress-and-failure-texts", test_progress_and_failure_texts);
    g_test_add_func("/message-list/follows-only-at-bottom", test_follows_only_at_bottom);
    g_test_add_func("/message-list/joins-and-leaves-fold", test_joins_and_leaves_fold);
    g_test_add_func("/message-list/few-emoji-show-large", test_few_emoji_show_large);
    g_test_add_func("/message-list/cancelled-transfer-offers-retry-and-dismiss",
                    test_cancelled_transfer_offers_retry_and_dismiss);
    return g_test_run();
}
