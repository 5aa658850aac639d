"""Rooms (PROTOCOL.md 5.27-5.40): create, join, leave, list, topic and invite; texts and
files reach the room's members only; per-room presence; limits; membership kept across
a restart. Every client is a real account on a real server."""

import chatproto as P
from chatclient import download, upload
from chatrooms import create, expect_done, expect_state, join, leave, listing, people, \
    refused, request


def test_create_join_topic_text_leave(server, account):
    alice, bob, carol = people(account, server, "alice", "bob", "carol")
    state, members = create(alice, "Rust", topic="Rust talk")
    assert (state.kind, state.name, state.topic) == (P.ROOM_PUBLIC, "Rust", "Rust talk")
    assert members == {alice.session.account_id: ("alice", True)}
    rooms = listing(bob)
    assert list(rooms) == ["lobby", "Rust"]
    assert (rooms["Rust"].members, rooms["Rust"].flags) == (1, 0)
    assert rooms["lobby"].flags == P.ROOM_FLAG_MEMBER
    room = state.room_id

    state, members = join(bob, "rust")                   # any name with the same key
    assert state.room_id == room and members == {
        alice.session.account_id: ("alice", True), bob.session.account_id: ("bob", True)}
    alice.expect(P.ROOM_PRESENCE, room_id=room, state=P.MEMBER_JOINED,
                 users=[(bob.session.account_id, "bob")])

    topic_request = request(alice, P.ROOM_TOPIC_SET, room_id=room, topic="Rust 2024")
    for member in (alice, bob):
        member.expect(P.ROOM_TOPIC, room_id=room, actor="alice", topic="Rust 2024")
    expect_done(alice, P.ROOM_TOPIC_SET, topic_request)

    alice.say("in the room", client_id=7, room_id=room)
    for member in (alice, bob):
        member.expect(P.TEXT, room_id=room, client_id=7, text="in the room")
    carol.expect_quiet()                                 # not a member: nothing at all
    refused(carol, P.ROOM_TOPIC_SET, P.E_NOT_IN_ROOM, room_id=room, topic="x")
    carol.say("let me in", client_id=1, room_id=room)
    carol.expect_error(P.E_NOT_IN_ROOM, P.TEXT_SEND, 1)

    leave(bob, room)
    alice.expect(P.ROOM_PRESENCE, room_id=room, state=P.MEMBER_LEFT,
                 users=[(bob.session.account_id, "bob")])
    alice.say("bob is gone", client_id=8, room_id=room)
    alice.expect(P.TEXT, client_id=8)
    bob.expect_quiet()
    bob.say("still here?", client_id=2, room_id=room)
    bob.expect_error(P.E_NOT_IN_ROOM, P.TEXT_SEND, 2)
    refused(bob, P.ROOM_LEAVE, P.E_NOT_ALLOWED, room_id=P.ROOM_LOBBY)


def test_room_names_follow_the_username_rules(server, account):
    alice = account(server, "alice")
    create(alice, "general")
    for taken in ("General", "GENERAL", "g\u0435neral", "lobby", "Lobby"):  # Cyrillic e
        refused(alice, P.ROOM_CREATE, P.E_ROOM_NAME_TAKEN, kind=P.ROOM_PUBLIC, name=taken,
                topic="")
    for bad in ("", " spaced ", "ru\u200bst", "x" * 33, "tab\there", "alice\u3164"):
        refused(alice, P.ROOM_CREATE, P.E_ROOM_NAME_INVALID, kind=P.ROOM_PUBLIC, name=bad,
                topic="")
    refused(alice, P.ROOM_CREATE, P.E_TEXT_INVALID, kind=P.ROOM_PUBLIC, name="ok",
            topic="bell\a")
    refused(alice, P.ROOM_CREATE, P.E_NOT_ALLOWED, kind=P.ROOM_DIRECT, name="dm", topic="")
    refused(alice, P.ROOM_JOIN, P.E_ROOM_UNKNOWN, name="nowhere")


def test_private_room_is_invisible_until_invited(server, account):
    alice, bob, mallory = people(account, server, "alice", "bob", "mallory")
    state, _ = create(alice, "secret", kind=P.ROOM_PRIVATE, topic="plans")
    room = state.room_id
    assert "secret" not in listing(mallory)
    refused(mallory, P.ROOM_JOIN, P.E_ROOM_UNKNOWN, name="secret")
    refused(mallory, P.ROOM_INVITE, P.E_ROOM_UNKNOWN, room_id=room, username="mallory")
    mallory.say("hello?", client_id=1, room_id=room)
    unknown = mallory.expect_error(P.E_ROOM_UNKNOWN, P.TEXT_SEND, 1)
    mallory.say("hello?", client_id=2, room_id=room + 1000)   # a room that does not exist
    assert mallory.expect_error(P.E_ROOM_UNKNOWN, P.TEXT_SEND, 2).message == \
        unknown.message.replace(str(room), str(room + 1000))

    invite = request(alice, P.ROOM_INVITE, room_id=room, username="bob")
    bob.wait_for(P.ROOM_INVITED, skip=(P.USER_JOINED,))
    expect_done(alice, P.ROOM_INVITE, invite)
    rooms = listing(bob)
    assert rooms["secret"].flags == P.ROOM_FLAG_INVITED and rooms["secret"].topic == "plans"
    refused(bob, P.ROOM_INVITE, P.E_ROOM_UNKNOWN, room_id=room, username="mallory")
    join(bob, "secret")
    alice.expect(P.ROOM_PRESENCE, room_id=room, state=P.MEMBER_JOINED)
    assert listing(bob)["secret"].flags == P.ROOM_FLAG_MEMBER
    refused(bob, P.ROOM_INVITE, P.E_ACCOUNT_UNKNOWN, room_id=room, username="nobody")
    refused(bob, P.ROOM_INVITE, P.E_NOT_ALLOWED, room_id=P.ROOM_LOBBY, username="mallory")


def test_presence_is_per_room(server_factory, account):
    server = server_factory("--no-limits")
    alice, bob, carol = people(account, server, "alice", "bob", "carol")
    state, _ = create(alice, "team")
    join(bob, "team")
    alice.expect(P.ROOM_PRESENCE, room_id=state.room_id, state=P.MEMBER_JOINED)
    for client in (alice, carol):
        client.sync()
    bob.close()
    alice.wait_for(P.ROOM_PRESENCE, skip=(P.USER_JOINED, P.USER_LEFT))
    # carol shares no room with bob: the lobby's USER_LEFT is all she hears
    carol.wait_for(P.USER_LEFT, skip=(P.USER_JOINED,))
    carol.expect_quiet()

    bob = account(server, "bob", register=False)
    state2, members = expect_state(bob, state.room_id)
    assert members == {alice.session.account_id: ("alice", True),
                       bob.session.account_id: ("bob", True)}
    frame, _ = alice.wait_for(P.ROOM_PRESENCE, skip=(P.USER_JOINED, P.USER_LEFT))
    assert (frame.room_id, frame.state, frame.users) == (
        state.room_id, P.MEMBER_ONLINE, [(bob.session.account_id, "bob")])
    carol.wait_for(P.USER_JOINED)
    carol.expect_quiet()


def test_files_belong_to_their_room(server, account):
    alice, bob, mallory = people(account, server, "alice", "bob", "mallory")
    state, _ = create(alice, "vault", kind=P.ROOM_PRIVATE)
    room = state.room_id
    lobby_file = upload(alice, "public.txt", b"for everyone", upload_id=1)
    mallory.wait_for(P.FILE_ANNOUNCE, skip=(P.USER_JOINED,))
    alice.send_frame(P.FILE_OFFER, upload_id=2, size=6,
                     sha256=__import__("hashlib").sha256(b"secret").digest(), room_id=room,
                     name="secret.txt")
    alice.expect(P.FILE_ACCEPT, id=2)
    alice.send_frame(P.FILE_CHUNK, id=2, offset=0, data=b"secret")
    alice.send_frame(P.FILE_END, id=2)
    private = alice.expect(P.FILE_ANNOUNCE, room_id=room, upload_id=2)
    bob.sync()
    mallory.sync()
    mallory.send_frame(P.FILE_OFFER, upload_id=3, size=1, sha256=bytes(32), room_id=room,
                       name="x")
    mallory.expect_error(P.E_ROOM_UNKNOWN, P.FILE_OFFER, 3)
    for file_id in range(1, private.file_id + 3):
        if file_id == lobby_file.file_id:
            continue
        mallory.send_frame(P.DOWNLOAD_REQUEST, file_id=file_id, offset=0)
        error = mallory.expect_error(P.E_FILE_NOT_FOUND, P.DOWNLOAD_REQUEST, file_id)
        assert error.message == f"There is no file with id {file_id}."
    mallory.expect_quiet()
    start, data = download(mallory, lobby_file.file_id)
    assert data == b"for everyone"
    invite = request(alice, P.ROOM_INVITE, room_id=room, username="bob")
    expect_done(alice, P.ROOM_INVITE, invite)
    bob.wait_for(P.ROOM_INVITED)
    join(bob, "vault")
    start, data = download(bob, private.file_id)
    assert data == b"secret"


def test_room_limits(server_factory, account):
    server = server_factory("--no-limits")
    *owners, joiner, late = people(account, server, *(f"owner{i}" for i in range(10)),
                                   "joiner", "late")
    for i, owner in enumerate(owners):
        for k in range(10):
            create(owner, f"r{i}x{k}")
    request(owners[0], P.ROOM_CREATE, kind=P.ROOM_PUBLIC, name="one-more", topic="")
    error = owners[0].expect_error(P.E_ROOM_CREATE_LIMIT, P.ROOM_CREATE)
    assert 3500 <= error.ref_id <= 3600, error       # seconds until the oldest is an hour old
    for i in range(10):
        for k in range(10):
            join(joiner, f"r{i}x{k}")
    create(late, "r-extra")
    refused(joiner, P.ROOM_JOIN, P.E_TOO_MANY_ROOMS, name="r-extra")
    refused(joiner, P.ROOM_CREATE, P.E_TOO_MANY_ROOMS, kind=P.ROOM_PUBLIC, name="mine",
            topic="")
    leave(joiner, listing(joiner)["r0x0"].room_id)
    join(joiner, "r-extra")


def test_guests_have_the_lobby_only(server, user, account):
    account(server, "alice")
    guest = user(server, "visitor")
    refused(guest, P.ROOM_CREATE, P.E_NOT_ALLOWED, kind=P.ROOM_PUBLIC, name="g", topic="")
    refused(guest, P.ROOM_JOIN, P.E_NOT_ALLOWED, name="lobby")
    refused(guest, P.BLOCK, P.E_NOT_ALLOWED, blocked=1, username="alice")
    guest.send_frame(P.DIRECT_SEND, client_id=5, username="alice", text="hi")
    guest.expect_error(P.E_NOT_ALLOWED, P.DIRECT_SEND, 5)
    assert list(listing(guest)) == ["lobby"]


def test_membership_survives_a_restart(server_factory, account, tmp_path):
    data = tmp_path / "data"
    first = server_factory("--data-dir", str(data))
    alice, bob, carol = people(account, first, "alice", "bob", "carol")
    state, _ = create(alice, "keep", topic="kept")
    join(bob, "keep")
    alice.expect(P.ROOM_PRESENCE, room_id=state.room_id, state=P.MEMBER_JOINED)
    hidden, _ = create(alice, "hidden", kind=P.ROOM_PRIVATE)
    expect_done(alice, P.ROOM_INVITE, request(alice, P.ROOM_INVITE, room_id=hidden.room_id,
                                              username="carol"))
    alice.send_frame(P.DIRECT_SEND, client_id=1, username="bob", text="psst")
    direct, _ = expect_state(alice)
    alice.wait_for(P.TEXT, skip=(P.ROOM_PRESENCE,))
    first.stop()

    second = server_factory("--data-dir", str(data), workdir=first.workdir)
    bob = account(second, "bob", register=False)
    got = {}
    for _ in range(2):
        room_state, members = expect_state(bob)
        got[room_state.room_id] = (room_state, members)
    assert sorted(got) == sorted([state.room_id, direct.room_id])
    keep, members = got[state.room_id]
    assert (keep.name, keep.topic) == ("keep", "kept")
    assert members == {alice.session.account_id: ("alice", False),
                       bob.session.account_id: ("bob", True)}
    dm, members = got[direct.room_id]
    assert (dm.kind, dm.name, len(members)) == (P.ROOM_DIRECT, "alice", 2)
    carol = account(second, "carol", register=False)
    assert listing(carol)["hidden"].flags == P.ROOM_FLAG_INVITED
    join(carol, "hidden")
