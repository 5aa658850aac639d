"""chat-cli after a failover shows a room's lines in message id order: live texts that
arrive while the resume replay is still to come are held and printed in their place
once the replay has ended, none missing and none twice, each edit, deletion or reaction
right after the message it is about; past the bound (1000 lines held), lines are printed
as they come, after a note."""

import re
from types import SimpleNamespace

import pytest

import chatproto as P
from chatcli import CLOCK
from chatproxy import Proxy
from chatserver import wait_until

PASSWORD = "correct horse battery"
HOLD_MAX = 1000               # client/cli/cli_hold.c
# A line of the lobby about message #N: "[#lobby] 12:00:00 #17 <bob> text", "... #17
# (edited) <bob> text", "... #17 message deleted (by bob)", "... #17 reactions: 👍 1".
ABOUT = re.compile(rf"^\[#lobby\] {CLOCK} #(\d+) (.*)$")
TEXT = re.compile(r"^<([^>]+)> (.*)$")


@pytest.fixture
def proxies(server_factory):
    """A server (accounts; bob may send fast) and two proxies to it, closed at the end."""
    server = server_factory("--msg-limit", "5000:5000")
    pair = Proxy(server.port), Proxy(server.port)
    yield server, pair
    for proxy in pair:
        proxy.close()


def answer(client, ftype, **fields):
    """Reads client's frames until one of ftype with these field values; returns it."""
    while True:
        frame = client.recv()
        if frame.type == ftype and all(getattr(frame, k) == v for k, v in fields.items()):
            return frame


def say(bob, texts):
    """Sends texts as bob; returns their ids once bob has them back."""
    for n, text in enumerate(texts):
        bob.say(text, client_id=len(bob.said) + n + 1)
    ids = [answer(bob, P.TEXT, text=text).message_id for text in texts]
    bob.said += texts
    return ids


def lines_from(alice, first_id):
    """(id, rest) of every line about a message alice printed, from first_id's on."""
    about = [(int(m[1]), m[2]) for m in map(ABOUT.match, alice.out) if m]
    start = next(i for i, (n, _) in enumerate(about) if n == first_id)
    return about[start:]


def failed_over_with_resume_kept(cli, tmp_path, server, pair, account, meanwhile=None):
    """bob (an account on server) and alice's chat-cli through pair[0], which has printed
    bob's text "before"; alice then misses what bob says through missed (a list of
    texts) and whatever meanwhile(bob, missed ids) does, fails over to pair[1] and its
    RESUME is kept there. Returns bob, alice, the id of "before" and the ids of the
    missed texts."""
    first, second = pair
    bob = account(server, "bob")
    bob.said = []
    password = tmp_path / "alice.pw"
    password.write_text(PASSWORD + "\n")
    servers = SimpleNamespace(port=f"127.0.0.1:{first.port},127.0.0.1:{second.port}")
    alice = cli(servers, "alice", extra=["--password-file", str(password), "--register"])
    alice.wait_line(rf"\* connected as alice to 127\.0\.0\.1:{first.port}$")
    [before] = say(bob, ["before"])
    alice.wait_line(rf"#{before} <bob> before$")

    first.hold("down")                 # alice misses these...
    missed = say(bob, [f"missed {n}" for n in range(1, 6)])
    if meanwhile:
        meanwhile(bob, missed)
    second.stall(P.RESUME, keep=True)  # ...and her RESUME is slow on the next server
    first.cut()
    alice.wait_line(rf"\* connected as alice to 127\.0\.0\.1:{second.port}$")
    wait_until(lambda: second.kept() == 1, what="alice's RESUME on its way")
    return bob, alice, before, missed


def test_live_texts_during_the_replay_are_printed_in_id_order(
        proxies, cli, tmp_path, account):
    server, pair = proxies
    bob, alice, before, missed = failed_over_with_resume_kept(cli, tmp_path, server, pair,
                                                              account)
    # Live while the replay is still to come: texts, an edit of one of them, reactions
    # to one of them and to a missed one, the deletion of a missed one.
    live = say(bob, ["live 1", "live 2", "live 3"])
    bob.send_frame(P.EDIT, request_id=1, message_id=live[0], text="live 1 edited")
    answer(bob, P.MESSAGE_EDITED, message_id=live[0])
    bob.send_frame(P.REACT, request_id=2, message_id=live[1], emoji="\U0001F44D")
    answer(bob, P.REACTION, message_id=live[1])
    bob.send_frame(P.REACT, request_id=3, message_id=missed[3], emoji="\U0001F389")
    answer(bob, P.REACTION, message_id=missed[3])
    bob.send_frame(P.DELETE, request_id=4, message_id=missed[1])
    answer(bob, P.MESSAGE_DELETED, message_id=missed[1])
    bob.sync()                         # alice's copies are on their way before the replay

    pair[1].release()
    alice.wait_line(rf"#{live[2]} <bob> live 3$")
    alice.close_stdin()
    assert alice.wait() == 0, alice.err

    lines = lines_from(alice, before)
    ids = [n for n, _ in lines]
    assert ids == sorted(ids), f"out of id order: {lines}"
    texts = [(n, TEXT.match(rest).groups()) for n, rest in lines if TEXT.match(rest)]
    assert texts == [(before, ("bob", "before")),
                     *[(n, ("bob", f"missed {i + 1}")) for i, n in enumerate(missed)
                       if i != 1],
                     (live[0], ("bob", "live 1")), (live[1], ("bob", "live 2")),
                     (live[2], ("bob", "live 3"))], f"a text missing or twice: {lines}"
    events = [line for line in lines if not TEXT.match(line[1])]
    assert (live[0], "(edited) <bob> live 1 edited") in events
    assert (missed[1], "message deleted (by bob)") in events
    assert (live[1], "reactions: \U0001F44D 1") in events
    assert (missed[3], "reactions: \U0001F389 1") in events
    assert len(events) == len(set(events)), f"an event twice: {events}"


def test_past_the_bound_lines_are_printed_as_they_come_with_a_note(
        proxies, cli, tmp_path, account):
    server, pair = proxies
    bob, alice, before, missed = failed_over_with_resume_kept(cli, tmp_path, server, pair,
                                                              account)
    live = say(bob, [f"live {n}" for n in range(1, HOLD_MAX + 11)])
    alice.wait_line(r"\* still catching up: the lines that follow may be out of order")
    alice.wait_line(rf"#{live[-1]} <bob> live {len(live)}$")  # printed as it came
    pair[1].release()
    alice.wait_line(rf"#{missed[-1]} <bob> missed 5$")
    alice.close_stdin()
    assert alice.wait() == 0, alice.err

    texts = [(n, rest) for n, rest in lines_from(alice, before) if TEXT.match(rest)]
    ids = [n for n, _ in texts]
    assert sorted(ids) == [before, *missed, *live], "a text missing or twice"
    # The held ones came out in order, then the rest as they came: the replay last.
    assert ids == [before, *live, *missed]
