/* Accounts, sessions and invites: the SQL behind store_accounts.h. Token and invite
 * codes never reach the database, only their SHA-256. */
#include "server/store/store_accounts.h"

#include "server/store/store_private.h"

void store_account_clear(struct store_account *a)
{
    g_free(a->name);
    g_free(a->pw_hash);
    g_free(a->ban_reason);
    a->name = a->pw_hash = a->ban_reason = NULL;
}

static char *column_text(sqlite3_stmt *stmt, int col)
{
    const unsigned char *text = sqlite3_column_text(stmt, col);
    return text ? g_strdup((const char *)text) : NULL;
}

#define ACCOUNT_COLUMNS \
    "SELECT id, name, pw_hash, role, banned, ban_reason, muted_until_ms, deleted FROM accounts"

/* Steps a SELECT of ACCOUNT_COLUMNS once into *out, then resets it. */
static int read_account(struct store *st, sqlite3_stmt *stmt, struct store_account *out)
{
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *out = (struct store_account){
            .id = sqlite3_column_int64(stmt, 0),
            .name = column_text(stmt, 1),
            .pw_hash = column_text(stmt, 2),
            .role = sqlite3_column_int(stmt, 3),
            .banned = sqlite3_column_int(stmt, 4) != 0,
            .ban_reason = column_text(stmt, 5),
            .muted_until_ms = sqlite3_column_int64(stmt, 6),
            .deleted = sqlite3_column_int(stmt, 7) != 0,
        };
    }
    sqlite3_reset(stmt);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : store_fail(st, "reading an account");
}

int store_account_find(struct store *st, const char *name_key, struct store_account *out)
{
    sqlite3_stmt *stmt = store_stmt(st, ACCOUNT_COLUMNS " WHERE name_key = ?");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_text(stmt, 1, name_key, -1, SQLITE_STATIC);
    return read_account(st, stmt, out);
}

int store_account_get(struct store *st, int64_t id, struct store_account *out)
{
    sqlite3_stmt *stmt = store_stmt(st, ACCOUNT_COLUMNS " WHERE id = ?");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, id);
    return read_account(st, stmt, out);
}

int64_t store_account_count(struct store *st)
{
    sqlite3_stmt *stmt = store_stmt(st, "SELECT count(*) FROM accounts");
    if (stmt == NULL)
        return STORE_ERROR;
    int rc = sqlite3_step(stmt);
    int64_t count = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
    sqlite3_reset(stmt);
    return count >= 0 ? count : store_fail(st, "counting accounts");
}

enum store_status store_account_add(struct store *st, const char *name, const char *name_key,
                                    const char *pw_hash, int role, int64_t now_ms, int64_t *id)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st,
        "INSERT INTO accounts (name, name_key, pw_hash, role, created_ms) VALUES (?, ?, ?, ?, ?)");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, name_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, pw_hash, -1, SQLITE_STATIC);
    sqlite3_bind_int(stmt, 4, role);
    sqlite3_bind_int64(stmt, 5, now_ms);
    if (store_step_done(st, stmt, "adding an account") != STORE_OK)
        return STORE_ERROR;
    *id = sqlite3_last_insert_rowid(st->db);
    return STORE_OK;
}

/* Runs a prepared write that binds the account id last, at index id_index. */
static enum store_status update_account(struct store *st, sqlite3_stmt *stmt, int id_index,
                                        int64_t id, const char *what)
{
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, id_index, id);
    return store_step_done(st, stmt, what);
}

enum store_status store_account_set_hash(struct store *st, int64_t id, const char *pw_hash)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st, "UPDATE accounts SET pw_hash = ? WHERE id = ?");
    if (stmt != NULL)
        sqlite3_bind_text(stmt, 1, pw_hash, -1, SQLITE_STATIC);
    return update_account(st, stmt, 2, id, "storing a password hash");
}

enum store_status store_account_set_role(struct store *st, int64_t id, int role)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st, "UPDATE accounts SET role = ? WHERE id = ?");
    if (stmt != NULL)
        sqlite3_bind_int(stmt, 1, role);
    return update_account(st, stmt, 2, id, "storing a role");
}

enum store_status store_account_set_ban(struct store *st, int64_t id, bool banned,
                                        const char *reason)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st,
        "UPDATE accounts SET banned = ?, ban_reason = ? WHERE id = ?");
    if (stmt != NULL) {
        sqlite3_bind_int(stmt, 1, banned);
        if (banned && reason != NULL)
            sqlite3_bind_text(stmt, 2, reason, -1, SQLITE_STATIC);
    }
    return update_account(st, stmt, 3, id, "storing a ban");
}

enum store_status store_account_set_mute(struct store *st, int64_t id, int64_t until_ms)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st, "UPDATE accounts SET muted_until_ms = ? WHERE id = ?");
    if (stmt != NULL)
        sqlite3_bind_int64(stmt, 1, until_ms);
    return update_account(st, stmt, 2, id, "storing a mute");
}

enum store_status store_account_delete(struct store *st, int64_t id)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st, "UPDATE accounts SET deleted = 1 WHERE id = ?");
    if (update_account(st, stmt, 1, id, "deleting an account") != STORE_OK)
        return STORE_ERROR;
    return store_sessions_revoke_all(st, id);
}

enum store_status store_session_add(struct store *st, const uint8_t hash[PROTO_SHA256_LEN],
                                    int64_t account_id, int64_t now_ms, int64_t expires_ms)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st,
        "INSERT INTO sessions (token_hash, account_id, created_ms, expires_ms) VALUES (?, ?, ?, ?)");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_blob(stmt, 1, hash, PROTO_SHA256_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, account_id);
    sqlite3_bind_int64(stmt, 3, now_ms);
    sqlite3_bind_int64(stmt, 4, expires_ms);
    return store_step_done(st, stmt, "storing a session");
}

int store_session_find(struct store *st, const uint8_t hash[PROTO_SHA256_LEN], int64_t now_ms,
                       int64_t *account_id, int64_t *expires_ms)
{
    sqlite3_stmt *stmt = store_stmt(st,
        "SELECT account_id, expires_ms FROM sessions WHERE token_hash = ? AND expires_ms > ?");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_blob(stmt, 1, hash, PROTO_SHA256_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, now_ms);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *account_id = sqlite3_column_int64(stmt, 0);
        *expires_ms = sqlite3_column_int64(stmt, 1);
    }
    sqlite3_reset(stmt);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : store_fail(st, "looking up a session");
}

enum store_status store_session_revoke(struct store *st, const uint8_t hash[PROTO_SHA256_LEN])
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st, "DELETE FROM sessions WHERE token_hash = ?");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_blob(stmt, 1, hash, PROTO_SHA256_LEN, SQLITE_STATIC);
    return store_step_done(st, stmt, "revoking a session");
}

enum store_status store_sessions_revoke_all(struct store *st, int64_t account_id)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st, "DELETE FROM sessions WHERE account_id = ?");
    return update_account(st, stmt, 1, account_id, "revoking sessions");
}

int store_accounts_prune(struct store *st, int64_t now_ms)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    const char *const sql[] = {
        "DELETE FROM sessions WHERE expires_ms <= ?",
        "DELETE FROM invites WHERE used_by IS NULL AND expires_ms <= ?",
    };
    int rows = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(sql); i++) {
        sqlite3_stmt *stmt = store_stmt(st, sql[i]);
        if (stmt == NULL)
            return STORE_ERROR;
        sqlite3_bind_int64(stmt, 1, now_ms);
        if (store_step_done(st, stmt, "pruning expired sessions and invites") != STORE_OK)
            return STORE_ERROR;
        rows += sqlite3_changes(st->db);
    }
    return rows;
}

enum store_status store_invite_add(struct store *st, const uint8_t hash[PROTO_SHA256_LEN],
                                   int64_t created_by, int64_t now_ms, int64_t expires_ms)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st,
        "INSERT INTO invites (code_hash, created_by, created_ms, expires_ms) VALUES (?, ?, ?, ?)");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_blob(stmt, 1, hash, PROTO_SHA256_LEN, SQLITE_STATIC);
    if (created_by > 0)
        sqlite3_bind_int64(stmt, 2, created_by);
    sqlite3_bind_int64(stmt, 3, now_ms);
    sqlite3_bind_int64(stmt, 4, expires_ms);
    return store_step_done(st, stmt, "storing an invite");
}

int store_invite_valid(struct store *st, const uint8_t hash[PROTO_SHA256_LEN], int64_t now_ms)
{
    sqlite3_stmt *stmt = store_stmt(st,
        "SELECT 1 FROM invites WHERE code_hash = ? AND used_by IS NULL AND expires_ms > ?");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_blob(stmt, 1, hash, PROTO_SHA256_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, now_ms);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : store_fail(st, "checking an invite");
}

int store_invite_use(struct store *st, const uint8_t hash[PROTO_SHA256_LEN], int64_t now_ms,
                     int64_t account_id)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st,
        "UPDATE invites SET used_by = ?, used_ms = ? "
        "WHERE code_hash = ? AND used_by IS NULL AND expires_ms > ?");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(stmt, 1, account_id);
    sqlite3_bind_int64(stmt, 2, now_ms);
    sqlite3_bind_blob(stmt, 3, hash, PROTO_SHA256_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 4, now_ms);
    if (store_step_done(st, stmt, "using an invite") != STORE_OK)
        return STORE_ERROR;
    return sqlite3_changes(st->db) == 1 ? 1 : 0;
}
