"""The whole story through two real windows: log in, chat both ways with emoji, send a
file through the attach dialog, download it on the other side, compare the bytes."""

import os
import re

from chatgui import do_action, find_one, wait_until

GREETING = "Hello Bob \U0001F44B, lunch at https://example.org? \U0001F355"
REPLY = "Sure alice \U0001F389 <b>not bold</b> & see you"


def test_two_users_chat_both_ways(server, client_factory):
    alice = client_factory(server.port, "alice")
    alice.wait_online(users=1)
    bob = client_factory(server.port, "bob")
    bob.wait_online(users=2)
    alice.wait_online(users=2)
    # alice sees bob arrive, as a notice and in the user list (read as his name, his
    # tag and his presence).
    alice.wait_for("the 'bob joined' notice", role="label", text="bob joined")
    alice.wait_for("bob in the user list", role="list item", name="bob (guest), online")

    alice.send_message(GREETING)
    name, description, labels = bob.wait_message("alice", GREETING)
    assert "alice" in labels, f"bob's bubble does not show alice's name: {labels}"
    # A screen reader hears who, when and what, in that order.
    assert re.fullmatch(r"alice, \d\d:\d\d: " + re.escape(GREETING), name), name
    # alice's own bubble turns from pending to sent once the server echoes it.
    wait_until(lambda: any(d == "sent" for n, d, l in alice.message_rows()
                           if GREETING in l), "alice's bubble to be acknowledged")

    bob.send_message(REPLY)
    alice.wait_message("bob", REPLY)  # markup shows literally, exactly as typed


def test_file_from_alice_arrives_at_bob(server, client_factory, tmp_path):
    payload = os.urandom(300_000) + "end \U0001F4CE".encode()
    source = tmp_path / "holiday photos.bin"
    source.write_bytes(payload)
    alice = client_factory(server.port, "alice")
    # No --files-dir: bob's downloads go to his desktop's Downloads folder.
    bob = client_factory(server.port, "bob", desktop_downloads=True)
    alice.wait_online(users=2)
    bob.wait_online(users=2)

    alice.attach_file(source)

    name = "holiday photos.bin"
    row = bob.wait_file_row("alice", name)
    download = wait_until(lambda: find_one(row, role="push button", name="Download"),
                          "the Download button")
    do_action(download, "click")
    target = bob.files_dir / name
    wait_until(lambda: "downloaded" in (bob.file_row("alice", name).get_description() or ""),
               "bob's file row to say downloaded")
    assert target.read_bytes() == payload
    # Saved like any file the user saves: the umask decides, not a private 0600.
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    # Once verified, the row offers Open and Show in folder; alice's says shared.
    row = bob.file_row("alice", name)
    assert find_one(row, role="push button", name="Open") is not None
    assert find_one(row, role="push button", name="Show in folder") is not None
    wait_until(lambda: "shared" in (alice.file_row("alice", name).get_description() or ""),
               "alice's upload row to say shared")
    # Nothing but the finished file is left in bob's downloads folder.
    assert sorted(p.name for p in bob.files_dir.iterdir()) == ["holiday photos.bin"]
