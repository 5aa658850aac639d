"""The Redis link of cluster mode (server/cluster_link.c) on the server's own event loop,
against a real private redis-server (docs/CLUSTER.md section 6), through
build/tests/cluster-link-probe: a writer link appends, a reader link reads the stream
back with a blocking XREAD from the last id it read. And chat-server's --cluster options,
which are checked and then refused until messages go through the stream."""

import subprocess
import threading

from chatserver import (SANITIZER_RE, TIMEOUT, UNDER_VALGRIND, VALGRIND_CLEAN_RE, WRAPPER,
                        binary, paused, wait_until)

STREAM = "chat:test"


class LinkProbe:
    """One cluster-link-probe process; lines holds what it printed so far."""

    def __init__(self, redis, workdir):
        self.stderr_path = workdir / "probe.stderr"
        with open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(
                [*WRAPPER, binary("tests/cluster-link-probe"), redis.url, STREAM],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err)
        self.lines = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.decode().rstrip("\n"))

    def send(self, line):
        self.proc.stdin.write(f"{line}\n".encode())
        self.proc.stdin.flush()

    def wait_line(self, line, what=None):
        wait_until(lambda: line in self.lines, what=what or repr(line))

    def wait_prefix(self, prefix):
        """Waits for a line that starts with prefix and returns it."""
        return wait_until(lambda: next((line for line in self.lines
                                        if line.startswith(prefix)), None), what=repr(prefix))

    def outcome(self, text):
        """How the add of text ended: ("added", id), ("refused"|"lost", text) or None."""
        for line in self.lines:
            word, _, rest = line.partition(" ")
            if word in ("refused", "lost") and rest == text:
                return word, text
            if word == "added" and f"read {rest} {text}" in self.lines:
                return word, rest
        return None

    def read_back(self):
        """[(id, text)] of every entry read back, in order."""
        return [tuple(line.split(" ", 2)[1:]) for line in self.lines
                if line.startswith("read ")]

    def add_until_added(self, text):
        """Adds text (once, or again after a refusal) until Redis takes it."""
        def added():
            found = self.outcome(text)
            if found is None:
                return None
            if found[0] == "added":
                return found[1]
            self.lines.remove(f"{found[0]} {text}")
            self.send(f"add {text}")
            return None
        self.send(f"add {text}")
        return wait_until(added, what=f"{text} to be added")

    def close(self):
        self.proc.stdin.close()
        status = self.proc.wait(TIMEOUT)
        self._reader.join(TIMEOUT)
        err = self.stderr_path.read_text()
        assert status == 0, f"cluster-link-probe exited with {status}: {err}"
        assert not SANITIZER_RE.search(err), f"sanitizer report:\n{err}"
        if UNDER_VALGRIND:
            assert VALGRIND_CLEAN_RE.search(err), f"valgrind report:\n{err}"


def start_probe(redis, tmp_path):
    probe = LinkProbe(redis, tmp_path)
    probe.wait_line("up writer")
    probe.wait_line("up reader")
    return probe


def assert_read_once_in_order(probe, added):
    """Every added entry was read back exactly once, in stream order."""
    read = probe.read_back()
    ids = [entry_id for entry_id, _ in read]
    assert len(ids) == len(set(ids)), f"an entry was read twice: {read}"
    assert ids == sorted(ids, key=lambda i: tuple(map(int, i.split("-")))), read
    for entry_id, text in added:
        assert (entry_id, text) in read, f"{text} ({entry_id}) was added but never read"


def test_appends_are_read_back_in_order(redis, tmp_path):
    probe = start_probe(redis, tmp_path)
    texts = [f"m{i}" for i in range(300)]
    for text in texts:
        probe.send(f"add {text}")
    wait_until(lambda: all(probe.outcome(t) for t in texts), what="300 appends")
    assert {probe.outcome(t)[0] for t in texts} == {"added"}
    assert [text for _, text in probe.read_back()] == texts
    assert redis.command("XLEN", STREAM) == 300
    probe.close()


def test_redis_paused_refuses_writes_then_recovers_without_loss(redis, tmp_path):
    probe = start_probe(redis, tmp_path)
    before = probe.add_until_added("before")
    with paused(redis):
        probe.send("add during")          # sent, but Redis does not answer
        probe.wait_line("down writer: Redis did not answer in time")
        probe.wait_line("down reader: Redis did not answer in time")
        probe.send("add while-down")
        probe.wait_line("refused while-down", "a write to be refused while Redis is away")
        assert probe.outcome("during") == ("lost", "during")
    wait_until(lambda: probe.lines.count("up writer") == 2, what="the writer to come back")
    wait_until(lambda: probe.lines.count("up reader") == 2, what="the reader to come back")
    after = probe.add_until_added("after")
    wait_until(lambda: ("after" in [t for _, t in probe.read_back()]), what="after read back")
    read = [text for _, text in probe.read_back()]
    # What was refused never reached the stream; what was lost reached it once or not at
    # all (Redis had it in its socket buffer); the rest is there once, in order.
    assert "while-down" not in read
    assert read in (["before", "during", "after"], ["before", "after"]), read
    assert_read_once_in_order(probe, [(before, "before"), (after, "after")])
    probe.close()


def test_killed_connections_reconnect_and_resume(redis, tmp_path):
    probe = start_probe(redis, tmp_path)
    first = [(probe.add_until_added(f"a{i}"), f"a{i}") for i in range(20)]
    killed = redis.command("CLIENT", "KILL", "TYPE", "normal")
    assert killed >= 2, killed
    wait_until(lambda: probe.lines.count("up writer") == 2 and
               probe.lines.count("up reader") == 2, what="both links to reconnect")
    second = [(probe.add_until_added(f"b{i}"), f"b{i}") for i in range(20)]
    wait_until(lambda: len(probe.read_back()) >= 40, what="everything read back")
    assert [text for _, text in probe.read_back()] == [t for _, t in first + second]
    assert_read_once_in_order(probe, first + second)
    probe.close()


def test_redis_gone_for_good_is_reported_and_retried(redis, tmp_path):
    probe = start_probe(redis, tmp_path)
    redis.stop()
    assert probe.wait_prefix("down writer: ")
    assert probe.wait_prefix("down reader: ")
    probe.send("add nowhere")
    probe.wait_line("refused nowhere")
    probe.close()   # no crash, no leak while retrying against a closed port


def run_server(*args, cwd):
    return subprocess.run([binary("chat-server"), "--no-tls", "--log", "-", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL)


def test_cluster_options_are_checked_and_cluster_mode_is_refused(tmp_path):
    cases = [
        (["--cluster", "redis://127.0.0.1:6379", "--node-id", "1"],
         "cluster mode needs accounts, rooms and messages through the Redis stream, not "
         "built yet"),
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
