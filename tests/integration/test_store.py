"""The store (server/store/): chat.db in --data-dir keeps every text and file
announcement; message and file ids never repeat across restarts; a file shared before
a restart still downloads by its id after it; a database from a newer version or a
damaged one stops the server without being touched; --backup copies a live database;
--retention-days prunes; --data-dir :memory: keeps nothing on disk."""

import sqlite3

import chatproto as P
from chatclient import download, upload
from chatserver import wait_until
from chatstore import (DB_NAME, SCHEMA_VERSION, file_digest, integrity, query, run_command,
                       texts)


def test_ids_never_repeat_and_old_files_download_after_restart(server_factory, user,
                                                               tmp_path):
    data, files = tmp_path / "data", tmp_path / "files"
    first = server_factory("--data-dir", str(data), files_dir=files)
    alice = user(first, "alice")
    alice.say("before the restart", client_id=1)
    before = alice.expect(P.TEXT, client_id=1)
    old = upload(alice, "shared.txt", b"alice's file from before")
    first.stop()

    second = server_factory("--data-dir", str(data), files_dir=files)
    bob = user(second, "bob")
    bob.say("after the restart", client_id=1)
    after = bob.expect(P.TEXT, client_id=1)
    assert after.message_id > max(before.message_id, old.message_id)
    new = upload(bob, "shared.txt", b"bob's different file")
    assert new.file_id > old.file_id and new.message_id > after.message_id
    assert new.name == "shared (2).txt"
    # The old id still means the old file, not the newest one.
    start, got = download(bob, old.file_id)
    assert (start.name, got) == ("shared.txt", b"alice's file from before")
    start, got = download(bob, new.file_id)
    assert (start.name, got) == ("shared (2).txt", b"bob's different file")


def test_every_text_and_announcement_is_stored(server, room):
    alice, bob = room(server, "alice", "bob")
    alice.say("hello é 👋", client_id=41)
    text = alice.expect(P.TEXT, client_id=41)
    bob.expect(P.TEXT, client_id=41)
    announce = upload(bob, "notes.txt", b"some notes", upload_id=9)
    alice.expect(P.FILE_ANNOUNCE, file_id=announce.file_id)
    data = server.workdir                    # the default --data-dir: the working directory
    assert query(data, "SELECT id, room_id, time_ms, sender_id, sender_name, kind, body, "
                       "file_id, client_id FROM messages ORDER BY id") == [
        (text.message_id, 0, text.time_ms, None, "alice", 1, "hello é 👋", None, 41),
        (announce.message_id, 0, announce.time_ms, None, "bob", 2, None, announce.file_id, 9),
    ]
    assert query(data, "SELECT id, message_id, room_id, uploader_name, name, size, sha256 "
                       "FROM files") == [
        (announce.file_id, announce.message_id, 0, "bob", "notes.txt", 10, announce.sha256)]
    assert query(data, "PRAGMA journal_mode") == [("wal",)]
    assert query(data, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    tables = {row[0] for row in query(data, "SELECT name FROM sqlite_master "
                                            "WHERE type = 'table'")}
    assert {"accounts", "sessions", "invites", "messages", "files", "meta"} <= tables


def refuses_to_start(tmp_path, data, expected):
    """chat-server on data exits 1 naming the problem, leaving chat.db byte for byte."""
    db = data / DB_NAME
    digest = file_digest(db)
    status, out, err = run_command("--port", "0", "--log", str(tmp_path / "refused.log"),
                                   "--files-dir", str(tmp_path / "files"),
                                   "--data-dir", str(data))
    assert status == 1, (status, out, err)
    assert expected in err and str(db) in err, err
    assert "listening" not in out
    assert file_digest(db) == digest


def test_a_data_directory_serves_one_process(server_factory, user, tmp_path):
    """A second server, or an accounts command, on the data directory of a running server
    is refused (the first one's memory would not see its writes); once the first has
    stopped, both work."""
    data = tmp_path / "data"
    first = server_factory("--data-dir", str(data))
    alice = user(first, "alice")
    alice.say("kept", client_id=1)
    alice.expect(P.TEXT, client_id=1)                # acknowledged: committed
    status, out, err = run_command("--port", "0", "--log", str(tmp_path / "second.log"),
                                   "--files-dir", str(tmp_path / "files2"),
                                   "--data-dir", str(data))
    assert status == 1 and "in use by another chat-server" in err, (status, out, err)
    assert "listening" not in out
    status, out, err = run_command("--data-dir", str(data), "--create-invite")
    assert status != 0 and "in use by another chat-server" in err, (status, out, err)
    first.stop()
    status, out, err = run_command("--data-dir", str(data), "--create-invite")
    assert status == 0, (status, out, err)
    second = server_factory("--data-dir", str(data))
    assert [body for _, _, body in texts(data).values()] == ["kept"]
    second.stop()


def test_newer_schema_is_refused_untouched(server_factory, tmp_path):
    data = tmp_path / "data"
    server_factory("--data-dir", str(data)).stop()
    with sqlite3.connect(data / DB_NAME) as db:
        db.execute("PRAGMA user_version = 99")
    db.close()
    refuses_to_start(tmp_path, data,
                     f"schema version 99, newer than this server's {SCHEMA_VERSION}")


def test_not_a_database_is_refused_untouched(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / DB_NAME).write_bytes(b"this is not a database, whatever it is" * 200)
    refuses_to_start(tmp_path, data, "file is not a database")


def test_damaged_database_is_refused_untouched(server_factory, user, tmp_path):
    data = tmp_path / "data"
    server = server_factory("--data-dir", str(data))
    alice = user(server, "alice")
    for i in range(200):                     # enough rows for the table to span pages
        alice.say(f"message {i} " + "x" * 200, client_id=i + 1)
        alice.expect(P.TEXT, client_id=i + 1)
    server.stop()
    with sqlite3.connect(data / DB_NAME) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.close()
    raw = bytearray((data / DB_NAME).read_bytes())
    victim = (pages - 2) * page_size         # a page of the messages table, not the header
    raw[victim:victim + page_size] = bytes([0x0d]) + b"\xff" * (page_size - 1)
    (data / DB_NAME).write_bytes(raw)
    refuses_to_start(tmp_path, data, "quick_check")


def test_backup_while_running(server_factory, user, tmp_path):
    data = tmp_path / "data"
    server = server_factory("--data-dir", str(data), "--no-limits")
    alice = user(server, "alice")
    for i in range(1, 301):
        alice.say(f"kept in the backup {i}", client_id=i)
    acked = {alice.expect(P.TEXT, client_id=i).message_id for i in range(1, 301)}
    copy = tmp_path / "backup.db"
    status, out, err = run_command("--data-dir", str(data), "--backup", str(copy))
    assert status == 0, err
    assert str(copy) in out
    assert integrity(copy) == "ok"
    with sqlite3.connect(copy) as db:
        stored = {row[0] for row in db.execute("SELECT id FROM messages")}
    db.close()
    assert stored == acked
    # The server went on meanwhile; the backup never replaces a file.
    alice.say("after the backup", client_id=999)
    alice.expect(P.TEXT, client_id=999)
    status, _, err = run_command("--data-dir", str(data), "--backup", str(copy))
    assert status == 1 and "File exists" in err, err


def test_backup_of_a_missing_database_fails(tmp_path):
    status, _, err = run_command("--data-dir", str(tmp_path / "nothing"), "--backup",
                                 str(tmp_path / "out.db"))
    assert status == 1 and "cannot open" in err, err
    assert not (tmp_path / "out.db").exists()


def test_retention_prunes_old_messages_and_their_files(server_factory, user, tmp_path):
    data, files = tmp_path / "data", tmp_path / "files"
    first = server_factory("--data-dir", str(data), files_dir=files)
    alice = user(first, "alice")
    alice.say("old news", client_id=1)
    old_text = alice.expect(P.TEXT, client_id=1)
    old_file = upload(alice, "old.bin", b"old bytes")
    alice.say("recent", client_id=2)
    recent = alice.expect(P.TEXT, client_id=2)
    first.stop()
    three_days = 3 * 24 * 3600 * 1000        # the first two messages age by three days
    with sqlite3.connect(data / DB_NAME) as db:
        db.execute("UPDATE messages SET time_ms = time_ms - ? WHERE id <= ?",
                   (three_days, old_file.message_id))
    db.close()

    second = server_factory("--data-dir", str(data), "--retention-days", "2",
                            files_dir=files)
    second.wait_log(r"pruned 2 messages older than 2 days")
    wait_until(lambda: sorted(texts(data)) == [recent.message_id], what="the prune's commit")
    assert query(data, "SELECT count(*) FROM files") == [(0,)]
    wait_until(lambda: second.entries() == [], what="the pruned file to leave the disk")
    bob = user(second, "bob")
    bob.send_frame(P.DOWNLOAD_REQUEST, file_id=old_file.file_id, offset=0)
    bob.expect_error(P.E_FILE_NOT_FOUND, ref_type=P.DOWNLOAD_REQUEST, ref_id=old_file.file_id)
    bob.say("new", client_id=3)              # ids still never repeat
    assert bob.expect(P.TEXT, client_id=3).message_id > recent.message_id > old_text.message_id


def test_memory_store_keeps_nothing_on_disk(server_factory, user, tmp_path):
    server = server_factory("--data-dir", ":memory:")
    alice = user(server, "alice")
    alice.say("gone with the process", client_id=1)
    alice.expect(P.TEXT, client_id=1, message_id=1)
    announce = upload(alice, "f.txt", b"in memory index")
    assert download(alice, announce.file_id)[1] == b"in memory index"
    assert not list(server.workdir.glob("chat.db*"))
    assert not list(server.workdir.glob(":memory:*"))
    status, _, err = run_command("--data-dir", ":memory:", "--backup", str(tmp_path / "x"))
    assert status == 2 and "in-memory" in err, err


def test_an_empty_database_is_migrated_to_the_current_schema(server_factory, user, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / DB_NAME).write_bytes(b"")        # SQLite's empty database: schema version 0
    server = server_factory("--data-dir", str(data))
    alice = user(server, "alice")
    alice.say("first", client_id=1)
    alice.expect(P.TEXT, client_id=1, message_id=1)
    assert query(data, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_the_wal_is_checkpointed(server_factory, user, tmp_path):
    """Checkpoints run on their own thread once the WAL passes 1000 pages (4 MiB), so 8 MiB
    of texts soon leave at least 4 MiB copied back into chat.db (after the WAL is reused
    less than 1000 pages may stay in it, as with SQLite's own checkpoints)."""
    data = tmp_path / "data"
    server = server_factory("--data-dir", str(data), "--no-limits")
    alice = user(server, "alice")
    text = "w" * 8000
    for batch in range(8):
        alice.send(b"".join(P.encode(P.TEXT_SEND, client_id=batch * 128 + i, room_id=0,
                                     text=text) for i in range(128)))
        for i in range(128):
            alice.expect(P.TEXT, client_id=batch * 128 + i)
    wait_until(lambda: (data / DB_NAME).stat().st_size > 4 << 20,
               what="checkpoints to copy the WAL into chat.db")
    assert len(texts(data)) == 8 * 128


def test_an_account_is_stored_as_the_sender(accounts_server, account):
    server = accounts_server()
    alice = account(server, "alice")
    others = tuple(t for t in P.TYPE_NAMES if t not in (P.TEXT, P.FILE_ACCEPT,
                                                        P.FILE_ANNOUNCE, P.ERROR))
    alice.say("from an account", client_id=1)
    text, _ = alice.wait_for(P.TEXT, skip=others)
    announce = upload(alice, "mine.txt", b"an account's file", skip=others)
    me = alice.session.account_id
    assert query(server.workdir, "SELECT id, sender_id, sender_name FROM messages "
                                 "ORDER BY id") == [(text.message_id, me, "alice"),
                                                    (announce.message_id, me, "alice")]
    assert query(server.workdir, "SELECT uploader_id FROM files") == [(me,)]
