/* Edits, deletions, replies, reactions, read markers and the receipts opt-out
 * (store_live.h; schema v4 in store_schema.c). */
#include "server/store/store_live.h"

#include "server/limits.h"
#include "server/store/store_private.h"

int store_live_find(struct store *st, uint64_t id, struct store_target *out)
{
    sqlite3_stmt *stmt = store_stmt(st,
        "SELECT room_id, kind, sender_id, deleted_id FROM messages WHERE id = ?");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, id > (uint64_t)INT64_MAX ? -1 : (sqlite3_int64)id);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *out = (struct store_target){
            .id = id,
            .room_id = (uint32_t)sqlite3_column_int64(stmt, 0),
            .kind = sqlite3_column_int(stmt, 1),
            .sender_id = sqlite3_column_int64(stmt, 2),
            .deleted = sqlite3_column_type(stmt, 3) != SQLITE_NULL,
        };
    sqlite3_reset(stmt);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : store_fail(st, "looking up a message");
}

/* Inserts the event row of ev (kind, emoji or NULL) and returns its id. */
static enum store_status insert_event(struct store *st, const struct store_event *ev,
                                      enum store_kind kind, const char *emoji, size_t len,
                                      uint64_t *id)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st,
        "INSERT INTO messages (room_id, time_ms, sender_id, sender_name, kind, target_id,"
        " emoji, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, ev->room_id);
    sqlite3_bind_int64(stmt, 2, ev->time_ms);
    if (ev->actor_id > 0)
        sqlite3_bind_int64(stmt, 3, ev->actor_id);
    sqlite3_bind_text(stmt, 4, ev->actor_name, -1, SQLITE_STATIC);
    sqlite3_bind_int(stmt, 5, kind);
    sqlite3_bind_int64(stmt, 6, (sqlite3_int64)ev->target_id);
    if (emoji != NULL)
        sqlite3_bind_text(stmt, 7, emoji, (int)len, SQLITE_STATIC);
    store_bind_message_id(st, stmt, 8);
    if (store_step_done(st, stmt, "storing an event") != STORE_OK)
        return STORE_ERROR;
    *id = store_message_inserted(st);
    return STORE_OK;
}

enum store_status store_live_edit(struct store *st, const struct store_event *ev,
                                  const char *text, size_t len, uint64_t *event_id)
{
    if (insert_event(st, ev, STORE_KIND_EDIT, NULL, 0, event_id) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st, "UPDATE messages SET body = ?, edit_id = ? WHERE id = ?");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_text(stmt, 1, text, (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)*event_id);
    sqlite3_bind_int64(stmt, 3, (sqlite3_int64)ev->target_id);
    return store_step_done(st, stmt, "storing an edit");
}

enum store_status store_live_delete(struct store *st, const struct store_event *ev,
                                    uint64_t *event_id)
{
    if (insert_event(st, ev, STORE_KIND_DELETE, NULL, 0, event_id) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st,
        "UPDATE messages SET body = '', deleted_id = ? WHERE id = ?");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)*event_id);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)ev->target_id);
    if (store_step_done(st, stmt, "storing a deletion") != STORE_OK)
        return STORE_ERROR;
    stmt = store_stmt(st, "DELETE FROM reactions WHERE message_id = ?");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)ev->target_id);
    return store_step_done(st, stmt, "storing a deletion");
}

enum store_status store_live_set_reply(struct store *st, uint64_t message_id, uint64_t reply_to)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st, "UPDATE messages SET reply_to = ? WHERE id = ?");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)reply_to);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)message_id);
    return store_step_done(st, stmt, "storing a reply");
}

/* Runs a query with two integer parameters and an optional text (?3) that returns at
 * most one integer: *out is it, or `none` when there is no row. STORE_OK or
 * STORE_ERROR. */
static enum store_status query_int(struct store *st, const char *sql, int64_t a, int64_t b,
                                   const char *text, size_t len, int64_t none, int64_t *out)
{
    sqlite3_stmt *stmt = store_stmt(st, sql);
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, a);
    sqlite3_bind_int64(stmt, 2, b);
    if (text != NULL)
        sqlite3_bind_text(stmt, 3, text, (int)len, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : none;
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(st, "reading the live conversation");
    return STORE_OK;
}

int store_live_react(struct store *st, const struct store_event *ev, const char *emoji,
                     size_t len, bool *added, uint64_t *event_id)
{
    int64_t mine, others, same;
    if (query_int(st, "SELECT 1 FROM reactions WHERE message_id = ?1 AND account_id = ?2"
                  " AND emoji = ?3", (int64_t)ev->target_id, ev->actor_id, emoji, len, 0,
                  &mine) != STORE_OK)
        return STORE_ERROR;
    *added = mine == 0;
    if (*added) {
        if (query_int(st, "SELECT COUNT(DISTINCT emoji) FROM reactions WHERE message_id = ?1"
                      " AND emoji <> ?3", (int64_t)ev->target_id, 0, emoji, len,
                      0, &others) != STORE_OK ||
            query_int(st, "SELECT 1 FROM reactions WHERE message_id = ?1 AND emoji = ?3"
                      " LIMIT 1", (int64_t)ev->target_id, 0, emoji, len, 0,
                      &same) != STORE_OK)
            return STORE_ERROR;
        if (same == 0 && others >= SERVER_REACTIONS_PER_MESSAGE)
            return 1;
    }
    if (insert_event(st, ev, *added ? STORE_KIND_REACT_ADD : STORE_KIND_REACT_REMOVE, emoji,
                     len, event_id) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st, *added
        ? "INSERT INTO reactions (message_id, account_id, emoji, event_id) VALUES (?, ?, ?, ?)"
        : "DELETE FROM reactions WHERE message_id = ? AND account_id = ? AND emoji = ?");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)ev->target_id);
    sqlite3_bind_int64(stmt, 2, ev->actor_id);
    sqlite3_bind_text(stmt, 3, emoji, (int)len, SQLITE_STATIC);
    if (*added)
        sqlite3_bind_int64(stmt, 4, (sqlite3_int64)*event_id);
    return store_step_done(st, stmt, "storing a reaction");
}

int store_live_reactions(struct store *st, uint64_t message_id, unsigned limit,
                         store_reaction_fn fn, void *data)
{
    sqlite3_stmt *stmt = store_stmt(st,
        "SELECT r.account_id, a.name, r.emoji FROM reactions r JOIN accounts a"
        " ON a.id = r.account_id WHERE r.message_id = ? ORDER BY r.event_id LIMIT ?");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)message_id);
    sqlite3_bind_int64(stmt, 2, limit);
    int count = 0, rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(stmt, 1);
        const char *emoji = (const char *)sqlite3_column_text(stmt, 2);
        if (name == NULL || emoji == NULL)
            continue;
        fn(sqlite3_column_int64(stmt, 0), name, emoji, data);
        count++;
    }
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? count : store_fail(st, "reading reactions");
}

int store_live_mark(struct store *st, int64_t account_id, uint32_t room_id,
                    uint64_t message_id, uint64_t *current)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st,
        "INSERT INTO read_markers (account_id, room_id, message_id) VALUES (?, ?, ?)"
        " ON CONFLICT (account_id, room_id) DO UPDATE SET message_id = excluded.message_id"
        " WHERE excluded.message_id > read_markers.message_id");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, account_id);
    sqlite3_bind_int64(stmt, 2, room_id);
    sqlite3_bind_int64(stmt, 3, (sqlite3_int64)message_id);
    if (store_step_done(st, stmt, "storing a read marker") != STORE_OK)
        return STORE_ERROR;
    int moved = sqlite3_changes(st->db) > 0;
    int64_t now;
    if (query_int(st, "SELECT message_id FROM read_markers WHERE account_id = ?1"
                  " AND room_id = ?2", account_id, room_id, NULL, 0, 0, &now) != STORE_OK)
        return STORE_ERROR;
    *current = (uint64_t)now;
    return moved;
}

/* Runs a marker query (parameter: an account or a room id) and calls fn per row of
 * (room_id, account_id, name, message_id). */
static enum store_status each_marker(struct store *st, const char *sql, int64_t param,
                                     store_marker_fn fn, void *data)
{
    sqlite3_stmt *stmt = store_stmt(st, sql);
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, param);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        fn((uint32_t)sqlite3_column_int64(stmt, 0), sqlite3_column_int64(stmt, 1),
           (const char *)sqlite3_column_text(stmt, 2),
           (uint64_t)sqlite3_column_int64(stmt, 3), data);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? STORE_OK : store_fail(st, "reading read markers");
}

enum store_status store_live_markers_of_account(struct store *st, int64_t account_id,
                                                store_marker_fn fn, void *data)
{
    return each_marker(st, "SELECT room_id, account_id, NULL, message_id FROM read_markers"
                       " WHERE account_id = ? ORDER BY room_id", account_id, fn, data);
}

enum store_status store_live_markers_of_room(struct store *st, uint32_t room_id,
                                             store_marker_fn fn, void *data)
{
    return each_marker(st, "SELECT r.room_id, r.account_id, a.name, r.message_id"
                       " FROM read_markers r JOIN accounts a ON a.id = r.account_id"
                       " WHERE r.room_id = ? AND a.receipts_off = 0 AND a.deleted = 0",
                       room_id, fn, data);
}

int64_t store_live_readers(struct store *st, uint32_t room_id, uint64_t message_id)
{
    int64_t count;
    if (query_int(st, "SELECT COUNT(*) FROM read_markers r JOIN accounts a"
                  " ON a.id = r.account_id WHERE r.room_id = ?1 AND r.message_id >= ?2"
                  " AND a.receipts_off = 0", room_id, (int64_t)message_id, NULL, 0, 0,
                  &count) != STORE_OK)
        return STORE_ERROR;
    return count;
}

int store_live_receipts_off(struct store *st, int64_t account_id)
{
    int64_t off;
    if (query_int(st, "SELECT receipts_off FROM accounts WHERE id = ?1",
                  account_id, 0, NULL, 0, 0, &off) != STORE_OK)
        return STORE_ERROR;
    return off != 0;
}

enum store_status store_live_set_receipts_off(struct store *st, int64_t account_id, bool off)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st, "UPDATE accounts SET receipts_off = ? WHERE id = ?");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int(stmt, 1, off);
    sqlite3_bind_int64(stmt, 2, account_id);
    return store_step_done(st, stmt, "storing the receipts setting");
}
