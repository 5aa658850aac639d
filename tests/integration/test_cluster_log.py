"""The cluster's stream (server/cluster_log.c) and, under it, the Redis link
(server/cluster_link.c) on the server's own event loop, against a real private
redis-server (docs/CLUSTER.md sections 3, 5 and 6), through
build/tests/cluster-log-probe: each probe is one node that appends entries and applies
the stream back in order from its last applied id. And chat-server's --cluster options
(chat-server in cluster mode: test_cluster_*.py)."""

import subprocess
import threading

from chatserver import (SANITIZER_RE, TIMEOUT, UNDER_VALGRIND, VALGRIND_CLEAN_RE, WRAPPER,
                        binary, paused, wait_until)

STREAM = "chat:test"


def id_key(entry_id):
    return tuple(map(int, entry_id.split("-")))


class Node:
    """One cluster-log-probe process (a node's log); lines holds what it printed."""

    def __init__(self, redis, workdir, node=1, last=None):
        self.stderr_path = workdir / f"probe{node}.{id(self)}.stderr"
        args = [redis.url, STREAM, str(node), *([last] if last else [])]
        with open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen([*WRAPPER, binary("tests/cluster-log-probe"), *args],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=err)
        self.node = node
        self.lines = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.decode().rstrip("\n"))

    def send(self, line):
        self.proc.stdin.write(f"{line}\n".encode())
        self.proc.stdin.flush()

    def wait_line(self, line, count=1):
        wait_until(lambda: self.lines.count(line) >= count, what=f"{line!r} x{count}")

    def wait_prefix(self, prefix):
        """Waits for a line that starts with prefix and returns it."""
        return wait_until(lambda: next((line for line in self.lines
                                        if line.startswith(prefix)), None), what=repr(prefix))

    def applied(self):
        """[(id, node, request, text)] of every entry applied, in order."""
        return [tuple(line.split(" ", 4)[1:]) for line in self.lines
                if line.startswith("apply ")]

    def applied_texts(self):
        return [entry[3] for entry in self.applied()]

    def add(self, request, text):
        """Appends text until this node applies it back (again after a refusal)."""
        def mine():
            if f"refused {request}" in self.lines:
                self.lines.remove(f"refused {request}")
                self.send(f"add {request} {text}")
            return next((e for e in self.applied()
                         if e[1:] == (str(self.node), str(request), text)), None)
        self.send(f"add {request} {text}")
        return wait_until(mine, what=f"request {request} to be applied")

    def close(self):
        self.proc.stdin.close()
        status = self.proc.wait(TIMEOUT)
        self._reader.join(TIMEOUT)
        err = self.stderr_path.read_text()
        assert status == 0, f"cluster-log-probe exited with {status}: {err}"
        assert not SANITIZER_RE.search(err), f"sanitizer report:\n{err}"
        if UNDER_VALGRIND:
            assert VALGRIND_CLEAN_RE.search(err), f"valgrind report:\n{err}"


def start_node(redis, tmp_path, node=1, last=None):
    probe = Node(redis, tmp_path, node, last)
    probe.wait_line("up")
    return probe


def assert_once_in_order(entries):
    ids = [entry[0] for entry in entries]
    assert len(ids) == len(set(ids)), f"an entry was applied twice: {entries}"
    assert ids == sorted(ids, key=id_key), entries


def test_appends_are_applied_in_order(redis, tmp_path):
    node = start_node(redis, tmp_path)
    texts = [f"m{i}" for i in range(300)]
    for i, text in enumerate(texts):
        node.send(f"add {i} {text}")
    wait_until(lambda: len(node.applied()) == 300, what="300 entries applied")
    assert node.applied_texts() == texts
    assert [(e[1], e[2]) for e in node.applied()] == [("1", str(i)) for i in range(300)]
    assert_once_in_order(node.applied())
    assert redis.command("XLEN", STREAM) == 300
    node.close()


def test_three_nodes_apply_the_identical_sequence(redis, tmp_path):
    nodes = [start_node(redis, tmp_path, n) for n in (1, 2, 3)]
    for i in range(200):      # interleaved: each node appends while the others do
        for node in nodes:
            node.send(f"add {i} n{node.node}-{i}")
    wait_until(lambda: all(len(node.applied()) == 600 for node in nodes),
               what="600 entries applied on every node")
    first = nodes[0].applied()
    assert_once_in_order(first)
    for node in nodes[1:]:
        assert node.applied() == first
    for node in nodes:        # each node's own entries keep the order it appended them
        own = [e[3] for e in first if e[1] == str(node.node)]
        assert own == [f"n{node.node}-{i}" for i in range(200)]
        node.close()


def test_redis_paused_refuses_appends_then_recovers_without_loss(redis, tmp_path):
    node = start_node(redis, tmp_path)
    node.add(1, "before")
    with paused(redis):
        node.send("add 2 during")         # sent, but Redis does not answer
        node.wait_line("failed 2 maybe")
        node.wait_prefix("down ")
        node.send("add 3 while-down")
        node.wait_line("refused 3")
    node.wait_line("up", 2)
    node.add(4, "after")
    texts = node.applied_texts()
    # Refused: never in the stream. Unanswered: in it once (Redis had it in its socket
    # buffer) or not at all. The rest: once, in order.
    assert texts in (["before", "during", "after"], ["before", "after"]), texts
    assert_once_in_order(node.applied())
    node.close()


def test_killed_connections_reconnect_and_resume(redis, tmp_path):
    node = start_node(redis, tmp_path)
    for i in range(20):
        node.add(i, f"a{i}")
    assert redis.command("CLIENT", "KILL", "TYPE", "normal") >= 2
    node.wait_line("up", 2)
    for i in range(20, 40):
        node.add(i, f"b{i}")
    assert node.applied_texts() == [f"a{i}" for i in range(20)] + [f"b{i}" for i in
                                                                    range(20, 40)]
    assert_once_in_order(node.applied())
    node.close()


def test_a_restarted_node_applies_on_from_its_last_id(redis, tmp_path):
    first = start_node(redis, tmp_path)
    for i in range(10):
        first.add(i, f"m{i}")
    entries = first.applied()
    first.close()
    again = start_node(redis, tmp_path, last=entries[4][0])
    wait_until(lambda: len(again.applied()) == 5, what="the five later entries")
    assert again.applied() == entries[5:]
    again.add(10, "m10")
    again.close()


def test_a_node_behind_the_trimmed_stream_is_refused(redis, tmp_path):
    node = start_node(redis, tmp_path)
    for i in range(10):
        node.add(i, f"m{i}")
    entries = node.applied()
    node.close()
    assert redis.command("XTRIM", STREAM, "MAXLEN", "2") == 8
    behind = Node(redis, tmp_path, last=entries[3][0])
    refusal = behind.wait_prefix("refuse ")
    assert "rebuild this node from a peer's backup" in refusal
    assert behind.applied() == []
    behind.close()
    fresh = Node(redis, tmp_path, node=2)
    assert "no longer holds the entries" in fresh.wait_prefix("refuse ")
    fresh.close()
    current = start_node(redis, tmp_path, last=entries[8][0])   # the first entry kept
    wait_until(lambda: len(current.applied()) == 1, what="the entry after it")
    assert current.applied() == entries[9:]
    current.close()


def test_a_stream_that_ends_before_the_node_is_refused(redis, tmp_path):
    ahead = Node(redis, tmp_path, last="99999999999999-0")
    assert "Redis lost" in ahead.wait_prefix("refuse ")   # no stream at all
    ahead.close()
    node = start_node(redis, tmp_path)
    node.add(1, "m1")
    node.close()
    ahead = Node(redis, tmp_path, last="99999999999999-0")
    assert "before this node's last applied entry" in ahead.wait_prefix("refuse ")
    ahead.close()


def test_a_key_that_is_no_stream_is_refused(redis, tmp_path):
    redis.command("SET", STREAM, "not a stream")
    node = Node(redis, tmp_path)
    assert "Redis refused XINFO STREAM chat:test: WRONGTYPE" in node.wait_prefix("refuse ")
    node.close()


def test_malformed_entries_are_skipped_by_every_node(redis, tmp_path):
    bad = [
        ("v", "1", "n", "0", "r", "1", "e", "x"),                 # node 0
        ("v", "2", "n", "1", "r", "1", "e", "x"),                 # unknown version
        ("v", "1", "n", "1", "r", "-1", "e", "x"),                # no request number
        ("v", "1", "n", "1", "r", "1"),                           # no event
        ("v", "1", "n", "1", "r", "1", "e", "x", "z", "1"),       # a field too many
        ("v", "1", "n", "1", "n", "1", "r", "1", "e", "x"),       # n twice (and 10)
        ("v", "1", "n", "256", "r", "1", "e", "x"),               # node out of range
        ("v", "1", "n", "1", "r", "1", "e", "x" * (128 * 1024 + 9)),  # too large
    ]
    ids = [redis.command("XADD", STREAM, "*", *fields).decode() for fields in bad]
    nodes = [start_node(redis, tmp_path, n) for n in (1, 2)]
    nodes[0].add(1, "good")
    wait_until(lambda: nodes[1].applied_texts() == ["good"], what="node 2 to apply")
    for node in nodes:
        skipped = [line.split(" ", 2)[1] for line in node.lines if line.startswith("skipped ")]
        assert skipped == ids
        node.close()


def test_a_redis_that_refuses_the_connection_is_retried(redis, tmp_path):
    redis.command("CONFIG", "SET", "requirepass", "secret")
    node = Node(redis, tmp_path)
    assert "Redis refused the connection: NOAUTH" in node.wait_prefix("down ")
    node.send("add 1 refused")
    node.wait_line("refused 1")
    redis.command("CONFIG", "SET", "requirepass", "", password="secret")
    node.wait_line("up")
    node.add(2, "accepted")
    assert node.applied_texts() == ["accepted"]
    node.close()


def test_redis_gone_for_good_is_reported_and_retried(redis, tmp_path):
    node = start_node(redis, tmp_path)
    redis.stop()
    node.wait_prefix("down ")
    node.send("add 1 nowhere")
    node.wait_line("refused 1")
    node.close()   # no crash, no leak while retrying against a closed port


def run_server(*args, cwd):
    return subprocess.run([binary("chat-server"), "--no-tls", "--log", "-", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL)


def test_cluster_options_are_checked(tmp_path):
    cases = [
        (["--node-id", "2"], "--node-id needs --cluster"),
        (["--cluster", "redis://127.0.0.1:6379"], "--cluster needs --node-id"),
        (["--cluster", "redis://localhost:6379", "--node-id", "1"], "must be an IPv4 address"),
        (["--cluster", "http://127.0.0.1:6379", "--node-id", "1"], "is not a redis://"),
        (["--cluster", "redis://127.0.0.1:0", "--node-id", "1"], "port"),
        (["--cluster", "redis://127.0.0.1:6379", "--node-id", "0"], "1..255"),
        (["--cluster", "redis://127.0.0.1:6379", "--node-id", "256"], "1..255"),
    ]
    for args, message in cases:
        result = run_server(*args, cwd=tmp_path)
        assert result.returncode == 2, (args, result)
        assert message in result.stderr, (args, result.stderr)
        assert "listening" not in result.stdout
    help_text = run_server("--help", cwd=tmp_path).stdout
    assert "--cluster URL" in help_text and "--node-id N" in help_text
