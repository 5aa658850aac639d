"""Fixtures for the end-to-end GUI tests: a real chat-server and real chat-client
windows per test, all stopped by PID at teardown.

Run inside the virtual session:
  CHAT_BIN_DIR=$PWD/build tests/gui/xsession /usr/bin/python3 -m pytest -q tests/gui
or on pytest-xdist workers, each starting its own session (worker_session.py):
  CHAT_BIN_DIR=$PWD/build /usr/bin/python3 -m pytest -q -n 2 --dist loadfile tests/gui
"""

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import worker_session  # noqa: E402

worker_session.enter()   # before chatgui touches the display or the accessibility bus

from chatgui import PASSWORD, Client, DesktopNotifications, Server  # noqa: E402
from chatclient import RawClient  # noqa: E402


def pytest_sessionstart(session):
    if session.config.getoption("dist", "no") != "no" and not os.environ.get(
            "PYTEST_XDIST_WORKER"):
        return   # the xdist controller runs no test; each worker has its own session
    # A GUI test without its display or accessibility bus must fail, never skip.
    assert os.environ.get("DISPLAY"), "no DISPLAY: run the GUI tests under tests/gui/xsession"
    assert os.environ.get("DBUS_SESSION_BUS_ADDRESS"), "no session bus: use tests/gui/xsession"


@pytest.fixture(scope="session", autouse=True)
def activation_home(tmp_path_factory):
    """Services the session bus starts on demand (GNOME Keyring, when a client looks up
    its login) keep their files in this run's temporary folder, not in the user's home."""
    home = tmp_path_factory.mktemp("activation")
    (home / "run").mkdir(mode=0o700)
    subprocess.run(["dbus-update-activation-environment", f"XDG_DATA_HOME={home / 'data'}",
                    f"XDG_RUNTIME_DIR={home / 'run'}"], check=True)
    return home


@pytest.fixture(scope="session", autouse=True)
def notifications():
    """The desktop's notification service for the whole run (clients notify when their
    window is not focused); tests read what it received."""
    service = DesktopNotifications()
    yield service
    service.stop()


@contextlib.contextmanager
def servers_in(directory):
    """start(port=0, guests=True, args=(), tls=False) -> Server in directory; every server
    still running is stopped on leaving. guests=False: accounts only, as deployed (no
    --allow-guests); args: more options (a shared --data-dir restarts a server on the
    same database); tls: over TLS, else --no-tls."""
    servers = []

    def start(port=0, guests=True, args=(), tls=False):
        server = Server(directory / f"server{len(servers)}", args, port=port, guests=guests,
                        tls=tls)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@contextlib.contextmanager
def clients_in(directory):
    """start(port, user, connect=True, name=None, extra_args=(), **kwargs) -> Client
    working in directory (kwargs: see Client); all stopped on leaving."""
    clients = []

    def start(port, user, connect=True, name=None, extra_args=(), **kwargs):
        workdir = directory / (name or user or f"client{len(clients)}")
        client = Client(workdir, port, user, connect, extra_args, **kwargs)
        clients.append(client)
        return client

    yield start
    for client in clients:
        client.stop()


@pytest.fixture
def server_factory(tmp_path):
    """Servers for one test (servers_in)."""
    with servers_in(tmp_path) as start:
        yield start


@pytest.fixture(scope="module")
def module_server_factory(tmp_path_factory):
    """Servers for all the tests of a module (servers_in)."""
    with servers_in(tmp_path_factory.mktemp("servers")) as start:
        yield start


@pytest.fixture
def server(server_factory):
    return server_factory()


@pytest.fixture
def client_factory(tmp_path):
    """chat-client windows for one test (clients_in)."""
    with clients_in(tmp_path) as start:
        yield start


@pytest.fixture(scope="module")
def module_client_factory(tmp_path_factory):
    """chat-client windows shared by the tests of a module (clients_in): starting and
    stopping a sanitized chat-client is most of a short test's time. The tests of the
    module then run on one worker (--dist loadfile)."""
    with clients_in(tmp_path_factory.mktemp("clients")) as start:
        yield start


@pytest.fixture
def raw_account():
    """raw_account(server, name) -> a RawClient registered (PASSWORD) and logged in as
    name; all closed at teardown."""
    clients = []

    def make(server, name):
        client = RawClient(server.port)
        clients.append(client)
        client.register(name, PASSWORD)
        client.session = client.expect_session()
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def raw_guest():
    """make(server, name) -> a RawClient logged in to server as the guest name; all closed
    at teardown."""
    clients = []

    def make(server, name):
        client = RawClient(server.port)
        clients.append(client)
        client.login(name)
        return client

    yield make
    for client in clients:
        client.close()

