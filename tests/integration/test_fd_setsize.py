"""More connections than the select() poller can watch (FD_SETSIZE, 1024): those whose
descriptor does not fit are refused with SERVER_FULL and closed, the clients already in
keep chatting, and once the crowd is gone its descriptors serve new connections again.
(test_epoll.py logs a whole crowd in on both pollers; here the crowd stays silent.)"""

import resource

import pytest

import chatproto as P
from chatserver import wait_until
from crowd import Crowd

FD_SETSIZE = 1024
CROWD = 1100


@pytest.fixture
def many_files():
    """Room for CROWD sockets in this test process; the limit is restored afterwards."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = CROWD + 256
    if hard != resource.RLIM_INFINITY and hard < want:
        pytest.skip(f"the hard descriptor limit {hard} leaves no room for {CROWD} sockets")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def chat_round(alice, bob, client_id):
    alice.say(f"round {client_id}", client_id=client_id)
    for c in (alice, bob):
        c.expect(P.TEXT, client_id=client_id, sender="alice")


def test_select_crowd_past_fd_setsize(server_factory, room, many_files):
    # No silent member is dropped for its silence, nor a newcomer for coming too soon
    # after the crowd (test_connection_limits.py covers the connection rate).
    server = server_factory("--max-clients", str(CROWD + 10), "--handshake-timeout", "600",
                            "--connect-limit", "10000:10000")
    alice, bob = room(server, "alice", "bob")
    with Crowd(server.port, CROWD, "silent") as crowd:
        members = crowd.members

        def settled():
            admitted = sum(line.endswith(" connect") for line in server.log_lines()) - 2
            return admitted + sum(m.closed for m in members) == CROWD
        crowd.pump(settled, "every connection admitted or refused")
        refused = [m for m in members if m.closed]
        assert CROWD - FD_SETSIZE < len(refused) < CROWD - FD_SETSIZE + 32, len(refused)
        for m in refused:
            assert [(f.type, f.code) for f in m.frames] == [(P.ERROR, P.E_SERVER_FULL)]
        assert not any(m.frames for m in members if not m.closed)
        for client_id in range(1, 4):
            chat_round(alice, bob, client_id)
        admitted = CROWD - len(refused)
    # The crowd hung up: once the server has seen every close, its descriptors are free
    # for newcomers.
    wait_until(lambda: sum(" disconnect (closed by peer)" in line
                           for line in server.log_lines()) == admitted,
               what="the server to see the crowd hang up")
    with Crowd(server.port, 100, "later") as later:
        for i, m in enumerate(later.members):
            m.send(P.encode(P.PING, token=i))
        later.pump(lambda: all(m.frames or m.closed for m in later.members), "100 answers")
        assert [[(f.type, f.fields) for f in m.frames] for m in later.members] == [
            [(P.PONG, {"token": i})] for i in range(100)]
    chat_round(alice, bob, 4)
