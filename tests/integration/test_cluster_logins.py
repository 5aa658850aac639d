"""Logins while their session's entry is on its way (docs/CLUSTER.md, sections 5 and 8):
a connection whose password login waits for its SESSION_ADD entry takes no other login
meanwhile, and a session entry that lands after its login was refused with ERROR 80
applies on every node as a row whose token nobody holds, sending nothing to anyone."""

import hashlib
import select

import chatproto as P
from chatclient import RawClient
from chatcluster import ADMIN, ADMIN_PASSWORD, seeded_nodes
from chatserver import TIMEOUT, paused, wait_until
from chatstore import query

PACE = 0.02   # seconds between two login tries of the probing client
SESSIONS = "SELECT token_hash FROM sessions ORDER BY token_hash"


def logged_in(node):
    """A password login through node; returns (client, token)."""
    client = RawClient(node.port)
    client.password_login(ADMIN, ADMIN_PASSWORD)
    return client, client.expect_session().token


def test_a_login_waiting_for_its_entry_takes_no_second_login(server_factory, redis,
                                                              tmp_path):
    one, two = seeded_nodes(server_factory, redis, tmp_path, count=2)
    first, token = logged_in(one)
    first.close()
    probe = RawClient(one.port)
    with paused(redis):
        probe.password_login(ADMIN, ADMIN_PASSWORD)  # its entry cannot be read back
        while True:  # a token login tried again and again: busy until the first ends
            probe.token_login(token)
            frame = probe.recv(TIMEOUT)
            if frame.type != P.ERROR or frame.code != P.E_BUSY:
                break
            assert frame.ref_type == P.LOGIN_TOKEN, frame
            select.select([probe.sock], [], [], PACE)
        assert frame.type == P.ERROR and (frame.code, frame.ref_type) == \
            (P.E_CLUSTER_UNAVAILABLE, P.LOGIN), frame
    # The refusal ended the first login: a token login is taken now (the last try's
    # answer may still be on its way).
    trailing = [f for f in probe.sync() if f.type in (P.ERROR, P.SESSION)]
    if not any(f.type == P.SESSION for f in trailing):
        assert all(f.code == P.E_BUSY for f in trailing), trailing
        probe.token_login(token)
        assert probe.expect_session().token == token
    # The refused login's entry landed all the same once Redis ran again: a session row
    # on both nodes whose token was wiped when its login was refused.
    mine = hashlib.sha256(token).digest()
    for node in (one, two):
        wait_until(lambda: len(query(node.workdir, SESSIONS)) == 2,
                   what="the late session row on every node")
        assert (mine,) in query(node.workdir, SESSIONS)
    probe.expect_quiet()  # and it sent nothing: no second SESSION
