"""Accounts in the GTK client, as a person uses them: creating an account and logging in
through the login view, refusals shown in words, the login kept in the keyring so a
restart of the app needs no password, logging out, and the user list's moderation menu
offered to an admin only."""

import os
import subprocess

import gi
import pytest

gi.require_version("Atspi", "2.0")
gi.require_version("Secret", "1")
from gi.repository import Atspi, Secret  # noqa: E402

from chatgui import (TIMEOUT, do_action, find_all, find_one, press_key, stop_process,  # noqa: E402
                     text_of, wait_until)

PASSWORD = "correct horse battery"
TOKEN_SCHEMA = Secret.Schema.new("org.chat.client.Token", Secret.SchemaFlags.NONE, {
    "server": Secret.SchemaAttributeType.STRING,
    "username": Secret.SchemaAttributeType.STRING,
})


def secrets_owner_pid():
    """PID of the process owning org.freedesktop.secrets on the session bus, or None."""
    try:
        out = subprocess.run(
            ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus", "/",
             "org.freedesktop.DBus.GetConnectionUnixProcessID",
             "string:org.freedesktop.secrets"], capture_output=True, text=True, timeout=5)
    except subprocess.TimeoutExpired:
        return None
    words = out.stdout.split()
    return int(words[-1]) if out.returncode == 0 and words else None


@pytest.fixture
def server(server_factory):
    """A server as deployed: accounts only, no guests."""
    return server_factory(guests=False)


@pytest.fixture
def keyring_daemon(tmp_path):
    """start(unlocked) -> a private GNOME Keyring on this session bus (replacing any other)
    whose files live in tmp_path: unlocked, it has an open default "login" keyring, as a
    desktop session has; otherwise it has no keyring at all, as a bare desktop."""
    procs = []

    def start(unlocked=True):
        home = tmp_path / f"keyring{len(procs)}"
        (home / "run").mkdir(parents=True)
        (home / "run").chmod(0o700)
        env = dict(os.environ, XDG_DATA_HOME=str(home / "data"),
                   XDG_RUNTIME_DIR=str(home / "run"))
        args = ["gnome-keyring-daemon", "--replace", "--foreground", "--components=secrets"]
        if unlocked:
            args.append("--unlock")
        proc = subprocess.Popen(args, env=env, stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(proc)
        if unlocked:
            proc.stdin.write(b"keyring password for the test")
        proc.stdin.close()
        wait_until(lambda: secrets_owner_pid() == proc.pid, "the test's keyring on the bus")
        return proc

    yield start
    for proc in procs:
        stop_process(proc)


def login_error(client):
    alert = client.find(role="alert", name="Login error")
    return text_of(alert) if alert is not None else ""


def password_entry(client):
    return client.widget("password text", "Password")


def set_password(client, password):
    Atspi.EditableText.set_text_contents(password_entry(client), password)


def test_create_account_then_log_in_and_refusals_in_words(server, client_factory):
    alice = client_factory(server.port, None, connect=False, name="alice")
    alice.fill_login("alice", PASSWORD, create=True)
    alice.wait_online(users=1)

    bob = client_factory(server.port, None, connect=False, name="bob")
    # Guests are off: a name alone is refused with what to do instead.
    bob.fill_login("bob", "")
    assert "needs an account" in wait_until(lambda: login_error(bob), "the guest refusal")
    # A registered name cannot be taken by a new account.
    bob.fill_login("alice", PASSWORD, create=True)
    assert "already taken" in wait_until(
        lambda: "taken" in login_error(bob) and login_error(bob), "the taken-name refusal")
    # A weak password is refused with the reason.
    bob.fill_login("bob", "bob", create=True)
    assert "password cannot be used" in wait_until(
        lambda: "password" in login_error(bob) and login_error(bob), "the weak-password refusal")
    # The wrong password, in words; the password field is where the keyboard goes.
    bob.fill_login("alice", "not alice's password")
    assert wait_until(lambda: "Wrong" in login_error(bob) and login_error(bob),
                      "the wrong-password refusal") == "Wrong name or password."
    password = password_entry(bob)
    wait_until(lambda: password.get_state_set().contains(Atspi.StateType.FOCUSED),
               "the focus on the password field")
    assert text_of(password) == ""
    bob.fill_login("bob", "bob's own long password", create=True)
    bob.wait_online(users=2)


def test_keyring_keeps_the_login_across_a_restart_and_log_out_forgets_it(
        server, client_factory, keyring_daemon):
    keyring_daemon(unlocked=True)
    first = client_factory(server.port, None, connect=False, name="dora")
    first.fill_login("dora", PASSWORD, create=True)
    first.wait_online()
    server_key = f"127.0.0.1:{server.port}"

    def kept():
        return Secret.password_lookup_sync(TOKEN_SCHEMA, {"server": server_key,
                                                          "username": "dora"}, None)
    token = wait_until(kept, "the token in the keyring")
    assert len(token) == 64 and all(c in "0123456789abcdef" for c in token)
    first.stop()

    # Same config folder, nothing typed: the kept login is used at once.
    again = client_factory(server.port, None, connect=False, name="dora")
    again.wait_online()

    # Log out (the Account menu): back at the login view, and the keyring forgets it.
    again.click("Account", role="toggle button")
    item = wait_until(lambda: again.find(name="Log out"), "Log out in the Account menu")
    do_action(item, "click")
    password_entry(again)
    wait_until(lambda: kept() is None, "the keyring to forget the token")
    set_password(again, PASSWORD)
    again.click("Connect")
    again.wait_online()

    # Change password (the Account menu): every older token is revoked, and the new one
    # replaces it in the keyring at once.
    before = wait_until(kept, "the token of the new login in the keyring")
    again.click("Account", role="toggle button")
    do_action(wait_until(lambda: again.find(name="Change password\u2026"), "the menu item"),
              "click")
    dialog = wait_until(lambda: again.find(role="dialog", name="Change password"),
                        "the Change password dialog")
    for name, value in (("Current password", PASSWORD), ("New password", "a new passphrase")):
        entry = wait_until(lambda: find_one(dialog, role="password text", name=name), name)
        Atspi.EditableText.set_text_contents(entry, value)
    do_action(find_one(dialog, role="push button", name="Change password"), "click")
    again.wait_line("Your password was changed.")
    wait_until(lambda: kept() not in (None, before), "the new token in the keyring")


def test_no_keyring_is_said_once_and_the_login_goes_on(server, client_factory,
                                                       keyring_daemon):
    keyring_daemon(unlocked=False)  # a Secret Service without any keyring
    client = client_factory(server.port, None, connect=False, name="erin")
    client.fill_login("erin", PASSWORD, create=True)
    client.wait_online()
    said = client.wait_line("cannot be remembered")
    assert "password next time" in said


def open_user_menu(client, name):
    """Focuses name's row in the online list and presses the Menu key, as a keyboard
    user would; returns the menu items shown (maybe none)."""
    def row():
        client.refresh()
        users = find_one(client.app, role="list box", name="Online users")
        if users is None:
            return None
        return next((r for r in find_all(users, role="list item")
                     if any(text_of(label) in (name, f"\u2068{name}\u2069")  # isolated
                            for label in find_all(r, role="label"))),
                    None)
    target = wait_until(row, f"{name}'s row in the online list")
    Atspi.Component.grab_focus(target)
    wait_until(lambda: target.get_state_set().contains(Atspi.StateType.FOCUSED),
               f"{name}'s row to have focus")
    press_key(0xFF67)  # Menu
    try:
        return wait_until(lambda: client.find(role="menu", name=f"Actions for {name}"),
                          "the user's menu", timeout=TIMEOUT / 5)
    except AssertionError:
        return None


def test_moderation_menu_for_the_admin_only(server, client_factory):
    admin = client_factory(server.port, None, connect=False, name="alice")
    admin.fill_login("alice", PASSWORD, create=True)  # the first account: admin
    admin.wait_online()
    member = client_factory(server.port, None, connect=False, name="bob")
    member.fill_login("bob", PASSWORD, create=True)
    member.wait_online(users=2)
    wait_until(lambda: admin.find(role="label", text="admin"), "alice tagged admin")

    menu = open_user_menu(member, "alice")
    items = [item.get_name() for item in find_all(menu, role="menu item")]
    assert items == ["Message alice"], "a member is offered no moderation"
    press_key(0xFF1B)  # Escape closes it
    menu = open_user_menu(admin, "bob")
    assert menu is not None
    items = [item.get_name() for item in find_all(menu, role="menu item")]
    assert "Make bob a moderator" in items and "Remove bob from the chat\u2026" in items
    do_action(find_one(menu, role="menu item", name="Make bob a moderator"), "click")
    admin.wait_line("You made bob a moderator")
    member.wait_line("alice made bob a moderator")
    wait_until(lambda: admin.find(role="label", text="moderator"), "bob tagged moderator")

    # Admins create invite codes from the Account menu.
    admin.click("Account", role="toggle button")
    do_action(wait_until(lambda: admin.find(name="Create invite code"), "the menu item"),
              "click")
    admin.wait_line("New invite code")

    # A kick asks for the reason everyone will see; bob's window says what happened.
    menu = open_user_menu(admin, "bob")
    do_action(find_one(menu, role="menu item", name="Remove bob from the chat\u2026"), "click")
    dialog = wait_until(lambda: admin.find(role="dialog", name="Remove bob from the chat"),
                        "the reason dialog")
    reason = wait_until(lambda: find_one(dialog, role="text",
                                         name="Reason (everyone sees it)"), "the reason entry")
    Atspi.EditableText.set_text_contents(reason, "testing the kick")
    do_action(find_one(dialog, role="push button", name="Remove"), "click")
    admin.wait_line("alice removed bob from the chat: testing the kick")
    banner = wait_until(lambda: member.find(role="label", name="Connection status"),
                        "bob's banner")
    said = wait_until(lambda: "testing the kick" in text_of(banner) and text_of(banner),
                      "the kick and its reason in bob's window")
    assert said.startswith("Disconnected: ") and "moderator" in said, said



def test_reconnect_after_a_server_restart_uses_the_token(server_factory, client_factory,
                                                          tmp_path):
    data = ["--data-dir", str(tmp_path / "data")]
    first = server_factory(guests=False, args=data)
    port = first.port
    alice = client_factory(port, None, connect=False, name="alice")
    alice.fill_login("alice", PASSWORD, create=True)
    alice.wait_online()
    first.stop()
    wait_until(lambda: alice.find(role="label", name="Connection status"), "the banner")
    second = server_factory(port=port, guests=False, args=data)
    alice.wait_online()
    # The server says how alice came back: with the token, no password hashed.
    login = second.wait_log(r"account login id=\d+ .*method=")
    assert "method=token" in login and "argon2_runs=0" in login, login


def test_guests_are_shown_as_guests(server_factory, client_factory):
    server = server_factory(guests=True)   # --allow-guests: name-only logins for demos
    dora = client_factory(server.port, "dora")
    client_factory(server.port, "eve")
    dora.wait_online(users=2)
    users = wait_until(lambda: find_one(dora.app, role="list box", name="Online users"),
                       "the online list")

    def tagged():
        dora.refresh()
        return [label for label in find_all(users, role="label") if text_of(label) == "guest"]
    wait_until(lambda: len(tagged()) == 2, "both names tagged guest")
