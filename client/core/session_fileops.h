/* Blocking file work of the session, each job run in a GTask worker thread so the main
 * loop never waits on the disk. A job touches only the data handed to it; its result
 * arrives on the caller's main context through the usual GAsyncReadyCallback.
 * session_fileops.c: running jobs, hashing, appending; session_partfile.c: part files. */
#ifndef CHAT_SESSION_FILEOPS_H
#define CHAT_SESSION_FILEOPS_H

#include <gio/gio.h>

#include "common/protocol.h"

/* Local names stay this short so " (999)" and ".part.info" still fit in NAME_MAX. */
#define FILEOPS_LOCAL_NAME_MAX 200u

/* An upload's source: the file opened, hashed whole and rewound for streaming. */
struct hashed_file {
    GInputStream *stream;
    guint64 size;                    /* bytes hashed: the size to offer */
    guint8 sha256[PROTO_SHA256_LEN];
};

/* A download's partial file and what its sidecar (path + ".info") says about it. */
struct part_file {
    char *path;                      /* DIR/NAME.part */
    guint64 file_id;
    guint64 size;                    /* whole file size */
    guint8 sha256[PROTO_SHA256_LEN]; /* of the whole file */
    guint64 offset;                  /* bytes already in the part file, hashed into sum */
    GChecksum *sum;                  /* SHA-256 state over those bytes */
};

/* A part file opened for writing at its end. */
struct opened_part {
    char *path;
    GOutputStream *stream;
};

/* Runs func in a worker thread with job as its task data (freed with free_job); done,
 * if any, is called on the caller's main context. */
void fileops_run(gpointer job, GDestroyNotify free_job, GTaskThreadFunc func,
                 GCancellable *cancel, GAsyncReadyCallback done, gpointer user_data);

/* For jobs: sets error from errno value err as "cannot WHAT PATH: reason"; returns FALSE. */
gboolean fileops_errno_error(GError **error, int err, const char *what, const char *path);

/* For jobs: feeds up to limit bytes of in (fewer at its end) into sum, counting them in
 * *bytes. */
gboolean fileops_hash_stream(GInputStream *in, guint64 limit, GChecksum *sum, guint64 *bytes,
                             GCancellable *cancel, GError **error);

/* Free what the jobs return; NULL is fine. */
void hashed_file_free(struct hashed_file *h);
void part_file_free(struct part_file *p);
void opened_part_free(struct opened_part *o);

/* Opens path, computes its SHA-256 and size in one pass, and rewinds it. */
void fileops_hash_file_async(const char *path, GCancellable *cancel, GAsyncReadyCallback done,
                             gpointer data);
struct hashed_file *fileops_hash_file_finish(GAsyncResult *res, GError **error);

/* Creates dir (0700) if missing and looks in it for a partial download of file_id whose
 * sidecar matches size and sha256 (when known is TRUE; otherwise any sidecar of that id),
 * hashing the bytes it already holds. Finishes with NULL and no error when there is
 * nothing to resume. */
void fileops_find_part_async(const char *dir, guint64 file_id, gboolean known, guint64 size,
                             const guint8 *sha256, GCancellable *cancel,
                             GAsyncReadyCallback done, gpointer data);
struct part_file *fileops_find_part_finish(GAsyncResult *res, GError **error);

/* Opens a part file for the download described by spec. With spec->path NULL it creates
 * DIR/NAME.part (0600, never following links, never taking a part file another download
 * owns: then "NAME (2).part" and so on) and writes its sidecar; otherwise it reopens
 * spec->path cut to spec->offset bytes. */
void fileops_open_part_async(const char *dir, const char *name, const struct part_file *spec,
                             GCancellable *cancel, GAsyncReadyCallback done, gpointer data);
struct opened_part *fileops_open_part_finish(GAsyncResult *res, GError **error);

/* Adds data to sum and appends it to stream: the hashing and the disk write of a
 * download both happen off the main loop. sum must stay alive until the job finishes. */
void fileops_write_part_async(GOutputStream *stream, GChecksum *sum, GBytes *data,
                              GCancellable *cancel, GAsyncReadyCallback done, gpointer user_data);
gboolean fileops_write_part_finish(GAsyncResult *res, GError **error);

/* Closes stream, moves the part file to DIR/NAME, or "NAME (2).ext" and so on if that
 * exists (never replacing a file), and removes the sidecar. Finishes with the final path. */
void fileops_complete_part_async(GOutputStream *stream, const char *part_path, const char *dir,
                                 const char *name, GCancellable *cancel,
                                 GAsyncReadyCallback done, gpointer data);
char *fileops_complete_part_finish(GAsyncResult *res, GError **error);

/* Removes a part file and its sidecar in the background (after a checksum mismatch). */
void fileops_discard_part(GOutputStream *stream, const char *part_path);

#endif
