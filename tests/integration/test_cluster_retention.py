"""--retention-days in a cluster (docs/CLUSTER.md sections 3 and 8): pruning goes through
the stream as an EVENT_PRUNE entry carrying the cutoff, so every node deletes exactly the
same old messages and file rows, the shared files directory loses a pruned file once (the
other nodes find it gone), and a download of it is answered FILE_NOT_FOUND on every node;
while Redis is away nothing is pruned anywhere, and once it is back the old rows go."""

import sqlite3
import time

import chatproto as P
from chatclient import upload
from chatserver import paused, wait_until
from chatstore import DB_NAME, query
from chatcluster import collect_texts, forge, guest, seeded_nodes, start_node
from test_cluster_files import sharing, visible

THREE_DAYS_MS = 3 * 24 * 3600 * 1000
RETENTION = ("--retention-days", "2")
MESSAGES = "SELECT id, kind, room_id, time_ms, sender_name, body FROM messages ORDER BY id"
FILES = "SELECT id, message_id, name FROM files ORDER BY id"
PRESENCE = (P.USER_JOINED, P.USER_LEFT)


def aged_cluster(server_factory, redis, tmp_path, old_texts=1, extra=()):
    """Three nodes (extra: more options) sharing one files directory, holding old_texts
    texts, a file and a recent text, stopped, with all but the recent text made three
    days old in every node's store (as test_store's retention test does on one node).
    Returns (restart, workdirs, files_dir, the file's announcement, the recent text's
    id); restart(n, wait_up) starts node n again with --retention-days 2."""
    files_dir = tmp_path / "shared-files"
    start = sharing(server_factory, files_dir)
    nodes = seeded_nodes(start, redis, tmp_path, extra=extra)
    ann = guest(nodes[0], "ann")
    for cid in range(1, old_texts + 1):
        ann.say(f"old news {cid}", client_id=cid)
    assert len(collect_texts(ann, old_texts)) == old_texts
    old_file = upload(ann, "old.bin", b"old bytes", upload_id=2, skip=PRESENCE + (P.TEXT,))
    bob = guest(nodes[1], "bob")
    bob.say("recent", client_id=old_texts + 1)
    late = PRESENCE + (P.FILE_ANNOUNCE,)  # node 2 may still be applying the old entries
    recent = bob.wait_for(P.TEXT, skip=late)[0]
    while recent.sender != "bob":
        recent = bob.wait_for(P.TEXT, skip=late)[0]
    assert recent.text == "recent"
    for node in nodes:
        wait_until(lambda: len(query(node.workdir, MESSAGES)) == old_texts + 2,
                   what="every node's rows")
    for client in (ann, bob):
        client.close()
    workdirs = [node.workdir for node in nodes]
    for node in nodes:
        node.stop()
    for workdir in workdirs:
        with sqlite3.connect(workdir / DB_NAME) as db:
            db.execute("UPDATE messages SET time_ms = time_ms - ? WHERE id <= ?",
                       (THREE_DAYS_MS, old_file.message_id))
        db.close()

    def restart(n, wait_up=True):
        return start_node(start, redis, n, workdir=workdirs[n - 1], wait_up=wait_up,
                          extra=RETENTION + tuple(extra))
    return restart, workdirs, files_dir, old_file, recent.message_id


def rows_of(workdir):
    return query(workdir, MESSAGES), query(workdir, FILES)


def pruned_alike(workdirs, recent_id):
    """Waits until every node holds only the recent text and no file row, then checks
    that the stores are the same."""
    for workdir in workdirs:
        wait_until(lambda: [row[0] for row in query(workdir, MESSAGES)] == [recent_id]
                   and query(workdir, FILES) == [], what="the prune on every node")
    assert all(rows_of(w) == rows_of(workdirs[0]) for w in workdirs[1:])


def download_refused(node, name, file_id):
    """A new guest on node asks for file_id: FILE_NOT_FOUND."""
    client = guest(node, name)
    client.send_frame(P.DOWNLOAD_REQUEST, file_id=file_id, offset=0)
    error = client.wait_for(P.ERROR, skip=PRESENCE)[0]
    assert (error.code, error.ref_type, error.ref_id) == (P.E_FILE_NOT_FOUND,
                                                          P.DOWNLOAD_REQUEST, file_id)
    client.close()


def removed_count(nodes):
    """How many files the nodes' prunes removed from the shared directory, by their logs."""
    total = 0
    for node in nodes:
        for line in node.log_path.read_text(errors="replace").splitlines():
            if "pruned " in line and " files removed" in line:
                total += int(line.rsplit(" files removed", 1)[0].rsplit(" ", 1)[1])
    return total


def test_old_messages_and_files_are_pruned_alike_on_every_node(server_factory, redis,
                                                              tmp_path):
    restart, workdirs, files_dir, old_file, recent_id = aged_cluster(server_factory, redis,
                                                                     tmp_path)
    assert visible(files_dir) == ["old.bin"]
    nodes = [restart(n) for n in (1, 2, 3)]
    pruned_alike(workdirs, recent_id)
    for node in nodes:   # the first PRUNE to apply deletes them; later ones find nothing
        node.wait_log(r"pruned 2 messages older than 2 days \(before \d+ ms\)")
        assert node.log_path.read_text(errors="replace").count("pruned 2 messages") == 1
    wait_until(lambda: visible(files_dir) == [], what="the pruned file to leave the disk")
    assert removed_count(nodes) == 1     # one node removed it; the others found it gone
    for n, node in enumerate(nodes):
        download_refused(node, f"dl{n}", old_file.file_id)
    writer = guest(nodes[2], "carl")     # ids still never repeat
    writer.say("new", client_id=9)
    assert writer.wait_for(P.TEXT, skip=PRESENCE)[0].message_id > recent_id


def test_a_backlog_is_pruned_in_batches_alike(server_factory, redis, tmp_path):
    """601 old messages: a full batch of 500 (SERVER_PRUNE_BATCH), whose node then asks
    again at once, and the last 101, the same on every node."""
    restart, workdirs, files_dir, _, recent_id = aged_cluster(
        server_factory, redis, tmp_path, old_texts=600, extra=("--no-limits",))
    nodes = [restart(n) for n in (1, 2, 3)]
    pruned_alike(workdirs, recent_id)
    for node in nodes:
        node.wait_log(r"pruned 101 messages older than")
        log = node.log_path.read_text(errors="replace")
        assert (log.count("pruned 500 messages"), log.count("pruned 101 messages")) == (1, 1)
    wait_until(lambda: visible(files_dir) == [], what="the pruned file to leave the disk")


def test_nothing_is_pruned_while_redis_is_away(server_factory, redis, tmp_path):
    restart, workdirs, files_dir, old_file, recent_id = aged_cluster(server_factory, redis,
                                                                     tmp_path)
    before = [rows_of(w) for w in workdirs]
    with paused(redis):
        nodes = [restart(n, wait_up=False) for n in (1, 2, 3)]
        for node in nodes:       # each asked, was refused, and asked again
            wait_until(lambda: node.log_path.read_text(errors="replace").count(
                "cluster: asking the stream to prune") >= 2, what="a second attempt")
        assert [rows_of(w) for w in workdirs] == before
        assert visible(files_dir) == ["old.bin"]
    pruned_alike(workdirs, recent_id)
    wait_until(lambda: visible(files_dir) == [], what="the pruned file to leave the disk")
    assert removed_count(nodes) == 1
    for n, node in enumerate(nodes):
        download_refused(node, f"dl{n}", old_file.file_id)


def test_a_prune_entry_is_checked_and_applied_alike_without_local_retention(
        server_factory, redis, tmp_path):
    """Entries that no node's timer would make are skipped on every node; a valid one, of
    a node with a shorter retention than these (none), applies on every node: its cutoff
    and batch, not the applying node's settings, decide which rows go."""
    one, two = seeded_nodes(server_factory, redis, tmp_path, count=2)
    writer = guest(one, "ann")
    for cid in (1, 2, 3):
        writer.say(f"text {cid}", client_id=cid)
        writer.wait_for(P.TEXT, skip=PRESENCE)
    for node in (one, two):
        wait_until(lambda: len(query(node.workdir, MESSAGES)) == 3, what="every node's rows")
    ids = [row[0] for row in query(one.workdir, MESSAGES)]
    now = int(time.time() * 1000)
    day = 24 * 3600 * 1000
    bad = [
        dict(before_ms=0, time_ms=now, max_rows=10),
        dict(before_ms=now - day + 1, time_ms=now, max_rows=10),
        dict(before_ms=now - day, time_ms=now, max_rows=0),
        dict(before_ms=now - day, time_ms=now, max_rows=501),
        dict(before_ms=now - day, time_ms=1 << 63, max_rows=10),
    ]
    good = dict(before_ms=now + 1, time_ms=now + 1 + day, max_rows=2)
    entries = [P.encode(P.EVENT_PRUNE, **fields) for fields in bad + [good]]
    added = [forge(redis, event, request=i)[1] for i, event in enumerate(entries)]
    for node in (one, two):
        for entry_id in added[:-1]:
            node.wait_log(f"stream entry {entry_id} of node 9 skipped: ")
        wait_until(lambda: [row[0] for row in query(node.workdir, MESSAGES)] == ids[2:],
                   what="the two oldest messages pruned")
    assert rows_of(one.workdir) == rows_of(two.workdir)
