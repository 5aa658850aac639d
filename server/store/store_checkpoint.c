/* WAL checkpoints off the event loop. A checkpoint copies the WAL back into chat.db and
 * fsyncs it: tens of milliseconds on a slow disk, which SQLite's automatic checkpoint
 * would spend inside a commit on the loop thread, stalling every client. Here the
 * commit only notices that the WAL has grown past STORE_CHECKPOINT_PAGES and wakes a
 * thread that checkpoints (PASSIVE: it never blocks the writer) over its own
 * connection. Under a write load that never pauses the thread may not catch up (the WAL
 * is reused only once it has been copied whole); past STORE_CHECKPOINT_FORCE_PAGES the
 * commit checkpoints itself, a stall that keeps the WAL bounded. */
#include "server/store/store_private.h"

#include <stdio.h>

#include "server/limits.h"

struct store_checkpointer {
    sqlite3 *db;              /* the thread's own connection */
    GThread *thread;
    GMutex lock;
    GCond wake;
    bool wanted;              /* the WAL has grown: checkpoint when free */
    bool stop;
};

static gpointer checkpoint_main(gpointer data)
{
    struct store_checkpointer *cp = data;
    g_mutex_lock(&cp->lock);
    for (;;) {
        while (!cp->wanted && !cp->stop)
            g_cond_wait(&cp->wake, &cp->lock);
        if (cp->stop)
            break;
        cp->wanted = false;
        g_mutex_unlock(&cp->lock);
        /* A failure (disk full) is retried at the next wake-up; meanwhile the commits,
         * which meet the same disk, report it (ERROR(STORAGE) and a log line). */
        sqlite3_wal_checkpoint_v2(cp->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        g_mutex_lock(&cp->lock);
    }
    g_mutex_unlock(&cp->lock);
    return NULL;
}

/* sqlite3_wal_hook: after each commit, with the pages now in the WAL. */
static int on_wal_commit(void *data, sqlite3 *db, const char *schema, int pages)
{
    (void)schema;
    struct store_checkpointer *cp = data;
    if (pages >= STORE_CHECKPOINT_FORCE_PAGES) {
        sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        return SQLITE_OK;
    }
    if (pages >= STORE_CHECKPOINT_PAGES) {
        g_mutex_lock(&cp->lock);
        cp->wanted = true;
        g_cond_signal(&cp->wake);
        g_mutex_unlock(&cp->lock);
    }
    return SQLITE_OK;
}

enum store_status store_checkpointer_start(struct store *st, const char *path)
{
    sqlite3 *db = NULL;
    /* The read makes the connection find the WAL: until it has looked at the database,
     * a checkpoint through it does nothing. */
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK ||
        sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) !=
        SQLITE_OK) {
        snprintf(st->error, sizeof st->error, "opening the checkpoint connection: %s",
                 db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return STORE_ERROR;
    }
    sqlite3_busy_timeout(db, STORE_CHECKPOINT_BUSY_MS);
    struct store_checkpointer *cp = g_new0(struct store_checkpointer, 1);
    cp->db = db;
    g_mutex_init(&cp->lock);
    g_cond_init(&cp->wake);
    cp->thread = g_thread_new("checkpoint", checkpoint_main, cp);
    st->checkpointer = cp;
    sqlite3_wal_hook(st->db, on_wal_commit, cp); /* replaces the automatic checkpoint */
    return STORE_OK;
}

void store_checkpointer_stop(struct store *st)
{
    struct store_checkpointer *cp = st->checkpointer;
    if (cp == NULL)
        return;
    sqlite3_wal_hook(st->db, NULL, NULL);
    g_mutex_lock(&cp->lock);
    cp->stop = true;
    g_cond_signal(&cp->wake);
    g_mutex_unlock(&cp->lock);
    g_thread_join(cp->thread);
    sqlite3_close(cp->db);
    g_mutex_clear(&cp->lock);
    g_cond_clear(&cp->wake);
    g_free(cp);
    st->checkpointer = NULL;
}
