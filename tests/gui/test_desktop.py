"""Desktop integration: notifications while the window is in the background (one per
room, updated), the emoji chooser, the theme (chosen in Preferences and remembered, or
following the desktop's dark preference live, through GSettings or the desktop
portal), and the keyboard (Escape, Ctrl+Q)."""

from chatgui import (CONTROL_MASK, KEY_ESCAPE, Atspi, PortalSettings, do_action, press_key,
                     theme_is_dark, wait_until)


def test_notification_when_window_not_focused(server, client_factory, notifications):
    alice = client_factory(server.port, "alice")
    bob = client_factory(server.port, "bob")
    alice.wait_online(users=2)
    bob.wait_online(users=2)
    # bob's window takes the focus; alice's is in the background.
    Atspi.Component.grab_focus(bob.widget("text", "Message"))
    wait_until(lambda: bob.window.get_state_set().contains(Atspi.StateType.ACTIVE),
               "bob's window to be active")
    earlier = len(notifications.received())
    text = "ping from bob \U0001F514"
    bob.send_message(text)
    alice.wait_message("bob", text)
    wait_until(lambda: ("Lobby", f"bob: {text}") in notifications.received()[earlier:],
               "alice's desktop notification for bob's message")
    # A second message updates the room's notification (same id) with the count, and
    # the window title counts it too.
    bob.send_message("are you there?")
    alice.wait_message("bob", "are you there?")
    update = wait_until(lambda: notifications.find("Lobby: 2 new messages"),
                        "the room's notification to count two messages")
    assert update[1] == "bob: are you there?"
    first = notifications.find("Lobby")
    assert update[2] == first[3], "the count replaced the room's notification"
    wait_until(lambda: alice.x_title() == "(2) Lobby", "the title to count two")
    # Clicking the notification brings alice's window to the front.
    assert not alice.window.get_state_set().contains(Atspi.StateType.ACTIVE)
    notifications.click(update[3])
    wait_until(lambda: alice.window.get_state_set().contains(Atspi.StateType.ACTIVE),
               "the clicked notification to raise alice's window")
    wait_until(lambda: alice.x_title() == "Lobby", "the unread count to clear")
    Atspi.Component.grab_focus(bob.widget("text", "Message"))
    wait_until(lambda: bob.window.get_state_set().contains(Atspi.StateType.ACTIVE),
               "bob's window to be active again")
    # Now alice types (her window takes the focus) and bob's is in the background.
    alice.send_message("pong")
    bob.wait_message("alice", "pong")
    wait_until(lambda: ("Lobby", "alice: pong") in notifications.received()[earlier:],
               "bob's desktop notification for alice's message")
    # Nobody is notified of their own message: bob's text notified alice only.
    assert notifications.received()[earlier:].count(("Lobby", f"bob: {text}")) == 1


def test_notifications_can_be_turned_off(server, client_factory, notifications):
    alice = client_factory(server.port, "alice")
    bob = client_factory(server.port, "bob")
    alice.wait_online(users=2)
    bob.wait_online(users=2)
    do_action(alice.widget("toggle button", "Main menu"), "click")
    do_action(alice.widget("push button", "Preferences"), "click")
    check = alice.widget("check box",
                         "Notify of new messages while the window is in the background")
    assert check.get_state_set().contains(Atspi.StateType.CHECKED)
    do_action(check, "click")
    wait_until(lambda: not check.get_state_set().contains(Atspi.StateType.CHECKED),
               "notifications to be turned off")
    Atspi.Component.grab_focus(bob.widget("text", "Message"))
    wait_until(lambda: bob.window.get_state_set().contains(Atspi.StateType.ACTIVE),
               "bob's window to be active")
    earlier = len(notifications.received())
    bob.send_message("quietly")
    alice.wait_message("bob", "quietly")
    wait_until(lambda: alice.x_title() == "(1) Lobby", "the title to count it anyway")
    # Back on (Preferences is still open): the next message notifies, and the quiet one
    # never did (notifications arrive in the order they were sent).
    do_action(check, "click")
    wait_until(lambda: check.get_state_set().contains(Atspi.StateType.CHECKED),
               "notifications to be back on")
    bob.send_message("loudly")
    wait_until(lambda: ("Lobby: 2 new messages", "bob: loudly")
               in notifications.received()[earlier:], "the notification once back on")
    assert not any(body == "bob: quietly" for _, body in notifications.received()[earlier:])


def test_emoji_button_opens_chooser_and_escape_closes_it(server, client_factory):
    alice = client_factory(server.port, "alice")
    alice.wait_online()
    alice.click("Insert emoji")
    search = alice.widget("text", "Search")  # the emoji chooser's search field
    assert wait_until(lambda: search.get_state_set().contains(Atspi.StateType.FOCUSED),
                      "the emoji search field to take the keyboard")
    press_key(KEY_ESCAPE)
    wait_until(lambda: alice.find(role="text", name="Search") is None,
               "Escape to close the emoji chooser")


def test_theme_choice_is_remembered(server, client_factory):
    first = client_factory(server.port, "erin", connect=False, name="erin")
    assert not theme_is_dark(first)
    first.choose_theme("Dark")
    wait_until(lambda: theme_is_dark(first), "the window to turn dark")
    first.stop()
    again = client_factory(server.port, "erin", connect=False, name="erin")
    assert theme_is_dark(again)
    again.choose_theme("Light")
    wait_until(lambda: not theme_is_dark(again), "the window to turn light")


def test_follows_the_desktop_dark_preference_live(server, client_factory):
    """GNOME's color-scheme setting (GSettings org.gnome.desktop.interface) changes while
    the client runs: with "Follow the system" (the default) the window follows."""
    alice = client_factory(server.port, "alice")
    alice.wait_online()
    assert not theme_is_dark(alice)
    alice.gsettings("set", "org.gnome.desktop.interface", "color-scheme", "prefer-dark")
    wait_until(lambda: theme_is_dark(alice), "the window to follow the desktop to dark")
    alice.gsettings("set", "org.gnome.desktop.interface", "color-scheme", "default")
    wait_until(lambda: not theme_is_dark(alice), "the window to follow the desktop back")
    # A choice in Preferences wins over the desktop's.
    alice.choose_theme("Light")
    alice.gsettings("set", "org.gnome.desktop.interface", "color-scheme", "prefer-dark")
    alice.choose_theme("Follow the system")
    wait_until(lambda: theme_is_dark(alice), "following the system again: dark")


def test_follows_the_portal_color_scheme_live(server, client_factory):
    """The desktop portal's Settings (what a sandboxed app sees) says dark, then light,
    then dark while the client runs; where it has a preference it speaks for the desktop,
    over the GSettings key."""
    def dark(client):
        try:
            return theme_is_dark(client)
        except AssertionError:
            return None  # the labels are being restyled: look again
    portal = PortalSettings(color_scheme=1)
    try:
        alice = client_factory(server.port, "alice")
        alice.wait_online()
        wait_until(lambda: dark(alice) is True, "the window to follow the portal to dark")
        portal.set_color_scheme(2)
        wait_until(lambda: dark(alice) is False, "the window to follow the portal to light")
        portal.set_color_scheme(1)
        wait_until(lambda: dark(alice) is True, "the window to follow the portal back")
        # No preference at the portal: GNOME's own setting counts again (default: light).
        portal.set_color_scheme(0)
        wait_until(lambda: dark(alice) is False, "the window to follow GSettings")
    finally:
        portal.stop()


def test_ctrl_q_quits(server, client_factory):
    alice = client_factory(server.port, "alice")
    alice.wait_online()
    Atspi.Component.grab_focus(alice.widget("text", "Message"))
    wait_until(lambda: alice.window.get_state_set().contains(Atspi.StateType.ACTIVE),
               "alice's window to be active")
    press_key(ord("q"), CONTROL_MASK)
    assert wait_until(lambda: alice.proc.poll() is not None, "chat-client to quit") is not None
    assert alice.proc.returncode == 0
