"""Resuming a download from an offset: the bytes from that offset, exactly."""

import os

import pytest

import chatproto as P
from chatclient import download, sha256, upload

SIZE = 1_000_003


@pytest.fixture
def shared_file(server, room):
    alice, bob = room(server, "alice", "bob")
    data = os.urandom(SIZE)
    announce = upload(alice, "resume.bin", data)
    bob.expect(P.FILE_ANNOUNCE)
    return bob, announce.file_id, data


@pytest.mark.parametrize("offset", [1, 65535, 65536, 65537, 500000, SIZE - 1])
def test_resume_from_offset(shared_file, offset):
    bob, file_id, data = shared_file
    start, got = download(bob, file_id, offset=offset)
    assert (start.offset, start.size, start.sha256, start.name) == (
        offset, SIZE, sha256(data), "resume.bin")
    assert got == data[offset:]


def test_interrupted_then_resumed_gives_whole_file(shared_file, server, connect):
    bob, file_id, data = shared_file
    # A first attempt on another connection breaks off after some chunks...
    first = connect(server)
    first.login("bob2")
    bob.expect(P.USER_JOINED, users=[(first.user_id, "bob2")])
    first.send_frame(P.DOWNLOAD_REQUEST, file_id=file_id, offset=0)
    first.expect(P.DOWNLOAD_START, file_id=file_id)
    part = bytearray()
    while len(part) < 200000:
        chunk = first.expect(P.DOWNLOAD_CHUNK, id=file_id, offset=len(part))
        part += chunk.data
    first.reset()
    bob.expect(P.USER_LEFT, users=[(first.user_id, "bob2")])
    # ...and the rest is fetched from where it stopped.
    _, rest = download(bob, file_id, offset=len(part))
    whole = bytes(part) + rest
    assert whole == data and sha256(whole) == sha256(data)
