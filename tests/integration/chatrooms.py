"""Room requests and their answers as the tests speak them (PROTOCOL.md 5.27-5.40),
over chatclient.RawClient: each helper sends one request and checks its whole answer."""

import itertools

import chatproto as P

_request_ids = itertools.count(1000)


def expect_state(client, room_id=None):
    """ROOM_STATE and the ROOM_MEMBERS frames after it: (state, {account_id: (name,
    online)}), the member count checked against the state's."""
    state = client.expect(P.ROOM_STATE)
    if room_id is not None:
        assert state.room_id == room_id, repr(state)
    members = {}
    while len(members) < state.members:
        frame = client.expect(P.ROOM_MEMBERS, room_id=state.room_id)
        for account_id, name in frame.users:
            assert account_id not in members, f"{account_id} listed twice: {frame!r}"
            members[account_id] = (name, frame.state == P.MEMBER_ONLINE)
    return state, members


def request(client, ftype, **fields):
    """Sends ftype with a fresh request_id; returns that id."""
    request_id = next(_request_ids)
    client.send_frame(ftype, request_id=request_id, **fields)
    return request_id


def expect_done(client, ftype, request_id):
    return client.expect(P.DONE, request_id=request_id, request_type=ftype)


def create(client, name, kind=P.ROOM_PUBLIC, topic=""):
    """ROOM_CREATE answered with the room's state and DONE: (state, members)."""
    request_id = request(client, P.ROOM_CREATE, kind=kind, name=name, topic=topic)
    got = expect_state(client)
    expect_done(client, P.ROOM_CREATE, request_id)
    return got


def join(client, name):
    """ROOM_JOIN answered with the room's state and DONE: (state, members). Who of them
    is away (a PRESENCE_STATE after the members) is not checked here."""
    request_id = request(client, P.ROOM_JOIN, name=name)
    got = expect_state(client)
    frame, _ = client.wait_for(P.DONE, skip=(P.PRESENCE_STATE,))
    assert (frame.request_id, frame.request_type) == (request_id, P.ROOM_JOIN), repr(frame)
    return got


def refused(client, ftype, code, **fields):
    """A request answered by ERROR code (ref_id = its request_id); returns the ERROR."""
    request_id = request(client, ftype, **fields)
    return client.expect_error(code, ftype, request_id)


def leave(client, room_id):
    expect_done(client, P.ROOM_LEAVE, request(client, P.ROOM_LEAVE, room_id=room_id))


def listing(client):
    """ROOM_LIST: {name: ROOM_INFO frame} in the order sent (ascending ids checked)."""
    request_id = request(client, P.ROOM_LIST)
    rooms = {}
    while True:
        frame = client.recv()
        if frame.type == P.DONE:
            assert (frame.request_id, frame.request_type) == (request_id, P.ROOM_LIST)
            break
        assert frame.type == P.ROOM_INFO and frame.request_id == request_id, repr(frame)
        rooms[frame.name] = frame
    ids = [info.room_id for info in rooms.values()]
    assert ids == sorted(ids), ids
    return rooms


def people(account, server, *names):
    """Registers and logs in each name (the account fixture) in turn; every earlier one
    takes the newcomer's USER_JOINED, so all are quiet when this returns."""
    clients = []
    for name in names:
        newcomer = account(server, name)
        for earlier in clients:
            earlier.expect(P.USER_JOINED, users=[(newcomer.user_id, name)])
        clients.append(newcomer)
    return clients
