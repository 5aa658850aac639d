"""Logging in: refusals show in words in the window; the last login is remembered."""

from chatgui import do_action, text_of, wait_until


def login_error(client):
    label = client.find(role="alert", name="Login error")
    return text_of(label) if label is not None else ""


def test_taken_name_shows_error_and_retry_works(server, client_factory):
    alice = client_factory(server.port, "alice")
    alice.wait_online()
    # Names are unique case-insensitively: "ALICE" is taken too.
    other = client_factory(server.port, "ALICE", name="other")
    error = wait_until(lambda: login_error(other), "the login error")
    assert "already taken" in error and "ALICE" in error
    # Still on the login view: pick another name and press Connect.
    other.set_entry("Username", "carol")
    other.click("Connect")
    other.wait_online(users=2)


def test_unreachable_server_shows_error(server_factory, client_factory):
    server = server_factory()
    port = server.port
    server.stop()  # a port nobody listens on any more
    client = client_factory(port, "alice")
    error = wait_until(lambda: login_error(client), "the login error")
    assert error.startswith("Could not reach the server")


def test_invalid_name_is_explained_before_connecting(server, client_factory):
    client = client_factory(server.port, "   ", connect=True)
    error = wait_until(lambda: login_error(client), "the login error")
    assert error and "name" in error.lower()
    assert client.find(role="text", name="Message") is None  # still logging in


def test_last_login_is_remembered(server, client_factory):
    first = client_factory(server.port, "dora", name="dora")
    first.wait_online()
    first.stop()
    # Same config folder, no --user: the name and server come back from settings.ini.
    again = client_factory(server.port, None, connect=False, name="dora")
    entry = again.widget("text", "Username")
    assert text_of(entry) == "dora"
    assert text_of(again.widget("text", "Server")) == f"127.0.0.1:{server.port}"
    again.click("Connect")
    again.wait_online()


def test_log_out_returns_to_the_login_view(server, client_factory):
    alice = client_factory(server.port, "alice")
    bob = client_factory(server.port, "bob")
    alice.wait_online(users=2)
    alice.send_message("bye for now")
    do_action(alice.widget("toggle button", "Main menu"), "click")
    do_action(alice.widget("push button", "Log Out"), "click")
    alice.widget("push button", "Connect")
    wait_until(lambda: alice.subtitle() == "Not connected", "the header to say so")
    bob.wait_online(users=1)  # the server saw alice go
    # Logging in again starts a fresh conversation.
    alice.click("Connect")
    alice.wait_online(users=2)
    assert not any("bye for now" in labels for _, _, labels in alice.message_rows())
