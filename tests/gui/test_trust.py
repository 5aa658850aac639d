"""Trust on first use in chat-client, driven through the accessibility tree against a
fake TLS server: the first-use dialog (Accept pins and connects, Reject leaves nothing
pinned), and the changed-certificate warning, whose only way on is to forget the old
pin behind a second confirmation."""

import pytest

from chatgui import do_action, find_all, text_of, wait_until
from fakeserver import FakeServer, fingerprint, self_signed


@pytest.fixture
def fake_tls(tmp_path):
    """fake_tls(cert_name) -> (FakeServer with a fresh self-signed certificate, its
    fingerprint); stopped at teardown."""
    servers = []

    def start(name):
        cert = self_signed(tmp_path, name)
        server = FakeServer(cert=cert)
        servers.append(server)
        return server, fingerprint(cert[0])

    yield start
    for server in servers:
        server.stop()


def pins(client):
    path = client.workdir / "state" / "chat-client" / "known_servers"
    if not path.exists():
        return []
    return [line for line in path.read_text().splitlines() if line and line[0] != "#"]


def alert(client, what):
    """The alert (a message dialog, announced by screen readers) whose labels mention
    what; returns (alert, its label texts)."""
    def found():
        client.refresh()
        for node in find_all(client.app, role="alert"):
            labels = [text_of(label) for label in find_all(node, role="label")]
            if any(what in text for text in labels):
                return node, labels
        return None
    return wait_until(found, f"an alert mentioning {what!r}")


def press(node, name):
    """Clicks the push button called name inside node."""
    buttons = [b for b in find_all(node, role="push button") if b.get_name() == name]
    assert buttons, f"no {name!r} button in {node.get_name()!r}"
    do_action(buttons[0], "click")


def test_first_use_accept_pins_and_connects(fake_tls, client_factory):
    server, expected = fake_tls("first")
    alice = client_factory(server.port, "alice", tls=True)
    dialog, labels = alert(alice, expected)              # the fingerprint, shown whole
    assert any("Trust the server 127.0.0.1" in text for text in labels), labels
    assert server.logins == 0                            # nothing sent before a decision
    press(dialog, "Accept")
    alice.wait_online()
    assert pins(alice) == [f"127.0.0.1:{server.port} {expected}"]
    assert server.logins == 1


def test_first_use_reject_pins_nothing(fake_tls, client_factory):
    server, expected = fake_tls("first")
    alice = client_factory(server.port, "alice", tls=True)
    dialog, _ = alert(alice, expected)
    press(dialog, "Reject")
    error = alice.wait_for("the login error", role="alert", name="Login error")
    wait_until(lambda: "not trusted" in text_of(error), "the login error to say why")
    assert pins(alice) == [] and server.logins == 0
    alice.refresh()
    assert [a.get_name() for a in find_all(alice.app, role="alert")] == ["Login error"]


def test_changed_certificate_warns_and_needs_a_deliberate_forget(fake_tls, client_factory,
                                                                  tmp_path):
    server, new = fake_tls("second")
    old = fingerprint(self_signed(tmp_path, "first")[0])
    state = tmp_path / "alice" / "state" / "chat-client"
    state.mkdir(parents=True)
    (state / "known_servers").write_text(f"127.0.0.1:{server.port} {old}\n")

    alice = client_factory(server.port, "alice", tls=True)
    warning, labels = alert(alice, new)
    text = "\n".join(labels)
    assert "has changed" in text and old in text and new in text, labels
    names = [b.get_name() for b in find_all(warning, role="push button")]
    assert "Accept" not in names and names.count("Forget Old Certificate\u2026") == 1, names
    press(warning, "Forget Old Certificate\u2026")

    # A second, separate confirmation; Cancel is its default.
    confirm, labels = alert(alice, "Forget the old certificate of 127.0.0.1")
    assert server.logins == 0 and pins(alice) == [f"127.0.0.1:{server.port} {old}"]
    press(confirm, "Forget")

    # Then it is a first use: the new fingerprint is shown and must be accepted.
    dialog, _ = alert(alice, "Trust the server")
    press(dialog, "Accept")
    alice.wait_online()
    assert pins(alice) == [f"127.0.0.1:{server.port} {new}"]


def test_real_server_over_tls_as_make_run_does(server_factory, client_factory):
    """scripts/run-app hands the client the fingerprint the server printed: no dialog,
    and two windows chat over TLS."""
    server = server_factory(tls=True)
    vouched = ("--trust-fingerprint", server.fingerprint)
    alice = client_factory(server.port, "alice", tls=True, extra_args=vouched)
    bob = client_factory(server.port, "bob", tls=True, extra_args=vouched)
    alice.wait_online(users=2)
    bob.wait_online(users=2)
    assert alice.find(role="alert") is None and bob.find(role="alert") is None
    alice.send_message("over TLS \U0001F512")
    bob.wait_message("alice", "over TLS \U0001F512")
    assert pins(alice) == [f"127.0.0.1:{server.port} {server.fingerprint}"]


def test_plain_text_server_by_setting(server_factory, client_factory, tmp_path):
    """tls=false under [connection] in settings.ini: plain text without --no-tls."""
    server = server_factory()                            # --no-tls
    config = tmp_path / "alice" / "config"
    config.mkdir(parents=True)
    (config / "settings.ini").write_text("[connection]\ntls=false\n")
    alice = client_factory(server.port, "alice", tls=True)
    alice.wait_online(users=1)
    assert pins(alice) == []
