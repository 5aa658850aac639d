"""History in the real chat-client, through AT-SPI: a conversation loads older messages
as the reader scrolls up (a real server with 120 messages already sent), in order, under
date separators; messages of other days are headed "Yesterday" and the date, and
messages missed while away that are not loaded yet show as a row that says so (a fake
server sends the days and the gap, and never answers the requests for them); a gap the
real server lets the client fill leaves every message once, in order, and no gap row."""

import time

from chatgui import MESSAGE_NAME_RE, Atspi, find_all, find_one, press_key, text_of, wait_until
from chatclient import RawClient
from fakeserver import FakeServer
import chatproto as P

KEY_HOME = 0xFF50
DAY_MS = 24 * 3600 * 1000


def shown_texts(client, prefix):
    """Texts of the conversation's messages (on screen or scrolled away) that start with
    prefix, top to bottom."""
    conversation = client.find(role="list box", name="Messages")
    texts = []
    for row in find_all(conversation, role="list item", showing=False):
        match = MESSAGE_NAME_RE.match(row.get_name() or "")
        if match and match.group(3).startswith(prefix):
            texts.append(match.group(3))
    return texts


def test_scrolling_up_loads_older_messages_in_order(server, client_factory):
    bob = RawClient(server.port)
    bob.login("bob")
    for i in range(120):
        bob.say(f"old {i:03}", i + 1)
    bob.sync()
    alice = client_factory(server.port, "alice")
    alice.wait_online(users=2)
    # The lobby is empty on screen: it asks for the newest page at once.
    alice.wait_message("bob", "old 119")
    assert alice.find(role="heading", text="Today", showing=False), "a date separator"
    first_page = shown_texts(alice, "old ")
    assert "old 000" not in first_page and first_page == sorted(first_page)

    # At the top, the next page goes in above and the reader still sees the message
    # that was at the top before (the view keeps its place).
    top = first_page[0]
    conversation = alice.find(role="list box", name="Messages")
    row = next(r for r in find_all(conversation, role="list item", showing=False)
               if (r.get_name() or "").endswith(f": {top}"))
    Atspi.Component.grab_focus(row)
    press_key(KEY_HOME)
    wait_until(lambda: len(shown_texts(alice, "old ")) > len(first_page), "a second page")
    wait_until(lambda: find_one(alice.find(role="list box", name="Messages"), role="list item",
                                name=row.get_name()), f"{top} still in view")

    # Home in the conversation reaches its top, where older messages are asked for.
    def reached_the_start():
        texts = shown_texts(alice, "old ")
        if "old 000" in texts:
            return texts
        rows = [r for r in find_all(alice.app, role="list item")
                if (r.get_name() or "").startswith("bob, ")]
        if rows:
            Atspi.Component.grab_focus(rows[0])
            press_key(KEY_HOME)
        time.sleep(0.2)
        return None
    texts = wait_until(reached_the_start, "the oldest message after scrolling up")
    assert texts == [f"old {i:03}" for i in range(120)], "each once, in order"
    bob.close()


def test_days_and_a_gap_not_yet_loaded_are_shown(client_factory):
    now = int(time.time() * 1000)

    def text(message_id, time_ms, body):
        return P.encode(P.TEXT, message_id=message_id, time_ms=time_ms, room_id=0,
                        sender_id=2, client_id=0, sender="bob", text=body)

    def script(send):
        send(text(1, now - 3 * DAY_MS, "three days ago"))
        send(text(2, now - DAY_MS, "yesterday"))
        send(P.encode(P.RESUME_GAP, request_id=0, room_id=0, after_id=2, before_id=40))
        send(text(40, now, "today"))

    server = FakeServer(script, users=[(2, "bob")])
    try:
        alice = client_factory(server.port, "alice")
        alice.wait_message("bob", "today")
        alice.refresh()
        headings = [text_of(h) for h in find_all(alice.app, role="heading")]
        three_days_ago = time.strftime("%x", time.localtime((now - 3 * DAY_MS) / 1000))
        assert headings == [three_days_ago, "Yesterday", "Today"], headings
        gap = alice.wait_for("the gap row", role="list item",
                             name="Messages from while you were away are missing here.")
        button = find_one(gap, role="push button", name="Load Them")
        assert button is not None
        # Rows in order: the two old days, the gap, today.
        conversation = alice.find(role="list box", name="Messages")
        names = [r.get_name() for r in find_all(conversation, role="list item")
                 if r.get_name() and ("bob, " in r.get_name() or "missing" in r.get_name())]
        assert [n.split(": ", 1)[-1] for n in names] == [
            "three days ago", "yesterday",
            "Messages from while you were away are missing here.", "today"], names
        # Asking again goes to the server (which never answers): the row stays.
        asked = server.received.count(P.HISTORY)
        Atspi.Action.do_action(button, 0)
        wait_until(lambda: server.received.count(P.HISTORY) > asked,
                   "the request for the gap at the server")
        assert alice.find(role="list item",
                          name="Messages from while you were away are missing here.")
    finally:
        server.stop()


def test_a_gap_is_filled_and_its_row_goes(server, client_factory):
    """More was missed than the server replays at once (130 texts, 100 replayed): the
    client fills the gap, every text shows once in order, and no gap row is left."""
    bob = RawClient(server.port)
    bob.login("bob")
    alice = client_factory(server.port, "alice", name="alice")
    alice.wait_online(users=2)
    bob.say("before", 1)
    alice.wait_message("bob", "before")  # alice's client now holds the lobby's mark
    alice.stop()
    for i in range(130):
        bob.say(f"missed {i:03}", i + 2)
    bob.sync()
    alice = client_factory(server.port, "alice", name="alice")
    expected = [f"missed {i:03}" for i in range(130)]
    wait_until(lambda: shown_texts(alice, "missed ") == expected,
               "the 130 missed texts, each once, in order")
    wait_until(lambda: alice.find(role="list item", showing=False,
                                  name="Messages from while you were away are missing here.")
               is None, "no gap row left")
    bob.close()
