"""Roles and moderation: promote and demote, ban (kept across restarts), unban, kick,
mute, delete, who may do what, the NOTICE everyone sees, USER_ROLE in the roster, and
one connection per account."""

import chatproto as P

PASSWORD = "correct horse battery"


def moderate(client, request_id, action, target, value=0, reason=""):
    client.send_frame(P.MODERATE, request_id=request_id, action=action, value=value,
                      target=target, reason=reason)


def expect_done_and_notice(actor, request_id, action, target, value=0, reason=""):
    actor.expect(P.DONE, request_id=request_id, request_type=P.MODERATE)
    return actor.expect(P.NOTICE, action=action, actor=actor.name, target=target,
                        value=value, reason=reason)


def test_ban_survives_a_restart_and_unban(accounts_server, account, connect):
    server = accounts_server()
    admin = account(server, "admin")
    bob = account(server, "bob")
    admin.expect(P.USER_JOINED)
    moderate(admin, 1, P.MOD_BAN, "bob", reason="spam")
    bob.expect(P.NOTICE, action=P.MOD_BAN, target="bob")  # told why, then closed
    err = bob.expect_error(P.E_BANNED)
    assert "spam" in err.message
    bob.expect_closed()
    expect_done_and_notice(admin, 1, P.MOD_BAN, "bob", reason="spam")
    admin.expect(P.USER_LEFT)

    server.stop()
    server = accounts_server(workdir=server.workdir)
    client = connect(server)
    client.password_login("bob", PASSWORD)
    err = client.expect_error(P.E_BANNED, P.LOGIN)
    assert err.message == "This account is banned: spam"
    client.token_login(bob.session.token)                 # revoked by the ban
    client.expect_error(P.E_TOKEN_INVALID, P.LOGIN_TOKEN)

    admin = account(server, "admin", register=False)
    moderate(admin, 2, P.MOD_UNBAN, "bob")
    expect_done_and_notice(admin, 2, P.MOD_UNBAN, "bob")
    client.password_login("bob", PASSWORD)
    client.expect_session()


def test_mute_refuses_texts_until_lifted(accounts_server, account):
    server = accounts_server()
    admin = account(server, "admin")
    bob = account(server, "bob")
    admin.expect(P.USER_JOINED)
    moderate(admin, 1, P.MOD_MUTE, "bob", value=10, reason="calm down")
    expect_done_and_notice(admin, 1, P.MOD_MUTE, "bob", value=10, reason="calm down")
    bob.expect(P.NOTICE, action=P.MOD_MUTE, target="bob", value=10)
    bob.say("hello?", client_id=7)
    err = bob.expect_error(P.E_MUTED, P.TEXT_SEND, 7)
    assert "10 more minutes" in err.message
    admin.expect_quiet()                                   # nobody heard it
    moderate(admin, 2, P.MOD_MUTE, "bob", value=0)
    expect_done_and_notice(admin, 2, P.MOD_MUTE, "bob")
    bob.expect(P.NOTICE, action=P.MOD_MUTE, value=0)
    bob.say("thanks", client_id=8)
    bob.expect(P.TEXT, client_id=8)


def test_kick_closes_with_the_reason(accounts_server, account):
    server = accounts_server()
    admin = account(server, "admin")
    bob = account(server, "bob")
    admin.expect(P.USER_JOINED)
    moderate(admin, 3, P.MOD_KICK, "bob", reason="take a break")
    bob.expect(P.NOTICE, action=P.MOD_KICK, target="bob")
    err = bob.expect_error(P.E_KICKED)
    assert "take a break" in err.message
    bob.expect_closed()
    expect_done_and_notice(admin, 3, P.MOD_KICK, "bob", reason="take a break")
    admin.expect(P.USER_LEFT)
    account(server, "bob", register=False)                 # a kick is not a ban
    admin.expect(P.USER_JOINED)
    moderate(admin, 4, P.MOD_KICK, "nobody")
    admin.expect_error(P.E_ACCOUNT_UNKNOWN, P.MODERATE, 4)


def test_roles_decide_who_may_do_what(accounts_server, account, connect):
    server = accounts_server()
    admin = account(server, "admin")
    bob = account(server, "bob")
    carol = account(server, "carol")
    admin.sync(), bob.sync()
    moderate(bob, 1, P.MOD_KICK, "carol")
    bob.expect_error(P.E_NOT_ALLOWED, P.MODERATE, 1)      # members may not moderate
    moderate(admin, 2, P.MOD_ROLE, "bob", value=P.ROLE_MODERATOR)
    watcher = connect(server, raw_roles=True)
    watcher.register("dave", PASSWORD)
    watcher.expect(P.SESSION)
    watcher.expect_welcome()
    roles = watcher.expect(P.USER_ROLE)                    # the roster's roles
    assert roles.role == P.ROLE_MODERATOR and [n for _, n in roles.users] == ["bob"]
    admins = watcher.expect(P.USER_ROLE, role=P.ROLE_ADMIN)
    assert [n for _, n in admins.users] == ["admin"]
    assert carol.sync() and carol.roles[bob.user_id] == P.ROLE_MODERATOR

    bob.sync()
    moderate(bob, 3, P.MOD_BAN, "carol")
    bob.expect_error(P.E_NOT_ALLOWED, P.MODERATE, 3)      # bans are for admins
    moderate(bob, 4, P.MOD_MUTE, "admin", value=5)
    bob.expect_error(P.E_NOT_ALLOWED, P.MODERATE, 4)      # not on a higher role
    moderate(bob, 5, P.MOD_MUTE, "carol", value=5)
    bob.expect(P.DONE, request_id=5)
    moderate(admin, 6, P.MOD_DELETE, "admin")
    admin.sync()
    moderate(admin, 6, P.MOD_ROLE, "admin", value=P.ROLE_MEMBER)
    err = admin.expect_error(P.E_NOT_ALLOWED, P.MODERATE, 6)
    assert "yourself" in err.message


def test_delete_keeps_the_name_reserved(accounts_server, account, connect):
    server = accounts_server()
    admin = account(server, "admin")
    bob = account(server, "bob")
    moderate(admin, 1, P.MOD_DELETE, "bob")
    bob.expect(P.NOTICE, action=P.MOD_DELETE, target="bob")
    bob.expect_error(P.E_KICKED)
    bob.expect_closed()
    client = connect(server)
    client.token_login(bob.session.token)
    client.expect_error(P.E_TOKEN_INVALID, P.LOGIN_TOKEN)
    client.password_login("bob", PASSWORD)
    client.expect_error(P.E_WRONG_PASSWORD, P.LOGIN)
    client.register("Bob", PASSWORD)
    client.expect_error(P.E_NAME_TAKEN, P.REGISTER)


def test_second_login_replaces_the_first(accounts_server, account):
    server = accounts_server()
    first = account(server, "alice")
    second = account(server, "alice", register=False)
    first.expect_error(P.E_SESSION_REPLACED)
    first.expect_closed()
    assert second.users == [(second.user_id, "alice")]
