"""Accounts across cluster nodes (docs/CLUSTER.md): a name registered on two nodes at once
makes one account everywhere, a session made on one node logs in on another and a logout
ends it everywhere, and moderation on one node acts on a user connected to another."""

import subprocess
import threading
import time

import chatproto as P
from chatclient import RawClient
from chatserver import TIMEOUT, binary, wait_until
from chatstore import query
from chatcluster import account, moderate, notice_of, registered, seeded_nodes, start_node


def test_same_name_registered_on_two_nodes_at_once_makes_one_account(server_factory,
                                                                      redis, tmp_path):
    nodes = seeded_nodes(server_factory, redis, tmp_path, count=3)
    for attempt in range(3):
        name = f"racer{attempt}"
        clients = [RawClient(node.port) for node in nodes[:2]]
        start = threading.Barrier(len(clients))

        def register(client, password):
            start.wait()
            client.register(name, password)

        threads = [threading.Thread(target=register, args=(c, f"long password {n}"))
                   for n, c in enumerate(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        outcomes = []
        for client in clients:
            frame = client.recv()
            if frame.type == P.ERROR:
                assert frame.code == P.E_NAME_TAKEN, frame
                outcomes.append("taken")
            else:
                assert frame.type == P.SESSION, frame
                client.expect_welcome()
                outcomes.append("registered")
        assert sorted(outcomes) == ["registered", "taken"]
        for node in nodes:
            wait_until(lambda: query(node.workdir, "SELECT count(*) FROM accounts WHERE "
                                     f"name = '{name}'") == [(1,)], what="one account")
    ids = {tuple(query(node.workdir, "SELECT id, name, pw_hash FROM accounts ORDER BY id"))
           for node in nodes}
    assert len(ids) == 1, "every node holds the same accounts and hashes"


def test_a_session_made_on_one_node_logs_in_on_another_and_logout_ends_it_everywhere(
        server_factory, redis, tmp_path):
    one, two, three = seeded_nodes(server_factory, redis, tmp_path, count=3)
    newcomer = RawClient(one.port)
    newcomer.register("newcomer", "another long password")
    token = newcomer.expect_session().token
    entries = redis.command("XRANGE", "chat:events", "-", "+")
    raw = b"".join(v for _, fields in entries for v in fields if isinstance(v, bytes))
    assert token not in raw and b"another long password" not in raw, "only hashes travel"
    failover = RawClient(two.port)  # the client lost node 1 and keeps its login
    failover.token_login(token)
    assert failover.expect_session().username == "newcomer"
    newcomer.send_frame(P.LOGOUT, request_id=5, scope=P.LOGOUT_ALL)  # every session, on every node
    newcomer.wait_for(P.DONE, skip=(P.USER_JOINED,))  # presence crosses nodes
    for node in (two, three):
        late = RawClient(node.port)
        wait_until(lambda: query(node.workdir, "SELECT count(*) FROM sessions s JOIN accounts "
                                 "a ON a.id = s.account_id WHERE a.name = 'newcomer'")
                   == [(0,)], what="the sessions revoked")
        late.token_login(token)
        late.expect_error(P.E_TOKEN_INVALID, P.LOGIN_TOKEN)


def test_moderation_on_node_1_acts_on_node_3(server_factory, redis, tmp_path):
    one, _, three = seeded_nodes(server_factory, redis, tmp_path, count=3)
    bob = registered(three, "bob")
    admin = account(one)
    moderate(admin, 1, P.MOD_ROLE, "bob", value=P.ROLE_MODERATOR)
    assert notice_of(bob, P.MOD_ROLE).value == P.ROLE_MODERATOR
    bob.sync()  # the USER_ROLE that followed the notice is applied to bob.roles
    assert bob.roles[bob.user_id] == P.ROLE_MODERATOR
    moderate(admin, 3, P.MOD_MUTE, "bob", value=10, reason="calm down")
    assert notice_of(bob, P.MOD_MUTE).value == 10
    bob.say("hello?", client_id=7)
    muted = bob.wait_for(P.ERROR, skip=(P.NOTICE, P.USER_ROLE, P.USER_JOINED))[0]
    assert muted.code == P.E_MUTED and "10 more minutes" in muted.message
    moderate(admin, 4, P.MOD_BAN, "bob", reason="spam")
    done = time.monotonic()
    error = bob.wait_for(P.ERROR, timeout=1.0, skip=(P.NOTICE, P.USER_ROLE, P.USER_LEFT))[0]
    bob.expect_closed(timeout=max(done + 1.0 - time.monotonic(), 0.001))
    assert error.code == P.E_BANNED and "spam" in error.message
    assert time.monotonic() - done < 1.0, "disconnected on node 3 within a second of DONE"
    for node in (one, three):
        assert query(node.workdir, "SELECT banned, role FROM accounts WHERE name = 'bob'") \
            == [(1, P.ROLE_MODERATOR)]


def test_invite_only_registration_with_a_code_made_on_another_node(server_factory, redis,
                                                                   tmp_path):
    one, two, three = seeded_nodes(server_factory, redis, tmp_path, count=3,
                                   extra=("--registration", "invite"))
    admin = account(one)
    admin.send_frame(P.INVITE_CREATE, request_id=1, valid_minutes=60)
    code = admin.wait_for(P.INVITE)[0].code
    for node in (two, three):  # known there once applied (INVITE came from node 1)
        wait_until(lambda: query(node.workdir, "SELECT count(*) FROM invites") == [(1,)],
                   what="the invite on every node")
    newcomer = RawClient(three.port)
    newcomer.register("carol", "a long enough password")
    newcomer.expect_error(P.E_INVITE_REQUIRED, P.REGISTER)
    newcomer.register("carol", "a long enough password", invite=code)
    assert newcomer.expect_session().role == P.ROLE_MEMBER
    again = RawClient(two.port)  # single use, on every node
    wait_until(lambda: query(two.workdir, "SELECT count(*) FROM accounts WHERE name = 'carol'")
               == [(1,)], what="carol's account on node 2")
    again.register("dave", "a long enough password", invite=code)
    again.expect_error(P.E_INVITE_INVALID, P.REGISTER)


def test_accounts_and_invites_are_not_made_from_the_shell_on_a_node_that_applied_entries(
        server_factory, redis, tmp_path):
    node = start_node(server_factory, redis, 1)
    registered(node, "bob")  # its entries applied: the store follows the stream now
    node.stop()
    before = query(node.workdir, "SELECT id, name FROM accounts")
    for command, stdin in ((["--create-admin", "root"], "an admin password\n"),
                           (["--create-invite"], "")):
        made = subprocess.run([binary("chat-server"), "--pwhash-memory", "19", *command,
                               "--data-dir", str(node.workdir)], input=stdin,
                              capture_output=True, text=True, timeout=TIMEOUT)
        assert made.returncode == 1 and "would exist on this node alone" in made.stderr, made
    assert query(node.workdir, "SELECT id, name FROM accounts") == before
    assert query(node.workdir, "SELECT count(*) FROM invites") == [(0,)]
