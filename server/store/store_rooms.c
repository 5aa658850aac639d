/* Rooms, members, invitations and blocks: the SQL behind store_rooms.h. */
#include "server/store/store_rooms.h"

#include "server/store/store_private.h"

static const char *column_str(sqlite3_stmt *stmt, int col)
{
    return (const char *)sqlite3_column_text(stmt, col);
}

/* Steps stmt to its end, calling each(stmt, data) per row; then resets it. */
static enum store_status each_row(struct store *st, sqlite3_stmt *stmt, const char *what,
                                  void (*each)(sqlite3_stmt *stmt, void *data), void *data)
{
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        each(stmt, data);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? STORE_OK : store_fail(st, what);
}

/* Steps a one-row "SELECT 1 ..." : 1 if it has a row. */
static int exists(struct store *st, sqlite3_stmt *stmt, const char *what)
{
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : store_fail(st, what);
}

struct load {
    store_room_fn on_room;
    store_member_fn on_member;
    void *data;
};

static void load_room(sqlite3_stmt *stmt, void *data)
{
    const struct load *l = data;
    struct store_room r = {
        .id = (uint32_t)sqlite3_column_int64(stmt, 0),
        .kind = sqlite3_column_int(stmt, 1),
        .name = column_str(stmt, 2),
        .name_key = column_str(stmt, 3),
        .dm_key = column_str(stmt, 4),
        .topic = column_str(stmt, 5),
        .created_by = sqlite3_column_int64(stmt, 6),
    };
    l->on_room(&r, l->data);
}

static void load_member(sqlite3_stmt *stmt, void *data)
{
    const struct load *l = data;
    l->on_member((uint32_t)sqlite3_column_int64(stmt, 0), sqlite3_column_int64(stmt, 1),
                 column_str(stmt, 2), l->data);
}

enum store_status store_rooms_load(struct store *st, store_room_fn on_room,
                                   store_member_fn on_member, void *data)
{
    struct load l = { on_room, on_member, data };
    sqlite3_stmt *stmt = store_stmt(st, "SELECT id, kind, name, name_key, dm_key, topic,"
                                        " created_by FROM rooms ORDER BY id");
    if (stmt == NULL || each_row(st, stmt, "reading the rooms", load_room, &l) != STORE_OK)
        return STORE_ERROR;
    stmt = store_stmt(st, "SELECT m.room_id, m.account_id, a.name FROM room_members m"
                          " JOIN accounts a ON a.id = m.account_id ORDER BY m.room_id,"
                          " m.joined_ms");
    if (stmt == NULL)
        return STORE_ERROR;
    return each_row(st, stmt, "reading the room members", load_member, &l);
}

enum store_status store_room_add(struct store *st, const struct store_room *r, int64_t now_ms,
                                 uint32_t *id)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st, "INSERT INTO rooms (kind, name, name_key, dm_key,"
                                        " topic, created_by, created_ms)"
                                        " VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int(stmt, 1, r->kind);
    sqlite3_bind_text(stmt, 2, r->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, r->name_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 4, r->dm_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 5, r->topic, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 6, r->created_by);
    sqlite3_bind_int64(stmt, 7, now_ms);
    if (store_step_done(st, stmt, "adding a room") != STORE_OK)
        return STORE_ERROR;
    *id = (uint32_t)sqlite3_last_insert_rowid(st->db);
    return STORE_OK;
}

enum store_status store_room_set_topic(struct store *st, uint32_t room_id, const char *topic)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st, "UPDATE rooms SET topic = ? WHERE id = ?");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_text(stmt, 1, topic, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, room_id);
    return store_step_done(st, stmt, "setting a topic");
}

enum store_status store_rooms_created_since(struct store *st, int64_t account_id,
                                            int64_t since_ms, unsigned *count,
                                            int64_t *oldest_ms)
{
    sqlite3_stmt *stmt = store_stmt(st, "SELECT count(*), min(created_ms) FROM rooms"
                                        " WHERE created_by = ? AND created_ms >= ?"
                                        " AND kind != 2");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, account_id);
    sqlite3_bind_int64(stmt, 2, since_ms);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *count = (unsigned)sqlite3_column_int64(stmt, 0);
        *oldest_ms = sqlite3_column_int64(stmt, 1);
    }
    sqlite3_reset(stmt);
    return rc == SQLITE_ROW ? STORE_OK : store_fail(st, "counting created rooms");
}

/* Runs a write of two bound integers. */
static enum store_status write_pair(struct store *st, const char *sql, int64_t a, int64_t b,
                                    const char *what)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st, sql);
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, a);
    sqlite3_bind_int64(stmt, 2, b);
    return store_step_done(st, stmt, what);
}

enum store_status store_room_member_add(struct store *st, uint32_t room_id, int64_t account_id,
                                        int64_t now_ms)
{
    if (write_pair(st, "DELETE FROM room_invites WHERE room_id = ? AND account_id = ?",
                   room_id, account_id, "using an invitation") != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st, "INSERT OR IGNORE INTO room_members"
                                        " (room_id, account_id, joined_ms) VALUES (?, ?, ?)");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, room_id);
    sqlite3_bind_int64(stmt, 2, account_id);
    sqlite3_bind_int64(stmt, 3, now_ms);
    return store_step_done(st, stmt, "adding a room member");
}

enum store_status store_room_member_remove(struct store *st, uint32_t room_id,
                                           int64_t account_id)
{
    return write_pair(st, "DELETE FROM room_members WHERE room_id = ? AND account_id = ?",
                      room_id, account_id, "removing a room member");
}

enum store_status store_room_invite_add(struct store *st, uint32_t room_id, int64_t account_id,
                                        int64_t invited_by, int64_t now_ms)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st, "INSERT OR IGNORE INTO room_invites"
                                        " (room_id, account_id, invited_by, created_ms)"
                                        " VALUES (?, ?, ?, ?)");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, room_id);
    sqlite3_bind_int64(stmt, 2, account_id);
    sqlite3_bind_int64(stmt, 3, invited_by);
    sqlite3_bind_int64(stmt, 4, now_ms);
    return store_step_done(st, stmt, "storing an invitation");
}

int store_room_invited(struct store *st, uint32_t room_id, int64_t account_id)
{
    sqlite3_stmt *stmt = store_stmt(st, "SELECT 1 FROM room_invites"
                                        " WHERE room_id = ? AND account_id = ?");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, room_id);
    sqlite3_bind_int64(stmt, 2, account_id);
    return exists(st, stmt, "looking up an invitation");
}

struct invites_walk {
    void (*on_room)(uint32_t room_id, void *data);
    void *data;
};

static void invite_row(sqlite3_stmt *stmt, void *data)
{
    const struct invites_walk *w = data;
    w->on_room((uint32_t)sqlite3_column_int64(stmt, 0), w->data);
}

enum store_status store_room_invites_of(struct store *st, int64_t account_id,
                                        void (*on_room)(uint32_t room_id, void *data),
                                        void *data)
{
    sqlite3_stmt *stmt = store_stmt(st, "SELECT room_id FROM room_invites WHERE account_id = ?");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, account_id);
    struct invites_walk w = { on_room, data };
    return each_row(st, stmt, "reading invitations", invite_row, &w);
}

enum store_status store_block_set(struct store *st, int64_t account_id, int64_t blocked_id,
                                  bool on, int64_t now_ms)
{
    if (!on)
        return write_pair(st, "DELETE FROM blocks WHERE account_id = ? AND blocked_id = ?",
                          account_id, blocked_id, "unblocking");
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st, "INSERT OR IGNORE INTO blocks"
                                        " (account_id, blocked_id, created_ms) VALUES (?, ?, ?)");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, account_id);
    sqlite3_bind_int64(stmt, 2, blocked_id);
    sqlite3_bind_int64(stmt, 3, now_ms);
    return store_step_done(st, stmt, "blocking");
}

int store_blocked(struct store *st, int64_t account_id, int64_t blocked_id)
{
    sqlite3_stmt *stmt = store_stmt(st, "SELECT 1 FROM blocks"
                                        " WHERE account_id = ? AND blocked_id = ?");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, account_id);
    sqlite3_bind_int64(stmt, 2, blocked_id);
    return exists(st, stmt, "looking up a block");
}
