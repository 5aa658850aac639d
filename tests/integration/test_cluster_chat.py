"""chat-server nodes sharing one chat through a private redis-server (--cluster,
docs/CLUSTER.md): texts, replies, edits, deletions and reactions go through the Redis
stream and every node applies them in the stream's order; the store records the last
applied entry and a restarted node catches up from it; Redis paused means "temporarily
unavailable", never a lost or doubled message; requests cluster mode does not take yet
get a clear error and change nothing."""

import shutil
import signal
import subprocess
import threading
import time

import pytest

import chatproto as P
from chatclient import RawClient
from chatfs import immutable
from chatserver import TIMEOUT, binary, paused, wait_until
from chatstore import DB_NAME, query

ADMIN, ADMIN_PASSWORD = "alice", "correct horse battery"


def stream_ups(log_path):
    """How many times the log at log_path says the node's stream came up."""
    if not log_path.exists():
        return 0
    return log_path.read_text(errors="replace").count("cluster: the stream is up")


def start_node(server_factory, redis, node, workdir=None, wait_up=True):
    """A node; with wait_up, once its stream is up (until then writes get ERROR 80). A
    node restarted on a workdir appends to the log of the earlier one."""
    before = stream_ups(workdir / "server.log") if workdir else 0
    server = server_factory("--cluster", redis.url, "--node-id", str(node), workdir=workdir)
    if wait_up:
        wait_until(lambda: stream_ups(server.log_path) > before, what="the stream to be up")
    return server


def guest(node, name):
    client = RawClient(node.port)
    client.login(name)
    return client


def texts_of(frames):
    return [(f.message_id, f.sender, f.text) for f in frames if f.type == P.TEXT]


def collect_texts(client, count, timeout=TIMEOUT):
    """Reads until count TEXT frames arrived (other frames skipped); returns them."""
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < count:
        frame = client.recv(max(deadline - time.monotonic(), 0.001))
        if frame.type == P.TEXT:
            got.append((frame.message_id, frame.sender, frame.text))
    return got


def test_guests_on_three_nodes_see_one_sequence(server_factory, redis):
    nodes = [start_node(server_factory, redis, n) for n in (1, 2, 3)]
    senders = [guest(node, f"guest{n}") for n, node in enumerate(nodes, 1)]
    watchers = [guest(node, f"watch{n}") for n, node in enumerate(nodes, 1)]
    per_sender = 200
    total = per_sender * len(senders)

    def send(client, n):
        for i in range(per_sender):
            client.say(f"n{n} m{i}", client_id=i + 1)
            time.sleep(0.004)  # ~250 texts/s a node, 750/s in total

    threads = [threading.Thread(target=send, args=(c, n)) for n, c in enumerate(senders, 1)]
    for thread in threads:
        thread.start()
    results = [collect_texts(w, total, timeout=TIMEOUT * 3) for w in watchers]
    for thread in threads:
        thread.join()
    acks = [collect_texts(s, total, timeout=TIMEOUT * 3) for s in senders]
    first = results[0]
    ids = [message_id for message_id, _, _ in first]
    assert ids == sorted(ids) and len(set(ids)) == total, "ids in order, no duplicate"
    assert ids == list(range(ids[0], ids[0] + total)), "no gap"
    for n in (1, 2, 3):  # each sender's texts once each, in its own order
        mine = [text for _, sender, text in first if sender == f"guest{n}"]
        assert mine == [f"n{n} m{i}" for i in range(per_sender)]
    for other in results[1:] + acks:
        assert other == first
    for node in nodes:  # every store holds the same rows, and the same last entry
        assert query(node.workdir, "SELECT id, sender_name, body FROM messages ORDER BY id") \
            == [(i, s, t) for i, s, t in first]
    last_ids = {query(node.workdir, "SELECT value FROM meta WHERE key = 'cluster_last_id'")[0]
                for node in nodes}
    assert len(last_ids) == 1
    entries = redis.command("XLEN", "chat:events")
    assert entries == total


def test_sender_ids_are_cluster_wide(server_factory, redis):
    one = start_node(server_factory, redis, 1)
    three = start_node(server_factory, redis, 3)
    a, b = guest(one, "ann"), guest(three, "ben")
    assert a.user_id >> 24 == 1 and b.user_id >> 24 == 3
    a.say("from one", client_id=7)
    text = b.wait_for(P.TEXT)[0]
    assert (text.sender, text.sender_id, text.client_id) == ("ann", a.user_id, 7)


def seeded_nodes(server_factory, redis, tmp_path, count=3):
    """count nodes started from one store that holds the account ADMIN: the first node's
    store, made by a cluster start, given the account, then copied (as a backup would be)
    to the others (docs/CLUSTER.md, rebuilding a node)."""
    first = start_node(server_factory, redis, 1)
    first.stop()
    made = subprocess.run([binary("chat-server"), "--pwhash-memory", "19", "--create-admin",
                           ADMIN, "--data-dir", str(first.workdir)], input=f"{ADMIN_PASSWORD}\n",
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert made.returncode == 0, made.stderr
    nodes = [start_node(server_factory, redis, 1, workdir=first.workdir)]
    for n in range(2, count + 1):
        workdir = tmp_path / f"node{n}"
        workdir.mkdir()
        backup = subprocess.run([binary("chat-server"), "--backup", str(workdir / "chat.db"),
                                 "--data-dir", str(first.workdir)], capture_output=True,
                                text=True, timeout=TIMEOUT)
        assert backup.returncode == 0, backup.stderr
        nodes.append(start_node(server_factory, redis, n, workdir=workdir))
    return nodes


def account(node):
    client = RawClient(node.port)
    client.password_login(ADMIN, ADMIN_PASSWORD)
    client.expect_session()
    return client


def test_edit_delete_react_on_one_node_seen_on_another(server_factory, redis, tmp_path):
    one, _, three = seeded_nodes(server_factory, redis, tmp_path)
    writer, reader = account(one), guest(three, "reader")
    writer.say("first words", client_id=1)
    text = writer.wait_for(P.TEXT, skip=(P.USER_JOINED,))[0]
    assert reader.wait_for(P.TEXT)[0].message_id == text.message_id
    writer.send_frame(P.EDIT, request_id=2, message_id=text.message_id, text="better words")
    edited = reader.wait_for(P.MESSAGE_EDITED)[0]
    assert (edited.message_id, edited.text, edited.actor) == (text.message_id, "better words",
                                                              ADMIN)
    writer.wait_for(P.DONE, skip=(P.MESSAGE_EDITED,))
    writer.send_frame(P.REACT, request_id=3, message_id=text.message_id, emoji="\U0001F44B")
    reaction = reader.wait_for(P.REACTION)[0]
    assert (reaction.message_id, reaction.emoji, reaction.added) == (text.message_id,
                                                                     "\U0001F44B", 1)
    writer.wait_for(P.DONE, skip=(P.REACTION,))
    writer.send_frame(P.DELETE, request_id=4, message_id=text.message_id)
    deleted = reader.wait_for(P.MESSAGE_DELETED)[0]
    assert deleted.message_id == text.message_id
    writer.wait_for(P.DONE, skip=(P.MESSAGE_DELETED,))
    # The decision is made when the entry is applied: an edit of the deleted message is
    # refused on its own node, as on any other.
    writer.send_frame(P.EDIT, request_id=5, message_id=text.message_id, text="too late")
    writer.expect_error(P.E_MESSAGE_DELETED, P.EDIT, 5)
    for node in (one, three):
        assert query(node.workdir, "SELECT body, deleted_id IS NOT NULL FROM messages"
                                   " WHERE id = ?", text.message_id) == [("", 1)]


def test_a_resend_through_another_node_applies_as_nothing(server_factory, redis, tmp_path):
    one, two = seeded_nodes(server_factory, redis, tmp_path, count=2)
    first, again, watcher = account(one), account(two), guest(two, "watcher")
    first.say("only once", client_id=41)
    original = first.wait_for(P.TEXT, skip=(P.USER_JOINED,))[0]
    assert watcher.wait_for(P.TEXT)[0].message_id == original.message_id
    again.say("only once", client_id=41)  # the outbox's resend, after a failover
    answer = again.wait_for(P.TEXT, skip=(P.USER_JOINED,))[0]
    assert (answer.message_id, answer.client_id) == (original.message_id, 41)
    watcher.expect_quiet()  # nothing new for the room
    two.wait_log("resent text client_id=41 is message_id=")
    for node in (one, two):
        assert query(node.workdir, "SELECT count(*) FROM messages") == [(1,)]
    assert redis.command("XLEN", "chat:events") == 2  # both entries, applied once


def test_redis_paused_refuses_writes_then_nothing_lost_or_doubled(server_factory, redis,
                                                                  tmp_path):
    one, two = seeded_nodes(server_factory, redis, tmp_path, count=2)
    writer, watcher = account(one), guest(two, "watcher")
    acked = {}       # client id -> message id of every TEXT of the writer's it saw
    refused = []

    def send(cid):
        """Sends text cid; True once acknowledged, False if refused as unavailable."""
        writer.say(f"text {cid}", client_id=cid)
        while True:
            frame = writer.recv(TIMEOUT)
            if frame.type == P.TEXT and frame.sender == ADMIN:
                assert acked.setdefault(frame.client_id, frame.message_id) == frame.message_id
                if frame.client_id == cid:
                    return True
            elif frame.type == P.ERROR:
                assert (frame.code, frame.ref_id) == (P.E_CLUSTER_UNAVAILABLE, cid), frame
                assert "temporarily unavailable" in frame.message
                refused.append(cid)
                return False

    for cid in range(1, 6):
        assert send(cid)
    with paused(redis):
        started = time.monotonic()
        assert not send(6)  # unanswered: maybe in the stream, maybe not
        assert not send(7)  # the link is down by now: refused at once
        time.sleep(max(0.0, 2.0 - (time.monotonic() - started)))
    cid = 8
    while not send(cid):  # refused until the link is back, then acknowledged
        cid += 1
    for resend in sorted(set(refused)):  # the outbox's resend, with the same client id
        while not send(resend):
            pass
    for cid in range(cid + 1, cid + 6):
        assert send(cid)
    wait_until(lambda: len(query(two.workdir, "SELECT id FROM messages")) >= len(acked),
               what="node 2 to apply every acknowledged text")
    rows = query(two.workdir, "SELECT id, client_id, body FROM messages ORDER BY id")
    assert sorted(cid for _, cid, _ in rows) == sorted(acked), "each text once, none lost"
    for message_id, cid, body in rows:
        assert acked[cid] == message_id and body == f"text {cid}"
    assert query(one.workdir, "SELECT id, client_id, body FROM messages ORDER BY id") == rows
    seen = collect_texts(watcher, len(rows))
    assert [(i, t) for i, _, t in seen] == [(i, t) for i, _, t in rows]


def test_killed_node_catches_up_from_its_last_applied_entry(server_factory, redis):
    one = start_node(server_factory, redis, 1)
    two = start_node(server_factory, redis, 2)
    talker = guest(one, "talker")
    for i in range(20):
        talker.say(f"before {i}", client_id=i + 1)
    collect_texts(talker, 20)
    wait_until(lambda: len(query(two.workdir, "SELECT id FROM messages")) == 20,
               what="node 2 to apply the first texts")
    two.expect_exit = None
    two.signal(signal.SIGKILL)
    two.wait()
    last = query(two.workdir, "SELECT value FROM meta WHERE key = 'cluster_last_id'")[0][0]
    for i in range(20, 50):
        talker.say(f"after {i}", client_id=i + 1)
    collect_texts(talker, 30)
    again = start_node(server_factory, redis, 2, workdir=two.workdir)
    wait_until(lambda: len(query(again.workdir, "SELECT id FROM messages")) == 50,
               what="the restarted node to catch up")
    late = guest(again, "late")
    assert query(again.workdir, "SELECT id, body FROM messages ORDER BY id") == \
        query(one.workdir, "SELECT id, body FROM messages ORDER BY id")
    assert again.wait_log(f"reading after {last}")
    talker.say("after the restart", client_id=99)
    assert late.wait_for(P.TEXT)[0].text == "after the restart"
    # A backup carries the last applied entry (a node rebuilt from it resumes there).
    wait_until(lambda: query(again.workdir, "SELECT count(*) FROM messages") == [(51,)],
               what="the last text applied")
    backup = subprocess.run([binary("chat-server"), "--backup", str(again.workdir / "copy.db"),
                             "--data-dir", str(again.workdir)], capture_output=True, text=True,
                            timeout=TIMEOUT)
    assert backup.returncode == 0, backup.stderr
    last_of = "SELECT value FROM meta WHERE key = 'cluster_last_id'"
    assert query(again.workdir, last_of) != [(last,)]
    (again.workdir / "backup").mkdir()
    (again.workdir / "copy.db").rename(again.workdir / "backup" / "chat.db")
    assert query(again.workdir / "backup", last_of) == query(again.workdir, last_of)


def test_requests_cluster_mode_does_not_take_are_refused(server_factory, redis, tmp_path):
    one, two = seeded_nodes(server_factory, redis, tmp_path, count=2)
    admin, visitor = account(one), guest(two, "visitor")
    refused = [
        (P.ROOM_CREATE, dict(request_id=1, kind=P.ROOM_PUBLIC, name="garden", topic="")),
        (P.ROOM_JOIN, dict(request_id=2, name="garden")),
        (P.INVITE_CREATE, dict(request_id=3, valid_minutes=0)),
        (P.BLOCK, dict(request_id=4, blocked=1, username="visitor")),
        (P.READ_MARK, dict(request_id=5, room_id=0, message_id=1)),
        (P.DIRECT_SEND, dict(client_id=6, username=ADMIN, text="hi")),
    ]
    for ftype, fields in refused[:5]:
        admin.send_frame(ftype, **fields)
        error = admin.wait_for(P.ERROR, skip=(P.USER_JOINED,))[0]
        assert (error.code, error.ref_type) == (P.E_CLUSTER_NOT_YET, ftype), error
        assert "cluster" in error.message and "not support" in error.message
    visitor.send_frame(P.ROOM_LIST, request_id=9)  # reads are taken
    visitor.wait_for(P.DONE, skip=(P.ROOM_INFO,))
    registrant = RawClient(two.port)
    registrant.register("newcomer", "another long password")
    registrant.expect_error(P.E_CLUSTER_NOT_YET, P.REGISTER)
    one.wait_log("ROOM_CREATE refused: cluster mode does not take it yet")
    for node in (one, two):
        assert query(node.workdir, "SELECT count(*) FROM rooms") == [(1,)]
        assert query(node.workdir, "SELECT count(*) FROM accounts") == [(1,)]
    # An event frame from a client is a type the server does not take.
    event = P.encode(P.EVENT_TEXT, room_id=0, time_ms=1, sender_account=1, sender_conn=1,
                     client_id=1, reply_to=0, sender="mallory", text="forged")
    visitor.send(event)
    visitor.expect_error(P.E_UNKNOWN_TYPE, P.EVENT_TEXT)
    visitor.expect_quiet()
    assert redis.command("XLEN", "chat:events") == 0


def test_stores_are_checked_against_the_mode(server_factory, redis, tmp_path):
    single = server_factory()  # a single node that holds a message
    talker = guest(single, "solo")
    talker.say("alone", client_id=1)
    talker.wait_for(P.TEXT)
    single.stop()
    refusal = subprocess.run([binary("chat-server"), "--no-tls", "--port", "0",
                              "--cluster", redis.url, "--node-id", "1"], cwd=single.workdir,
                             capture_output=True, text=True, timeout=TIMEOUT)
    assert refusal.returncode != 0 and "filled by a single node" in refusal.stderr
    node = start_node(server_factory, redis, 4)
    node.stop()
    assert query(node.workdir, "SELECT key, value FROM meta WHERE key LIKE 'cluster_%'"
                               " ORDER BY key") == [
        ("cluster_node", "4"), ("cluster_stream", f"127.0.0.1:{redis.port}/chat:events")]
    alone = subprocess.run([binary("chat-server"), "--no-tls", "--port", "0"],
                           cwd=node.workdir, capture_output=True, text=True, timeout=TIMEOUT)
    assert alone.returncode != 0 and "belongs to a cluster node" in alone.stderr
    other = tmp_path / "other-redis"
    shutil.copytree(node.workdir, other)
    moved = subprocess.run([binary("chat-server"), "--no-tls", "--port", "0", "--cluster",
                            "redis://127.0.0.1:1", "--node-id", "4"], cwd=other,
                           capture_output=True, text=True, timeout=TIMEOUT)
    assert moved.returncode != 0 and "follows the stream" in moved.stderr


def test_events_that_break_the_rules_are_skipped_alike_on_every_node(server_factory, redis):
    one, two = start_node(server_factory, redis, 1), start_node(server_factory, redis, 2)
    watchers = [guest(one, "w1"), guest(two, "w2")]
    good = dict(room_id=0, time_ms=1, sender_account=0, sender_conn=9 << 24 | 1, client_id=1,
                reply_to=0, sender="ghost")
    bad_events = [
        P.encode(P.EVENT_TEXT, **good, text="bell \x07 inside"),     # TEXT_SEND would refuse it
        P.encode(P.EVENT_TEXT, **{**good, "sender": " "}, text="x"),  # no valid name
        P.encode(P.EVENT_REACT, message_id=1, time_ms=1, actor_account=1, moderates=0,
                 actor="ghost", text="not an emoji"),
        P.encode(P.EVENT_DELETE, message_id=1, time_ms=1, actor_account=1, moderates=2,
                 actor="ghost"),
        P.encode(P.EVENT_TEXT, **good, text="cut short")[:-3],        # not one whole frame
        P.encode(P.TEXT, message_id=1, time_ms=1, room_id=0, sender_id=1, client_id=1,
                 sender="ghost", text="a client frame"),               # no event at all
    ]
    ids = [redis.command("XADD", "chat:events", "*", "v", "1", "n", "9", "r", str(i), "e",
                         event).decode() for i, event in enumerate(bad_events)]
    speaker = guest(one, "speaker")
    speaker.say("still here", client_id=5)
    for watcher in watchers:
        assert [t for _, _, t in collect_texts(watcher, 1)] == ["still here"]
    for node in (one, two):
        for entry_id in ids:
            node.wait_log(f"stream entry {entry_id} of node 9 skipped: ")
        assert query(node.workdir, "SELECT body FROM messages") == [("still here",)]
    def last_applied(node):
        ms, seq = query(node.workdir, "SELECT value FROM meta"
                                      " WHERE key = 'cluster_last_id'")[0][0].split("-")
        return int(ms), int(seq)
    after = tuple(map(int, ids[-1].split("-")))
    wait_until(lambda: last_applied(one) == last_applied(two) > after,
               what="both nodes past the entries")


def test_a_node_whose_stream_was_lost_stops(server_factory, redis):
    node = start_node(server_factory, redis, 1)
    talker = guest(node, "talker")
    talker.say("kept here", client_id=1)
    talker.wait_for(P.TEXT)
    node.stop()
    assert redis.command("DEL", "chat:events") == 1  # Redis lost its data
    again = start_node(server_factory, redis, 1, workdir=node.workdir, wait_up=False)
    again.expect_exit = 1
    assert again.wait() == 1
    again.wait_log(r"cluster: this node must not serve: .*does not exist, but this node "
                   r"applied it up to")
    assert query(node.workdir, "SELECT body FROM messages") == [("kept here",)]


def test_a_node_that_cannot_store_an_entry_stops_and_replays_it(server_factory, redis):
    one, two = start_node(server_factory, redis, 1), start_node(server_factory, redis, 2)
    talker = guest(one, "talker")
    talker.say("stored everywhere", client_id=1)
    talker.wait_for(P.TEXT)
    wait_until(lambda: query(two.workdir, "SELECT count(*) FROM messages") == [(1,)],
               what="node 2 to apply the first text")
    data = two.workdir
    with immutable(data / DB_NAME, data / f"{DB_NAME}-wal", data) as frozen:
        if not frozen:
            pytest.skip("chattr +i is not available here")
        talker.say("not storable on node 2", client_id=2)
        talker.wait_for(P.TEXT, skip=(P.USER_LEFT,))
        two.expect_exit = 1
        assert two.wait() == 1
        two.wait_log(r"cluster: (stream entry .* could not be applied to the store|store "
                     r"commit of stream entries .* failed|cannot record stream entry)")
    again = start_node(server_factory, redis, 2, workdir=data)
    wait_until(lambda: query(data, "SELECT count(*) FROM messages") == [(2,)],
               what="the restarted node to replay the entry")
    assert query(data, "SELECT id, body FROM messages ORDER BY id") == \
        query(one.workdir, "SELECT id, body FROM messages ORDER BY id")
    again.stop()
