"""A reconnect's RESUME replay can come after live events about the messages it brings
(they reach the new connection from its login on): an edit, a reaction and a deletion of
messages the window has not got yet, and a reaction taken back whose adding only the
replay brings. Once the replay is in, each row shows what the events made of it: the
edited text with its "edited" mark, the reaction (and not the one taken back), and no row
for the deleted message. The same for an edit that comes before the page filling a gap. A
fake server plays the server's part in exactly those orders."""

import threading
import time

import chatproto as P
from chatgui import MESSAGE_NAME_RE, wait_until
from fakeserver import FakeServer

THUMBS_UP = "\U0001F44D"


def frame(ftype, **fields):
    return P.encode(ftype, room_id=0, **fields)


def text(message_id, body, now):
    return frame(P.TEXT, message_id=message_id, time_ms=now, sender_id=0, client_id=0,
                 sender="bob", text=body)


def bob_row(client, text_shown):
    """(description, labels) of bob's row showing text_shown, or None."""
    for name, description, labels in client.message_rows():
        match = MESSAGE_NAME_RE.match(name)
        if match.group(1) == "bob" and match.group(3) == text_shown:
            return description, labels
    return None


def test_live_events_before_the_replay_show_on_the_replayed_rows(client_factory):
    now = int(time.time() * 1000)
    connections = []
    replayed = threading.Event()

    def script(send):
        connections.append(send)
        if len(connections) == 1:       # the first login: one text, then the link drops
            send(text(1, "before", now))
            return True
        return False

    def reaction(event_id, message_id, added):
        return frame(P.REACTION, event_id=event_id, message_id=message_id, account_id=2,
                     added=added, name="bob", emoji=THUMBS_UP)

    # While alice was away: #2, #3 and #4, bob's reaction to #3 (event #5). Then, after
    # her login: the edit of #3 (#6), a reaction to #2 (#7), the deletion of #4 (#8), the
    # reaction to #3 taken back (#9).
    after_login = [
        frame(P.MESSAGE_EDITED, event_id=6, message_id=3, time_ms=now, actor="bob",
              text="three, edited"),
        reaction(7, 2, 1),
        frame(P.MESSAGE_DELETED, event_id=8, message_id=4, time_ms=now, actor="bob"),
        reaction(9, 3, 0),
    ]

    def answer(ftype, payload, send):
        if ftype != P.RESUME:
            return
        resume = P.decode_payload(P.RESUME, payload)
        for live in after_login:       # live first, between the login and the answer...
            send(live)
        # ...then the replay: the texts as stored now, the events themselves in order (a
        # deleted message only as its deletion), and its end.
        replay = [text(2, "two", now), text(3, "three, edited", now), reaction(5, 3, 1),
                  *after_login, text(10, "after", now)]
        for frame_bytes in replay:
            send(frame_bytes)
        end = P.encode_payload(P.HISTORY_END, request_id=resume.request_id, room_id=0,
                               flags=0, count=len(replay))
        send(P.header(len(end), P.HISTORY_END, 0) + end)
        replayed.set()

    server = FakeServer(script, users=[(2, "bob")], answer=answer)
    try:
        alice = client_factory(server.port, "alice")
        alice.wait_message("bob", "before")
        wait_until(replayed.is_set, "the reconnect's RESUME answered")
        alice.wait_message("bob", "after")

        description, labels = wait_until(lambda: bob_row(alice, "three, edited"),
                                          "bob's edited message")
        assert description.split(", ") == ["edited"], description  # no reaction left
        assert "edited" in labels, labels
        description, _ = wait_until(lambda: bob_row(alice, "two"), "bob's reacted message")
        assert f"reactions: {THUMBS_UP} 1" in description, description
        texts = [MESSAGE_NAME_RE.match(name).group(3) for name, _, _ in alice.message_rows()]
        assert texts == ["before", "two", "three, edited", "after"], texts
    finally:
        server.stop()


def test_a_live_edit_before_the_page_that_fills_a_gap_shows_on_its_row(client_factory):
    """The same for a gap: the edit of a message inside it comes live before the page
    (HISTORY AFTER) that brings the message, shown as it now is with its edit."""
    now = int(time.time() * 1000)
    paged = threading.Event()

    def script(send):
        send(text(1, "before", now))
        send(P.encode(P.RESUME_GAP, request_id=0, room_id=0, after_id=1, before_id=40))
        send(text(40, "after", now))

    def answer(ftype, payload, send):
        if ftype != P.HISTORY or paged.is_set():
            return
        request = P.decode_payload(P.HISTORY, payload)
        send(frame(P.MESSAGE_EDITED, event_id=41, message_id=20, time_ms=now, actor="bob",
                   text="twenty, edited"))
        send(text(20, "twenty, edited", now))
        send(frame(P.MESSAGE_EDITED, event_id=41, message_id=20, time_ms=now, actor="bob",
                   text="twenty, edited"))
        end = P.encode_payload(P.HISTORY_END, request_id=request.request_id, room_id=0,
                               flags=0, count=2)
        send(P.header(len(end), P.HISTORY_END, 0) + end)
        paged.set()

    server = FakeServer(script, users=[(2, "bob")], answer=answer)
    try:
        alice = client_factory(server.port, "alice")
        alice.wait_message("bob", "after")
        wait_until(paged.is_set, "the gap's page sent")
        description, labels = wait_until(lambda: bob_row(alice, "twenty, edited"),
                                          "bob's edited message from the gap")
        assert "edited" in description.split(", "), description
        assert "edited" in labels, labels
    finally:
        server.stop()
