/* The files directory: unnamed or exclusive temp files, no-clobber final names, and
 * the files open for downloads. */
#include "server/filestore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/limits.h"
#include "server/log.h"
#include "server/store/store.h"

#define TEMP_PREFIX ".upload-"
#define TEMP_SUFFIX ".part"

struct filestore {
    char *dir;
    char *temp_prefix;  /* TEMP_PREFIX, then "n<node>-" for a cluster node */
    struct store *store;
    GHashTable *open;  /* id (uint64_t *) -> struct stored_file * being read */
};

/* Removes prefix*TEMP_SUFFIX files: uploads an earlier run never finished. */
static unsigned remove_leftovers(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    unsigned removed = 0;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        if (g_str_has_prefix(entry->d_name, prefix) &&
            g_str_has_suffix(entry->d_name, TEMP_SUFFIX) &&
            unlinkat(dirfd(d), entry->d_name, 0) == 0)
            removed++;
    }
    closedir(d);
    return removed;
}

static void stored_file_free(gpointer data)
{
    struct stored_file *f = data;
    if (f->read_fd >= 0)
        close(f->read_fd);
    g_free(f->name);
    g_free(f);
}

struct filestore *filestore_open(const char *dir, uint32_t node, struct store *st,
                                 unsigned *leftovers, char *err, size_t errlen)
{
    struct stat sb;
    if (g_mkdir_with_parents(dir, 0700) != 0 || stat(dir, &sb) != 0) {
        snprintf(err, errlen, "cannot create files directory %s: %s", dir, g_strerror(errno));
        return NULL;
    }
    if (!S_ISDIR(sb.st_mode)) {
        snprintf(err, errlen, "files directory %s is not a directory", dir);
        return NULL;
    }
    struct filestore *fs = g_new0(struct filestore, 1);
    fs->dir = g_strdup(dir);
    fs->temp_prefix = node == 0 ? g_strdup(TEMP_PREFIX)
                                : g_strdup_printf(TEMP_PREFIX "n%u-", (unsigned)node);
    fs->store = st;
    fs->open = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, stored_file_free);
    *leftovers = remove_leftovers(dir, fs->temp_prefix);
    return fs;
}

void filestore_free(struct filestore *fs)
{
    if (fs == NULL)
        return;
    g_hash_table_destroy(fs->open);
    g_free(fs->temp_prefix);
    g_free(fs->dir);
    g_free(fs);
}

int filestore_create_temp(struct filestore *fs, struct filestore_temp *t)
{
    t->path = NULL;
    t->fd = open(fs->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (t->fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
        return t->fd >= 0 ? 0 : -1;
    /* No O_TMPFILE here: a named file, created with O_CREAT|O_EXCL and mode 0600. */
    char *tmpl = g_strdup_printf("%s/%sXXXXXX" TEMP_SUFFIX, fs->dir, fs->temp_prefix);
    t->fd = mkostemps(tmpl, (int)strlen(TEMP_SUFFIX), O_CLOEXEC);
    if (t->fd < 0) {
        int saved = errno;
        g_free(tmpl);
        errno = saved;
        return -1;
    }
    t->path = tmpl;
    return 0;
}

void filestore_discard_temp(struct filestore_temp *t)
{
    /* A named file that cannot be removed (read-only directory) at least keeps no
     * data; the next start removes it. */
    if (t->path != NULL && unlink(t->path) != 0 && t->fd >= 0 && ftruncate(t->fd, 0) != 0)
        log_event(LOG_WARN, 0, NULL, NULL, "cannot remove or empty %s: %s", t->path,
                  g_strerror(errno));
    if (t->fd >= 0)
        close(t->fd);
    g_free(t->path);
    *t = (struct filestore_temp){ .fd = -1 };
}

/* The n-th candidate for name: the name itself, then "stem (n).ext". */
static char *candidate_name(const char *name, int n)
{
    if (n == 1)
        return g_strdup(name);
    const char *dot = strrchr(name, '.');
    if (dot == NULL || dot == name)
        return g_strdup_printf("%s (%d)", name, n);
    return g_strdup_printf("%.*s (%d)%s", (int)(dot - name), name, n, dot);
}

/* Gives t the name `to` unless it exists (EEXIST). An unnamed file is linked in; a
 * named one renamed (filesystems without RENAME_NOREPLACE get link() + unlink(), just
 * as safe against clobbering). */
static int link_noclobber(const struct filestore_temp *t, const char *to)
{
    if (t->path == NULL) {
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", t->fd);
        if (linkat(AT_FDCWD, proc, AT_FDCWD, to, AT_SYMLINK_FOLLOW) == 0)
            return 0;
        if (errno != ENOENT) /* no /proc: linking by descriptor needs privilege */
            return -1;
        return linkat(t->fd, "", AT_FDCWD, to, AT_EMPTY_PATH);
    }
    if (renameat2(AT_FDCWD, t->path, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return -1;
    if (link(t->path, to) != 0)
        return -1;
    unlink(t->path);
    return 0;
}

char *filestore_keep(struct filestore *fs, struct filestore_temp *t, const char *name)
{
    for (int n = 1; n <= SERVER_UNIQUE_NAME_TRIES; n++) {
        char *final_name = candidate_name(name, n);
        char *path = g_build_filename(fs->dir, final_name, NULL);
        int status = link_noclobber(t, path);
        int saved = errno;
        g_free(path);
        if (status == 0) {
            close(t->fd);
            g_free(t->path);
            *t = (struct filestore_temp){ .fd = -1 };
            return final_name;
        }
        g_free(final_name);
        if (saved != EEXIST) {
            errno = saved;
            return NULL;
        }
    }
    errno = EEXIST;
    return NULL;
}

bool filestore_exists(struct filestore *fs, const char *name)
{
    char *path = g_build_filename(fs->dir, name, NULL);
    struct stat sb;
    bool found = lstat(path, &sb) == 0;
    g_free(path);
    return found;
}

void filestore_remove(struct filestore *fs, const char *name)
{
    char *path = g_build_filename(fs->dir, name, NULL);
    if (unlink(path) != 0 && errno != ENOENT)
        log_event(LOG_WARN, 0, NULL, NULL, "cannot remove stored file: %s",
                  g_strerror(errno));
    g_free(path);
}

bool filestore_remove_older(struct filestore *fs, const char *name, int64_t before_ms)
{
    char *path = g_build_filename(fs->dir, name, NULL);
    char quoted[LOG_QUOTE_CAP(SERVER_FILE_NAME_MAX)];
    log_quote(quoted, sizeof quoted, name, strnlen(name, SERVER_FILE_NAME_MAX));
    struct stat sb;
    bool removed = false;
    if (lstat(path, &sb) == 0 &&
        (int64_t)sb.st_ctim.tv_sec * 1000 + sb.st_ctim.tv_nsec / 1000000 >= before_ms)
        log_event(LOG_WARN, 0, NULL, NULL, "kept stored file %s: it is newer than the "
                  "prune that names it", quoted);
    else if (unlink(path) == 0)
        removed = true;
    else if (errno != ENOENT)
        log_event(LOG_WARN, 0, NULL, NULL, "cannot remove stored file %s: %s", quoted,
                  g_strerror(errno));
    g_free(path);
    return removed;
}

/* Reads the index entry of id and opens its file: a new entry with no readers. */
static enum filestore_status filestore_load(struct filestore *fs, uint64_t id,
                                            struct stored_file **out)
{
    struct store_file row;
    int found = store_find_file(fs->store, id, &row);
    if (found <= 0) {
        if (found < 0)
            log_event(LOG_ERROR, 0, NULL, NULL, "cannot look up file %" PRIu64 ": %s", id,
                      store_error(fs->store));
        return found == 0 ? FILESTORE_NOT_FOUND : FILESTORE_ERROR;
    }
    char *path = g_build_filename(fs->dir, row.name, NULL);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int saved = errno;
    g_free(path);
    if (fd < 0) {
        log_event(LOG_ERROR, 0, NULL, NULL, "cannot open stored file %" PRIu64 ": %s", id,
                  g_strerror(saved));
        store_file_clear(&row);
        return FILESTORE_ERROR;
    }
    struct stored_file *f = g_new0(struct stored_file, 1);
    f->id = id;
    f->room_id = row.room_id;
    f->name = row.name; /* taken over from row */
    f->size = row.size;
    memcpy(f->sha256, row.sha256, PROTO_SHA256_LEN);
    f->read_fd = fd;
    g_hash_table_insert(fs->open, &f->id, f);
    *out = f;
    return FILESTORE_OK;
}

enum filestore_status filestore_acquire(struct filestore *fs, uint64_t id,
                                        struct stored_file **out)
{
    struct stored_file *f = g_hash_table_lookup(fs->open, &id);
    if (f == NULL) {
        enum filestore_status status = filestore_load(fs, id, &f);
        if (status != FILESTORE_OK)
            return status;
    }
    f->readers++;
    *out = f;
    return FILESTORE_OK;
}

void filestore_release(struct filestore *fs, struct stored_file *f)
{
    if (--f->readers == 0)
        g_hash_table_remove(fs->open, &f->id);
}
