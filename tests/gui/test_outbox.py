"""The GTK client's outbox: a text sent while the server is down stays pending in a file
under $XDG_STATE_HOME/chat-client; after the client quits and starts again (the server
back up, the same database), it is sent on login and arrives exactly once (the other
account's raw client sees it once, the store holds it once)."""

from chatclient import RawClient
import chatproto as P
from chatstore import texts

PASSWORD = "correct horse battery"
TEXT = "written while the server was down"


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
