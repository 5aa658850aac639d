/* What the store's own files share (the files of server/store/ only): the handle, a cache of
 * prepared statements, and the pass transaction that group commit closes. A file that
 * writes calls store_begin_write() first, so its writes land in the pass transaction
 * and store_commit() covers them. */
#ifndef CHAT_SERVER_STORE_PRIVATE_H
#define CHAT_SERVER_STORE_PRIVATE_H

#include <glib.h>
#include <sqlite3.h>

#include "server/store/store.h"

struct store {
    sqlite3 *db;
    bool memory;              /* STORE_MEMORY: nothing on disk */
    int lock_fd;              /* STORE_LOCK_NAME held with flock; -1 in memory */
    bool in_pass;             /* the pass transaction is open */
    bool pass_lost;           /* SQLite rolled it back after a failed write (disk full):
                                 the pass's commit must fail too */
    uint64_t pass_first_message; /* the first message id the open pass wrote, 0 if none:
                                    history reads stop below it (store_history.h) */
    uint64_t message_id_floor; /* the id the next messages row must take, 0 when SQLite's
                                  own choice (the largest id + 1) is right: a prune took
                                  the newest rows (store_messages.c, schema v9) */
    bool reading;             /* store_read_begin() opened a read transaction */
    GHashTable *stmts;        /* SQL text -> sqlite3_stmt*, prepared once */
    GHashTable *stmt_at;      /* address of the SQL text a caller passed -> its statement
                                 in stmts: hashing the text was ~1,200 instructions a
                                 lookup, three lookups per stored text */
    struct store_checkpointer *checkpointer; /* NULL in memory */
    uint64_t failures;        /* store_fail() calls so far (store_failures()) */
    char error[512];
};

/* Rolls the open pass back for a write that must not be half kept (st->error says why):
 * its commit then fails, so nothing the pass wrote is acknowledged. */
void store_abandon_pass(struct store *st);

/* The prepared statement for sql, reset and with no bindings, or NULL (store_error()
 * says why). Prepared once per store and cached: pass string literals. */
sqlite3_stmt *store_stmt(struct store *st, const char *sql);

/* Opens the pass transaction unless it is open already; every write goes after it.
 * STORE_ERROR if BEGIN failed. */
enum store_status store_begin_write(struct store *st);

/* Records sqlite's message for the last failure on st (what: the action that failed)
 * and returns STORE_ERROR. */
enum store_status store_fail(struct store *st, const char *what);

/* Runs a statement to completion (SQLITE_DONE), then resets it: STORE_OK or the
 * failure recorded under what. */
enum store_status store_step_done(struct store *st, sqlite3_stmt *stmt, const char *what);

/* Binds to parameter col of an INSERT into messages the id its row must take, or NULL
 * (SQLite's choice, the largest id + 1) when that is never one handed out before. */
void store_bind_message_id(struct store *st, sqlite3_stmt *stmt, int col);

/* After that INSERT: the new row's id (the pass's first message if it is the first). */
uint64_t store_message_inserted(struct store *st);

/* Reads the least id a new messages row may take (meta messages_next_id), at open and
 * after a rollback (whose rows' ids, never acknowledged, may come again; not a pruned
 * row's). */
enum store_status store_messages_open(struct store *st);

/* Starts the thread that checkpoints the WAL of st's database at path whenever a
 * commit finds it over STORE_CHECKPOINT_PAGES (store_checkpoint.c). */
enum store_status store_checkpointer_start(struct store *st, const char *path);

/* Stops that thread (if any) and closes its connection. */
void store_checkpointer_stop(struct store *st);

/* Registers chat_rank, the FTS5 ranking of search (store_rank.c). */
enum store_status store_rank_register(struct store *st);

/* Brings the schema from version `from` to STORE_SCHEMA_VERSION (store_schema.c). */
#define STORE_SCHEMA_VERSION 9
enum store_status store_migrate(struct store *st, int from);

#endif
