"""Trust on first use in chat-cli, against a fake TLS server: asked on a terminal (yes
pins, no refuses), refused without one unless --trust-fingerprint vouches for the
certificate, silent once pinned, a changed certificate refused with both fingerprints
(and forgotten only deliberately), a CA the client is told to trust accepted silently."""

import pytest

from chatcli import STAMP
from fakeserver import ca_signed, fingerprint, self_signed


@pytest.fixture
def certs(tmp_path):
    """Two self-signed certificates: (cert, key) pairs named first and second."""
    return {name: self_signed(tmp_path, name) for name in ("first", "second")}


@pytest.fixture
def state(tmp_path):
    """A private XDG_STATE_HOME shared by the chat-cli runs of one test."""
    path = tmp_path / "state"
    return path, {"XDG_STATE_HOME": str(path)}


def pins(state_dir):
    path = state_dir / "chat-client" / "known_servers"
    if not path.exists():
        return []
    return [line for line in path.read_text().splitlines() if line and line[0] != "#"]


def test_first_use_on_a_terminal_yes_pins_then_no_question(cli, fake_server, certs, state):
    server = fake_server(cert=certs["first"])
    expected = fingerprint(certs["first"][0])
    first = cli(server, "alice", tty=True, tls=True, env=state[1])
    first.wait_line(rf"^  {expected}$", stream="err")   # shown before anything is trusted
    assert server.logins == 0
    first.write("y")
    first.wait_line(rf"^{STAMP} \* connected as alice$")
    assert pins(state[0]) == [f"127.0.0.1:{server.port} {expected}"]
    first.write("/quit")
    assert first.wait() == 0

    # Pinned: the next run (no terminal to ask on) connects without a word about it.
    second = cli(server, "bob", tls=True, env=state[1])
    second.wait_line(rf"^{STAMP} \* connected as bob$")
    second.close_stdin()
    assert second.wait() == 0
    assert not any("fingerprint" in line or "certificate" in line for line in second.err)


def test_first_use_on_a_terminal_no_refuses(cli, fake_server, certs, state):
    server = fake_server(cert=certs["first"])
    proc = cli(server, "alice", tty=True, tls=True, env=state[1])
    proc.wait_line(rf"^  {fingerprint(certs['first'][0])}$", stream="err")
    proc.write("n")
    assert proc.wait() == 1
    assert any("was not trusted" in line for line in proc.err), proc.err
    assert pins(state[0]) == []
    assert server.logins == 0


def test_without_a_terminal_refused_unless_vouched_for(cli, fake_server, certs, state):
    server = fake_server(cert=certs["first"])
    expected = fingerprint(certs["first"][0])
    refused = cli(server, "alice", tls=True, env=state[1])
    refused.close_stdin()
    assert refused.wait() == 1
    assert any(expected in line for line in refused.err), refused.err
    assert any("--trust-fingerprint" in line for line in refused.err), refused.err
    assert server.logins == 0 and pins(state[0]) == []

    wrong = cli(server, "alice", tls=True, env=state[1],
                extra=("--trust-fingerprint", fingerprint(certs["second"][0])))
    wrong.close_stdin()
    assert wrong.wait() == 1
    assert server.logins == 0

    # Any common spelling of the fingerprint: lower case, no colons.
    vouched = cli(server, "alice", tls=True, env=state[1],
                  extra=("--trust-fingerprint", expected.replace(":", "").lower()))
    vouched.wait_line(rf"^{STAMP} \* connected as alice$")
    vouched.close_stdin()
    assert vouched.wait() == 0
    assert pins(state[0]) == [f"127.0.0.1:{server.port} {expected}"]


def test_bad_fingerprint_option_is_a_usage_error(cli, fake_server, certs):
    server = fake_server(cert=certs["first"])
    proc = cli(server, "alice", tls=True, extra=("--trust-fingerprint", "12:34"))
    assert proc.wait() == 2
    assert any("64 hex digits" in line for line in proc.err), proc.err


def test_changed_certificate_refused_until_forgotten(cli, fake_server, certs, state):
    server = fake_server(cert=certs["second"])
    old, new = fingerprint(certs["first"][0]), fingerprint(certs["second"][0])
    pin_file = state[0] / "chat-client" / "known_servers"
    pin_file.parent.mkdir(parents=True)
    pin_file.write_text(f"127.0.0.1:{server.port} {old}\n")

    # Even with a person at the terminal, nothing is asked: refused, both shown.
    proc = cli(server, "alice", tty=True, tls=True, env=state[1])
    assert proc.wait() == 1
    err = "\n".join(proc.err)
    assert "CHANGED" in err and old in err and new in err, err
    assert f"--port {server.port} --forget-certificate" in err, err
    assert "[y/N]" not in err
    assert server.logins == 0 and pins(state[0]) == [f"127.0.0.1:{server.port} {old}"]

    # Forgetting is its own deliberate command...
    forget = cli(server, "alice", env=state[1], extra=("--forget-certificate",))
    assert forget.wait() == 0
    assert pins(state[0]) == []
    again = cli(server, "alice", env=state[1], extra=("--forget-certificate",))
    assert again.wait() == 1                     # nothing left to forget: said so

    # ...after which the new certificate is a first use: asked, and pinned on yes.
    proc = cli(server, "alice", tty=True, tls=True, env=state[1])
    proc.wait_line(rf"^  {new}$", stream="err")
    proc.write("yes")
    proc.wait_line(rf"^{STAMP} \* connected as alice$")
    assert pins(state[0]) == [f"127.0.0.1:{server.port} {new}"]


def test_certificate_from_a_trusted_ca_is_accepted_silently(tmp_path, cli, fake_server,
                                                            state):
    ca, cert, key = ca_signed(tmp_path, "signed")
    server = fake_server(cert=(cert, key))
    trusting = cli(server, "alice", tls=True, env={**state[1], "CHAT_CA_FILE": str(ca)})
    trusting.wait_line(rf"^{STAMP} \* connected as alice$")
    trusting.close_stdin()
    assert trusting.wait() == 0
    assert pins(state[0]) == []                  # nothing to pin: the CA vouches for it
    assert not any("certificate" in line for line in trusting.err)

    # Without the CA the same certificate is just unknown.
    unknown = cli(server, "bob", tls=True, env=state[1])
    unknown.close_stdin()
    assert unknown.wait() == 1
    assert any(fingerprint(cert) in line for line in unknown.err), unknown.err

    # An unreadable CA file is an error in words, never a silent fallback.
    broken = cli(server, "carol", tls=True,
                 env={**state[1], "CHAT_CA_FILE": str(tmp_path / "missing.pem")})
    broken.close_stdin()
    assert broken.wait() == 1
    assert any("CHAT_CA_FILE" in line for line in broken.err), broken.err


def test_tls_client_and_plain_server(cli, fake_server):
    """A TLS client meeting a plain-text server says so in words and exits 1. (The
    reverse, plain text on the TLS port, is answered by the real server: its tests.)"""
    plain_server = fake_server()
    tls_client = cli(plain_server, "bob", tls=True)
    tls_client.close_stdin()
    assert tls_client.wait() == 1
    assert any("TLS" in line for line in tls_client.err), tls_client.err
    assert plain_server.logins == 0


def test_chat_over_tls_with_the_real_server(server_factory, cli):
    """The real chat-server over TLS: one client vouched for with the fingerprint the
    server printed, one asked on its terminal; they chat."""
    server = server_factory(tls=True)
    alice = cli(server, "alice", tls=True, extra=("--trust-fingerprint", server.fingerprint))
    alice.wait_line(rf"^{STAMP} \* connected as alice$")
    bob = cli(server, "bob", tty=True, tls=True)
    bob.wait_line(rf"^  {server.fingerprint}$", stream="err")
    bob.write("y")
    bob.wait_line(rf"^{STAMP} \* connected as bob$")
    alice.write("hello over TLS")
    bob.wait_line(rf"^{STAMP} <alice> hello over TLS$")
    bob.write("/quit")
    assert bob.wait() == 0
    alice.close_stdin()
    assert alice.wait() == 0
