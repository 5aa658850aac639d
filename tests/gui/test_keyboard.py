"""The keyboard alone, as someone who cannot use a pointer works: log in, write a
three-line message, walk back to older messages, open a message's actions, download a
file from its actions menu, open Preferences and switch the theme. No pointer event
and no accessibility action is used on alice's window: only key presses (the other
side, bob, is a raw protocol client on a socket). One stand-in: Xvfb runs no window
manager, so a window the keyboard opens (Preferences, the shortcuts) is given the
input focus as a window manager would, by activating the widget GTK focused in it."""

import re

from chatclient import RawClient, upload
from chatgui import (CONTROL_MASK, KEY_DOWN, KEY_ESCAPE, KEY_MENU, KEY_RETURN, KEY_TAB,
                     KEY_UP, SHIFT_MASK, Atspi, focused, press_key, theme_is_dark, type_text,
                     wait_until)

KEY_F10 = 0xFFC7
KEY_HOME = 0xFF50
KEY_END = 0xFF57
import chatproto as P

PAYLOAD = bytes(range(256)) * 40


def wait_focus(client, what, predicate):
    """Waits until the focused widget of client satisfies predicate; returns it."""
    def check():
        client.refresh()
        node = focused(client.app)
        return node if node is not None and predicate(node) else None
    return wait_until(check, f"the keyboard focus on {what}")


def is_row(name_pattern):
    return lambda node: (node.get_role_name() == "list item" and
                         re.match(name_pattern, node.get_name() or "") is not None)


def move_focus(client, key, modifiers, what, predicate, limit=12):
    """Presses key until the focus satisfies predicate (at most limit times)."""
    for _ in range(limit):
        client.refresh()
        node = focused(client.app)
        if node is not None and predicate(node):
            return node
        before = node.get_name() if node is not None else None
        press_key(key, modifiers)
        wait_until(lambda: (focused(client.app) is not None and
                            focused(client.app).get_name() != before) or
                   predicate(focused(client.app) or client.window),
                   f"the focus to move from {before!r}")
    return wait_focus(client, what, predicate)


def window_manager_focus(widget):
    """What a window manager does for a new window: it gets the input focus (here on
    widget, the one GTK focused in it)."""
    Atspi.Component.grab_focus(widget)


def test_everything_from_the_keyboard(server, client_factory):
    alice = client_factory(server.port, "alice", connect=False)
    # The window opens with the name filled in and the focus on the password: Enter
    # logs in (as a guest, without one).
    wait_focus(alice, "the Password field", lambda n: n.get_name() == "Password")
    press_key(KEY_RETURN)
    alice.wait_online(users=1)
    wait_focus(alice, "the message box", lambda n: n.get_name() == "Message")

    bob = RawClient(server.port)
    try:
        bob.login("bob")
        alice.wait_online(users=2)
        upload(bob, "report.pdf", PAYLOAD)
        bob.say("an older message", 1)
        for i in range(2, 8):
            bob.say(f"filler {i}", i)
        alice.wait_message("bob", "filler 7")

        # Three lines: Shift+Enter starts a new line, Enter sends.
        type_text("line one")
        press_key(KEY_RETURN, SHIFT_MASK)
        type_text("line two")
        press_key(KEY_RETURN, SHIFT_MASK)
        type_text("line three")
        press_key(KEY_RETURN)
        text = bob.wait_for(P.TEXT, skip=(P.TYPING,))[0]  # alice typing, then her text
        while text.text.startswith("filler") or text.text == "an older message":
            text = bob.wait_for(P.TEXT, skip=(P.TYPING,))[0]  # alice typing, then her text
        assert text.text == "line one\nline two\nline three"
        wait_until(lambda: any(d == "sent" for n, d, l in alice.message_rows()
                               if n.endswith(": line one\nline two\nline three")),
                   "alice's three lines to be sent")

        # Shift+Tab goes back from the message box into the conversation, landing on
        # the newest message; Up walks back to older ones.
        newest = move_focus(alice, KEY_TAB, SHIFT_MASK, "a message row",
                            is_row(r".+, \d\d:\d\d: ")).get_name()
        assert newest.startswith("alice, ") and newest.endswith("line three"), newest
        move_focus(alice, KEY_UP, 0, "bob's older message",
                   is_row(r"bob, \d\d:\d\d: an older message$"))
        # Its actions: Shift+F10 opens them (as the Menu key does); Escape closes them.
        press_key(KEY_F10, SHIFT_MASK)
        alice.wait_for("Copy Text in the actions menu", role="push button", name="Copy Text")
        press_key(KEY_ESCAPE)
        wait_until(lambda: alice.find(role="push button", name="Copy Text") is None,
                   "the actions menu to close")

        # One more Up reaches the file; its actions menu downloads it.
        move_focus(alice, KEY_UP, 0, "bob's file", is_row(r"bob, \d\d:\d\d: File report.pdf$"))
        press_key(KEY_MENU)
        alice.wait_for("Download in the actions menu", role="push button", name="Download")
        wait_focus(alice, "the menu's Download", lambda n: n.get_name() == "Download")
        press_key(KEY_RETURN)
        target = alice.files_dir / "report.pdf"
        wait_until(lambda: target.exists() and target.read_bytes() == PAYLOAD,
                   "the download through the keyboard")
        # End and Home jump to the newest and the oldest row.
        wait_focus(alice, "the file row again", is_row(r"bob, \d\d:\d\d: File report.pdf$"))
        press_key(KEY_END)
        wait_focus(alice, "the newest row", is_row(r"alice, \d\d:\d\d: line one"))
        press_key(KEY_HOME)
        wait_focus(alice, "the oldest row", lambda n: n.get_name() == "You joined as alice")

        # Ctrl+comma opens Preferences on the style choice; Down moves to Light, then
        # to Dark, choosing it; Escape closes.
        assert not theme_is_dark(alice)
        press_key(ord(","), CONTROL_MASK)
        window_manager_focus(alice.wait_for("the Preferences window", role="radio button",
                                            name="Follow the system"))
        wait_focus(alice, "the style choice", lambda n: n.get_name() == "Follow the system")
        move_focus(alice, KEY_DOWN, 0, "Dark", lambda n: n.get_name() == "Dark")
        wait_until(lambda: theme_is_dark(alice), "the window to turn dark")
        press_key(KEY_ESCAPE)
        wait_until(lambda: alice.find(role="dialog", name="Preferences") is None,
                   "Preferences to close")

        # Ctrl+? shows every shortcut; Escape closes it.
        press_key(ord("?"), CONTROL_MASK | SHIFT_MASK)
        alice.wait_for("the shortcuts window", role="label", text="Send the message")
        window_manager_focus(alice.widget("toggle button", "Search Shortcuts"))
        press_key(KEY_ESCAPE)
        wait_until(lambda: alice.find(role="label", text="Send the message") is None,
                   "the shortcuts window to close")
    finally:
        bob.close()
