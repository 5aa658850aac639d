"""Per-room presence (PROTOCOL.md 5.38): the notices of one loop pass in one room go out
together, one ROOM_PRESENCE per state, and never name their recipient.

To put several clients' requests into one pass the test stops the server (SIGSTOP, by
its PID), lets every client write, waits until the kernel holds it all on the server's
side (/proc/net/tcp: bytes queued, or the FIN seen), and lets it go on (SIGCONT): its
next poll finds them all ready."""

import contextlib

import chatproto as P
from chatrooms import create, expect_done, expect_state, join, people, request
from chatserver import paused, wait_until

CLOSE_WAIT = 0x08                      # /proc/net/tcp's st: the peer's FIN arrived

LOBBY_NOTICES = (P.USER_JOINED, P.USER_LEFT)


def server_side(server, clients):
    """{client's port: (st, bytes queued)} of the server's end of each client's socket."""
    ports = {c.sock.getsockname()[1] for c in clients}
    found = {}
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            local, remote = (int(a.split(":")[1], 16) for a in fields[1:3])
            if local == server.port and remote in ports:
                found[remote] = (int(fields[3], 16), int(fields[4].split(":")[1], 16))
    return found


@contextlib.contextmanager
def one_pass(server, clients, closing=False):
    """What the block sends (or, closing, the clients' closes) reaches the server in one
    loop pass: it goes on once the kernel has it all on the server's side."""
    ports = {c.sock.getsockname()[1] for c in clients}
    with paused(server):
        yield

        def arrived():
            ends = server_side(server, clients)
            return set(ends) == ports and all(
                st == CLOSE_WAIT if closing else queued > 0 for st, queued in ends.values())
        wait_until(arrived, what="the kernel to hold every client's bytes")


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
    with one_pass(server, others):
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
        assert me not in told and not set(told) & set(members)   # each join told once
        assert set(members) | set(told) == set(ids) | {alice.session.account_id}

    with one_pass(server, others, closing=True):
        for client in others:
            client.sock.shutdown(2)            # FIN now; the socket stays to be found
    notices = presence(alice)
    assert len(notices) == 1, notices
    assert notices[0].state == P.MEMBER_OFFLINE and dict(notices[0].users) == ids


def test_notices_keep_their_order_with_the_rooms_other_frames(server_factory, account):
    """A join held for the pass goes out before the joiner's first text in the room."""
    server = server_factory("--no-limits")
    alice, bob = people(account, server, "alice", "bob")
    state, _ = create(alice, "team")
    with one_pass(server, [bob]):
        request_id = request(bob, P.ROOM_JOIN, name="team")
        bob.say("hello", client_id=1, room_id=state.room_id)
    expect_state(bob, state.room_id)
    expect_done(bob, P.ROOM_JOIN, request_id)
    bob.expect(P.TEXT, client_id=1)
    alice.expect(P.ROOM_PRESENCE, state=P.MEMBER_JOINED,
                 users=[(bob.session.account_id, "bob")])
    alice.expect(P.TEXT, client_id=1, room_id=state.room_id)


def set_presence(client, state, request_id=77):
    """PRESENCE_SET answered by DONE (others' presence news may come first)."""
    client.send_frame(P.PRESENCE_SET, request_id=request_id, state=state)
    frame, _ = client.wait_for(P.DONE, skip=LOBBY_NOTICES + (P.ROOM_PRESENCE,))
    assert (frame.request_id, frame.request_type) == (request_id, P.PRESENCE_SET), frame
    return frame


def test_away_is_told_to_who_shares_a_room_and_to_newcomers(server_factory, account):
    server = server_factory("--no-limits")
    alice, bob, carol = people(account, server, "alice", "bob", "carol")
    team, _ = create(alice, "team")
    join(bob, "team")
    alice.expect(P.ROOM_PRESENCE, state=P.MEMBER_JOINED)
    bob_account = bob.session.account_id

    set_presence(bob, P.PRESENCE_AWAY)
    lobby = (P.ROOM_LOBBY, P.PRESENCE_AWAY, [(bob.user_id, "bob")])
    got = {(f.room_id, f.state, tuple(f.users)) for f in presence_states(alice, 2)}
    assert got == {(P.ROOM_LOBBY, P.PRESENCE_AWAY, ((bob.user_id, "bob"),)),
                   (team.room_id, P.PRESENCE_AWAY, ((bob_account, "bob"),))}
    frame = carol.expect(P.PRESENCE_STATE)             # carol shares the lobby only
    assert (frame.room_id, frame.state, frame.users) == lobby
    for client in (alice, bob, carol):
        client.expect_quiet()                          # bob is never told of himself
    set_presence(bob, P.PRESENCE_AWAY, request_id=78)  # no change: nothing told
    alice.expect_quiet()

    dave = account(server, "dave")                     # after USER_LIST: who is away
    frame = dave.expect(P.PRESENCE_STATE)
    assert (frame.room_id, frame.state, frame.users) == lobby
    request_id = request(dave, P.ROOM_JOIN, name="team")
    expect_state(dave, team.room_id)
    frame = dave.expect(P.PRESENCE_STATE)              # after ROOM_MEMBERS: the room's
    assert (frame.room_id, frame.state, frame.users) == (
        team.room_id, P.PRESENCE_AWAY, [(bob_account, "bob")])
    expect_done(dave, P.ROOM_JOIN, request_id)

    set_presence(bob, P.PRESENCE_ACTIVE)
    frame, _ = dave.wait_for(P.PRESENCE_STATE, skip=(P.ROOM_PRESENCE,))
    assert frame.state == P.PRESENCE_ACTIVE


def presence_states(client, count):
    """The next count PRESENCE_STATE frames (lobby notices skipped)."""
    return [client.wait_for(P.PRESENCE_STATE, skip=LOBBY_NOTICES)[0] for _ in range(count)]


def test_presence_set_is_checked_and_rate_limited(server_factory, account):
    server = server_factory()
    alice, bob = people(account, server, "alice", "bob")
    alice.send_frame(P.PRESENCE_SET, request_id=5, state=2)
    alice.expect_error(P.E_PRESENCE_INVALID, P.PRESENCE_SET, 5)
    for n in range(4):                                 # SERVER_PRESENCE_SETS_BURST
        set_presence(alice, P.PRESENCE_AWAY if n % 2 == 0 else P.PRESENCE_ACTIVE, n)
    alice.send_frame(P.PRESENCE_SET, request_id=9, state=P.PRESENCE_AWAY)
    error = alice.expect_error(P.E_PRESENCE_TOO_FAST, P.PRESENCE_SET, 9)
    assert "15 seconds" in error.message
    states = [f.state for f in bob.sync() if f.type == P.PRESENCE_STATE]
    assert states == [P.PRESENCE_AWAY, P.PRESENCE_ACTIVE] * 2   # the refused one untold
    set_presence(alice, P.PRESENCE_ACTIVE, 10)         # no change costs nothing


def test_a_login_starts_active(server_factory, account):
    server = server_factory()
    alice, bob = people(account, server, "alice", "bob")
    set_presence(bob, P.PRESENCE_AWAY)
    alice.expect(P.PRESENCE_STATE, state=P.PRESENCE_AWAY)
    bob.close()
    alice.wait_for(P.USER_LEFT)
    bob = account(server, "bob", register=False)
    alice.expect(P.USER_JOINED)
    bob.expect_quiet()                                 # nobody away, nothing listed
    alice.expect_quiet()
