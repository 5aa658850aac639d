"""The files directory failing under the server: out of space mid-upload, a file-size
limit, a read-only directory. The uploader gets ERROR(STORAGE), no partial file is left,
and the server stays up and recovers once the directory is usable again.

Where the test may mount (root with CAP_SYS_ADMIN), the directory is a small or
read-only tmpfs, unmounted afterwards; otherwise the space limit is RLIMIT_FSIZE on the
server process (which ignores SIGXFSZ, so write() fails with EFBIG) and the read-only
directory is made with chattr +i (root) or chmod (anyone else)."""

import contextlib
import os
import resource

import pytest

import chatproto as P
from chatclient import offer, send_chunks, sha256, upload
from chatfs import immutable, run, tmpfs

LIMIT = 1 << 20                      # a 1 MiB filesystem, or file-size limit
BIG = bytes(range(256)) * (3 << 12)  # 3 MiB: fails a third of the way in


def limit_file_size():
    """preexec_fn for the server: no file may grow past LIMIT."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


def fails_mid_upload(server, room):
    """The 3 MiB upload fails with STORAGE; nothing is left in the files directory; the
    server goes on (a small upload then works, and nobody else noticed)."""
    alice, bob = room(server, "alice", "bob")
    offer(alice, 1, "big.bin", len(BIG), sha256(BIG))
    alice.expect(P.FILE_ACCEPT, id=1)
    send_chunks(alice, 1, BIG)
    alice.send_frame(P.FILE_END, id=1)
    alice.expect_error(P.E_STORAGE, ref_type=P.FILE_CHUNK, ref_id=1)
    # The chunks already on their way, and the FILE_END, are for an upload that no
    # longer exists.
    late = alice.sync()
    assert late and all(f.type == P.ERROR and f.code == P.E_TRANSFER_UNKNOWN for f in late)
    assert late[-1].ref_type == P.FILE_END, repr(late[-1])
    assert server.entries() == [], f"left behind: {server.entries()}"
    server.wait_log(r"user=alice .*upload failed id=1 .*\(storage error\)")
    bob.expect_quiet()

    small = bytes(100_000)
    announce = upload(alice, "small.bin", small, upload_id=2)
    assert bob.expect(P.FILE_ANNOUNCE).fields == announce.fields
    assert server.entries() == ["small.bin"]
    assert (server.files_dir / "small.bin").read_bytes() == small


def test_out_of_space_mid_upload(server_factory, room, tmp_path):
    files = tmp_path / "files"
    files.mkdir()
    with tmpfs(files, f"size={LIMIT},mode=0700") as mounted:
        server = server_factory(files_dir=files,
                                preexec_fn=None if mounted else limit_file_size)
        fails_mid_upload(server, room)
        server.stop()


def test_file_size_limit_mid_upload(server_factory, room):
    server = server_factory(preexec_fn=limit_file_size)
    fails_mid_upload(server, room)


@contextlib.contextmanager
def read_only(path):
    """Makes directory path read-only for the server, by the strongest means this
    process has; yields which. Writable again afterwards."""
    if os.geteuid() != 0:                     # permissions bind everyone but root
        path.chmod(0o500)
        try:
            yield "chmod"
        finally:
            path.chmod(0o700)
        return
    with tmpfs(path, "ro,size=64k") as mounted:
        if mounted:
            yield "read-only tmpfs"
            return
    if run("chattr", "+i", str(path)):
        try:
            yield "chattr +i"
        finally:
            run("chattr", "-i", str(path))
        return
    pytest.skip("as root without mount or chattr there is no way to make a directory "
                "read-only for the server")


def test_read_only_files_directory(server_factory, room, tmp_path):
    files = tmp_path / "files"
    files.mkdir(mode=0o700)
    with read_only(files) as how:
        server = server_factory(files_dir=files)
        alice, bob = room(server, "alice", "bob")
        offer(alice, 7, "note.txt", 5, sha256(b"hello"))
        alice.expect_error(P.E_STORAGE, ref_type=P.FILE_OFFER, ref_id=7)
        server.wait_log(r"user=alice .*cannot create an upload temp file")
        alice.say(f"files are read-only ({how}), chat is not", client_id=1)
        for c in (alice, bob):
            c.expect(P.TEXT, client_id=1)
        assert server.entries() == []
    # Writable again: the same server stores files without a restart.
    announce = upload(alice, "note.txt", b"hello", upload_id=8)
    assert bob.expect(P.FILE_ANNOUNCE).fields == announce.fields
    assert server.entries() == ["note.txt"]


def test_files_directory_read_only_mid_upload(server_factory, room, tmp_path):
    """Made read-only between the last chunk and FILE_END (chattr +i, as root): the
    upload fails with STORAGE and leaves no .upload-*.part, then or later."""
    files = tmp_path / "files"
    files.mkdir(mode=0o700)
    server = server_factory(files_dir=files)
    alice, bob = room(server, "alice", "bob")
    data = os.urandom(300_000)
    offer(alice, 3, "late.bin", len(data), sha256(data))
    alice.expect(P.FILE_ACCEPT, id=3)
    send_chunks(alice, 3, data)
    alice.sync()                              # every chunk is written
    with immutable(files) as frozen:
        if not frozen:
            pytest.skip("chattr +i is not available here")
        alice.send_frame(P.FILE_END, id=3)
        alice.expect_error(P.E_STORAGE, ref_type=P.FILE_END, ref_id=3)
        assert server.entries() == []
    server.wait_log(r"user=alice .*upload failed id=3 .*\(storage error\)")
    assert server.entries() == [], "a failed upload left something behind"
    bob.expect_quiet()
