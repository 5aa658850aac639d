"""Direct messages and blocks (PROTOCOL.md 5.34, 5.35): the direct room of two accounts
is made by the first message, never listed, reaches only those two; a block stops
direct messages with an error that says no more than needed."""

import chatproto as P
from chatrooms import expect_done, expect_state, listing, people, refused, request


def direct(client, client_id, to, text):
    client.send_frame(P.DIRECT_SEND, client_id=client_id, username=to, text=text)


def test_first_message_makes_the_room(server, account):
    alice, bob, eve = people(account, server, "alice", "bob", "eve")
    direct(alice, 1, "Bob", "hi bob")                    # any name with the same key
    state, members = expect_state(alice)
    assert (state.kind, state.name, state.members) == (P.ROOM_DIRECT, "bob", 2)
    assert members == {alice.session.account_id: ("alice", True),
                       bob.session.account_id: ("bob", True)}
    first = alice.expect(P.TEXT, client_id=1, room_id=state.room_id, text="hi bob")
    bob_state, _ = expect_state(bob, state.room_id)
    assert bob_state.name == "alice"
    bob.expect(P.TEXT, message_id=first.message_id)

    direct(alice, 2, "bob", "again")                     # the same room, no new state
    for client in (alice, bob):
        client.expect(P.TEXT, client_id=2, room_id=state.room_id)
    bob.say("back to you", client_id=9, room_id=state.room_id)
    for client in (alice, bob):
        client.expect(P.TEXT, client_id=9, room_id=state.room_id)
    eve.expect_quiet()                                   # nothing of it, ever
    eve.say("let me read", client_id=3, room_id=state.room_id)
    eve.expect_error(P.E_ROOM_UNKNOWN, P.TEXT_SEND, 3)
    for client in (alice, bob, eve):
        assert all(info.kind != P.ROOM_DIRECT for info in listing(client).values())
    refused(bob, P.ROOM_LEAVE, P.E_NOT_ALLOWED, room_id=state.room_id)

    direct(alice, 4, "nobody", "hello?")
    alice.expect_error(P.E_ACCOUNT_UNKNOWN, P.DIRECT_SEND, 4)
    direct(alice, 5, "alice", "me")
    alice.expect_error(P.E_NOT_ALLOWED, P.DIRECT_SEND, 5)
    direct(alice, 6, "bob", "\x07")
    alice.expect_error(P.E_TEXT_INVALID, P.DIRECT_SEND, 6)


def test_block_stops_direct_messages(server, account):
    alice, mallory = people(account, server, "alice", "mallory")
    direct(mallory, 1, "alice", "hi")
    state, _ = expect_state(mallory)
    mallory.expect(P.TEXT, client_id=1)
    expect_state(alice, state.room_id)
    alice.expect(P.TEXT, client_id=1)

    expect_done(alice, P.BLOCK, request(alice, P.BLOCK, blocked=1, username="mallory"))
    direct(mallory, 2, "alice", "let me in")
    error = mallory.expect_error(P.E_DIRECT_REFUSED, P.DIRECT_SEND, 2)
    assert "block" not in error.message.lower()
    mallory.say("through the room", client_id=3, room_id=state.room_id)
    mallory.expect_error(P.E_DIRECT_REFUSED, P.TEXT_SEND, 3)
    mallory.send_frame(P.FILE_OFFER, upload_id=4, size=1, sha256=bytes(32),
                       room_id=state.room_id, name="x")
    mallory.expect_error(P.E_DIRECT_REFUSED, P.FILE_OFFER, 4)
    alice.expect_quiet()
    direct(alice, 5, "mallory", "but I can talk")        # a block is one way
    alice.expect(P.TEXT, client_id=5)
    mallory.expect(P.TEXT, client_id=5)

    expect_done(alice, P.BLOCK, request(alice, P.BLOCK, blocked=0, username="mallory"))
    direct(mallory, 6, "alice", "sorry")
    mallory.expect(P.TEXT, client_id=6)
    alice.expect(P.TEXT, client_id=6)
    refused(alice, P.BLOCK, P.E_ACCOUNT_UNKNOWN, blocked=1, username="nobody")
