"""chat-cli end to end against the real server: texts, a 100 MB file both ways through
/send and /get, presence lines, refusals."""

import hashlib
import os
import socket
import types

import chatproto as P
from chatcli import STAMP
from chatclient import upload
from chatserver import TIMEOUT


def make_file(path, mib):
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        for _ in range(mib):
            block = os.urandom(1 << 20)
            digest.update(block)
            out.write(block)
    return digest.hexdigest()


def file_sha(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def test_two_cli_users_exchange_text_and_100mb_file(server, cli, tmp_path):
    path = tmp_path / "holiday video.bin"
    want = make_file(path, 100)
    bob = cli(server, "bob")
    bob.wait_line(rf"^{STAMP} \* connected as bob$")
    bob.wait_line(rf"^{STAMP} \* online: bob$")
    alice = cli(server, "alice")
    alice.wait_line(rf"^{STAMP} \* connected as alice$")
    online = alice.wait_line(rf"^{STAMP} \* online: (.*)$").group(1)
    assert sorted(online.split(", ")) == ["alice", "bob"]
    bob.wait_line(rf"^{STAMP} \* alice joined$")

    alice.write("hello bob, ünïcödé ✓")
    bob.wait_line(rf"^{STAMP} <alice> hello bob, ünïcödé ✓$")
    bob.write("hi alice")
    alice.wait_line(rf"^{STAMP} <bob> hi alice$")

    alice.write(f"/send {path}")
    alice.close_stdin()
    shared = bob.wait_line(rf"^{STAMP} \* alice shared #(\d+) (.+) \((\d+) bytes\)$",
                           timeout=TIMEOUT * 6)
    file_id, name, size = int(shared.group(1)), shared.group(2), int(shared.group(3))
    assert (file_id, name, size) == (1, "holiday video.bin", 100 << 20)
    assert alice.wait(TIMEOUT * 6) == 0, alice.err
    alice.wait_line(rf"^{STAMP} \* upload holiday video\.bin complete$")
    assert alice.err == []
    bob.wait_line(rf"^{STAMP} \* alice left$")

    dest = tmp_path / "bob-downloads"
    dest.mkdir()
    bob.write(f"/get {file_id} {dest}")
    bob.close_stdin()
    done = bob.wait_line(rf"^{STAMP} \* download holiday video\.bin complete: (.+)$",
                         timeout=TIMEOUT * 6)
    assert bob.wait(TIMEOUT * 6) == 0, bob.err
    assert bob.err == []
    got = done.group(1)
    assert os.path.realpath(os.path.dirname(got)) == os.path.realpath(dest)
    assert os.path.getsize(got) == 100 << 20
    assert file_sha(got) == want
    stored = server.files_dir / "holiday video.bin"
    assert file_sha(stored) == want


def test_cli_shows_text_from_raw_client(server, cli, user):
    bob = cli(server, "bob")
    bob.wait_line(rf"^{STAMP} \* connected as bob$")
    raw = user(server, "raw")
    bob.wait_line(rf"^{STAMP} \* raw joined$")
    raw.say("two\nlines\tand a tab", client_id=1)
    raw.expect(P.TEXT, client_id=1)
    line = bob.wait_line(rf"^{STAMP} <raw> two\\nlines").string
    assert line.endswith("two\\nlines\tand a tab"), repr(line)
    bob.write("/users")
    # Both logged in by name only: the server admits them as guests, and says so.
    bob.wait_line(rf"^{STAMP} \* online: bob \(guest\), raw \(guest\)$")
    bob.write("/quit")
    assert bob.wait() == 0
    bob_id = next(uid for uid, name in raw.users if name == "bob")
    raw.expect(P.USER_LEFT, users=[(bob_id, "bob")])
    raw.expect_quiet()


def test_cli_piped_text_is_acknowledged_before_exit(server, cli, user):
    raw = user(server, "raw")
    alice = cli(server, "alice")
    for i in range(50):
        alice.write(f"message {i}")
    alice.write("")                                  # empty lines are ignored
    alice.close_stdin()
    assert alice.wait() == 0, alice.err
    assert alice.err == []
    raw.expect(P.USER_JOINED)
    for i in range(50):
        raw.expect(P.TEXT, sender="alice", text=f"message {i}")
    raw.expect(P.USER_LEFT)
    raw.expect_quiet()


def test_cli_taken_name_exits_1(server, cli, user):
    user(server, "carol")
    clash = cli(server, "CAROL")
    clash.write("hello?")
    clash.close_stdin()
    assert clash.wait() == 1
    assert any(line.startswith("error:") for line in clash.err), clash.err


def test_cli_invalid_name_exits_1(server, cli):
    bad = cli(server, "   ")
    bad.close_stdin()
    assert bad.wait() == 1
    assert any(line.startswith("error:") for line in bad.err), bad.err


def test_cli_unreachable_server_exits_1(cli):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]       # bound, never listening: connection refused
        lost = cli(types.SimpleNamespace(port=port), "alice")
        lost.close_stdin()
        assert lost.wait() == 1
    assert any(line.startswith("error:") for line in lost.err), lost.err


def test_cli_get_unknown_file_reports_error(server, cli, tmp_path):
    bob = cli(server, "bob")
    bob.write(f"/get 42 {tmp_path}")
    bob.close_stdin()
    bob.wait_line(r"^error: ", stream="err")
    assert bob.wait() == 1, bob.err      # a failed request fails the script
    assert os.listdir(tmp_path / "cli-bob-0" / "files") == []


def test_cli_get_defaults_to_files_dir(server, cli, user, tmp_path):
    alice = user(server, "alice")
    announce = upload(alice, "note.txt", b"a small note\n")
    files = tmp_path / "bob-files"
    bob = cli(server, "bob", files_dir=files)
    bob.wait_line(rf"^{STAMP} \* connected as bob$")
    bob.write(f"/get {announce.file_id}")
    bob.close_stdin()
    done = bob.wait_line(rf"^{STAMP} \* download note\.txt complete: (.+)$")
    assert bob.wait() == 0, bob.err
    assert os.path.realpath(os.path.dirname(done.group(1))) == os.path.realpath(files)
    assert open(done.group(1), "rb").read() == b"a small note\n"


def test_cli_send_missing_file_reports_error(server, cli, tmp_path):
    alice = cli(server, "alice")
    alice.write(f"/send {tmp_path / 'no such file'}")
    alice.close_stdin()
    alice.wait_line(r"^error: ", stream="err")
    assert alice.wait() == 1, alice.err  # a failed request fails the script
    assert server.entries() == []
