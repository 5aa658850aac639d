"""A file event must not name a file that another file row already names
(docs/CLUSTER.md sections 3 and 8): a forged entry naming an existing file of the shared
directory, and the real entry of an upload appended a second time, are skipped alike on
every node with a log line naming the entry; the file and its one row stay as they were,
and nothing is announced. An entry naming a new file applies."""

import os
import time

import chatproto as P
from chatclient import download, sha256, upload
from chatcluster import forge, guest, last_applied, seeded_nodes
from chatserver import wait_until
from chatstore import query

FILE_ROWS = "SELECT id, message_id, name, size, sha256 FROM files ORDER BY id"
SKIP = (P.USER_JOINED, P.USER_LEFT)


def file_event(name, data, upload_id, sender_conn=9 << 24 | 1):
    """A FILE entry's event as node 9's guest "mallory" would send it."""
    return P.encode(P.EVENT_FILE, room_id=P.ROOM_LOBBY, time_ms=int(time.time() * 1000),
                    sender_account=0,
                    sender_conn=sender_conn, upload_id=upload_id, size=len(data),
                    sha256=sha256(data), sender="mallory", name=name)


def stream_events(redis):
    """The event bytes of every entry in the stream, in order."""
    return [dict(zip(fields[::2], fields[1::2]))[b"e"]
            for _, fields in redis.command("XRANGE", "chat:events", "-", "+")]


def test_a_file_event_naming_a_file_another_row_names_is_skipped(server_factory, redis,
                                                                  tmp_path):
    files_dir = tmp_path / "shared-files"
    nodes = seeded_nodes(server_factory, redis, tmp_path, count=2,
                         extra=("--files-dir", str(files_dir)))
    ann, bob = guest(nodes[0], "ann"), guest(nodes[1], "bob")
    data = os.urandom(5000)
    first = upload(ann, "shared.bin", data, upload_id=3, skip=SKIP)
    assert bob.wait_for(P.FILE_ANNOUNCE, skip=SKIP)[0].fields == first.fields
    real = next(e for e in stream_events(redis) if e[4] << 8 | e[5] == P.EVENT_FILE)
    forged = {
        "a forged entry naming the file": file_event("shared.bin", b"other bytes", 1),
        "the real entry again": real,
    }
    skipped = {what: forge(redis, event, request=i)
               for i, (what, event) in enumerate(forged.items(), start=1)}
    fresh, _ = forge(redis, file_event("fresh.bin", b"fresh", 4), request=9)
    for node in nodes:
        for what, (_, entry) in skipped.items():
            line = node.wait_log(f"stream entry {entry} of node 9 skipped: ")
            assert '"shared.bin" is named by another file\'s row' in line, (what, line)
        wait_until(lambda node=node: last_applied(node) >= fresh, what="the last entry")
    # Both nodes hold the upload's one row and the new file's row, the same everywhere;
    # the file is the upload's, and downloads as such on both nodes.
    rows = query(nodes[0].workdir, FILE_ROWS)
    assert [(name, size) for _, _, name, size, _ in rows] == \
        [("shared.bin", len(data)), ("fresh.bin", 5)]
    assert query(nodes[1].workdir, FILE_ROWS) == rows
    assert (files_dir / "shared.bin").read_bytes() == data
    for client in (ann, bob):
        announce = client.wait_for(P.FILE_ANNOUNCE, skip=SKIP)[0]
        assert announce.name == "fresh.bin", "only the new file is announced"
        assert download(client, first.file_id)[1] == data
        client.expect_quiet()
