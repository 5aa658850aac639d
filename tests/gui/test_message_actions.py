"""The live conversation in the real chat-client, through AT-SPI, against the real
server with a raw protocol client on the other side: our own away state after idle
time (and back on the next key press), and the actions on a message (edit, reply,
react, delete, copy) from its menu and from the keyboard, each seen by the other
client on the wire."""

import re
import time

from chatgui import (CONTROL_MASK, KEY_DOWN, KEY_ESCAPE, KEY_MENU, KEY_RETURN, KEY_TAB, KEY_UP,
                     MESSAGE_NAME_RE, REPO, TIMEOUT, Atspi, do_action, find_all, find_one,
                     gui_account, press_key, text_of, type_text, wait_until)
import chatproto as P

ARTIFACTS = REPO / "tests" / "artifacts"


def next_frame(raw, predicate, what, timeout=TIMEOUT):
    """Reads raw's frames until one satisfies predicate (others are passed over);
    returns it."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        assert left > 0, f"no frame {what}"
        frame = raw.recv(left)
        if predicate(frame):
            return frame


def user_id(raw, name):
    """The connection id of name in raw's view of the lobby (its list, then joins)."""
    for uid, who in raw.users:
        if who == name:
            return uid
    joined = next_frame(raw, lambda f: f.type == P.USER_JOINED and
                        any(who == name for _, who in f.users), f"{name} joined")
    return next(uid for uid, who in joined.users if who == name)


def presence_of(uid, state):
    return lambda f: (f.type == P.PRESENCE_STATE and f.state == state and
                      any(u == uid for u, _ in f.users))


def test_idle_window_goes_away_and_comes_back(server, client_factory, raw_guest):
    alice = client_factory(server.port, "alice", env={"CHAT_CLIENT_IDLE_SECONDS": "2"})
    alice.wait_online()
    bob = raw_guest(server, "bob")
    uid = user_id(bob, "alice")
    # Nobody touches alice's window: after two seconds she shows as away.
    next_frame(bob, presence_of(uid, P.PRESENCE_AWAY), "saying alice is away")
    # A key press in her window brings her back at once.
    press_key(KEY_ESCAPE)
    next_frame(bob, presence_of(uid, P.PRESENCE_ACTIVE), "saying alice is back")
    alice.wait_online()


def row_of(client, sender, text):
    """The conversation row of sender's text."""
    def find():
        client.refresh()
        for row in find_all(client.app, role="list item"):
            match = MESSAGE_NAME_RE.match(row.get_name() or "")
            if match and match.group(1) == sender and match.group(3) == text:
                return row
        return None
    return wait_until(find, f"{client}: {sender}'s row {text!r}")


def open_menu(client, row):
    """Focuses row and opens its actions with the Menu key; returns the item names."""
    Atspi.Component.grab_focus(row)
    wait_until(lambda: row.get_state_set().contains(Atspi.StateType.FOCUSED), "the row's focus")
    press_key(KEY_MENU)
    client.wait_for("the actions menu", role="push button", name="Reply")
    client.refresh()
    return {b.get_name() for b in find_all(client.app, role="push button")}


def close_menu(client):
    press_key(KEY_ESCAPE)
    wait_until(lambda: client.find(role="push button", name="Reply") is None,
               "the actions menu to close")


def compose(client, text=None):
    """The message box, focused; its contents replaced with text when given."""
    box = client.widget("text", "Message")
    if text is not None:
        Atspi.EditableText.set_text_contents(box, text)
    Atspi.Component.grab_focus(box)
    wait_until(lambda: box.get_state_set().contains(Atspi.StateType.FOCUSED),
               "the message box to have focus")
    return box


def expect_frame(raw, ftype, what, **fields):
    """The next frame of ftype whose fields match (others are passed over)."""
    return next_frame(raw, lambda f: f.type == ftype and
                      all(getattr(f, k) == v for k, v in fields.items()), what)


def test_edit_reply_react_delete(server_factory, client_factory, raw_account):
    server = server_factory(guests=False)
    bob = raw_account(server, "bob")  # the first account: the admin; alice is a member
    alice = gui_account(client_factory, server, "alice")

    alice.send_message("helo wrold")
    first = expect_frame(bob, P.TEXT, "alice's text", text="helo wrold")
    wait_until(lambda: any(d == "sent" for n, d, l in alice.message_rows()
                           if "helo wrold" in l), "alice's text to be acknowledged")

    # Up in the empty box edits her last text: the bar says so, the box holds it.
    box = compose(alice)
    press_key(KEY_UP)
    alice.wait_line("Editing your message")
    wait_until(lambda: text_of(box) == "helo wrold", "the text to edit in the box")
    Atspi.EditableText.set_text_contents(box, "hello world")
    press_key(KEY_RETURN)
    expect_frame(bob, P.MESSAGE_EDITED, "the edit", message_id=first.message_id,
                 text="hello world")
    wait_until(lambda: alice.find(role="label", text="Editing your message") is None,
               "the editing bar to go")
    wait_until(lambda: text_of(box) == "", "the message box to clear")

    # bob's text: a member may reply and react, not edit or delete it.
    bob.say("lunch at noon?", client_id=7)
    lunch = expect_frame(bob, P.TEXT, "bob's own text", client_id=7)
    row = row_of(alice, "bob", "lunch at noon?")
    items = open_menu(alice, row)
    assert {"Copy Text", "Reply", "React"} <= items, items
    assert not {"Edit", "Delete…"} & items, items
    alice.click("Reply")
    alice.wait_line("Replying to \u2068bob\u2069: lunch at noon?")
    compose(alice, "yes, at the usual place")
    press_key(KEY_RETURN)
    expect_frame(bob, P.REPLY_TO, "the reply's REPLY_TO", reply_to=lunch.message_id)
    reply = expect_frame(bob, P.TEXT, "the reply", text="yes, at the usual place")

    # React: the submenu's Thumbs up reaches bob as a reaction of alice's.
    open_menu(alice, row_of(alice, "bob", "lunch at noon?"))
    alice.click("React")
    alice.click("\U0001F44D Thumbs up")
    expect_frame(bob, P.REACTION, "alice's reaction", message_id=lunch.message_id,
                 emoji="\U0001F44D", added=1)

    # R on a focused row replies too; Escape in the box cancels.
    row = row_of(alice, "bob", "lunch at noon?")
    Atspi.Component.grab_focus(row)
    wait_until(lambda: row.get_state_set().contains(Atspi.StateType.FOCUSED), "the row's focus")
    press_key(ord("r"))
    alice.wait_line("Replying to \u2068bob\u2069")
    press_key(KEY_ESCAPE)
    wait_until(lambda: alice.find(role="label", text="Replying to \u2068bob\u2069: "
                                  "lunch at noon?") is None, "the reply bar to go")

    # Delete her reply (after a confirmation) while editing it: the late edit is
    # refused by the server, in words.
    compose(alice)
    press_key(KEY_UP)
    alice.wait_line("Editing your message")
    wait_until(lambda: text_of(box) == "yes, at the usual place", "the reply to edit")
    Atspi.EditableText.set_text_contents(box, "yes, at noon")
    items = open_menu(alice, row_of(alice, "alice", "yes, at the usual place"))
    assert {"Edit", "Delete…", "Reply", "React"} <= items, items
    alice.click("Delete…")
    question = alice.wait_for("the confirmation", role="label", text="Delete this message?")
    dialog = question.get_parent()
    while dialog.get_role_name() not in ("dialog", "alert"):
        dialog = dialog.get_parent()
    assert dialog.get_name() == "Delete Message", dialog.get_name()
    do_action(find_one(dialog, role="push button", name="Delete"), "click")
    expect_frame(bob, P.MESSAGE_DELETED, "the deletion", message_id=reply.message_id)
    compose(alice)
    press_key(KEY_RETURN)
    alice.wait_line("Not done: ")


def test_typing_both_ways_and_the_opt_out(server, client_factory, raw_guest):
    alice = client_factory(server.port, "alice")
    alice.wait_online()
    bob = raw_guest(server, "bob")
    # Turned off in Preferences (and kept) before she ever typed: her text comes
    # without a notice (the first one would be relayed at once).
    alice.set_preference("check box", "Let others see when I am typing", False)
    settings = (alice.workdir / "config" / "settings.ini").read_text()
    assert "send_typing=false" in settings, settings
    compose(alice)
    type_text("quiet")
    press_key(KEY_RETURN)
    text = next_frame(bob, lambda f: f.type in (P.TYPING, P.TEXT) and
                      getattr(f, "name", getattr(f, "sender", None)) == "alice",
                      "alice's text")
    assert text.type == P.TEXT and text.text == "quiet", text

    # On again: bob hears her type, then (five seconds without a key) pause.
    alice.set_preference("check box", "Let others see when I am typing", True)
    compose(alice)
    type_text("hel")
    expect_frame(bob, P.TYPING, "alice typing", name="alice", state=P.TYPING_ACTIVE)
    expect_frame(bob, P.TYPING, "alice pausing", name="alice", state=P.TYPING_PAUSED)

    # bob types: the line under alice's conversation says so until his text comes.
    bob.send_frame(P.TYPING_SET, room_id=P.ROOM_LOBBY, state=P.TYPING_ACTIVE)
    alice.wait_line("bob is typing\u2026")
    bob.say("here I am", client_id=1)
    alice.wait_message("bob", "here I am")
    wait_until(lambda: alice.find(role="label", text="bob is typing\u2026") is None,
               "the typing line to clear with bob's text")


def search_for(client, text):
    """Ctrl+F, then text typed into the search bar and Enter; the search entry."""
    press_key(ord("f"), CONTROL_MASK)
    entry = client.widget("text", "Search messages")
    wait_until(lambda: entry.get_state_set().contains(Atspi.StateType.FOCUSED),
               "the search entry to have focus")
    type_text(text)
    press_key(KEY_RETURN)
    return entry


def test_ctrl_f_finds_a_message_and_jumps_to_it(server, client_factory, raw_guest):
    alice = client_factory(server.port, "alice")
    alice.wait_online()
    bob = raw_guest(server, "bob")
    bob.say("the blue whale <b>sings</b> at dawn", client_id=1)
    for i in range(30):  # enough to push the whale out of view
        bob.say(f"filler line {i}", client_id=2 + i)
    alice.wait_message("bob", "filler line 29")

    entry = search_for(alice, "zebra")
    alice.wait_for("no match", role="list item", name="No messages found.")

    Atspi.EditableText.set_text_contents(entry, "whale")
    press_key(KEY_RETURN)
    results = alice.widget("list box", "Search results")
    match = wait_until(lambda: next((r for r in find_all(results, role="list item")
                                     if "whale" in (r.get_name() or "")), None),
                       "the whale in the results")
    assert re.fullmatch(r"\u2068bob\u2069 in Lobby, Today \d\d:\d\d: "
                        r"the blue whale <b>sings</b> at dawn", match.get_name()), \
        match.get_name()
    # The text from the network is shown literally: its tags are text, not markup.
    shown = [text_of(n) for n in find_all(match, role="label")]
    assert "the blue whale <b>sings</b> at dawn" in shown, shown
    alice.screenshot(ARTIFACTS / "search-results.png")

    # Down from the entry to the match, Enter on it.
    press_key(KEY_DOWN)
    wait_until(lambda: match.get_state_set().contains(Atspi.StateType.FOCUSED),
               "the focus on the match")
    press_key(KEY_RETURN)
    wait_until(lambda: alice.find(role="text", name="Search messages") is None,
               "the search bar to close")
    row = row_of(alice, "bob", "the blue whale <b>sings</b> at dawn")
    wait_until(lambda: row.get_state_set().contains(Atspi.StateType.FOCUSED),
               "the focus on the message found")


def test_at_completion_and_mentions_stand_out(server, client_factory, raw_guest):
    alice = client_factory(server.port, "alice")
    alice.wait_online()
    others = [raw_guest(server, name) for name in ("bobby", "bernard", "carol")]
    alice.wait_online(users=4)
    bobby = others[0]

    # Tab completes "@b" with the first name that fits, Tab again the next one.
    box = compose(alice)
    type_text("hi @b")
    press_key(KEY_TAB)
    wait_until(lambda: text_of(box) == "hi @bernard ", "@bernard completed")
    press_key(KEY_TAB)
    wait_until(lambda: text_of(box) == "hi @bobby ", "@bobby next")
    type_text("lunch?")
    press_key(KEY_RETURN)
    expect_frame(bobby, P.TEXT, "the completed mention", text="hi @bobby lunch?")

    # Without a mention before the cursor, Tab moves on as always.
    press_key(KEY_TAB)
    wait_until(lambda: not box.get_state_set().contains(Atspi.StateType.FOCUSED),
               "Tab to leave the message box")

    # Texts mentioning alice stand out (and say so); others do not.
    bobby.say("@alice are you there?", client_id=1)
    bobby.say("nobody in particular", client_id=2)
    _, mention, _ = alice.wait_message("bobby", "@alice are you there?")
    _, plain, _ = alice.wait_message("bobby", "nobody in particular")
    assert "mentions you" in mention, mention
    assert "mentions you" not in plain, plain
