"""History and resume against a store made directly with SQLite (not sent through the
server): HISTORY LATEST 100 round trips from a lobby of 1,000,000 messages beside the
same from 1,000 (the baseline of the same run: what the million costs), and 1,000
accounts resuming after a server restart (time until every one has its missed
messages). Alone: bench/run-bench --bin build --history-only.

Latency is measured by the client from sending the HISTORY to the last byte of its
HISTORY_END, reading raw bytes (no decoding), one request at a time on one connection.
Beside it, the same interval ending at the kernel's receive timestamp of the answer's
last read (SO_TIMESTAMPNS): the server's share (its wake-up, the request, the write),
without the client's own wake-up. On a shared machine the tail of both is the
scheduler's: the other processes' share of the CPUs during the requests is reported
with them. The server's CPU time per request (from /proc, over all requests) and the
SQL alone say what the page itself costs.
"""
import hashlib
import os
import selectors
import socket
import sqlite3
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "tests", "integration"))
import chatproto as P  # noqa: E402

BIG = 1_000_000
SMALL = 1_000
QUERIES = 2000
RESUMERS = 1000
MISSED = 50                 # messages each resuming client missed
TEXT = "history bench message, about the length of a chat line: " + "x" * 20
END_LEN = P.HEADER_SIZE + 18
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)   # Linux; absent from Python's list


def make_schema(b, workdir):
    """chat-server creates its database (schema and migrations) and stops."""
    server = b.start("chat", workdir, 64, server_args=[])
    server.stop()


def fill(workdir, messages, accounts=0):
    """messages lobby texts and `accounts` accounts with one session token each (the
    token is the account's number in 32 bytes); returns the tokens."""
    db = sqlite3.connect(os.path.join(workdir, "chat.db"))
    now = int(time.time() * 1000)
    with db:
        db.executemany(
            "INSERT INTO messages (room_id, time_ms, sender_id, sender_name, kind, body,"
            " client_id) VALUES (0, ?, NULL, 'bench', 1, ?, ?)",
            ((now - messages + i, TEXT, i) for i in range(messages)))
        # The server indexes each text it stores for search; rows put in here are
        # indexed in one pass.
        db.execute("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')")
        tokens = []
        for i in range(accounts):
            name = f"resumer{i}"
            cur = db.execute("INSERT INTO accounts (name, name_key, pw_hash, role, created_ms)"
                             " VALUES (?, ?, 'unused', 0, ?)", (name, name, now))
            token = struct.pack(">Q", i + 1) * 4
            db.execute("INSERT INTO sessions (token_hash, account_id, created_ms, expires_ms)"
                       " VALUES (?, ?, ?, ?)", (hashlib.sha256(token).digest(),
                                                cur.lastrowid, now, now + 86400000))
            tokens.append(token)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return tokens


def recv_until(sock, buf, done):
    while not done(buf):
        chunk = sock.recv(1 << 20)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        buf += chunk
    return buf


def recv_stamped(sock, done):
    """Like recv_until from nothing; also the kernel's receive time (CLOCK_REALTIME
    seconds) of the last read's first byte."""
    buf, stamp = b"", None
    while not done(buf):
        chunk, anc, _, _ = sock.recvmsg(1 << 20, 64)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        buf += chunk
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("qq", data[:16])
                stamp = sec + nsec * 1e-9
    return buf, stamp


def cpu_busy():
    """(busy, total) jiffies of the whole machine from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v) - idle, sum(v)


def ends_with_history_end(buf):
    return (len(buf) >= END_LEN and
            struct.unpack(">H", buf[-END_LEN + 4:-END_LEN + 6])[0] == P.HISTORY_END)


def latest_latencies(port):
    """QUERIES HISTORY LATEST 100 round trips after a guest login: (round trips, to the
    answer's kernel receive time), in seconds."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    sock.sendall(P.encode(P.HELLO, version=P.VERSION, features=0, username="reader",
                          agent="bench"))
    sock.sendall(P.encode(P.PING, token=1))
    recv_until(sock, b"", lambda b: P.encode(P.PONG, token=1) in b)
    out, served = [], []
    for i in range(QUERIES):
        request = P.encode(P.HISTORY, request_id=i, room_id=0, mode=P.HISTORY_LATEST,
                           limit=100, anchor=0)
        t0 = time.clock_gettime(time.CLOCK_REALTIME)
        sock.sendall(request)
        buf, stamp = recv_stamped(sock, ends_with_history_end)
        out.append(time.clock_gettime(time.CLOCK_REALTIME) - t0)
        served.append(stamp - t0 if stamp is not None else out[-1])
        assert buf.count(struct.pack(">H", P.TEXT)) >= 100
    sock.close()
    return out, served


def store_latencies(workdir):
    """The same page read by SQLite alone (the query store_history.c runs, through
    Python's sqlite3 on the same database): the store's share of the round trip."""
    db = sqlite3.connect(os.path.join(workdir, "chat.db"))
    sql = ("SELECT m.id, m.time_ms, m.sender_name, m.client_id, m.kind,"
           " m.body, m.file_id, f.size, f.sha256, f.name FROM messages m LEFT JOIN files f"
           " ON f.id = m.file_id WHERE m.room_id = ? AND m.id > ? AND m.id < ?"
           " ORDER BY m.id DESC LIMIT ?")
    out = []
    for _ in range(QUERIES):
        t0 = time.perf_counter()
        rows = db.execute(sql, (0, 0, 2**63 - 1, 100)).fetchall()
        out.append(time.perf_counter() - t0)
        assert len(rows) == 100
    db.close()
    return out


def cpu_seconds(pid):
    """User plus system CPU time a process has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p / 100))]


def history_latency(b, messages, log):
    workdir = b.workdir(f"history-{messages}")
    make_schema(b, workdir)
    t0 = time.monotonic()
    fill(workdir, messages)
    log(f"store of {messages} messages made in {time.monotonic() - t0:.1f} s")
    server = b.start("chat", workdir, 64, server_args=[])
    try:
        cpu0, own0, busy0 = cpu_seconds(server.pid), os.times(), cpu_busy()
        lat, served = latest_latencies(server.port)
        cpu = cpu_seconds(server.pid) - cpu0
        own1, busy1 = os.times(), cpu_busy()
    finally:
        server.stop()
    hz = os.sysconf("SC_CLK_TCK")
    ours = cpu + (own1.user - own0.user) + (own1.system - own0.system)
    other = max(0.0, (busy1[0] - busy0[0]) / hz - ours) / ((busy1[1] - busy0[1]) / hz)
    sql = store_latencies(workdir)
    return {"messages": messages, "queries": QUERIES,
            "p50_ms": percentile(lat, 50) * 1e3, "p99_ms": percentile(lat, 99) * 1e3,
            "max_ms": max(lat) * 1e3, "served_p50_ms": percentile(served, 50) * 1e3,
            "served_p99_ms": percentile(served, 99) * 1e3, "other_load": other,
            "sql_p50_ms": percentile(sql, 50) * 1e3,
            "sql_p99_ms": percentile(sql, 99) * 1e3, "server_cpu_ms": cpu / QUERIES * 1e3}


def resume_after_restart(b):
    """RESUMERS accounts, each missing MISSED lobby messages, reconnect at once to a
    freshly started server: seconds from the first connect until every one has its
    HISTORY_END (checked to hold MISSED texts)."""
    workdir = b.workdir("resume")
    make_schema(b, workdir)
    total = 10_000
    tokens = fill(workdir, total, RESUMERS)
    last_id = total - MISSED
    server = b.start("chat", workdir, RESUMERS + 64, poller="epoll")
    sel = selectors.DefaultSelector()
    try:
        t0 = time.monotonic()
        for i, token in enumerate(tokens):
            s = socket.create_connection(("127.0.0.1", server.port))
            s.setblocking(False)
            s.sendall(P.encode(P.LOGIN_TOKEN, version=P.VERSION, features=0, token=token,
                               agent="bench") +
                      P.encode(P.RESUME, request_id=i, room_id=0, last_id=last_id))
            sel.register(s, selectors.EVENT_READ, [s, b"", 0])
        waiting = len(tokens)
        while waiting:
            assert time.monotonic() - t0 < 300, f"{waiting} clients still waiting"
            for key, _ in sel.select(1.0):
                s, buf, _ = key.data
                data = s.recv(1 << 20)
                if not data:
                    raise ConnectionError("a resuming client was closed")
                buf += data
                pos = 0                  # headers only: presence frames are not decoded
                while len(buf) - pos >= P.HEADER_SIZE:
                    length, ftype, _ = struct.unpack_from(">IHH", buf, pos)
                    if len(buf) - pos < P.HEADER_SIZE + length:
                        break
                    pos += P.HEADER_SIZE + length
                    if ftype == P.TEXT:
                        key.data[2] += 1
                    elif ftype == P.HISTORY_END:
                        assert key.data[2] == MISSED, key.data[2]
                        sel.unregister(s)
                        s.close()
                        waiting -= 1
                        break
                key.data[1] = buf[pos:]
        elapsed = time.monotonic() - t0
    finally:
        for key in list(sel.get_map().values()):
            key.fileobj.close()
        server.stop()
    return {"clients": RESUMERS, "missed_each": MISSED, "seconds": elapsed}


def run(b, log):
    """Both measurements: {"latest": [small, big], "resume": {...}}."""
    latest = [history_latency(b, SMALL, log), history_latency(b, BIG, log)]
    for r in latest:
        log(f"HISTORY LATEST 100 from {r['messages']} messages: p50 {r['p50_ms']:.3f} ms,"
              f" p99 {r['p99_ms']:.3f} ms, max {r['max_ms']:.3f} ms ({QUERIES} requests);"
              f" to the answer's arrival p50 {r['served_p50_ms']:.3f} ms,"
              f" p99 {r['served_p99_ms']:.3f} ms; other load {r['other_load']:.0%} of the"
              f" machine;"
              f" the SQL alone: p50 {r['sql_p50_ms']:.3f} ms, p99 {r['sql_p99_ms']:.3f} ms;"
              f" server CPU {r['server_cpu_ms']:.3f} ms a request")
    resume = resume_after_restart(b)
    log(f"resume of {resume['clients']} clients ({MISSED} missed each) after a restart:"
          f" {resume['seconds']:.2f} s")
    return {"latest": latest, "resume": resume}
