"""What a hostile server sends renders inert in chat-client: its texts, names and file
names reach the labels with every control and bidi character written out, and names and
file names are direction-isolated (FSI...PDI), so none can reorder what follows. Read
through the accessibility tree, against a fake TLS server whose fingerprint is handed
over with --trust-fingerprint (so no dialog: the option is exercised too)."""

import re

from chatgui import find_all, text_of, wait_until
from fakeserver import (BIDI, ESCAPES, FILE_NAME, SENTINEL, FakeServer, fingerprint,
                        hostile_frames, self_signed)

FSI, PDI = "\u2068", "\u2069"


def assert_label_inert(text):
    """A label's text: no control character but newline and tab; no bidi control, except
    FSI...PDI pairs each around a run free of bidi controls (an isolated name)."""
    text = re.sub(f"{FSI}([^{''.join(sorted(BIDI))}]*){PDI}", r"\1", text)
    for char in text:
        code = ord(char)
        assert char in "\n\t" or not (code < 0x20 or 0x7f <= code <= 0x9f), \
            f"control character U+{code:04X} in a label: {text!r}"
        assert char not in BIDI, f"bidi control U+{code:04X} in a label: {text!r}"


def test_hostile_texts_render_inert(tmp_path, client_factory):
    cert = self_signed(tmp_path, "hostile")

    def script(send):
        for frame in hostile_frames(leave=False):
            send(frame)

    server = FakeServer(script, cert=cert, users=[(2, "bob")])
    try:
        alice = client_factory(server.port, "alice", tls=True,
                               extra_args=("--trust-fingerprint", fingerprint(cert[0])))
        alice.wait_message("bob", SENTINEL)
        alice.refresh()
        labels = [text_of(label) for label in find_all(alice.app, role="label")]
        for text in labels:
            assert_label_inert(text)
        # Shown, written out: the file's name, isolated, its override visible.
        assert any(text.startswith(FSI + "gpj\\u202Eexe.doc") and text.endswith(PDI)
                   for text in labels), labels
        # The name that tried to forge a line is one isolated label, its newline written out.
        assert FSI + "bob> hi\\n12:00:00 <admin" + PDI in labels, labels
        # The escapes in a text are visible in its bubble, not obeyed.
        assert any(text.startswith("\\x1B]52;c;") for text in labels), labels
        # The user who joined with escapes in the name is listed, isolated.
        assert any(text.startswith(FSI + "mallory\\x1B]52") for text in labels), labels
        assert FILE_NAME not in "".join(labels)
    finally:
        server.stop()


def test_refusal_reason_renders_inert(client_factory):
    """A server's reason (here a login refusal) reaches the login view written out."""
    server = FakeServer(refuse="no\n12:00:00 <admin> " + ESCAPES)
    try:
        alice = client_factory(server.port, "alice")
        error = alice.wait_for("the login error", role="alert", name="Login error")
        wait_until(lambda: "no\\n12:00:00 <admin> \\x1B]52" in text_of(error),
                   "the refusal's reason in the login view")
        assert_label_inert(text_of(error))
    finally:
        server.stop()
