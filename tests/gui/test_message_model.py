"""Bubbles follow their message (ChatMessage in the client core) as the server changes it:
an own text turns from sending to sent and, once bob has read it, to read (two ticks);
bob's edit rewrites his bubble and marks it edited; his reaction appears under alice's
bubble; his reply quotes her text; his deletion leaves "Message deleted". Bob is a raw
client on the real server; alice's window is read through AT-SPI, as a screen reader
would, and photographed."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chatgui import REPO, wait_until  # noqa: E402
from chatclient import RawClient  # noqa: E402
import chatproto as P  # noqa: E402
from chatrooms import request  # noqa: E402
from chatserver import paused  # noqa: E402

PASSWORD = "correct horse battery"
THUMBS = "\U0001F44D"
ARTIFACTS = REPO / "tests" / "artifacts"


def next_frame(client, ftype):
    """The next frame of ftype bob receives (presence, receipts and the like between are
    not what this test is about)."""
    while True:
        frame = client.recv()
        if frame.type == ftype:
            return frame


def row_of(client, sender, text):
    """(name, description, labels) of sender's bubble whose name ends with text."""
    return next((row for row in client.message_rows()
                 if row[0].startswith(f"{sender}, ") and row[0].endswith(f": {text}")), None)


def wait_row(client, sender, text, what, check=lambda row: True):
    return wait_until(lambda: (row := row_of(client, sender, text)) and check(row) and row,
                      f"{client}: {sender}'s bubble {text!r} {what}")


def test_bubbles_follow_their_messages(server_factory, client_factory):
    server = server_factory(guests=False)
    alice = client_factory(server.port, None, connect=False, name="alice")
    alice.fill_login("alice", PASSWORD, create=True)
    alice.wait_online()
    bob = RawClient(server.port)
    bob.register("bob", PASSWORD)
    bob.expect_session()
    alice.wait_online(users=2)

    # Pending while the server cannot answer, sent once it does.
    with paused(server):
        alice.send_message("lunch at noon?")
        wait_row(alice, "alice", "lunch at noon?", "sending", lambda r: r[1] == "sending")
    # (The ticks are for the eye: screen readers hear the state in words.)
    wait_row(alice, "alice", "lunch at noon?", "sent", lambda r: r[1] == "sent")
    mine = next_frame(bob, P.TEXT)
    assert mine.text == "lunch at noon?"

    # Bob reads the lobby up to it: two ticks, and "read by bob" in words.
    bob.send_frame(P.READ_MARK, request_id=1, room_id=P.ROOM_LOBBY, message_id=mine.message_id)
    wait_row(alice, "alice", "lunch at noon?", "read", lambda r: r[1] == "read by bob")

    # Bob's text, then his edit of it.
    bob.say("see you at noon", client_id=11)
    his = next_frame(bob, P.TEXT)
    alice.wait_message("bob", "see you at noon")
    request(bob, P.EDIT, message_id=his.message_id, text="see you at one")
    name, description, labels = wait_row(alice, "bob", "see you at one", "edited",
                                         lambda r: "edited" in r[1].split(", "))
    assert "see you at one" in labels and "edited" in labels
    assert row_of(alice, "bob", "see you at noon") is None, "one bubble, rewritten"

    # Bob reacts to alice's text: the emoji and its count under her bubble.
    request(bob, P.REACT, message_id=mine.message_id, emoji=THUMBS)
    wait_row(alice, "alice", "lunch at noon?", "with bob's reaction",
             lambda r: r[1] == f"read by bob, reactions: {THUMBS} 1 (bob)")

    # Bob's reply quotes alice's text above his (a button that shows it).
    bob.send_frame(P.REPLY_SEND, client_id=12, room_id=P.ROOM_LOBBY,
                   reply_to=mine.message_id, text="sounds good")
    wait_row(alice, "bob", "sounds good", "as a reply")
    alice.widget("push button", "\u21AA alice: lunch at noon?")

    alice.screenshot(ARTIFACTS / "message-model.png")

    # Bob deletes his edited text: the bubble stays and says so.
    request(bob, P.DELETE, message_id=his.message_id)
    name, description, labels = wait_row(alice, "bob", "Message deleted", "deleted")
    assert "see you at one" not in labels and "edited" not in labels
    bob.close()
