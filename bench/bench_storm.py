"""TLS handshake storms beside chat: do they delay everyone else's messages?

A small TLS room (10 members, 2 senders, 200 messages a second in all) is measured while
storms of 500 handshakes at once (bench/tls_storm.py, niced, one storm after another)
hit either the measured server itself or a second, identical decoy server. The storm's
own CPU costs both sides alike (on two cores it takes a share whoever it talks to), so
the ratio of the two p99 delivery latencies says what handshaking costs the server's own
chat. The two kinds alternate within each run; the figure is the median p99 of each
kind over the runs, and storms at the server must keep it within 2x of storms at the
decoy (issue 9's target). Alone: bench/run-bench --storm-only.
"""

import contextlib
import os
import subprocess
import sys
import threading

CLIENTS = 10
SENDERS = 2
RATE = 200
HANDSHAKES = 500
TARGET_RATIO = 2.0
# Storm connections wait their turn: the server's handshake timeout must not close them.
SERVER_ARGS = ["--handshake-timeout", "60"]
STORM_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tls_storm.py")


class Storms:
    """One storm after another at a port while open; counts the completed handshakes."""

    def __init__(self, port):
        self.port = port
        self.stop = threading.Event()
        self.storms = self.handshakes = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stop.is_set():
            out = subprocess.run([sys.executable, STORM_SCRIPT, str(self.port),
                                  str(HANDSHAKES)], capture_output=True, text=True,
                                 timeout=300).stdout.split()
            self.storms += 1
            self.handshakes += int(out[1]) if len(out) == 2 else 0

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


class StormAt:
    """A load's `during` hook: storms at target's port, or at the measured server itself
    when target is None. Records what the storms did in `done`."""
    spare_connections = HANDSHAKES

    def __init__(self, target=None):
        self.target = target
        self.done = None

    @contextlib.contextmanager
    def __call__(self, server):
        with Storms((self.target or server).port) as storms:
            yield
        self.done = (storms.storms, storms.handshakes)


def run(b, runs, duration):
    """{"decoy": [...], "server": [...]}: latency results, interleaved, each with the
    storms' "storms" and "handshakes" counts."""
    decoy = b.start("chat-tls", b.workdir("storm-decoy"), HANDSHAKES + 64,
                    server_args=SERVER_ARGS)
    results = {}
    extra = ["--senders", SENDERS, "--size", 64, "--rate", RATE, "--duration", duration,
             "--login-window", 8]
    try:
        for run_no in range(1, runs + 1):
            for kind in ("decoy", "server"):
                hook = StormAt(decoy if kind == "decoy" else None)
                res = b.load("chat-tls", f"storm-at-{kind}-run{run_no}", CLIENTS, extra,
                             60 + duration + 10, server_args=SERVER_ARGS, during=hook)
                res["storms"], res["handshakes"] = hook.done or (0, 0)
                results.setdefault(kind, []).append(res)
    finally:
        decoy.stop()
    return results


def _median_p99_ms(results):
    values = sorted(r["p99_us"] / 1000 for r in results
                    if r.get("ok") == 1 and r.get("missing", 1) == 0 and "p99_us" in r)
    return values[len(values) // 2] if values else None


def summary(results):
    """Lines with both p99 figures and their ratio, and whether the target is met."""
    decoy = _median_p99_ms(results.get("decoy", []))
    server = _median_p99_ms(results.get("server", []))
    shakes = [r.get("handshakes", 0) for r in results.get("server", [])]
    if decoy is None or server is None:
        return ["TLS handshake storms: a run failed (see the log above)"], False
    ratio = server / decoy
    return [f"TLS handshake storms ({HANDSHAKES} at once, back to back): p99 delivery "
            f"{server:.2f} ms with the storms at the server, {decoy:.2f} ms with the same "
            f"storms at a decoy: {ratio:.2f}x (target <= {TARGET_RATIO:g}x); handshakes "
            f"completed per run at the server {shakes}"], ratio <= TARGET_RATIO
