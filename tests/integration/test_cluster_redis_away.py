"""Redis away in the harshest way (docs/CLUSTER.md, section 8): stopped with SIGSTOP for
2 s while accounts on two nodes write, and on SIGCONT every connection the nodes had
made to it killed (CLIENT KILL TYPE normal), so the nodes' reconnects made during the
pause die just as they would be answered. Writes are refused with ERROR 80 while it is
away and taken after; the outboxes resend with the same client ids; nothing acknowledged
is lost, nothing is doubled, and both stores end the same."""

import select
import signal
import time

from chatcluster import Writer, account, registered, seeded_nodes
from chatserver import TIMEOUT, process_state, wait_until
from chatstore import query

PACE = 0.02   # seconds between one writer's texts (when the last one was answered)
PAUSE = 2.0   # seconds Redis is stopped
STORED = "SELECT id, sender_name, client_id, body FROM messages ORDER BY id"


def nodes_connections(redis):
    """How many connections to redis are the nodes' (every one but the asking one)."""
    listing = redis.command("CLIENT", "LIST").decode()
    return len([line for line in listing.splitlines() if line.strip()]) - 1


def test_redis_stopped_then_its_connections_killed(server_factory, redis, tmp_path):
    one, two = seeded_nodes(server_factory, redis, tmp_path, count=2)
    writers = [Writer(account(one)), Writer(registered(two, "bob"))]
    next_cid = {w.name: 1 for w in writers}
    next_at = {w.name: 0.0 for w in writers}

    def run(until, limit=6 * TIMEOUT):
        """Both writers send, each its next text PACE after the last was answered, until
        until() holds (checked about every 10 ms)."""
        deadline = time.monotonic() + limit
        while not until():
            assert time.monotonic() < deadline, "the condition never came"
            select.select([w.client.sock for w in writers], [], [], 0.01)
            now = time.monotonic()
            for w in writers:
                if w.poll() is not None:
                    next_at[w.name] = now + PACE
                if w.waiting is None and now >= next_at[w.name]:
                    w.send(next_cid[w.name])
                    next_cid[w.name] += 1

    def acks_each(count, since):
        return lambda: all(len(w.acked) >= since[w.name] + count for w in writers)

    run(acks_each(5, {w.name: 0 for w in writers}))
    redis.signal(signal.SIGSTOP)
    wait_until(lambda: process_state(redis.pid) == "T", what="Redis to stop")
    stopped = time.monotonic()
    acked_before = {w.name: len(w.acked) for w in writers}
    at_refusal = {}  # writer -> how many acknowledged when it was first refused

    def refused_long_enough():
        for w in writers:
            if w.refused:
                at_refusal.setdefault(w.name, len(w.acked))
        return time.monotonic() - stopped >= PAUSE and len(at_refusal) == len(writers)
    run(refused_long_enough)
    for w in writers:  # once refused, nothing was acknowledged while Redis was away
        assert len(w.acked) == at_refusal[w.name] >= acked_before[w.name], w.name
    redis.signal(signal.SIGCONT)
    # The nodes' connections made while Redis was stopped: killed as it answers them.
    run(lambda: nodes_connections(redis) >= 4)
    killed = redis.command("CLIENT", "KILL", "TYPE", "normal")
    assert killed >= 1, "the nodes had connections to kill"
    resumed = {w.name: len(w.acked) for w in writers}
    run(acks_each(5, resumed))
    for w in writers:
        # The text in flight when Redis stopped was refused, yet its append sat in
        # Redis's buffer and landed when it ran again: its resend must apply as nothing.
        assert any(cid in w.acked for cid in w.refused), f"{w.name}: no late landing"
        w.resend_refused()
    sent = {(w.name, cid) for w in writers for cid in range(1, next_cid[w.name])}
    wait_until(lambda: all(query(n.workdir, "SELECT count(*) FROM messages") == [(len(sent),)]
                           for n in (one, two)), what="every text applied on both nodes")
    rows = query(one.workdir, STORED)
    assert {(name, cid) for _, name, cid, _ in rows} == sent, "each text once, none lost"
    by_name = {w.name: w for w in writers}
    for message_id, name, cid, body in rows:
        assert by_name[name].acked[cid] == message_id and body == f"{name} {cid}"
    assert query(two.workdir, STORED) == rows
    last_id = "SELECT value FROM meta WHERE key = 'cluster_last_id'"
    wait_until(lambda: query(one.workdir, last_id) == query(two.workdir, last_id),
               what="both nodes at the same last applied entry")
