/* Messages and the file index: every text and file announcement is kept with its id,
 * time, sender and room; files are found again by id after a restart; old ones are
 * pruned in batches. */
#include "server/store/store_private.h"

#include <string.h>

enum message_kind {
    MESSAGE_TEXT = 1,
    MESSAGE_FILE = 2,
};

/* Adds text id to the search index (schema v6 says why this is not a trigger). A text
 * stored but not indexed would be kept unacknowledged, and its later edit or deletion
 * would tell the index to drop an entry it never had: a failure loses the whole pass. */
static enum store_status index_text(struct store *st, uint64_t id, const struct store_message *m)
{
    sqlite3_stmt *stmt = store_stmt(st, "INSERT INTO messages_fts (rowid, body) VALUES (?, ?)");
    if (stmt != NULL) {
        sqlite3_bind_int64(stmt, 1, (sqlite3_int64)id);
        sqlite3_bind_text(stmt, 2, m->body, (int)m->body_len, SQLITE_STATIC);
        if (store_step_done(st, stmt, "indexing a message") == STORE_OK)
            return STORE_OK;
    }
    store_abandon_pass(st);
    return STORE_ERROR;
}

void store_bind_message_id(struct store *st, sqlite3_stmt *stmt, int col)
{
    if (st->message_id_floor != 0)
        sqlite3_bind_int64(stmt, col, (sqlite3_int64)st->message_id_floor);
}

uint64_t store_message_inserted(struct store *st)
{
    uint64_t id = (uint64_t)sqlite3_last_insert_rowid(st->db);
    st->message_id_floor = 0; /* the largest id is id now */
    if (st->pass_first_message == 0) /* history reads stop below it until the commit */
        st->pass_first_message = id;
    return id;
}

enum store_status store_messages_open(struct store *st)
{
    sqlite3_stmt *stmt = store_stmt(st,
        "SELECT value FROM meta WHERE key = 'messages_next_id'"
        " AND value > (SELECT coalesce(max(id), 0) FROM messages)");
    if (stmt == NULL)
        return STORE_ERROR;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        st->message_id_floor = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_reset(stmt);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK
                                                 : store_fail(st, "reading the next message id");
}

/* Inserts a message row (body NULL for a file announcement; a text is indexed for
 * search) and returns its id. */
static enum store_status insert_message(struct store *st, const struct store_message *m,
                                        enum message_kind kind, uint64_t file_id,
                                        uint64_t *id)
{
    sqlite3_stmt *stmt = store_stmt(st,
        "INSERT INTO messages (room_id, time_ms, sender_id, sender_name, kind, body,"
        " file_id, client_id, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, m->room_id);
    sqlite3_bind_int64(stmt, 2, m->time_ms);
    if (m->sender_id > 0)
        sqlite3_bind_int64(stmt, 3, m->sender_id);
    sqlite3_bind_text(stmt, 4, m->sender_name, -1, SQLITE_STATIC);
    sqlite3_bind_int(stmt, 5, kind);
    if (kind == MESSAGE_TEXT)
        sqlite3_bind_text(stmt, 6, m->body, (int)m->body_len, SQLITE_STATIC);
    if (file_id != 0)
        sqlite3_bind_int64(stmt, 7, (sqlite3_int64)file_id);
    sqlite3_bind_int64(stmt, 8, (sqlite3_int64)m->client_id);
    store_bind_message_id(st, stmt, 9);
    if (store_step_done(st, stmt, "storing a message") != STORE_OK)
        return STORE_ERROR;
    *id = store_message_inserted(st);
    return kind == MESSAGE_TEXT ? index_text(st, *id, m) : STORE_OK;
}

enum store_status store_add_text(struct store *st, const struct store_message *m,
                                 uint64_t *message_id)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    return insert_message(st, m, MESSAGE_TEXT, 0, message_id);
}

enum store_status store_add_file(struct store *st, const struct store_message *m,
                                 struct store_file *f)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st,
        "INSERT INTO files (room_id, time_ms, uploader_id, uploader_name, name, size,"
        " sha256, thumb, thumb_width, thumb_height) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, m->room_id);
    sqlite3_bind_int64(stmt, 2, m->time_ms);
    if (m->sender_id > 0)
        sqlite3_bind_int64(stmt, 3, m->sender_id);
    sqlite3_bind_text(stmt, 4, m->sender_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 5, f->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 6, (sqlite3_int64)f->size);
    sqlite3_bind_blob(stmt, 7, f->sha256, PROTO_SHA256_LEN, SQLITE_STATIC);
    if (f->thumb != NULL) {
        sqlite3_bind_blob(stmt, 8, f->thumb, (int)f->thumb_len, SQLITE_STATIC);
        sqlite3_bind_int(stmt, 9, f->thumb_width);
        sqlite3_bind_int(stmt, 10, f->thumb_height);
    }
    if (store_step_done(st, stmt, "storing a file") != STORE_OK)
        return STORE_ERROR;
    f->id = (uint64_t)sqlite3_last_insert_rowid(st->db);
    f->room_id = m->room_id;
    f->time_ms = m->time_ms;
    if (insert_message(st, m, MESSAGE_FILE, f->id, &f->message_id) != STORE_OK)
        return STORE_ERROR;
    stmt = store_stmt(st, "UPDATE files SET message_id = ? WHERE id = ?");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)f->message_id);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)f->id);
    return store_step_done(st, stmt, "linking a file to its message");
}

int store_file_name_used(struct store *st, const char *name, int64_t since_ms)
{
    sqlite3_stmt *stmt = store_stmt(st,
        "SELECT 1 FROM files WHERE name = ? AND time_ms >= ? LIMIT 1");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, since_ms);
    int rc = sqlite3_step(stmt);
    int found = rc == SQLITE_ROW ? 1
                : rc == SQLITE_DONE ? 0 : store_fail(st, "looking up a file by name");
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return found;
}

int store_find_file(struct store *st, uint64_t id, struct store_file *out)
{
    if (id > INT64_MAX)
        return 0;
    sqlite3_stmt *stmt = store_stmt(st,
        "SELECT message_id, room_id, time_ms, name, size, sha256 FROM files WHERE id = ?");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)id);
    int rc = sqlite3_step(stmt);
    int found = 0;
    if (rc == SQLITE_ROW && sqlite3_column_bytes(stmt, 5) == PROTO_SHA256_LEN) {
        *out = (struct store_file){
            .id = id,
            .message_id = (uint64_t)sqlite3_column_int64(stmt, 0),
            .room_id = (uint32_t)sqlite3_column_int64(stmt, 1),
            .time_ms = sqlite3_column_int64(stmt, 2),
            .name = g_strdup((const char *)sqlite3_column_text(stmt, 3)),
            .size = (uint64_t)sqlite3_column_int64(stmt, 4),
        };
        memcpy(out->sha256, sqlite3_column_blob(stmt, 5), PROTO_SHA256_LEN);
        found = 1;
    } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        found = store_fail(st, "looking up a file");
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return found;
}

void store_file_clear(struct store_file *f)
{
    g_free(f->name);
    f->name = NULL;
}

/* The messages a prune takes: of the SERVER_PRUNE_BATCH (?2) oldest by id, those older
 * than ?1. A walk of the ids, not a time index (schema v9): ids follow the clock, so the
 * oldest ids are the old messages; one newer than ?1 among them (the clock went back)
 * holds the rows after it back until it is old too. */
#define OLD_MESSAGES \
    "(SELECT id FROM (SELECT id, time_ms FROM messages ORDER BY id LIMIT ?2)" \
    " WHERE time_ms < ?1)"

/* Hands the names of the files announced by the messages a prune takes to on_file, then
 * deletes their index rows. */
static enum store_status prune_files(struct store *st, int64_t before_ms, unsigned max_rows,
                                     store_pruned_file_fn on_file, void *data)
{
    sqlite3_stmt *stmt = store_stmt(st,
        "SELECT f.name FROM messages m JOIN files f ON f.id = m.file_id"
        " WHERE m.id IN " OLD_MESSAGES);
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, before_ms);
    sqlite3_bind_int64(stmt, 2, max_rows);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        on_file((const char *)sqlite3_column_text(stmt, 0), data);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return store_fail(st, "listing old files");
    stmt = store_stmt(st,
        "DELETE FROM files WHERE id IN (SELECT file_id FROM messages"
        " WHERE id IN " OLD_MESSAGES ")");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, before_ms);
    sqlite3_bind_int64(stmt, 2, max_rows);
    return store_step_done(st, stmt, "pruning old files");
}

/* Keeps the next message id above every id there is now, in meta (for the next open)
 * and in st: the prune may take the newest rows, and their ids must not come back. */
static enum store_status keep_next_id(struct store *st)
{
    sqlite3_stmt *stmt = store_stmt(st, "SELECT max(id) FROM messages");
    if (stmt == NULL)
        return STORE_ERROR;
    int rc = sqlite3_step(stmt);
    uint64_t top = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW)
        return store_fail(st, "finding the newest message");
    if (top == 0) /* no rows: meta holds the floor already, if there is one */
        return STORE_OK;
    if (top + 1 > st->message_id_floor)
        st->message_id_floor = top + 1;
    stmt = store_stmt(st, "INSERT OR REPLACE INTO meta (key, value)"
                          " VALUES ('messages_next_id', ?)");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)st->message_id_floor);
    return store_step_done(st, stmt, "keeping the next message id");
}

int store_prune(struct store *st, int64_t before_ms, unsigned max_rows,
                store_pruned_file_fn on_file, void *data)
{
    if (store_begin_write(st) != STORE_OK || keep_next_id(st) != STORE_OK ||
        prune_files(st, before_ms, max_rows, on_file, data) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st, "DELETE FROM messages WHERE id IN " OLD_MESSAGES);
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, before_ms);
    sqlite3_bind_int64(stmt, 2, max_rows);
    if (store_step_done(st, stmt, "pruning old messages") != STORE_OK)
        return STORE_ERROR;
    return sqlite3_changes(st->db);
}
