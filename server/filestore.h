/* The files directory and the registry of files stored during this run.
 *
 * Uploads are written to files-dir/.upload-XXXXXX.part (created exclusively, mode 0600),
 * then moved to their final name without ever replacing an existing file. Stored files
 * get ids from 1; only they can be downloaded. */
#ifndef CHAT_SERVER_FILESTORE_H
#define CHAT_SERVER_FILESTORE_H

#include <stddef.h>
#include <stdint.h>

#include "common/protocol.h"

struct stored_file {
    uint64_t id;
    char *path;       /* files-dir/name */
    char *name;       /* the final base name, shown to users */
    uint64_t size;
    uint8_t sha256[PROTO_SHA256_LEN];
    int read_fd;      /* shared by all downloads of this file while there are any */
    uint32_t readers;
};

struct filestore;

/* Creates dir (mode 0700) if missing and removes temp files left by an earlier run
 * (*leftovers says how many). Returns NULL with err filled on failure. */
struct filestore *filestore_open(const char *dir, unsigned *leftovers, char *err,
                                 size_t errlen);

/* Releases the registry and any open read descriptors. */
void filestore_free(struct filestore *fs);

/* Creates a new empty temp file; returns its fd and sets *path (g_free), or -1 with
 * errno. */
int filestore_create_temp(struct filestore *fs, char **path);

/* Moves a complete temp file to a free name derived from name ("x.txt", "x (2).txt"...)
 * and registers it with the next id. Returns the entry, or NULL with errno (the temp
 * file is then left for the caller to remove). */
const struct stored_file *filestore_commit(struct filestore *fs, const char *temp_path,
                                           const char *name, uint64_t size,
                                           const uint8_t sha256[PROTO_SHA256_LEN]);

/* The stored file with that id, or NULL. */
struct stored_file *filestore_find(struct filestore *fs, uint64_t id);

/* Returns a descriptor to pread() the file from, shared among its readers, or -1 with
 * errno. Each successful call needs one filestore_reader_release(). */
int filestore_reader_acquire(struct stored_file *f);

/* Drops one reader; the last one closes the shared descriptor. */
void filestore_reader_release(struct stored_file *f);

#endif
