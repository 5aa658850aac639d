"""Fixtures: a real chat-server per test, raw protocol clients and chat-cli processes.

Run: cd /work/main && CHAT_BIN_DIR=$PWD/build /usr/bin/python3 -m pytest -q tests/integration
(CHAT_BIN_DIR=$PWD/build-san runs the same tests against the sanitizer build; each
server's stderr must then be free of sanitizer reports. CHAT_SERVER_WRAPPER runs every
server under a tool such as valgrind -- make test-valgrind -- whose report must then be
clean.)
"""

import os
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import chatproto as P  # noqa: E402
from chatcli import STAMP, Cli, TerminalCli  # noqa: E402
from chatclient import RawClient  # noqa: E402
from chatserver import REDIS_SERVER, SANITIZER_RE, UNDER_VALGRIND, Redis, Server  # noqa: E402
from fakeserver import FakeServer  # noqa: E402


def pytest_collection_modifyitems(config, items):
    """Under valgrind, tests that start the server with a low descriptor limit (the
    low_fd_limit fixture) cannot hold: valgrind keeps descriptors of its own just under
    the soft limit, so the server runs out of them before FD_SETSIZE."""
    if not UNDER_VALGRIND:
        return
    skip = pytest.mark.skip(reason="valgrind reserves descriptors under the soft limit")
    for item in items:
        if "low_fd_limit" in getattr(item, "fixturenames", ()):
            item.add_marker(skip)


@pytest.fixture
def server_factory(tmp_path):
    """start(*options, files_dir=None, preexec_fn=None, guests=True, workdir=None,
    pwhash_memory=19, tls=False) -> Server.
    Every server is stopped at teardown (SIGTERM) and must exit with its expect_exit status
    and a clean stderr. preexec_fn runs in the server's process before it starts (to set a
    resource limit); guests=False leaves out --allow-guests; workdir (default: a new one)
    holds the log, files and database, so passing an earlier server's restarts it on
    the same data; pwhash_memory=None keeps the server's default Argon2 memory; tls: the
    port speaks TLS instead of plain text (--no-tls)."""
    servers = []

    def start(*options, files_dir=None, preexec_fn=None, guests=True, workdir=None,
              pwhash_memory=19, tls=False):
        workdir = workdir or tmp_path / f"server{len(servers)}"
        server = Server(workdir, options, files_dir, preexec_fn, guests=guests,
                        pwhash_memory=pwhash_memory, tls=tls)
        servers.append(server)
        return server

    yield start
    problems = []
    for server in servers:
        try:
            server.stop()
        except AssertionError as exc:
            problems.append(str(exc))
    assert not problems, "\n".join(problems)


@pytest.fixture
def redis(tmp_path):
    """A private redis-server (chatserver.Redis), stopped at teardown. Without
    redis-server the test is skipped in a local run, and fails under CI (CI set), where
    scripts/install-deps installs it."""
    if REDIS_SERVER is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing: scripts/install-deps installs it")
        pytest.skip("redis-server is not installed (scripts/install-deps installs it)")
    instance = Redis(tmp_path / "redis")
    yield instance
    instance.stop()


@pytest.fixture
def server(server_factory):
    """A server with default options."""
    return server_factory()


@pytest.fixture
def connect():
    """connect(server, rcvbuf=None, raw_roles=False, tls=None) -> RawClient; closed at
    teardown. It speaks TLS when the server does, trusting its certificate, unless tls
    (an ssl context, or False for plain text) says otherwise."""
    clients = []

    def make(server, rcvbuf=None, raw_roles=False, tls=None):
        if tls is None:
            tls = server.client_context() if server.tls else None
        client = RawClient(server.port, rcvbuf=rcvbuf, raw_roles=raw_roles, tls=tls or None)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def user(connect):
    """user(server, name) -> a RawClient already logged in as name."""
    def make(server, name):
        client = connect(server)
        client.login(name)
        return client
    return make


@pytest.fixture
def accounts_server(server_factory):
    """accounts_server(*options, workdir=None) -> a Server without --allow-guests."""
    def start(*options, workdir=None):
        return server_factory(*options, guests=False, workdir=workdir)
    return start


@pytest.fixture
def account(connect):
    """account(server, name, password, register=True) -> a RawClient logged in as that
    account (registered first unless register=False); its SESSION is client.session."""
    def make(server, name, password="correct horse battery", register=True):
        client = connect(server)
        if register:
            client.register(name, password)
        else:
            client.password_login(name, password)
        client.session = client.expect_session()
        return client
    return make


@pytest.fixture
def cli(tmp_path):
    """cli(server, user, files_dir=None, extra=(), tty=False, state_dir=None, echo=False,
    tls=False, env=None) -> Cli; killed by PID at teardown if the test left it running.
    tty: stdin is a terminal (chat-cli then reconnects after a loss); state_dir: its
    $XDG_STATE_HOME (where the login and the pinned certificates are kept; share one to
    start "the same user's" chat-cli again); echo: the terminal echoes (as a real one
    does) instead of being quiet; tls: without --no-tls; env: extra variables. server may
    be anything with a .port (a FakeServer too)."""
    procs = []

    def start(server, name, files_dir=None, extra=(), tty=False, state_dir=None, echo=False,
              tls=False, env=None):
        home = tmp_path / f"cli-{name}-{len(procs)}"
        home.mkdir()
        files = Path(files_dir) if files_dir else home / "files"
        files.mkdir(parents=True, exist_ok=True)
        proc = Cli(server.port, name, files, home, extra, tty, state_dir, echo, tls, env)
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        proc.kill()
    reports = [line for proc in procs for line in proc.err if SANITIZER_RE.search(line)]
    assert not reports, f"sanitizer report from chat-cli: {reports}"


@pytest.fixture
def person(cli, server, tmp_path):
    """person(name, register=True, state_dir=None, port=None, extra=(), tty=False) -> a
    chat-cli logged in as name (registered first) with the password "correct horse
    battery", reading piped lines (tty: a terminal, so it reconnects after a loss),
    connected to the module's server (or through port)."""
    def start(name, register=True, state_dir=None, port=None, extra=(), tty=False):
        pw = tmp_path / f"{name}.pw"
        pw.write_text("correct horse battery\n")
        pw.chmod(0o600)
        extra = ["--password-file", str(pw), *(["--register"] if register else []), *extra]
        target = SimpleNamespace(port=port) if port else server
        proc = cli(target, name, extra=extra, state_dir=state_dir, tty=tty)
        proc.wait_line(rf"^{STAMP} \* connected as {re.escape(name)}$")
        return proc
    return start


@pytest.fixture
def terminal_cli(tmp_path):
    """terminal_cli(server, user, extra=(), tls=False, env=None) -> TerminalCli: chat-cli
    with stdin, stdout and stderr on one pseudo-terminal; killed by PID at teardown."""
    procs = []

    def start(server, name, extra=(), tls=False, env=None):
        home = tmp_path / f"term-{name}-{len(procs)}"
        home.mkdir()
        proc = TerminalCli(server.port, name, home / "files", home, extra, tls, env)
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        proc.kill()


@pytest.fixture
def fake_server():
    """fake_server(script=None, cert=None, ...) -> FakeServer (fakeserver.py), stopped at
    teardown."""
    servers = []

    def start(*args, **kwargs):
        server = FakeServer(*args, **kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def room(user):
    """room(server, *names) -> logged-in clients, each having received exactly the
    USER_JOINED notices of the ones after it (checked and consumed)."""
    def make(server, *names):
        clients = []
        for name in names:
            newcomer = user(server, name)
            for earlier in clients:
                earlier.expect(P.USER_JOINED, users=[(newcomer.user_id, name)])
            clients.append(newcomer)
        return clients
    return make
