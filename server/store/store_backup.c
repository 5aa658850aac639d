/* chat-server --backup: a consistent copy of a live database through SQLite's online
 * backup API. The copy is one step: in WAL mode it reads one snapshot while the server
 * goes on committing (readers never block the writer), whereas a copy in several steps
 * would start over after every commit of a busy server. */
#include "server/store/store_private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "server/limits.h"

/* Copies src into a new file at dest; a busy source (being recovered, checkpointed) is
 * retried for up to STORE_BACKUP_BUSY_MS. */
static enum store_status copy_database(sqlite3 *src, const char *dest, char *err,
                                       size_t errlen)
{
    sqlite3 *out = NULL;
    int rc = sqlite3_open_v2(dest, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    sqlite3_backup *bk = rc == SQLITE_OK ? sqlite3_backup_init(out, "main", src, "main")
                                         : NULL;
    if (bk == NULL) {
        snprintf(err, errlen, "cannot write %s: %s", dest,
                 out ? sqlite3_errmsg(out) : sqlite3_errstr(rc));
        sqlite3_close(out);
        return STORE_ERROR;
    }
    for (int waited = 0;; waited += STORE_BACKUP_RETRY_MS) {
        rc = sqlite3_backup_step(bk, -1);
        if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || waited >= STORE_BACKUP_BUSY_MS)
            break;
        sqlite3_sleep(STORE_BACKUP_RETRY_MS);
    }
    sqlite3_backup_finish(bk);
    if (rc != SQLITE_DONE)
        snprintf(err, errlen, "backup to %s failed: %s", dest, sqlite3_errstr(rc));
    sqlite3_close(out);
    return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

enum store_status store_backup(const char *data_dir, const char *dest, char *err,
                               size_t errlen)
{
    /* Refuse to replace anything: the destination is created here, exclusively. */
    int fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create %s: %s", dest, g_strerror(errno));
        return STORE_ERROR;
    }
    close(fd);
    char *path = g_build_filename(data_dir, STORE_DB_NAME, NULL);
    sqlite3 *src = NULL;
    int rc = sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL);
    enum store_status status = STORE_ERROR;
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", path,
                 src ? sqlite3_errmsg(src) : sqlite3_errstr(rc));
    } else {
        sqlite3_busy_timeout(src, STORE_BACKUP_RETRY_MS);
        status = copy_database(src, dest, err, errlen);
    }
    sqlite3_close(src);
    g_free(path);
    if (status != STORE_OK)
        unlink(dest);
    return status;
}
