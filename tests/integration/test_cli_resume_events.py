"""chat-cli after a failover whose RESUME replay comes late: an edit, a reaction and a
deletion of messages the replay has still to bring arrive live first. Once the replay is
in, the edited message shows its edited text, with its edit line once and right after
it, a reply to it quotes the edited text, and the reaction and the deletion are shown
once each in their place; a reaction taken back live is not brought back by the replay
of its adding (real server, real chat-cli, the RESUME kept by a proxy)."""

import chatproto as P
from test_cli_resume_order import (  # noqa: F401 (proxies: the fixture)
    TEXT, answer, failed_over_with_resume_kept, lines_from, proxies, say)

PARTY = "\U0001F389"


def test_events_about_replayed_messages_that_came_first_show_once_in_place(
        proxies, cli, tmp_path, account):  # noqa: F811
    server, pair = proxies
    bob, alice, before, missed = failed_over_with_resume_kept(cli, tmp_path, server, pair,
                                                              account)
    bob.send_frame(P.EDIT, request_id=1, message_id=missed[0], text="missed 1 edited")
    answer(bob, P.MESSAGE_EDITED, message_id=missed[0])
    bob.send_frame(P.REACT, request_id=2, message_id=missed[2], emoji=PARTY)
    answer(bob, P.REACTION, message_id=missed[2])
    bob.send_frame(P.DELETE, request_id=3, message_id=missed[1])
    answer(bob, P.MESSAGE_DELETED, message_id=missed[1])
    bob.sync()                         # alice's copies are on their way before the replay

    pair[1].release()
    alice.wait_line(rf"#{missed[4]} <bob> missed 5$")
    bob.send_frame(P.REPLY_SEND, client_id=100, room_id=P.ROOM_LOBBY, reply_to=missed[0],
                   text="about that")
    [after] = say(bob, ["after"])      # stored after the reply: printed once it is
    alice.wait_line(rf"#{after} <bob> after$")
    alice.close_stdin()
    assert alice.wait() == 0, alice.err

    lines = lines_from(alice, before)
    ids = [n for n, _ in lines]
    assert ids == sorted(ids), f"out of id order: {lines}"
    at = ids.index(missed[0])
    assert lines[at:at + 2] == [(missed[0], "<bob> missed 1 edited"),
                                (missed[0], "(edited) <bob> missed 1 edited")], lines
    assert [rest for n, rest in lines if n == missed[1]] == ["message deleted (by bob)"]
    assert [rest for n, rest in lines if n == missed[2]] == [
        "<bob> missed 3", f"reactions: {PARTY} 1"]
    quoted = [rest for n, rest in lines if rest.startswith(f"↪ #{missed[0]} ")]
    assert quoted == ["↪ #{} <bob> missed 1 edited".format(missed[0])], lines
    texts = [n for n, rest in lines if TEXT.match(rest)]
    assert len(texts) == len(set(texts)), f"a text twice: {lines}"


def test_a_reaction_taken_back_before_the_replay_of_its_adding_stays_taken_back(
        proxies, cli, tmp_path, account):  # noqa: F811
    def react(bob, missed):            # alice misses the adding...
        bob.send_frame(P.REACT, request_id=1, message_id=missed[0], emoji=PARTY)
        answer(bob, P.REACTION, message_id=missed[0], added=1)

    server, pair = proxies
    bob, alice, before, missed = failed_over_with_resume_kept(cli, tmp_path, server, pair,
                                                              account, meanwhile=react)
    bob.send_frame(P.REACT, request_id=2, message_id=missed[0], emoji=PARTY)
    answer(bob, P.REACTION, message_id=missed[0], added=0)  # ...and sees it taken back live
    bob.send_frame(P.REACT, request_id=3, message_id=missed[1], emoji=PARTY)
    answer(bob, P.REACTION, message_id=missed[1], added=1)  # a live one that stays
    bob.sync()

    pair[1].release()
    alice.wait_line(rf"#{missed[4]} <bob> missed 5$")
    [after] = say(bob, ["after"])
    alice.wait_line(rf"#{after} <bob> after$")
    alice.close_stdin()
    assert alice.wait() == 0, alice.err

    lines = lines_from(alice, before)
    assert [rest for n, rest in lines if n == missed[0]] == ["<bob> missed 1"], lines
    assert [rest for n, rest in lines if n == missed[1]] == [
        "<bob> missed 2", f"reactions: {PARTY} 1"], lines
