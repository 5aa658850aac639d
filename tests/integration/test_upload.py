"""Uploads: offer, accept, chunks, end; verified, stored under a safe name, announced to
everyone; every failure leaves nothing behind."""

import os

import pytest

import chatproto as P
from chatclient import check_announce, download, offer, send_chunks, sha256, upload
from chatserver import wait_until

DATA = os.urandom(3 * 1024 * 1024 + 123)     # not a whole number of chunks


def test_upload_announced_stored_and_downloadable(server, room):
    alice, bob = room(server, "alice", "bob")
    announce = upload(alice, "report.bin", DATA, upload_id=77)
    assert announce.file_id == 1 and announce.message_id == 1
    assert announce.name == "report.bin"
    seen = bob.expect(P.FILE_ANNOUNCE)
    assert seen.fields == announce.fields
    # Stored whole under the announced name, and nothing else in the directory.
    assert server.entries() == ["report.bin"]
    assert (server.files_dir / "report.bin").read_bytes() == DATA
    start, got = download(bob, announce.file_id)
    assert (start.size, start.sha256, start.name) == (len(DATA), sha256(DATA), "report.bin")
    assert got == DATA and sha256(got) == announce.sha256
    # The uploader can download it too.
    assert download(alice, announce.file_id)[1] == DATA
    alice.expect_quiet()
    bob.expect_quiet()


def test_files_share_the_message_id_sequence(server, room):
    alice, bob = room(server, "alice", "bob")
    alice.say("before", client_id=1)
    assert alice.expect(P.TEXT).message_id == 1
    announce = upload(alice, "a.txt", b"hello\n", upload_id=1)
    alice.say("after", client_id=2)
    assert alice.expect(P.TEXT).message_id == 3
    assert announce.message_id == 2
    assert [bob.recv().type for _ in range(3)] == [P.TEXT, P.FILE_ANNOUNCE, P.TEXT]
    second = upload(bob, "b.txt", b"x", upload_id=1)   # upload ids are per connection
    assert (second.file_id, second.message_id) == (2, 4)


def test_two_uploads_interleaved_on_one_connection(server, user):
    alice = user(server, "alice")
    one, two = os.urandom(300000), os.urandom(200001)
    offer(alice, 1, "one.bin", len(one), sha256(one))
    offer(alice, 2, "two.bin", len(two), sha256(two))
    alice.expect(P.FILE_ACCEPT, id=1)
    alice.expect(P.FILE_ACCEPT, id=2)
    for pos in range(0, max(len(one), len(two)), 50000):
        for upload_id, data in ((2, two), (1, one)):
            if pos < len(data):
                send_chunks(alice, upload_id, data[pos:pos + 50000], start=pos)
    alice.send(P.encode(P.FILE_END, id=2) + P.encode(P.FILE_END, id=1))
    second = alice.expect(P.FILE_ANNOUNCE, upload_id=2, name="two.bin")
    first = alice.expect(P.FILE_ANNOUNCE, upload_id=1, name="one.bin")
    check_announce(first, alice, 1, len(one), sha256(one))
    check_announce(second, alice, 2, len(two), sha256(two))
    assert (server.files_dir / "one.bin").read_bytes() == one
    assert (server.files_dir / "two.bin").read_bytes() == two


def test_zero_byte_file(server, room):
    alice, bob = room(server, "alice", "bob")
    offer(alice, 5, "empty.txt", 0, sha256(b""))
    alice.expect(P.FILE_ACCEPT, id=5)
    alice.send_frame(P.FILE_END, id=5)
    announce = alice.expect(P.FILE_ANNOUNCE)
    check_announce(announce, alice, 5, 0, sha256(b""))
    assert bob.expect(P.FILE_ANNOUNCE).fields == announce.fields
    assert server.entries() == [announce.name]
    assert (server.files_dir / announce.name).read_bytes() == b""
    start, got = download(bob, announce.file_id)
    assert start.size == 0 and got == b""


def test_same_name_twice_gets_two_unique_names(server, user):
    alice = user(server, "alice")
    first = upload(alice, "same.txt", b"first", upload_id=1)
    second = upload(alice, "same.txt", b"second", upload_id=2)
    assert first.name != second.name
    assert sorted(server.entries()) == sorted([first.name, second.name])
    assert (server.files_dir / first.name).read_bytes() == b"first"
    assert (server.files_dir / second.name).read_bytes() == b"second"
    assert download(alice, second.file_id)[1] == b"second"


def test_sha_mismatch_refused_and_nothing_left(server, room):
    alice, bob = room(server, "alice", "bob")
    data = os.urandom(200000)
    offer(alice, 9, "bad.bin", len(data), sha256(data + b"!"))
    alice.expect(P.FILE_ACCEPT, id=9)
    send_chunks(alice, 9, data)
    alice.send_frame(P.FILE_END, id=9)
    alice.expect_error(P.E_FILE_MISMATCH, ref_id=9)
    server.wait_entries([])
    bob.expect_quiet()
    alice.expect_quiet()


def test_size_mismatch_refused_and_nothing_left(server, user):
    alice = user(server, "alice")
    data = os.urandom(1000)
    offer(alice, 3, "short.bin", 2000, sha256(data))
    alice.expect(P.FILE_ACCEPT, id=3)
    send_chunks(alice, 3, data)
    alice.send_frame(P.FILE_END, id=3)
    alice.expect_error(P.E_FILE_MISMATCH, ref_id=3)
    server.wait_entries([])


def test_chunk_at_wrong_offset_drops_upload(server, user):
    alice = user(server, "alice")
    data = os.urandom(5000)
    offer(alice, 4, "gap.bin", len(data), sha256(data))
    alice.expect(P.FILE_ACCEPT, id=4)
    send_chunks(alice, 4, data[:1000])
    send_chunks(alice, 4, data[2000:3000], start=2000)
    alice.expect_error(P.E_BAD_OFFSET, ref_type=P.FILE_CHUNK, ref_id=4)
    server.wait_entries([])
    # The upload is gone: a chunk at the right offset now refers to nothing.
    send_chunks(alice, 4, data[1000:2000], start=1000)
    alice.expect_error(P.E_TRANSFER_UNKNOWN, ref_type=P.FILE_CHUNK, ref_id=4)


def test_chunk_past_size_drops_upload(server, user):
    alice = user(server, "alice")
    offer(alice, 6, "small.bin", 10, sha256(b"0123456789"))
    alice.expect(P.FILE_ACCEPT, id=6)
    send_chunks(alice, 6, b"0123456789A")
    alice.expect_error(P.E_BAD_OFFSET, ref_type=P.FILE_CHUNK, ref_id=6)
    server.wait_entries([])
    alice.send_frame(P.FILE_END, id=6)
    alice.expect_error(P.E_TRANSFER_UNKNOWN, ref_type=P.FILE_END, ref_id=6)


def test_unknown_upload_ids(server, user):
    alice = user(server, "alice")
    send_chunks(alice, 99, b"data")
    alice.expect_error(P.E_TRANSFER_UNKNOWN, ref_type=P.FILE_CHUNK, ref_id=99)
    alice.send_frame(P.FILE_END, id=98)
    alice.expect_error(P.E_TRANSFER_UNKNOWN, ref_type=P.FILE_END, ref_id=98)
    alice.expect_quiet()
    assert server.entries() == []


def test_sizes_over_4gib(server, user):
    """Sizes are u64: a 5 GiB offer is accepted under the 16 GiB default, one byte over
    16 GiB is not."""
    alice = user(server, "alice")
    offer(alice, 1, "huge.iso", 5 << 30, sha256(b""))
    alice.expect(P.FILE_ACCEPT, id=1)
    send_chunks(alice, 1, b"x" * 1000)
    alice.send_frame(P.FILE_CANCEL, id=1)
    offer(alice, 2, "huger.iso", (16 << 30) + 1, sha256(b""))
    alice.expect_error(P.E_FILE_TOO_LARGE, ref_type=P.FILE_OFFER, ref_id=2)
    alice.expect_quiet()
    server.wait_entries([])


def test_file_too_large(server_factory, user):
    server = server_factory("--max-file-size", "1000")
    alice = user(server, "alice")
    data = os.urandom(1001)
    offer(alice, 1, "big.bin", 1001, sha256(data))
    alice.expect_error(P.E_FILE_TOO_LARGE, ref_type=P.FILE_OFFER, ref_id=1)
    announce = upload(alice, "fits.bin", data[:1000], upload_id=2)
    assert announce.size == 1000


def test_too_many_uploads(server_factory, user):
    server = server_factory("--max-uploads", "2")
    alice = user(server, "alice")
    for upload_id in (1, 2):
        offer(alice, upload_id, f"f{upload_id}", 1, sha256(b"x"))
        alice.expect(P.FILE_ACCEPT, id=upload_id)
    offer(alice, 3, "f3", 1, sha256(b"x"))
    alice.expect_error(P.E_TOO_MANY_TRANSFERS, ref_type=P.FILE_OFFER, ref_id=3)
    send_chunks(alice, 1, b"x")
    alice.send_frame(P.FILE_END, id=1)
    alice.expect(P.FILE_ANNOUNCE, upload_id=1)
    offer(alice, 3, "f3", 1, sha256(b"x"))
    alice.expect(P.FILE_ACCEPT, id=3)


def test_duplicate_live_upload_id(server, user):
    alice = user(server, "alice")
    offer(alice, 8, "one", 1, sha256(b"x"))
    alice.expect(P.FILE_ACCEPT, id=8)
    offer(alice, 8, "two", 1, sha256(b"x"))
    alice.expect_error(P.E_DUPLICATE_ID, ref_type=P.FILE_OFFER, ref_id=8)
    # The first upload under that id is unharmed.
    send_chunks(alice, 8, b"x")
    alice.send_frame(P.FILE_END, id=8)
    assert alice.expect(P.FILE_ANNOUNCE, upload_id=8).name == "one"


def test_offer_to_unknown_room(server, user):
    alice = user(server, "alice")
    offer(alice, 1, "x.txt", 1, sha256(b"x"), room_id=5)
    alice.expect_error(P.E_ROOM_UNKNOWN, ref_type=P.FILE_OFFER, ref_id=1)
    alice.expect_quiet()


def test_temp_file_private_while_uploading_then_cancel(server, room):
    alice, bob = room(server, "alice", "bob")
    data = os.urandom(100000)
    offer(alice, 2, "wip.bin", len(data), sha256(data))
    alice.expect(P.FILE_ACCEPT, id=2)
    send_chunks(alice, 2, data[:40000])
    alice.expect_quiet()                      # the chunk has been handled
    assert server.entries() == [], "an upload in progress is an unnamed (O_TMPFILE) file"
    bob.expect_quiet()
    alice.send_frame(P.FILE_CANCEL, id=2)
    alice.expect_quiet()                      # no reply to a cancel
    server.wait_entries([])
    send_chunks(alice, 2, data[40000:50000], start=40000)
    alice.expect_error(P.E_TRANSFER_UNKNOWN, ref_type=P.FILE_CHUNK, ref_id=2)
    bob.expect_quiet()


def test_leftover_temp_files_removed_at_start(server_factory, user, tmp_path):
    files = tmp_path / "preset-files"
    files.mkdir()
    (files / ".upload-stale1.part").write_bytes(b"half a file")
    (files / ".upload-xyz.part").write_bytes(b"")
    (files / "kept.txt").write_bytes(b"a finished file from an earlier run")
    server = server_factory(files_dir=files)
    wait_until(lambda: server.entries() == ["kept.txt"], what="leftovers removed")
    assert (files / "kept.txt").read_bytes() == b"a finished file from an earlier run"
    # Only files in the store's index are downloadable.
    alice = user(server, "alice")
    alice.send_frame(P.DOWNLOAD_REQUEST, file_id=1, offset=0)
    alice.expect_error(P.E_FILE_NOT_FOUND, ref_type=P.DOWNLOAD_REQUEST, ref_id=1)


@pytest.mark.parametrize("how", ["close", "reset"])
def test_disconnect_mid_upload_leaves_nothing(server, room, how):
    alice, bob = room(server, "alice", "bob")
    data = os.urandom(300000)
    offer(alice, 1, "partial.bin", len(data), sha256(data))
    alice.expect(P.FILE_ACCEPT, id=1)
    send_chunks(alice, 1, data[:150000])
    frame = P.encode(P.FILE_CHUNK, id=1, offset=150000, data=data[150000:160000])
    alice.send(frame[:5000])                  # then stop in the middle of a frame
    getattr(alice, how)()
    bob.expect(P.USER_LEFT, users=[(alice.user_id, "alice")])
    server.wait_entries([])
    bob.say("still fine", client_id=1)
    bob.expect(P.TEXT, client_id=1)
