"""Downloads: start, contiguous chunks, end; errors; cancel; limits."""

import os
import random

import chatproto as P
from chatclient import download, sha256, upload

SMALL_RCVBUF = 32 * 1024


def big_data(size, seed):
    rng = random.Random(seed)
    return b"".join(rng.randbytes(1 << 20) for _ in range(size >> 20))


def test_unknown_file_id(server, room):
    alice, = room(server, "alice")
    for file_id in (1, 0, 2**64 - 1):
        alice.send_frame(P.DOWNLOAD_REQUEST, file_id=file_id, offset=0)
        alice.expect_error(P.E_FILE_NOT_FOUND, ref_type=P.DOWNLOAD_REQUEST, ref_id=file_id)
    alice.expect_quiet()


def test_file_ids_count_from_one(server, user):
    alice = user(server, "alice")
    ids = [upload(alice, f"n{i}.txt", b"%d" % i, upload_id=i).file_id for i in range(3)]
    assert ids == [1, 2, 3]
    for i, file_id in enumerate(ids):
        assert download(alice, file_id)[1] == b"%d" % i


def test_offset_past_end_refused(server, room):
    alice, bob = room(server, "alice", "bob")
    data = os.urandom(5000)
    file_id = upload(alice, "f.bin", data).file_id
    bob.expect(P.FILE_ANNOUNCE)
    bob.send_frame(P.DOWNLOAD_REQUEST, file_id=file_id, offset=5001)
    bob.expect_error(P.E_BAD_OFFSET, ref_type=P.DOWNLOAD_REQUEST, ref_id=file_id)
    bob.expect_quiet()
    # Offset == size is a valid, empty resume.
    start, got = download(bob, file_id, offset=5000)
    assert (start.size, start.sha256, got) == (5000, sha256(data), b"")


def test_cancel_stops_download(server_factory, user, connect):
    server = server_factory()
    alice = user(server, "alice")
    data = big_data(32 << 20, seed=1)
    file_id = upload(alice, "big.bin", data).file_id
    bob = connect(server, rcvbuf=SMALL_RCVBUF)
    bob.login("bob")
    bob.send_frame(P.DOWNLOAD_REQUEST, file_id=file_id, offset=0)
    bob.expect(P.DOWNLOAD_START, file_id=file_id, offset=0, size=len(data))
    first = bob.expect(P.DOWNLOAD_CHUNK, id=file_id, offset=0)
    bob.send_frame(P.DOWNLOAD_CANCEL, id=file_id)
    received = len(first.data)
    for frame in bob.sync():
        # Chunks already queued may still come, in order; the end never does.
        assert frame.type == P.DOWNLOAD_CHUNK and frame.offset == received, repr(frame)
        assert frame.data == data[received:received + len(frame.data)]
        received += len(frame.data)
    assert received < len(data)
    bob.expect_quiet()
    server.wait_log(r"user=bob download cancel")
    # Cancelled, not broken: a new request of the same file works.
    assert download(bob, file_id, offset=len(data) - 100)[1] == data[-100:]


def test_file_outlives_its_uploader(server, room):
    alice, bob = room(server, "alice", "bob")
    data = os.urandom(70000)
    file_id = upload(alice, "left.bin", data).file_id
    bob.expect(P.FILE_ANNOUNCE)
    alice.goodbye()
    alice.expect_closed()
    bob.expect(P.USER_LEFT, users=[(alice.user_id, "alice")])
    assert download(bob, file_id)[1] == data


def test_two_downloads_at_once_on_one_connection(server, user):
    alice = user(server, "alice")
    one, two = os.urandom(700000), os.urandom(900001)
    id_one = upload(alice, "one", one, upload_id=1).file_id
    id_two = upload(alice, "two", two, upload_id=2).file_id
    alice.send(P.encode(P.DOWNLOAD_REQUEST, file_id=id_one, offset=0)
               + P.encode(P.DOWNLOAD_REQUEST, file_id=id_two, offset=0))
    got = {id_one: bytearray(), id_two: bytearray()}
    started, ended = [], []
    while len(ended) < 2:
        frame = alice.recv()
        if frame.type == P.DOWNLOAD_START:
            assert frame.file_id not in started and frame.offset == 0
            started.append(frame.file_id)
        elif frame.type == P.DOWNLOAD_CHUNK:
            assert frame.id in started and frame.id not in ended
            assert frame.offset == len(got[frame.id]), repr(frame)
            got[frame.id] += frame.data
        else:
            assert frame.type == P.DOWNLOAD_END and frame.id in started, repr(frame)
            ended.append(frame.id)
    assert sorted(started) == [id_one, id_two]
    assert (bytes(got[id_one]), bytes(got[id_two])) == (one, two)


def test_too_many_downloads(server_factory, user, connect):
    server = server_factory("--max-downloads", "1")
    alice = user(server, "alice")
    data = big_data(16 << 20, seed=2)
    first = upload(alice, "big.bin", data, upload_id=1).file_id
    second = upload(alice, "small.bin", b"small", upload_id=2).file_id
    bob = connect(server, rcvbuf=SMALL_RCVBUF)
    bob.login("bob")
    # Both requests in one send: the first is surely still running for the second.
    bob.send(P.encode(P.DOWNLOAD_REQUEST, file_id=first, offset=0)
             + P.encode(P.DOWNLOAD_REQUEST, file_id=second, offset=0))
    got = bytearray()
    refused = False
    bob.expect(P.DOWNLOAD_START, file_id=first)
    while True:
        frame = bob.recv()
        if frame.type == P.ERROR:
            assert not refused and frame.code == P.E_TOO_MANY_TRANSFERS, repr(frame)
            assert (frame.ref_type, frame.ref_id) == (P.DOWNLOAD_REQUEST, second)
            refused = True
        elif frame.type == P.DOWNLOAD_CHUNK:
            assert frame.id == first and frame.offset == len(got), repr(frame)
            got += frame.data
        else:
            assert frame.type == P.DOWNLOAD_END and frame.id == first, repr(frame)
            break
    assert refused and bytes(got) == data
    # With the first one over, another download is allowed.
    assert download(bob, second)[1] == b"small"


def test_second_request_for_a_file_in_progress_is_a_duplicate(server, user):
    """PROTOCOL.md section 7: a DOWNLOAD_REQUEST for a file this connection is already
    downloading gets DUPLICATE_ID; the first download goes on to its end."""
    alice = user(server, "alice")
    data = big_data(2 << 20, 7)
    file_id = upload(alice, "big.bin", data).file_id
    request = P.encode(P.DOWNLOAD_REQUEST, file_id=file_id, offset=0)
    alice.send(request + request)            # one pass: the first has sent no chunk yet
    start = alice.expect(P.DOWNLOAD_START, file_id=file_id, offset=0, size=len(data))
    assert start.sha256 == sha256(data)
    alice.expect_error(P.E_DUPLICATE_ID, ref_type=P.DOWNLOAD_REQUEST, ref_id=file_id)
    received = bytearray()
    while True:
        frame = alice.recv()
        if frame.type == P.DOWNLOAD_END:
            break
        assert frame.type == P.DOWNLOAD_CHUNK and frame.offset == len(received), repr(frame)
        received += frame.data
    assert received == data
    alice.expect_quiet()
