"""The live conversation against the real server (PROTOCOL.md 5.48): edits and deletions
(author, moderator, anyone else), replies, reactions, read markers and receipts (opt-out
included), typing notices under a flood; history and the database file after a
deletion."""

import time

import pytest

import chatproto as P
from chathistory import history, resume
from chatrooms import create, expect_state, join, people, refused, request
from chatstore import DB_NAME, query

LIVE = (P.ROOM_STATE, P.ROOM_MEMBERS, P.ROOM_PRESENCE, P.USER_LIST, P.USER_JOINED,
        P.USER_LEFT, P.WELCOME, P.SESSION, P.NOTICE, P.READ_MARKER, P.RECEIPT)
THUMBS = "\U0001F44D"


@pytest.fixture
def server(server_factory):
    """The tests ask faster than a person: 10 frames a second is too few."""
    return server_factory("--msg-limit", "5000:5000")


def team(account, server, *names):
    """Registers admin (the first account: an admin) and names, who all join the public
    room "team": (admin, [clients], room_id). Everyone is quiet afterwards."""
    admin, *members = people(account, server, "admin", *names)
    state, _ = create(members[0], "team")
    for n, client in enumerate(members[1:], 1):
        join(client, "team")
        for earlier in members[:n]:
            earlier.wait_for(P.ROOM_PRESENCE, skip=LIVE)
    return admin, members, state.room_id


def said(sender, room_id, text, client_id, *others):
    """sender's text, as every one of sender and others received it."""
    sender.say(text, client_id=client_id, room_id=room_id)
    frame = sender.wait_for(P.TEXT, skip=LIVE)[0]
    for other in others:
        other.wait_for(P.TEXT, skip=LIVE)
    return frame


def changed(actor, ftype, done_type, others, **fields):
    """actor's request answered: the event frame (ftype) to actor and others, then DONE to
    actor. Returns actor's copy."""
    request_id = request(actor, done_type, **fields)
    event = actor.wait_for(ftype, skip=LIVE)[0]
    actor.expect(P.DONE, request_id=request_id, request_type=done_type)
    for other in others:
        assert other.wait_for(ftype, skip=LIVE)[0].fields == event.fields
    return event


def test_edits_and_deletes_by_author_and_moderator_only(server, account):
    admin, (alice, bob, carol), room = team(account, server, "alice", "bob", "carol")
    first = said(alice, room, "hello wrold", 1, bob, carol)
    refused(bob, P.EDIT, P.E_NOT_AUTHOR, message_id=first.message_id, text="mine now")
    refused(bob, P.DELETE, P.E_NOT_AUTHOR, message_id=first.message_id)
    refused(admin, P.DELETE, P.E_MESSAGE_UNKNOWN, message_id=first.message_id)  # not in it
    refused(alice, P.EDIT, P.E_MESSAGE_UNKNOWN, message_id=first.message_id + 1000, text="x")
    refused(alice, P.EDIT, P.E_TEXT_INVALID, message_id=first.message_id, text=" ")

    edit = changed(alice, P.MESSAGE_EDITED, P.EDIT, [bob, carol],
                   message_id=first.message_id, text="hello world")
    assert (edit.actor, edit.room_id, edit.text) == ("alice", room, "hello world")
    assert edit.event_id > first.message_id

    secret = said(alice, room, "the secret plan", 2, bob, carol)
    request_id = request(admin, P.MODERATE, action=P.MOD_ROLE, value=P.ROLE_MODERATOR,
                         target="bob", reason="")
    admin.wait_for(P.DONE, skip=LIVE)
    gone = changed(bob, P.MESSAGE_DELETED, P.DELETE, [alice, carol],
                   message_id=secret.message_id)              # a moderator deletes any
    assert (gone.actor, gone.message_id) == ("bob", secret.message_id)
    refused(alice, P.EDIT, P.E_MESSAGE_DELETED, message_id=secret.message_id, text="again")
    changed(alice, P.MESSAGE_DELETED, P.DELETE, [bob, carol], message_id=first.message_id)
    assert request_id

    page, _ = history(carol, room, P.HISTORY_LATEST)
    assert page == []                                     # both deleted: no text is left
    _, page, _, notes = resume(carol, room, 0)
    assert [n.type for n in notes if n.type != P.MESSAGE_EDITED] == [P.MESSAGE_DELETED] * 2
    assert all("secret" not in getattr(n, "text", "") for n in notes)
    rows = query(server.workdir, "SELECT kind, body FROM messages WHERE room_id = ?", room)
    assert not [r for r in rows if r[1] and ("secret" in r[1] or "world" in r[1])]
    assert sorted(kind for kind, _ in rows) == [1, 1, 3, 4, 4]
    server.stop()
    for path in server.workdir.glob(DB_NAME + "*"):        # the file itself, and any WAL
        assert b"the secret plan" not in path.read_bytes(), path


def test_history_shows_the_latest_text_and_the_edited_flag(server, account):
    _, (alice, bob), room = team(account, server, "alice", "bob")
    first = said(alice, room, "draft", 1, bob)
    changed(alice, P.MESSAGE_EDITED, P.EDIT, [bob], message_id=first.message_id, text="v2")
    edit = changed(alice, P.MESSAGE_EDITED, P.EDIT, [bob], message_id=first.message_id,
                   text="final")
    page, end = history(bob, room, P.HISTORY_LATEST)
    assert [m.text for m in page] == ["final"] and end.count == 2
    _, _, _, notes = resume(bob, room, edit.event_id - 1)  # only the last edit replayed
    assert [(n.type, n.text, n.event_id) for n in notes] == [
        (P.MESSAGE_EDITED, "final", edit.event_id)]


def test_replies_and_reactions(server, account):
    _, (alice, bob), room = team(account, server, "alice", "bob")
    other, _ = create(alice, "elsewhere")
    first = said(alice, room, "lunch?", 1, bob)
    elsewhere = said(alice, other.room_id, "not here", 2)
    bob.send_frame(P.REPLY_SEND, client_id=7, room_id=room, reply_to=first.message_id,
                   text="yes")
    for client in (bob, alice):
        note = client.wait_for(P.REPLY_TO, skip=LIVE)[0]
        reply = client.expect(P.TEXT, message_id=note.message_id, text="yes")
        assert note.reply_to == first.message_id and note.room_id == room
    assert reply.client_id == 7
    bob.send_frame(P.REPLY_SEND, client_id=7, room_id=room, reply_to=first.message_id,
                   text="yes")                            # a resend: acknowledged again
    bob.expect(P.REPLY_TO, message_id=reply.message_id, reply_to=first.message_id)
    bob.expect(P.TEXT, message_id=reply.message_id, client_id=7)
    assert alice.sync() == []                             # and not delivered twice
    for reply_to in (elsewhere.message_id, first.message_id + 1000):
        bob.send_frame(P.REPLY_SEND, client_id=8, room_id=room, reply_to=reply_to, text="no")
        bob.expect_error(P.E_MESSAGE_UNKNOWN, P.REPLY_SEND, 8)

    added = changed(bob, P.REACTION, P.REACT, [alice], message_id=first.message_id,
                    emoji=THUMBS)
    assert (added.added, added.name, added.emoji) == (1, "bob", THUMBS)
    changed(alice, P.REACTION, P.REACT, [bob], message_id=first.message_id, emoji=THUMBS)
    back = changed(bob, P.REACTION, P.REACT, [alice], message_id=first.message_id,
                   emoji=THUMBS)
    assert back.added == 0                                  # the same again: taken back
    for emoji in ("\U0001F1EB\U0001F1F7", "1\ufe0f\u20e3", "\u2764\ufe0f",
                  "\U0001F469\u200d\U0001F4BB", "\U0001F44D\U0001F3FD"):
        changed(bob, P.REACTION, P.REACT, [alice], message_id=first.message_id, emoji=emoji)
    for bad in ("a", THUMBS * 2, " " + THUMBS, "\u200d", "1", ""):
        refused(bob, P.REACT, P.E_EMOJI_INVALID, message_id=first.message_id, emoji=bad)
    refused(bob, P.REACT, P.E_MESSAGE_UNKNOWN, message_id=elsewhere.message_id, emoji=THUMBS)

    page, end = history(bob, room, P.HISTORY_LATEST)
    _, _, _, notes = resume(bob, room, 0)
    assert [m.text for m in page] == ["lunch?", "yes"] and end.count == 2 + 1 + 6
    request_id = 77
    bob.send_frame(P.HISTORY, request_id=request_id, room_id=room, mode=P.HISTORY_LATEST,
                   limit=10, anchor=0)
    frames = [bob.recv() for _ in range(end.count)]
    assert [f.type for f in frames[:7]] == [P.TEXT] + [P.REACTION] * 6
    assert [(f.name, f.added, f.event_id) for f in frames[1:7]][0] == ("alice", 1, 0)
    assert [f.type for f in frames[7:]] == [P.REPLY_TO, P.TEXT]
    bob.expect(P.HISTORY_END, request_id=request_id)
    assert sum(1 for n in notes if n.type == P.REACTION) == 8   # every event replayed


def test_reactions_per_message_are_bounded(server, account):
    _, (alice,), room = team(account, server, "alice")
    first = said(alice, room, "vote", 1)
    faces = [chr(0x1F600 + n) for n in range(21)]
    for face in faces[:20]:
        changed(alice, P.REACTION, P.REACT, [], message_id=first.message_id, emoji=face)
    refused(alice, P.REACT, P.E_TOO_MANY_REACTIONS, message_id=first.message_id,
            emoji=faces[20])


def read_mark(client, room, message_id):
    """READ_MARK answered by READ_MARKER: where the marker now is."""
    request(client, P.READ_MARK, room_id=room, message_id=message_id)
    return client.wait_for(P.READ_MARKER, skip=LIVE[:-2])[0].message_id


def test_read_markers_move_forward_and_are_shared(server_factory, account, connect):
    server = server_factory("--msg-limit", "5000:5000")
    _, (alice, bob), room = team(account, server, "alice", "bob")
    ids = [said(alice, room, f"m{n}", n + 1, bob).message_id for n in range(3)]
    assert read_mark(bob, room, ids[1]) == ids[1]
    alice.expect(P.RECEIPT, room_id=room, message_id=ids[1], account_id=bob.session.account_id,
                 count=0, name="bob")
    assert read_mark(bob, room, ids[0]) == ids[1]            # never back
    alice.expect_quiet()                                     # and nothing to tell
    refused(bob, P.READ_MARK, P.E_MESSAGE_UNKNOWN, room_id=P.ROOM_LOBBY, message_id=ids[2])

    second = connect(server)                                 # bob's other device
    second.token_login(bob.session.token)
    second.expect_session()
    expect_state(second, room)
    marker = second.wait_for(P.READ_MARKER, skip=LIVE[:-2])[0]
    assert (marker.room_id, marker.message_id) == (room, ids[1])
    assert read_mark(alice, room, ids[2]) == ids[2]
    second.wait_for(P.RECEIPT, skip=LIVE[:-1])

    server.stop()                                            # a restart keeps them
    server = server_factory("--msg-limit", "5000:5000", workdir=server.workdir)
    third = connect(server)
    third.token_login(bob.session.token)
    third.expect_session()
    expect_state(third, room)
    markers = {}
    receipts = {}
    for frame in third.sync():
        if frame.type == P.READ_MARKER:
            markers[frame.room_id] = frame.message_id
        elif frame.type == P.RECEIPT:
            receipts[frame.name] = frame.message_id
    assert markers == {room: ids[1]} and receipts == {"alice": ids[2]}


def test_receipts_opt_out_sends_none_and_shows_none(server, account):
    _, (alice, bob, carol), room = team(account, server, "alice", "bob", "carol")
    ids = [said(alice, room, f"m{n}", n + 1, bob, carol).message_id for n in range(2)]
    request_id = request(carol, P.RECEIPTS_SET, enabled=0)
    carol.expect(P.DONE, request_id=request_id, request_type=P.RECEIPTS_SET)
    read_mark(bob, room, ids[0])
    alice.expect(P.RECEIPT, name="bob", message_id=ids[0])
    assert read_mark(carol, room, ids[1]) == ids[1]          # carol's own marker moves
    assert carol.sync() == [] and alice.sync() == [] and bob.sync() == []
    carol.close()
    rows = query(server.workdir, "SELECT receipts_off FROM accounts WHERE name = 'carol'")
    assert rows == [(1,)]


def test_large_rooms_get_counts(server, account, user):
    alice, bob = people(account, server, "alice", "bob")
    guests = [user(server, f"guest{n}") for n in range(20)]   # 22 online in the lobby
    alice.sync(), bob.sync()
    ids = [said(alice, P.ROOM_LOBBY, f"all {n}", n + 1, bob).message_id for n in range(3)]
    for message_id in ids:                                # three marks at once...
        read_mark(bob, P.ROOM_LOBBY, message_id)
    receipt = alice.wait_for(P.RECEIPT, skip=LIVE[:-1] + (P.TEXT,))[0]
    assert (receipt.account_id, receipt.name, receipt.count) == (0, "", 1)
    assert receipt.message_id == ids[0]
    later = alice.wait_for(P.RECEIPT, skip=LIVE[:-1] + (P.TEXT,))[0]  # ...two counts
    assert (later.message_id, later.count) == (ids[2], 1)             # the latest, once
    assert read_mark(alice, P.ROOM_LOBBY, ids[2]) == ids[2]
    bob.wait_for(P.RECEIPT, skip=LIVE[:-1] + (P.TEXT,))               # a second later
    final = bob.wait_for(P.RECEIPT, skip=LIVE[:-1] + (P.TEXT,))[0]
    assert (final.message_id, final.count) == (ids[2], 2)
    guests[-1].sync()
    refused(guests[-1], P.READ_MARK, P.E_NOT_ALLOWED, room_id=0, message_id=ids[0])


def test_typing_flood_is_relayed_once_per_3s_and_never_drops(server_factory, account):
    server = server_factory("--msg-limit", "5:20", "--flood-grace", "1")
    _, (alice, bob), room = team(account, server, "alice", "bob")
    seen = []
    start = time.monotonic()
    while time.monotonic() - start < 6.5:                     # 20 a second for 6.5 s
        alice.send_frame(P.TYPING_SET, room_id=room, state=P.TYPING_ACTIVE)
        while (frame := bob.poll()) is not None:
            assert frame.type == P.TYPING, repr(frame)
            seen.append(frame)
        time.sleep(0.05)
    # Whatever the load, nothing was relayed before the first send, and the server
    # relays at most one per 3 s: within 6.5 s that is at most 3 of the 130.
    assert 1 <= len(seen) <= 3, seen
    assert all(f.name == "alice" and f.room_id == room and f.state == P.TYPING_ACTIVE
               for f in seen)
    alice.say("still here", client_id=1, room_id=room)        # not dropped for flooding
    bob.expect(P.TEXT, text="still here")
    alice.send_frame(P.TYPING_SET, room_id=room, state=9)
    alice.wait_for(P.ERROR, skip=(P.TEXT,))
