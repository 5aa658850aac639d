/* Per-room notification levels (store_notify.h; schema v7 in store_schema.c). */
#include "server/store/store_notify.h"

#include "server/store/store_private.h"

enum store_status store_notify_set(struct store *st, int64_t account_id, uint32_t room_id,
                                   int level)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st, level == 0
        ? "DELETE FROM notify_levels WHERE account_id = ?1 AND room_id = ?2"
        : "INSERT INTO notify_levels (account_id, room_id, level) VALUES (?1, ?2, ?3)"
          " ON CONFLICT (account_id, room_id) DO UPDATE SET level = excluded.level");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, account_id);
    sqlite3_bind_int64(stmt, 2, room_id);
    if (level != 0)
        sqlite3_bind_int(stmt, 3, level);
    return store_step_done(st, stmt, "storing a notification level");
}

enum store_status store_notify_of_account(struct store *st, int64_t account_id,
                                          store_notify_fn fn, void *data)
{
    sqlite3_stmt *stmt = store_stmt(st, "SELECT room_id, level FROM notify_levels"
                                        " WHERE account_id = ? ORDER BY room_id");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, account_id);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        fn((uint32_t)sqlite3_column_int64(stmt, 0), sqlite3_column_int(stmt, 1), data);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? STORE_OK : store_fail(st, "reading notification levels");
}
