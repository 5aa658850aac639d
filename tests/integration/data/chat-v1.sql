-- A version 1 chat.db (made by chat-server before rooms, schema v1): two accounts and
-- one lobby message. test_rooms_store.py loads it and checks the migration to v2.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE accounts (  id INTEGER PRIMARY KEY AUTOINCREMENT,  name TEXT NOT NULL,  name_key TEXT NOT NULL UNIQUE,  pw_hash TEXT NOT NULL,  role INTEGER NOT NULL,  created_ms INTEGER NOT NULL,  banned INTEGER NOT NULL DEFAULT 0,  ban_reason TEXT,  muted_until_ms INTEGER NOT NULL DEFAULT 0,  deleted INTEGER NOT NULL DEFAULT 0);
INSERT INTO accounts VALUES(1,'alice','alice','$argon2id$v=19$m=19456,t=2,p=1$+5gR6ZUkS7sTkGxHMWqYrw$YirYRF3Mb6rFJRh0FvY9QxBYjxxIGW0K4bK3NPGTJFY',2,1796153428580,0,NULL,0,0);
INSERT INTO accounts VALUES(2,'bob','bob','$argon2id$v=19$m=19456,t=2,p=1$mJLFZMP7ABIhj3OZXH3E4g$Wjq8KNt67PwYscQX8QB0eSZXv6cpCnI3s1Q8uhXD1aY',0,1796153428847,0,NULL,0,0);
CREATE TABLE sessions (  token_hash BLOB PRIMARY KEY,  account_id INTEGER NOT NULL REFERENCES accounts(id),  created_ms INTEGER NOT NULL,  expires_ms INTEGER NOT NULL);
INSERT INTO sessions VALUES(X'8e379b04003a577bae484a5674dd4a914324006fcb337d8292ba8c634c9879bd',1,1796153428580,1798745428580);
INSERT INTO sessions VALUES(X'871c83b271ca0dadc71729b5a34a128c9c6369e6d6635fe358e66d0e6ea9da46',2,1796153428847,1798745428847);
CREATE TABLE invites (  code_hash BLOB PRIMARY KEY,  created_by INTEGER,  created_ms INTEGER NOT NULL,  expires_ms INTEGER NOT NULL,  used_by INTEGER,  used_ms INTEGER);
CREATE TABLE messages (  id INTEGER PRIMARY KEY AUTOINCREMENT,  room_id INTEGER NOT NULL,  time_ms INTEGER NOT NULL,  sender_id INTEGER,  sender_name TEXT NOT NULL,  kind INTEGER NOT NULL,  body TEXT,  file_id INTEGER,  client_id INTEGER);
INSERT INTO messages VALUES(1,0,1796153428584,NULL,'alice',1,'hello from v1',NULL,1);
CREATE TABLE files (  id INTEGER PRIMARY KEY AUTOINCREMENT,  message_id INTEGER,  room_id INTEGER NOT NULL,  time_ms INTEGER NOT NULL,  uploader_id INTEGER,  uploader_name TEXT NOT NULL,  name TEXT NOT NULL,  size INTEGER NOT NULL,  sha256 BLOB NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value);
DELETE FROM sqlite_sequence;
INSERT INTO sqlite_sequence VALUES('accounts',2);
INSERT INTO sqlite_sequence VALUES('messages',1);
CREATE INDEX sessions_by_account ON sessions(account_id);
CREATE INDEX messages_by_time ON messages(time_ms);
CREATE INDEX files_by_message ON files(message_id);
COMMIT;
PRAGMA user_version=1;
