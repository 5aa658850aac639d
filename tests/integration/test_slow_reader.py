"""A client that stops reading is dropped once its output queue passes the bound; the
others keep receiving everything and never wait for it. The same over TLS."""

import pytest

import chatproto as P
from chatserver import TIMEOUT

COUNT = 3000          # 12 MB of texts: far more than kernel buffers and the queue hold
TEXT_BYTES = 4000
WINDOW = 8            # texts in flight, so the readers' own queues stay far under the bound


@pytest.mark.parametrize("tls", [False, True], ids=["plain", "tls"])
def test_stalled_reader_dropped_others_get_everything(server_factory, room, connect, tls):
    # 12 MB of texts from one client is a flood on purpose (test_flood.py covers the
    # rate limits).
    server = server_factory("--max-output-queue", "65536", "--no-limits", tls=tls)
    alice, bob = room(server, "alice", "bob")
    slow = connect(server, rcvbuf=4096)
    slow.login("slow")
    for c in (alice, bob):
        c.expect(P.USER_JOINED, users=[(slow.user_id, "slow")])
    # From here on slow never reads.

    texts = {"alice": [], "bob": []}
    left = {"alice": [], "bob": []}
    for first in range(0, COUNT, WINDOW):
        batch = range(first, min(first + WINDOW, COUNT))
        alice.send(b"".join(P.encode(P.TEXT_SEND, client_id=i, room_id=0,
                                     text=chr(ord("a") + i % 26) * TEXT_BYTES)
                            for i in batch))
        for c in (alice, bob):
            while len(texts[c.name]) < batch[-1] + 1:
                frame = c.recv(TIMEOUT)
                if frame.type == P.TEXT:
                    texts[c.name].append((frame.message_id, frame.client_id, len(frame.text)))
                else:
                    assert frame.type == P.USER_LEFT, repr(frame)
                    left[c.name].append(frame.users)
    for c in (alice, bob):
        if not left[c.name]:
            frame = c.expect(P.USER_LEFT, timeout=TIMEOUT)
            left[c.name].append(frame.users)
    expected = [(i + 1, i, TEXT_BYTES) for i in range(COUNT)]
    for name in ("alice", "bob"):
        assert texts[name] == expected, f"{name} missed or reordered texts"
        assert left[name] == [[(slow.user_id, "slow")]], f"{name}: {left[name]}"
    server.wait_log(r"user=slow .*too slow")
    alice.expect_quiet()
    bob.expect_quiet()

    # What slow did get is an unbroken prefix of the stream, then the connection ends.
    got = []
    while True:
        try:
            frame = slow.recv(TIMEOUT)
        except Exception:
            break
        got.append(frame)
    assert slow.closed, "the stalled client was not disconnected"
    ids = [f.message_id for f in got if f.type == P.TEXT]
    assert ids == list(range(1, len(ids) + 1)) and len(ids) < COUNT
    assert all(f.type in (P.TEXT, P.ERROR) for f in got), got[:3]
