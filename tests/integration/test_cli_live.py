"""chat-cli and the live conversation against the real server: lines show message ids;
/edit, /delete ID, /reply, /react, /read and /typing do what --help says; others see
"(edited)", "message deleted", a reply's quote, reaction counts, who types, read
markers (again after a restart) and receipts; --no-receipts and --no-typing hold back
what they promise to."""

import re

import pytest

import chatproto as P
from chatcli import in_room

LOBBY = in_room("#lobby")


@pytest.fixture
def server(server_factory):
    """A server as deployed: accounts only, no guests."""
    return server_factory(guests=False)


def said(proc, sender, text):
    """The id of sender's text as proc printed it."""
    match = proc.wait_line(rf"^\[#lobby\] \d\d:\d\d:\d\d #(\d+) <{sender}> {re.escape(text)}$")
    return int(match.group(1))


def test_edit_reply_react_delete(person):
    alice, bob, carol = person("alice"), person("bob"), person("carol")  # alice: admin
    alice.write("hello wrold")
    first = said(bob, "alice", "hello wrold")
    assert said(alice, "alice", "hello wrold") == first

    bob.write(f"/edit {first} mine now")
    bob.wait_line(r"^error: .*author", stream="err")
    alice.write(f"/edit #{first} hello world")
    for proc in (alice, bob, carol):
        proc.wait_line(rf"^{LOBBY} #{first} \(edited\) <alice> hello world$")

    bob.write(f"/reply {first} yes, hi")
    reply = said(alice, "bob", "yes, hi")
    for proc in (alice, carol):
        proc.wait_line(rf"^{LOBBY} #{reply} ↪ #{first} <alice> hello world$")

    bob.write(f"/react {first} 👍")
    alice.wait_line(rf"^{LOBBY} #{first} reactions: 👍 1$")
    carol.write(f"/react {first} 👍")
    alice.wait_line(rf"^{LOBBY} #{first} reactions: 👍 2$")
    carol.write(f"/react {first} 🎉")
    bob.wait_line(rf"^{LOBBY} #{first} reactions: 👍 2, 🎉 1$")
    carol.write(f"/react {first} 👍")                     # taken back
    bob.wait_line(rf"^{LOBBY} #{first} reactions: 👍 1, 🎉 1$")
    carol.write(f"/react {first} not an emoji")
    carol.wait_line(r"^error: .*one emoji", stream="err")

    bob.write(f"/delete {first}")
    bob.wait_line(r"^error: .*author or a moderator", stream="err")
    bob.write(f"/delete {reply}")
    alice.wait_line(rf"^{LOBBY} #{reply} message deleted \(by bob\)$")
    carol.write("carol's secret")
    secret = said(alice, "carol", "carol's secret")
    alice.write(f"/delete {secret}")                     # the admin deletes anyone's
    for proc in (bob, carol):
        proc.wait_line(rf"^{LOBBY} #{secret} message deleted \(by alice\)$")


def test_typing_is_shown_and_can_be_withheld(person, server, account):
    alice, bob, carol = person("alice"), person("bob"), person("carol")
    quiet = person("dave", extra=["--no-typing"])
    watcher = account(server, "eve")
    bob.write("/typing")
    alice.wait_line(rf"^{LOBBY} bob is typing…$")
    carol.write("/typing")
    alice.wait_line(rf"^{LOBBY} bob and carol are typing…$")
    alice.write("/typing")
    quiet.write("/typing")
    quiet.write("typed quietly")
    frame, seen = watcher.wait_for(P.TEXT, skip=(P.TYPING, P.USER_JOINED))
    assert frame.sender == "dave" and frame.text == "typed quietly"
    assert [f.name for f in seen if f.type == P.TYPING] == ["bob", "carol", "alice"]
    watcher.send_frame(P.TYPING_SET, room_id=P.ROOM_LOBBY, state=P.TYPING_ACTIVE)
    alice.wait_line(rf"^{LOBBY} several people are typing…$")
    bob.write("sent at last")                            # a text ends bob's typing
    carol.wait_line(rf"^{LOBBY} #\d+ <bob> sent at last$")


def test_read_markers_receipts_and_opt_out(person, tmp_path):
    state = tmp_path / "bob-state"
    alice, bob = person("alice"), person("bob", state_dir=state)
    carol = person("carol", extra=["--no-receipts"])
    alice.write("read me")
    first = said(bob, "alice", "read me")
    said(carol, "alice", "read me")
    bob.write("/read")
    bob.wait_line(rf"^{LOBBY} \* read up to #{first}$")
    alice.wait_line(rf"^{LOBBY} \* bob read up to #{first}$")
    carol.write("/read")                                 # shares none...
    carol.wait_line(rf"^{LOBBY} \* read up to #{first}$")
    carol.write("after reading")
    alice.wait_line(rf"^{LOBBY} #\d+ <carol> after reading$")
    bob.wait_line(rf"^{LOBBY} #\d+ <carol> after reading$")
    bob.write("seen it")
    carol.wait_line(rf"^{LOBBY} #\d+ <bob> seen it$")
    assert not [line for line in alice.out + bob.out if "carol read" in line]
    assert not [line for line in carol.out if "bob read" in line]   # ...and sees none

    bob.write("/quit")
    assert bob.wait() == 0
    again = person("bob", register=False, state_dir=state)  # the marker is the account's
    again.wait_line(rf"^{LOBBY} \* read up to #{first}$")
    alice.write("/read")
    again.wait_line(rf"^{LOBBY} \* alice read up to #\d+$")


def test_a_gap_of_deleted_messages_is_filled_past_them(server_factory, cli, account, tmp_path):
    """More was missed than a RESUME replays, and the newest rows are deletions: the gap
    is filled page by page, and a page of deleted messages does not end it."""
    server = server_factory("--msg-limit", "5000:5000", guests=False)
    alice = account(server, "alice")
    pw = tmp_path / "bob.pw"
    pw.write_text("correct horse battery\n")
    state = tmp_path / "bob-state"

    def bob(register):
        proc = cli(server, "bob", extra=["--password-file", str(pw)] +
                   (["--register"] if register else []), state_dir=state)
        proc.wait_line(r"\* connected as bob$")
        return proc

    first = bob(True)
    alice.say("before", client_id=1)
    said(first, "alice", "before")
    first.close_stdin()
    assert first.wait() == 0
    for n in range(250):
        alice.say(f"m{n}", client_id=100 + n)
    ids = [alice.wait_for(P.TEXT, skip=(P.USER_JOINED, P.USER_LEFT))[0].message_id
           for _ in range(251)][1:]
    for n in range(100):                                 # the oldest 100 missed: deleted
        alice.send_frame(P.DELETE, request_id=n + 1, message_id=ids[n])
    for n in range(100):
        alice.wait_for(P.DONE, skip=(P.MESSAGE_DELETED,))

    again = bob(False)
    again.wait_line(rf"^{LOBBY} #{ids[-1]} <alice> m249$")
    again.wait_line(rf"^{LOBBY} #{ids[100]} <alice> m100$")
    texts = [line.split("> ", 1)[1] for line in again.out if "<alice> m" in line]
    assert sorted(texts) == sorted(f"m{n}" for n in range(100, 250))   # each once
    assert not [line for line in again.out if "<alice> m99" in line]
