"""SIGTERM/SIGINT: everyone gets SHUTDOWN, the server flushes (at most 2 s) and exits 0."""

import random
import signal
import socket
import threading
import time

import pytest

import chatproto as P
from chatclient import upload
from chatserver import SLOWDOWN, TIMEOUT


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_sends_shutdown_and_exits_zero(server, room, connect, signum):
    alice, bob = room(server, "alice", "bob")
    stranger = connect(server)
    stranger.send_frame(P.PING, token=1)
    stranger.expect(P.PONG, token=1)
    server.signal(signum)
    for c in (alice, bob):
        c.expect(P.SHUTDOWN, reason="server shutting down")
        c.expect_closed()
    # The connection that never logged in is closed too (a SHUTDOWN first is fine).
    frame = None
    try:
        frame = stranger.recv()
    except Exception:
        assert stranger.closed, "the connection that never logged in stayed open"
    if frame is not None:
        assert frame.type == P.SHUTDOWN, repr(frame)
        stranger.expect_closed()
    assert server.wait() == 0
    server.wait_log(r" stop\b")
    lines = server.log_lines()
    assert "stop" in lines[-1], f"the stop line is not the last: {lines[-1]!r}"


def test_shutdown_during_a_download(server, user, connect):
    alice = user(server, "alice")
    data = random.Random(5).randbytes(16 << 20)
    file_id = upload(alice, "big.bin", data).file_id
    bob = connect(server, rcvbuf=4096)
    bob.login("bob")
    bob.send_frame(P.DOWNLOAD_REQUEST, file_id=file_id, offset=0)
    bob.expect(P.DOWNLOAD_START, file_id=file_id)
    alice.expect(P.USER_JOINED)
    server.signal(signal.SIGTERM)
    alice.expect(P.SHUTDOWN, reason="server shutting down")
    alice.expect_closed()
    assert server.wait() == 0


def test_shutdown_gives_up_on_a_stalled_reader_after_2s(server_factory, room, connect):
    """A client that never reads holds megabytes of unsent texts; the server still exits
    0 once its 2 s flush limit is over."""
    # 3000 texts at once are a flood on purpose (test_flood.py covers the rate limits).
    server = server_factory("--max-output-queue", str(64 << 20), "--no-limits")
    alice, = room(server, "alice")
    stalled = connect(server, rcvbuf=4096)
    stalled.login("stalled")
    alice.expect(P.USER_JOINED, users=[(stalled.user_id, "stalled")])
    count = 3000                     # 12 MB: far more than the kernel buffers hold
    received = []

    def read_all():
        for _ in range(count):
            received.append(alice.expect(P.TEXT).client_id)
    reader = threading.Thread(target=read_all)
    reader.start()
    alice.send(b"".join(P.encode(P.TEXT_SEND, client_id=i, room_id=0, text="q" * 4000)
                        for i in range(count)))
    reader.join()
    assert received == list(range(count))
    alice.expect_quiet()             # every text has been queued for stalled by now
    began = time.monotonic()
    server.signal(signal.SIGTERM)
    alice.expect(P.SHUTDOWN, reason="server shutting down")
    alice.expect_closed()
    if server.running():             # still flushing: no longer accepting
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT).close()
    assert server.wait(timeout=2 + 8 * SLOWDOWN) == 0
    assert time.monotonic() - began < 2 + 4 * SLOWDOWN
    server.wait_log(r"user=stalled .*logout")
