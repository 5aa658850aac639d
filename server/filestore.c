/* The files directory: exclusive temp files, no-clobber final names, and the registry
 * of this run's files. */
#include "server/filestore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/limits.h"

#define TEMP_PREFIX ".upload-"
#define TEMP_SUFFIX ".part"

struct filestore {
    char *dir;
    GPtrArray *files; /* struct stored_file *, index = id - 1 */
};

/* Removes TEMP_PREFIX*TEMP_SUFFIX files: uploads an earlier run never finished. */
static unsigned remove_leftovers(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    unsigned removed = 0;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        if (g_str_has_prefix(entry->d_name, TEMP_PREFIX) &&
            g_str_has_suffix(entry->d_name, TEMP_SUFFIX) &&
            unlinkat(dirfd(d), entry->d_name, 0) == 0)
            removed++;
    }
    closedir(d);
    return removed;
}

struct filestore *filestore_open(const char *dir, unsigned *leftovers, char *err,
                                 size_t errlen)
{
    struct stat st;
    if (g_mkdir_with_parents(dir, 0700) != 0 || stat(dir, &st) != 0) {
        snprintf(err, errlen, "cannot create files directory %s: %s", dir, g_strerror(errno));
        return NULL;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "files directory %s is not a directory", dir);
        return NULL;
    }
    struct filestore *fs = g_new0(struct filestore, 1);
    fs->dir = g_strdup(dir);
    fs->files = g_ptr_array_new();
    *leftovers = remove_leftovers(dir);
    return fs;
}

static void stored_file_free(struct stored_file *f)
{
    if (f->readers > 0)
        close(f->read_fd);
    g_free(f->path);
    g_free(f->name);
    g_free(f);
}

void filestore_free(struct filestore *fs)
{
    if (fs == NULL)
        return;
    for (guint i = 0; i < fs->files->len; i++)
        stored_file_free(g_ptr_array_index(fs->files, i));
    g_ptr_array_free(fs->files, TRUE);
    g_free(fs->dir);
    g_free(fs);
}

int filestore_create_temp(struct filestore *fs, char **path)
{
    /* mkostemps opens with O_CREAT|O_EXCL and mode 0600. */
    char *tmpl = g_strdup_printf("%s/" TEMP_PREFIX "XXXXXX" TEMP_SUFFIX, fs->dir);
    int fd = mkostemps(tmpl, (int)strlen(TEMP_SUFFIX), O_CLOEXEC);
    if (fd < 0) {
        int saved = errno;
        g_free(tmpl);
        errno = saved;
        return -1;
    }
    *path = tmpl;
    return fd;
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

/* Renames from to to unless to exists (EEXIST). Filesystems without RENAME_NOREPLACE
 * get link() + unlink(), which is just as safe against clobbering. */
static int rename_noclobber(const char *from, const char *to)
{
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return -1;
    if (link(from, to) != 0)
        return -1;
    unlink(from);
    return 0;
}

const struct stored_file *filestore_commit(struct filestore *fs, const char *temp_path,
                                           const char *name, uint64_t size,
                                           const uint8_t sha256[PROTO_SHA256_LEN])
{
    for (int n = 1; n <= SERVER_UNIQUE_NAME_TRIES; n++) {
        char *final_name = candidate_name(name, n);
        char *path = g_build_filename(fs->dir, final_name, NULL);
        if (rename_noclobber(temp_path, path) == 0) {
            struct stored_file *f = g_new0(struct stored_file, 1);
            f->id = fs->files->len + 1;
            f->path = path;
            f->name = final_name;
            f->size = size;
            memcpy(f->sha256, sha256, PROTO_SHA256_LEN);
            f->read_fd = -1;
            g_ptr_array_add(fs->files, f);
            return f;
        }
        int saved = errno;
        g_free(final_name);
        g_free(path);
        if (saved != EEXIST) {
            errno = saved;
            return NULL;
        }
    }
    errno = EEXIST;
    return NULL;
}

struct stored_file *filestore_find(struct filestore *fs, uint64_t id)
{
    if (id == 0 || id > fs->files->len)
        return NULL;
    return g_ptr_array_index(fs->files, id - 1);
}

int filestore_reader_acquire(struct stored_file *f)
{
    if (f->readers == 0) {
        f->read_fd = open(f->path, O_RDONLY | O_CLOEXEC);
        if (f->read_fd < 0)
            return -1;
    }
    f->readers++;
    return f->read_fd;
}

void filestore_reader_release(struct stored_file *f)
{
    if (--f->readers == 0) {
        close(f->read_fd);
        f->read_fd = -1;
    }
}
