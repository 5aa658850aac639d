"""Running chat-cli as a user would: lines on stdin, events read from stdout/stderr."""

import os
import pty
import re
import subprocess
import termios
import threading
import time
from pathlib import Path

from chatserver import TIMEOUT, binary

CLOCK = r"\d\d:\d\d:\d\d"
# A message line's id ("#12") after the clock, which the tests of other things skip.
MESSAGE_ID = r"(?: #\d+)?"
# A line's start: the clock, after the room's tag ("[#lobby] ", "[@bob] ") when the line
# belongs to a room, and a message's id. Tests of rooms match the tag itself with
# in_room().
STAMP = rf"(?:\[[#@][^\]]*\] )?{CLOCK}{MESSAGE_ID}"


def in_room(tag):
    """The start of a line of the room tagged tag ("#lobby", "@bob"), with the message id
    of a message line."""
    return rf"\[{re.escape(tag)}\] {CLOCK}{MESSAGE_ID}"


def command(port, user, files_dir, extra=(), tls=False):
    """chat-cli's command line: plain text (--no-tls, as the test servers talk) unless
    tls is true. port is a loopback port, or a list of servers as text for --server."""
    where = (["--server", port] if isinstance(port, str)
             else ["--host", "127.0.0.1", "--port", str(port)])
    cmd = [binary("chat-cli"), *where, "--user", user, "--files-dir", str(files_dir), *extra]
    return cmd if tls else cmd + ["--no-tls"]


def environment(state_dir, env=None):
    """os.environ with XDG_STATE_HOME (the login token, the pinned certificates) in
    state_dir, never the user's, and env's variables on top."""
    return {**os.environ, "XDG_STATE_HOME": str(state_dir), **(env or {})}


class Cli:
    """One chat-cli process with stdin as a pipe (or, with tty, a terminal: chat-cli is
    then interactive and reconnects after a loss); stdout and stderr are read by threads
    into line lists, so a test can wait for a line with a deadline. Its state folder
    ($XDG_STATE_HOME, where the login token and the pinned certificates are kept) is
    cwd/state unless state_dir says. It talks plain text (--no-tls, as the test servers
    do) unless tls is true; env adds environment variables."""

    def __init__(self, port, user, files_dir, cwd, extra=(), tty=False, state_dir=None,
                 echo=False, tls=False, env=None):
        cmd = command(port, user, files_dir, extra, tls)
        stdin = subprocess.PIPE
        if tty:
            master, stdin = pty.openpty()
            if not echo:                          # lines typed are not echoed back
                attrs = termios.tcgetattr(stdin)
                attrs[3] &= ~termios.ECHO
                termios.tcsetattr(stdin, termios.TCSANOW, attrs)
        self.state_dir = Path(state_dir) if state_dir else Path(cwd) / "state"
        env = environment(self.state_dir, env)
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdin=stdin, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._terminal = None
        if tty:
            os.close(stdin)
            self._terminal = os.fdopen(master, "wb", buffering=0)
        self.input = self._terminal or self.proc.stdin
        self.out = []
        self.err = []
        self._cond = threading.Condition()
        self._threads = [threading.Thread(target=self._collect, args=(s, lines), daemon=True)
                         for s, lines in ((self.proc.stdout, self.out),
                                          (self.proc.stderr, self.err))]
        for thread in self._threads:
            thread.start()

    def _collect(self, stream, lines):
        for raw in iter(stream.readline, b""):
            with self._cond:
                lines.append(raw.decode("utf-8", errors="replace").rstrip("\n"))
                self._cond.notify_all()

    def write(self, line):
        """Sends one line; False if chat-cli has already exited (its status tells why)."""
        try:
            self.input.write(line.encode() + b"\n")
            self.input.flush()
            return True
        except OSError:                       # EPIPE, or EIO on a terminal
            return False

    def terminal_echoes(self):
        """Whether the terminal chat-cli reads from echoes what is typed (tty only)."""
        return bool(termios.tcgetattr(self._terminal.fileno())[3] & termios.ECHO)

    def close_stdin(self):
        try:
            self.input.close()
        except BrokenPipeError:
            pass

    def wait_line(self, pattern, timeout=TIMEOUT, stream="out"):
        """Waits for a line of stdout (or stderr) matching pattern; returns the match."""
        regex = re.compile(pattern)
        lines = self.out if stream == "out" else self.err
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in lines:
                    match = regex.search(line)
                    if match:
                        return match
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"no {stream} line matching {pattern!r} in {timeout:.0f}s;\n"
                        f"stdout: {self.out}\nstderr: {self.err}")
                self._cond.wait(left)

    def wait(self, timeout=TIMEOUT):
        """Waits for exit; returns the status after both output streams are read."""
        try:
            status = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"chat-cli did not exit in {timeout:.0f}s;\n"
                                 f"stdout: {self.out}\nstderr: {self.err}") from None
        for thread in self._threads:
            thread.join(timeout)
        return status

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self._terminal is not None:
            self._terminal.close()


class TerminalCli:
    """chat-cli as in a terminal emulator: stdin, stdout and stderr all on one
    pseudo-terminal. raw holds every byte it wrote to the terminal, untouched (output
    processing is off, so not even a CR is added to a newline)."""

    def __init__(self, port, user, files_dir, cwd, extra=(), tls=False, env=None):
        master, slave = pty.openpty()
        attrs = termios.tcgetattr(slave)
        attrs[1] &= ~termios.OPOST               # bytes reach the master as written
        attrs[3] &= ~termios.ECHO                # lines typed are not echoed back
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        self.proc = subprocess.Popen(command(port, user, files_dir, extra, tls), cwd=cwd,
                                     env=environment(Path(cwd) / "state", env),
                                     stdin=slave, stdout=slave,
                                     stderr=slave, start_new_session=True)
        os.close(slave)
        self._master = master
        self.raw = bytearray()
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._collect, daemon=True)
        self._thread.start()

    def _collect(self):
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:                      # EIO: the last writer closed the terminal
                data = b""
            with self._cond:
                if not data:
                    self._cond.notify_all()
                    return
                self.raw += data
                self._cond.notify_all()

    def wait_for(self, pattern, timeout=TIMEOUT):
        """Waits until the bytes written so far match the bytes regex pattern."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            while not regex.search(self.raw):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {pattern!r} on the terminal in {timeout:.0f}s;"
                                         f"\nterminal: {bytes(self.raw)!r}")
                self._cond.wait(left)

    def write(self, line):
        os.write(self._master, line.encode() + b"\n")

    def wait(self, timeout=TIMEOUT):
        """Waits for exit; returns the status once everything written has been read."""
        try:
            status = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"chat-cli did not exit in {timeout:.0f}s;\n"
                                 f"terminal: {bytes(self.raw)!r}") from None
        self._thread.join(timeout)
        return status

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._thread.join(TIMEOUT)
        try:
            os.close(self._master)
        except OSError:
            pass
