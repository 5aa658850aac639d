"""A 200 MB file goes up and down while chat keeps flowing: texts interleave with the
transfer instead of waiting behind it."""

import hashlib
import random

import chatproto as P
from chatclient import check_announce, offer
from chatserver import TIMEOUT

SIZE = 200 << 20
BLOCK = 1 << 20


def test_chat_interleaves_with_200mb_upload_and_download(server, room):
    alice, bob, carol = room(server, "alice", "bob", "carol")
    data = random.Random(200).randbytes(SIZE)
    digest = hashlib.sha256(data).digest()
    view = memoryview(data)
    chunk = alice.welcome.max_chunk

    # Upload; halfway through, bob talks. His text must reach everyone (alice included)
    # while alice's upload is still unfinished.
    offer(alice, 1, "big.bin", SIZE, digest)
    alice.expect(P.FILE_ACCEPT, id=1)
    for pos in range(0, SIZE, chunk):
        if pos == SIZE // 2:
            bob.say("while uploading", client_id=11)
            for c in (bob, carol, alice):
                c.expect(P.TEXT, client_id=11, text="while uploading", timeout=TIMEOUT * 3)
        piece = view[pos:pos + chunk]
        alice.send(P.header(P.CHUNK_PREFIX + len(piece), P.FILE_CHUNK)
                   + (1).to_bytes(8, "big")
                   + pos.to_bytes(8, "big") + piece)
    alice.send_frame(P.FILE_END, id=1)
    announce = alice.expect(P.FILE_ANNOUNCE, timeout=TIMEOUT * 6)
    check_announce(announce, alice, 1, SIZE, digest)
    for c in (bob, carol):
        assert c.expect(P.FILE_ANNOUNCE).fields == announce.fields
    with open(server.files_dir / announce.name, "rb") as stored:
        assert hashlib.sha256(stored.read()).digest() == digest

    # Download; after the first chunks, alice talks. Bob must see her text between
    # chunks, before the download ends; carol must get it too.
    bob.send_frame(P.DOWNLOAD_REQUEST, file_id=announce.file_id, offset=0)
    bob.expect(P.DOWNLOAD_START, file_id=announce.file_id, offset=0, size=SIZE,
               sha256=digest, name=announce.name)
    hasher = hashlib.sha256()
    received = 0
    events = []
    while True:
        frame = bob.recv(TIMEOUT * 3)
        if frame.type == P.DOWNLOAD_CHUNK:
            assert frame.id == announce.file_id and frame.offset == received, repr(frame)
            hasher.update(frame.data)
            received += len(frame.data)
            events.append("chunk")
            if events.count("chunk") == 10:
                alice.say("while downloading", client_id=12)
        elif frame.type == P.DOWNLOAD_END:
            assert frame.id == announce.file_id
            events.append("end")
            break
        else:
            assert frame.type == P.TEXT and frame.client_id == 12, repr(frame)
            assert frame.text == "while downloading" and frame.sender == "alice"
            events.append("text")
            text_at = received
    assert received == SIZE and hasher.digest() == digest
    assert events.count("text") == 1, "alice's text never reached bob during the download"
    after = events[events.index("text"):]
    assert "chunk" in after, "the text only came after the last chunk"
    assert text_at < SIZE
    carol.expect(P.TEXT, client_id=12, text="while downloading")
    alice.expect(P.TEXT, client_id=12)
    for c in (alice, bob, carol):
        c.expect_quiet()
