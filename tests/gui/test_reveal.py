"""Bringing a message into view that is not loaded yet, in the real chat-client against
the real server: a reply's quote shows the original, a search match its message, and
"Jump to First Unread" (main menu, Shift+Page Up) the first message after where the
account stopped reading; each loads the older history pages it needs, then the message
has the keyboard focus."""

from chatgui import (KEY_DOWN, KEY_RETURN, PASSWORD, SHIFT_MASK, Atspi, do_action, find_all,
                     press_key, wait_until)
from test_message_actions import compose, expect_frame, row_of, search_for
import chatproto as P

KEY_PAGE_UP = 0xFF55
FILLERS = 120  # more than the first page a conversation loads (50)


def say_many(raw, prefix, count, first_client_id):
    for i in range(count):
        raw.say(f"{prefix} {i:03}", client_id=first_client_id + i)
    raw.sync()


def loaded(client, text):
    """TRUE when some row of the conversation (on screen or not) ends with text."""
    client.refresh()
    return any((row.get_name() or "").endswith(f": {text}")
               for row in find_all(client.app, role="list item", showing=False))


def wait_focused(client, sender, text):
    row = row_of(client, sender, text)
    wait_until(lambda: row.get_state_set().contains(Atspi.StateType.FOCUSED),
               f"the focus on {sender}'s {text!r}")
    # Scrolled to in a later frame than the focus moved.
    wait_until(lambda: row.get_state_set().contains(Atspi.StateType.SHOWING),
               f"{sender}'s {text!r} to be in view")


def test_a_quote_shows_the_original_loading_history(server, client_factory, raw_guest):
    bob = raw_guest(server, "bob")
    bob.say("the original question", client_id=1)
    original = expect_frame(bob, P.TEXT, "bob's question", client_id=1)
    say_many(bob, "filler", FILLERS, 2)
    bob.send_frame(P.REPLY_SEND, client_id=500, room_id=P.ROOM_LOBBY,
                   reply_to=original.message_id, text="and here is the answer")
    expect_frame(bob, P.TEXT, "bob's answer", client_id=500)

    alice = client_factory(server.port, "alice")
    alice.wait_message("bob", "and here is the answer")
    assert not loaded(alice, "the original question"), "the original starts unloaded"
    quote = wait_until(lambda: next((b for b in find_all(alice.app, role="push button")
                                     if (b.get_name() or "").startswith("\u21AA")), None),
                       "the quote of the answer")
    assert quote.get_name() == "\u21AA a reply to an earlier message", quote.get_name()
    do_action(quote, "click")
    wait_focused(alice, "bob", "the original question")
    # The original, loaded after its reply, is what the quote (now out of view) shows.
    wait_until(lambda: any(b.get_name() == "\u21AA bob: the original question"
                           for b in find_all(alice.app, role="push button", showing=False)),
               "the quote to show the original")


def test_a_search_match_outside_the_loaded_history(server, client_factory, raw_guest):
    bob = raw_guest(server, "bob")
    bob.say("a narwhal far back", client_id=1)
    say_many(bob, "filler", FILLERS, 2)
    alice = client_factory(server.port, "alice")
    alice.wait_message("bob", f"filler {FILLERS - 1:03}")
    assert not loaded(alice, "a narwhal far back")

    search_for(alice, "narwhal")
    results = alice.widget("list box", "Search results")
    match = wait_until(lambda: next((r for r in find_all(results, role="list item")
                                     if "narwhal" in (r.get_name() or "")), None),
                       "the narwhal in the results")
    press_key(KEY_DOWN)
    wait_until(lambda: match.get_state_set().contains(Atspi.StateType.FOCUSED),
               "the focus on the match")
    press_key(KEY_RETURN)
    wait_focused(alice, "bob", "a narwhal far back")


def test_jump_to_first_unread_on_another_device(server_factory, client_factory, raw_account):
    """alice reads bob's first text on one device; 120 more come; on a fresh device her
    marker comes with the login, and the jump loads pages back to it."""
    server = server_factory(guests=False)
    bob = raw_account(server, "bob")
    alice = client_factory(server.port, None, connect=False, name="alice-laptop")
    alice.fill_login("alice", PASSWORD, create=True)
    alice.wait_online()
    compose(alice)  # her window is active: she reads what arrives
    bob.say("read on the laptop", client_id=1)
    first = expect_frame(bob, P.TEXT, "bob's first text", client_id=1)
    alice.wait_message("bob", "read on the laptop")
    expect_frame(bob, P.RECEIPT, "alice's receipt", message_id=first.message_id, name="alice")
    alice.stop()
    say_many(bob, "unread", FILLERS, 2)

    desk = client_factory(server.port, None, connect=False, name="alice-desk")
    desk.fill_login("alice", PASSWORD)
    desk.wait_online()
    desk.wait_message("bob", f"unread {FILLERS - 1:03}")
    assert not loaded(desk, "unread 000")
    # The menu item, then (back at the newest message) the shortcut.
    do_action(desk.widget("toggle button", "Main menu"), "click")
    do_action(desk.widget("push button", "Jump to First Unread"), "click")
    wait_focused(desk, "bob", "unread 000")
    assert loaded(desk, "read on the laptop")
    names = [r.get_name() or "" for r in find_all(desk.app, showing=False)
             if r.get_role_name() in ("list item", "separator")]
    divider = names.index("New messages")
    assert names[divider - 1].endswith(": read on the laptop"), names[divider - 1:divider + 2]
    assert names[divider + 1].endswith(": unread 000"), names[divider - 1:divider + 2]

    newest = next(r for r in find_all(desk.app, role="list item", showing=False)
                  if (r.get_name() or "").endswith(f": unread {FILLERS - 1:03}"))
    Atspi.Component.grab_focus(newest)
    wait_until(lambda: newest.get_state_set().contains(Atspi.StateType.FOCUSED),
               "the focus on the newest message")
    press_key(KEY_PAGE_UP, SHIFT_MASK)
    wait_focused(desk, "bob", "unread 000")
