/* Opening the database (checks, pragmas, migrations), the statement cache and the pass
 * transaction of group commit. */
#include "server/store/store_private.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/limits.h"

enum store_status store_fail(struct store *st, const char *what)
{
    snprintf(st->error, sizeof st->error, "%s: %s", what, sqlite3_errmsg(st->db));
    st->failures++;
    if (st->in_pass && sqlite3_get_autocommit(st->db))
        st->pass_lost = true;
    return STORE_ERROR;
}

uint64_t store_failures(const struct store *st)
{
    return st->failures;
}

void store_abandon_pass(struct store *st)
{
    if (!st->in_pass || st->pass_lost)
        return;
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    st->pass_lost = true;
}

const char *store_error(const struct store *st)
{
    return st->error;
}

bool store_pass_dirty(const struct store *st)
{
    return st->in_pass;
}

uint64_t store_pass_first_message(const struct store *st)
{
    return st->pass_first_message;
}

/* Runs SQL with no results; on failure records it under what. */
static enum store_status store_exec(struct store *st, const char *sql, const char *what)
{
    if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(st, what);
    return STORE_OK;
}

sqlite3_stmt *store_stmt(struct store *st, const char *sql)
{
    /* Found by the literal's address first; the text is compared, so a string that
     * was not a literal (its address since reused) still gets its own statement. */
    sqlite3_stmt *stmt = g_hash_table_lookup(st->stmt_at, sql);
    if (stmt != NULL && strcmp(sqlite3_sql(stmt), sql) == 0)
        return stmt;
    stmt = g_hash_table_lookup(st->stmts, sql);
    if (stmt == NULL) {
        if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) !=
            SQLITE_OK) {
            store_fail(st, "prepare");
            return NULL;
        }
        g_hash_table_insert(st->stmts, g_strdup(sql), stmt);
    }
    g_hash_table_insert(st->stmt_at, (gpointer)sql, stmt);
    return stmt;
}

enum store_status store_step_done(struct store *st, sqlite3_stmt *stmt, const char *what)
{
    int rc = sqlite3_step(stmt);
    enum store_status status = rc == SQLITE_DONE ? STORE_OK : store_fail(st, what);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return status;
}

/* Runs a transaction statement (BEGIN, COMMIT) that every pass or read runs, prepared
 * once: sqlite3_exec would parse it again each time (about 3 % of the server's CPU
 * under fan-out, measured with perf). On failure records it under what. */
static enum store_status store_run(struct store *st, const char *sql, const char *what)
{
    sqlite3_stmt *stmt = store_stmt(st, sql);
    return stmt != NULL ? store_step_done(st, stmt, what) : STORE_ERROR;
}

enum store_status store_begin_write(struct store *st)
{
    if (st->in_pass)
        return st->pass_lost ? STORE_ERROR : STORE_OK;
    store_read_end(st); /* defensive: a snapshot left open must not fail the write */
    if (store_run(st, "BEGIN IMMEDIATE", "begin") != STORE_OK)
        return STORE_ERROR;
    st->in_pass = true;
    return STORE_OK;
}

enum store_status store_commit(struct store *st)
{
    if (!st->in_pass)
        return STORE_OK;
    st->pass_first_message = 0;
    if (st->pass_lost) { /* st->error still says why */
        st->in_pass = st->pass_lost = false;
    } else {
        st->in_pass = false;
        if (store_run(st, "COMMIT", "commit") == STORE_OK)
            return STORE_OK;
        /* A failed COMMIT may leave the transaction open (SQLITE_BUSY, SQLITE_FULL):
         * close it so the next pass starts clean. */
        if (!sqlite3_get_autocommit(st->db))
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    }
    /* The pass's rows are gone, and its prune with them: the next id is the stored one.
     * (A failure here keeps the floor as it was, and st->error says the commit's.) */
    char why[sizeof st->error];
    memcpy(why, st->error, sizeof why);
    store_messages_open(st);
    memcpy(st->error, why, sizeof why);
    return STORE_ERROR;
}

void store_read_begin(struct store *st)
{
    if (st->in_pass || st->reading)
        return; /* the pass transaction is one snapshot already */
    st->reading = store_run(st, "BEGIN", "beginning a read") == STORE_OK;
}

void store_read_end(struct store *st)
{
    if (!st->reading)
        return;
    st->reading = false;
    if (store_run(st, "COMMIT", "ending a read") != STORE_OK && !sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Reads one integer from a single-row query; STORE_ERROR if it fails. */
static enum store_status query_int(struct store *st, const char *sql, const char *what,
                                   int64_t *out)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return store_fail(st, what);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW ? STORE_OK : store_fail(st, what);
}

/* PRAGMA quick_check: a damaged database is refused before anything writes to it. */
static enum store_status check_integrity(struct store *st)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check(1)", -1, &stmt, NULL) != SQLITE_OK)
        return store_fail(st, "quick_check");
    int rc = sqlite3_step(stmt);
    const char *verdict = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(stmt, 0) : NULL;
    enum store_status status = STORE_OK;
    if (verdict == NULL)
        status = store_fail(st, "quick_check");
    else if (strcmp(verdict, "ok") != 0) {
        snprintf(st->error, sizeof st->error, "quick_check failed: %s", verdict);
        status = STORE_ERROR;
    }
    sqlite3_finalize(stmt);
    return status;
}

/* The checks and settings every open goes through, in an order that writes nothing
 * until the database is known to be sound and not from a newer version. */
static enum store_status store_prepare(struct store *st)
{
    sqlite3_extended_result_codes(st->db, 1);
    int64_t version = 0;
    if (query_int(st, "PRAGMA user_version", "reading the schema version", &version) !=
        STORE_OK || check_integrity(st) != STORE_OK)
        return STORE_ERROR;
    if (version > STORE_SCHEMA_VERSION) {
        snprintf(st->error, sizeof st->error,
                 "the database has schema version %lld, newer than this server's %d: "
                 "run a newer chat-server (the file is left untouched)",
                 (long long)version, STORE_SCHEMA_VERSION);
        return STORE_ERROR;
    }
    if (version < 0) {
        snprintf(st->error, sizeof st->error, "the database has schema version %lld",
                 (long long)version);
        return STORE_ERROR;
    }
    char size_limit[64], cache[64];
    snprintf(size_limit, sizeof size_limit, "PRAGMA journal_size_limit=%d",
             STORE_WAL_SIZE_LIMIT);
    snprintf(cache, sizeof cache, "PRAGMA cache_size=-%d", STORE_CACHE_KIB);
    if (!st->memory &&
        (store_exec(st, "PRAGMA journal_mode=WAL", "enabling WAL") != STORE_OK ||
         store_exec(st, size_limit, "limiting the WAL") != STORE_OK))
        return STORE_ERROR;
    if (store_exec(st, "PRAGMA synchronous=NORMAL", "setting synchronous") != STORE_OK ||
        store_exec(st, cache, "sizing the page cache") != STORE_OK ||
        store_exec(st, "PRAGMA foreign_keys=ON", "enabling foreign keys") != STORE_OK ||
        /* a deleted message's text (and a pruned one's) is overwritten with zeros in the
         * file, not only unlinked: deleted means gone from the disk too */
        store_exec(st, "PRAGMA secure_delete=ON", "enabling secure delete") != STORE_OK)
        return STORE_ERROR;
    sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
    if (store_rank_register(st) != STORE_OK)
        return STORE_ERROR;
    if (store_migrate(st, (int)version) != STORE_OK)
        return STORE_ERROR;
    return store_messages_open(st);
}

/* Makes data_dir (mode 0700) if it is missing; the path of chat.db in it. */
static char *db_path(const char *data_dir, char *err, size_t errlen)
{
    struct stat sb;
    if (g_mkdir_with_parents(data_dir, 0700) != 0 || stat(data_dir, &sb) != 0) {
        snprintf(err, errlen, "cannot create data directory %s: %s", data_dir,
                 g_strerror(errno));
        return NULL;
    }
    if (!S_ISDIR(sb.st_mode)) {
        snprintf(err, errlen, "data directory %s is not a directory", data_dir);
        return NULL;
    }
    return g_build_filename(data_dir, STORE_DB_NAME, NULL);
}

/* Takes data_dir's lock file for this process: its descriptor, or -1 with err filled
 * when another process holds it or it cannot be opened. */
static int lock_data_dir(const char *data_dir, char *err, size_t errlen)
{
    char *path = g_build_filename(data_dir, STORE_LOCK_NAME, NULL);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, g_strerror(errno));
    } else if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK)
            snprintf(err, errlen, "data directory %s is in use by another chat-server "
                     "process (it holds %s); stop it first", data_dir, path);
        else
            snprintf(err, errlen, "cannot lock %s: %s", path, g_strerror(errno));
        close(fd);
        fd = -1;
    }
    g_free(path);
    return fd;
}

static void stmt_finalize(gpointer stmt)
{
    sqlite3_finalize(stmt);
}

/* A handle with its statement caches and nothing open yet (store_close() frees it). */
static struct store *store_new(bool memory, int lock_fd)
{
    struct store *st = g_new0(struct store, 1);
    st->memory = memory;
    st->lock_fd = lock_fd;
    st->stmts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, stmt_finalize);
    st->stmt_at = g_hash_table_new(g_direct_hash, g_direct_equal);
    return st;
}

enum store_status store_open(const char *data_dir, struct store **out, char *err,
                             size_t errlen)
{
    *out = NULL;
    bool memory = strcmp(data_dir, STORE_MEMORY) == 0;
    char *path = memory ? g_strdup(STORE_MEMORY) : db_path(data_dir, err, errlen);
    if (path == NULL)
        return STORE_ERROR;
    int lock_fd = memory ? -1 : lock_data_dir(data_dir, err, errlen);
    if (!memory && lock_fd < 0) {
        g_free(path);
        return STORE_ERROR;
    }
    struct store *st = store_new(memory, lock_fd);
    /* No memory statistics (nothing here reads them): SQLite then takes no process-wide
     * mutex around each of its allocations, a few per cent of the server's CPU when
     * every text is stored. Only possible before SQLite's first use: later calls are
     * refused, harmlessly. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    int rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                             SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK || store_prepare(st) != STORE_OK ||
        (!memory && store_checkpointer_start(st, path) != STORE_OK)) {
        if (rc != SQLITE_OK)
            snprintf(st->error, sizeof st->error, "%s",
                     st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
        snprintf(err, errlen, "cannot use the database %s: %s", path, st->error);
        g_free(path);
        store_close(st);
        return STORE_ERROR;
    }
    g_free(path);
    *out = st;
    return STORE_OK;
}

enum store_status store_open_reader(const char *data_dir, struct store **out, char *err,
                                    size_t errlen)
{
    *out = NULL;
    if (strcmp(data_dir, STORE_MEMORY) == 0)
        return STORE_OK; /* another connection would see another, empty database */
    char *path = db_path(data_dir, err, errlen);
    if (path == NULL)
        return STORE_ERROR;
    struct store *st = store_new(false, -1);
    char cache[64];
    snprintf(cache, sizeof cache, "PRAGMA cache_size=-%d", STORE_CACHE_KIB);
    int rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK || store_exec(st, cache, "sizing the page cache") != STORE_OK ||
        store_rank_register(st) != STORE_OK) {
        if (rc != SQLITE_OK)
            snprintf(st->error, sizeof st->error, "%s",
                     st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
        snprintf(err, errlen, "cannot read the database %s: %s", path, st->error);
        g_free(path);
        store_close(st);
        return STORE_ERROR;
    }
    sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
    g_free(path);
    *out = st;
    return STORE_OK;
}

void store_close(struct store *st)
{
    if (st == NULL)
        return;
    store_checkpointer_stop(st);
    g_hash_table_destroy(st->stmt_at);
    g_hash_table_destroy(st->stmts); /* every statement finalized before the close */
    if (st->in_pass)
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(st->db);
    if (st->lock_fd >= 0)
        close(st->lock_fd); /* releases the lock, once everything is on disk */
    g_free(st);
}
