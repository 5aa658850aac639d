"""Join and leave notices."""

import chatproto as P


def test_join_notice_to_others_only(server, user):
    alice = user(server, "alice")
    bob = user(server, "bob")
    alice.expect(P.USER_JOINED, users=[(bob.user_id, "bob")])
    alice.expect_quiet()
    bob.expect_quiet()


def test_goodbye_flushes_then_leave_notice(server, room):
    alice, bob = room(server, "alice", "bob")
    # A text and the goodbye in one send: the echo must still reach bob before he is closed.
    bob.send(P.encode(P.TEXT_SEND, client_id=1, room_id=0, text="last words")
             + P.encode(P.GOODBYE, reason="see you"))
    bob.expect(P.TEXT, client_id=1, text="last words")
    bob.expect_closed()
    alice.expect(P.TEXT, client_id=1, text="last words")
    alice.expect(P.USER_LEFT, users=[(bob.user_id, "bob")])
    alice.expect_quiet()


def test_leave_notice_when_connection_drops(server, room):
    alice, bob, carol = room(server, "alice", "bob", "carol")
    bob.close()
    alice.expect(P.USER_LEFT, users=[(bob.user_id, "bob")])
    carol.expect(P.USER_LEFT, users=[(bob.user_id, "bob")])
    carol.reset()
    alice.expect(P.USER_LEFT, users=[(carol.user_id, "carol")])
    alice.expect_quiet()


def test_no_notice_for_connections_never_logged_in(server, user, connect):
    alice = user(server, "alice")
    stranger = connect(server)
    stranger.send_frame(P.PING, token=1)
    stranger.expect(P.PONG, token=1)
    stranger.close()
    refused = connect(server)
    refused.hello("ALICE")
    refused.expect_error(P.E_NAME_TAKEN, ref_type=P.HELLO)
    refused.reset()
    alice.expect_quiet()
    # Neither of them ever counted as online.
    assert user(server, "bob").welcome.users_online == 2
    alice.expect(P.USER_JOINED)
    alice.expect_quiet()


def test_user_list_after_leave(server, room, connect):
    alice, bob = room(server, "alice", "bob")
    bob.goodbye()
    bob.expect_closed()
    alice.expect(P.USER_LEFT, users=[(bob.user_id, "bob")])
    carol = connect(server)
    carol.login("carol")
    assert sorted(carol.users) == sorted([(alice.user_id, "alice"), (carol.user_id, "carol")])
