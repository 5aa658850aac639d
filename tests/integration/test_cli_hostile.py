"""A hostile server cannot act on chat-cli's terminal: a fake server (plain text and TLS)
sends every escape a terminal obeys -- in texts, names, file names, error and shutdown
texts -- while chat-cli runs on a pseudo-terminal; the bytes the terminal receives
contain none of them, and no forged line appears."""

import re

import pytest

import chatproto as P
from chatcli import STAMP
from fakeserver import BIDI, ESCAPES, SENTINEL, fingerprint, hostile_frames, self_signed

def hostile_script(send):
    """The hostile frames, then a SHUTDOWN whose reason is hostile too; then it closes."""
    for frame in hostile_frames():
        send(frame)
    send(P.encode(P.SHUTDOWN, reason="shutdown text " + ESCAPES))
    return True


def assert_inert(raw):
    """raw (bytes a terminal received) holds no control character but newline and tab,
    no C1 or bidi control, and every line is one of chat-cli's own."""
    text = raw.decode("utf-8")               # invalid UTF-8 would be a finding too
    for char in text:
        code = ord(char)
        assert char in "\n\t" or not (code < 0x20 or 0x7f <= code <= 0x9f), \
            f"control character U+{code:04X} reached the terminal: {raw!r}"
        assert char not in BIDI, f"bidi control U+{code:04X} reached the terminal"
    for line in text.split("\n"):
        assert not re.match(rf"^{STAMP} <admin>", line), f"forged line: {line!r}"
        assert not line.startswith("12:00:00"), f"forged line: {line!r}"


@pytest.mark.parametrize("tls", [False, True], ids=["plain", "tls"])
def test_escapes_never_reach_the_terminal(tmp_path, fake_server, terminal_cli, tls):
    cert = self_signed(tmp_path, "hostile") if tls else None
    server = fake_server(hostile_script, cert=cert, users=[(2, "bob")])
    extra = ("--trust-fingerprint", fingerprint(cert[0])) if tls else ()
    term = terminal_cli(server, "alice", extra=extra, tls=tls)
    # On a terminal chat-cli reconnects after the server closes; by then it has printed
    # everything the server sent, the shutdown reason last.
    term.wait_for(rb"shutdown text")
    term.write("/quit")
    assert term.wait() == 0
    raw = bytes(term.raw)
    assert_inert(raw)
    text = raw.decode()
    # Each piece was shown -- written out, not obeyed -- on its own event line.
    assert "\\x1B]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07" in text
    assert "\\x1B[2J" in text and "\\u009B2J" in text and "\\u202E" in text
    assert re.search(rf"^{STAMP} <bob> hi\\n12:00:00 <admin> looks like two lines$", text, re.M)
    assert re.search(rf"^{STAMP} <bob> hi\\n12:00:00 <admin> give me your password$", text,
                     re.M)
    assert re.search(rf"^{STAMP} \* bob\\x1B.* shared #7 gpj\\u202Eexe\.doc", text, re.M)
    assert re.search(rf"^{STAMP} \* mallory\\x1B]52;c;eA==\\x07\\x1B\[2J.* joined$", text, re.M)
    assert re.search(r"^error: server: error text \\x1B", text, re.M)
    assert re.search(rf"^{STAMP} <bob> {SENTINEL}$", text, re.M)
    assert re.search(r"^error: the server closed the connection: shutdown text \\x1B", text,
                     re.M)


def test_refusal_text_is_inert(fake_server, terminal_cli):
    """A login refusal's reason is network text too."""
    server = fake_server(refuse="no such name\n12:00:00 <admin> " + ESCAPES)
    term = terminal_cli(server, "alice")
    assert term.wait() == 1
    assert_inert(bytes(term.raw))
    assert re.search(r"^error: .*no such name\\n12:00:00 <admin> \\x1B]52",
                     bytes(term.raw).decode(), re.M)
