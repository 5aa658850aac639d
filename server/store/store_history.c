/* A room's stored messages (and events) by id range, and the resend lookup
 * (store_history.h). Both are index searches: messages_by_room (room_id, id) and
 * messages_by_sender (sender_id, client_id), schema v3. */
#include "server/store/store_history.h"

#include "server/store/store_private.h"

/* Ids are SQLite integers: an unbounded upper end is INT64_MAX. */
static sqlite3_int64 id_bound(uint64_t id)
{
    return id > (uint64_t)INT64_MAX ? INT64_MAX : (sqlite3_int64)id;
}

/* The upper bound hi as history may read it: below the pass's first uncommitted
 * message, which may still be rolled back (its live copy is then withdrawn, and a
 * replayed copy could not be). */
static sqlite3_int64 committed_bound(const struct store *st, uint64_t hi)
{
    if (st->pass_first_message != 0 && st->pass_first_message < hi)
        hi = st->pass_first_message;
    return id_bound(hi);
}

/* The row, its file, its latest edit (e), its deletion (d) and, for an event, the
 * message it changes (t): every join is by primary key. */
#define HISTORY_COLUMNS \
    "SELECT m.id, m.time_ms, m.sender_name, m.client_id, m.kind, m.body, m.file_id," \
    " f.size, f.sha256, f.name, m.sender_id, m.reply_to, m.edit_id, e.time_ms," \
    " m.deleted_id, d.time_ms, d.sender_name, m.target_id, m.emoji, t.body, t.deleted_id," \
    " f.thumb, f.thumb_width, f.thumb_height" \
    " FROM messages m LEFT JOIN files f ON f.id = m.file_id" \
    " LEFT JOIN messages e ON e.id = m.edit_id LEFT JOIN messages d ON d.id = m.deleted_id" \
    " LEFT JOIN messages t ON t.id = m.target_id" \
    " WHERE m.room_id = ?1 AND m.id > ?2 AND m.id < ?3"
#define MESSAGES_ONLY " AND m.kind <= 2"

/* Both orders walk messages_by_room directly (no sort): the caller turns a newest page
 * around. */
static sqlite3_stmt *range_stmt(struct store *st, bool newest, bool events)
{
    if (newest && events)
        return store_stmt(st, HISTORY_COLUMNS " ORDER BY m.id DESC LIMIT ?4");
    if (newest)
        return store_stmt(st, HISTORY_COLUMNS MESSAGES_ONLY " ORDER BY m.id DESC LIMIT ?4");
    if (events)
        return store_stmt(st, HISTORY_COLUMNS " ORDER BY m.id LIMIT ?4");
    return store_stmt(st, HISTORY_COLUMNS MESSAGES_ONLY " ORDER BY m.id LIMIT ?4");
}

static uint64_t column_id(sqlite3_stmt *stmt, int col)
{
    return (uint64_t)sqlite3_column_int64(stmt, col);
}

/* Fills row from the current result of range_stmt; false for a row this server did not
 * write (a missing field). */
static bool row_read(sqlite3_stmt *stmt, uint32_t room_id, struct store_history_row *row)
{
    *row = (struct store_history_row){
        .id = column_id(stmt, 0),
        .time_ms = sqlite3_column_int64(stmt, 1),
        .room_id = room_id,
        .sender_name = (const char *)sqlite3_column_text(stmt, 2),
        .client_id = column_id(stmt, 3),
        .kind = sqlite3_column_int(stmt, 4),
        .sender_id = sqlite3_column_int64(stmt, 10),
        .reply_to = column_id(stmt, 11),
        .edit_id = column_id(stmt, 12),
        .edit_time_ms = sqlite3_column_int64(stmt, 13),
        .deleted_id = column_id(stmt, 14),
        .deleted_time_ms = sqlite3_column_int64(stmt, 15),
        .deleted_by = (const char *)sqlite3_column_text(stmt, 16),
        .target_id = column_id(stmt, 17),
        .emoji = (const char *)sqlite3_column_text(stmt, 18),
    };
    row->is_file = row->kind == 2;
    if (row->is_file) {
        row->file_id = column_id(stmt, 6);
        row->size = column_id(stmt, 7);
        if (sqlite3_column_bytes(stmt, 8) == 32)
            row->sha256 = sqlite3_column_blob(stmt, 8);
        row->file_name = (const char *)sqlite3_column_text(stmt, 9);
        row->thumb_len = (size_t)sqlite3_column_bytes(stmt, 21);
        row->thumb = row->thumb_len > 0 ? sqlite3_column_blob(stmt, 21) : NULL;
        row->thumb_width = (uint16_t)sqlite3_column_int(stmt, 22);
        row->thumb_height = (uint16_t)sqlite3_column_int(stmt, 23);
    } else if (row->kind == 1) {
        row->body = (const char *)sqlite3_column_text(stmt, 5);
        row->body_len = (size_t)sqlite3_column_bytes(stmt, 5);
    } else if (row->kind == 3 && sqlite3_column_type(stmt, 20) == SQLITE_NULL) {
        row->target_body = (const char *)sqlite3_column_text(stmt, 19);
        row->target_body_len = (size_t)sqlite3_column_bytes(stmt, 19);
    }
    if (row->sender_name == NULL)
        return false;
    if (row->deleted_id != 0 && row->deleted_by == NULL)
        row->deleted_by = "";
    switch (row->kind) {
    case 1: return row->body != NULL;
    case 2: return row->file_name != NULL;
    case 3: case 4: return row->target_id != 0;
    case 5: case 6: return row->target_id != 0 && row->emoji != NULL;
    default: return false;
    }
}

int store_history_range(struct store *st, uint32_t room_id, uint64_t lo, uint64_t hi,
                        unsigned limit, bool newest, bool events, store_history_fn fn,
                        void *data)
{
    sqlite3_stmt *stmt = range_stmt(st, newest, events);
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, room_id);
    sqlite3_bind_int64(stmt, 2, id_bound(lo));
    sqlite3_bind_int64(stmt, 3, committed_bound(st, hi));
    sqlite3_bind_int64(stmt, 4, limit);
    int count = 0, rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct store_history_row row;
        if (!row_read(stmt, room_id, &row))
            continue; /* not a row this server wrote */
        count++;
        if (!fn(&row, data))
            break;
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        store_fail(st, "reading history");
        sqlite3_reset(stmt);
        return STORE_ERROR;
    }
    sqlite3_reset(stmt);
    return count;
}

int store_history_exists(struct store *st, uint32_t room_id, uint64_t lo, uint64_t hi,
                         bool events)
{
    sqlite3_stmt *stmt = store_stmt(st, events
        ? "SELECT 1 FROM messages WHERE room_id = ? AND id > ? AND id < ? LIMIT 1"
        : "SELECT 1 FROM messages WHERE room_id = ? AND id > ? AND id < ? AND kind <= 2"
          " LIMIT 1");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, room_id);
    sqlite3_bind_int64(stmt, 2, id_bound(lo));
    sqlite3_bind_int64(stmt, 3, committed_bound(st, hi));
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : store_fail(st, "reading history");
}

int store_find_sent(struct store *st, const struct store_message *m, uint64_t *id,
                    int64_t *time_ms)
{
    if (m->sender_id <= 0)
        return 0;
    sqlite3_stmt *stmt = store_stmt(st,
        "SELECT id, time_ms FROM messages WHERE sender_id = ? AND client_id = ?"
        " AND room_id = ? AND kind = 1 AND body = ? ORDER BY id DESC LIMIT 1");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, m->sender_id);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)m->client_id);
    sqlite3_bind_int64(stmt, 3, m->room_id);
    sqlite3_bind_text(stmt, 4, m->body, (int)m->body_len, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *id = (uint64_t)sqlite3_column_int64(stmt, 0);
        *time_ms = sqlite3_column_int64(stmt, 1);
    }
    sqlite3_reset(stmt);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : store_fail(st, "looking up a resent message");
}
