"""File uploads in a cluster (docs/CLUSTER.md sections 3 and 8): the nodes share one files
directory; an upload taken on one node is kept there under a name no other node's file
has, announced on every node through the stream with the same file id, and downloads
byte for byte from any node; two uploads of one name finishing at once on two nodes get
two names and two ids; thumbnails travel with the announcement; an upload completed
while Redis is away is refused with ERROR 80, leaves nothing, and succeeds when retried."""

import os
import subprocess

import chatproto as P
from chatclient import check_announce, download, sha256, upload, upload_until_end
from chathistory import history
from chatimages import png
from chatserver import TIMEOUT, binary, paused, wait_until
from chatstore import query
from chatcluster import guest, seeded_nodes, start_node, stream_ups

FILE_ROWS = ("SELECT id, message_id, room_id, time_ms, uploader_id, uploader_name, name, size,"
             " sha256, thumb, thumb_width, thumb_height FROM files ORDER BY id")
SKIP = (P.USER_JOINED, P.USER_LEFT, P.TEXT)


def sharing(server_factory, files_dir):
    """server_factory for nodes whose --files-dir is files_dir."""
    def start(*options, **kwargs):
        return server_factory(*options, files_dir=files_dir, **kwargs)
    return start


def shared_nodes(server_factory, redis, tmp_path, count=3):
    """count seeded nodes whose --files-dir is one directory, as in production."""
    files_dir = tmp_path / "shared-files"
    return seeded_nodes(sharing(server_factory, files_dir), redis, tmp_path, count), files_dir


def visible(files_dir):
    """The names in the files directory that are stored files (not upload temp files)."""
    return sorted(name for name in os.listdir(files_dir) if not name.startswith("."))


def same_rows_everywhere(nodes, count):
    """Waits until every node holds count file rows and returns them; they must be equal."""
    for node in nodes:
        wait_until(lambda: len(query(node.workdir, FILE_ROWS)) == count,
                   what=f"{count} file rows on every node")
    rows = query(nodes[0].workdir, FILE_ROWS)
    for node in nodes[1:]:
        assert query(node.workdir, FILE_ROWS) == rows
    return rows


def test_an_upload_is_announced_and_downloads_on_every_node(server_factory, redis, tmp_path):
    nodes, files_dir = shared_nodes(server_factory, redis, tmp_path)
    ann, bob, carol = (guest(node, name) for node, name in zip(nodes, ("ann", "bob", "carol")))
    data = os.urandom(2 * P.MAX_CHUNK + 1234)
    announce = upload(ann, "report.bin", data, upload_id=7, skip=SKIP)
    assert announce.name == "report.bin"
    for watcher in (bob, carol):
        seen = watcher.wait_for(P.FILE_ANNOUNCE, skip=SKIP)[0]
        assert seen.fields == announce.fields
        start, got = download(watcher, announce.file_id)
        assert (start.size, start.sha256, start.name) == (len(data), sha256(data), "report.bin")
        assert got == data
    # Resume by offset on another node than the one that took it.
    assert download(carol, announce.file_id, offset=P.MAX_CHUNK + 5)[1] == \
        data[P.MAX_CHUNK + 5:]
    assert visible(files_dir) == ["report.bin"]
    assert (files_dir / "report.bin").read_bytes() == data
    (row,) = same_rows_everywhere(nodes, 1)
    assert (row[0], row[1], row[6], row[7], row[8]) == \
        (announce.file_id, announce.message_id, "report.bin", len(data), sha256(data))


def test_two_uploads_finishing_at_once_on_two_nodes_keep_both(server_factory, redis,
                                                              tmp_path):
    nodes, files_dir = shared_nodes(server_factory, redis, tmp_path)
    one, two, three = (guest(node, f"u{i}") for i, node in enumerate(nodes, 1))
    first, second = os.urandom(300000), os.urandom(200001)
    for client, data in ((one, first), (two, second)):  # the same name from both
        upload_until_end(client, "same.bin", data, 1, skip=SKIP)
        client.sync()
    end = P.encode(P.FILE_END, id=1)
    one.send(end)
    two.send(end)
    announces = {}
    for client, data in ((one, first), (two, second)):
        mine = client.wait_for(P.FILE_ANNOUNCE, skip=SKIP)[0]
        while mine.uploader_id != client.user_id:  # the other's may come first
            mine = client.wait_for(P.FILE_ANNOUNCE, skip=SKIP)[0]
        assert mine.sha256 == sha256(data)
        announces[mine.file_id] = (mine.name, data)
    assert len(announces) == 2, "two ids"
    assert sorted(name for name, _ in announces.values()) == ["same (2).bin", "same.bin"]
    assert visible(files_dir) == ["same (2).bin", "same.bin"]
    for file_id, (name, data) in announces.items():
        assert (files_dir / name).read_bytes() == data
        three.sync()  # the two announcements, read before the download
        start, got = download(three, file_id)
        assert (start.name, got) == (name, data)
    rows = same_rows_everywhere(nodes, 2)
    assert {row[0]: row[6] for row in rows} == {i: n for i, (n, _) in announces.items()}


def test_a_thumbnail_travels_with_its_file(server_factory, redis, tmp_path):
    nodes, _ = shared_nodes(server_factory, redis, tmp_path)
    one, two, three = (guest(node, f"t{i}") for i, node in enumerate(nodes, 1))
    thumb = png(8, 6)
    thumb += bytes(P.MAX_THUMB_BYTES - len(thumb))  # the largest: the largest file event
    announce = upload(two, "cat.png", b"the full image\n", upload_id=3, skip=SKIP, thumb=thumb)
    assert (announce.width, announce.height, announce.thumb) == (8, 6, thumb)
    for watcher in (one, three):
        seen = watcher.wait_for(P.FILE_ANNOUNCE_THUMB, skip=SKIP)[0]
        assert seen.fields == announce.fields
    page, _ = history(three, P.ROOM_LOBBY, P.HISTORY_LATEST)
    stored = [frame for frame in page if frame.type == P.FILE_ANNOUNCE_THUMB]
    assert [(f.file_id, f.width, f.height, f.thumb) for f in stored] == \
        [(announce.file_id, 8, 6, thumb)]
    (row,) = same_rows_everywhere(nodes, 1)
    assert (row[9], row[10], row[11]) == (thumb, 8, 6)


def test_an_upload_completed_while_redis_is_away_is_refused_and_leaves_nothing(
        server_factory, redis, tmp_path):
    nodes, files_dir = shared_nodes(server_factory, redis, tmp_path, count=2)
    uploader, watcher = guest(nodes[0], "uploader"), guest(nodes[1], "watcher")
    data = os.urandom(150000)
    upload_until_end(uploader, "late.bin", data, 5, skip=SKIP)
    uploader.sync()
    ups = stream_ups(nodes[0].log_path)
    with paused(redis):
        uploader.say("probe", client_id=100)  # unanswered: the link goes down meanwhile
        assert uploader.wait_for(P.ERROR, skip=SKIP)[0].code == P.E_CLUSTER_UNAVAILABLE
        nodes[0].wait_log("cluster: the stream is down")
        uploader.send_frame(P.FILE_END, id=5)
        frame = uploader.wait_for(P.ERROR, skip=SKIP)[0]
        assert (frame.code, frame.ref_type, frame.ref_id) == \
            (P.E_CLUSTER_UNAVAILABLE, P.FILE_END, 5), frame
        assert "temporarily unavailable" in frame.message
        assert visible(files_dir) == [], "nothing kept"
    nodes[0].wait_log("upload refused|FILE_END refused, the cluster is unavailable")
    # The retry (the whole upload again) is taken once the stream is up again.
    wait_until(lambda: stream_ups(nodes[0].log_path) > ups, what="the stream to be up again")
    upload_until_end(uploader, "late.bin", data, 5, skip=SKIP)
    uploader.send_frame(P.FILE_END, id=5)
    frame = uploader.wait_for(P.FILE_ANNOUNCE, skip=SKIP)[0]
    check_announce(frame, uploader, 5, len(data), sha256(data))
    seen = watcher.wait_for(P.FILE_ANNOUNCE, skip=SKIP)[0]
    assert seen.fields == frame.fields, "nothing announced before the retry"
    assert frame.name == "late.bin" and visible(files_dir) == ["late.bin"]
    assert download(watcher, frame.file_id)[1] == data
    same_rows_everywhere(nodes, 1)



def test_temp_files_and_a_node_without_the_shared_directory(server_factory, redis, tmp_path):
    """A starting node removes only its own unfinished uploads from the shared directory;
    a node whose --files-dir is not the shared one still records the file (ids stay in
    step) but logs it and answers a download with STORAGE."""
    nodes, files_dir = shared_nodes(server_factory, redis, tmp_path, count=2)
    theirs, mine = files_dir / ".upload-n2-abcdef.part", files_dir / ".upload-n1-abcdef.part"
    theirs.write_bytes(b"node 2 is still writing this")
    mine.write_bytes(b"node 1 died writing this")
    nodes[0].stop()
    one = start_node(sharing(server_factory, files_dir), redis, 1, workdir=nodes[0].workdir)
    one.wait_log("removed 1 unfinished uploads from an earlier run")
    assert not mine.exists() and theirs.read_bytes() == b"node 2 is still writing this"
    theirs.unlink()
    apart = tmp_path / "apart"
    apart.mkdir()
    subprocess.run([binary("chat-server"), "--backup", str(apart / "chat.db"), "--data-dir",
                    str(one.workdir)], check=True, capture_output=True, timeout=TIMEOUT)
    alone = start_node(server_factory, redis, 3, workdir=apart)
    assert alone.files_dir != files_dir
    uploader, reader = guest(one, "uploader"), guest(alone, "reader")
    announce = upload(uploader, "notes.txt", b"shared notes\n", upload_id=1, skip=SKIP)
    alone.wait_log(r"cluster: file 1 \(\"notes.txt\"\) is not in this node's files directory")
    reader.wait_for(P.FILE_ANNOUNCE, skip=SKIP)
    reader.send_frame(P.DOWNLOAD_REQUEST, file_id=announce.file_id, offset=0)
    reader.expect_error(P.E_STORAGE, P.DOWNLOAD_REQUEST, announce.file_id)
    same_rows_everywhere([nodes[1], alone], 1)



def test_an_unanswered_append_keeps_its_file_for_the_entry(server_factory, redis, tmp_path):
    """FILE_END the first write after Redis stopped: the append gets no answer in time
    (ERROR 80), but it may still land, so the file stays; once Redis runs again the
    entry applies on every node and its file is there to download."""
    nodes, files_dir = shared_nodes(server_factory, redis, tmp_path, count=2)
    uploader, watcher = guest(nodes[0], "uploader"), guest(nodes[1], "watcher")
    data = os.urandom(70000)
    upload_until_end(uploader, "maybe.bin", data, 9, skip=SKIP)
    uploader.sync()
    with paused(redis):
        uploader.send_frame(P.FILE_END, id=9)
        frame = uploader.wait_for(P.ERROR, skip=SKIP)[0]
        assert (frame.code, frame.ref_type, frame.ref_id) == \
            (P.E_CLUSTER_UNAVAILABLE, P.FILE_END, 9), frame
        nodes[0].wait_log("cluster: kept file maybe.bin, whose entry may still land")
        assert visible(files_dir) == ["maybe.bin"]
    seen = watcher.wait_for(P.FILE_ANNOUNCE, skip=SKIP)[0]
    assert (seen.upload_id, seen.name, seen.sha256) == (9, "maybe.bin", sha256(data))
    assert uploader.wait_for(P.FILE_ANNOUNCE, skip=SKIP)[0].fields == seen.fields
    assert download(watcher, seen.file_id)[1] == data
    same_rows_everywhere(nodes, 1)
