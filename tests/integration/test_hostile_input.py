"""Hostile bytes: each bad connection gets its ERROR and is closed (or carries on where
the protocol says so) while a bystander keeps chatting; the server never falls over."""

import random
import struct

import pytest

import chatproto as P

_said = iter(range(1, 1 << 30))


def bystander_still_chats(bystander):
    client_id = next(_said)
    bystander.say(f"still here {client_id}", client_id=client_id)
    bystander.expect(P.TEXT, client_id=client_id)


def frame_with_payload(ftype, payload):
    return P.header(len(payload), ftype) + payload


TEXT_OK = P.encode_payload(P.TEXT_SEND, client_id=1, room_id=0, text="hi")

# (bytes to send after login, the error code, its ref_type or None when not specified)
CLOSING = [
    pytest.param(P.header(0xFFFFFFFF, P.TEXT_SEND), P.E_FRAME_TOO_LARGE, None,
                 id="length-4GiB"),
    pytest.param(P.header(P.MAX_PAYLOAD + 1, P.FILE_CHUNK), P.E_FRAME_TOO_LARGE, None,
                 id="length-max-plus-1"),
    pytest.param(b"\xde\xad\xbe\xef\x01\x00\x00\x00" + bytes(range(200)), P.E_FRAME_TOO_LARGE,
                 None, id="garbage-length"),
    pytest.param(P.header(2, P.PING, flags=1) + b"\0\0", P.E_MALFORMED, None,
                 id="nonzero-flags"),
    pytest.param(frame_with_payload(P.TEXT_SEND, TEXT_OK[:5]), P.E_MALFORMED, P.TEXT_SEND,
                 id="truncated"),
    pytest.param(frame_with_payload(P.TEXT_SEND, TEXT_OK + b"\0"), P.E_MALFORMED,
                 P.TEXT_SEND, id="trailing-byte"),
    pytest.param(frame_with_payload(P.TEXT_SEND, TEXT_OK[:12] + b"\x00\x10hi"),
                 P.E_MALFORMED, P.TEXT_SEND, id="string-length-past-end"),
    pytest.param(frame_with_payload(P.TEXT_SEND, TEXT_OK[:12] + b"\x00\x02\xff\xfe"),
                 P.E_MALFORMED, P.TEXT_SEND, id="text-not-utf8"),
    pytest.param(frame_with_payload(P.TEXT_SEND, TEXT_OK[:12] + b"\x00\x03a\x00b"),
                 P.E_MALFORMED, P.TEXT_SEND, id="text-with-nul"),
    pytest.param(frame_with_payload(P.PING, b""), P.E_MALFORMED, P.PING, id="empty-ping"),
    pytest.param(frame_with_payload(P.FILE_CHUNK, struct.pack(">QQ", 1, 0)), P.E_MALFORMED,
                 P.FILE_CHUNK, id="chunk-without-data"),
    pytest.param(frame_with_payload(P.FILE_CHUNK, struct.pack(">QQ", 1, 0)
                                    + bytes(P.MAX_CHUNK + 1)),
                 P.E_MALFORMED, P.FILE_CHUNK, id="chunk-over-max"),
]


@pytest.mark.parametrize("data, code, ref_type", CLOSING)
def test_bad_frame_gets_error_then_close(server, room, data, code, ref_type):
    bystander, victim = room(server, "bystander", "hostile")
    victim.send(data)
    victim.expect_error(code, ref_type=ref_type)
    victim.expect_closed()
    bystander.expect(P.USER_LEFT, users=[(victim.user_id, "hostile")])
    bystander_still_chats(bystander)


@pytest.mark.parametrize("data, code, ref_type", CLOSING[:4])
def test_bad_frame_before_login(server, user, connect, data, code, ref_type):
    bystander = user(server, "bystander")
    victim = connect(server)
    victim.send(data)
    victim.expect_error(code, ref_type=ref_type)
    victim.expect_closed()
    bystander.expect_quiet()
    bystander_still_chats(bystander)


def test_malformed_hello_closes(server, connect):
    client = connect(server)
    payload = P.encode_payload(P.HELLO, version=1, features=0, username="alice", agent="x")
    client.send(frame_with_payload(P.HELLO, payload[:-1]))
    client.expect_error(P.E_MALFORMED, ref_type=P.HELLO)
    client.expect_closed()


@pytest.mark.parametrize("ftype", [0x0000, 0x0008, 0x03FF, 0x04FF, 0x06FF, 0xFFFF])
def test_unknown_type_answered_connection_stays(server, room, ftype):
    alice, bob = room(server, "alice", "bob")
    alice.send(frame_with_payload(ftype, b"whatever payload"))
    alice.expect_error(P.E_UNKNOWN_TYPE, ref_type=ftype)
    alice.say("after", client_id=1)
    alice.expect(P.TEXT, client_id=1)
    bob.expect(P.TEXT, client_id=1)


def test_killed_mid_frame(server, room):
    bystander, victim = room(server, "bystander", "victim")
    frame = P.encode(P.TEXT_SEND, client_id=1, room_id=0, text="never finished")
    victim.send(frame[:11])
    victim.reset()
    bystander.expect(P.USER_LEFT, users=[(victim.user_id, "victim")])
    bystander.expect_quiet()


def test_seeded_garbage_never_hurts_the_bystander(server, user, connect):
    """Random frames (valid headers, random payloads, random types) and raw noise from
    many connections; the server answers or closes each, and the bystander notices
    nothing but its own texts."""
    bystander = user(server, "bystander")
    rng = random.Random(1234)
    types = list(P.LAYOUTS) + [0x0999]
    for round_ in range(60):
        client = connect(server)
        if round_ % 2:
            client.login(f"fuzz{round_}")
            bystander.expect(P.USER_JOINED, users=[(client.user_id, f"fuzz{round_}")])
        if round_ % 3 == 0:
            data = rng.randbytes(rng.randrange(1, 400))
        else:
            payload = rng.randbytes(rng.randrange(0, 200))
            data = frame_with_payload(rng.choice(types), payload) * rng.randrange(1, 4)
        client.send(data)
        try:
            client.sync(timeout=2)
        except Exception:
            pass                # closed, or still waiting for a long declared payload
        client.reset()
        if round_ % 2:
            bystander.expect(P.USER_LEFT, users=[(client.user_id, f"fuzz{round_}")])
        bystander_still_chats(bystander)
