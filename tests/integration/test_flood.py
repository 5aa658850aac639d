"""Flood control: a client over its frame or byte budget is throttled (the server stops
reading it), one that stays over past --flood-grace is dropped with RATE_LIMITED, an
honest burst only waits, uploads are slowed but never dropped, and one connection
cannot fill the log. Nobody else notices any of it."""

import re
import time

import chatproto as P
from chatclient import upload
from chatserver import TIMEOUT, wait_until
from crowd import Crowd
from flooder import Flooder, text_frames

HALF_OPEN = 300  # connections of each kind in the storm


def texts_from(frames, sender):
    """Client ids of the TEXT frames from sender, in arrival order."""
    return [f.client_id for f in frames if f.type == P.TEXT and f.sender == sender]


def collect_until(client, done, timeout=TIMEOUT):
    """Every frame client receives until done(frames) is true."""
    frames = []
    deadline = time.monotonic() + timeout
    while not done(frames):
        frames.append(client.recv(max(deadline - time.monotonic(), 0.001)))
    return frames


def wait_dropped(flooder, server, name):
    """Waits until the server drops the flooder; returns the ERROR it got last."""
    wait_until(lambda: flooder.closed, what=f"{name} to be dropped")
    flooder.stop()
    assert flooder.frames, f"{name} got nothing before being dropped"
    last = flooder.frames[-1]
    assert last.type == P.ERROR and last.code == P.E_RATE_LIMITED, repr(last)
    server.wait_log(rf"user={name} .*logout \(rate limited\)")
    return last


def test_flooder_and_half_open_storm_leave_others_unharmed(server_factory, room, connect):
    """A flooder beside 2 x 300 half-open connections (silent, or stopped inside a frame
    header): alice's texts all reach bob, in order; the flooder is throttled to its
    budget, then dropped with RATE_LIMITED."""
    server = server_factory("--msg-limit", "50:100", "--flood-grace", "1")
    alice, bob = room(server, "alice", "bob")
    flood_client = connect(server)
    flood_client.login("flooder")
    for c in (alice, bob):
        c.expect(P.USER_JOINED, users=[(flood_client.user_id, "flooder")])

    with Crowd(server.port, HALF_OPEN, "silent"), \
            Crowd(server.port, HALF_OPEN, "half") as half:
        for member in half.members:
            member.send(P.header(40, P.HELLO)[:5])
        flooder = Flooder(flood_client)
        try:
            server.wait_log(r"user=flooder .*throttled")
            alice.send(b"".join(P.encode(P.TEXT_SEND, client_id=i, room_id=0,
                                         text=f"alice {i}") for i in range(60)))
            error = wait_dropped(flooder, server, "flooder")
        finally:
            flooder.stop()
        assert "frames" in error.message, error.message
        seen = collect_until(bob, lambda frames: len(texts_from(frames, "alice")) == 60 and
                             any(f.type == P.USER_LEFT for f in frames))
        assert texts_from(seen, "alice") == list(range(60)), "alice's texts lost or reordered"
        ids = [f.message_id for f in seen if f.type == P.TEXT]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)
        assert [f.users for f in seen if f.type == P.USER_LEFT] == [
            [(flood_client.user_id, "flooder")]]
        wait_until(lambda: sum(line.endswith(" connect") for line in server.log_lines())
                   == 3 + 2 * HALF_OPEN, what="every half-open connection to be accepted")

    # Throttled, not merely dropped: it stayed connected past the grace period, and no
    # more of its texts went through than its budget allowed in that time; bob got
    # exactly the ones the flooder had acknowledged.
    alive = flooder.closed_at - flooder.started
    assert alive >= 1.0, f"dropped after {alive:.2f}s, before the 1 s grace period"
    relayed = texts_from(flooder.frames, "flooder")
    assert relayed == list(range(len(relayed))), "the flooder's own texts out of order"
    assert 100 <= len(relayed) <= 100 + 50 * alive + 50, (len(relayed), alive)
    assert texts_from(seen, "flooder") == relayed
    alice.say("after the storm", client_id=1000)
    bob.expect(P.TEXT, client_id=1000, sender="alice")


def test_burst_over_the_limit_waits_but_is_not_dropped(server_factory, room):
    """150 texts at once against a burst of 50 and 100/s: the last 100 wait about a
    second, all arrive in order, and the sender stays connected."""
    server = server_factory("--msg-limit", "100:50", "--flood-grace", "5")
    alice, bob = room(server, "alice", "bob")
    began = time.monotonic()
    alice.send(b"".join(P.encode(P.TEXT_SEND, client_id=i, room_id=0, text=f"line {i}")
                        for i in range(150)))
    seen = collect_until(bob, lambda frames: len(frames) == 150)
    took = time.monotonic() - began
    assert texts_from(seen, "alice") == list(range(150))
    assert took >= 0.8, f"150 texts in {took:.2f}s: the 100 over the burst were not slowed"
    server.wait_log(r"user=alice .*throttled")
    acks = collect_until(alice, lambda frames: len(frames) == 150)
    assert texts_from(acks, "alice") == list(range(150))
    alice.expect_quiet()


def test_byte_budget_drops_a_big_text_flood(server_factory, room, connect):
    server = server_factory("--byte-limit", "20000:40000", "--flood-grace", "0.5")
    watcher, = room(server, "watcher")
    client = connect(server)
    client.login("heavy")
    watcher.expect(P.USER_JOINED)
    flooder = Flooder(client, lambda first, count: text_frames(first, 8, size=8000))
    try:
        error = wait_dropped(flooder, server, "heavy")
    finally:
        flooder.stop()
    assert "bytes" in error.message, error.message
    alive = flooder.closed_at - flooder.started
    relayed = texts_from(flooder.frames, "heavy")
    assert len(relayed) * 8000 <= 40000 + 20000 * alive + 16000, (len(relayed), alive)
    watcher.wait_for(P.USER_LEFT, skip=(P.TEXT,))
    watcher.say("still here", client_id=1)
    watcher.expect(P.TEXT, client_id=1)


def test_upload_is_slowed_by_the_file_budget_never_dropped(server_factory, user):
    """3 MB against a 0.5 MB burst and 2 MB/s takes over a second, far past the grace
    period, and completes."""
    server = server_factory("--file-limit", "2000000:500000", "--flood-grace", "0.2")
    alice = user(server, "alice")
    data = bytes(range(256)) * (3 * 4096)
    began = time.monotonic()
    announce = upload(alice, "three.bin", data)
    took = time.monotonic() - began
    assert took >= 1.0, f"3 MB in {took:.2f}s: the file budget did not slow the upload"
    assert announce.size == len(data)
    alice.say("done", client_id=1)
    alice.expect(P.TEXT, client_id=1)
    assert not any("rate limited" in line for line in server.log_lines())


def test_one_connection_cannot_fill_the_log(server_factory, room):
    """300 unknown frames are all answered, but only the first few answers are logged;
    the rest are counted in one line when the client leaves."""
    server = server_factory("--msg-limit", "1000:1000")
    alice, = room(server, "alice")
    alice.send(b"".join(P.header(2, 0x0999) + b"zz" for _ in range(300)))
    for _ in range(300):
        alice.expect_error(P.E_UNKNOWN_TYPE, ref_type=0x0999)
    alice.goodbye()
    alice.expect_closed()
    summary = server.wait_log(r"user=alice .*more error lines for this connection")
    logged = [line for line in server.log_lines()
              if re.search(r"user=alice .*error sent code=2 ", line)]
    unlogged = int(re.search(r" (\d+) more error lines", summary).group(1))
    assert 10 <= len(logged) <= 12, f"{len(logged)} error lines logged"
    assert len(logged) + unlogged == 300
