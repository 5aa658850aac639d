"""Accounts: registration, password and token logins, throttling, sessions, invites, the
Argon2 parameters and the bound on password checks in flight. Real server, real
sockets, real database (the server's working directory)."""

import re
import subprocess
import time

import pytest

import chatproto as P
from chatfs import immutable
from chatserver import SLOWDOWN, TIMEOUT, binary, wait_until
from chatstore import DB_NAME

PASSWORD = "correct horse battery"


def argon2_runs(line):
    return int(re.search(r"argon2_runs=(\d+)", line).group(1))


def test_register_login_and_wrong_password(accounts_server, account, connect):
    server = accounts_server()
    alice = account(server, "alice")
    assert alice.session.role == P.ROLE_ADMIN             # the first account
    assert alice.session.account_id == 1
    now = time.time() * 1000
    assert now + 29.9 * 86400e3 < alice.session.expires_ms < now + 30.1 * 86400e3
    bob = account(server, "bob")
    assert bob.session.role == P.ROLE_MEMBER
    assert bob.session.token != alice.session.token
    bob.goodbye()
    bob.expect_closed()

    again = account(server, "bob", register=False)
    assert again.session.account_id == bob.session.account_id
    assert again.session.token != bob.session.token       # a fresh session each login

    for name, password in (("bob", "wrong password"), ("nobody", PASSWORD)):
        client = connect(server)
        client.password_login(name, password)
        err = client.expect_error(P.E_WRONG_PASSWORD, P.LOGIN)
        assert err.message == "Wrong name or password."  # unknown names are not told apart
        client.expect_quiet()                             # the connection stays


def test_token_login_after_restart_costs_no_argon2(accounts_server, account, connect):
    server = accounts_server()
    token = account(server, "alice").session.token
    server.stop()
    server = accounts_server(workdir=server.workdir)
    client = connect(server)
    client.token_login(token)
    session = client.expect_session()
    assert session.token == token and session.username == "alice"
    line = server.wait_log(r"account login id=1 .*method=token")
    assert argon2_runs(line) == 0, line


def test_logout_revokes_the_token(accounts_server, account, connect):
    server = accounts_server()
    alice = account(server, "alice")
    alice.send_frame(P.LOGOUT, request_id=5, scope=P.LOGOUT_THIS)
    alice.expect(P.DONE, request_id=5, request_type=P.LOGOUT)
    alice.expect_closed()
    client = connect(server)
    client.token_login(alice.session.token)
    client.expect_error(P.E_TOKEN_INVALID, P.LOGIN_TOKEN)
    account(server, "alice", register=False)               # the password still works


def test_password_change_revokes_every_token(accounts_server, account, connect):
    server = accounts_server()
    first = account(server, "alice")
    first.goodbye()
    alice = account(server, "alice", register=False)
    old_tokens = [first.session.token, alice.session.token]

    alice.send_frame(P.PASSWORD_CHANGE, request_id=1, old_password=PASSWORD,
                     new_password="alice")
    alice.expect_error(P.E_PASSWORD_WEAK, P.PASSWORD_CHANGE, 1)
    alice.send_frame(P.PASSWORD_CHANGE, request_id=2, old_password="not it at all",
                     new_password="a brand new secret")
    alice.expect_error(P.E_WRONG_PASSWORD, P.PASSWORD_CHANGE, 2)
    alice.send_frame(P.PASSWORD_CHANGE, request_id=3, old_password=PASSWORD,
                     new_password="a brand new secret")
    fresh = alice.expect(P.SESSION)
    assert fresh.token not in old_tokens

    for token in old_tokens:
        client = connect(server)
        client.token_login(token)
        client.expect_error(P.E_TOKEN_INVALID, P.LOGIN_TOKEN)
    client = connect(server)
    client.password_login("alice", PASSWORD)
    client.expect_error(P.E_WRONG_PASSWORD, P.LOGIN)
    client.token_login(fresh.token)                       # replaces alice's connection
    client.expect_session()
    alice.expect_error(P.E_SESSION_REPLACED)
    alice.expect_closed()


def test_failed_logins_are_throttled_then_recover(accounts_server, account, connect):
    rate = 0.5 / SLOWDOWN                                  # 2 s a token; more when slowed
    server = accounts_server("--login-limit", f"{rate}:3", # burst 3, then one token per
                             "--limit-loopback",          # 1/rate s (loopback is exempt
                                                          # per address otherwise)
                             "--handshake-timeout", "120")  # waits longer than 10 s slowed
    account(server, "alice")
    client = connect(server)
    for _ in range(3):
        client.password_login("alice", "guess guess guess")
        client.expect_error(P.E_WRONG_PASSWORD, P.LOGIN)
    client.password_login("alice", PASSWORD)              # even the right one must wait
    err = client.expect_error(P.E_THROTTLED, P.LOGIN)
    assert 1 <= err.ref_id <= 1 / rate and f"{err.ref_id} second" in err.message, err
    other = connect(server)                               # same address, other name
    other.password_login("bob", "guess guess guess")
    other.expect_error(P.E_THROTTLED, P.LOGIN)

    throttled_at = time.monotonic()

    def logged_in():
        client.password_login("alice", PASSWORD)
        frame = client.recv()
        if frame.type == P.ERROR:
            assert frame.code == P.E_THROTTLED, frame
            return None
        return frame
    session = wait_until(logged_in, what="the throttle to let alice in", interval=0.2)
    assert session.type == P.SESSION
    assert time.monotonic() - throttled_at >= 1.0          # it did have to wait


def test_registrations_are_throttled_per_address(accounts_server, account, connect):
    server = accounts_server("--register-limit", "0.001:2", "--limit-loopback")
    account(server, "ann")
    account(server, "ben")
    client = connect(server)
    client.register("cat", PASSWORD)
    err = client.expect_error(P.E_THROTTLED, P.REGISTER)
    assert err.ref_id >= 900 and "registrations" in err.message


def test_invites(accounts_server, account, connect, tmp_path):
    workdir = tmp_path / "invites"
    workdir.mkdir()
    made = subprocess.run([binary("chat-server"), "--data-dir", str(workdir),
                           "--pwhash-memory", "19", "--create-admin", "root"],
                          input=b"an admin password\n", capture_output=True, timeout=TIMEOUT)
    assert made.returncode == 0, made
    shell = subprocess.run([binary("chat-server"), "--data-dir", str(workdir),
                            "--create-invite"], capture_output=True, timeout=TIMEOUT)
    assert shell.returncode == 0, shell
    shell_code = shell.stdout.decode().strip()
    assert re.fullmatch(r"[a-z2-9]{5}(-[a-z2-9]{5}){3}", shell_code), shell_code

    server = accounts_server("--registration", "invite", workdir=workdir)
    client = connect(server)
    client.register("carol", PASSWORD)
    client.expect_error(P.E_INVITE_REQUIRED, P.REGISTER)
    client.register("carol", PASSWORD, invite="not-a-code")
    client.expect_error(P.E_INVITE_INVALID, P.REGISTER)

    root = account(server, "root", "an admin password", register=False)
    assert root.session.role == P.ROLE_ADMIN
    root.send_frame(P.INVITE_CREATE, request_id=9, valid_minutes=60)
    invite = root.expect(P.INVITE, request_id=9)
    assert time.time() * 1000 + 59 * 60e3 < invite.expires_ms < time.time() * 1000 + 61 * 60e3

    client.register("carol", PASSWORD, invite=invite.code)
    assert client.expect_session().role == P.ROLE_MEMBER
    client.send_frame(P.INVITE_CREATE, request_id=1, valid_minutes=0)
    client.expect_error(P.E_NOT_ALLOWED, P.INVITE_CREATE, 1)
    again = connect(server)
    again.register("dave", PASSWORD, invite=invite.code)  # single use
    again.expect_error(P.E_INVITE_INVALID, P.REGISTER)
    again.register("dave", PASSWORD, invite=shell_code)
    again.expect_session()


def test_registration_closed(accounts_server, connect):
    server = accounts_server("--registration", "closed")
    client = connect(server)
    client.register("alice", PASSWORD)
    client.expect_error(P.E_REGISTRATION_CLOSED, P.REGISTER)


def test_weak_passwords_refused(accounts_server, connect):
    server = accounts_server()
    client = connect(server)
    for password in ("short", "alice", "ALICE", "password123", "Password123", "qwertyuiop"):
        client.register("alice", password)
        err = client.expect_error(P.E_PASSWORD_WEAK, P.REGISTER)
        assert "password" in err.message.lower()
    client.register("alice", "Tr0ub4dor&3 is fine")       # no composition rules either way
    client.expect_session()


def test_default_argon2_parameters_and_rehash(server_factory, accounts_server, account):
    server = server_factory(guests=False, pwhash_memory=None)
    server.wait_log(r"accounts registration=open guests=off argon2id m=65536 KiB t=2 ")
    server.stop()
    server = accounts_server()                              # 19 MiB
    account(server, "alice")
    server.stop()
    server = accounts_server("--pwhash-memory", "20", workdir=server.workdir)
    account(server, "alice", register=False)
    server.wait_log(r"password hash upgraded")
    line = server.wait_log(r"account login id=1 .*method=password")
    assert argon2_runs(line) == 2, line                     # the check, then the new hash


def test_busy_past_the_bound_then_retry(accounts_server, account, connect):
    ops = "12" if SLOWDOWN == 1 else "2"                    # each check ~0.3 s or more
    server = accounts_server("--max-pending-logins", "1", "--hash-threads", "1",
                             "--pwhash-ops", ops)
    account(server, "alice").goodbye()
    first, second = connect(server), connect(server)
    login = P.encode(P.LOGIN, version=P.VERSION, features=0, username="alice",
                     password=PASSWORD, agent="pytest/1")
    first.send(login + login)              # both before any answer: while the first is
    second.send(login)                     # hashing, the second from the same connection
    first.expect_error(P.E_BUSY, P.LOGIN)  # and the one past the bound are refused
    err = second.expect_error(P.E_BUSY, P.LOGIN)
    assert err.ref_id == 1 and "try again" in err.message
    first.expect_session()
    second.password_login("alice", PASSWORD)              # the retry goes through
    second.expect_session()
    first.expect_error(P.E_SESSION_REPLACED)


def test_loop_answers_while_hashing(accounts_server, account, connect):
    server = accounts_server("--hash-threads", "1",
                             "--pwhash-ops", "12" if SLOWDOWN == 1 else "2")
    account(server, "alice").goodbye()
    hasher, pinger = connect(server), connect(server)
    hasher.password_login("alice", PASSWORD)
    started = time.monotonic()
    pinger.send_frame(P.PING, token=42)
    pinger.expect(P.PONG, token=42)
    pong_after = time.monotonic() - started
    hasher.expect_session()
    login_after = time.monotonic() - started
    assert pong_after < login_after, (pong_after, login_after)  # not queued behind Argon2


def test_registration_not_stored_is_not_acknowledged(accounts_server, account, connect,
                                                      tmp_path):
    data = tmp_path / "data"
    server = accounts_server("--data-dir", str(data))
    alice = account(server, "alice")
    with immutable(data / DB_NAME, data / f"{DB_NAME}-wal", data) as frozen:
        if not frozen:
            pytest.skip("chattr +i is not available here")
        bob = connect(server)
        bob.register("bob", PASSWORD)
        bob.expect_error(P.E_STORAGE, P.REGISTER)        # no SESSION, no WELCOME
        bob.expect_closed()
        alice.expect_quiet()                              # nobody heard of bob
    client = connect(server)
    client.register("bob", PASSWORD)                      # the name was never taken
    assert client.expect_session().role == P.ROLE_MEMBER
