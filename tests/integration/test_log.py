"""server.log: one line per event in the documented format; untrusted text is escaped so
it can never start a line of its own; SIGHUP reopens the file."""

import calendar
import os
import re
import signal
import time

import chatproto as P
from chatclient import download, upload
from chatserver import wait_until

TS = r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{3})Z"
LEVEL = r"(?:DEBUG|INFO|WARN|ERROR)"
# Every line: time, level, conn id, address, user (absent ones "-"), event text.
# A line about no connection (start, stop) may name the listening address.
LINE = re.compile(rf"^{TS} {LEVEL} conn=(\d+|-) addr=(127\.0\.0\.1:\d+|-) user=(\S+) (\S.*)$")

FORGED = "2026-01-01T00:00:00.000Z INFO conn=999 addr=6.6.6.6:1 user=root FORGED"


def parse(lines, began, ended):
    """Checks every line's format and time; returns (conn, user, event) per line, conn
    None for lines about no connection."""
    events = []
    for line in lines:
        match = LINE.match(line)
        assert match, f"bad log line: {line!r}"
        stamp = match.groups()[:7]
        seconds = calendar.timegm(tuple(int(x) for x in stamp[:6]) + (0, 0, 0))
        assert began - 2 <= seconds + int(stamp[6]) / 1000 <= ended + 2, f"time of {line!r}"
        conn = None if match.group(8) == "-" else int(match.group(8))
        assert conn is None or match.group(9) != "-", f"conn without addr: {line!r}"
        events.append((conn, match.group(10), match.group(11)))
    return events


def test_log_format_and_events(server, room, connect):
    began = time.time()
    alice, bob = room(server, "alice", "bob")
    data = os.urandom(100000)
    announce = upload(alice, "notes.txt", data)
    bob.expect(P.FILE_ANNOUNCE)
    assert download(bob, announce.file_id)[1] == data
    refused = connect(server)
    refused.hello("ALICE")
    refused.expect_error(P.E_NAME_TAKEN)
    bob.send_frame(P.DOWNLOAD_REQUEST, file_id=4242, offset=0)
    bob.expect_error(P.E_FILE_NOT_FOUND, ref_type=P.DOWNLOAD_REQUEST, ref_id=4242)
    bob.goodbye("done")
    bob.expect_closed()
    alice.expect(P.USER_LEFT)
    assert server.stop() == 0
    lines = server.log_lines()
    events = parse(lines, began, time.time())
    assert events[0][0] is None and re.search(r"\bstart", events[0][2]), lines[0]
    assert events[-1][0] is None and re.search(r"\bstop", events[-1][2]), lines[-1]

    def conn_of(user, pattern):
        found = [c for c, u, e in events if u == user and re.search(pattern, e)]
        assert found, f"no {pattern!r} line for user={user} in:\n" + "\n".join(lines)
        return found[0]

    alice_conn = conn_of("alice", r"^login\b")
    bob_conn = conn_of("bob", r"^login\b")
    assert alice_conn != bob_conn
    assert conn_of("bob", r"^logout\b") == bob_conn
    assert conn_of("alice", r"upload.*(start|begin)") == alice_conn
    assert conn_of("alice", r"upload.*complete") == alice_conn
    assert conn_of("bob", r"download.*(start|begin)") == bob_conn
    assert conn_of("bob", r"download.*complete") == bob_conn
    assert any(c is not None and re.search(r"login refused", e) for c, u, e in events), \
        "no 'login refused' line for the taken name"
    # The error sent to bob is logged naming the request it answers, in full.
    error_lines = [e for c, u, e in events if c == bob_conn and "4242" in e]
    assert error_lines, "the ERROR sent to bob was not logged"
    for event in error_lines:
        assert re.search(r"\bDOWNLOAD_REQUEST\b", event), f"request type cut: {event!r}"
    # Every connection, logged in or not, has a connect line.
    for conn in (alice_conn, bob_conn):
        assert any(c == conn and re.search(r"^connect", e) for c, u, e in events)


def test_untrusted_text_cannot_forge_a_line(server, room, connect):
    began = time.time()
    alice, bob = room(server, "alice", "bob")
    evil = "x\n" + FORGED
    # Through every string a client controls that may reach the log.
    sneaky = connect(server)
    sneaky.hello("mallory", agent="a\n2026-01-01T00:00:00.000Z INFO user=root FORGED")
    sneaky.expect(P.WELCOME)
    for c in (alice, bob):
        c.expect(P.USER_JOINED)
    refused = connect(server)
    refused.hello(evil)
    refused.expect_error(P.E_NAME_INVALID)
    alice.say(evil, client_id=1)
    alice.expect(P.TEXT)
    upload(alice, evil + ".txt", b"payload")
    alice.send_frame(P.DOWNLOAD_REQUEST, file_id=12345, offset=0)
    alice.expect_error(P.E_FILE_NOT_FOUND)
    bob.sync()                   # take the text and the announce first
    bob.goodbye(evil + "\r\n\x1b[2J\\")
    bob.expect_closed()
    assert server.stop() == 0
    lines = server.log_lines()
    parse(lines, began, time.time())
    for line in lines:
        assert not line.startswith("2026-01-01"), f"forged line: {line!r}"
        assert "\x1b" not in line and "\r" not in line, f"raw control byte: {line!r}"
        match = LINE.match(line)
        assert match.group(10) != "root" and match.group(8) != "999", line
        if "FORGED" in line:
            # Untrusted text only ever appears inside a quoted, escaped string.
            before = re.sub(r'\\.', "", line[:line.index("FORGED")])
            assert before.count('"') % 2 == 1, f"unquoted untrusted text: {line!r}"


def test_sighup_reopens_log(server, user):
    user(server, "alice")
    server.wait_log(r"user=alice login")
    rotated = server.log_path.with_name("server.log.1")
    os.rename(server.log_path, rotated)
    server.signal(signal.SIGHUP)
    # The signal is handled asynchronously; the reopen creates a new server.log.
    wait_until(server.log_path.exists, what="server.log to be reopened")
    user(server, "bob")
    server.wait_log(r"user=bob login")
    assert any("user=alice login" in line for line in rotated.read_text().splitlines())
    assert not any("user=bob" in line for line in rotated.read_text().splitlines())


def test_log_level_warn_drops_info_lines(server_factory, user, connect):
    server = server_factory("--log-level", "warn")
    user(server, "alice")
    refused = connect(server)
    refused.hello("alice")
    refused.expect_error(P.E_NAME_TAKEN)
    assert server.stop() == 0
    lines = server.log_lines()
    assert all(re.match(rf"^{TS} (WARN|ERROR) ", line) for line in lines), lines
    assert not any("user=alice login" in line for line in lines)
