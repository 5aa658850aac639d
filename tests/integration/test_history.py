"""History, resume and idempotent sends against the real server (PROTOCOL.md 5.41-5.45):
pages checked against a reference model, the offline replay, the gap past the resume
bound, deduplicated resends, and rooms one may not read."""

import random

import pytest

import chatproto as P
from chatclient import RawClient
from chathistory import MAX_PAGE, RESUME_BOUND, collect, history, model_page, resume
from chatrooms import create, expect_state, join, people, refused
from chatserver import paused, wait_until

LIVE = (P.ROOM_STATE, P.ROOM_MEMBERS, P.ROOM_PRESENCE, P.USER_LIST, P.USER_JOINED,
        P.USER_LEFT, P.WELCOME, P.SESSION)


@pytest.fixture
def server(server_factory):
    """The tests send and ask faster than a person: 10 frames a second is too few."""
    return server_factory("--msg-limit", "5000:5000")


def sent(client, room_id, texts, first_id=1):
    """Sends texts to room_id and waits for their acknowledgements; returns the TEXTs."""
    for n, text in enumerate(texts):
        client.say(text, client_id=first_id + n, room_id=room_id)
    return [client.wait_for(P.TEXT, skip=LIVE)[0] for _ in texts]


def test_offline_delivery_exactly_once_in_order(server, account, connect):
    alice, bob = people(account, server, "alice", "bob")
    state, _ = create(alice, "team")
    join(bob, "team")
    alice.wait_for(P.ROOM_PRESENCE, skip=LIVE)
    first = sent(alice, state.room_id, ["before"])[0]
    bob.expect(P.TEXT, message_id=first.message_id)
    token = bob.session.token
    bob.close()                                          # bob is away
    alice.wait_for(P.ROOM_PRESENCE, skip=LIVE)
    texts = [f"while away {n}" for n in range(50)]
    away = sent(alice, state.room_id, texts, first_id=100)

    bob = connect(server)
    bob.token_login(token)
    bob.expect_session()
    expect_state(bob, state.room_id)
    gap, page, end, _ = resume(bob, state.room_id, first.message_id)
    assert gap is None and end.flags == 0
    assert [m.text for m in page] == texts
    assert [m.message_id for m in page] == [m.message_id for m in away]
    assert all(m.sender == "alice" and m.room_id == state.room_id for m in page)
    bob.expect_quiet()                                   # once: nothing more follows
    gap, page, end, _ = resume(bob, state.room_id, away[-1].message_id)
    assert (gap, page, end.flags) == (None, [], 0)       # up to date: nothing again


def test_a_resume_sent_with_the_login_holds_the_text_of_its_pass(server, account, connect):
    """bob's RESUME, sent right behind his token login, is read in the loop pass in
    which alice's text was stored before that login (the server held still meanwhile):
    the text reached bob's new connection neither live (it was not logged in yet) nor
    in a page of that pass (uncommitted), so the RESUME is answered after the commit,
    and holds it."""
    alice, bob = people(account, server, "alice", "bob")
    state, _ = create(alice, "team")
    join(bob, "team")
    alice.wait_for(P.ROOM_PRESENCE, skip=LIVE)
    first = sent(alice, state.room_id, ["before"])[0]
    connects = sum(line.endswith(" connect") for line in server.log_lines())
    again = connect(server)     # bob's old one stays open: this one is read after alice's
    wait_until(lambda: sum(line.endswith(" connect") for line in server.log_lines()) >
               connects, what="the server to accept the connection")
    with paused(server):
        alice.say("in the login's pass", client_id=2, room_id=state.room_id)
        again.send(P.encode(P.LOGIN_TOKEN, version=P.VERSION, features=0,
                            token=bob.session.token, agent="pytest/1") +
                   P.encode(P.RESUME, request_id=1, room_id=state.room_id,
                            last_id=first.message_id))
    _, page, end, _ = collect(again, 1, skip=LIVE + (P.USER_ROLE, P.PRESENCE_STATE))
    assert [m.text for m in page] == ["in the login's pass"]
    assert [m.text for m in again.sync() if m.type == P.TEXT] == []      # once


def test_resume_past_the_bound_says_where_the_gap_is(server, account, connect):
    alice, bob = people(account, server, "alice", "bob")
    state, _ = create(alice, "busy")
    join(bob, "busy")
    token = bob.session.token
    bob.close()
    away = sent(alice, state.room_id, [f"m{n}" for n in range(RESUME_BOUND + 30)])
    bob = connect(server)
    bob.token_login(token)
    bob.expect_session()
    expect_state(bob, state.room_id)
    gap, page, end, _ = resume(bob, state.room_id, 0)
    ids = [m.message_id for m in away]
    assert [m.message_id for m in page] == ids[-RESUME_BOUND:]   # the newest, ascending
    assert (gap.after_id, gap.before_id) == (0, ids[-RESUME_BOUND])
    assert end.flags == P.HISTORY_MORE_BEFORE
    filled, end = history(bob, state.room_id, P.HISTORY_AFTER, gap.after_id, MAX_PAGE)
    assert [m.message_id for m in filled] == ids[:30] + ids[30:MAX_PAGE]
    assert end.flags & P.HISTORY_MORE_AFTER


def test_history_matches_the_reference_model(server, account):
    rng = random.Random(10)
    alice, bob = people(account, server, "alice", "bob")
    rooms = {}
    for name in ("one", "two", "three"):
        state, _ = create(alice, name)
        rooms[state.room_id] = []
    join(bob, "two")
    for _ in range(260):                                 # interleaved across rooms
        room_id = rng.choice(list(rooms))
        client_id = rng.randrange(1, 2**63)
        alice.say(f"{room_id}:{client_id}", client_id=client_id, room_id=room_id)
        text = alice.wait_for(P.TEXT, skip=LIVE)[0]
        rooms[room_id].append(text.message_id)
    bob.sync()
    all_ids = sorted(i for ids in rooms.values() for i in ids)
    for _ in range(150):
        room_id = rng.choice(list(rooms))
        mode = rng.choice([P.HISTORY_LATEST, P.HISTORY_BEFORE, P.HISTORY_AFTER,
                           P.HISTORY_AROUND])
        anchor = 0 if mode == P.HISTORY_LATEST else rng.choice(
            all_ids + [0, 1, all_ids[-1] + 1, 2**63])
        limit = rng.choice([1, 2, 3, 7, 50, MAX_PAGE, MAX_PAGE + 1, 65535])
        page, end = history(alice, room_id, mode, anchor, limit)
        want, flags = model_page(rooms[room_id], mode, anchor, limit)
        assert [m.message_id for m in page] == want, (mode, anchor, limit)
        assert end.flags == flags, (mode, anchor, limit, end)
        assert all(m.room_id == room_id and m.text.startswith(f"{room_id}:") for m in page)
    two = list(rooms)[1]                                 # bob's room reads the same
    page, _ = history(bob, two, P.HISTORY_LATEST, 0, 5)
    assert [m.message_id for m in page] == rooms[two][-5:]
    refused(alice, P.HISTORY, P.E_HISTORY_INVALID, room_id=0, mode=9, limit=5, anchor=0)
    refused(alice, P.HISTORY, P.E_HISTORY_INVALID, room_id=0, mode=1, limit=0, anchor=0)


def test_history_of_a_room_you_are_not_in(server, account):
    alice, eve = people(account, server, "alice", "eve")
    secret, _ = create(alice, "secret", kind=P.ROOM_PRIVATE)
    public, _ = create(alice, "open")
    sent(alice, secret.room_id, ["private words"])
    sent(alice, public.room_id, ["public words"])
    missing = refused(eve, P.HISTORY, P.E_ROOM_UNKNOWN, room_id=secret.room_id,
                      mode=P.HISTORY_LATEST, limit=10, anchor=0)
    nowhere = refused(eve, P.HISTORY, P.E_ROOM_UNKNOWN, room_id=9999,
                      mode=P.HISTORY_LATEST, limit=10, anchor=0)
    assert missing.message.replace(str(secret.room_id), "N") == \
        nowhere.message.replace("9999", "N")             # not told apart
    refused(eve, P.RESUME, P.E_ROOM_UNKNOWN, room_id=secret.room_id, last_id=0)
    refused(eve, P.HISTORY, P.E_NOT_IN_ROOM, room_id=public.room_id,
            mode=P.HISTORY_LATEST, limit=10, anchor=0)
    for anchor in range(0, 8):
        refused(eve, P.HISTORY, P.E_ROOM_UNKNOWN, room_id=secret.room_id,
                mode=P.HISTORY_AROUND, limit=MAX_PAGE, anchor=anchor)
    eve.expect_quiet()


def test_a_resend_is_acknowledged_again_not_stored_twice(server, account, connect):
    alice, bob = people(account, server, "alice", "bob")
    txn = 0x5EED5EED5EED
    alice.say("only once", client_id=txn)
    first = alice.expect(P.TEXT, client_id=txn)
    bob.expect(P.TEXT, message_id=first.message_id)
    alice.say("only once", client_id=txn)                # the acknowledgement was "lost"
    again = alice.expect(P.TEXT, client_id=txn)
    assert vars(again) == vars(first)                    # the original's, field for field
    bob.expect_quiet()                                   # delivered once
    token = alice.session.token
    alice.close()                                        # and after a reconnect
    alice = connect(server)
    alice.token_login(token)
    alice.expect_session()
    alice.say("only once", client_id=txn)
    third = alice.expect(P.TEXT, client_id=txn)
    assert (third.message_id, third.time_ms, third.text) == \
        (first.message_id, first.time_ms, first.text)
    alice.say("a new text, same old id", client_id=txn)  # an old client's counter
    fresh = alice.expect(P.TEXT, client_id=txn)
    assert fresh.message_id > first.message_id
    bob.sync()                                           # alice's leaving and coming back
    page, _ = history(bob, P.ROOM_LOBBY, P.HISTORY_LATEST)
    assert [m.text for m in page] == ["only once", "a new text, same old id"]


def test_guests_read_the_lobby_and_are_never_deduplicated(server, user):
    guest = user(server, "guest")
    guest.say("same", client_id=1)
    first = guest.expect(P.TEXT, client_id=1)
    guest.say("same", client_id=1)
    second = guest.expect(P.TEXT, client_id=1)
    assert second.message_id > first.message_id
    page, end = history(guest, P.ROOM_LOBBY, P.HISTORY_LATEST, 0, 1)
    assert [m.message_id for m in page] == [second.message_id]
    assert end.flags == P.HISTORY_MORE_BEFORE


def test_resuming_many_large_rooms_is_paced_by_the_output_queue(server_factory, account):
    """Six rooms of 100 missed 7000-byte texts (4.2 MB) resumed in one write by a client
    that reads slowly, with a 1 MiB output queue: the server serves one page at a time
    as the queue drains (pages end near a quarter of the queue, with their gap), so the
    client is never dropped as too slow; paging the gaps then gives every text once."""
    server = server_factory("--no-limits", "--max-output-queue", "1048576")
    alice, bob = people(account, server, "alice", "bob")
    rooms = [create(alice, f"big{n}")[0].room_id for n in range(6)]
    for room_id in rooms:
        join(bob, f"big{rooms.index(room_id)}")
    token = bob.session.token
    bob.close()
    big = "z" * 7000
    stored = {room_id: [m.message_id for m in sent(alice, room_id, [big] * 100,
                                                  first_id=1 + 1000 * n)]
              for n, room_id in enumerate(rooms)}

    bob = RawClient(server.port, rcvbuf=16384, mss=1000)
    bob.token_login(token)
    bob.expect_session()
    for room_id in rooms:
        expect_state(bob, room_id)
    bob.send(b"".join(P.encode(P.RESUME, request_id=900 + n, room_id=room_id, last_id=0)
                      for n, room_id in enumerate(rooms)))
    for _ in range(2):     # two passes after bob's: his first answers met the queue bound
        alice.sync()
    answers = [collect(bob, 900 + n) for n in range(len(rooms))]
    for room_id, (gap, page, end, _) in zip(rooms, answers):
        got = [m.message_id for m in page]
        assert 0 < len(got) < 100 and got == stored[room_id][-len(got):]
        assert (gap.after_id, gap.before_id) == (0, got[0])
        while end.flags & P.HISTORY_MORE_BEFORE:          # the gap, paged backwards
            older, end = history(bob, room_id, P.HISTORY_BEFORE, got[0])
            got = [m.message_id for m in older] + got
        assert got == stored[room_id]
    assert not any("too slow" in line for line in server.log_lines())
