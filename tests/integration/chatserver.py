"""Starting and stopping the real chat-server for one test.

Each server listens on a port the kernel picks (--port 0) on 127.0.0.1, runs in its own
working directory with its own log and files directory, and is stopped by PID. Its
stderr goes to a file that is checked for sanitizer reports when it stops. A server
speaks plain text (--no-tls) unless a test asks for TLS (tls=True): it then makes its
self-signed certificate in its working directory, and client_context() trusts it.

Accounts: a server is started with --allow-guests unless guests=False, so the tests of
the name-only HELLO login (the guest mode) keep testing that real mode; the account
tests (test_accounts*.py) start servers without it. Password hashing uses
--pwhash-memory 19 (OWASP's minimum, a real setting) unless a test asks otherwise, so
sanitizer and valgrind runs stay quick; test_accounts.py checks the default.

Redis is the cluster's shared log (docs/CLUSTER.md): Redis starts a private redis-server
for one test, on a free loopback port with its own configuration file and directory
(AOF on, as scripts/run-cluster runs it), and stops it by PID.

CHAT_SERVER_WRAPPER, when set, is a command line the server runs under, e.g.
"valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
(make test-valgrind); a server that stops normally must then report no errors.
"""

import contextlib
import itertools
import os
import re
import select
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN_DIR = Path(os.environ.get("CHAT_BIN_DIR", REPO / "build"))
WRAPPER = shlex.split(os.environ.get("CHAT_SERVER_WRAPPER", ""))
UNDER_VALGRIND = any(os.path.basename(word) == "valgrind" for word in WRAPPER)
# Sanitizer builds run two to three times slower, valgrind ten or more: every deadline
# stretches with them.
SLOWDOWN = 10.0 if UNDER_VALGRIND else 3.0 if "san" in BIN_DIR.name else 1.0
TIMEOUT = 10.0 * SLOWDOWN

LISTENING_RE = re.compile(rb"^chat-server listening on 127\.0\.0\.1:(\d+)\n$")
FINGERPRINT_RE = re.compile(rb"^chat-server TLS certificate(?: \(self-signed, new\))? "
                            rb"SHA-256 fingerprint ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})\n")
SANITIZER_RE = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|"
                          r"runtime error:")
GLIB_WARNING_RE = re.compile(r"-(?:CRITICAL|WARNING) \*\*")  # a GLib check failed
VALGRIND_CLEAN_RE = re.compile(r"^==\d+== ERROR SUMMARY: 0 errors from 0 contexts", re.M)


def binary(name):
    path = BIN_DIR / name
    assert path.is_file(), f"{path} is missing: build it first (make {path})"
    return str(path)


def wait_until(predicate, timeout=TIMEOUT, what="condition", interval=0.01):
    """Polls predicate until it returns something true; fails the test at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.1f}s waiting for {what}")
        time.sleep(interval)


def process_state(pid):
    """The one-letter state of a process ("T" once stopped), from /proc."""
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(") ", 1)[1][0]


@contextlib.contextmanager
def paused(server):
    """Holds the server (a Server or a Redis) still while the test queues input for it. A
    stop signal takes effect a moment after kill() returns, so the server is waited for
    to be stopped."""
    server.signal(signal.SIGSTOP)
    try:
        wait_until(lambda: process_state(server.pid) == "T", what="the server to stop")
        yield
    finally:
        server.signal(signal.SIGCONT)


REDIS_SERVER = shutil.which("redis-server")
REDIS_CONFIG = """\
bind 127.0.0.1
port {port}
protected-mode yes
daemonize no
dir {dir}
logfile {dir}/redis.log
save ""
appendonly yes
appendfsync everysec
"""


def free_loopback_port():
    """A port no one listens on at the moment (for a program that needs a number)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        arg = arg if isinstance(arg, bytes) else str(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    return b"".join(out)


def _read_reply(stream):
    """One RESP reply from a file object: str, int, bytes, list, None; errors raise."""
    line = stream.readline()
    assert line.endswith(b"\r\n"), f"Redis closed the connection ({line!r})"
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        raise AssertionError(f"Redis error: {rest.decode()}")
    if kind == b":":
        return int(rest)
    if kind == b"$":
        n = int(rest)
        return None if n < 0 else stream.read(n + 2)[:-2]
    if kind == b"*":
        n = int(rest)
        return None if n < 0 else [_read_reply(stream) for _ in range(n)]
    raise AssertionError(f"not a RESP reply: {line!r}")


class Redis:
    """One private redis-server (REDIS_SERVER must exist: the redis fixture skips or fails
    without it). url is what --cluster takes."""

    def __init__(self, workdir):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        for _ in range(5):  # another program may take the free port before Redis does
            self.port = free_loopback_port()
            conf = self.workdir / "redis.conf"
            conf.write_text(REDIS_CONFIG.format(port=self.port, dir=self.workdir))
            log = self.workdir / "redis.log"
            log.unlink(missing_ok=True)
            self.proc = subprocess.Popen([REDIS_SERVER, str(conf)], cwd=self.workdir,
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
            wait_until(lambda: self.proc.poll() is not None or (
                log.exists() and "Ready to accept connections" in log.read_text()),
                what="redis-server to start")
            if self.proc.poll() is None:
                break
        else:
            raise AssertionError(f"redis-server did not start: {log.read_text()}")
        self.url = f"redis://127.0.0.1:{self.port}"

    @property
    def pid(self):
        return self.proc.pid

    def signal(self, signum):
        assert self.proc.poll() is None, "redis-server is not running"
        os.kill(self.proc.pid, signum)

    def command(self, *args, password=None):
        """Sends one command on a new connection (after AUTH password, if given) and
        returns its reply."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT) as sock:
            sock.sendall((_resp("AUTH", password) if password else b"") + _resp(*args))
            with sock.makefile("rb") as stream:
                if password:
                    _read_reply(stream)
                return _read_reply(stream)

    def stop(self):
        """SIGTERM by PID and wait; a second call does nothing."""
        if self.proc.poll() is None:
            self.signal(signal.SIGCONT)  # a test that failed while Redis was paused
            self.signal(signal.SIGTERM)
        try:
            self.proc.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("redis-server did not stop") from None


class Server:
    """One running chat-server. expect_exit is the status stop() insists on (None: any).
    tls: the port speaks TLS (else --no-tls); fingerprint is then the certificate's
    SHA-256 fingerprint the server printed ("AB:CD:...")."""

    def __init__(self, workdir, args=(), files_dir=None, preexec_fn=None, port=0, guests=True,
                 pwhash_memory=19, tls=False):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.workdir / "server.log"
        self.files_dir = Path(files_dir) if files_dir else self.workdir / "files"
        # A server restarted on an earlier one's workdir gets a stderr file of its own:
        # the earlier one's report is still checked when it is stopped at teardown.
        self.stderr_path = next(path for n in itertools.count()
                                if not (path := self.workdir / (
                                    f"server.{n}.stderr" if n else "server.stderr")).exists())
        self.expect_exit = 0
        self.returncode = None
        self.port = None
        self.tls = tls
        self.fingerprint = None
        self.cert_path = self.workdir / "tls-cert.pem"
        self._stdout = bytearray()
        cmd = [*WRAPPER, binary("chat-server"), "--host", "127.0.0.1", "--port", str(port),
               "--log", str(self.log_path), "--files-dir", str(self.files_dir),
               *(["--allow-guests"] if guests else []),
               *(["--pwhash-memory", str(pwhash_memory)] if pwhash_memory else []),
               *([] if tls else ["--no-tls"]), *args]
        with open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(cmd, cwd=self.workdir, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.PIPE, stderr=err,
                                         preexec_fn=preexec_fn)
        try:
            self._read_listening_line()
        except BaseException:
            self.proc.kill()
            self.proc.wait()
            raise
        self._drain = threading.Thread(target=self._drain_stdout, daemon=True)
        self._drain.start()

    @property
    def pid(self):
        return self.proc.pid

    def _read_listening_line(self):
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + TIMEOUT
        while b"chat-server listening" not in self._stdout or not self._stdout.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no listening line in {TIMEOUT}s: {bytes(self._stdout)!r}")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 4096)
                if not chunk:
                    raise AssertionError(
                        f"chat-server exited before listening (status {self.proc.wait()}): "
                        f"stdout {bytes(self._stdout)!r}, stderr {self.stderr()!r}")
                self._stdout += chunk
        match = LISTENING_RE.match(self._listening_part())
        assert match, f"unexpected stdout {bytes(self._stdout)!r}"
        self.port = int(match.group(1))
        assert 0 < self.port < 65536

    def _listening_part(self):
        """stdout after the fingerprint line, which a TLS server must print first."""
        out = bytes(self._stdout)
        if not self.tls:
            return out
        match = FINGERPRINT_RE.match(out)
        assert match, f"no fingerprint line first: {out!r}"
        self.fingerprint = match.group(1).decode()
        return out[match.end():]

    def client_context(self):
        """An ssl client context that trusts exactly this server's certificate (it is
        self-signed, for no host name in particular)."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.load_verify_locations(cafile=str(self.cert_path))
        return ctx

    def _drain_stdout(self):
        for chunk in iter(lambda: self.proc.stdout.read1(65536), b""):
            self._stdout += chunk

    def stdout(self):
        return bytes(self._stdout)

    def stderr(self):
        return self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""

    def log_lines(self):
        if not self.log_path.exists():
            return []
        return self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()

    def wait_log(self, pattern, timeout=TIMEOUT):
        """Polls the log until a line matches pattern (a regex); returns that line."""
        regex = re.compile(pattern)

        def find():
            return next((line for line in self.log_lines() if regex.search(line)), None)
        return wait_until(find, timeout, f"a log line matching {pattern!r}")

    def entries(self):
        """Names in the files directory (an absent directory counts as empty)."""
        try:
            return sorted(os.listdir(self.files_dir))
        except FileNotFoundError:
            return []

    def wait_entries(self, expected, timeout=TIMEOUT):
        """Polls until the files directory holds exactly the names in expected."""
        expected = sorted(expected)
        try:
            wait_until(lambda: self.entries() == expected, timeout,
                       f"files dir to hold exactly {expected}")
        except AssertionError as exc:
            raise AssertionError(f"{exc}; it holds {self.entries()}") from None

    def running(self):
        return self.proc.poll() is None

    def signal(self, signum):
        assert self.running(), "chat-server is not running"
        os.kill(self.proc.pid, signum)

    def wait(self, timeout=TIMEOUT):
        """Waits for the process to exit; returns its status (fails at the deadline)."""
        try:
            self.returncode = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"chat-server did not exit within {timeout}s") from None
        self._drain.join(timeout)
        return self.returncode

    def stop(self):
        """SIGTERM (if still running), wait, and check the exit status, stdout and stderr.
        A second call returns the status at once: a restarted server may meanwhile have
        reused the working directory (and its stderr file)."""
        if self.returncode is not None:
            return self.returncode
        if self.running():
            os.kill(self.proc.pid, signal.SIGTERM)
        status = self.wait()
        err = self.stderr()
        assert not SANITIZER_RE.search(err), f"sanitizer report from chat-server:\n{err}"
        assert not GLIB_WARNING_RE.search(err), f"GLib warning from chat-server:\n{err}"
        if UNDER_VALGRIND and status >= 0:   # a killed server writes no report
            assert VALGRIND_CLEAN_RE.search(err), f"valgrind report from chat-server:\n{err}"
        if self.expect_exit is not None:
            assert status == self.expect_exit, (
                f"chat-server exited with {status}, expected {self.expect_exit}; "
                f"stderr:\n{err}")
        out = self._listening_part()
        assert LISTENING_RE.match(out), f"stdout is not exactly the listening line: {out!r}"
        return status
