"""Admission of new connections: per-address count (SERVER_FULL) and rate
(RATE_LIMITED), the server-wide rate, loopback's exemption from the per-address
limits, and a log a connection storm cannot flood. Each refusal is one ERROR, then
the close; the clients already in never notice."""

import re
import time

import chatproto as P
from chatclient import RawClient
from chatserver import wait_until


def refused_with(server, code):
    """Connects once; the server must answer with ERROR(code) and close."""
    client = RawClient(server.port)
    try:
        client.expect_error(code)
        client.expect_closed()
    finally:
        client.close()


def admitted_briefly(server, count):
    """Opens count connections one after another, each answered, each closed again."""
    for token in range(count):
        late = RawClient(server.port)
        late.send_frame(P.PING, token=token)
        late.expect(P.PONG, token=token)
        late.close()


def still_chatting(client, client_id):
    client.say(f"still here {client_id}", client_id=client_id)
    client.expect(P.TEXT, client_id=client_id)


def test_connections_per_address_capped(server_factory, user, connect):
    server = server_factory("--limit-loopback", "--max-per-ip", "3")
    alice = user(server, "alice")
    others = [connect(server) for _ in range(2)]
    for i, c in enumerate(others):
        c.send_frame(P.PING, token=i)
        c.expect(P.PONG, token=i)
    refused_with(server, P.E_SERVER_FULL)
    server.wait_log(r"WARN .* refused \(3 connections from this address\)")
    still_chatting(alice, 1)
    others[0].close()

    def newcomer_fits():                  # once the close is handled, one more fits
        late = RawClient(server.port)
        try:
            late.send_frame(P.PING, token=9)
            frame = late.recv()
            assert frame.type in (P.PONG, P.ERROR), repr(frame)
            assert frame.type == P.PONG or frame.code == P.E_SERVER_FULL, repr(frame)
            return frame.type == P.PONG
        finally:
            late.close()
    wait_until(newcomer_fits, what="room for a connection after one closed")
    still_chatting(alice, 2)


def test_new_connections_per_address_rate_limited(server_factory, user):
    """A burst of 4, then one every 10 s: the fifth connection in a row is refused."""
    server = server_factory("--limit-loopback", "--ip-connect-limit", "0.1:4")
    alice = user(server, "alice")     # the first of the four
    admitted_briefly(server, 3)
    refused_with(server, P.E_RATE_LIMITED)
    server.wait_log(r"refused \(connecting too often\)")
    still_chatting(alice, 1)


def test_server_wide_rate_applies_to_loopback(server_factory, user):
    server = server_factory("--connect-limit", "0.1:3")
    alice = user(server, "alice")
    admitted_briefly(server, 2)
    refused_with(server, P.E_RATE_LIMITED)
    server.wait_log(r"refused \(server-wide connection rate\)")
    still_chatting(alice, 1)


def test_loopback_exempt_from_per_address_limits_by_default(server, connect):
    clients = [connect(server) for _ in range(30)]   # over 5 at once and 10 at a time
    for i, c in enumerate(clients):
        c.send_frame(P.PING, token=i)
        c.expect(P.PONG, token=i)


def test_connection_storm_cannot_flood_the_log(server_factory, user):
    """200 refused connections: a burst of 20 refusal lines, then about one a second,
    each counting the refusals it stands for; every refusal is accounted for."""
    server = server_factory("--connect-limit", "0.01:1")
    alice = user(server, "alice")
    began = time.monotonic()
    for _ in range(200):
        refused_with(server, P.E_RATE_LIMITED)
    took = time.monotonic() - began

    def accounted():
        lines = server.log_lines()
        logged = sum(" refused (" in line for line in lines)
        counted = sum(int(n) for line in lines
                      for n in re.findall(r"(\d+) more refusals not logged", line))
        return logged, counted
    wait_until(lambda: sum(accounted()) == 200, what="every refusal logged or counted")
    logged, counted = accounted()
    assert logged <= 20 + took + 2, f"{logged} refusal lines in {took:.1f}s"
    still_chatting(alice, 1)
