"""What a screen reader gets: every control named (the whole AT-SPI tree walked), a
message row read as "who, when: what" with its state in words, an incoming message
announced by an event Orca presents (object:state-changed:showing from an object with
role notification), and errors raised as alerts."""

import re

from chatclient import RawClient, upload
from chatgui import Atspi, GLib, do_action, find_all, text_of, walk, wait_until

# Roles whose objects mean nothing to a listener without a name.
NAMED_ROLES = {"push button", "toggle button", "radio button", "check box", "progress bar",
               "text", "list box", "list item", "menu item", "combo box", "slider",
               "spin button", "page tab", "dialog", "frame", "alert", "notification",
               "info bar", "table", "tree table"}


def unnamed(root):
    """(role, path) of every object under root, shown or not, that needs a name and has
    none."""
    missing = []
    for node in walk(root):
        try:
            role = node.get_role_name()
            if role in NAMED_ROLES and not (node.get_name() or "").strip():
                path, up = [], node.get_parent()
                while up is not None and up.get_role_name() != "application":
                    path.append(f"{up.get_role_name()} {up.get_name()!r}")
                    up = up.get_parent()
                missing.append((role, " < ".join(path)))
        except GLib.Error:
            continue
    return missing


class Listener:
    """Records AT-SPI events of one type, as a screen reader receives them."""

    def __init__(self, event_type):
        self.events = []
        self._listener = Atspi.EventListener.new(self._on_event)
        self._listener.register(event_type)
        self._type = event_type

    def _on_event(self, event):
        try:
            self.events.append((event.source.get_role_name(), event.source.get_name() or "",
                                event.detail1))
        except GLib.Error:
            pass

    def seen(self, predicate):
        # Events arrive through this process's main loop.
        context = GLib.MainContext.default()
        while context.iteration(False):
            pass
        return next((e for e in self.events if predicate(e)), None)

    def close(self):
        self._listener.deregister(self._type)


def test_every_control_has_a_name(server, client_factory):
    alice = client_factory(server.port, "alice", connect=False)
    assert unnamed(alice.window) == []  # the login view
    alice.click("Connect")
    alice.wait_online()
    bob = RawClient(server.port)
    try:
        bob.login("bob")
        upload(bob, "notes.txt", b"some notes\n" * 100)
        bob.say("hello", 1)
        alice.wait_message("bob", "hello")
        alice.wait_file_row("bob", "notes.txt")
        alice.refresh()
        assert unnamed(alice.app) == []  # the chat view, rows, file row, progress bar
        # The main menu and Preferences.
        do_action(alice.widget("toggle button", "Main menu"), "click")
        do_action(alice.widget("push button", "Preferences"), "click")
        alice.widget("radio button", "Dark")
        alice.refresh()
        assert unnamed(alice.app) == []
    finally:
        bob.close()


def test_rows_read_who_when_what_and_state_in_words(server, client_factory):
    alice = client_factory(server.port, "alice")
    alice.wait_online()
    alice.send_message("first \u2713 line")
    name, description, labels = wait_until(
        lambda: next((r for r in alice.message_rows() if r[1] == "sent"), None),
        "alice's message to be sent")
    assert re.fullmatch(r"alice, \d\d:\d\d: first \u2713 line", name), name
    # The tick the eye sees is not read out: the state is the word "sent".
    row = next(r for r in find_all(alice.app, role="list item") if r.get_name() == name)
    hidden = [text_of(n) for n in find_all(row, role="redundant object")]
    assert "\u2713" in hidden, f"the tick is not marked redundant: {hidden}"


def test_incoming_message_is_announced(server, client_factory):
    alice = client_factory(server.port, "alice")
    alice.wait_online()
    listener = Listener("object:state-changed:showing")
    bob = RawClient(server.port)
    try:
        bob.login("bob")
        bob.say("can you hear me?", 1)
        event = wait_until(lambda: listener.seen(
            lambda e: e[0] == "notification" and e[1] == "bob: can you hear me?" and e[2]),
            "the announcement of bob's message")
        assert event[2] == 1
    finally:
        bob.close()
        listener.close()


def test_login_error_is_an_alert(server, client_factory):
    alice = client_factory(server.port, "alice")
    alice.wait_online()
    listener = Listener("object:state-changed:showing")
    try:
        other = client_factory(server.port, "alice", name="other")
        wait_until(lambda: listener.seen(lambda e: e[0] == "alert" and e[1] == "Login error"),
                   "the login error to be raised as an alert")
        assert other.find(role="alert", name="Login error") is not None
    finally:
        listener.close()
