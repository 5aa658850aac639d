/* ChatFileRow: a GtkListBoxRow built from file_row.ui. Open and Show in folder talk to
 * the desktop asynchronously; their failures show in the row, in words. */
#include "client/gtk/file_row.h"

#include <glib/gi18n.h>

#include "client/gtk/bubble.h"
#include "client/gtk/format.h"
#include "client/gtk/row_menu.h"
#include "common/safe_text.h"

#define FILE_MANAGER_BUS_NAME "org.freedesktop.FileManager1"
#define FILE_MANAGER_PATH "/org/freedesktop/FileManager1"

struct _ChatFileRow {
    GtkListBoxRow parent_instance;
    GtkWidget *frame;
    GtkLabel *avatar;
    GtkLabel *name_label;
    GtkLabel *file_name_label;
    GtkLabel *detail_label;
    GtkProgressBar *progress;
    GtkWidget *download_button;
    GtkWidget *cancel_button;
    GtkWidget *open_button;
    GtkWidget *folder_button;
    GtkWidget *retry_button;
    GtkWidget *dismiss_button;
    GtkLabel *time_label;
    GSimpleActionGroup *actions;
    char *sender;
    char *name;
    char *path;
    guint64 size;
    guint64 file_id;
    ChatTransfer *transfer;      /* the upload or download it follows, or NULL */
    gboolean own;
    ChatFileRowState state;
};

enum {
    SIGNAL_DOWNLOAD_REQUESTED,
    SIGNAL_CANCEL_REQUESTED,
    SIGNAL_RETRY_REQUESTED,
    SIGNAL_DISMISS_REQUESTED,
    N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_TYPE(ChatFileRow, chat_file_row, GTK_TYPE_LIST_BOX_ROW)

/* Enables the action called name (its button and menu item follow) and shows its
 * button. */
static void offer(ChatFileRow *self, const char *name, GtkWidget *button, gboolean enabled)
{
    GAction *action = g_action_map_lookup_action(G_ACTION_MAP(self->actions), name);
    g_simple_action_set_enabled(G_SIMPLE_ACTION(action), enabled);
    if (button != NULL)
        gtk_widget_set_visible(button, enabled);
}

/* Screen readers hear "bob, 17:22: File notes.pdf" and the details as the
 * description. */
static void update_accessible(ChatFileRow *self, const char *detail)
{
    AtkObject *accessible = gtk_widget_get_accessible(GTK_WIDGET(self));
    char *name = g_strdup_printf(_("%s, %s: File %s"), self->sender,
                                 gtk_label_get_text(self->time_label), self->name);
    atk_object_set_name(accessible, name);
    atk_object_set_description(accessible, detail);
    g_free(name);
}

/* Shows the buttons (and enables the menu entries) that fit state. */
static void set_state(ChatFileRow *self, ChatFileRowState state, const char *detail)
{
    self->state = state;
    gtk_label_set_text(self->detail_label, detail);
    gboolean can_download = !self->own && self->file_id != 0 &&
                            (state == CHAT_FILE_ROW_AVAILABLE || state == CHAT_FILE_ROW_FAILED);
    gboolean can_open = state == CHAT_FILE_ROW_COMPLETE && self->path != NULL;
    offer(self, "download", self->download_button, can_download);
    offer(self, "cancel", self->cancel_button, state == CHAT_FILE_ROW_TRANSFERRING);
    offer(self, "open", self->open_button, can_open);
    offer(self, "show-in-folder", self->folder_button, can_open);
    offer(self, "retry", self->retry_button, state == CHAT_FILE_ROW_CANCELLED);
    offer(self, "dismiss", self->dismiss_button, state == CHAT_FILE_ROW_CANCELLED);
    gtk_widget_set_visible(GTK_WIDGET(self->progress), state == CHAT_FILE_ROW_TRANSFERRING);

    GtkStyleContext *style = gtk_widget_get_style_context(self->frame);
    if (state == CHAT_FILE_ROW_FAILED)
        gtk_style_context_add_class(style, "failed");
    else
        gtk_style_context_remove_class(style, "failed");
    update_accessible(self, detail);
}

static void on_download(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    g_signal_emit(data, signals[SIGNAL_DOWNLOAD_REQUESTED], 0);
}

static void on_cancel(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    g_signal_emit(data, signals[SIGNAL_CANCEL_REQUESTED], 0);
}

static void on_retry(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    g_signal_emit(data, signals[SIGNAL_RETRY_REQUESTED], 0);
}

static void on_dismiss(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    g_signal_emit(data, signals[SIGNAL_DISMISS_REQUESTED], 0);
}

static void on_copy_name(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    ChatFileRow *self = data;
    gtk_clipboard_set_text(gtk_widget_get_clipboard(GTK_WIDGET(self), GDK_SELECTION_CLIPBOARD),
                           self->name, -1);
}

static void show_desktop_error(ChatFileRow *self, const char *what, GError *error)
{
    char *text = g_strdup_printf(_("%s: %s"), what, error->message);
    gtk_label_set_text(self->detail_label, text);
    g_free(text);
}

static void open_done(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    ChatFileRow *self = data;
    GError *error = NULL;
    if (!g_app_info_launch_default_for_uri_finish(result, &error)) {
        show_desktop_error(self, _("Could not open it"), error);
        g_error_free(error);
    }
    g_object_unref(self);
}

/* Opens uri with the desktop's default application, reporting failure in the row. */
static void launch_uri(ChatFileRow *self, const char *uri)
{
    GdkDisplay *display = gtk_widget_get_display(GTK_WIDGET(self));
    GdkAppLaunchContext *context = gdk_display_get_app_launch_context(display);
    g_app_info_launch_default_for_uri_async(uri, G_APP_LAUNCH_CONTEXT(context), NULL,
                                            open_done, g_object_ref(self));
    g_object_unref(context);
}

static void on_open(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    ChatFileRow *self = data;
    g_return_if_fail(self->path != NULL);
    char *uri = g_filename_to_uri(self->path, NULL, NULL);
    if (uri != NULL)
        launch_uri(self, uri);
    g_free(uri);
}

/* Opens the folder holding the file, in whatever the desktop uses for folders. */
static void open_containing_folder(ChatFileRow *self)
{
    char *dir = g_path_get_dirname(self->path);
    char *uri = g_filename_to_uri(dir, NULL, NULL);
    if (uri != NULL)
        launch_uri(self, uri);
    g_free(uri);
    g_free(dir);
}

/* The file manager could not highlight the file: open its folder instead. */
static void show_items_done(GObject *source, GAsyncResult *result, gpointer data)
{
    ChatFileRow *self = data;
    GVariant *reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, NULL);
    if (reply != NULL)
        g_variant_unref(reply);
    else
        open_containing_folder(self);
    g_object_unref(self);
}

/* Show in folder: asks the file manager (FileManager1.ShowItems) to highlight the file,
 * falling back to opening its folder. */
static void on_show_in_folder(GSimpleAction *action, GVariant *parameter, gpointer data)
{
    (void)action;
    (void)parameter;
    ChatFileRow *self = data;
    g_return_if_fail(self->path != NULL);
    GApplication *app = g_application_get_default();
    GDBusConnection *bus = app != NULL ? g_application_get_dbus_connection(app) : NULL;
    char *uri = g_filename_to_uri(self->path, NULL, NULL);
    if (bus == NULL || uri == NULL) {
        open_containing_folder(self);
    } else {
        const char *uris[] = { uri, NULL };
        g_dbus_connection_call(bus, FILE_MANAGER_BUS_NAME, FILE_MANAGER_PATH,
                               FILE_MANAGER_BUS_NAME, "ShowItems",
                               g_variant_new("(^ass)", uris, ""), NULL,
                               G_DBUS_CALL_FLAGS_NONE, -1, NULL, show_items_done,
                               g_object_ref(self));
    }
    g_free(uri);
}

static void unfollow(ChatFileRow *self)
{
    if (self->transfer) {
        g_signal_handlers_disconnect_by_data(self->transfer, self);
        g_clear_object(&self->transfer);
    }
}

static void chat_file_row_dispose(GObject *object)
{
    unfollow(CHAT_FILE_ROW(object));
    G_OBJECT_CLASS(chat_file_row_parent_class)->dispose(object);
}

static void chat_file_row_finalize(GObject *object)
{
    ChatFileRow *self = CHAT_FILE_ROW(object);
    g_free(self->sender);
    g_free(self->name);
    g_free(self->path);
    g_object_unref(self->actions);
    G_OBJECT_CLASS(chat_file_row_parent_class)->finalize(object);
}

static void chat_file_row_class_init(ChatFileRowClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = chat_file_row_dispose;
    G_OBJECT_CLASS(klass)->finalize = chat_file_row_finalize;
    gtk_widget_class_set_template_from_resource(widget_class, "/org/chat/client/file_row.ui");
    gtk_widget_class_bind_template_child(widget_class, ChatFileRow, frame);
    gtk_widget_class_bind_template_child(widget_class, ChatFileRow, avatar);
    gtk_widget_class_bind_template_child(widget_class, ChatFileRow, name_label);
    gtk_widget_class_bind_template_child(widget_class, ChatFileRow, file_name_label);
    gtk_widget_class_bind_template_child(widget_class, ChatFileRow, detail_label);
    gtk_widget_class_bind_template_child(widget_class, ChatFileRow, progress);
    gtk_widget_class_bind_template_child(widget_class, ChatFileRow, download_button);
    gtk_widget_class_bind_template_child(widget_class, ChatFileRow, cancel_button);
    gtk_widget_class_bind_template_child(widget_class, ChatFileRow, open_button);
    gtk_widget_class_bind_template_child(widget_class, ChatFileRow, folder_button);
    gtk_widget_class_bind_template_child(widget_class, ChatFileRow, retry_button);
    gtk_widget_class_bind_template_child(widget_class, ChatFileRow, dismiss_button);
    gtk_widget_class_bind_template_child(widget_class, ChatFileRow, time_label);
    static const char *const names[N_SIGNALS] = {
        [SIGNAL_DOWNLOAD_REQUESTED] = "download-requested",
        [SIGNAL_CANCEL_REQUESTED] = "cancel-requested",
        [SIGNAL_RETRY_REQUESTED] = "retry-requested",
        [SIGNAL_DISMISS_REQUESTED] = "dismiss-requested",
    };
    for (guint i = 0; i < N_SIGNALS; i++)
        signals[i] = g_signal_new(names[i], G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

/* The "row" actions behind the buttons and the actions menu. */
static void add_actions(ChatFileRow *self)
{
    static const GActionEntry entries[] = {
        { "download", on_download, NULL, NULL, NULL, { 0 } },
        { "open", on_open, NULL, NULL, NULL, { 0 } },
        { "show-in-folder", on_show_in_folder, NULL, NULL, NULL, { 0 } },
        { "cancel", on_cancel, NULL, NULL, NULL, { 0 } },
        { "retry", on_retry, NULL, NULL, NULL, { 0 } },
        { "dismiss", on_dismiss, NULL, NULL, NULL, { 0 } },
        { "copy-name", on_copy_name, NULL, NULL, NULL, { 0 } },
    };
    self->actions = g_simple_action_group_new();
    g_action_map_add_action_entries(G_ACTION_MAP(self->actions), entries, G_N_ELEMENTS(entries),
                                    self);
    gtk_widget_insert_action_group(GTK_WIDGET(self), "row", G_ACTION_GROUP(self->actions));
    GMenu *menu = g_menu_new();
    row_menu_append(menu, _("_Download"), "row.download");
    row_menu_append(menu, _("_Open"), "row.open");
    row_menu_append(menu, _("Show in _Folder"), "row.show-in-folder");
    row_menu_append(menu, _("_Cancel Transfer"), "row.cancel");
    row_menu_append(menu, _("_Retry"), "row.retry");
    row_menu_append(menu, _("_Dismiss"), "row.dismiss");
    row_menu_append(menu, _("Copy File _Name"), "row.copy-name");
    row_menu_attach(GTK_WIDGET(self), self->frame, G_MENU_MODEL(menu));
    g_object_unref(menu);
}

static void chat_file_row_init(ChatFileRow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    gtk_widget_set_can_focus(GTK_WIDGET(self->file_name_label), FALSE);
    add_actions(self);
}

/* A row in state AVAILABLE. */
ChatFileRow *chat_file_row_new(const char *sender, const char *name, guint64 size,
                               gint64 time_ms, gboolean own)
{
    g_return_val_if_fail(sender != NULL && name != NULL, NULL);
    ChatFileRow *self = g_object_new(CHAT_TYPE_FILE_ROW, NULL);
    /* Shown with control and bidi characters written out (the saved file never carries
     * them: filename_sanitize drops them); the visible name is direction-isolated. */
    self->sender = safe_text(sender, -1, SAFE_TEXT_ONE_LINE);
    self->name = safe_text(name, -1, SAFE_TEXT_ONE_LINE);
    self->size = size;
    self->own = own;
    chat_bubble_style_frame(self->frame, self->name_label, self->avatar, sender, own);
    char *shown = safe_text(name, -1, SAFE_TEXT_ISOLATE);
    gtk_label_set_text(self->file_name_label, shown);
    g_free(shown);
    gtk_widget_set_tooltip_text(GTK_WIDGET(self->file_name_label), self->name);
    char *progress_name = g_strdup_printf(_("Progress of %s"), self->name);
    atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(self->progress)), progress_name);
    g_free(progress_name);
    char *clock = format_clock(time_ms);
    gtk_label_set_text(self->time_label, clock);
    g_free(clock);
    char *size_text = format_size(size);
    set_state(self, CHAT_FILE_ROW_AVAILABLE, size_text);
    g_free(size_text);
    return self;
}

const char *chat_file_row_get_name(ChatFileRow *self)
{
    g_return_val_if_fail(CHAT_IS_FILE_ROW(self), NULL);
    return self->name;
}

const char *chat_file_row_get_sender(ChatFileRow *self)
{
    g_return_val_if_fail(CHAT_IS_FILE_ROW(self), NULL);
    return self->sender;
}

gboolean chat_file_row_get_own(ChatFileRow *self)
{
    g_return_val_if_fail(CHAT_IS_FILE_ROW(self), FALSE);
    return self->own;
}

ChatFileRowState chat_file_row_get_state(ChatFileRow *self)
{
    g_return_val_if_fail(CHAT_IS_FILE_ROW(self), CHAT_FILE_ROW_FAILED);
    return self->state;
}

guint64 chat_file_row_get_file_id(ChatFileRow *self)
{
    g_return_val_if_fail(CHAT_IS_FILE_ROW(self), 0);
    return self->file_id;
}

/* Records the server's id; a file with an id can be downloaded. */
void chat_file_row_set_file_id(ChatFileRow *self, guint64 file_id)
{
    g_return_if_fail(CHAT_IS_FILE_ROW(self));
    self->file_id = file_id;
    set_state(self, self->state, gtk_label_get_text(self->detail_label));
}

ChatTransfer *chat_file_row_get_transfer(ChatFileRow *self)
{
    g_return_val_if_fail(CHAT_IS_FILE_ROW(self), NULL);
    return self->transfer;
}

const char *chat_file_row_get_path(ChatFileRow *self)
{
    g_return_val_if_fail(CHAT_IS_FILE_ROW(self), NULL);
    return self->path;
}

/* Remembers the local file for Open and Show in folder. */
void chat_file_row_set_path(ChatFileRow *self, const char *path)
{
    g_return_if_fail(CHAT_IS_FILE_ROW(self));
    char *copy = g_strdup(path);
    g_free(self->path);
    self->path = copy;
}

/* Progress bar, "X of Y · rate · time left". */
void chat_file_row_show_progress(ChatFileRow *self, guint64 done, guint64 size,
                                 double bytes_per_second)
{
    g_return_if_fail(CHAT_IS_FILE_ROW(self));
    if (size == 0)
        size = self->size; /* not known yet: the announced size */
    self->size = size;
    double fraction = size > 0 ? (double)done / (double)size : 1.0;
    gtk_progress_bar_set_fraction(self->progress, CLAMP(fraction, 0.0, 1.0));
    char *done_text = format_size(done);
    char *size_text = format_size(size);
    char *speed = format_speed(bytes_per_second);
    char *left = format_time_left(size > done ? size - done : 0, bytes_per_second);
    char *detail = g_strdup_printf(_("%s of %s \u00B7 %s%s%s"), done_text, size_text, speed,
                                   left ? " \u00B7 " : "", left ? left : "");
    set_state(self, CHAT_FILE_ROW_TRANSFERRING, detail);
    g_free(detail);
    g_free(left);
    g_free(speed);
    g_free(size_text);
    g_free(done_text);
}

/* Complete at path: Open and Show in folder become available. */
void chat_file_row_show_complete(ChatFileRow *self, const char *path, const char *note)
{
    g_return_if_fail(CHAT_IS_FILE_ROW(self));
    if (path != NULL)
        chat_file_row_set_path(self, path);
    char *size_text = format_size(self->size);
    char *detail = g_strdup_printf(_("%s \u00B7 %s"), size_text, note);
    set_state(self, CHAT_FILE_ROW_COMPLETE, detail);
    g_free(detail);
    g_free(size_text);
}

/* Stopped with reason. */
void chat_file_row_show_failed(ChatFileRow *self, const char *reason)
{
    g_return_if_fail(CHAT_IS_FILE_ROW(self));
    char *detail = g_strdup_printf(_("Failed: %s"), reason ? reason : _("unknown error"));
    set_state(self, CHAT_FILE_ROW_FAILED, detail);
    g_free(detail);
}

/* Shows the transfer as it now is. */
static void show_transfer(ChatFileRow *self)
{
    ChatTransfer *t = self->transfer;
    gboolean upload = chat_transfer_get_direction(t) == CHAT_TRANSFER_UPLOAD;
    if (chat_transfer_get_file_id(t) != 0 && self->file_id == 0)
        chat_file_row_set_file_id(self, chat_transfer_get_file_id(t));
    const GError *error = chat_transfer_get_error(t);
    switch (chat_transfer_get_state(t)) {
    case CHAT_TRANSFER_RUNNING:
        chat_file_row_show_progress(self, chat_transfer_get_done(t), chat_transfer_get_size(t),
                                    chat_transfer_get_speed(t));
        break;
    case CHAT_TRANSFER_CHECKING:
        chat_file_row_show_complete(self, chat_transfer_get_path(t),
                                    _("sent, the server is checking it"));
        break;
    case CHAT_TRANSFER_DONE:
        chat_file_row_show_complete(self, chat_transfer_get_path(t),
                                    upload ? _("shared") : _("downloaded"));
        break;
    case CHAT_TRANSFER_FAILED:
        chat_file_row_show_failed(self, error ? error->message : NULL);
        break;
    case CHAT_TRANSFER_CANCELLED:
        set_state(self, CHAT_FILE_ROW_CANCELLED, _("Cancelled"));
        break;
    }
}

static void on_transfer_notify(ChatTransfer *transfer, GParamSpec *pspec, ChatFileRow *self)
{
    (void)transfer;
    (void)pspec;
    show_transfer(self);
}

/* Holds transfer (instead of any earlier one) and follows it through "notify". */
void chat_file_row_follow(ChatFileRow *self, ChatTransfer *transfer)
{
    g_return_if_fail(CHAT_IS_FILE_ROW(self) && CHAT_IS_TRANSFER(transfer));
    g_object_ref(transfer);
    unfollow(self);
    self->transfer = transfer;
    if (chat_transfer_get_direction(transfer) == CHAT_TRANSFER_UPLOAD)
        chat_file_row_set_path(self, chat_transfer_get_path(transfer));
    g_signal_connect(transfer, "notify", G_CALLBACK(on_transfer_notify), self);
    show_transfer(self);
}
