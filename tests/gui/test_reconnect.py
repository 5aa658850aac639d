"""Connection loss: the windows stay, a banner says what happens, and both clients come
back by themselves when the server returns on the same port, then chat again."""

import re

from chatgui import text_of, wait_until


def banner_text(client):
    label = client.find(role="label", name="Connection status")
    return text_of(label) if label is not None else ""


def own_state(client, text):
    """The accessible description (sending / sent / not sent: why) of the client's own
    bubble showing text."""
    for name, description, labels in client.message_rows():
        if text in labels:
            return description
    return ""


def test_both_windows_reconnect_after_server_restart(server_factory, client_factory):
    server = server_factory()
    port = server.port
    alice = client_factory(port, "alice")
    bob = client_factory(port, "bob")
    alice.wait_online(users=2)
    bob.wait_online(users=2)

    server.stop()
    for client in (alice, bob):
        text = wait_until(lambda: banner_text(client), f"{client}'s connection banner")
        assert re.fullmatch(r"Connection lost\. Reconnecting in \d+ s\u2026|Reconnecting\u2026",
                            text), text
        # The conversation stays on screen while offline.
        assert client.find(role="text", name="Message") is not None

    # A message written while offline waits, shown as sending.
    queued = "written offline \u2708\ufe0f"
    alice.send_message(queued)
    wait_until(lambda: own_state(alice, queued) == "sending", "alice's message shown as sending")

    server_factory(port)
    # It goes out once alice is back (bob sees it only if he was back first: the server
    # keeps no history, so that is not asserted).
    wait_until(lambda: own_state(alice, queued) == "sent",
               "alice's offline message to be acknowledged")
    alice.wait_online(users=2)
    bob.wait_online(users=2)
    wait_until(lambda: banner_text(alice) == "", "alice's banner to go away")

    alice.send_message("back again \u2764\ufe0f")
    bob.wait_message("alice", "back again \u2764\ufe0f")
    bob.send_message("welcome back")
    alice.wait_message("bob", "welcome back")


def test_a_list_of_servers_fails_over_to_the_next_at_once(server_factory, client_factory):
    first, second = server_factory(), server_factory()
    bob = client_factory(first.port, None, connect=False, name="bob")
    # The login form takes the servers of one chat, separated by commas.
    bob.set_entry("Server", f"127.0.0.1:{first.port}, 127.0.0.1:{second.port}")
    bob.fill_login("bob", "")
    wait_until(lambda: bob.subtitle() == f"127.0.0.1:{first.port} \u00b7 1 online",
               "bob online on the first server, which the subtitle names")
    carol = client_factory(second.port, "carol")
    carol.wait_online(users=1)

    first.stop()
    wait_until(lambda: bob.subtitle() == f"127.0.0.1:{second.port} \u00b7 2 online",
               "bob online on the second server, without waiting for a backoff")
    bob.send_message("moved over")
    carol.wait_message("bob", "moved over")
