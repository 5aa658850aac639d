"""Per-room notification levels kept with the account (NOTIFY_LEVEL_SET, NOTIFY_LEVEL):
a level set is told back, then DONE; every login is told the account's levels (on its
next device too, and after a server restart); "all" keeps nothing; an unknown level, a
room one is not in and a guest are refused. chat-cli's /notify keeps the level on the
server, where the account's next chat-cli finds it."""

import time

import chatproto as P
from chatrooms import expect_done, refused, request
from chatserver import TIMEOUT
from chatstore import query


def levels_told(client):
    """The NOTIFY_LEVEL frames a login got, as {room: level}."""
    return {f.room_id: f.level for f in client.sync() if f.type == P.NOTIFY_LEVEL}


def login_again(connect, server, token):
    client = connect(server)
    client.token_login(token)
    client.expect_session()
    return client


def stored(server):
    return query(server.workdir, "SELECT a.name, n.room_id, n.level FROM notify_levels n"
                 " JOIN accounts a ON a.id = n.account_id")


def test_levels_are_kept_with_the_account(server_factory, account, user, connect):
    server = server_factory()
    alice = account(server, "alice")
    assert levels_told(alice) == {}                          # every room starts at "all"
    request_id = request(alice, P.NOTIFY_LEVEL_SET, room_id=P.ROOM_LOBBY,
                         level=P.NOTIFY_MENTIONS)
    alice.expect(P.NOTIFY_LEVEL, room_id=P.ROOM_LOBBY, level=P.NOTIFY_MENTIONS)
    expect_done(alice, P.NOTIFY_LEVEL_SET, request_id)
    refused(alice, P.NOTIFY_LEVEL_SET, P.E_NOTIFY_LEVEL_INVALID, room_id=P.ROOM_LOBBY, level=3)
    refused(alice, P.NOTIFY_LEVEL_SET, P.E_ROOM_UNKNOWN, room_id=4242, level=P.NOTIFY_NONE)
    guest = user(server, "visitor")
    refused(guest, P.NOTIFY_LEVEL_SET, P.E_NOT_ALLOWED, room_id=P.ROOM_LOBBY,
            level=P.NOTIFY_NONE)
    assert stored(server) == [("alice", P.ROOM_LOBBY, P.NOTIFY_MENTIONS)]

    laptop = login_again(connect, server, alice.session.token)   # her next device
    assert levels_told(laptop) == {P.ROOM_LOBBY: P.NOTIFY_MENTIONS}

    server.stop()                                            # a restart keeps it
    server = server_factory(workdir=server.workdir)
    desk = login_again(connect, server, alice.session.token)
    assert levels_told(desk) == {P.ROOM_LOBBY: P.NOTIFY_MENTIONS}
    request_id = request(desk, P.NOTIFY_LEVEL_SET, room_id=P.ROOM_LOBBY, level=P.NOTIFY_ALL)
    desk.expect(P.NOTIFY_LEVEL, room_id=P.ROOM_LOBBY, level=P.NOTIFY_ALL)
    expect_done(desk, P.NOTIFY_LEVEL_SET, request_id)
    assert stored(server) == []                              # "all" keeps no row
    assert levels_told(login_again(connect, server, alice.session.token)) == {}


def test_cli_notify_reaches_the_next_device(server, person, tmp_path):
    alice = person("alice")
    alice.write("/notify none")
    alice.wait_line(r"notifications here: nothing$")
    deadline = time.monotonic() + TIMEOUT
    while stored(server) != [("alice", P.ROOM_LOBBY, P.NOTIFY_NONE)]:
        assert time.monotonic() < deadline, "the level never reached the store"
        time.sleep(0.05)
    alice.write("/quit")
    alice.wait()

    other = person("alice", register=False, state_dir=tmp_path / "other-device")
    # The level comes right after the login: ask until the session has it.
    deadline = time.monotonic() + TIMEOUT
    while True:
        other.write("/notify")
        try:
            other.wait_line(r"notifications here: nothing$", timeout=0.5)
            break
        except AssertionError:
            assert time.monotonic() < deadline, f"not told the level: {other.out}"
