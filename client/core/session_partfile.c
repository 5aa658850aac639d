/* Part files of resumable downloads: the sidecar that says what a part file holds,
 * finding one to resume, opening it, and moving it to its final name, all blocking work
 * run in worker threads. The contracts of the non-static functions are in
 * session_fileops.h. */
#include "client/core/session_fileops.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SIDECAR_SUFFIX ".info"
#define SIDECAR_GROUP "download"
#define MAX_NAME_TRIES 1000u
/* Downloads land in the user's own folders (Downloads) and get the permissions any
 * file saved there gets: these modes, less the user's umask. */
#define DOWNLOAD_DIR_MODE 0777
#define DOWNLOAD_FILE_MODE 0666

void part_file_free(struct part_file *p)
{
    if (!p)
        return;
    g_free(p->path);
    if (p->sum)
        g_checksum_free(p->sum);
    g_free(p);
}

void opened_part_free(struct opened_part *o)
{
    if (!o)
        return;
    g_free(o->path);
    g_clear_object(&o->stream);
    g_free(o);
}

/* ---- Sidecars ---- */

static char *sidecar_path(const char *part_path)
{
    return g_strconcat(part_path, SIDECAR_SUFFIX, NULL);
}

/* Reads a sidecar into a new part_file (path set from the sidecar's name), or NULL when
 * it is missing or not one of ours. */
static struct part_file *sidecar_load(const char *info_path)
{
    GKeyFile *kf = g_key_file_new();
    struct part_file *p = NULL;
    if (g_key_file_load_from_file(kf, info_path, G_KEY_FILE_NONE, NULL)) {
        GError *error = NULL;
        guint64 id = g_key_file_get_uint64(kf, SIDECAR_GROUP, "file_id", &error);
        guint64 size = error ? 0 : g_key_file_get_uint64(kf, SIDECAR_GROUP, "size", &error);
        char *hex = error ? NULL : g_key_file_get_string(kf, SIDECAR_GROUP, "sha256", &error);
        guint8 sha[PROTO_SHA256_LEN] = { 0 };
        gboolean hex_ok = hex && strlen(hex) == 2 * PROTO_SHA256_LEN;
        for (guint i = 0; hex_ok && i < PROTO_SHA256_LEN; i++) {
            int hi = g_ascii_xdigit_value(hex[2 * i]), lo = g_ascii_xdigit_value(hex[2 * i + 1]);
            hex_ok = hi >= 0 && lo >= 0;
            sha[i] = (guint8)(hi * 16 + lo);
        }
        if (!error && hex_ok && id > 0) {
            p = g_new0(struct part_file, 1);
            p->path = g_strndup(info_path, strlen(info_path) - strlen(SIDECAR_SUFFIX));
            p->file_id = id;
            p->size = size;
            memcpy(p->sha256, sha, sizeof sha);
        }
        g_clear_error(&error);
        g_free(hex);
    }
    g_key_file_free(kf);
    return p;
}

static gboolean sidecar_save(const struct part_file *p, GError **error)
{
    GString *hex = g_string_sized_new(2 * PROTO_SHA256_LEN);
    for (guint i = 0; i < PROTO_SHA256_LEN; i++)
        g_string_append_printf(hex, "%02x", p->sha256[i]);
    GKeyFile *kf = g_key_file_new();
    g_key_file_set_uint64(kf, SIDECAR_GROUP, "file_id", p->file_id);
    g_key_file_set_uint64(kf, SIDECAR_GROUP, "size", p->size);
    g_key_file_set_string(kf, SIDECAR_GROUP, "sha256", hex->str);
    char *info = sidecar_path(p->path);
    gboolean ok = g_key_file_save_to_file(kf, info, error);
    g_free(info);
    g_key_file_free(kf);
    g_string_free(hex, TRUE);
    return ok;
}

/* ---- Finding a download to resume ---- */

struct find_job {
    char *dir;
    guint64 file_id;
    gboolean known;
    guint64 size;
    guint8 sha256[PROTO_SHA256_LEN];
};

static void find_job_free(struct find_job *job)
{
    g_free(job->dir);
    g_free(job);
}

/* Hashes the bytes p's part file holds, if it is a plain file no longer than p->size. */
static gboolean part_hash_prefix(struct part_file *p, GCancellable *cancel)
{
    int fd = open(p->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return FALSE;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (guint64)st.st_size > p->size) {
        close(fd);
        return FALSE;
    }
    GInputStream *in = g_unix_input_stream_new(fd, TRUE);
    p->sum = g_checksum_new(G_CHECKSUM_SHA256);
    gboolean ok = fileops_hash_stream(in, (guint64)st.st_size, p->sum, &p->offset, cancel, NULL);
    g_object_unref(in);
    return ok;
}

static void find_part_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
    (void)source;
    struct find_job *job = data;
    GError *error = NULL;
    if (g_mkdir_with_parents(job->dir, DOWNLOAD_DIR_MODE) != 0) {
        fileops_errno_error(&error, errno, _("create folder"), job->dir);
        g_task_return_error(task, error);
        return;
    }
    GDir *dir = g_dir_open(job->dir, 0, &error);
    if (!dir) {
        g_task_return_error(task, error);
        return;
    }
    struct part_file *found = NULL;
    const char *entry;
    while (!found && (entry = g_dir_read_name(dir))) {
        if (!g_str_has_suffix(entry, ".part" SIDECAR_SUFFIX))
            continue;
        char *info = g_build_filename(job->dir, entry, NULL);
        struct part_file *p = sidecar_load(info);
        g_free(info);
        gboolean match = p && p->file_id == job->file_id &&
                         (!job->known || (p->size == job->size &&
                                          memcmp(p->sha256, job->sha256, PROTO_SHA256_LEN) == 0));
        if (match && part_hash_prefix(p, cancel))
            found = p;
        else
            part_file_free(p);
    }
    g_dir_close(dir);
    g_task_return_pointer(task, found, (GDestroyNotify)part_file_free);
}

void fileops_find_part_async(const char *dir, guint64 file_id, gboolean known, guint64 size,
                             const guint8 *sha256, GCancellable *cancel,
                             GAsyncReadyCallback done, gpointer data)
{
    struct find_job *job = g_new0(struct find_job, 1);
    job->dir = g_strdup(dir);
    job->file_id = file_id;
    job->known = known;
    job->size = size;
    if (known)
        memcpy(job->sha256, sha256, PROTO_SHA256_LEN);
    fileops_run(job, (GDestroyNotify)find_job_free, find_part_thread, cancel, done, data);
}

struct part_file *fileops_find_part_finish(GAsyncResult *res, GError **error)
{
    return g_task_propagate_pointer(G_TASK(res), error);
}

/* ---- Opening a part file ---- */

/* "NAME" for n == 1, else "STEM (n).EXT" (or "NAME (n)" without an extension). */
static char *numbered_name(const char *name, guint n)
{
    if (n == 1)
        return g_strdup(name);
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name)
        return g_strdup_printf("%s (%u)", name, n);
    return g_strdup_printf("%.*s (%u)%s", (int)(dot - name), name, n, dot);
}

struct open_job {
    char *dir;
    char *name;
    struct part_file spec;           /* path NULL: create a new part file */
};

static void open_job_free(struct open_job *job)
{
    g_free(job->dir);
    g_free(job->name);
    g_free(job->spec.path);
    g_free(job);
}

/* Creates a part file no other download owns; returns its fd and sets *path. */
static int part_create(struct open_job *job, char **path, GError **error)
{
    for (guint n = 1; n <= MAX_NAME_TRIES; n++) {
        char *base = numbered_name(job->name, n);
        char *file = g_strconcat(base, ".part", NULL);
        char *candidate = g_build_filename(job->dir, file, NULL);
        g_free(base);
        g_free(file);
        int fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                      DOWNLOAD_FILE_MODE);
        int err = errno;
        if (fd < 0 && err == EEXIST) {
            /* An earlier part file of this same download may be taken over. */
            char *info = sidecar_path(candidate);
            struct part_file *old = sidecar_load(info);
            g_free(info);
            if (old && old->file_id == job->spec.file_id)
                fd = open(candidate, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
            part_file_free(old);
        }
        if (fd >= 0) {
            *path = candidate;
            return fd;
        }
        if (err != EEXIST) {
            fileops_errno_error(error, err, _("create"), candidate);
            g_free(candidate);
            return -1;
        }
        g_free(candidate);
    }
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("too many files named like %s"),
                job->name);
    return -1;
}

static void open_part_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
    (void)source;
    (void)cancel;
    struct open_job *job = data;
    GError *error = NULL;
    char *path = NULL;
    int fd;
    if (!job->spec.path) {
        fd = part_create(job, &path, &error);
        struct part_file described = job->spec;
        described.path = path;
        if (fd >= 0 && !sidecar_save(&described, &error)) {
            close(fd);
            unlink(path);
            fd = -1;
        }
    } else {
        path = g_strdup(job->spec.path);
        fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || ftruncate(fd, (off_t)job->spec.offset) != 0 ||
            lseek(fd, (off_t)job->spec.offset, SEEK_SET) < 0) {
            fileops_errno_error(&error, errno, _("reopen"), path);
            if (fd >= 0)
                close(fd);
            fd = -1;
        }
    }
    if (fd < 0) {
        g_free(path);
        g_task_return_error(task, error);
        return;
    }
    struct opened_part *o = g_new0(struct opened_part, 1);
    o->path = path;
    o->stream = g_unix_output_stream_new(fd, TRUE);
    g_task_return_pointer(task, o, (GDestroyNotify)opened_part_free);
}

void fileops_open_part_async(const char *dir, const char *name, const struct part_file *spec,
                             GCancellable *cancel, GAsyncReadyCallback done, gpointer data)
{
    struct open_job *job = g_new0(struct open_job, 1);
    job->dir = g_strdup(dir);
    job->name = g_strdup(name);
    job->spec = *spec;
    job->spec.path = g_strdup(spec->path);
    job->spec.sum = NULL;
    fileops_run(job, (GDestroyNotify)open_job_free, open_part_thread, cancel, done, data);
}

struct opened_part *fileops_open_part_finish(GAsyncResult *res, GError **error)
{
    return g_task_propagate_pointer(G_TASK(res), error);
}

/* ---- Completing or discarding a part file ---- */

struct complete_job {
    GOutputStream *stream;
    char *part_path;
    char *dir;
    char *name;
};

static void complete_job_free(struct complete_job *job)
{
    g_clear_object(&job->stream);
    g_free(job->part_path);
    g_free(job->dir);
    g_free(job->name);
    g_free(job);
}

/* rename() that fails with EEXIST instead of replacing; link()+unlink() where the file
 * system has no RENAME_NOREPLACE. */
static int rename_no_replace(const char *from, const char *to)
{
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
        return -1;
    if (link(from, to) != 0)
        return -1;
    unlink(from);
    return 0;
}

static void complete_part_thread(GTask *task, gpointer source, gpointer data,
                                 GCancellable *cancel)
{
    (void)source;
    struct complete_job *job = data;
    GError *error = NULL;
    if (!g_output_stream_close(job->stream, cancel, &error)) {
        g_task_return_error(task, error);
        return;
    }
    for (guint n = 1; n <= MAX_NAME_TRIES; n++) {
        char *base = numbered_name(job->name, n);
        char *target = g_build_filename(job->dir, base, NULL);
        g_free(base);
        if (rename_no_replace(job->part_path, target) == 0) {
            char *info = sidecar_path(job->part_path);
            unlink(info);
            g_free(info);
            g_task_return_pointer(task, target, g_free);
            return;
        }
        int err = errno;
        if (err != EEXIST) {
            fileops_errno_error(&error, err, _("rename to"), target);
            g_free(target);
            g_task_return_error(task, error);
            return;
        }
        g_free(target);
    }
    g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_EXISTS, _("too many files named like %s"),
                            job->name);
}

void fileops_complete_part_async(GOutputStream *stream, const char *part_path, const char *dir,
                                 const char *name, GCancellable *cancel,
                                 GAsyncReadyCallback done, gpointer data)
{
    struct complete_job *job = g_new0(struct complete_job, 1);
    job->stream = g_object_ref(stream);
    job->part_path = g_strdup(part_path);
    job->dir = g_strdup(dir);
    job->name = g_strdup(name);
    fileops_run(job, (GDestroyNotify)complete_job_free, complete_part_thread, cancel, done, data);
}

char *fileops_complete_part_finish(GAsyncResult *res, GError **error)
{
    return g_task_propagate_pointer(G_TASK(res), error);
}

static void discard_part_thread(GTask *task, gpointer source, gpointer data,
                                GCancellable *cancel)
{
    (void)source;
    struct complete_job *job = data;
    g_output_stream_close(job->stream, cancel, NULL);
    char *info = sidecar_path(job->part_path);
    unlink(job->part_path);
    unlink(info);
    g_free(info);
    g_task_return_boolean(task, TRUE);
}

void fileops_discard_part(GOutputStream *stream, const char *part_path)
{
    struct complete_job *job = g_new0(struct complete_job, 1);
    job->stream = g_object_ref(stream);
    job->part_path = g_strdup(part_path);
    fileops_run(job, (GDestroyNotify)complete_job_free, discard_part_thread, NULL, NULL, NULL);
}
