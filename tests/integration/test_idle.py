"""The idle check: a connection silent for --idle-timeout gets a PING; silent for
--pong-timeout more, it is dropped with ERROR(TIMEOUT). Clients that answer (as
chat-cli does) stay however long they are quiet; a stopped process is found and
dropped while the others carry on."""

import os
import re
import signal

import chatproto as P
from chatcli import STAMP
from chatserver import TIMEOUT, wait_until

IDLE = ("--idle-timeout", "0.3", "--pong-timeout", "0.3")
# How much earlier than a whole --pong-timeout after its PING a drop's log line may seem
# to come: both lines are stamped when written, to the millisecond, while the deadline
# counts from the pass's clock reading, taken before the PING line was written.
STAMP_SLACK = 0.02


def stamp(line):
    """Seconds since midnight (UTC) of a log line's time."""
    h, m, s = re.match(r"^\S+T(\d\d):(\d\d):(\d\d\.\d{3})Z ", line).groups()
    return int(h) * 3600 + int(m) * 60 + float(s)


def pings_to(server, name):
    return sum(1 for line in server.log_lines()
               if re.search(rf"user={name} .*idle: ping sent", line))


def test_stopped_client_dropped_others_fine(server_factory, cli):
    server = server_factory(*IDLE, "--log-level", "debug")
    alice = cli(server, "alice")
    alice.wait_line(rf"^{STAMP} \* connected as alice$")
    bob = cli(server, "bob")
    bob.wait_line(rf"^{STAMP} \* connected as bob$")
    carol = cli(server, "carol")
    carol.wait_line(rf"^{STAMP} \* connected as carol$")
    alice.wait_line(rf"^{STAMP} \* carol joined$")

    os.kill(carol.proc.pid, signal.SIGSTOP)
    dropped = server.wait_log(r"user=carol .*logout \(idle timeout\)")
    # The server log says what happened: a PING went out, and only when the pong timeout
    # had passed in silence came ERROR(TIMEOUT) and the drop.
    lines = server.log_lines()
    last_ping = [entry for entry in lines[:lines.index(dropped)]
                 if re.search(r"user=carol .*idle: ping sent", entry)][-1]
    assert (stamp(dropped) - stamp(last_ping)) % 86400 >= 0.3 - STAMP_SLACK, (last_ping,
                                                                               dropped)
    assert any(re.search(r"user=carol .*error sent code=19 ", entry) for entry in lines)
    for c in (alice, bob):
        c.wait_line(rf"^{STAMP} \* carol left$")

    # alice and bob answer every PING; several rounds later they are still there.
    wait_until(lambda: min(pings_to(server, "alice"), pings_to(server, "bob")) >= 4,
               what="four idle rounds for alice and bob")
    alice.write("still here after the pings")
    bob.wait_line(rf"^{STAMP} <alice> still here after the pings$")
    assert not any(re.search(r"user=(alice|bob) .*idle timeout", entry)
                   for entry in server.log_lines())
    os.kill(carol.proc.pid, signal.SIGCONT)


def test_unanswered_ping_then_timeout(server_factory, user):
    server = server_factory(*IDLE, "--log-level", "debug")
    quiet = user(server, "quiet")
    quiet.expect(P.PING)
    quiet.expect_error(P.E_TIMEOUT, ref_type=0)
    quiet.expect_closed()
    server.wait_log(r"user=quiet .*logout \(idle timeout\)")
    # Timed by the server's own log (millisecond stamps), not by when this test
    # happened to read the frames: the drop comes a whole --pong-timeout after the PING.
    lines = server.log_lines()
    ping = next(stamp(line) for line in lines if re.search(r"user=quiet .*idle: ping sent", line))
    drop = next(stamp(line) for line in lines if re.search(r"user=quiet .*idle timeout", line))
    assert drop - ping >= 0.3 - STAMP_SLACK, f"dropped {drop - ping:.3f}s after the PING"


def test_answered_pings_keep_a_quiet_client(server_factory, user):
    server = server_factory(*IDLE)
    alice = user(server, "alice")
    for _ in range(5):
        ping = alice.expect(P.PING, timeout=TIMEOUT)
        alice.send_frame(P.PONG, token=ping.token)
    alice.say("still in", client_id=1)
    alice.wait_for(P.TEXT, skip=(P.PING,))
    assert not any("idle timeout" in line for line in server.log_lines())
