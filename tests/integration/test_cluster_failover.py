"""A node killed mid-run (docs/CLUSTER.md, section 8): accounts on three nodes send 10,000
texts at 500 a second in total; node 3 is killed with SIGKILL halfway; its users' chat-cli
processes (given all three servers) fail over, resume from the last id they saw and resend
what was not acknowledged with the same client ids; node 3 restarts and catches up. At
the end every client holds the same sequence (ids, senders, texts) with no gap and no
duplicate, every text once, and every node's store the same rows and last applied id."""

import re
import select
import signal
import time
from types import SimpleNamespace

import chatproto as P
from chatcli import CLOCK
from chatcluster import seeded_nodes, start_node, stream_ups
from chatoutbox import OutboxClient
from chatserver import SLOWDOWN, TIMEOUT, wait_until
from chatstore import query
from chatclient import RawClient

TOTAL = 10_000                # texts, all senders together
RATE = 500                    # texts a second, all senders together
KILL_AT = TOTAL // 2          # node 3 is killed once this many were handed out
RESTART_AT = TOTAL * 7 // 10  # and started again once this many were
PASSWORD = "a long enough password"
LIMITS = ("--msg-limit", "5000:5000")  # each sender sends 83 texts a second
# chat-cli's line of a text in the lobby: "[#lobby] 12:00:00 #17 <carol> text".
CLI_TEXT = re.compile(rf"^(?:\[#lobby\] )?{CLOCK} #(\d+) <([^>]+)> (.*)$")
STORED = "SELECT id, sender_name, body FROM messages ORDER BY id"
LAST_ID = "SELECT value FROM meta WHERE key = 'cluster_last_id'"


def sign_up(node, name):
    """Registers name through node; returns its login token."""
    client = RawClient(node.port)
    client.register(name, PASSWORD)
    token = client.expect_session().token
    client.close()
    return token


def pump(outboxes, until):
    """Handles what the outbox clients receive until the monotonic time until."""
    while (left := until - time.monotonic()) > 0:
        ready = select.select([c.conn.sock for c in outboxes if c.conn is not None], [], [],
                              left)[0]
        for client in outboxes:
            if client.conn is None or client.conn.sock in ready:
                client.pump()


class CliSender:
    """A chat-cli process as a sender: its texts are lines written to its stdin; what it
    received is read back from its stdout."""

    def __init__(self, proc, name):
        self.proc, self.name, self.todo = proc, name, []

    def send_next(self):
        assert self.proc.write(self.todo.pop(0)), self.proc.err

    def sequence(self):
        """(id, sender, text) of every text line it printed, in the order printed: by id,
        since chat-cli holds live texts that come while a resume's replay has not ended
        and prints them in their place after it."""
        return [(int(m[1]), m[2], m[3]) for m in map(CLI_TEXT.match, self.proc.out) if m]


def test_a_killed_node_loses_and_doubles_nothing(server_factory, redis, tmp_path, cli):
    nodes = seeded_nodes(server_factory, redis, tmp_path, count=3,
                         extra=LIMITS)
    one, two, three = nodes
    outboxes = []
    for node, names in ((one, ("ann", "ben")), (two, ("cat", "dan"))):
        for name in names:
            client = OutboxClient(node.port, sign_up(node, name), [P.ROOM_LOBBY], name=name)
            assert client.connect()
            outboxes.append(client)
    servers = SimpleNamespace(port=",".join(f"127.0.0.1:{n.port}" for n in (three, one, two)))
    password_file = tmp_path / "password"
    password_file.write_text(PASSWORD + "\n")
    clis = []
    for name in ("eve", "fay"):
        sign_up(three, name)
        proc = cli(servers, name, extra=["--password-file", str(password_file)])
        proc.wait_line(rf"\* connected as {name} to 127\.0\.0\.1:{three.port}$")
        clis.append(CliSender(proc, name))
    senders = outboxes + clis
    texts = [f"{senders[i % len(senders)].name} {i}" for i in range(TOTAL)]
    for i, text in enumerate(texts):
        sender = senders[i % len(senders)]
        sender.todo.append((P.ROOM_LOBBY, text) if sender in outboxes else text)

    restarted = []
    interval, start = 1 / RATE, time.monotonic()
    for i in range(TOTAL):
        if i == KILL_AT:
            three.expect_exit = None
            three.signal(signal.SIGKILL)
            three.wait()
            ups = stream_ups(three.log_path)
        if i == RESTART_AT:
            restarted.append(start_node(server_factory, redis, 3, workdir=three.workdir,
                                        wait_up=False, extra=LIMITS))
        pump(outboxes, start + i * interval)               # the pacing of the sends
        senders[i % len(senders)].send_next()
    took = time.monotonic() - start
    assert took < 1.5 * TOTAL / RATE * SLOWDOWN, f"sending took {took:.1f} s"

    deadline = time.monotonic() + 6 * TIMEOUT
    while not all(c.settled() for c in outboxes):
        assert time.monotonic() < deadline, "not settled: " + ", ".join(
            f"{c.name} outbox={len(c.outbox)} pending={c.pending}" for c in outboxes)
        pump(outboxes, time.monotonic() + 0.05)
    for node in (one, two):
        wait_until(lambda: query(node.workdir, "SELECT count(*) FROM messages") >= [(TOTAL,)],
                   timeout=6 * TIMEOUT, what="every text applied")
    for client in outboxes:
        for frame in client.conn.sync():
            client.handle(frame)
    expected = query(one.workdir, STORED)
    assert [i for i, _, _ in expected] == list(range(1, TOTAL + 1)), "a gap or a double"
    assert sorted(text for _, _, text in expected) == sorted(texts), "each text once"
    for _, sender, text in expected:
        assert text.startswith(sender + " ")
    for client in outboxes:
        assert [(i, s, t) for i, s, _, t in client.sequence(P.ROOM_LOBBY)] == expected
    for sender in clis:
        sender.proc.wait_line(rf"#{TOTAL} <", timeout=6 * TIMEOUT)
        sender.proc.close_stdin()
        assert sender.proc.wait(6 * TIMEOUT) == 0, sender.proc.err
        assert any("trying 127.0.0.1" in line for line in sender.proc.err), sender.proc.err
        seen = sender.sequence()
        assert seen == sorted(seen), f"{sender.name} printed texts out of id order"
        assert seen == expected, f"{sender.name} saw another sequence"

    again = restarted[0]
    wait_until(lambda: stream_ups(again.log_path) > ups, what="node 3's stream up again")
    wait_until(lambda: query(again.workdir, "SELECT count(*) FROM messages") == [(TOTAL,)],
               timeout=6 * TIMEOUT, what="node 3 to catch up")
    for node in nodes:
        assert query(node.workdir, STORED) == expected
    wait_until(lambda: len({tuple(query(n.workdir, LAST_ID)) for n in nodes}) == 1,
               what="every node at the same last applied entry")
