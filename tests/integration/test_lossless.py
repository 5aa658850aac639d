"""Lossless delivery under cuts (issue 10): three accounts in one room send at 200
messages a second in total while one of them loses its connection (a proxy resets it)
or its process (kill -9, restarted from its saved outbox) at a random moment. Each
reconnects, resumes and resends: every client ends with the identical sequence, with
no gap and nothing stored or shown twice. The clients are chatoutbox.OutboxClient."""

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from chatoutbox import OutboxClient
from chatserver import SLOWDOWN, TIMEOUT
from chatproxy import Proxy
from chatrooms import create, join, people

RATE = 200                    # messages a second, all three senders together
PER_TRIAL = 20                # messages each sender sends in one trial
HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture
def server(server_factory):
    return server_factory("--msg-limit", "5000:5000")


def room_of_three(server, account):
    """Three accounts in one new room: (room_id, [(name, token)])."""
    clients = people(account, server, "alice", "bob", "carol")
    state, _ = create(clients[0], "lossless")
    for c in clients[1:]:
        join(c, "lossless")
    out = [(c.name, c.session.token) for c in clients]
    for c in clients:
        c.close()
    return state.room_id, out


def run_until(clients, deadline_s, step=None):
    """Pumps every client, sending each one's todo at RATE / 3 a second, until all are
    settled; step(elapsed) runs every round (to cut something)."""
    interval = len(clients) / RATE
    start = time.monotonic()
    next_send = [start + i * interval / len(clients) for i in range(len(clients))]
    while True:
        now = time.monotonic()
        assert now - start < deadline_s, "not settled: " + ", ".join(
            f"{c.name} todo={len(c.todo)} outbox={len(c.outbox)} pending={c.pending}"
            for c in clients)
        for i, c in enumerate(clients):
            c.pump()
            if c.todo and now >= next_send[i]:
                c.send_next()
                next_send[i] += interval
        if step is not None:
            step(now - start)
        if all(c.settled() for c in clients):
            return
        time.sleep(0.001)


def barrier(clients):
    """Whatever the server sent each client before now is handled."""
    for c in clients:
        for frame in c.conn.sync():
            c.handle(frame)


def check_same(room_id, sequences, texts):
    first = sequences[0]
    for seq in sequences[1:]:
        assert seq == first, "clients disagree"
    got = [text for _, _, _, text in first]
    assert sorted(got) == sorted(texts), "lost or doubled"        # every text once
    assert len(set(got)) == len(got)


def test_cut_connections_lose_and_double_nothing(server, account):
    rng = random.Random(2026)
    room_id, people_ = room_of_three(server, account)
    proxies = [Proxy(server.port) for _ in people_]
    clients = [OutboxClient(proxy.port, token, [room_id], name=name)
               for proxy, (name, token) in zip(proxies, people_)]
    texts = []
    try:
        for trial in range(20):
            for c in clients:
                c.todo = [(room_id, f"{c.name} {trial}.{n}") for n in range(PER_TRIAL)]
                texts += [t for _, t in c.todo]
            victim = rng.randrange(len(clients))
            at = rng.uniform(0, PER_TRIAL * len(clients) / RATE)
            cut = []

            def step(elapsed):
                if not cut and elapsed >= at:
                    cut.append(proxies[victim].cut())
            before = clients[victim].reconnects
            run_until(clients, 20 * SLOWDOWN, step)
            barrier(clients)
            assert cut == [1], "the victim was connected when cut"
            assert clients[victim].reconnects == before + 1
            check_same(room_id, [c.sequence(room_id) for c in clients], texts)
    finally:
        for p in proxies:
            p.close()


def start_killable(server, state_path):
    """A chatoutbox.py process, started ahead: it waits for go() before reading its
    state (so the interpreter's start-up is off each trial's clock)."""
    return subprocess.Popen([sys.executable, os.path.join(HERE, "chatoutbox.py"),
                             str(server.port), state_path], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, cwd=HERE, text=True)


def go(proc):
    """Lets a started process read its state and run; returns once it has."""
    proc.stdin.write("go\n")
    proc.stdin.flush()
    assert proc.stdout.readline() == "ready\n", "the outbox client did not start"


def test_killed_client_restarts_from_its_outbox(server, account, tmp_path):
    rng = random.Random(9)
    room_id, people_ = room_of_three(server, account)
    (name, token), others = people_[0], people_[1:]
    clients = [OutboxClient(server.port, t, [room_id], name=n) for n, t in others]
    state = str(tmp_path / "outbox.json")
    killable = OutboxClient(server.port, token, [room_id], state_path=state, name=name)
    texts = []
    started = []                              # every process, stopped at the end

    def spare():
        started.append(start_killable(server, state))
        return started[-1]
    # The next two processes (this trial's and its restart), their start-up under way.
    spares = [spare(), spare()]
    try:
        for trial in range(20):
            for c in clients + [killable]:
                c.todo = [(room_id, f"{c.name} {trial}.{n}") for n in range(PER_TRIAL)]
                texts += [t for _, t in c.todo]
            killable.save()
            proc = spares.pop(0)
            spares.append(spare())
            go(proc)
            at = rng.uniform(0.0, PER_TRIAL * 3 / RATE)   # while it sends its 20
            killed = []

            def step(elapsed):
                if not killed and elapsed >= at:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait()
                    restarted = spares.pop(0)              # the restart
                    spares.append(spare())
                    go(restarted)
                    killed.append(restarted)
            run_until(clients, 20 * SLOWDOWN, step)
            while not killed:
                step(float("inf"))
            barrier(clients)
            restarted = killed[0]
            restarted.stdin.write("finish\n")
            restarted.stdin.flush()
            assert restarted.wait(timeout=3 * TIMEOUT) == 0, "the restarted client did not settle"
            killable = OutboxClient(server.port, token, [room_id], state_path=state)
            assert not killable.outbox and not killable.todo
            barrier(clients)
            check_same(room_id, [c.sequence(room_id) for c in clients + [killable]], texts)
    finally:
        for p in started:
            if p.poll() is None:
                p.kill()
                p.wait()
