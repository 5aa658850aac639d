/* ChatWindow, image previews. Sending an image (by its content type) first makes a
 * thumbnail of at most 320 x 320 pixels and 64 KiB (PNG, else JPEG, smaller until it
 * fits) with GdkPixbuf on a worker thread, then offers the file with it; an image too
 * big to read safely, or one GdkPixbuf cannot read, goes without. An announced
 * thumbnail (already checked by the session: PNG or JPEG, size and dimensions from its
 * header) is decoded only after the same check, by a loader of exactly that format
 * that refuses other dimensions, and shown in the file's row (at most 240 px). An image
 * pasted into the message box (Ctrl+V) is sent the same way. */
#include "client/gtk/window_private.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

/* The thumbnail's limits (PROTOCOL.md: PROTO_MAX_THUMB_SIDE, PROTO_MAX_THUMB_BYTES). */
#define THUMB_SIDE 320
#define THUMB_BYTES 65536
/* Shown at most this large, so a row still fits a 360 px window. */
#define PREVIEW_SIDE 240
/* Larger sides are tried smaller until the encoding fits. */
static const int thumb_sides[] = { 320, 240, 160, 96 };
/* Images over this many pixels are not read for a preview (memory). */
#define SOURCE_PIXELS_MAX (64 * 1024 * 1024)

typedef struct {
    char *path;
    guint32 room_id;
    GdkPixbuf *pasted; /* an image to save at path first, or NULL */
} ThumbJob;

static void thumb_job_free(ThumbJob *job)
{
    g_free(job->path);
    g_clear_object(&job->pasted);
    g_free(job);
}

/* pixbuf scaled to fit side x side (never enlarged). */
static GdkPixbuf *fit(GdkPixbuf *pixbuf, int side)
{
    int w = gdk_pixbuf_get_width(pixbuf), h = gdk_pixbuf_get_height(pixbuf);
    if (w <= side && h <= side)
        return g_object_ref(pixbuf);
    double scale = (double)side / MAX(w, h);
    return gdk_pixbuf_scale_simple(pixbuf, MAX(1, (int)(w * scale)), MAX(1, (int)(h * scale)),
                                   GDK_INTERP_BILINEAR);
}

/* Encodes pixbuf as PNG, or JPEG when the PNG is too large; NULL when neither fits. */
static GBytes *encode(GdkPixbuf *pixbuf)
{
    static const char *const formats[] = { "png", "jpeg" };
    for (guint i = 0; i < G_N_ELEMENTS(formats); i++) {
        char *data = NULL;
        gsize len = 0;
        gboolean ok = i == 0 ? gdk_pixbuf_save_to_buffer(pixbuf, &data, &len, "png", NULL,
                                                        "compression", "9", NULL)
                             : gdk_pixbuf_save_to_buffer(pixbuf, &data, &len, "jpeg", NULL,
                                                         "quality", "80", NULL);
        if (ok && len <= THUMB_BYTES)
            return g_bytes_new_take(data, len);
        g_free(data);
    }
    return NULL;
}

/* The worker thread: the file read, scaled and encoded. */
static void make_thumbnail(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
    (void)source;
    (void)cancel;
    ThumbJob *job = data;
    GError *error = NULL;
    if (job->pasted != NULL && !gdk_pixbuf_save(job->pasted, job->path, "png", &error, NULL)) {
        g_task_return_error(task, error);
        return;
    }
    int width = 0, height = 0;
    if (gdk_pixbuf_get_file_info(job->path, &width, &height) == NULL || width <= 0 ||
        height <= 0 || (gint64)width * height > SOURCE_PIXELS_MAX) {
        g_task_return_pointer(task, NULL, NULL);
        return;
    }
    GdkPixbuf *image = width > THUMB_SIDE || height > THUMB_SIDE
                           ? gdk_pixbuf_new_from_file_at_scale(job->path, THUMB_SIDE,
                                                               THUMB_SIDE, TRUE, NULL)
                           : gdk_pixbuf_new_from_file(job->path, NULL);
    GBytes *thumb = NULL;
    if (image != NULL) {
        GdkPixbuf *upright = gdk_pixbuf_apply_embedded_orientation(image);
        for (guint i = 0; thumb == NULL && i < G_N_ELEMENTS(thumb_sides); i++) {
            GdkPixbuf *small = fit(upright, thumb_sides[i]);
            thumb = encode(small);
            g_object_unref(small);
        }
        g_object_unref(upright);
        g_object_unref(image);
    }
    g_task_return_pointer(task, thumb, (GDestroyNotify)g_bytes_unref);
}

/* Back on the main thread: the upload starts, with the thumbnail if there is one. */
static void on_thumbnail_made(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)data;
    ChatWindow *self = CHAT_WINDOW(source);
    ThumbJob *job = g_task_get_task_data(G_TASK(result));
    GError *error = NULL;
    GBytes *thumb = g_task_propagate_pointer(G_TASK(result), &error);
    if (error != NULL) { /* a pasted image could not be saved */
        if (self->session != NULL)
            window_message_actions_refused(self, _("Image not sent"), error->message);
        g_error_free(error);
        return;
    }
    if (self->session != NULL)
        window_files_send(self, job->room_id, job->path, thumb);
    if (thumb != NULL)
        g_bytes_unref(thumb);
}

/* TRUE when path names an image worth a preview (by its name and content type). */
static gboolean is_image(const char *path)
{
    char *type = g_content_type_guess(path, NULL, 0, NULL);
    char *mime = g_content_type_get_mime_type(type);
    gboolean image = mime != NULL && g_str_has_prefix(mime, "image/");
    g_free(mime);
    g_free(type);
    return image;
}

static void start_job(ChatWindow *self, ThumbJob *job)
{
    GTask *task = g_task_new(self, NULL, on_thumbnail_made, NULL);
    g_task_set_task_data(task, job, (GDestroyNotify)thumb_job_free);
    g_task_run_in_thread(task, make_thumbnail);
    g_object_unref(task);
}

/* Sends path into room_id: an image after its thumbnail is made, anything else now. */
void window_thumbnails_send(ChatWindow *self, guint32 room_id, const char *path)
{
    if (!is_image(path)) {
        window_files_send(self, room_id, path, NULL);
        return;
    }
    ThumbJob *job = g_new0(ThumbJob, 1);
    job->path = g_strdup(path);
    job->room_id = room_id;
    start_job(self, job);
}

/* A pasted image: saved as "Pasted image DATE TIME.png" under the user's cache folder
 * (on the worker thread, with its thumbnail), then sent into room_id. */
static void send_pasted(ChatWindow *self, guint32 room_id, GdkPixbuf *image)
{
    char *dir = g_build_filename(g_get_user_cache_dir(), "chat-client", "pasted", NULL);
    GDateTime *now = g_date_time_new_now_local();
    char *stamp = g_date_time_format(now, "%Y-%m-%d %H.%M.%S");
    char *name = g_strdup_printf(_("Pasted image %s.png"), stamp);
    ThumbJob *job = g_new0(ThumbJob, 1);
    job->path = g_build_filename(dir, name, NULL);
    job->room_id = room_id;
    job->pasted = g_object_ref(image);
    if (g_mkdir_with_parents(dir, 0700) == 0)
        start_job(self, job);
    else {
        window_message_actions_refused(self, _("Image not sent"), g_strerror(errno));
        thumb_job_free(job);
    }
    g_free(name);
    g_free(stamp);
    g_date_time_unref(now);
    g_free(dir);
}

static void on_clipboard_image(GtkClipboard *clipboard, GdkPixbuf *image, gpointer data)
{
    (void)clipboard;
    ChatWindow *self = data;
    ChatRoom *room = self->session != NULL ? window_rooms_current(self) : NULL;
    if (image != NULL && room != NULL)
        send_pasted(self, chat_room_get_id(room), image);
    g_object_unref(self);
}

/* Ctrl+V in the message box with only an image on the clipboard (a screenshot): the
 * image is sent as a file with its preview. Text pastes as always. */
static void on_targets(GtkClipboard *clipboard, GdkAtom *targets, int n, gpointer data)
{
    ChatWindow *self = data;
    if (targets != NULL && gtk_targets_include_image(targets, n, FALSE) &&
        !gtk_targets_include_text(targets, n))
        gtk_clipboard_request_image(clipboard, on_clipboard_image, g_object_ref(self));
    g_object_unref(self);
}

static void on_paste(GtkTextView *view, ChatWindow *self)
{
    GtkClipboard *clipboard = gtk_widget_get_clipboard(GTK_WIDGET(view),
                                                       GDK_SELECTION_CLIPBOARD);
    gtk_clipboard_request_targets(clipboard, on_targets, g_object_ref(self));
}

/* Watches the message box for pasted images. */
void window_thumbnails_init(ChatWindow *self)
{
    g_signal_connect(self->message_view, "paste-clipboard", G_CALLBACK(on_paste), self);
}

/* Refuses a thumbnail whose header does not say what the session checked. */
static void on_size_prepared(GdkPixbufLoader *loader, int width, int height, gpointer data)
{
    const guint *expected = data;
    if ((guint)width != expected[0] || (guint)height != expected[1])
        gdk_pixbuf_loader_set_size(loader, 1, 1); /* flagged below: no preview */
}

/* The announced thumbnail of file, decoded (PNG or JPEG only), or NULL. */
static GdkPixbuf *decode(GBytes *thumbnail)
{
    guint size[2];
    if (!chat_thumbnail_check(thumbnail, &size[0], &size[1], NULL))
        return NULL;
    gsize len;
    const guint8 *data = g_bytes_get_data(thumbnail, &len);
    const char *format = len >= 8 && memcmp(data, "\x89PNG", 4) == 0 ? "png" : "jpeg";
    GdkPixbufLoader *loader = gdk_pixbuf_loader_new_with_type(format, NULL);
    if (loader == NULL)
        return NULL;
    g_signal_connect(loader, "size-prepared", G_CALLBACK(on_size_prepared), size);
    GdkPixbuf *pixbuf = NULL;
    if (gdk_pixbuf_loader_write(loader, data, len, NULL) && gdk_pixbuf_loader_close(loader, NULL))
        pixbuf = gdk_pixbuf_loader_get_pixbuf(loader);
    else
        gdk_pixbuf_loader_close(loader, NULL);
    if (pixbuf != NULL && ((guint)gdk_pixbuf_get_width(pixbuf) != size[0] ||
                           (guint)gdk_pixbuf_get_height(pixbuf) != size[1]))
        pixbuf = NULL;
    if (pixbuf != NULL)
        g_object_ref(pixbuf);
    g_object_unref(loader);
    return pixbuf;
}

/* Shows file's thumbnail, if it has one, in its row. */
void window_thumbnails_show(ChatFileRow *row, const ChatFileInfo *file)
{
    if (file->thumbnail == NULL)
        return;
    GdkPixbuf *decoded = decode(file->thumbnail);
    if (decoded == NULL)
        return;
    GdkPixbuf *preview = fit(decoded, PREVIEW_SIDE);
    chat_file_row_set_thumbnail(row, preview);
    g_object_unref(preview);
    g_object_unref(decoded);
}
