"""The database failing under a running server: its disk full, or its files made
unwritable between two commits. The pass whose commit fails answers its requests with
ERROR(STORAGE), and nobody receives what those requests would have told them (neither a
text nor a file announcement); the server stays up, serves others, and stores again
once the disk is usable. Every text acknowledged meanwhile is in the store.

Disk full is a small tmpfs mounted on the data directory (root with CAP_SYS_ADMIN), or
else RLIMIT_FSIZE on the server (its WAL file cannot grow: EFBIG). Unwritable is
chattr +i on the database, its WAL and the directory (root, on a filesystem with the
flag such as ext4 under pytest's tmp_path), which makes even writes through the
descriptors the server already holds fail with EPERM."""

import resource

import pytest

import chatproto as P
from chatclient import offer, send_chunks, sha256
from chatfs import immutable, run, tmpfs
from chatrooms import create, join, listing, people, request
from chathistory import collect
from chatstore import DB_NAME, texts

TEXT = "x" * 8000                      # about two pages of the database per text


SHORT = "y" * 40                       # fills what room the long ones left
SHORT_IDS = 5000                       # client ids of the short texts start here


def say_until_storage_error(alice, bob, limit=2000, text=TEXT, first_id=1):
    """alice sends texts one by one until one fails with STORAGE; bob must have seen
    every acknowledged one and none of the failed. Returns {message_id: client_id}."""
    acked = {}
    for client_id in range(first_id, first_id + limit):
        alice.say(text, client_id=client_id)
        frame = alice.recv()
        if frame.type == P.ERROR:
            assert frame.code == P.E_STORAGE, repr(frame)
            assert (frame.ref_type, frame.ref_id) == (P.TEXT_SEND, client_id), repr(frame)
            seen = [f.client_id for f in bob.sync() if f.type == P.TEXT]
            assert seen == sorted(acked.values()), "bob saw a text that was not stored"
            return acked
        assert frame.type == P.TEXT and frame.client_id == client_id, repr(frame)
        acked[frame.message_id] = client_id
    raise AssertionError(f"{limit} texts of {len(TEXT)} bytes and no STORAGE error")


def still_serving(server, user, alice, bob):
    """Up and serving: a newcomer logs in, and an upload whose index entry cannot be
    committed fails with STORAGE at FILE_END without leaving its file or being
    announced. A full disk may still have room for an index entry or two (a file's rows
    are smaller than a text's, whose search index grows too): those are announced to
    everyone, and the next upload is tried."""
    carol = user(server, "carol")
    for c in (alice, bob):
        c.expect(P.USER_JOINED, users=[(carol.user_id, "carol")])
    data = b"announced only if indexed"
    for upload_id in range(5, 105):
        kept = server.entries()
        offer(alice, upload_id, "f.txt", len(data), sha256(data))
        alice.expect(P.FILE_ACCEPT, id=upload_id)
        send_chunks(alice, upload_id, data)
        alice.send_frame(P.FILE_END, id=upload_id)
        frame = alice.recv()
        if frame.type == P.ERROR:
            assert (frame.code, frame.ref_type, frame.ref_id) == \
                (P.E_STORAGE, P.FILE_END, upload_id), repr(frame)
            assert server.entries() == kept, "the unannounced file was kept"
            for c in (bob, carol):
                c.expect_quiet()
            return
        assert frame.type == P.FILE_ANNOUNCE and frame.upload_id == upload_id, repr(frame)
        for c in (bob, carol):
            c.expect(P.FILE_ANNOUNCE, upload_id=upload_id)
    raise AssertionError("100 uploads and no STORAGE error")


def stores_again(alice, bob, client_id):
    alice.say("stored again", client_id=client_id)
    text = alice.expect(P.TEXT, client_id=client_id)
    bob.expect(P.TEXT, client_id=client_id)
    return text


def limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))


def test_database_disk_full(server_factory, room, user, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    with tmpfs(data, "size=1m,mode=0700") as mounted:
        server = server_factory("--data-dir", str(data), "--no-limits",
                                preexec_fn=None if mounted else limit_file_size)
        server.wait_log(r"store open")
        alice, bob = room(server, "alice", "bob")
        acked = say_until_storage_error(alice, bob)
        server.wait_log(r"store commit failed, 1 answers \(2 copies\) withdrawn")
        # The page a long text could not get may still hold a small row or two (how
        # many depends on the schema): short texts use it up, so the disk is full.
        acked.update(say_until_storage_error(alice, bob, text=SHORT, first_id=SHORT_IDS))
        still_serving(server, user, alice, bob)
        if mounted:                         # room again: the same server stores again
            assert run("mount", "-o", "remount,size=8m", str(data))
            text = stores_again(alice, bob, 9999)
            acked[text.message_id] = 9999
        stored = texts(data)
        for message_id, client_id in acked.items():
            want = TEXT if client_id < SHORT_IDS else SHORT if client_id != 9999 \
                else "stored again"
            assert stored.get(message_id) == ("alice", client_id, want)
        server.stop()


def test_database_unwritable_between_commits(server_factory, room, user, tmp_path):
    data = tmp_path / "data"
    server = server_factory("--data-dir", str(data))
    alice, bob = room(server, "alice", "bob")
    before = stores_again(alice, bob, 1)
    with immutable(data / DB_NAME, data / f"{DB_NAME}-wal", data) as frozen:
        if not frozen:
            pytest.skip("chattr +i is not available here")
        alice.say("cannot be stored", client_id=2)
        alice.expect_error(P.E_STORAGE, ref_type=P.TEXT_SEND, ref_id=2)
        bob.expect_quiet()
        server.wait_log(r"store commit failed")
        still_serving(server, user, alice, bob)
    after = stores_again(alice, bob, 3)
    assert after.message_id > before.message_id
    assert texts(data) == {before.message_id: ("alice", 1, "stored again"),
                           after.message_id: ("alice", 3, "stored again")}


def test_room_changes_that_cannot_be_stored_are_forgotten(server_factory, account, tmp_path):
    """A room created, joined or left in a pass whose commit fails: the requester gets
    STORAGE, nobody hears of it, and the server's rooms are what the store kept."""
    data = tmp_path / "data"
    server = server_factory("--data-dir", str(data), guests=False)
    alice, bob = people(account, server, "alice", "bob")
    state, _ = create(alice, "kept")
    with immutable(data / DB_NAME, data / f"{DB_NAME}-wal", data) as frozen:
        if not frozen:
            pytest.skip("chattr +i is not available here")
        request_id = request(alice, P.ROOM_CREATE, kind=P.ROOM_PUBLIC, name="lost", topic="")
        alice.expect_error(P.E_STORAGE, P.ROOM_CREATE, request_id)
        request_id = request(bob, P.ROOM_JOIN, name="kept")
        bob.expect_error(P.E_STORAGE, P.ROOM_JOIN, request_id)
        alice.expect_quiet()                 # no ROOM_PRESENCE for a join never stored
    rooms = listing(bob)
    assert "lost" not in rooms and rooms["kept"].flags == 0 and rooms["kept"].members == 1
    create(alice, "lost")                    # the name was never taken
    join(bob, "kept")
    alice.expect(P.ROOM_PRESENCE, room_id=state.room_id, state=P.MEMBER_JOINED)


def test_a_replay_in_a_failed_pass_holds_no_uncommitted_message(server_factory, room,
                                                                  tmp_path):
    """A text, a HISTORY and a RESUME in one write (one loop pass) whose commit fails:
    the text is refused with STORAGE, and neither answer replays it (history reads stop
    below what the pass wrote, which a failed commit rolls back)."""
    data = tmp_path / "data"
    server = server_factory("--data-dir", str(data))
    alice, bob = room(server, "alice", "bob")
    kept = stores_again(alice, bob, 1)
    with immutable(data / DB_NAME, data / f"{DB_NAME}-wal", data) as frozen:
        if not frozen:
            pytest.skip("chattr +i is not available here")
        alice.send(P.encode(P.TEXT_SEND, client_id=2, room_id=P.ROOM_LOBBY,
                            text="never stored") +
                   P.encode(P.HISTORY, request_id=70, room_id=P.ROOM_LOBBY,
                            mode=P.HISTORY_LATEST, limit=10, anchor=0) +
                   P.encode(P.RESUME, request_id=71, room_id=P.ROOM_LOBBY, last_id=0))
        for request_id in (70, 71):          # answered in the pass, before its commit
            _, page, end, _ = collect(alice, request_id)
            assert [m.message_id for m in page] == [kept.message_id], page
            assert end.flags == 0, repr(end)
        alice.expect_error(P.E_STORAGE, ref_type=P.TEXT_SEND, ref_id=2)
        bob.expect_quiet()
