"""Chat text: relayed once to every logged-in client including the sender, in one total
order with strictly increasing server message ids."""

import random
import threading
import time

import pytest

import chatproto as P


def expect_text(client, sender, client_id, text, message_id=None):
    frame = client.expect(P.TEXT, sender_id=sender.user_id, sender=sender.name,
                          client_id=client_id, room_id=P.ROOM_LOBBY, text=text)
    if message_id is not None:
        assert frame.message_id == message_id, repr(frame)
    now = time.time() * 1000
    assert now - 10000 <= frame.time_ms <= now + 10000, repr(frame)
    return frame


def test_text_reaches_everyone_including_sender(server, room):
    alice, bob, carol = room(server, "alice", "bob", "carol")
    alice.say("hello, world", client_id=42)
    frames = [expect_text(c, alice, 42, "hello, world", message_id=1)
              for c in (alice, bob, carol)]
    # Encoded once: every recipient got the very same frame.
    assert len({repr(f) for f in frames}) == 1
    for c in (alice, bob, carol):
        c.expect_quiet()


def test_message_ids_strictly_increase_across_senders(server, room):
    alice, bob = room(server, "alice", "bob")
    ids = []
    for i, sender in enumerate([alice, bob, bob, alice, bob]):
        sender.say(f"m{i}", client_id=100 + i)
        ids.append(expect_text(alice, sender, 100 + i, f"m{i}").message_id)
        expect_text(bob, sender, 100 + i, f"m{i}", message_id=ids[-1])
    assert ids[0] == 1
    assert all(a < b for a, b in zip(ids, ids[1:])), ids


@pytest.mark.parametrize("text", ["line one\nline two\tand a tab", "👨‍👩‍👧 family ✓",
                                  "quote \" backslash \\ done", "x"])
def test_text_relayed_byte_exact(server, room, text):
    alice, bob = room(server, "alice", "bob")
    alice.say(text, client_id=7)
    expect_text(bob, alice, 7, text)
    expect_text(alice, alice, 7, text)


@pytest.mark.parametrize("text", ["", " ", " \n\t ", "bell\a", "cr\r", "esc\x1b[31m",
                                  "del\x7f"])
def test_invalid_text_refused_connection_stays(server, room, text):
    alice, bob = room(server, "alice", "bob")
    alice.say(text, client_id=0xABCDEF0123)
    alice.expect_error(P.E_TEXT_INVALID, ref_type=P.TEXT_SEND, ref_id=0xABCDEF0123)
    bob.expect_quiet()
    alice.say("still here", client_id=2)
    assert expect_text(alice, alice, 2, "still here").message_id == 1
    expect_text(bob, alice, 2, "still here", message_id=1)


def test_unknown_room_refused(server, room):
    alice, bob = room(server, "alice", "bob")
    alice.say("to nowhere", client_id=9, room_id=1)
    alice.expect_error(P.E_ROOM_UNKNOWN, ref_type=P.TEXT_SEND, ref_id=9)
    bob.expect_quiet()
    alice.expect_quiet()


def test_concurrent_senders_share_one_total_order(server, room):
    """Four clients send at once; each sees all texts in the same order, with strictly
    increasing ids, and its own texts in the order it sent them. Each sends fewer frames
    than the default flood burst, so nothing is throttled."""
    per_sender = 90
    clients = room(server, "alice", "bob", "carol", "dave")
    total = per_sender * len(clients)
    seen = {c.name: [] for c in clients}
    failures = []
    start = threading.Barrier(len(clients))

    def run(client, seed):
        try:
            rng = random.Random(seed)
            frames = b"".join(
                P.encode(P.TEXT_SEND, client_id=1000 + i, room_id=0,
                         text=f"{client.name} {i} " + "z" * rng.randrange(1, 300))
                for i in range(per_sender))
            start.wait()
            sender = threading.Thread(target=client.send, args=(frames,))
            sender.start()
            while len(seen[client.name]) < total:
                frame = client.expect(P.TEXT)
                seen[client.name].append((frame.message_id, frame.sender, frame.client_id,
                                          frame.text))
            sender.join()
        except BaseException as exc:  # reported by the main thread
            failures.append(f"{client.name}: {exc!r}")

    threads = [threading.Thread(target=run, args=(c, n)) for n, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures
    reference = seen["alice"]
    for name, order in seen.items():
        assert order == reference, f"{name} saw a different order"
    ids = [m[0] for m in reference]
    assert ids[0] == 1
    assert all(a < b for a, b in zip(ids, ids[1:])), "message ids not strictly increasing"
    for c in clients:
        mine = [m[2] for m in reference if m[1] == c.name]
        assert mine == list(range(1000, 1000 + per_sender)), f"{c.name}'s own order"
        assert all(m[3].startswith(f"{m[1]} {m[2] - 1000} ") for m in reference)
        c.expect_quiet()
