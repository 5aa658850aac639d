/* Worker-thread file work of the session: running a job, hashing, and appending to a
 * download's part file (see session_fileops.h). Part-file bookkeeping is in
 * session_partfile.c. The contracts of the non-static functions are in the header. */
#include "client/core/session_fileops.h"

#include <errno.h>
#include <glib/gi18n.h>

#define HASH_BUF_SIZE (256u * 1024u)

void fileops_run(gpointer job, GDestroyNotify free_job, GTaskThreadFunc func,
                 GCancellable *cancel, GAsyncReadyCallback done, gpointer user_data)
{
    GTask *task = g_task_new(NULL, cancel, done, user_data);
    g_task_set_task_data(task, job, free_job);
    g_task_run_in_thread(task, func);
    g_object_unref(task);
}

void hashed_file_free(struct hashed_file *h)
{
    if (!h)
        return;
    g_clear_object(&h->stream);
    g_free(h);
}

gboolean fileops_errno_error(GError **error, int err, const char *what, const char *path)
{
    char *shown = g_filename_display_name(path);
    /* TRANSLATORS: "cannot create folder /x: reason"; the first %s is one of "create
     * folder", "create", "reopen" or "rename to" (translated), the second a path. */
    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("cannot %s %s: %s"), what,
                shown, g_strerror(err));
    g_free(shown);
    return FALSE;
}

gboolean fileops_hash_stream(GInputStream *in, guint64 limit, GChecksum *sum, guint64 *bytes,
                             GCancellable *cancel, GError **error)
{
    guint8 *buf = g_malloc(HASH_BUF_SIZE);
    gboolean ok = TRUE;
    *bytes = 0;
    while (*bytes < limit) {
        gssize n = g_input_stream_read(in, buf, MIN(HASH_BUF_SIZE, limit - *bytes), cancel, error);
        if (n <= 0) {
            ok = n == 0;
            break;
        }
        g_checksum_update(sum, buf, n);
        *bytes += (guint64)n;
    }
    g_free(buf);
    return ok;
}

static void checksum_digest(GChecksum *sum, guint8 out[PROTO_SHA256_LEN])
{
    gsize len = PROTO_SHA256_LEN;
    g_checksum_get_digest(sum, out, &len);
}

/* ---- Upload source ---- */

static void hash_file_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
    (void)source;
    GError *error = NULL;
    GFile *file = g_file_new_for_path(data);
    GFileInputStream *in = g_file_read(file, cancel, &error);
    g_object_unref(file);
    if (!in) {
        g_task_return_error(task, error);
        return;
    }
    struct hashed_file *h = g_new0(struct hashed_file, 1);
    h->stream = G_INPUT_STREAM(in);
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    gboolean ok = fileops_hash_stream(h->stream, G_MAXUINT64, sum, &h->size, cancel, &error) &&
                  g_seekable_seek(G_SEEKABLE(in), 0, G_SEEK_SET, cancel, &error);
    checksum_digest(sum, h->sha256);
    g_checksum_free(sum);
    if (ok)
        g_task_return_pointer(task, h, (GDestroyNotify)hashed_file_free);
    else {
        hashed_file_free(h);
        g_task_return_error(task, error);
    }
}

void fileops_hash_file_async(const char *path, GCancellable *cancel, GAsyncReadyCallback done,
                             gpointer data)
{
    fileops_run(g_strdup(path), g_free, hash_file_thread, cancel, done, data);
}

struct hashed_file *fileops_hash_file_finish(GAsyncResult *res, GError **error)
{
    return g_task_propagate_pointer(G_TASK(res), error);
}

/* ---- Writing to a part file ---- */

struct write_job {
    GOutputStream *stream;
    GChecksum *sum;                  /* borrowed: the caller keeps it alive */
    GBytes *data;
};

static void write_job_free(struct write_job *job)
{
    g_object_unref(job->stream);
    g_bytes_unref(job->data);
    g_free(job);
}

static void write_part_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
    (void)source;
    struct write_job *job = data;
    gsize len;
    const guint8 *bytes = g_bytes_get_data(job->data, &len);
    GError *error = NULL;
    g_checksum_update(job->sum, bytes, (gssize)len);
    if (g_output_stream_write_all(job->stream, bytes, len, NULL, cancel, &error))
        g_task_return_boolean(task, TRUE);
    else
        g_task_return_error(task, error);
}

void fileops_write_part_async(GOutputStream *stream, GChecksum *sum, GBytes *data,
                              GCancellable *cancel, GAsyncReadyCallback done, gpointer user_data)
{
    struct write_job *job = g_new0(struct write_job, 1);
    job->stream = g_object_ref(stream);
    job->sum = sum;
    job->data = g_bytes_ref(data);
    fileops_run(job, (GDestroyNotify)write_job_free, write_part_thread, cancel, done, user_data);
}

gboolean fileops_write_part_finish(GAsyncResult *res, GError **error)
{
    return g_task_propagate_boolean(G_TASK(res), error);
}
