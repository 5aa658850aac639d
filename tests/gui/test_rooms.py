"""Rooms and direct messages in the real chat-client, through AT-SPI, against the real
server: the sidebar lists rooms and direct conversations with unread counts that change
and clear; the room dialog joins a listed room and creates one (refusals in words);
Invite to Room and Leave Room; "Message" on a user starts a direct conversation that
reaches the other account (a raw test client checks what arrived); a notification's
click opens its room."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chatgui import (REPO, Atspi, do_action, find_all, find_one,  # noqa: E402
                     gui_account, press_key, text_of, wait_until)
import chatproto as P  # noqa: E402
import chatrooms  # noqa: E402

ARTIFACTS = REPO / "tests" / "artifacts"
KEY_UP, KEY_DOWN, KEY_MENU, KEY_RETURN = 0xFF52, 0xFF54, 0xFF67, 0xFF0D
ALT = 1 << 3  # Mod1


@pytest.fixture
def server(server_factory):
    """Accounts only, as deployed: rooms and direct messages are for accounts."""
    return server_factory(guests=False)


def sidebar_rows(client):
    """Accessible names of the sidebar's rows, in order."""
    client.refresh()
    rooms = find_one(client.app, role="list box", name="Rooms")
    if rooms is None:
        return []
    return [row.get_name() for row in find_all(rooms, role="list item")]


def wait_rows(client, expected, what):
    seen = []

    def shown():
        seen[:] = sidebar_rows(client)
        return seen == expected
    try:
        wait_until(shown, f"{client}: {what}")
    except AssertionError as failure:
        raise AssertionError(f"{failure}: the sidebar shows {seen}, not {expected}") from None


def selected_row(client):
    client.refresh()
    rooms = find_one(client.app, role="list box", name="Rooms")
    for row in find_all(rooms, role="list item"):
        if row.get_state_set().contains(Atspi.StateType.SELECTED):
            return row.get_name()
    return None


def wait_selected(client, name):
    """Waits until the sidebar's selected row is name's."""
    wait_until(lambda: selected_row(client) == name, f"{client}: {name} selected")


def open_room_dialog(client):
    client.click("Create or join a room")
    return client.wait_for("the room dialog", role="dialog", name="New or Join Room")


def show_create_page(dialog):
    """Clicks the dialog's Create page button (a GtkStackSwitcher radio button)."""
    do_action(wait_until(lambda: find_one(dialog, role="radio button", name="Create"),
                         "the Create page button"), "click")


def activate_row(row):
    """Focuses a list row and presses Enter on it, as a keyboard user would."""
    Atspi.Component.grab_focus(row)
    wait_until(lambda: row.get_state_set().contains(Atspi.StateType.FOCUSED), "the row's focus")
    press_key(KEY_RETURN)


def focus_window(client):
    """The keyboard goes to client's compose box: its window is the active one."""
    Atspi.Component.grab_focus(client.widget("text", "Message"))
    wait_until(lambda: client.window.get_state_set().contains(Atspi.StateType.ACTIVE),
               f"{client}'s window to be active")


# What a raw client may receive while a test waits for something else.
SKIPPABLE = (P.USER_JOINED, P.USER_LEFT, P.ROOM_STATE, P.ROOM_MEMBERS, P.ROOM_PRESENCE,
             P.ROOM_INVITED, P.TEXT, P.DONE, P.HISTORY_END)


def next_text(client):
    """The next TEXT the raw client receives, whatever else comes before it."""
    while True:
        frame = client.recv()
        if frame.type == P.TEXT:
            return frame


def test_sidebar_lists_rooms_and_direct_messages_with_unread_counts(
        server, client_factory, raw_account):
    alice = gui_account(client_factory, server, "alice")
    bob = raw_account(server, "bob")
    state, _ = chatrooms.create(bob, "general", topic="Anything goes")
    wait_rows(alice, ["lobby"], "the lobby alone")
    wait_selected(alice, "lobby")

    # Join from the dialog's list of public rooms, which gives the member count.
    dialog = open_room_dialog(alice)
    listed = wait_until(lambda: alice.find(role="list item",
                                           name="general, 1 member: Anything goes"),
                        "general in the list of public rooms")
    activate_row(listed)
    wait_until(lambda: alice.find(role="dialog", name="New or Join Room") is None,
               "the dialog to close once joined")
    wait_rows(alice, ["lobby", "general"], "general joined")
    wait_until(lambda: alice.x_title() == "#general", "the title to name the room")
    wait_selected(alice, "general")
    assert dialog is not None
    focus_window(alice)

    # Texts elsewhere count as unread there; the room on screen stays read.
    bob.say("in the lobby", 1)
    bob.say("one", 2, room_id=state.room_id)
    wait_rows(alice, ["lobby, 1 unread", "general"], "the lobby's unread count")
    alice.wait_message("bob", "one")
    bob.say("two", 3)
    wait_rows(alice, ["lobby, 2 unread", "general"], "the count to grow")

    # Alt+Up switches to the lobby: its messages show and its count clears.
    press_key(KEY_UP, ALT)
    wait_rows(alice, ["lobby", "general"], "the lobby's count to clear")
    alice.wait_message("bob", "two")
    wait_until(lambda: alice.x_title() == "Lobby", "the title to follow")

    # A direct message from bob: a new row in the sidebar, counted until opened.
    bob.send_frame(P.DIRECT_SEND, client_id=4, username="alice", text="psst")
    wait_rows(alice, ["lobby", "general", "bob, direct message, 1 unread"],
              "bob's direct conversation")
    press_key(KEY_DOWN, ALT)
    press_key(KEY_DOWN, ALT)
    wait_rows(alice, ["lobby", "general", "bob, direct message"], "the direct count to clear")
    alice.wait_message("bob", "psst")
    wait_until(lambda: alice.x_title() == "@bob", "the title to name bob")

    # Screenshots to look at: the sidebar wide and narrow (its panel open), light and
    # dark, with an unread badge.
    for i in range(3):
        bob.say(f"later {i}", 10 + i, room_id=state.room_id)
    wait_rows(alice, ["lobby", "general, 3 unread", "bob, direct message"], "three unread")
    for theme in ("Light", "Dark"):
        alice.choose_theme(theme)
        alice.resize(1000, 640)
        alice.screenshot(ARTIFACTS / f"rooms-{theme.lower()}-wide.png")
        alice.resize(360, 640)
        do_action(alice.widget("toggle button", "Rooms"), "click")
        alice.widget("list box", "Rooms")
        alice.screenshot(ARTIFACTS / f"rooms-{theme.lower()}-narrow.png")
        do_action(alice.widget("toggle button", "Rooms"), "click")



def test_a_notification_opens_its_room(server, client_factory, raw_account, notifications):
    """A direct message in the background notifies under "@bob"; clicking the
    notification shows that conversation. (No key is pressed in alice's window first:
    without a window manager, X refuses the focus to a window whose last key press is
    older than the other window's focus.)"""
    alice = gui_account(client_factory, server, "alice")
    bob = raw_account(server, "bob")
    carol = gui_account(client_factory, server, "carol")
    focus_window(carol)
    earlier = len(notifications.received())
    bob.send_frame(P.DIRECT_SEND, client_id=1, username="alice", text="psst")
    shown = wait_until(lambda: notifications.find("@bob"), "the direct message's notification")
    assert shown[1] == "bob: psst"
    assert ("@bob", "bob: psst") in notifications.received()[earlier:]
    wait_rows(alice, ["lobby", "bob, direct message, 1 unread"], "the direct message counted")
    wait_until(lambda: alice.x_title() == "(1) Lobby", "the title to count it")
    notifications.click(shown[3])
    wait_until(lambda: alice.window.get_state_set().contains(Atspi.StateType.ACTIVE),
               "the clicked notification to raise alice's window")
    wait_until(lambda: alice.x_title() == "@bob", "the direct conversation on screen")
    wait_rows(alice, ["lobby", "bob, direct message"], "the direct message read")
    alice.wait_message("bob", "psst")


def test_create_a_room_and_message_a_user(server, client_factory, raw_account):
    alice = gui_account(client_factory, server, "alice")
    bob = raw_account(server, "bob")
    alice.wait_online(users=2)

    # Create a private room through the dialog's Create page.
    dialog = open_room_dialog(alice)
    show_create_page(dialog)
    name = wait_until(lambda: find_one(dialog, role="text", name="Room name"), "the name entry")
    Atspi.EditableText.set_text_contents(name, "plans")
    topic = find_one(dialog, role="text", name="Topic")
    Atspi.EditableText.set_text_contents(topic, "Secret plans")
    do_action(find_one(dialog, role="check box", name="Private: only people you invite can join"),
              "click")
    do_action(find_one(dialog, role="push button", name="Create Room"), "click")
    wait_rows(alice, ["lobby", "plans"], "the new room")
    wait_until(lambda: alice.x_title() == "#plans", "the new room on screen")

    # The same name again: refused in words, inside the dialog.
    dialog = open_room_dialog(alice)
    show_create_page(dialog)
    name = wait_until(lambda: find_one(dialog, role="text", name="Room name"), "the name entry")
    Atspi.EditableText.set_text_contents(name, "plans")
    do_action(find_one(dialog, role="push button", name="Create Room"), "click")
    refusal = wait_until(lambda: (lambda a: a and text_of(a))(
        alice.find(role="alert", name="Room status")), "the refusal in words")
    assert refusal == "A room has that name (or one that looks like it); choose another."
    do_action(find_one(dialog, role="push button", name="Close"), "click")

    # Invite to Room (main menu): an unknown name is refused in words; bob is invited.
    def invite(name):
        do_action(alice.widget("toggle button", "Main menu"), "click")
        do_action(wait_until(lambda: alice.find(name="Invite to Room\u2026"), "the menu item"),
                  "click")
        form = alice.wait_for("the invite dialog", role="dialog", name="Invite to plans")
        entry = wait_until(lambda: find_one(form, role="text", name="Username"), "the entry")
        Atspi.EditableText.set_text_contents(entry, name)
        do_action(find_one(form, role="push button", name="Invite"), "click")
    invite("nobody")
    alice.wait_line("\u26A0 There is no account with that name.")
    invite("bob")
    alice.wait_line("You invited bob to #plans.")
    invited = bob.wait_for(P.ROOM_INVITED, skip=SKIPPABLE)[0]
    assert invited.name == "plans"

    # bob says he is away: the online list shows it (dot, word and spoken name).
    bob.send_frame(P.PRESENCE_SET, request_id=77, state=P.PRESENCE_AWAY)
    alice.wait_for("bob away in the online list", role="list item", name="bob, away")

    # "Message bob" from the users panel (Menu key on his row): a draft conversation
    # whose first text makes the direct room, and bob's raw client receives it.
    users = alice.wait_for("the online list", role="list box", name="Online users")
    row = wait_until(lambda: next((r for r in find_all(users, role="list item")
                                   if r.get_name().startswith("bob")), None), "bob's row")
    Atspi.Component.grab_focus(row)
    wait_until(lambda: row.get_state_set().contains(Atspi.StateType.FOCUSED), "focus on bob")
    press_key(KEY_MENU)
    item = alice.wait_for("Message bob", role="menu item", name="Message bob")
    do_action(item, "click")
    wait_until(lambda: alice.x_title() == "@bob", "the draft conversation with bob")
    alice.send_message("hello bob")
    text = next_text(bob)
    assert (text.sender, text.text) == ("alice", "hello bob")
    assert text.room_id != P.ROOM_LOBBY
    wait_rows(alice, ["lobby", "plans", "bob, direct message"], "the direct room")
    alice.wait_message("alice", "hello bob")
    wait_selected(alice, "bob, direct message")

    # Leave Room (main menu) on plans: it leaves the sidebar and the lobby shows.
    press_key(KEY_UP, ALT)
    wait_until(lambda: alice.x_title() == "#plans", "plans on screen")
    do_action(alice.widget("toggle button", "Main menu"), "click")
    do_action(wait_until(lambda: alice.find(name="Leave Room"), "the menu item"), "click")
    wait_rows(alice, ["lobby", "bob, direct message"], "plans left")
    wait_until(lambda: alice.x_title() == "Lobby", "the lobby on screen")
