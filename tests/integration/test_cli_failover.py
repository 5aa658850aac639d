"""chat-cli given several servers (--server host:port,host:port, the nodes of one chat):
the first that answers is used, a lost connection moves to the next at once with the
texts not yet acknowledged, and only when none answers does the login fail."""

import contextlib
import socket
import subprocess
import types

import chatproto as P
from chatcli import STAMP, command
from chatserver import TIMEOUT


@contextlib.contextmanager
def refusing_port():
    """A loopback port bound and never listening: a connection to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        yield probe.getsockname()[1]


def servers(*ports):
    """What cli() takes for a list of servers: --server's text."""
    return types.SimpleNamespace(port=",".join(f"127.0.0.1:{port}" for port in ports))


def connected(port):
    return rf"^{STAMP} \* connected as alice to 127\.0\.0\.1:{port}$"


def test_the_first_server_that_answers_is_used(server, cli, user):
    watcher = user(server, "watcher")
    with refusing_port() as dead:
        alice = cli(servers(dead, server.port), "alice")
        alice.wait_line(connected(server.port))
    assert any(f"cannot connect to 127.0.0.1 port {dead}" in line and
               f"trying 127.0.0.1:{server.port}" in line for line in alice.err), alice.err
    alice.write("found you")
    alice.close_stdin()
    assert alice.wait() == 0, alice.err
    watcher.expect(P.USER_JOINED)
    watcher.expect(P.TEXT, sender="alice", text="found you")


def test_a_lost_connection_moves_to_the_next_server_with_the_unsent_texts(
        server_factory, cli, user):
    first, second = server_factory(), server_factory()
    watcher = user(second, "watcher")
    # From a pipe chat-cli never waits to reconnect, yet it fails over: that is at once.
    alice = cli(servers(first.port, second.port), "alice")
    alice.wait_line(connected(first.port))
    first.stop()
    alice.write("written while the first server was gone")
    alice.wait_line(rf"trying 127\.0\.0\.1:{second.port}$", stream="err")
    alice.wait_line(connected(second.port))
    alice.write("and one more")
    alice.close_stdin()
    assert alice.wait() == 0, alice.err
    watcher.expect(P.USER_JOINED)
    watcher.expect(P.TEXT, sender="alice", text="written while the first server was gone")
    watcher.expect(P.TEXT, sender="alice", text="and one more")
    watcher.expect(P.USER_LEFT)
    watcher.expect_quiet()


def test_when_no_server_answers_the_login_fails_with_each_reason(cli):
    with refusing_port() as one, refusing_port() as two:
        lost = cli(servers(one, two), "alice")
        lost.close_stdin()
        assert lost.wait() == 1
    said = "\n".join(lost.err)
    assert f"cannot connect to 127.0.0.1 port {one}" in said
    assert f"trying 127.0.0.1:{two}" in said
    assert f"cannot connect to 127.0.0.1 port {two}" in said


def test_server_lists_are_checked(tmp_path):
    def run(*where):
        cmd = command(1234, "alice", tmp_path)
        at = cmd.index("--host")
        cmd[at:at + 4] = where
        return subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)

    both = run("--server", "127.0.0.1:1", "--host", "127.0.0.1")
    assert both.returncode == 2 and "not both" in both.stderr
    bad_port = run("--server", "127.0.0.1:1,127.0.0.1:70000")
    assert bad_port.returncode == 2 and "from 1 to 65535" in bad_port.stderr
    empty = run("--server", "127.0.0.1:1,")
    assert empty.returncode == 2 and "host:port" in empty.stderr
    many = run("--server", ",".join(f"127.0.0.1:{port}" for port in range(1, 18)))
    assert many.returncode == 2 and "at most 16 servers" in many.stderr
