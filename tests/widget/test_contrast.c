/* Widget test: every text in the real window, in both themes, is at least 4.5:1
 * against what is drawn behind it (WCAG 2.1 AA). The colours are the ones GTK computes
 * for each widget from Adwaita and our stylesheet (GtkStyleContext); the background is
 * found by rendering every ancestor's background (colours, images, gradients) and
 * reading the pixel behind the text's centre, so translucent layers add up as they do
 * on screen. The window shows every kind of row in every state, the user list, the
 * banner and, separately, the login view with its error. */
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "client/core/session_private.h"
#include "client/gtk/window_private.h"
#include "tests/widget/widget_util.h"

#define MIN_RATIO 4.5
#define T0 1700000000000

typedef struct {
    double r, g, b;
} Rgb;

static double channel(double c)
{
    return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

/* WCAG relative luminance. */
static double luminance(Rgb c)
{
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

static double contrast(Rgb a, Rgb b)
{
    double la = luminance(a), lb = luminance(b);
    return (MAX(la, lb) + 0.05) / (MIN(la, lb) + 0.05);
}

static Rgb over(Rgb below, double r, double g, double b, double alpha)
{
    return (Rgb){ r * alpha + below.r * (1 - alpha), g * alpha + below.g * (1 - alpha),
                  b * alpha + below.b * (1 - alpha) };
}

/* Opacity GTK applies to widget: its own and its CSS opacity. */
static double opacity_of(GtkWidget *widget)
{
    GtkStyleContext *style = gtk_widget_get_style_context(widget);
    double css = 1.0;
    gtk_style_context_get(style, gtk_style_context_get_state(style), "opacity", &css, NULL);
    return gtk_widget_get_opacity(widget) * css;
}

/* What is drawn behind point (x, y) of widget (in widget coordinates): the window's
 * background, then each ancestor's over it, down to widget itself. */
static Rgb background_at(GtkWidget *widget, int x, int y)
{
    GPtrArray *chain = g_ptr_array_new();
    for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent(w))
        g_ptr_array_insert(chain, 0, w);
    Rgb colour = { 1, 1, 1 };
    for (guint i = 0; i < chain->len; i++) {
        GtkWidget *w = chain->pdata[i];
        int wx, wy;
        if (!gtk_widget_translate_coordinates(widget, w, x, y, &wx, &wy))
            continue;
        GtkAllocation box;
        gtk_widget_get_allocation(w, &box);
        cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
        cairo_t *cr = cairo_create(surface);
        cairo_translate(cr, -wx, -wy);
        gtk_render_background(gtk_widget_get_style_context(w), cr, 0, 0, box.width, box.height);
        cairo_destroy(cr);
        cairo_surface_flush(surface);
        guint32 pixel = *(guint32 *)cairo_image_surface_get_data(surface);
        cairo_surface_destroy(surface);
        double a = ((pixel >> 24) & 0xff) / 255.0;
        if (a > 0) {
            /* Premultiplied: divide back out. */
            double r = ((pixel >> 16) & 0xff) / 255.0 / a, g = ((pixel >> 8) & 0xff) / 255.0 / a,
                   b = (pixel & 0xff) / 255.0 / a;
            colour = over(colour, r, g, b, a * opacity_of(w));
        }
    }
    g_ptr_array_unref(chain);
    return colour;
}

typedef struct {
    guint checked;
    guint failed;
    const char *theme;
} Tally;

/* Checks the text of a label or entry: its colour (with the opacity of it and its
 * ancestors) over what is behind it; link, when TRUE, takes the colour of the label's
 * links (its "link" CSS node) instead. */
static void check_colour(GtkWidget *widget, const char *text, gboolean link, Tally *tally)
{
    if (text == NULL || *text == '\0' || !gtk_widget_is_drawable(widget) ||
        !gtk_widget_is_sensitive(widget))
        return; /* disabled controls are exempt (WCAG 1.4.3) */
    GtkStyleContext *style = gtk_widget_get_style_context(widget);
    GdkRGBA fg;
    if (link) {
        /* The label's "link" node, as GTK styles it: the label's path plus that node. */
        GtkWidgetPath *path = gtk_widget_path_copy(gtk_widget_get_path(widget));
        /* The path leaves out the toplevel's classes ("dark"): put them back. */
        GList *classes = gtk_style_context_list_classes(
            gtk_widget_get_style_context(gtk_widget_get_toplevel(widget)));
        for (GList *c = classes; c != NULL; c = c->next)
            gtk_widget_path_iter_add_class(path, 0, c->data);
        g_list_free(classes);
        int node = gtk_widget_path_append_type(path, G_TYPE_NONE);
        gtk_widget_path_iter_set_object_name(path, node, "link");
        GtkStyleContext *link_style = gtk_style_context_new();
        gtk_style_context_set_path(link_style, path);
        gtk_style_context_set_state(link_style, GTK_STATE_FLAG_LINK);
        gtk_style_context_set_screen(link_style, gtk_widget_get_screen(widget));
        GtkStateFlags state = gtk_style_context_get_state(style) | GTK_STATE_FLAG_LINK;
        gtk_style_context_set_state(link_style, state);
        gtk_style_context_get_color(link_style, state, &fg);
        g_object_unref(link_style);
        gtk_widget_path_unref(path);
    } else {
        gtk_style_context_get_color(style, gtk_style_context_get_state(style), &fg);
    }
    double alpha = fg.alpha;
    for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent(w))
        alpha *= opacity_of(w);
    if (alpha == 0)
        return; /* not drawn (a grouped row's avatar keeps its place, invisibly) */
    GtkAllocation box;
    gtk_widget_get_allocation(widget, &box);
    Rgb bg = background_at(widget, box.width / 2, box.height / 2);
    Rgb seen = over(bg, fg.red, fg.green, fg.blue, alpha);
    double ratio = contrast(seen, bg);
    tally->checked++;
    if (ratio < MIN_RATIO) {
        tally->failed++;
        g_test_message("%s: %s\"%s\" (%s) is %.2f:1: text #%02x%02x%02x on #%02x%02x%02x",
                       tally->theme, link ? "a link in " : "", text,
                       G_OBJECT_TYPE_NAME(gtk_widget_get_parent(widget)),
                       ratio, (int)(seen.r * 255), (int)(seen.g * 255), (int)(seen.b * 255),
                       (int)(bg.r * 255), (int)(bg.g * 255), (int)(bg.b * 255));
    }
}

static void check_tree(GtkWidget *widget, gpointer data)
{
    if (!gtk_widget_is_drawable(widget))
        return;
    if (GTK_IS_LABEL(widget)) {
        GtkLabel *label = GTK_LABEL(widget);
        check_colour(widget, gtk_label_get_text(label), FALSE, data);
        if (gtk_label_get_use_markup(label) && strstr(gtk_label_get_label(label), "<a ") != NULL)
            check_colour(widget, gtk_label_get_text(label), TRUE, data);
    } else if (GTK_IS_ENTRY(widget)) {
        check_colour(widget, gtk_entry_get_text(GTK_ENTRY(widget)), FALSE, data);
    }
    if (GTK_IS_CONTAINER(widget))
        gtk_container_forall(GTK_CONTAINER(widget), check_tree, data);
}

static ChatFileRow *add_file(ChatWindow *win, guint64 id, const char *sender, gboolean own)
{
    ChatFileInfo info = { .file_id = id, .uploader = (char *)sender,
                          .name = (char *)"holiday-photos.tar", .size = 123456, .time_ms = T0,
                          .own = own };
    return chat_message_list_add_file(win->message_list, &info);
}

/* Every row kind in every state. */
static void fill_conversation(ChatWindow *win)
{
    ChatMessageList *list = win->message_list;
    chat_message_list_add_notice(list, "You joined as alice");
    chat_message_list_add_presence(list, "bob", TRUE);
    chat_message_list_add_presence(list, "carol", TRUE);
    ChatMessage *other = chat_message_new(1, 0, "bob", "Hi! See https://example.org for details",
                                          T0, FALSE);
    chat_message_list_add_message(list, other);
    g_object_unref(other);
    for (guint i = 0; i < 12; i++) {
        char name[16];
        g_snprintf(name, sizeof name, "user-%u", i); /* every user colour */
        other = chat_message_new(1, 0, name, "Hi! See https://example.org for details", T0,
                                 FALSE);
        chat_message_list_add_message(list, other);
        g_object_unref(other);
    }
    ChatMessage *emoji = chat_message_new(2, 0, "bob", "\U0001F44D\U0001F389", T0, FALSE);
    chat_message_list_add_message(list, emoji);
    g_object_unref(emoji);
    /* Own: read, edited, with reactions; then a reply quoting it. */
    ChatMessage *own = chat_message_new(3, 0, "alice", "Mine, with a link https://gtk.org", T0,
                                        TRUE);
    message_add_reader(own, "bob");
    message_set_edited(own, "Mine, with a link https://gtk.org (edited)");
    GPtrArray *reactions = g_ptr_array_new_with_free_func(chat_reaction_free);
    ChatReaction *r = g_new0(ChatReaction, 1);
    r->emoji = g_strdup("\U0001F44D");
    r->count = 1;
    r->names = g_strsplit("bob", ",", -1);
    g_ptr_array_add(reactions, r);
    message_set_reactions(own, reactions);
    chat_message_list_add_message(list, own);
    ChatMessage *reply = message_new_sent(4, 0, "bob", 2, "Quoting you", T0, FALSE, 0, 3);
    message_set_reply_to(reply, own);
    chat_message_list_add_message(list, reply);
    g_object_unref(reply);
    g_object_unref(own);
    ChatMessage *pending = message_new_pending(0, "alice", "still sending", 7, 0);
    chat_message_list_add_message(list, pending);
    g_object_unref(pending);
    ChatMessage *failed = message_new_pending(0, "alice", "this one failed", 8, 0);
    chat_message_list_add_message(list, failed);
    message_set_failed(failed, CHAT_SESSION_ERROR_INVALID, "too long");
    g_object_unref(failed);
    chat_message_list_add_notice(list, "\u26A0 Server: something went wrong");
    add_file(win, 1, "bob", FALSE);
    chat_file_row_show_progress(add_file(win, 2, "bob", FALSE), 1000, 123456, 5000);
    chat_file_row_show_complete(add_file(win, 3, "bob", FALSE), "/tmp/x", "downloaded");
    chat_file_row_show_failed(add_file(win, 4, "bob", FALSE), "checksum mismatch");
    ChatTransfer *cancelled = chat_transfer_new(CHAT_TRANSFER_DOWNLOAD, "holiday-photos.tar",
                                                NULL, 123456);
    chat_file_row_follow(add_file(win, 5, "bob", FALSE), cancelled);
    transfer_object_set_state(cancelled, CHAT_TRANSFER_CANCELLED, NULL);
    g_object_unref(cancelled);
    ChatTransfer *upload = chat_transfer_new(CHAT_TRANSFER_UPLOAD, "mine.txt", "/tmp/mine.txt",
                                             4000);
    chat_message_list_add_upload(list, upload, "alice");
    transfer_object_update(upload, "mine.txt", "/tmp/mine.txt", 4000, 1000, 500);
    g_object_unref(upload);
    add_file(win, 6, "alice", TRUE);
    GPtrArray *users = g_ptr_array_new();
    g_ptr_array_add(users, (char *)"alice");
    g_ptr_array_add(users, (char *)"bob");
    GPtrArray *tags = g_ptr_array_new();
    g_ptr_array_add(tags, (char *)"admin");
    g_ptr_array_add(tags, NULL);
    chat_user_list_set_users(win->user_list, users, tags, NULL, "alice");
    g_ptr_array_unref(tags);
    g_ptr_array_unref(users);
    gtk_label_set_text(win->banner_label, "Connection lost. Reconnecting in 4 s\u2026");
    gtk_info_bar_set_revealed(win->banner, TRUE);
}

static gboolean window_mapped(gpointer data)
{
    return gtk_widget_get_mapped(data);
}

static gboolean window_active(gpointer data)
{
    return gtk_window_is_active(data);
}

/* Colours as the user sees them: in the focused window, not the backdrop state. With
 * no window manager, presenting a mapped window gives it the focus. */
static void check_window(ChatWindow *win, const char *theme, Tally *tally)
{
    tally->theme = theme;
    g_assert_true(wait_until(window_mapped, win, 5000));
    gtk_window_present(GTK_WINDOW(win));
    g_assert_true(wait_until(window_active, win, 5000));
    /* Let styles and allocations settle. */
    for (int i = 0; i < 50; i++)
        g_main_context_iteration(NULL, FALSE);
    check_tree(GTK_WIDGET(win), tally);
}

static void set_dark(ChatWindow *win, gboolean dark)
{
    g_object_set(gtk_settings_get_default(), "gtk-application-prefer-dark-theme", dark, NULL);
    chat_window_set_dark(win, dark);
}

static void test_every_text_has_contrast(void)
{
    char *dir = g_dir_make_tmp("chat-contrast-XXXXXX", NULL);
    g_setenv("CHAT_CLIENT_CONFIG_DIR", dir, TRUE);
    GtkApplication *app = gtk_application_new("org.chat.ContrastTest", G_APPLICATION_NON_UNIQUE);
    g_assert_true(g_application_register(G_APPLICATION(app), NULL, NULL));
    GtkCssProvider *css = gtk_css_provider_new();
    gtk_css_provider_load_from_resource(css, "/org/chat/client/style.css");
    gtk_style_context_add_provider_for_screen(gdk_screen_get_default(), GTK_STYLE_PROVIDER(css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    /* Final colours at once: no CSS transitions between the themes' colours. */
    g_object_set(gtk_settings_get_default(), "gtk-theme-name", "Adwaita",
                 "gtk-enable-animations", FALSE, NULL);
    ChatSettings *settings = settings_load();
    ChatWindowOptions options = { .server = "127.0.0.1:1", .username = "alice" };
    ChatWindow *win = chat_window_new(app, settings, &options);
    gtk_window_set_default_size(GTK_WINDOW(win), 900, 3000);
    /* One view at a time: no crossfade showing both while the test reads colours. */
    gtk_stack_set_transition_type(win->stack, GTK_STACK_TRANSITION_TYPE_NONE);
    chat_login_view_set_create_account(win->login_view, TRUE);
    chat_login_view_show_error(win->login_view, "The name \u201Calice\u201D is already taken.",
                               CHAT_LOGIN_FIELD_USERNAME);
    gtk_window_present(GTK_WINDOW(win));

    Tally tally = { 0 };
    for (int dark = 0; dark <= 1; dark++) {
        set_dark(win, dark);
        gtk_stack_set_visible_child_name(win->stack, "login");
        check_window(win, dark ? "dark login" : "light login", &tally);
        if (dark == 0)
            fill_conversation(win);
        gtk_stack_set_visible_child_name(win->stack, "chat");
        check_window(win, dark ? "dark chat" : "light chat", &tally);
    }
    g_test_message("%u texts checked, %u below %.1f:1", tally.checked, tally.failed, MIN_RATIO);
    g_assert_cmpuint(tally.checked, >, 100);
    g_assert_cmpuint(tally.failed, ==, 0);

    gtk_widget_destroy(GTK_WIDGET(win));
    settings_free(settings);
    g_object_unref(css);
    g_object_unref(app);
    g_free(dir);
}

int main(int argc, char **argv)
{
    gtk_test_init(&argc, &argv, NULL);
    g_test_add_func("/contrast/every-text", test_every_text_has_contrast);
    return g_test_run();
}
