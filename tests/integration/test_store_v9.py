"""The messages table of schema v9 (server/store/store_schema.c): a version 8 database is
rebuilt without AUTOINCREMENT and without the time index, its messages keeping their ids
and staying searchable; an id a prune took is never handed out again, whether the prune
ran in this process or the id was taken before the migration (sqlite_sequence then)."""

import sqlite3

import chatproto as P
from chatsearch import plain, search
from chatserver import REPO, wait_until
from chatstore import DB_NAME, SCHEMA_VERSION, integrity, load_sql, query, texts

V8_DUMP = REPO / "tests" / "integration" / "data" / "chat-v8.sql"
THREE_DAYS_MS = 3 * 24 * 3600 * 1000


def test_a_version_8_database_is_migrated_searchable(accounts_server, account, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    load_sql(data / DB_NAME, V8_DUMP)
    # id 3 was handed out and deleted: sqlite_sequence is above the largest id
    assert query(data, "SELECT max(id) FROM messages") == [(2,)]
    assert query(data, "SELECT seq FROM sqlite_sequence WHERE name = 'messages'") == [(3,)]
    server = accounts_server("--data-dir", str(data), "--no-limits")
    alice = account(server, "alice", register=False)
    assert query(data, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert [(r.message_id, plain(r.snippet)) for r in search(alice, "orchard")] == [
        (2, "the pear orchard in version eight")]
    assert [r.message_id for r in search(alice, "hello")] == [1]
    alice.say("after the rebuild, an orchard again", client_id=4)
    text = alice.expect(P.TEXT, client_id=4)
    assert text.message_id == 4                     # not 3, the deleted newest id
    assert [r.message_id for r in search(alice, "orchard")] == [4, 2]
    schema = " ".join(row[0] for row in query(
        data, "SELECT sql FROM sqlite_master WHERE tbl_name = 'messages' AND sql IS NOT NULL"))
    assert "AUTOINCREMENT" not in schema and "messages_by_time" not in schema
    assert "messages_by_room" in schema and "messages_fts_update" in schema
    assert query(data, "SELECT count(*) FROM sqlite_sequence WHERE name = 'messages'") == [(0,)]
    server.stop()
    assert integrity(data / DB_NAME) == "ok"
    with sqlite3.connect(data / DB_NAME) as db:   # raises if the index is not the texts'
        db.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")
    db.close()


def age_everything(data):
    """Makes every stored message three days older (the server stopped)."""
    with sqlite3.connect(data / DB_NAME) as db:
        db.execute("UPDATE messages SET time_ms = time_ms - ?", (THREE_DAYS_MS,))
    db.close()


def prune_all(server_factory, data, count):
    """A server with --retention-days 2 that prunes count messages, the store's all."""
    server = server_factory("--data-dir", str(data), "--retention-days", "2")
    server.wait_log(rf"pruned {count} messages older than 2 days")
    wait_until(lambda: texts(data) == {}, what="the prune's commit")
    return server


def test_a_pruned_newest_id_is_not_handed_out_again(server_factory, user, tmp_path):
    data = tmp_path / "data"
    first = server_factory("--data-dir", str(data))
    alice = user(first, "alice")
    for n in (1, 2):
        alice.say(f"old text {n}", client_id=n)
    newest = max(alice.expect(P.TEXT, client_id=n).message_id for n in (1, 2))
    first.stop()

    age_everything(data)
    second = prune_all(server_factory, data, 2)      # the table is empty now
    bob = user(second, "bob")
    bob.say("after the prune", client_id=1)
    assert bob.expect(P.TEXT, client_id=1).message_id == newest + 1
    second.stop()

    age_everything(data)
    prune_all(server_factory, data, 1).stop()        # the next id only in meta now
    third = server_factory("--data-dir", str(data))
    carol = user(third, "carol")
    carol.say("after a restart", client_id=1)
    assert carol.expect(P.TEXT, client_id=1).message_id == newest + 2
