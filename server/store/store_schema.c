/* The schema and its migrations. PRAGMA user_version is the schema version: 0 is an
 * empty database; migrations[v] brings version v to v + 1, each in its own transaction
 * with the version bump, so a crash mid-way leaves the last complete version. Append
 * new migrations; never edit one that has shipped. */
#include "server/store/store_private.h"

#include <stdio.h>

/* Version 1: messages and the file index (store_messages.c), accounts, sessions and
 * invites (store_accounts.c), and a key-value table for anything else. Ids are
 * AUTOINCREMENT so that none is ever handed out twice, even after deletions. */
static const char schema_v1[] =
    "CREATE TABLE accounts ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  name TEXT NOT NULL,"
    "  name_key TEXT NOT NULL UNIQUE,"
    "  pw_hash TEXT NOT NULL,"
    "  role INTEGER NOT NULL,"
    "  created_ms INTEGER NOT NULL,"
    "  banned INTEGER NOT NULL DEFAULT 0,"
    "  ban_reason TEXT,"
    "  muted_until_ms INTEGER NOT NULL DEFAULT 0,"
    "  deleted INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE sessions ("
    "  token_hash BLOB PRIMARY KEY,"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
    "  created_ms INTEGER NOT NULL,"
    "  expires_ms INTEGER NOT NULL);"
    "CREATE INDEX sessions_by_account ON sessions(account_id);"
    "CREATE TABLE invites ("
    "  code_hash BLOB PRIMARY KEY,"
    "  created_by INTEGER,"
    "  created_ms INTEGER NOT NULL,"
    "  expires_ms INTEGER NOT NULL,"
    "  used_by INTEGER,"
    "  used_ms INTEGER);"
    "CREATE TABLE messages ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  room_id INTEGER NOT NULL,"
    "  time_ms INTEGER NOT NULL,"
    "  sender_id INTEGER,"
    "  sender_name TEXT NOT NULL,"
    "  kind INTEGER NOT NULL,"
    "  body TEXT,"
    "  file_id INTEGER,"
    "  client_id INTEGER);"
    "CREATE INDEX messages_by_time ON messages(time_ms);"
    "CREATE TABLE files ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  message_id INTEGER,"
    "  room_id INTEGER NOT NULL,"
    "  time_ms INTEGER NOT NULL,"
    "  uploader_id INTEGER,"
    "  uploader_name TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  sha256 BLOB NOT NULL);"
    "CREATE INDEX files_by_message ON files(message_id);"
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value);";

/* Version 2: rooms (store_rooms.c). The lobby is row 0 and every account is in it
 * without a room_members row; direct rooms have no name, only dm_key "low:high" (the
 * two account ids). Lookups of a room's messages go through messages_by_room. */
static const char schema_v2[] =
    "CREATE TABLE rooms ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  kind INTEGER NOT NULL,"
    "  name TEXT,"
    "  name_key TEXT UNIQUE,"
    "  dm_key TEXT UNIQUE,"
    "  topic TEXT NOT NULL DEFAULT '',"
    "  created_by INTEGER,"
    "  created_ms INTEGER NOT NULL);"
    "INSERT INTO rooms (id, kind, name, name_key, created_ms)"
    "  VALUES (0, 0, 'lobby', 'lobby', 0);"
    "CREATE INDEX rooms_by_creator ON rooms(created_by, created_ms);"
    "CREATE TABLE room_members ("
    "  room_id INTEGER NOT NULL,"
    "  account_id INTEGER NOT NULL,"
    "  joined_ms INTEGER NOT NULL,"
    "  PRIMARY KEY (room_id, account_id));"
    "CREATE INDEX room_members_by_account ON room_members(account_id);"
    "CREATE TABLE room_invites ("
    "  room_id INTEGER NOT NULL,"
    "  account_id INTEGER NOT NULL,"
    "  invited_by INTEGER,"
    "  created_ms INTEGER NOT NULL,"
    "  PRIMARY KEY (room_id, account_id));"
    "CREATE TABLE blocks ("
    "  account_id INTEGER NOT NULL,"
    "  blocked_id INTEGER NOT NULL,"
    "  created_ms INTEGER NOT NULL,"
    "  PRIMARY KEY (account_id, blocked_id));"
    "CREATE INDEX messages_by_room ON messages(room_id, id);";

/* v3: history and idempotent sends. A resent TEXT_SEND is found by (sender, client_id)
 * (not unique: old clients restarted their counters, so earlier rows repeat ids; the
 * lookup also matches room and text). Guests' rows (sender NULL) stay out of it. */
static const char schema_v3[] =
    "CREATE INDEX messages_by_sender ON messages(sender_id, client_id)"
    " WHERE sender_id IS NOT NULL;";

/* v4: the live conversation (store_live.c). Edits, deletions and reactions are rows of
 * messages too (kinds 3 edit, 4 deletion, 5 reaction added, 6 reaction taken back), in
 * the one id sequence, naming the message they change in target_id; their body stays
 * NULL (search indexes no event). The message itself keeps its current state: the
 * latest text in body, edit_id and deleted_id the events; a deletion clears body to ''
 * with an UPDATE, so the text leaves the store (and an index kept by triggers).
 * reactions holds who reacted with what now; read_markers each account's "read up to"
 * per room; accounts.receipts_off the receipts opt-out. */
static const char schema_v4[] =
    "ALTER TABLE messages ADD COLUMN reply_to INTEGER;"
    "ALTER TABLE messages ADD COLUMN target_id INTEGER;"
    "ALTER TABLE messages ADD COLUMN edit_id INTEGER;"
    "ALTER TABLE messages ADD COLUMN deleted_id INTEGER;"
    "ALTER TABLE messages ADD COLUMN emoji TEXT;"
    "ALTER TABLE accounts ADD COLUMN receipts_off INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE reactions ("
    "  message_id INTEGER NOT NULL,"
    "  emoji TEXT NOT NULL,"
    "  account_id INTEGER NOT NULL,"
    "  event_id INTEGER NOT NULL,"
    "  PRIMARY KEY (message_id, emoji, account_id)) WITHOUT ROWID;"
    "CREATE TABLE read_markers ("
    "  account_id INTEGER NOT NULL,"
    "  room_id INTEGER NOT NULL,"
    "  message_id INTEGER NOT NULL,"
    "  PRIMARY KEY (account_id, room_id)) WITHOUT ROWID;"
    "CREATE INDEX read_markers_by_room ON read_markers(room_id, message_id);";

/* The triggers that keep messages_fts in step with an update (an edit, or a delete that
 * clears the text) and a delete of a messages row (v5; made again by v9). */
#define MESSAGES_FTS_TRIGGERS \
    "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages" \
    " WHEN old.body IS NOT NULL BEGIN" \
    "  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);" \
    " END;" \
    "CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN" \
    "  INSERT INTO messages_fts (messages_fts, rowid, body)" \
    "   SELECT 'delete', old.id, old.body WHERE old.body IS NOT NULL;" \
    "  INSERT INTO messages_fts (rowid, body) SELECT new.id, new.body" \
    "   WHERE new.body IS NOT NULL;" \
    " END;"

/* v5: search and thumbnails. messages_fts indexes the text of messages (external
 * content: the text is kept once, in messages) and triggers keep it in step with every
 * insert, update (an edit, or a delete that clears the text) and delete; the migration
 * indexes the rows already there. A file's thumbnail (PNG or JPEG, checked) is kept
 * with its index entry. Nothing here depends on another version's tables. */
static const char schema_v5[] =
    "CREATE VIRTUAL TABLE messages_fts USING fts5(body, content='messages',"
    " content_rowid='id');"
    "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages"
    " WHEN new.body IS NOT NULL BEGIN"
    "  INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);"
    " END;"
    MESSAGES_FTS_TRIGGERS
    "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');"
    "ALTER TABLE files ADD COLUMN thumb BLOB;"
    "ALTER TABLE files ADD COLUMN thumb_width INTEGER;"
    "ALTER TABLE files ADD COLUMN thumb_height INTEGER;";

/* v6: a stored text enters messages_fts from store_messages.c, not through the insert
 * trigger: a trigger makes every insert open a statement savepoint, at which FTS5 (in
 * SQLite 3.40) flushes its pending index, and that cost three times the instructions
 * of the same index insert made as a statement of its own. */
static const char schema_v6[] =
    "DROP TRIGGER messages_fts_insert;";

/* v7: per-room notification levels (store_notify.c), kept with the account so that all
 * its devices and restarts share them; a room at "all" (level 0) has no row. */
static const char schema_v7[] =
    "CREATE TABLE notify_levels ("
    "  account_id INTEGER NOT NULL,"
    "  room_id INTEGER NOT NULL,"
    "  level INTEGER NOT NULL,"
    "  PRIMARY KEY (account_id, room_id)) WITHOUT ROWID;";

/* v8: a cluster node's rows in meta (store_cluster.c): cluster_stream, cluster_node and
 * cluster_last_id, the last stream entry applied, written in the pass transaction of
 * the rows it covers. meta exists since v1, so there is nothing to create: the version
 * keeps a program older than the cluster from opening a store that may carry them (it
 * would write beside the stream, and the nodes' stores would diverge). */
static const char schema_v8[] = "";

/* v9: the cost of storing a text. messages is rebuilt without AUTOINCREMENT (its
 * sqlite_sequence row was read and rewritten by every insert) and without
 * messages_by_time (an index kept for the prune alone, which now walks the oldest ids,
 * store_messages.c): ~7,500 instructions and ~4 WAL pages less a stored text. Without
 * AUTOINCREMENT a new row takes the largest id + 1, which would hand out again the ids
 * of the newest rows if a prune took them; so "never handed out twice" is kept in meta
 * instead: messages_next_id, the least id a new row may take, written by every prune
 * (and here, from sqlite_sequence) and honoured by the store at open (store_messages.c).
 * Ids are copied unchanged; the triggers go with the old table and are made again on
 * the new one. messages_fts is made again with columnsize=0: no row of token counts
 * a text (messages_fts_docsize), ~3,600 instructions and ~1.3 WAL pages a text less;
 * ranking (bm25 needs a text's length) then counts the tokens of each text it scores,
 * a search's cost, not a send's; the rebuild indexes every text once. */
static const char schema_v9[] =
    "INSERT OR REPLACE INTO meta (key, value) SELECT 'messages_next_id', seq + 1"
    "  FROM sqlite_sequence WHERE name = 'messages';"
    "CREATE TABLE messages_v9 ("
    "  id INTEGER PRIMARY KEY,"
    "  room_id INTEGER NOT NULL,"
    "  time_ms INTEGER NOT NULL,"
    "  sender_id INTEGER,"
    "  sender_name TEXT NOT NULL,"
    "  kind INTEGER NOT NULL,"
    "  body TEXT,"
    "  file_id INTEGER,"
    "  client_id INTEGER,"
    "  reply_to INTEGER,"
    "  target_id INTEGER,"
    "  edit_id INTEGER,"
    "  deleted_id INTEGER,"
    "  emoji TEXT);"
    "INSERT INTO messages_v9 (id, room_id, time_ms, sender_id, sender_name, kind, body,"
    "  file_id, client_id, reply_to, target_id, edit_id, deleted_id, emoji)"
    "  SELECT id, room_id, time_ms, sender_id, sender_name, kind, body, file_id,"
    "  client_id, reply_to, target_id, edit_id, deleted_id, emoji FROM messages;"
    "DROP TABLE messages;"
    "ALTER TABLE messages_v9 RENAME TO messages;"
    "CREATE INDEX messages_by_room ON messages(room_id, id);"
    "CREATE INDEX messages_by_sender ON messages(sender_id, client_id)"
    " WHERE sender_id IS NOT NULL;"
    "DROP TABLE messages_fts;"
    "CREATE VIRTUAL TABLE messages_fts USING fts5(body, content='messages',"
    " content_rowid='id', columnsize=0);"
    "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');"
    MESSAGES_FTS_TRIGGERS;

static const char *const migrations[STORE_SCHEMA_VERSION] = {
    schema_v1,
    schema_v2,
    schema_v3,
    schema_v4,
    schema_v5,
    schema_v6,
    schema_v7,
    schema_v8,
    schema_v9,
};

enum store_status store_migrate(struct store *st, int from)
{
    for (int v = from; v < STORE_SCHEMA_VERSION; v++) {
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version=%d", v + 1);
        if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
            return store_fail(st, "starting a migration");
        if (sqlite3_exec(st->db, migrations[v], NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(st->db, bump, NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
            char what[64];
            snprintf(what, sizeof what, "migrating the schema to version %d", v + 1);
            store_fail(st, what);
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
            return STORE_ERROR;
        }
    }
    return STORE_OK;
}
