"""Limits announced in WELCOME and set by options: text size, frame size, clients."""

import chatproto as P
from chatclient import RawClient
from chatserver import wait_until


def test_text_of_exactly_max_text_bytes(server, room):
    alice, bob = room(server, "alice", "bob")
    limit = alice.welcome.max_text
    ascii_text = "a" * limit
    wide_text = "😀" * (limit // 4) + "b" * (limit % 4)   # 4-byte characters up to the limit
    assert len(wide_text.encode()) == limit
    for client_id, text in ((1, ascii_text), (2, wide_text)):
        alice.say(text, client_id=client_id)
        for c in (alice, bob):
            c.expect(P.TEXT, client_id=client_id, text=text)


def test_text_one_byte_over_max_text_refused(server, room):
    alice, bob = room(server, "alice", "bob")
    limit = alice.welcome.max_text
    for client_id, text in ((1, "a" * (limit + 1)),
                            (2, "a" * (limit - 1) + "é")):      # 2-byte char crosses it
        assert len(text.encode()) == limit + 1
        alice.say(text, client_id=client_id)
        alice.expect_error(P.E_TEXT_INVALID, ref_type=P.TEXT_SEND, ref_id=client_id)
    bob.expect_quiet()
    alice.say("ok", client_id=3)
    alice.expect(P.TEXT, client_id=3, message_id=1)
    bob.expect(P.TEXT, client_id=3, message_id=1)


def test_frame_of_exactly_max_payload_accepted(server, user):
    """A frame declaring max_payload bytes is read whole (here an unknown type, which is
    answered and the connection carries on)."""
    alice = user(server, "alice")
    size = alice.welcome.max_payload
    alice.send(P.header(size, 0x06FF) + bytes(size))
    alice.expect_error(P.E_UNKNOWN_TYPE, ref_type=0x06FF)
    alice.expect_quiet()


def test_max_clients(server_factory, user, connect):
    server = server_factory("--max-clients", "2")
    alice = user(server, "alice")
    bob = connect(server)           # a connection counts even before HELLO
    bob.send_frame(P.PING, token=3)
    bob.expect(P.PONG, token=3)
    extra = connect(server)
    extra.expect_error(P.E_SERVER_FULL)
    extra.expect_closed()
    bob.close()
    # Once bob's close is handled a newcomer fits again; poll by reconnecting.
    def newcomer_fits():
        late = RawClient(server.port)
        try:
            late.hello("carol")
            frame = late.recv()
            if frame.type == P.ERROR:
                assert frame.code == P.E_SERVER_FULL, repr(frame)
                return False
            assert frame.type == P.WELCOME, repr(frame)
            return True
        finally:
            late.close()
    wait_until(newcomer_fits, what="room for a new client after one left")
    alice.expect(P.USER_JOINED)
