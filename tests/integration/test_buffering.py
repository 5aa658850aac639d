"""The same input whole, split byte by byte, split at random, or packed many frames to
one send gives the same result (irctest buffering)."""

import random

import pytest

import chatproto as P


def session_bytes(name):
    return (P.encode(P.HELLO, version=1, features=0, username=name, agent="split/1")
            + b"".join(P.encode(P.TEXT_SEND, client_id=i, room_id=0, text=f"{name} #{i} é")
                       for i in (1, 2, 3))
            + P.encode(P.PING, token=0x77))


def split_whole(data):
    return [data]


def split_bytes(data):
    return [data[i:i + 1] for i in range(len(data))]


def split_random(data):
    rng = random.Random(len(data))
    pieces, pos = [], 0
    while pos < len(data):
        step = rng.randrange(1, 12)
        pieces.append(data[pos:pos + step])
        pos += step
    return pieces


@pytest.mark.parametrize("split", [split_whole, split_bytes, split_random])
def test_split_input_same_result(server, user, connect, split):
    watcher = user(server, "watcher")
    client = connect(server)
    for piece in split(session_bytes("alice")):
        client.send(piece)
    welcome = client.expect(P.WELCOME, username="alice", users_online=2)
    client.expect(P.USER_LIST)
    watcher.expect(P.USER_JOINED, users=[(welcome.user_id, "alice")])
    ids = []
    for i in (1, 2, 3):
        frame = client.expect(P.TEXT, client_id=i, sender="alice", text=f"alice #{i} é")
        watcher.expect(P.TEXT, client_id=i, message_id=frame.message_id)
        ids.append(frame.message_id)
    assert ids == [1, 2, 3]
    client.expect(P.PONG, token=0x77)
    client.expect_quiet()


def test_many_frames_in_one_send(server_factory, room):
    server = server_factory("--no-limits")    # 800 frames at once: a flood on purpose
    alice, bob = room(server, "alice", "bob")
    blob = b"".join(P.encode(P.TEXT_SEND, client_id=i, room_id=0, text=f"t{i}")
                    + P.encode(P.PING, token=i) for i in range(400))
    alice.send(blob)
    for i in range(400):
        alice.expect(P.TEXT, client_id=i, text=f"t{i}", message_id=i + 1)
        alice.expect(P.PONG, token=i)
    for i in range(400):
        bob.expect(P.TEXT, client_id=i, text=f"t{i}", message_id=i + 1)
    bob.expect_quiet()


def test_header_and_payload_in_separate_sends(server, room):
    alice, bob = room(server, "alice", "bob")
    frame = P.encode(P.TEXT_SEND, client_id=5, room_id=0, text="two parts")
    alice.send(frame[:8])
    bob.expect_quiet()              # a header alone relays nothing
    alice.send(frame[8:])
    alice.expect(P.TEXT, client_id=5, text="two parts")
    bob.expect(P.TEXT, client_id=5, text="two parts")
