"""The TLS write path under load: many frames gathered into full records, a reader whose
socket fills up mid-record (the retried write), and a long download whose chunks are
copied together with their headers and with the texts queued between them."""

import hashlib
import os

import chatproto as P
from chatclient import download, upload

BURST = 300


def burst_texts():
    """BURST texts of lengths 1..~2600 bytes, each naming its place, none alike."""
    return [f"{i:04d}:" + chr(ord("a") + i % 26) * (i * 37 % 2600) for i in range(BURST)]


def test_burst_of_frames_arrives_whole_and_in_order(server_factory, connect, room):
    """A burst of texts (about 400 KiB) waits for a reader that does not read; once it
    reads, every text arrives whole and in order. The reader's small receive buffer fills
    in the middle of records, so the server's writes are retried many times."""
    server = server_factory("--no-limits", tls=True)
    alice, = room(server, "alice")
    bob = connect(server, rcvbuf=4096)
    bob.login("bob")
    alice.expect(P.USER_JOINED, users=[(bob.user_id, "bob")])
    texts = burst_texts()
    alice.send(b"".join(P.encode(P.TEXT_SEND, client_id=i + 1, room_id=P.ROOM_LOBBY, text=t)
                        for i, t in enumerate(texts)))
    for i, text in enumerate(texts):  # all queued for bob by the time alice has them back
        alice.expect(P.TEXT, client_id=i + 1, text=text)
    for text in texts:
        bob.expect(P.TEXT, sender="alice", text=text)
    bob.expect_quiet()


def test_large_download_with_texts_between_chunks(server_factory, connect, room):
    """20 MB downloaded over TLS through a small receive buffer, while texts are sent
    into the download: the bytes match the file's SHA-256 and every text arrives once,
    in order, between the chunks."""
    server = server_factory("--no-limits", tls=True)
    alice, = room(server, "alice")
    bob = connect(server, rcvbuf=16384)
    bob.login("bob")
    alice.expect(P.USER_JOINED, users=[(bob.user_id, "bob")])
    data = os.urandom(20_000_000 + 4321)  # not a whole number of chunks or records
    announce = upload(alice, "big.bin", data)
    bob.expect(P.FILE_ANNOUNCE, file_id=announce.file_id)
    said, heard = [], []

    def between(frame, received):
        if frame.type == P.TEXT:
            heard.append(frame.text)
        elif len(said) < 20 and received >= len(said) * (len(data) // 20):
            said.append(f"text {len(said)} at {received}")
            alice.say(said[-1], len(said))

    start, got = download(bob, announce.file_id, on_chunk=between)
    while len(heard) < len(said):
        heard.append(bob.expect(P.TEXT, sender="alice").text)
    assert hashlib.sha256(got).digest() == start.sha256 == hashlib.sha256(data).digest()
    assert len(got) == len(data)
    assert heard == said
    server.wait_log(rf"download start file_id={announce.file_id} .* via=(ktls|copy)$")
