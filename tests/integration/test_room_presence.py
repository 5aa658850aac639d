"""Per-room presence (PROTOCOL.md 5.38): the notices of one loop pass in one room go out
together, one ROOM_PRESENCE per state, and never name their recipient.

To put several clients' requests into one pass the test stops the server (SIGSTOP, by
its PID), lets every client write (on loopback a completed send is in the server's
socket buffer), and lets it go on (SIGCONT): its next poll finds them all ready."""

import contextlib
import signal

import chatproto as P
from chatrooms import create, expect_done, expect_state, people, request

LOBBY_NOTICES = (P.USER_JOINED, P.USER_LEFT)


@contextlib.contextmanager
def one_pass(server):
    """What the block sends reaches the server in one loop pass."""
    server.signal(signal.SIGSTOP)
    try:
        yield
    finally:
        server.signal(signal.SIGCONT)


def presence(client):
    """The ROOM_PRESENCE frames of the pass that sent the next one (lobby notices
    skipped): that one and every other before a PING's answer."""
    first, _ = client.wait_for(P.ROOM_PRESENCE, skip=LOBBY_NOTICES)
    rest = [f for f in client.sync() if f.type not in LOBBY_NOTICES]
    assert all(f.type == P.ROOM_PRESENCE for f in rest), rest
    return [first] + rest


def test_a_burst_of_joins_and_logouts_is_one_frame_per_room(server_factory, account):
    server = server_factory("--no-limits")
    names = ["alice", "bob", "carol", "dave", "erin"]
    alice, *others = people(account, server, *names)
    state, _ = create(alice, "team")
    ids = {c.session.account_id: n for c, n in zip(others, names[1:])}
    with one_pass(server):
        requests = [request(c, P.ROOM_JOIN, name="team") for c in others]
    notices = presence(alice)
    assert len(notices) == 1, notices
    assert (notices[0].room_id, notices[0].state) == (state.room_id, P.MEMBER_JOINED)
    assert dict(notices[0].users) == ids
    for client, request_id in zip(others, requests):
        _, members = expect_state(client, state.room_id)
        expect_done(client, P.ROOM_JOIN, request_id)
        told = {}
        later = [f for f in client.sync() if f.type == P.ROOM_PRESENCE]
        for frame in later:                  # the joins after its own, without itself
            assert frame.state == P.MEMBER_JOINED, repr(frame)
            told.update(frame.users)
        me = client.session.account_id
        assert me not in told
        assert set(members) | set(told) == set(ids) | {alice.session.account_id}

    with one_pass(server):
        for client in others:
            client.close()
    notices = presence(alice)
    assert len(notices) == 1, notices
    assert notices[0].state == P.MEMBER_OFFLINE and dict(notices[0].users) == ids


def test_notices_keep_their_order_with_the_rooms_other_frames(server_factory, account):
    """A join held for the pass goes out before the joiner's first text in the room."""
    server = server_factory("--no-limits")
    alice, bob = people(account, server, "alice", "bob")
    state, _ = create(alice, "team")
    with one_pass(server):
        request_id = request(bob, P.ROOM_JOIN, name="team")
        bob.say("hello", client_id=1, room_id=state.room_id)
    expect_state(bob, state.room_id)
    expect_done(bob, P.ROOM_JOIN, request_id)
    bob.expect(P.TEXT, client_id=1)
    alice.expect(P.ROOM_PRESENCE, state=P.MEMBER_JOINED,
                 users=[(bob.session.account_id, "bob")])
    alice.expect(P.TEXT, client_id=1, room_id=state.room_id)
