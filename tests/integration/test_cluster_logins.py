"""Logins while their entry is on its way (docs/CLUSTER.md, sections 5 and 8): a
connection whose password login waits for its SESSION_ADD entry, or whose registration
waits for its ACCOUNT_CREATE entry, takes no other login meanwhile; a session entry that
lands after its login was refused with ERROR 80 applies on every node as a row whose
token nobody holds, and a registration's as an account, sending nothing to anyone."""

import hashlib
import select

import chatproto as P
from chatclient import RawClient
from chatcluster import ADMIN, ADMIN_PASSWORD, seeded_nodes
from chatserver import TIMEOUT, paused, wait_until
from chatstore import query

PACE = 0.02   # seconds between two login tries of the probing client
SESSIONS = "SELECT token_hash FROM sessions ORDER BY token_hash"
NEWCOMER, PASSWORD = "newcomer", "a long enough password"
NEWCOMER_ROW = f"SELECT name FROM accounts WHERE name = '{NEWCOMER}'"
NEWCOMER_SESSIONS = ("SELECT token_hash FROM sessions JOIN accounts ON accounts.id = "
                     f"sessions.account_id WHERE accounts.name = '{NEWCOMER}'")


def logged_in(node):
    """A password login through node; returns (client, token)."""
    client = RawClient(node.port)
    client.password_login(ADMIN, ADMIN_PASSWORD)
    return client, client.expect_session().token


def busy_until_refused(probe, token, ref_type):
    """Tries a token login again and again on probe, whose login of ref_type waits for
    its entry: every try is answered BUSY until that login's refusal, which is
    returned."""
    while True:
        probe.token_login(token)
        frame = probe.recv(TIMEOUT)
        if frame.type != P.ERROR or frame.code != P.E_BUSY:
            break
        assert frame.ref_type == P.LOGIN_TOKEN, frame
        select.select([probe.sock], [], [], PACE)
    assert frame.type == P.ERROR and (frame.code, frame.ref_type) == \
        (P.E_CLUSTER_UNAVAILABLE, ref_type), frame
    return frame


def token_login_taken(probe, token):
    """The refusal ended probe's login: a token login is taken now (the last try's
    answer may still be on its way)."""
    trailing = [f for f in probe.sync() if f.type in (P.ERROR, P.SESSION)]
    if not any(f.type == P.SESSION for f in trailing):
        assert all(f.code == P.E_BUSY for f in trailing), trailing
        probe.token_login(token)
        assert probe.expect_session().token == token


def test_a_login_waiting_for_its_entry_takes_no_second_login(server_factory, redis,
                                                              tmp_path):
    one, two = seeded_nodes(server_factory, redis, tmp_path, count=2)
    first, token = logged_in(one)
    first.close()
    probe = RawClient(one.port)
    with paused(redis):
        probe.password_login(ADMIN, ADMIN_PASSWORD)  # its entry cannot be read back
        busy_until_refused(probe, token, P.LOGIN)
    token_login_taken(probe, token)
    # The refused login's entry landed all the same once Redis ran again: a session row
    # on both nodes whose token was wiped when its login was refused.
    mine = hashlib.sha256(token).digest()
    for node in (one, two):
        wait_until(lambda: len(query(node.workdir, SESSIONS)) == 2,
                   what="the late session row on every node")
        assert (mine,) in query(node.workdir, SESSIONS)
    probe.expect_quiet()  # and it sent nothing: no second SESSION


def test_a_registration_waiting_for_its_entry_takes_no_login(server_factory, redis,
                                                             tmp_path):
    one, two = seeded_nodes(server_factory, redis, tmp_path, count=2)
    first, token = logged_in(one)
    first.close()
    probe = RawClient(one.port)
    with paused(redis):
        probe.register(NEWCOMER, PASSWORD)  # its entry cannot be read back
        busy_until_refused(probe, token, P.REGISTER)
    token_login_taken(probe, token)
    # The refused registration's entry landed all the same: the account on both nodes,
    # with no session, and no SESSION for it on the connection that asked.
    for node in (one, two):
        wait_until(lambda: query(node.workdir, NEWCOMER_ROW) == [(NEWCOMER,)],
                   what="the late account on every node")
        assert query(node.workdir, NEWCOMER_SESSIONS) == []
    probe.expect_quiet()
    # The account is there to log in with, on either node, and its name is taken.
    later = RawClient(two.port)
    later.password_login(NEWCOMER, PASSWORD)
    assert later.expect_session().username == NEWCOMER
    again = RawClient(one.port)
    again.register(NEWCOMER, PASSWORD)
    assert again.wait_for(P.ERROR)[0].code == P.E_NAME_TAKEN


def test_a_registration_refused_at_once_frees_its_connection(server_factory, redis,
                                                             tmp_path):
    """With the stream known to be down, the append is refused at once: ERROR 80, and the
    connection takes the next login (a token login needs no entry)."""
    one, = seeded_nodes(server_factory, redis, tmp_path, count=1)
    first, token = logged_in(one)
    with paused(redis):
        first.say("probe", client_id=1)  # unanswered: the link goes down meanwhile
        frame = first.wait_for(P.ERROR, skip=(P.TEXT,))[0]
        assert frame.code == P.E_CLUSTER_UNAVAILABLE, frame
        one.wait_log("cluster: the stream is down")
        probe = RawClient(one.port)
        probe.register(NEWCOMER, PASSWORD)
        frame = probe.recv(TIMEOUT)
        assert (frame.type, frame.code, frame.ref_type) == \
            (P.ERROR, P.E_CLUSTER_UNAVAILABLE, P.REGISTER), frame
        one.wait_log("REGISTER refused, the cluster is unavailable: the stream is down")
        probe.token_login(token)
        assert probe.expect_session().token == token
    assert query(one.workdir, NEWCOMER_ROW) == []  # never appended: no account
