"""The processes of a benchmark run: chat-server, ngircd, chat-bench and the TCP baseline.

Every server listens on 127.0.0.1 only, is pinned to its own CPU, is started fresh for
each measurement and stopped by its PID. Readiness is read from the server's own output
by a thread that also keeps draining it, so a chatty server never blocks on a full pipe
and nothing here sleeps to "wait for" anything: each wait is an Event or a process with
a timeout.
"""
import functools
import os
import re
import resource
import signal
import socket
import subprocess
import threading
import time

READY_TIMEOUT_S = 15.0      # a server must say it listens within this (valgrind: x4)
STOP_TIMEOUT_S = 10.0       # SIGTERM, then SIGKILL after this
NGIRCD_LISTEN_RE = re.compile(r"Now listening on \[127\.0\.0\.1\]:(\d+)")
CHAT_LISTEN_RE = re.compile(r"^chat-server listening on 127\.0\.0\.1:(\d+)$")


class ServerRefused(Exception):
    """The server would not start with the options given (its own words attached)."""


class OutputPump(threading.Thread):
    """Copies a child's output into a log file line by line; `ready` is set when a line
    matches the pattern (`match` then holds it) or when the output ends."""

    def __init__(self, stream, log_path, pattern):
        super().__init__(daemon=True)
        self.stream, self.log_path, self.pattern = stream, log_path, pattern
        self.ready = threading.Event()
        self.match = None

    def run(self):
        with open(self.log_path, "a", encoding="utf-8", errors="replace") as log:
            for line in self.stream:
                log.write(line)
                log.flush()
                if self.match is None:
                    m = self.pattern.search(line.rstrip("\n"))
                    if m:
                        self.match = m
                        self.ready.set()
        self.ready.set()


class Server:
    """A running server: its PID, its port, and how to stop it."""

    def __init__(self, name, proc, port, output_log, pump):
        self.name, self.proc, self.port, self.output_log = name, proc, port, output_log
        self.pump = pump

    @property
    def pid(self):
        return self.proc.pid

    def stop(self, timeout=STOP_TIMEOUT_S):
        """SIGTERM by PID, SIGKILL if it lingers; returns the exit status once its last
        output is in output_log."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout)
        self.pump.join(timeout)
        return self.proc.returncode


def pinned(cpu, argv):
    """argv run on one CPU (taskset execs in place, so the PID is the program's)."""
    return argv if cpu is None else ["taskset", "-c", str(cpu)] + list(argv)


def _start(name, argv, output_log, pattern, timeout):
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, errors="replace")
    pump = OutputPump(proc.stdout, output_log, pattern)
    pump.start()
    if not pump.ready.wait(timeout) or pump.match is None:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(STOP_TIMEOUT_S)
        with open(output_log, encoding="utf-8", errors="replace") as f:
            words = f.read().strip().splitlines()
        raise ServerRefused(f"{name} did not start (exit {proc.returncode}): "
                            + (words[-1] if words else "no output"))
    return Server(name, proc, int(pump.match.group(1)), output_log, pump)


@functools.lru_cache(maxsize=None)
def chat_server_help(bin_dir):
    """chat-server's --help text of the build in bin_dir: which options it has (a
    baseline build from before an option existed is started without it)."""
    out = subprocess.run([os.path.join(bin_dir, "chat-server"), "--help"],
                         capture_output=True, text=True, timeout=30)
    return out.stdout


def start_chat_server(bin_dir, workdir, cpu, max_clients, extra_args=(), poller=None,
                      wrapper=(), ready_timeout=READY_TIMEOUT_S, tls=False):
    """chat-server on 127.0.0.1 with a kernel-chosen port, its log, files and database in
    workdir (extra_args may name another --data-dir, such as :memory:); plain text
    (--no-tls, for a build that has TLS) unless tls (it then makes its certificate in
    its data directory)."""
    files = os.path.join(workdir, "files")
    os.makedirs(files, exist_ok=True)
    argv = list(wrapper) + [os.path.join(bin_dir, "chat-server"), "--host", "127.0.0.1",
                            "--port", "0", "--log", os.path.join(workdir, "server.log"),
                            "--files-dir", files, "--data-dir", workdir,
                            "--max-clients", str(max_clients)]
    if poller:
        argv += ["--poller", poller]
    if not tls and "--no-tls" in chat_server_help(bin_dir):
        argv.append("--no-tls")
    argv += list(extra_args)
    return _start("chat-server", pinned(cpu, argv), os.path.join(workdir, "server.out"),
                  CHAT_LISTEN_RE, ready_timeout)


def free_loopback_port():
    """A port nobody listens on right now (ngircd cannot be told to pick one itself)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


NGIRCD_CONFIG = """\
# Private ngircd instance for the chat benchmark: loopback only, no limits that would
# throttle a load generator, no lookups that would slow logins.
[Global]
Name = bench.localhost
Info = chat benchmark reference server
AdminInfo1 = benchmark
AdminInfo2 = loopback only
AdminEMail = nobody@localhost
Listen = 127.0.0.1
Ports = {port}
MotdPhrase = bench
PidFile =
[Limits]
MaxConnections = 0
MaxConnectionsIP = 0
MaxJoins = 0
MaxPenaltyTime = 0
PingTimeout = 600
PongTimeout = 600
[Options]
DNS = no
Ident = no
PAM = no
IncludeDir = {include_dir}
"""


def write_ngircd_config(workdir, port):
    """Writes the private config (and an empty include dir, so that nothing from
    /etc/ngircd is read) and returns its path."""
    include_dir = os.path.join(workdir, "ngircd.conf.d")
    os.makedirs(include_dir, exist_ok=True)
    path = os.path.join(workdir, "ngircd.conf")
    with open(path, "w", encoding="utf-8") as f:
        f.write(NGIRCD_CONFIG.format(port=port, include_dir=include_dir))
    return path


def ngircd_configtest(workdir):
    """Runs `ngircd --configtest` on the private config; returns (accepted, dump)."""
    path = write_ngircd_config(workdir, free_loopback_port())
    out = subprocess.run(["ngircd", "--configtest", "-f", path], capture_output=True,
                         text=True, timeout=30)
    dump = out.stdout + out.stderr
    accepted = (out.returncode == 0 and re.search(r"MaxPenaltyTime = 0\b", dump) is not None
                and re.search(r"MaxConnectionsIP = 0\b", dump) is not None)
    return accepted, dump


def start_ngircd(workdir, cpu):
    """ngircd in the foreground (-n) with the private config on a free loopback port."""
    port = free_loopback_port()
    path = write_ngircd_config(workdir, port)
    return _start("ngircd", pinned(cpu, ["ngircd", "-n", "-f", path]),
                  os.path.join(workdir, "ngircd.out"), NGIRCD_LISTEN_RE, READY_TIMEOUT_S)


def start_tcp_sink(bin_dir, workdir, cpu, out_path, timeout_s):
    """chat-bench --tcp-sink: the receiving half of the plain TCP baseline."""
    argv = [os.path.join(bin_dir, "chat-bench"), "--tcp-sink", out_path, "--timeout",
            str(timeout_s)]
    return _start("tcp-sink", pinned(cpu, argv), os.path.join(workdir, "sink.out"),
                  re.compile(r"^tcp-sink listening on 127\.0\.0\.1:(\d+)$"), READY_TIMEOUT_S)


def start_floor_relay(bin_dir, workdir, cpu, lifetime_s, wrapper=(),
                      ready_timeout=READY_TIMEOUT_S):
    """floor-relay (bench/floor_relay.c): the bare relay chat-server is measured against;
    it exits by itself after lifetime_s."""
    argv = list(wrapper) + [os.path.join(bin_dir, "floor-relay"), "--lifetime",
                            str(int(lifetime_s))]
    return _start("floor-relay", pinned(cpu, argv), os.path.join(workdir, "relay.out"),
                  re.compile(r"^floor-relay listening on 127\.0\.0\.1:(\d+)$"),
                  ready_timeout)


def parse_result(stdout):
    """The key=value pairs of the RESULT line of chat-bench output (numbers converted),
    plus 'failure' from a FAILURE line; {} when there is no RESULT line."""
    res = {}
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            for pair in line.split()[1:]:
                key, _, value = pair.partition("=")
                try:
                    res[key] = int(value)
                except ValueError:
                    try:
                        res[key] = float(value)
                    except ValueError:
                        res[key] = value
        elif line.startswith("FAILURE "):
            res["failure"] = line[len("FAILURE "):]
    return res


def _busy_ticks():
    """CPU ticks spent by the whole machine outside idle and iowait."""
    with open("/proc/stat", encoding="utf-8") as f:
        fields = [int(x) for x in f.readline().split()[1:8]]
    return sum(fields) - fields[3] - fields[4]


def _process_ticks(pid):
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return 0


def _children_seconds():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


class OtherLoad:
    """CPU used on the machine during a run by anything but the server under test and
    chat-bench: other users' work that competes for the two pinned CPUs."""

    def __init__(self, server_pid):
        self.pid, self.hz = server_pid, os.sysconf("SC_CLK_TCK")
        self.start = (time.monotonic(), _busy_ticks(), _process_ticks(server_pid),
                      _children_seconds())

    def percent(self):
        """Share of all CPUs, in percent, since the object was made."""
        t0, busy0, srv0, kids0 = self.start
        wall = time.monotonic() - t0
        ours = (_process_ticks(self.pid) - srv0) / self.hz + (_children_seconds() - kids0)
        other = (_busy_ticks() - busy0) / self.hz - ours
        return max(0.0, 100.0 * other / max(wall, 1e-3) / (os.cpu_count() or 1))


def run_bench(bin_dir, cpu, args, timeout_s, server_pid=None):
    """Runs chat-bench pinned to cpu; returns (result dict, full output). With
    server_pid, the result also holds other_load_pct (see OtherLoad)."""
    argv = pinned(cpu, [os.path.join(bin_dir, "chat-bench")] + [str(a) for a in args])
    other = OtherLoad(server_pid) if server_pid else None
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=timeout_s)
        text = out.stdout + out.stderr
        res = parse_result(out.stdout)
        if not res:
            res = {"ok": 0, "failure": f"chat-bench exited {out.returncode} without a result"}
    except subprocess.TimeoutExpired as e:
        text = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else ""
        res = {"ok": 0, "failure": f"chat-bench did not finish within {timeout_s:.0f} s"}
    res["command"] = " ".join(argv)
    if other:
        res["other_load_pct"] = round(other.percent(), 1)
    return res, text
