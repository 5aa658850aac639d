"""Bursts of logins and drops: join and leave notices handled in one loop pass go out
together in shared frames, yet every client ends with the same, exact view of who is
online, never hears of itself or twice of anyone, and sees the notices in order with
the texts around them.

To put a burst into one loop pass, the server is held still (SIGSTOP) while the
clients send, and resumed (SIGCONT) once everything is queued in its sockets."""

import math
import re

import pytest

import chatproto as P
from chatserver import paused, wait_until
from crowd import Crowd

BURST = 600  # newcomers at once: more than one USER_JOINED frame holds
OLD = 3      # clients online before the burst


@pytest.fixture(params=["select", "epoll"])
def server(request, server_factory):
    return server_factory("--poller", request.param)


def wait_accepted(server, count):
    """Waits until the server has accepted count connections in all."""
    connect = re.compile(r" connect$")
    wait_until(lambda: sum(1 for line in server.log_lines() if connect.search(line)) >= count,
               what=f"{count} accepted connections")


def notices(member, ftype, since=0):
    """The entries of the ftype frames the member got from frame number since on, in
    order, and how many frames held them."""
    frames = [f for f in member.frames[since:] if f.type == ftype]
    for frame in frames:
        assert 1 <= len(frame.users) <= P.MAX_USERS_PER_FRAME, repr(frame)
    return [entry for frame in frames for entry in frame.users], len(frames)


def log_in(crowd, members):
    crowd.hello(members)
    crowd.pump(lambda: all(m.logged_in() for m in members), "the logins")


def test_login_storm_then_drop_storm(server):
    with Crowd(server.port, OLD + BURST) as crowd:
        old, new = crowd.members[:OLD], crowd.members[OLD:]
        log_in(crowd, old)
        crowd.pump(lambda: all(m.knows(OLD) for m in old), "the first few")
        wait_accepted(server, OLD + BURST)
        before = [len(m.frames) for m in old]

        with paused(server):
            crowd.hello(new)
        everyone = crowd.members
        crowd.pump(lambda: all(m.knows(len(everyone)) for m in everyone),
                   "everyone to know everyone")
        view = {m.user_id: m.name for m in everyone}
        assert len(view) == len(everyone)
        for m in everyone:
            assert m.view() == view
        # One pass: the old clients got the newcomers in as few frames as can hold them,
        # the same frames for each; every newcomer got the whole list and no notice.
        joined, frames = notices(old[0], P.USER_JOINED, before[0])
        assert frames == math.ceil(BURST / P.MAX_USERS_PER_FRAME)
        assert sorted(joined) == sorted((m.user_id, m.name) for m in new)
        for m, since in zip(old, before):
            assert notices(m, P.USER_JOINED, since) == (joined, frames)
        for m in new:
            assert m.welcome.users_online == len(everyone)
            assert m.of_type(P.USER_JOINED) == []

        gone = new[::2]
        with paused(server):
            for i, m in enumerate(gone):
                crowd.drop(m, reset=i % 2 == 1)
        staying = [m for m in everyone if not m.closed]
        crowd.pump(lambda: all(m.knows(len(staying)) for m in staying),
                   "the drops to be noticed")
        for m in staying:
            left, frames = notices(m, P.USER_LEFT)
            assert frames == 1, [len(f.users) for f in m.of_type(P.USER_LEFT)]
            assert sorted(left) == sorted((m.user_id, m.name) for m in gone)
            assert m.view() == {s.user_id: s.name for s in staying}


def test_newcomer_text_in_the_login_packet(server):
    """HELLO and a text in one packet: the others hear of the newcomer before its text,
    the newcomer gets its WELCOME and list before the echo."""
    with Crowd(server.port, OLD + 1) as crowd:
        old, newcomer = crowd.members[:OLD], crowd.members[OLD]
        log_in(crowd, old)
        newcomer.send(P.encode(P.HELLO, version=P.VERSION, features=0,
                               username=newcomer.name, agent="pytest")
                      + P.encode(P.TEXT_SEND, client_id=9, room_id=0, text="hi all"))
        crowd.pump(lambda: all(m.frames and m.frames[-1].type == P.TEXT for m in crowd.members),
                   "the text everywhere")
        assert newcomer.knows(OLD + 1)
        assert [f.type for f in newcomer.frames[-2:]] == [P.USER_LIST, P.TEXT]
        for m in old:
            assert m.frames[-2].type == P.USER_JOINED, m.frames[-2:]
            assert m.frames[-2].users == [(newcomer.user_id, newcomer.name)]
            assert m.frames[-1].sender_id == newcomer.user_id


def test_login_and_text_in_one_pass_keep_their_order(server):
    """A login and someone else's text in the same pass, in either order: a client has
    heard of the newcomer before the text exactly when the newcomer got the text."""
    with Crowd(server.port, OLD + 1) as crowd:
        old, newcomer = crowd.members[:OLD], crowd.members[OLD]
        log_in(crowd, old)
        wait_accepted(server, OLD + 1)
        with paused(server):
            crowd.hello([newcomer])
            old[0].send(P.encode(P.TEXT_SEND, client_id=1, room_id=0, text="meanwhile"))
        crowd.pump(lambda: all(any(f.type == P.TEXT for f in m.frames) for m in old)
                   and all(m.knows(OLD + 1) for m in crowd.members),
                   "the text and the login")
        old[1].send(P.encode(P.TEXT_SEND, client_id=2, room_id=0, text="afterwards"))
        crowd.pump(lambda: all(m.frames[-1].type == P.TEXT and m.frames[-1].client_id == 2
                               for m in crowd.members), "the second text")
        newcomer_saw_it = any(f.type == P.TEXT and f.client_id == 1 for f in newcomer.frames)
        me = (newcomer.user_id, newcomer.name)
        for m in old:
            joined_at = next(i for i, f in enumerate(m.frames)
                             if f.type == P.USER_JOINED and me in f.users)
            text_at = next(i for i, f in enumerate(m.frames)
                           if f.type == P.TEXT and f.client_id == 1)
            assert (joined_at < text_at) == newcomer_saw_it, m.frames


def test_login_and_goodbye_in_one_packet(server):
    """A newcomer that leaves in the pass it arrived in: the others hear it joined, then
    left; it gets its WELCOME and list, itself included, before the close."""
    with Crowd(server.port, OLD + 1) as crowd:
        old, brief = crowd.members[:OLD], crowd.members[OLD]
        log_in(crowd, old)
        brief.send(P.encode(P.HELLO, version=P.VERSION, features=0, username=brief.name,
                            agent="pytest") + P.encode(P.GOODBYE, reason="just passing"))
        crowd.pump(lambda: brief.closed and all(m.of_type(P.USER_LEFT) for m in old),
                   "the visit to end")
        assert brief.knows(OLD + 1)
        assert brief.frames[-1].type == P.USER_LIST
        for m in old:
            visit = [(f.type, f.users) for f in m.frames[-2:]]
            me = [(brief.user_id, brief.name)]
            assert visit == [(P.USER_JOINED, me), (P.USER_LEFT, me)]
            assert len(m.view()) == OLD


def test_replies_to_a_newcomer_follow_its_welcome(server):
    """Requests behind the HELLO in the same packet are answered after the WELCOME and
    the list, not before."""
    with Crowd(server.port, OLD + 1) as crowd:
        old, newcomer = crowd.members[:OLD], crowd.members[OLD]
        log_in(crowd, old)
        hello = P.encode(P.HELLO, version=P.VERSION, features=0, username=newcomer.name,
                         agent="pytest")
        newcomer.send(hello + P.encode(P.PING, token=31) + hello)
        crowd.pump(lambda: len(newcomer.of_type(P.ERROR)) == 1, "the answers")
        assert newcomer.knows(OLD + 1)
        _, after_list = newcomer.listed()
        assert [(f.type, getattr(f, "token", None)) for f in after_list] == [
            (P.PONG, 31), (P.ERROR, None)]
        assert after_list[1].code == P.E_ALREADY_LOGGED_IN


def test_drop_and_login_in_one_pass(server):
    """Someone drops and someone logs in during the same pass: the newcomer is told of
    the drop only if the one who dropped is in its list."""
    with Crowd(server.port, OLD + 1) as crowd:
        old, newcomer = crowd.members[:OLD], crowd.members[OLD]
        log_in(crowd, old)
        wait_accepted(server, OLD + 1)
        with paused(server):
            crowd.drop(old[0])
            crowd.hello([newcomer])
        staying = old[1:] + [newcomer]
        crowd.pump(lambda: all(m.knows(len(staying)) for m in staying), "the drop and the login")
        expected = {m.user_id: m.name for m in staying}
        for m in staying:
            assert m.view() == expected
