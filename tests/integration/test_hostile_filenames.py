"""A file name from the network is never a path: hostile names land as safe names inside
files-dir, and the announced name is the stored name."""

import os
import re
import unicodedata

import pytest

import chatproto as P
from chatclient import download, offer, sha256, upload

# (offered name, the safe name it must become, exactly or as a pattern; None when
# nothing usable is left)
NAMES = [
    pytest.param("../x", "x", id="dotdot-slash"),
    pytest.param("../../../../../../tmp/escape.txt", "escape.txt", id="deep-traversal"),
    pytest.param("/etc/passwd", "passwd", id="absolute"),
    pytest.param("..\\..\\windows\\system.ini", "system.ini", id="backslashes"),
    pytest.param(".bashrc", "bashrc", id="dotfile"),
    pytest.param(".upload-1.part", "upload-1.part", id="temp-lookalike"),
    pytest.param("new\nline\x01.txt", "newline.txt", id="newline-and-01"),
    pytest.param("tab\there\x1b[31m.txt", "tabhere[31m.txt", id="tab-and-escape"),
    pytest.param("evil\u202etxt.exe", "eviltxt.exe", id="U+202E"),
    pytest.param("  spaced name.txt  ", "spaced name.txt", id="spaces"),
    pytest.param("photo 📷.jpg", "photo 📷.jpg", id="emoji"),
    # Long names may be cut (on a character boundary, keeping the extension).
    pytest.param("a" * 251 + ".txt", re.compile(r"^a{100,251}\.txt$"), id="255-bytes"),
    pytest.param("é" * 125 + ".txt", re.compile(r"^(é){50,125}\.txt$"), id="254-bytes-2-byte-chars"),
    pytest.param("a" * 296 + ".txt", re.compile(r"^a{100,251}\.txt$"), id="300-bytes"),
    pytest.param("ü" * 500 + ".tar.gz", re.compile(r"^(ü){50,125}\.tar\.gz$|^(ü){50,125}\.gz$"),
                 id="1007-bytes-2-byte-chars"),
    pytest.param("..", None, id="dotdot"),
    pytest.param(".", None, id="dot"),
    pytest.param("...", None, id="three-dots"),
    pytest.param("dir/", None, id="trailing-slash"),
    pytest.param("x/..", None, id="ends-in-dotdot"),
    pytest.param("\x01\x02", None, id="only-controls"),
]


def assert_safe(server, name):
    """name is a plain file directly inside files-dir, visible, printable, short."""
    files_dir = os.path.realpath(server.files_dir)
    path = os.path.realpath(os.path.join(files_dir, name))
    assert os.path.dirname(path) == files_dir, f"{name!r} resolves outside: {path}"
    assert os.path.isfile(path) and not os.path.islink(os.path.join(files_dir, name))
    assert name and not name.startswith(".") and "/" not in name, repr(name)
    assert len(name.encode()) <= 255, f"{len(name.encode())} bytes"
    assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name), repr(name)


@pytest.mark.parametrize("offered, safe", NAMES)
def test_hostile_name_lands_safely(server, room, offered, safe):
    alice, bob = room(server, "alice", "bob")
    data = b"content of " + offered.encode()
    offer(alice, 1, offered, len(data), sha256(data))
    reply = alice.recv()
    if safe is None or reply.type == P.ERROR:
        # A name with nothing usable left is refused; any other name must land.
        assert safe is None, f"{offered!r} refused: {reply!r}"
        assert (reply.code, reply.ref_type, reply.ref_id) == (
            P.E_FILE_NAME_INVALID, P.FILE_OFFER, 1), repr(reply)
        assert server.entries() == []
        return
    assert reply.type == P.FILE_ACCEPT and reply.id == 1, repr(reply)
    alice.send(P.encode(P.FILE_CHUNK, id=1, offset=0, data=data)
               + P.encode(P.FILE_END, id=1))
    announce = alice.expect(P.FILE_ANNOUNCE, upload_id=1)
    assert bob.expect(P.FILE_ANNOUNCE).name == announce.name
    assert server.entries() == [announce.name], "the stored name differs from the announced"
    assert_safe(server, announce.name)
    if isinstance(safe, str):
        assert announce.name == safe
    elif safe is not None:
        assert safe.match(announce.name), repr(announce.name)
    assert (server.files_dir / announce.name).read_bytes() == data
    start, got = download(bob, announce.file_id)
    assert (start.name, got) == (announce.name, data)


def test_colliding_hostile_names_stay_unique_and_safe(server, user):
    alice = user(server, "alice")
    offered = ["../x", "/x", "x", ".x", "a/b/x", "a" * 251 + ".txt", "b/" + "a" * 249 + ".txt"]
    names = []
    for upload_id, name in enumerate(offered, 1):
        names.append(upload(alice, name, b"#%d" % upload_id, upload_id=upload_id).name)
    assert len(set(names)) == len(names), names
    assert sorted(server.entries()) == sorted(names)
    for upload_id, name in enumerate(names, 1):
        assert_safe(server, name)
        assert (server.files_dir / name).read_bytes() == b"#%d" % upload_id


def test_name_over_the_wire_cap_is_malformed(server, room):
    """protocol.h caps an offered name at PROTO_MAX_FILENAME_BYTES: a longer name breaks
    the frame format, so it is refused as malformed and nothing is stored."""
    alice, bob = room(server, "alice", "bob")
    offer(alice, 1, "a" * (P.MAX_FILENAME_BYTES - 3) + ".txt", 1, sha256(b"x"))
    alice.expect_error(P.E_MALFORMED, ref_type=P.FILE_OFFER)
    alice.expect_closed()
    bob.expect(P.USER_LEFT, users=[(alice.user_id, "alice")])
    assert server.entries() == []
