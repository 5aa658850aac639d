"""The notification level of a room in the real chat-client: the main menu's
"Notifications in This Room…" dialog; at "mentions" only a text naming alice notifies,
at "nothing" not even that; the level is kept with her account, so her next device
shows it."""

from chatgui import PASSWORD, Atspi, do_action, find_one, gui_account, wait_until
from chatstore import query
from test_message_actions import compose

LEVELS = ("Every message", "Mentions of me only", "Nothing")
DIALOG = "Notifications in Lobby"


def open_dialog(client):
    """Opens the dialog from the main menu; its three choices by name."""
    do_action(client.widget("toggle button", "Main menu"), "click")
    do_action(client.widget("push button", "Notifications in This Room\u2026"), "click")
    dialog = client.widget("dialog", DIALOG)
    return {name: wait_until(lambda: find_one(dialog, role="radio button", name=name), name)
            for name in LEVELS}


def checked(choices):
    return [name for name, w in choices.items()
            if w.get_state_set().contains(Atspi.StateType.CHECKED)]


def close_dialog(client):
    dialog = client.widget("dialog", DIALOG)
    do_action(wait_until(lambda: find_one(dialog, role="push button", name="Close"),
                         "the dialog's Close button"), "click")
    wait_until(lambda: client.find(role="dialog", name=DIALOG) is None, "the dialog to close")


def choose(client, name):
    choices = open_dialog(client)
    do_action(choices[name], "click")
    wait_until(lambda: checked(choices) == [name], f"{name!r} chosen")
    close_dialog(client)


def alices_levels(server):
    return query(server.workdir, "SELECT n.room_id, n.level FROM notify_levels n JOIN accounts a"
                                 " ON a.id = n.account_id WHERE a.name = 'alice'")


def test_levels_choose_what_notifies_and_follow_the_account(
        server_factory, client_factory, raw_account, notifications):
    server = server_factory(guests=False)
    bob = raw_account(server, "bob")
    alice = gui_account(client_factory, server, "alice")
    assert checked(open_dialog(alice)) == ["Every message"]
    close_dialog(alice)
    choose(alice, "Mentions of me only")
    wait_until(lambda: alices_levels(server) == [(0, 1)], "the level stored with the account")

    carol = gui_account(client_factory, server, "carol")
    # Carol's window is the active one, so alice's is in the background; carol hears
    # nothing, so every notification below is alice's, however soon carol's window
    # counts as active.
    choose(carol, "Nothing")
    compose(carol)
    earlier = len(notifications.received())
    bob.say("plain words", client_id=1)
    bob.say("hey @alice", client_id=2)
    wait_until(lambda: any(body == "bob: hey @alice"
                           for _, body in notifications.received()[earlier:]),
               "the mention's notification")
    choose(alice, "Nothing")
    compose(carol)
    bob.say("@alice are you there", client_id=3)
    alice.wait_message("bob", "@alice are you there")
    choose(alice, "Every message")
    compose(carol)
    bob.say("loud and clear", client_id=4)
    wait_until(lambda: any(body == "bob: loud and clear"
                           for _, body in notifications.received()[earlier:]),
               "the notification at every message")
    bodies = [body for _, body in notifications.received()[earlier:]]
    assert "bob: plain words" not in bodies and "bob: @alice are you there" not in bodies, bodies

    choose(alice, "Mentions of me only")
    wait_until(lambda: alices_levels(server) == [(0, 1)], "the level stored again")
    alice.stop()
    desk = client_factory(server.port, None, connect=False, name="alice-desk")
    desk.fill_login("alice", PASSWORD)
    desk.wait_online()

    def shown():  # her levels come right after the login
        level = checked(open_dialog(desk))
        close_dialog(desk)
        return level == ["Mentions of me only"]
    wait_until(shown, "her next device to show the level")
