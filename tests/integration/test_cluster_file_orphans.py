"""A file kept for an upload whose FILE entry may still land (docs/CLUSTER.md sections 3
and 8): an entry that lands more than CLUSTER_FILE_LATE_MS after its upload ended is
skipped on every node, so once its taker has read an entry later than that without
seeing its own, it removes the file; an upload whose own entry lands that late is
refused and its file removed at once."""

import os
import time

import chatproto as P
from chatclient import upload_until_end
from chatcluster import guest, last_applied, see_each_other, seeded_nodes
from chatserver import wait_until
from chatstore import query

FILE_LATE_MS = 60000  # server/limits.h CLUSTER_FILE_LATE_MS
SKIP = (P.USER_JOINED, P.USER_LEFT, P.TEXT)


def shared(server_factory, redis, tmp_path):
    files_dir = tmp_path / "shared-files"
    nodes = seeded_nodes(server_factory, redis, tmp_path, count=2,
                         extra=("--files-dir", str(files_dir)))
    return nodes, files_dir


def stored(files_dir):
    return sorted(name for name in os.listdir(files_dir) if not name.startswith("."))


def forge_after(redis, ms):
    """Appends an undecodable entry whose id's time is ms: every entry after it in the
    stream gets a later id, as if it landed then. Returns the id as (ms, seq)."""
    entry = redis.command("XADD", "chat:events", f"{ms}-0", "v", "1", "n", "9", "r", "1",
                          "e", b"not an event").decode()
    return tuple(map(int, entry.split("-")))


def no_file_rows(nodes):
    for node in nodes:
        assert query(node.workdir, "SELECT count(*) FROM files") == [(0,)]


def test_an_entry_that_never_landed_has_its_file_removed(server_factory, redis, tmp_path):
    nodes, files_dir = shared(server_factory, redis, tmp_path)
    ann, bob = guest(nodes[0], "ann"), guest(nodes[1], "bob")
    see_each_other(ann, bob)  # no join arrives in the middle of what is read
    data = os.urandom(3000)
    upload_until_end(ann, "lost.bin", data, 4, skip=SKIP)
    ann.sync()
    # Redis holds the append and never runs it: the node gets no reply, drops the
    # connection, and Redis drops the command with it.
    redis.command("CLIENT", "PAUSE", "20000", "WRITE")
    try:
        ann.send_frame(P.FILE_END, id=4)
        frame = ann.wait_for(P.ERROR, skip=SKIP)[0]
        assert (frame.code, frame.ref_type) == (P.E_CLUSTER_UNAVAILABLE, P.FILE_END), frame
        nodes[0].wait_log("kept file lost.bin, whose entry may still land")
        nodes[0].wait_log("cluster: the stream is down")
    finally:
        redis.command("CLIENT", "UNPAUSE")
    assert stored(files_dir) == ["lost.bin"], "kept while its entry may still land"
    # An entry read later than CLUSTER_FILE_LATE_MS after the upload ended: lost.bin's
    # entry, were it to land now, would be skipped everywhere, so the file goes.
    after = forge_after(redis, int(time.time() * 1000) + FILE_LATE_MS + 5000)
    nodes[0].wait_log("removed kept file lost.bin: its entry did not land within "
                      f"{FILE_LATE_MS} ms")
    assert stored(files_dir) == []
    for node in nodes:
        wait_until(lambda node=node: last_applied(node) >= after, what="the late entry")
    no_file_rows(nodes)
    for client in (ann, bob):
        client.expect_quiet()


def test_an_entry_that_lands_late_is_skipped_and_its_file_removed(server_factory, redis,
                                                                   tmp_path):
    nodes, files_dir = shared(server_factory, redis, tmp_path)
    ann, bob = guest(nodes[0], "ann"), guest(nodes[1], "bob")
    see_each_other(ann, bob)  # no join arrives in the middle of what is read
    # Every entry from here on lands, by its id, later than an upload now can.
    forge_after(redis, int(time.time() * 1000) + FILE_LATE_MS + 5000)
    data = os.urandom(3000)
    upload_until_end(ann, "late.bin", data, 5, skip=SKIP)
    ann.send_frame(P.FILE_END, id=5)
    frame = ann.wait_for(P.ERROR, skip=SKIP)[0]
    assert (frame.code, frame.ref_type, frame.ref_id) == \
        (P.E_CLUSTER_UNAVAILABLE, P.FILE_END, 5), frame
    for node in nodes:
        line = node.wait_log("stream entry .* of node 1 skipped: it landed")
        assert "after its upload ended (the most is 60000 ms)" in line
    assert stored(files_dir) == [], "skipped everywhere: no row will name it"
    no_file_rows(nodes)
    bob.expect_quiet()
