"""Full-text search against a store made directly with SQLite (the messages inserted
through the server's own FTS5 triggers, not sent through the server): SEARCH round
trips over 1,000,000 stored messages beside the same over 1,000 (the baseline of the
same run: what the million costs). Alone: bench/run-bench --bin build --search-only.

The texts are 5 to 20 words drawn from a vocabulary of 20,000 with Zipf's law (the
most common word is in about half the texts, as "the" is in English), spread over 50
rooms; the searcher is a member of the lobby and 5 of them (12 % of the texts), so the
room check is part of every query. The queries are 1 to 3 words drawn from the same
law: common words are asked for as often as they occur, so the heavy queries (tens of
thousands of matches) are in the tail, not left out. Latency is measured by the client
from sending SEARCH to the last byte of its DONE, one request at a time on one
connection; the server's CPU time per request (from /proc) says what a search costs it.
"""
import bisect
import hashlib
import os
import random
import socket
import sqlite3
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "tests", "integration"))
import chatproto as P  # noqa: E402

from bench_history import cpu_seconds, make_schema, percentile, recv_until  # noqa: E402

BIG = 1_000_000
SMALL = 1_000
QUERIES = 1000
VOCABULARY = 20_000
ROOMS = 50                  # rooms 1..49 and the lobby
MEMBER_OF = range(1, 6)     # the searcher's rooms besides the lobby
TOKEN = b"\x05" * 32
TARGET_P99_MS = 50.0


class Zipf:
    """Words w0, w1, ... with P(wk) proportional to 1 / (k + 1)."""

    def __init__(self, rng, n):
        self.rng = rng
        total, self.cum = 0.0, []
        for k in range(n):
            total += 1.0 / (k + 1)
            self.cum.append(total)
        self.total = total

    def word(self):
        return f"w{bisect.bisect(self.cum, self.rng.random() * self.total)}"

    def words(self, lo, hi):
        return " ".join(self.word() for _ in range(self.rng.randint(lo, hi)))


def fill(workdir, messages, zipf):
    """messages texts over ROOMS rooms, and the searcher: an account with a session
    token (TOKEN) that is in MEMBER_OF."""
    db = sqlite3.connect(os.path.join(workdir, "chat.db"))
    now = int(time.time() * 1000)
    with db:
        for room in range(1, ROOMS):
            db.execute("INSERT INTO rooms (id, kind, name, name_key, created_ms)"
                       " VALUES (?, 0, ?, ?, ?)", (room, f"r{room}", f"r{room}", now))
        cur = db.execute("INSERT INTO accounts (name, name_key, pw_hash, role, created_ms)"
                         " VALUES ('searcher', 'searcher', 'unused', 0, ?)", (now,))
        db.execute("INSERT INTO sessions (token_hash, account_id, created_ms, expires_ms)"
                   " VALUES (?, ?, ?, ?)", (hashlib.sha256(TOKEN).digest(), cur.lastrowid,
                                            now, now + 86400000))
        for room in MEMBER_OF:
            db.execute("INSERT INTO room_members (room_id, account_id, joined_ms)"
                       " VALUES (?, ?, ?)", (room, cur.lastrowid, now))
        db.executemany(
            "INSERT INTO messages (room_id, time_ms, sender_id, sender_name, kind, body,"
            " client_id) VALUES (?, ?, NULL, 'bench', 1, ?, ?)",
            ((i % ROOMS, now - messages + i, zipf.words(5, 20), i) for i in range(messages)))
        # The server indexes each text it stores for search; rows put in here are
        # indexed in one pass.
        db.execute("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def ends_with_done(buf):
    """The answer is whole: its frames end with DONE (an ERROR fails the run)."""
    pos, last = 0, None
    while len(buf) - pos >= P.HEADER_SIZE:
        length, ftype, _ = struct.unpack_from(">IHH", buf, pos)
        if len(buf) - pos < P.HEADER_SIZE + length:
            return False
        if ftype == P.ERROR:
            raise RuntimeError(f"the search was refused: {bytes(buf[pos:pos + 200])!r}")
        pos, last = pos + P.HEADER_SIZE + length, ftype
    return pos == len(buf) and last == P.DONE


def search_latencies(port, queries):
    """One SEARCH (limit 20, every room) per query: (seconds each, results each)."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.sendall(P.encode(P.LOGIN_TOKEN, version=P.VERSION, features=0, token=TOKEN,
                          agent="bench"))
    sock.sendall(P.encode(P.PING, token=1))
    recv_until(sock, b"", lambda b: P.encode(P.PONG, token=1) in b)
    times, found = [], []
    for i, query in enumerate(queries):
        request = P.encode(P.SEARCH, request_id=i, room_id=P.SEARCH_ALL_ROOMS, limit=20,
                           query=query)
        t0 = time.perf_counter()
        sock.sendall(request)
        buf = recv_until(sock, b"", ends_with_done)
        times.append(time.perf_counter() - t0)
        found.append(buf.count(struct.pack(">HH", P.SEARCH_RESULT, 0)))
    sock.close()
    return times, found


def search_latency(b, messages, queries, log):
    workdir = b.workdir(f"search-{messages}")
    make_schema(b, workdir)
    t0 = time.monotonic()
    fill(workdir, messages, Zipf(random.Random(messages), VOCABULARY))
    log(f"store of {messages} messages (with their search index) made in "
        f"{time.monotonic() - t0:.1f} s")
    server = b.start("chat", workdir, 64, server_args=["--no-limits"])
    try:
        cpu0 = cpu_seconds(server.pid)
        lat, found = search_latencies(server.port, queries)
        cpu = cpu_seconds(server.pid) - cpu0
    finally:
        server.stop()
    return {"messages": messages, "queries": len(queries),
            "p50_ms": percentile(lat, 50) * 1e3, "p99_ms": percentile(lat, 99) * 1e3,
            "max_ms": max(lat) * 1e3, "server_cpu_ms": cpu / len(queries) * 1e3,
            "mean_results": sum(found) / len(found)}


def run(b, log):
    """{"runs": [small, big]}: the same queries against both stores."""
    zipf = Zipf(random.Random(7), VOCABULARY)
    queries = [zipf.words(1, 3) for _ in range(QUERIES)]
    runs = [search_latency(b, SMALL, queries, log), search_latency(b, BIG, queries, log)]
    for r in runs:
        log(f"SEARCH over {r['messages']} messages: p50 {r['p50_ms']:.3f} ms, p99 "
            f"{r['p99_ms']:.3f} ms, max {r['max_ms']:.3f} ms ({r['queries']} queries, "
            f"{r['mean_results']:.1f} results each on average); server CPU "
            f"{r['server_cpu_ms']:.3f} ms a request")
    return {"runs": runs}


def met(r):
    return r["runs"][1]["p99_ms"] < TARGET_P99_MS


def section(r):
    """The report's lines (markdown) for PERFORMANCE.md."""
    small, big = r["runs"]
    rows = "\n".join(
        f"| {x['messages']:,} | {x['p50_ms']:.3f} | {x['p99_ms']:.3f} | {x['max_ms']:.3f} | "
        f"{x['mean_results']:.1f} | {x['server_cpu_ms']:.3f} |" for x in r["runs"])
    ratio = big["p99_ms"] / small["p99_ms"] if small["p99_ms"] else float("inf")
    return "\n".join([
        "| stored messages | p50 ms | p99 ms | max ms | results a query | "
        "server CPU ms a request |",
        "|---:|---:|---:|---:|---:|---:|",
        rows,
        "",
        f"p99 over 1,000,000 against 1,000: {ratio:.2f}x. Target: p99 under "
        f"{TARGET_P99_MS:g} ms over 1,000,000: {'met' if met(r) else '**NOT met**'}.",
    ])
