/* ChatWindow, files: the attach button (a native file chooser) and files dropped on the
 * window start uploads; Download and Cancel in file rows go to the session, and each
 * row follows the ChatTransfer it was given. */
#include "client/gtk/window_private.h"

#include <glib/gi18n.h>

#include "client/gtk/notify.h"

enum { TARGET_URI_LIST };

static void add_warning(ChatWindow *self, const char *name, const char *why)
{
    char *text = g_strdup_printf(_("\u26A0 Could not send %s: %s"), name, why);
    chat_message_list_add_notice(self->message_list, text);
    g_free(text);
}

/* Starts uploading path into room (with thumb, a preview, unless NULL); NULL (with the
 * failure shown as a notice) when it cannot. */
static ChatTransfer *start_upload(ChatWindow *self, ChatRoom *room, const char *path,
                                  GBytes *thumb)
{
    GError *error = NULL;
    ChatTransfer *upload = NULL;
    if (room != NULL && thumb != NULL)
        upload = chat_session_upload_with_thumbnail(self->session, chat_room_get_id(room), path,
                                                    thumb, &error);
    else if (room != NULL)
        upload = chat_session_upload_to(self->session, chat_room_get_id(room), path, &error);
    if (room == NULL)
        g_set_error_literal(&error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_INVALID,
                            _("start the conversation with a message first"));
    if (upload == NULL) {
        char *name = g_path_get_basename(path);
        add_warning(self, name, error->message);
        g_free(name);
        g_error_free(error);
    }
    return upload;
}

/* Starts uploading path into room_id (with thumb unless NULL) and shows its row there;
 * failures show as a notice (window_thumbnails.c calls it once the preview is made). */
void window_files_send(ChatWindow *self, guint32 room_id, const char *path, GBytes *thumb)
{
    ChatRoom *room = chat_session_find_room(self->session, room_id);
    ChatTransfer *upload = start_upload(self, room, path, thumb);
    if (upload == NULL)
        return;
    const char *me = chat_session_get_username(self->session);
    chat_message_list_add_upload(window_rooms_list(self, room_id), upload,
                                 me ? me : self->username);
}

/* Sends path into the room on screen (an image after its preview is made). */
static void send_file(ChatWindow *self, const char *path)
{
    ChatRoom *room = window_rooms_current(self);
    if (room == NULL)
        start_upload(self, NULL, path, NULL); /* says why not */
    else
        window_thumbnails_send(self, chat_room_get_id(room), path);
}

static void on_chooser_response(GtkNativeDialog *dialog, int response, ChatWindow *self)
{
    if (response == GTK_RESPONSE_ACCEPT) {
        GtkFileChooser *chooser = GTK_FILE_CHOOSER(dialog);
        char *folder = gtk_file_chooser_get_current_folder(chooser);
        if (folder != NULL) {
            settings_set_last_folder(self->settings, folder);
            settings_save(self->settings, NULL);
        }
        g_free(folder);
        GSList *paths = gtk_file_chooser_get_filenames(chooser);
        for (GSList *p = paths; p != NULL; p = p->next)
            send_file(self, p->data);
        g_slist_free_full(paths, g_free);
    }
    g_object_unref(dialog);
}

/* Attach: a native chooser (a portal when there is one), modal, non-blocking. */
static void on_attach_clicked(ChatWindow *self)
{
    GtkFileChooserNative *chooser = gtk_file_chooser_native_new(
        _("Send a file"), GTK_WINDOW(self), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Send"),
        _("_Cancel"));
    gtk_file_chooser_set_select_multiple(GTK_FILE_CHOOSER(chooser), TRUE);
    const char *folder = settings_get_last_folder(self->settings);
    gtk_file_chooser_set_current_folder(GTK_FILE_CHOOSER(chooser),
                                        folder != NULL ? folder : g_get_home_dir());
    gtk_native_dialog_set_modal(GTK_NATIVE_DIALOG(chooser), TRUE);
    g_signal_connect(chooser, "response", G_CALLBACK(on_chooser_response), self);
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
}

/* Files dropped on the window are sent, like attached ones. */
static void on_drag_data_received(GtkWidget *widget, GdkDragContext *context, int x, int y,
                                  GtkSelectionData *data, guint info, guint time,
                                  ChatWindow *self)
{
    (void)widget;
    (void)x;
    (void)y;
    gboolean took = FALSE;
    char **uris = info == TARGET_URI_LIST ? gtk_selection_data_get_uris(data) : NULL;
    for (char **uri = uris; uri != NULL && *uri != NULL; uri++) {
        char *path = g_filename_from_uri(*uri, NULL, NULL);
        if (path != NULL) {
            send_file(self, path);
            took = TRUE;
        } else {
            add_warning(self, *uri, _("only local files can be sent"));
        }
        g_free(path);
    }
    g_strfreev(uris);
    gtk_drag_finish(context, took, FALSE, time);
}

static void on_download_requested(ChatMessageList *list, ChatFileRow *row, ChatWindow *self)
{
    (void)list;
    GError *error = NULL;
    ChatTransfer *download = chat_session_download(self->session, chat_file_row_get_file_id(row),
                                                   self->files_dir, &error);
    if (download == NULL) {
        chat_file_row_show_failed(row, error->message);
        g_error_free(error);
        return;
    }
    chat_file_row_follow(row, download);
}

/* Retry after a cancel: the same download again, or our file uploaded anew. */
static void on_retry_requested(ChatMessageList *list, ChatFileRow *row, ChatWindow *self)
{
    if (!chat_file_row_get_own(row)) {
        on_download_requested(list, row, self);
        return;
    }
    const char *path = chat_file_row_get_path(row);
    ChatTransfer *upload =
        path != NULL ? start_upload(self, window_rooms_current(self), path, NULL) : NULL;
    if (upload == NULL) {
        chat_file_row_show_failed(row, _("the file cannot be sent again"));
        return;
    }
    chat_file_row_follow(row, upload);
}

static void on_cancel_requested(ChatMessageList *list, ChatFileRow *row, ChatWindow *self)
{
    (void)list;
    ChatTransfer *transfer = chat_file_row_get_transfer(row);
    if (transfer != NULL)
        chat_session_cancel_transfer(self->session, transfer);
}

/* Rows follow their transfers; a finished download is also worth a notification. */
static void on_transfer_finished(ChatSession *session, ChatTransfer *transfer, ChatWindow *self)
{
    (void)session;
    if (chat_transfer_get_direction(transfer) == CHAT_TRANSFER_DOWNLOAD)
        notify_unless_active(GTK_WINDOW(self), _("Download complete"),
                             chat_transfer_get_name(transfer));
}

/* A failure no row shows (its row went with the row cap) is a warning line. */
static void on_transfer_failed(ChatSession *session, ChatTransfer *transfer, const char *reason,
                               ChatWindow *self)
{
    (void)session;
    if (!window_rooms_shows_transfer(self, transfer))
        add_warning(self, chat_transfer_get_name(transfer), reason);
}

static void on_file_announced(ChatSession *session, ChatFileInfo *file, ChatWindow *self)
{
    (void)session;
    ChatMessageList *list = window_rooms_list(self, file->room_id);
    gboolean news = file->message_id > chat_message_list_get_newest_id(list);
    ChatFileRow *row = chat_message_list_add_file(list, file);
    window_message_actions_attach(self, GTK_WIDGET(row));
    window_thumbnails_show(row, file);
    if (!file->own && news) {
        char *body = g_strdup_printf(_("shared the file %s"), file->name);
        window_chat_note_incoming(self, file->room_id, file->uploader, body,
                                  chat_session_get_notify_level(self->session, file->room_id)
                                      == CHAT_NOTIFY_ALL);
        g_free(body);
    }
}

/* Relays a conversation's file row buttons to the session. */
void window_files_watch_list(ChatWindow *self, ChatMessageList *list)
{
    g_signal_connect(list, "download-requested", G_CALLBACK(on_download_requested), self);
    g_signal_connect(list, "cancel-requested", G_CALLBACK(on_cancel_requested), self);
    g_signal_connect(list, "retry-requested", G_CALLBACK(on_retry_requested), self);
}

/* Wires files. */
void window_files_init(ChatWindow *self)
{
    static const GtkTargetEntry targets[] = {
        { (char *)"text/uri-list", 0, TARGET_URI_LIST },
    };
    gtk_drag_dest_set(GTK_WIDGET(self), GTK_DEST_DEFAULT_ALL, targets, G_N_ELEMENTS(targets),
                      GDK_ACTION_COPY);
    g_signal_connect(self, "drag-data-received", G_CALLBACK(on_drag_data_received), self);
    g_signal_connect_swapped(self->attach_button, "clicked", G_CALLBACK(on_attach_clicked), self);
    g_signal_connect(self->session, "transfer-finished", G_CALLBACK(on_transfer_finished), self);
    g_signal_connect(self->session, "transfer-failed", G_CALLBACK(on_transfer_failed), self);
    g_signal_connect(self->session, "file-announced", G_CALLBACK(on_file_announced), self);
}
