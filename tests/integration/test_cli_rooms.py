"""chat-cli with rooms, direct messages, history and its outbox, against the real
server: every line names its room; /join, /create, /leave, /switch, /rooms, /topic,
/invite USER (distinct from the admins' /invite), /msg and /block do what --help says;
texts not acknowledged survive kill -9 in the outbox file and are sent again, once;
after a login chat-cli gets exactly what it missed (RESUME), once, in order."""

import re
import signal

import chatproto as P
import pytest
from chatcli import STAMP, in_room
from chatproxy import Proxy
from chatserver import wait_until


@pytest.fixture
def server(server_factory):
    """A server as deployed: accounts only, no guests."""
    return server_factory(guests=False)


@pytest.fixture
def history_server(server, account):
    """The server, when it answers HISTORY and RESUME (the history branch); else skip."""
    probe = account(server, "probe")
    probe.send_frame(P.HISTORY, request_id=1, room_id=P.ROOM_LOBBY,
                     mode=P.HISTORY_LATEST, limit=1, anchor=0)
    frame = probe.recv()
    while frame.type not in (P.HISTORY_END, P.ERROR):
        frame = probe.recv()
    if frame.type == P.ERROR and frame.code == P.E_UNKNOWN_TYPE:
        pytest.skip("this server does not answer HISTORY yet")
    return server


def said(proc, tag, sender, text):
    """The lines of proc showing sender's text in the room tagged tag."""
    pattern = re.compile(rf"^{in_room(tag)} <{re.escape(sender)}> {re.escape(text)}$")
    return [line for line in proc.out if pattern.match(line)]


def texts_in(proc, tag, sender):
    """The texts proc printed from sender in room tag, in the order printed."""
    pattern = re.compile(rf"^{in_room(tag)} <{re.escape(sender)}> (.*)$")
    return [m.group(1) for m in map(pattern.match, proc.out) if m]


def test_rooms_commands(person):
    alice, bob = person("alice"), person("bob")
    alice.write("in the lobby")
    bob.wait_line(rf"^{in_room('#lobby')} <alice> in the lobby$")

    alice.write("/create plaza")
    alice.wait_line(rf"^{in_room('#plaza')} \* now talking here$")
    bob.write("/join plaza")
    bob.wait_line(rf"^{in_room('#plaza')} \* now talking here$")
    alice.wait_line(rf"^{in_room('#plaza')} \* bob joined$")
    bob.write("hi plaza")
    for proc in (alice, bob):
        proc.wait_line(rf"^{in_room('#plaza')} <bob> hi plaza$")

    alice.write("/topic coffee")
    bob.wait_line(rf"^{in_room('#plaza')} \* alice set the topic: coffee$")
    bob.write("/rooms")
    bob.wait_line(rf"^{STAMP} \* #plaza: public, 2 members, joined: coffee$")
    bob.wait_line(rf"^{in_room('#plaza')} \* \(current\) 2 members, 2 online")

    bob.write("/switch #lobby")
    bob.wait_line(rf"^{in_room('#lobby')} \* now talking here$")
    bob.write("back in the lobby")
    alice.wait_line(rf"^{in_room('#lobby')} <bob> back in the lobby$")
    bob.write("/leave plaza")
    bob.wait_line(rf"^{STAMP} \* You left #plaza\.$")
    alice.wait_line(rf"^{in_room('#plaza')} \* bob left$")
    alice.write("only alice here")
    alice.wait_line(rf"^{in_room('#plaza')} <alice> only alice here$")
    bob.write("/switch plaza")
    bob.wait_line(r"^error: you are not in plaza", stream="err")

    for proc in (alice, bob):
        proc.close_stdin()
    assert bob.wait() == 1                                 # the /switch that failed
    assert alice.wait() == 0
    assert not said(bob, "#plaza", "alice", "only alice here")
    assert len(said(bob, "#plaza", "bob", "hi plaza")) == 1


def test_private_room_and_the_two_invites(person):
    alice, bob = person("alice"), person("bob")
    alice.write("/create --private den")
    alice.wait_line(rf"^{in_room('#den')} \* now talking here$")
    bob.write("/join den")
    bob.wait_line(r"^error: ", stream="err")              # not invited yet
    alice.write("/invite bob")
    alice.wait_line(rf"^{STAMP} \* You invited bob to #den\.$")
    bob.wait_line(rf"^{STAMP} \* alice invited you to #den \(/join den\)$")
    bob.write("/join den")
    bob.wait_line(rf"^{in_room('#den')} \* now talking here$")
    bob.write("secret")
    alice.wait_line(rf"^{in_room('#den')} <bob> secret$")

    alice.write("/invite")            # without USER: an account invite code (the first
    alice.wait_line(rf"^{STAMP} \* invite code: \S+$")  # account is the admin)
    bob.write("/invite")
    bob.wait_line(r"^error: Only admins can create invite codes\.$", stream="err")
    for proc in (alice, bob):
        proc.close_stdin()
    assert alice.wait() == 0
    assert bob.wait() == 1


def test_direct_messages_and_block(person):
    alice, bob, carol = person("alice"), person("bob"), person("carol")
    alice.write("/msg bob psst")
    alice.wait_line(rf"^{in_room('@bob')} <alice> psst$")
    bob.wait_line(rf"^{in_room('@alice')} <alice> psst$")
    bob.write("/switch @alice")
    bob.wait_line(rf"^{in_room('@alice')} \* now talking here$")
    bob.write("hello you")
    alice.wait_line(rf"^{in_room('@bob')} <bob> hello you$")

    bob.write("/block alice")
    bob.wait_line(rf"^{STAMP} \* You blocked direct messages from alice\.$")
    alice.write("/msg bob still there?")
    alice.wait_line(r"^error: message not sent: ", stream="err")
    carol.write("done")                                   # carol saw none of it
    for proc in (alice, bob, carol):
        proc.close_stdin()
    assert carol.wait() == 0
    assert not [line for line in carol.out if "psst" in line or "hello you" in line]
    assert alice.wait() == 1
    assert bob.wait() == 0
    assert not [line for line in bob.out if "still there?" in line]


def outbox_texts(state_dir):
    """The text lines of the outbox files under state_dir/chat-cli (not the temporary
    files an atomic rewrite uses)."""
    folder = state_dir / "chat-cli"
    if not folder.exists():
        return []
    return [line for path in folder.iterdir() if re.fullmatch(r"outbox-[0-9a-f]{32}", path.name)
            for line in path.read_text().splitlines()[1:] if not line.startswith("room\t")]


def test_outbox_survives_kill_9_and_is_sent_once(person, server, tmp_path):
    state = tmp_path / "alice-state"
    proxy = Proxy(server.port)
    bob = person("bob")
    alice = person("alice", state_dir=state, port=proxy.port)
    alice.write("before")
    bob.wait_line(rf"^{in_room('#lobby')} <alice> before$")

    proxy.hold("up")                                      # nothing more reaches the server
    sent = [f"unacknowledged {i}" for i in range(1, 6)]
    for text in sent:
        alice.write(text)
    wait_until(lambda: len(outbox_texts(state)) == len(sent))
    alice.proc.send_signal(signal.SIGKILL)
    alice.wait()
    proxy.cut()

    again = person("alice", register=False, state_dir=state, port=proxy.port)
    for text in sent:
        again.wait_line(rf"^{in_room('#lobby')} <alice> {text}$")
        bob.wait_line(rf"^{in_room('#lobby')} <alice> {text}$")
    wait_until(lambda: not outbox_texts(state))
    again.close_stdin()
    assert again.wait() == 0
    proxy.close()
    bob.close_stdin()
    assert bob.wait() == 0
    assert texts_in(bob, "#lobby", "alice") == ["before", *sent]


def test_lost_acknowledgements_are_not_doubled(person, history_server, tmp_path):
    state = tmp_path / "alice-state"
    proxy = Proxy(history_server.port)
    bob = person("bob")
    alice = person("alice", state_dir=state, port=proxy.port)
    proxy.hold("down")                                    # the server stores; no ack comes
    sent = [f"ack lost {i}" for i in range(1, 6)]
    for text in sent:
        alice.write(text)
    for text in sent:
        bob.wait_line(rf"^{in_room('#lobby')} <alice> {text}$")
    wait_until(lambda: len(outbox_texts(state)) == len(sent))
    alice.proc.send_signal(signal.SIGKILL)
    alice.wait()
    proxy.cut()

    again = person("alice", register=False, state_dir=state, port=proxy.port)
    wait_until(lambda: not outbox_texts(state))
    again.write("after")
    bob.wait_line(rf"^{in_room('#lobby')} <alice> after$")
    for proc in (again, bob):
        proc.close_stdin()
        assert proc.wait() == 0
    proxy.close()
    assert texts_in(bob, "#lobby", "alice") == [*sent, "after"]


def bob_away_while_alice_writes(person, state, seen, missed):
    """alice and bob (keeping his state in state) both see alice's text seen; bob quits;
    alice writes every text of missed; returns alice and bob started again on his state."""
    alice = person("alice")
    bob = person("bob", state_dir=state)
    alice.write(seen)
    bob.wait_line(rf"^{in_room('#lobby')} <alice> {re.escape(seen)}$")
    bob.close_stdin()
    assert bob.wait() == 0
    for text in missed:
        alice.write(text)
    alice.wait_line(rf"^{in_room('#lobby')} <alice> {re.escape(missed[-1])}$")
    return alice, person("bob", register=False, state_dir=state)


def test_offline_delivery_exactly_once_in_order(person, history_server, tmp_path):
    missed = [f"missed {i}" for i in range(1, 51)]
    alice, again = bob_away_while_alice_writes(person, tmp_path / "bob-state",
                                               "while bob is here", missed)
    again.wait_line(rf"^{in_room('#lobby')} <alice> missed 50$")
    alice.write("live again")
    again.wait_line(rf"^{in_room('#lobby')} <alice> live again$")
    for proc in (again, alice):
        proc.close_stdin()
        assert proc.wait() == 0
    assert texts_in(again, "#lobby", "alice") == [*missed, "live again"]


def test_history_pages_back(person, history_server):
    alice = person("alice")
    for i in range(1, 31):
        alice.write(f"old {i}")
    alice.wait_line(rf"^{in_room('#lobby')} <alice> old 30$")
    alice.close_stdin()
    assert alice.wait() == 0

    bob = person("bob")
    bob.write("/history 10")
    bob.wait_line(rf"^{in_room('#lobby')} \* 10 earlier messages")
    assert texts_in(bob, "#lobby", "alice") == [f"old {i}" for i in range(21, 31)]
    bob.write("/history 25")
    bob.wait_line(rf"^{in_room('#lobby')} \* 20 earlier messages; no older ones$")
    bob.close_stdin()
    assert bob.wait() == 0
    assert sorted(texts_in(bob, "#lobby", "alice"), key=lambda t: int(t.split()[1])) == \
        [f"old {i}" for i in range(1, 31)]
    assert len(texts_in(bob, "#lobby", "alice")) == 30


def test_file_shared_in_a_room_reaches_its_members_only(person, tmp_path):
    alice, bob, carol = person("alice"), person("bob"), person("carol")
    alice.write("/create --private den")
    alice.wait_line(rf"^{in_room('#den')} \* now talking here$")
    alice.write("/invite bob")
    bob.wait_line(rf"^{STAMP} \* alice invited you to #den")
    bob.write("/join den")
    alice.wait_line(rf"^{in_room('#den')} \* bob joined$")
    notes = tmp_path / "notes.txt"
    notes.write_text("for the den only\n")
    alice.write(f"/send {notes}")
    alice.wait_line(rf"^{STAMP} \* upload notes.txt complete$")
    bob.wait_line(rf"^{in_room('#den')} \* alice shared #\d+ notes\.txt \(17 bytes\)$")
    carol.write("still here")
    alice.wait_line(rf"^{in_room('#lobby')} <carol> still here$")
    for proc in (alice, bob, carol):
        proc.close_stdin()
        assert proc.wait() == 0
    assert not [line for line in carol.out if "notes.txt" in line]


def test_a_gap_is_announced_and_filled_once(person, history_server, tmp_path):
    """More missed than one RESUME replays (100 a room): the newest come after a gap
    notice, the older ones through HISTORY; chat-cli prints them all in id order once
    the gap is filled, each exactly once."""
    missed = [f"away {i}" for i in range(1, 131)]
    alice, again = bob_away_while_alice_writes(person, tmp_path / "bob-state", "seen", missed)
    again.wait_line(rf"^{in_room('#lobby')} \* more was said while you were away")
    again.close_stdin()                                   # exits once the gap is filled
    assert again.wait() == 0
    assert texts_in(again, "#lobby", "alice") == missed
    alice.close_stdin()
    assert alice.wait() == 0


def test_a_connection_lost_before_the_replay_loses_nothing(person, history_server,
                                                          account):
    """A text live after a reconnect's login, before its RESUME is answered, lies above
    the one the replay still brings: lost with that connection, the next RESUME starts
    below both (PROTOCOL.md 5.41), so the missed text comes, and nothing twice. chat-cli
    holds the live one until that replay and prints both in id order."""
    proxy = Proxy(history_server.port)
    alice = person("alice", port=proxy.port, tty=True)
    bob = account(history_server, "bob")

    def bob_says(text, client_id):
        bob.say(text, client_id)
        frame, _ = bob.wait_for(P.TEXT, skip=(P.USER_JOINED, P.USER_LEFT, P.USER_ROLE,
                                              P.TYPING))
        assert frame.text == text                         # stored and committed

    def logins():
        return sum(bool(re.match(rf"^{STAMP} \* connected as alice$", line))
                   for line in alice.out)
    bob_says("seen", 1)
    alice.wait_line(rf"^{in_room('#lobby')} <bob> seen$")
    proxy.hold("down")                                    # alice hears nothing more
    bob_says("missed", 2)
    proxy.stall(P.RESUME)                                 # her next RESUME stays away
    proxy.cut()
    wait_until(lambda: logins() == 2, what="chat-cli to log in again")
    bob_says("live", 3)                                   # she is online: it comes live
    bob.send_frame(P.TYPING_SET, room_id=P.ROOM_LOBBY, state=1)
    alice.wait_line(rf"^{in_room('#lobby')} bob is typing…$")  # came after it, not held
    assert "live" not in texts_in(alice, "#lobby", "bob")   # held: the replay is to come
    proxy.stall(None)
    proxy.cut()                                           # before the replay came
    wait_until(lambda: logins() == 3, what="chat-cli to log in a third time")
    alice.wait_line(rf"^{in_room('#lobby')} <bob> missed$")
    bob_says("after", 4)
    alice.wait_line(rf"^{in_room('#lobby')} <bob> after$")
    alice.write("/quit")
    assert alice.wait() == 0
    proxy.close()
    assert texts_in(alice, "#lobby", "bob") == ["seen", "missed", "live", "after"]


def test_away_is_shown_in_users(person):
    """/away says so to the others (PRESENCE_SET); their /users shows "(away)" until
    /away off. A text sent after it comes after the news of it."""
    alice, bob = person("alice"), person("bob")
    bob.write("/away")
    bob.wait_line(rf"^{STAMP} \* you are away$")
    bob.write("gone for a bit")
    alice.wait_line(rf"^{in_room('#lobby')} <bob> gone for a bit$")
    alice.write("/users")
    alice.wait_line(rf"^{STAMP} \* online: alice \(admin\), bob \(away\)$")  # the first: admin
    bob.write("/away off")
    bob.wait_line(rf"^{STAMP} \* you are back$")
    bob.write("back")
    alice.wait_line(rf"^{in_room('#lobby')} <bob> back$")
    alice.write("/users")
    alice.wait_line(rf"^{STAMP} \* online: alice \(admin\), bob$")
