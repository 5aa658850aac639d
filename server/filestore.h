/* The files directory, and the files being read from it.
 *
 * An upload is written to an unnamed temporary file in the directory (O_TMPFILE), so
 * nothing of it is ever visible and a failed or killed upload leaves nothing behind;
 * where the filesystem cannot do that, to files-dir/.upload-XXXXXX.part (created
 * exclusively, mode 0600; a cluster node's as .upload-n<node>-XXXXXX.part, so that in
 * a directory the nodes share each removes only its own), removed on failure and, after
 * a crash, at the next start.
 * A complete upload gets its final name without ever replacing an existing file. Which
 * file has which id is the store's file index; a file is open here only while someone
 * downloads it. */
#ifndef CHAT_SERVER_FILESTORE_H
#define CHAT_SERVER_FILESTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/protocol.h"

struct store;

struct stored_file {
    uint64_t id;
    uint32_t room_id;   /* the room it was shared in: only its members may read it */
    char *name;       /* the base name in the files directory, shown to users */
    uint64_t size;
    uint8_t sha256[PROTO_SHA256_LEN];
    int read_fd;      /* shared by all downloads of this file */
    uint32_t readers;
};

/* An upload's temporary file. */
struct filestore_temp {
    int fd;
    char *path;       /* NULL for an unnamed (O_TMPFILE) file */
};

struct filestore;

/* Creates dir (mode 0700) if missing and removes temp files left by an earlier run of
 * this node (node: the cluster node id, 0 for a single node, which removes every temp
 * file; *leftovers says how many). Files are looked up in st's index. Returns NULL with
 * err filled on failure. */
struct filestore *filestore_open(const char *dir, uint32_t node, struct store *st,
                                 unsigned *leftovers, char *err, size_t errlen);

/* Releases the registry and any open read descriptors. */
void filestore_free(struct filestore *fs);

/* Creates a new empty temp file; returns 0, or -1 with errno. */
int filestore_create_temp(struct filestore *fs, struct filestore_temp *t);

/* Closes a temp file and removes what is left of it. */
void filestore_discard_temp(struct filestore_temp *t);

/* Gives a complete temp file a free name derived from name ("x.txt", "x (2).txt"...)
 * and closes it. Returns that base name (g_free), or NULL with errno (the temp file is
 * then still the caller's to discard). */
char *filestore_keep(struct filestore *fs, struct filestore_temp *t, const char *name);

/* True when a file of that base name is in the directory. */
bool filestore_exists(struct filestore *fs, const char *name);

/* Removes a stored file by its base name (an unannounced or pruned file). */
void filestore_remove(struct filestore *fs, const char *name);

/* filestore_remove() of a file last linked or changed (its ctime) before before_ms (wall
 * clock), so not a newer upload given the same name once the first was gone (left and
 * logged). True if this call removed it (false too if it was gone already). */
bool filestore_remove_older(struct filestore *fs, const char *name, int64_t before_ms);

enum filestore_status {
    FILESTORE_OK,
    FILESTORE_NOT_FOUND,   /* no file with that id in the index */
    FILESTORE_ERROR,       /* the index or the file could not be read (logged) */
};

/* Opens the file with that id for reading, sharing one descriptor among its readers.
 * On FILESTORE_OK, *out is the file; each needs one filestore_release(). */
enum filestore_status filestore_acquire(struct filestore *fs, uint64_t id,
                                        struct stored_file **out);

/* Drops one reader; the last one closes the file. */
void filestore_release(struct filestore *fs, struct stored_file *f);

#endif
