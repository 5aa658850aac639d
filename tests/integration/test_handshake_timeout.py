"""A connection that does not complete HELLO in --handshake-timeout is told and closed."""

import time

import chatproto as P
from chatserver import TIMEOUT


def test_silent_connection_times_out(server_factory, connect):
    server = server_factory("--handshake-timeout", "0.5")
    began = time.monotonic()
    client = connect(server)
    client.expect_error(P.E_TIMEOUT, timeout=TIMEOUT)
    waited = time.monotonic() - began
    client.expect_closed()
    assert waited >= 0.45, f"closed after {waited:.2f}s, before the 0.5 s timeout"
    server.wait_log(r"(?i)conn=\d+ .*user=- .*timeout")


def test_partial_hello_times_out(server_factory, connect):
    server = server_factory("--handshake-timeout", "0.5")
    client = connect(server)
    frame = P.encode(P.HELLO, version=1, features=0, username="alice", agent="")
    client.send(frame[:10])
    client.expect_error(P.E_TIMEOUT)
    client.expect_closed()


def test_pings_do_not_extend_the_handshake(server_factory, connect):
    server = server_factory("--handshake-timeout", "0.5")
    client = connect(server)
    began = time.monotonic()
    token = 0
    while True:
        token += 1
        client.send_frame(P.PING, token=token)
        frame = client.recv()
        if frame.type == P.ERROR:
            break
        assert frame.type == P.PONG and frame.token == token, repr(frame)
        assert time.monotonic() - began < TIMEOUT, "PINGs kept the connection alive"
    assert frame.code == P.E_TIMEOUT, repr(frame)
    client.expect_closed()


def test_logged_in_client_is_not_timed_out(server_factory, connect):
    server = server_factory("--handshake-timeout", "0.5")
    client = connect(server)
    client.login("alice")
    began = time.monotonic()
    token = 0
    while time.monotonic() - began < 1.5:      # three times the timeout, kept busy
        token += 1
        client.send_frame(P.PING, token=token)
        client.expect(P.PONG, token=token)
    client.say("still in", client_id=1)
    client.expect(P.TEXT, client_id=1)


def test_default_timeout_is_not_short(server, connect):
    """Without the option a slow HELLO (well under the 10 s default) is fine."""
    client = connect(server)
    client.send_frame(P.PING, token=1)
    client.expect(P.PONG, token=1)
    began = time.monotonic()
    while time.monotonic() - began < 1.0:
        client.send_frame(P.PING, token=2)
        client.expect(P.PONG, token=2)
    client.login("alice")
