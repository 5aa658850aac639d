"""chat-server under systemd, as far as a test can be systemd: the readiness and stopping
notices on NOTIFY_SOCKET (Type=notify), and log lines with syslog priorities on standard
error when JOURNAL_STREAM says it is the journal."""

import os
import re
import signal
import socket
import subprocess

from chatserver import TIMEOUT, WRAPPER, binary, wait_until


def start(tmp_path, env_extra, stderr, *args):
    env = dict(os.environ, **env_extra)
    cmd = [*WRAPPER, binary("chat-server"), "--host", "127.0.0.1", "--port", "0",
           "--files-dir", str(tmp_path / "files"), "--no-tls", *args]
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=stderr)
    line = proc.stdout.readline()
    assert line.startswith(b"chat-server listening on 127.0.0.1:"), line
    return proc


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(TIMEOUT) == 0


def test_notifies_ready_then_stopping(tmp_path):
    path = str(tmp_path / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as manager:
        manager.bind(path)
        manager.settimeout(TIMEOUT)
        proc = start(tmp_path, {"NOTIFY_SOCKET": path}, subprocess.DEVNULL,
                     "--log", str(tmp_path / "server.log"))
        ready = manager.recv(4096).decode()
        assert "READY=1" in ready.split("\n"), ready
        assert re.search(r"STATUS=Listening on 127\.0\.0\.1:\d+", ready), ready
        stop(proc)
        stopping = manager.recv(4096).decode()
        assert "STOPPING=1" in stopping.split("\n"), stopping


def test_logs_to_the_journal_with_priorities(tmp_path):
    journal = tmp_path / "journal"
    with open(journal, "wb") as stream:
        st = os.fstat(stream.fileno())
        proc = start(tmp_path, {"JOURNAL_STREAM": f"{st.st_dev}:{st.st_ino}"}, stream)
        stop(proc)
    lines = journal.read_text().splitlines()
    assert any(re.match(r"<6>INFO conn=- addr=127\.0\.0\.1:\d+ user=- start ", l)
               for l in lines), lines
    assert "<6>INFO conn=- addr=- user=- stop" in lines, lines
    assert not (tmp_path / "server.log").exists(), "the journal replaces server.log"


def test_without_the_journal_logs_to_server_log(tmp_path):
    # JOURNAL_STREAM naming some other file (stderr redirected by hand) is not the journal.
    other = os.stat(tmp_path)
    with open(tmp_path / "stderr", "wb") as stream:
        proc = start(tmp_path, {"JOURNAL_STREAM": f"{other.st_dev}:{other.st_ino}"}, stream)
        stop(proc)
    log = wait_until(lambda: (tmp_path / "server.log").exists() and
                     (tmp_path / "server.log").read_text(), what="server.log")
    assert re.search(r"^\d{4}-\d\d-\d\dT\S+Z INFO .* start ", log, re.M), log
    assert "<6>" not in (tmp_path / "stderr").read_text()
