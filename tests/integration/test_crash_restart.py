"""The server killed with SIGKILL in the middle of an upload: the half-written upload is
an unnamed temporary file (O_TMPFILE), so nothing of it is left in the files directory
even though the server could not clean up; it starts again on the same files directory
and port, and clients come back -- chat-cli on a terminal by itself, raw clients by
connecting again. (Leftovers of filesystems without O_TMPFILE: test_upload.py.)"""

import os
import re
import signal

import chatproto as P
from chatcli import STAMP
from chatclient import offer, send_chunks, sha256, upload
from chatserver import wait_until

DATA = bytes(range(256)) * 8192       # 2 MiB
HALF = len(DATA) // 2


def restart(server_factory, port, files):
    """A new server on the same port and files directory. The port was only just freed;
    should anything else take it meanwhile, starting is retried until the deadline."""
    started = []

    def attempt():
        try:
            started.append(server_factory("--port", str(port), files_dir=files))
            return True
        except AssertionError:            # "exited before listening": port still taken
            return False
    wait_until(attempt, what=f"a new server listening on port {port}", interval=0.2)
    return started[0]


def test_sigkill_mid_upload_then_restart(server_factory, user, cli, tmp_path):
    files = tmp_path / "files"
    first = server_factory(files_dir=files)
    carol = cli(first, "carol", tty=True)
    carol.wait_line(rf"^{STAMP} \* connected as carol$")
    alice = user(first, "alice")
    offer(alice, 1, "half.bin", len(DATA), sha256(DATA))
    alice.expect(P.FILE_ACCEPT, id=1)
    send_chunks(alice, 1, DATA[:HALF])
    alice.sync()                          # every chunk sent so far is on disk
    assert first.entries() == [], "an upload in progress has no name"
    fd_dir = f"/proc/{first.pid}/fd"
    open_files = [os.readlink(f"{fd_dir}/{fd}") for fd in os.listdir(fd_dir)]
    assert any(path.startswith(f"{files}/") and path.endswith(" (deleted)")
               for path in open_files), f"no unnamed upload file open: {open_files}"

    first.expect_exit = None              # killed: no exit status, no report
    first.signal(signal.SIGKILL)
    assert first.wait() == -signal.SIGKILL
    assert first.entries() == [], "the killed server left nothing to clean up"

    second = restart(server_factory, first.port, files)
    assert second.entries() == []

    # chat-cli notices the loss and logs in again by itself.
    wait_until(lambda: sum(bool(re.match(rf"^{STAMP} \* connected as carol$", line))
                           for line in carol.out) == 2, what="chat-cli to reconnect")
    again = user(second, "alice")        # a raw client simply connects again
    assert sorted(name for _, name in again.users) == ["alice", "carol"]
    carol.write("back after the crash")
    again.expect(P.TEXT, sender="carol", text="back after the crash")
    announce = upload(again, "half.bin", DATA)
    assert second.entries() == [announce.name] == ["half.bin"]
    assert (files / "half.bin").read_bytes() == DATA
