"""Rooms in the store (schema v2, server/store/store_schema.c): a version 1 database
made before rooms existed is migrated forward with its accounts and messages intact and
the lobby as room 0."""

import chatproto as P
from chatstore import DB_NAME, SCHEMA_VERSION, load_sql, query
from chatserver import REPO

V1_DUMP = REPO / "tests" / "integration" / "data" / "chat-v1.sql"


def test_a_version_1_database_is_migrated(accounts_server, account, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    load_sql(data / DB_NAME, V1_DUMP)
    assert query(data, "PRAGMA user_version") == [(1,)]
    server = accounts_server("--data-dir", str(data))
    alice = account(server, "alice", register=False)   # the v1 account and password
    assert alice.session.account_id == 1
    alice.say("after the migration", client_id=2)
    text = alice.expect(P.TEXT, client_id=2)
    assert text.message_id == 2                         # after the v1 message, id 1
    assert query(data, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert query(data, "SELECT id, kind, name, name_key, topic FROM rooms") == [
        (0, P.ROOM_PUBLIC, "lobby", "lobby", "")]
    assert query(data, "SELECT body FROM messages ORDER BY id") == [
        ("hello from v1",), ("after the migration",)]
    indexes = {row[0] for row in query(data, "SELECT name FROM sqlite_master "
                                             "WHERE type = 'index'")}
    assert {"messages_by_room", "room_members_by_account"} <= indexes
    tables = {row[0] for row in query(data, "SELECT name FROM sqlite_master "
                                            "WHERE type = 'table'")}
    assert {"rooms", "room_members", "room_invites", "blocks"} <= tables
