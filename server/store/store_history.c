/* A room's stored messages by id range, and the resend lookup (store_history.h). Both
 * are index searches: messages_by_room (room_id, id) and messages_by_sender
 * (sender_id, client_id), schema v3. */
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

#define HISTORY_COLUMNS \
    "SELECT m.id, m.time_ms, m.sender_name, m.client_id, m.kind, m.body, m.file_id," \
    " f.size, f.sha256, f.name FROM messages m LEFT JOIN files f ON f.id = m.file_id" \
    " WHERE m.room_id = ?1 AND m.id > ?2 AND m.id < ?3"

int store_history_range(struct store *st, uint32_t room_id, uint64_t lo, uint64_t hi,
                        unsigned limit, bool newest, store_history_fn fn, void *data)
{
    /* Both orders walk messages_by_room directly (no sort): the caller turns a newest
     * page around. */
    sqlite3_stmt *stmt = store_stmt(st, newest
        ? HISTORY_COLUMNS " ORDER BY m.id DESC LIMIT ?4"
        : HISTORY_COLUMNS " ORDER BY m.id LIMIT ?4");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, room_id);
    sqlite3_bind_int64(stmt, 2, id_bound(lo));
    sqlite3_bind_int64(stmt, 3, committed_bound(st, hi));
    sqlite3_bind_int64(stmt, 4, limit);
    int count = 0, rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct store_history_row row = {
            .id = (uint64_t)sqlite3_column_int64(stmt, 0),
            .time_ms = sqlite3_column_int64(stmt, 1),
            .room_id = room_id,
            .sender_name = (const char *)sqlite3_column_text(stmt, 2),
            .client_id = (uint64_t)sqlite3_column_int64(stmt, 3),
            .is_file = sqlite3_column_int(stmt, 4) == 2,
        };
        if (row.is_file) {
            row.file_id = (uint64_t)sqlite3_column_int64(stmt, 6);
            row.size = (uint64_t)sqlite3_column_int64(stmt, 7);
            if (sqlite3_column_bytes(stmt, 8) == 32)
                row.sha256 = sqlite3_column_blob(stmt, 8);
            row.file_name = (const char *)sqlite3_column_text(stmt, 9);
        } else {
            row.body = (const char *)sqlite3_column_text(stmt, 5);
            row.body_len = (size_t)sqlite3_column_bytes(stmt, 5);
        }
        if (row.sender_name == NULL || (row.is_file ? row.file_name == NULL : row.body == NULL))
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

int store_history_exists(struct store *st, uint32_t room_id, uint64_t lo, uint64_t hi)
{
    sqlite3_stmt *stmt = store_stmt(st,
        "SELECT 1 FROM messages WHERE room_id = ? AND id > ? AND id < ? LIMIT 1");
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
