/* The server's one storage interface: a SQLite database (data-dir/chat.db) holding
 * messages, the file index and, through store_accounts.h, accounts, sessions and
 * invites. No SQL lives outside server/store/.
 *
 * Group commit: the first write of a loop pass opens a transaction and store_commit(),
 * called once before the loop flushes any reply of that pass, commits it. Until then
 * nothing written is durable, so whatever depends on a write waits for the commit
 * (server/deliver.h). A failed commit rolls the whole pass back: ids handed out in that
 * pass were never delivered, so they may be handed out again. */
#ifndef CHAT_SERVER_STORE_H
#define CHAT_SERVER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/protocol.h"

/* As --data-dir: a private in-memory database, for benchmarks (nothing survives). */
#define STORE_MEMORY ":memory:"
#define STORE_DB_NAME "chat.db"
/* Held (flock) by the one process that has the data directory open. */
#define STORE_LOCK_NAME "chat.lock"

struct store;

enum store_status {
    STORE_OK = 0,
    STORE_ERROR = -1,   /* store_error() says what failed */
};

/* A text or file announcement as it is kept. Strings are borrowed from the caller. */
struct store_message {
    uint32_t room_id;
    int64_t time_ms;
    int64_t sender_id;         /* account id; 0 for a guest (stored as NULL) */
    const char *sender_name;
    uint64_t client_id;        /* the sender's own id for it */
    const char *body;          /* text messages: the text, body_len bytes */
    size_t body_len;
};

/* A file in the index. */
struct store_file {
    uint64_t id;
    uint64_t message_id;       /* its announcement */
    uint32_t room_id;
    int64_t time_ms;
    char *name;                /* stored base name in the files directory (owned) */
    uint64_t size;
    uint8_t sha256[PROTO_SHA256_LEN];
    const uint8_t *thumb;      /* store_add_file: a checked thumbnail (borrowed) or NULL */
    size_t thumb_len;
    uint16_t thumb_width, thumb_height;
};

/* Opens (creating if missing) data_dir/chat.db, or an in-memory database when data_dir
 * is STORE_MEMORY. Refuses a data directory another process holds open (its
 * STORE_LOCK_NAME is locked: a second server, or an accounts command while the server
 * runs, would not see the first one's memory). Refuses, without writing to it, a
 * database that fails PRAGMA
 * quick_check or has a schema newer than this program; migrates an older one forward.
 * Returns STORE_OK and *out, or STORE_ERROR with err filled. */
enum store_status store_open(const char *data_dir, struct store **out, char *err,
                             size_t errlen);

/* A second, read-only connection to data_dir/chat.db (opened by store_open() before,
 * which made and migrated it), for a thread of its own: it sees what is committed.
 * STORE_OK with *out NULL for STORE_MEMORY (no other connection can see that
 * database); STORE_ERROR with err filled. Close with store_close(). */
enum store_status store_open_reader(const char *data_dir, struct store **out, char *err,
                                    size_t errlen);

/* Closes the database (an open pass transaction is rolled back). NULL is ignored. */
void store_close(struct store *st);

/* The last failure's description (for log lines and error messages). */
const char *store_error(const struct store *st);

/* How many store operations have failed since the store was opened: a caller that must
 * know whether a whole sequence of reads and writes went through (a cluster node
 * applying a stream entry) compares it before and after. */
uint64_t store_failures(const struct store *st);

/* True while the current pass has written something not yet committed. */
bool store_pass_dirty(const struct store *st);

/* The first message id the open pass wrote, 0 if it wrote none (or none is open): reads
 * of history stop below it until the commit. */
uint64_t store_pass_first_message(const struct store *st);

/* Holds one read snapshot across the reads until store_read_end() (one request's page
 * and its flags agree; one lock instead of one per statement). Inside the pass
 * transaction, which is a snapshot already, both do nothing. No write may come
 * between them. */
void store_read_begin(struct store *st);
void store_read_end(struct store *st);

/* Commits the pass transaction, if any. STORE_ERROR: everything the pass wrote is
 * rolled back and the store is ready for the next pass. */
enum store_status store_commit(struct store *st);

/* Stores a text message; *message_id is its new id (never used before in a committed
 * pass). */
enum store_status store_add_text(struct store *st, const struct store_message *m,
                                 uint64_t *message_id);

/* Stores a file in the index and its announcement message (sender, room and time taken
 * from m; f->name, size, sha256 and thumbnail from f); fills f->id and f->message_id. */
enum store_status store_add_file(struct store *st, const struct store_message *m,
                                 struct store_file *f);

/* 1 if a file index entry made at since_ms or later (wall clock; INT64_MIN: any) names
 * the stored file name, 0 if none does, STORE_ERROR if the lookup failed. */
int store_file_name_used(struct store *st, const char *name, int64_t since_ms);

/* Looks a file up by id: 1 and *out filled (free with store_file_clear), 0 if there is
 * none, STORE_ERROR if the lookup failed. */
int store_find_file(struct store *st, uint64_t id, struct store_file *out);

/* Frees what store_find_file() put in f. */
void store_file_clear(struct store_file *f);

/* Called by store_prune() with the name of each pruned file, before its row goes. */
typedef void (*store_pruned_file_fn)(const char *name, void *data);

/* Deletes up to max_rows messages older than before_ms (wall clock), with their files'
 * index entries (each name passed to on_file so the caller removes it from disk). Part
 * of the current pass's transaction. Returns the number of messages deleted, or
 * STORE_ERROR. */
int store_prune(struct store *st, int64_t before_ms, unsigned max_rows,
                store_pruned_file_fn on_file, void *data);

/* Copies the database in data_dir to dest with SQLite's online backup API, consistent
 * even while a server is writing to it. dest must not exist. */
enum store_status store_backup(const char *data_dir, const char *dest, char *err,
                               size_t errlen);

#endif
