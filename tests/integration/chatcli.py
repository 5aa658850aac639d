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
# A line's start: the clock, after the room's tag ("[#lobby] ", "[@bob] ") when the line
# belongs to a room. Tests of rooms match the tag itself with in_room().
STAMP = rf"(?:\[[#@][^\]]*\] )?{CLOCK}"


def in_room(tag):
    """The start of a line of the room tagged tag ("#lobby", "@bob")."""
    return rf"\[{re.escape(tag)}\] {CLOCK}"


class Cli:
    """One chat-cli process with stdin as a pipe (or, with tty, a terminal: chat-cli is
    then interactive and reconnects after a loss); stdout and stderr are read by threads
    into line lists, so a test can wait for a line with a deadline. Its state folder
    ($XDG_STATE_HOME, where the login token is kept) is cwd/state unless state_dir says."""

    def __init__(self, port, user, files_dir, cwd, extra=(), tty=False, state_dir=None,
                 echo=False):
        cmd = [binary("chat-cli"), "--host", "127.0.0.1", "--port", str(port),
               "--user", user, "--files-dir", str(files_dir), *extra]
        stdin = subprocess.PIPE
        if tty:
            master, stdin = pty.openpty()
            if not echo:                          # lines typed are not echoed back
                attrs = termios.tcgetattr(stdin)
                attrs[3] &= ~termios.ECHO
                termios.tcsetattr(stdin, termios.TCSANOW, attrs)
        self.state_dir = Path(state_dir) if state_dir else Path(cwd) / "state"
        env = dict(os.environ, XDG_STATE_HOME=str(self.state_dir))
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
