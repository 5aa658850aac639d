"""Desktop integration: notifications while the window is in the background, the emoji
chooser, the remembered theme, and the keyboard (Escape, Ctrl+Q)."""

from chatgui import Atspi, do_action, press_key, wait_until

KEY_ESCAPE = 0xFF1B
CONTROL_MASK = 1 << 2


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
    wait_until(lambda: ("bob", text) in notifications.received()[earlier:],
               "alice's desktop notification for bob's message")
    # Now alice types (her window takes the focus) and bob's is in the background.
    alice.send_message("pong")
    bob.wait_message("alice", "pong")
    wait_until(lambda: ("alice", "pong") in notifications.received()[earlier:],
               "bob's desktop notification for alice's message")
    # Nobody is notified of their own message: bob's text notified alice only.
    assert notifications.received()[earlier:].count(("bob", text)) == 1


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


def theme_is_dark(client):
    toggle = client.widget("toggle button", "Dark theme")
    return toggle.get_state_set().contains(Atspi.StateType.CHECKED)


def test_dark_theme_toggle_is_remembered(server, client_factory):
    first = client_factory(server.port, "erin", connect=False, name="erin")
    assert not theme_is_dark(first)
    do_action(first.widget("toggle button", "Dark theme"), "click")
    wait_until(lambda: theme_is_dark(first), "the toggle to turn dark")
    first.stop()
    again = client_factory(server.port, "erin", connect=False, name="erin")
    assert theme_is_dark(again)
    do_action(again.widget("toggle button", "Dark theme"), "click")
    wait_until(lambda: not theme_is_dark(again), "the toggle to turn light")


def test_ctrl_q_quits(server, client_factory):
    alice = client_factory(server.port, "alice")
    alice.wait_online()
    Atspi.Component.grab_focus(alice.widget("text", "Message"))
    wait_until(lambda: alice.window.get_state_set().contains(Atspi.StateType.ACTIVE),
               "alice's window to be active")
    Atspi.generate_keyboard_event(CONTROL_MASK, None, Atspi.KeySynthType.LOCKMODIFIERS)
    try:
        press_key(ord("q"))
    finally:
        Atspi.generate_keyboard_event(CONTROL_MASK, None, Atspi.KeySynthType.UNLOCKMODIFIERS)
    assert wait_until(lambda: alice.proc.poll() is not None, "chat-client to quit") is not None
    assert alice.proc.returncode == 0
