"""The GTK client's outbox: a text sent while the server is down stays pending in a file
under $XDG_STATE_HOME/chat-client; after the client quits and starts again (the server
back up, the same database), it is sent on login and arrives exactly once (the other
account's raw client sees it once, the store holds it once)."""

import re
import threading

from chatclient import RawClient
from chatgui import TIMEOUT, wait_until
import chatproto as P
from chatstore import texts
from fakeserver import FakeServer

PASSWORD = "correct horse battery"
TEXT = "written while the server was down"
UNAVAILABLE = "The chat is temporarily unavailable; nothing was sent. Try again in a moment."


def test_unsent_text_survives_a_client_restart(server_factory, client_factory, tmp_path):
    data = tmp_path / "data"
    options = ("--data-dir", str(data))
    server = server_factory(guests=False, args=options)
    alice = client_factory(server.port, None, connect=False, name="alice")
    alice.fill_login("alice", PASSWORD, create=True)
    alice.wait_online()
    bob = RawClient(server.port)
    bob.register("bob", PASSWORD)
    bob.expect_session()
    bob.close()
    alice.wait_online(users=1)

    server.stop()
    alice.wait_line("Connection lost")
    alice.send_message(TEXT)
    alice.wait_message("alice", TEXT)  # pending on screen
    alice.stop()
    assert list((alice.workdir / "state" / "chat-client").glob("outbox-*")), "an outbox file"

    again = server_factory(port=server.port, guests=False, args=options)
    bob = RawClient(again.port)
    bob.password_login("bob", PASSWORD)
    bob.expect_session()
    alice = client_factory(again.port, None, connect=False, name="alice")
    alice.fill_login("alice", PASSWORD)
    alice.wait_online()
    while True:
        frame = bob.recv()
        if frame.type == P.TEXT:
            break
    assert (frame.sender, frame.text) == ("alice", TEXT)
    alice.wait_message("alice", TEXT)
    stored = [body for _, _, body in texts(data).values()]
    assert stored.count(TEXT) == 1, stored
    assert [name for name, _, _ in alice.message_rows() if name.endswith(TEXT)] == [
        name for name, _, _ in alice.message_rows() if name.endswith(TEXT)][:1], "shown once"
    bob.close()


def test_a_text_refused_as_unavailable_shows_sending_then_sent(client_factory):
    """A fake server answers the first send of a text with ERROR 80 (a cluster node
    without Redis) and the resend, once the test lets it, with the text: the bubble says
    "sending" throughout, no "not sent", then "sent"."""
    resend_may_pass = threading.Event()
    sends = []

    def answer(ftype, payload, send):
        if ftype != P.TEXT_SEND:
            return
        msg = P.decode_payload(ftype, payload)
        sends.append(msg.client_id)
        if len(sends) == 1:
            send(P.encode(P.ERROR, code=P.E_CLUSTER_UNAVAILABLE, ref_type=P.TEXT_SEND,
                          ref_id=msg.client_id, message=UNAVAILABLE))
        elif resend_may_pass.wait(TIMEOUT):
            send(P.encode(P.TEXT, message_id=1, time_ms=0, room_id=0, sender_id=1,
                          client_id=msg.client_id, sender="alice", text=msg.text))

    server = FakeServer(answer=answer)
    try:
        alice = client_factory(server.port, "alice")
        alice.wait_online()
        alice.send_message(TEXT)
        wait_until(lambda: len(sends) >= 2, "the text sent again after ERROR 80")
        assert len(set(sends)) == 1, "the resend has the text's client id"
        _, description, _ = alice.wait_message("alice", TEXT)
        assert "sending" in description and "not sent" not in description, description
        resend_may_pass.set()
        wait_until(lambda: re.search(r"(?<!not )\bsent\b", alice.wait_message("alice", TEXT)[1]),
                   "the bubble to say sent")
        assert len(sends) == 2, sends
    finally:
        resend_may_pass.set()
        server.stop()
