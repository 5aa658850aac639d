"""Cluster failures (docs/CLUSTER.md, section 8): Redis paused means "temporarily
unavailable", never a lost or doubled message; a killed node catches up from its stored
last entry; stores are checked against the mode; forged entries are skipped alike on every
node; a lost stream or an unwritable store stops the node, and a restart replays."""

import shutil
import signal
import subprocess
import time

import pytest

import chatproto as P
from chatclient import RawClient
from chatfs import immutable
from chatserver import TIMEOUT, binary, paused, wait_until
from chatstore import DB_NAME, query
from chatcluster import (ADMIN, ADMIN_PASSWORD, Writer, account, collect_texts, forge, guest,
                         last_applied, seeded_nodes, start_node, stream_ups)


def test_redis_paused_refuses_writes_then_nothing_lost_or_doubled(server_factory, redis,
                                                                  tmp_path):
    one, two = seeded_nodes(server_factory, redis, tmp_path, count=2)
    writer, watcher = Writer(account(one)), guest(two, "watcher")
    send, acked = writer.send_and_wait, writer.acked

    for cid in range(1, 6):
        assert send(cid)
    ups = stream_ups(one.log_path)
    with paused(redis):
        started = time.monotonic()
        assert not send(6)  # unanswered: maybe in the stream, maybe not
        assert not send(7)  # the link is down by now: refused at once
        late = RawClient(one.port)  # a login's session cannot be stored: no token handed out
        late.password_login(ADMIN, ADMIN_PASSWORD)
        late.expect_error(P.E_CLUSTER_UNAVAILABLE, P.LOGIN)
        time.sleep(max(0.0, 2.0 - (time.monotonic() - started)))
    # The node logs its stream up again once Redis answers; a text sent before that is
    # refused at once, so the first try waits for that line rather than spending the
    # connection's message budget on refusals.
    wait_until(lambda: stream_ups(one.log_path) > ups, what="node 1's stream to be up again")
    cid = 8
    while not send(cid):  # refused until the link is back, then acknowledged
        cid += 1
    writer.resend_refused()  # the outbox's resend, with the same client id
    for cid in range(cid + 1, cid + 6):
        assert send(cid)
    wait_until(lambda: len(query(two.workdir, "SELECT id FROM messages")) >= len(acked),
               what="node 2 to apply every acknowledged text")
    rows = query(two.workdir, "SELECT id, client_id, body FROM messages ORDER BY id")
    assert sorted(cid for _, cid, _ in rows) == sorted(acked), "each text once, none lost"
    for message_id, cid, body in rows:
        assert acked[cid] == message_id and body == f"{ADMIN} {cid}"
    assert query(one.workdir, "SELECT id, client_id, body FROM messages ORDER BY id") == rows
    seen = collect_texts(watcher, len(rows))
    assert [(i, t) for i, _, t in seen] == [(i, t) for i, _, t in rows]
    account(two)  # logins work again; the refused one left no session anywhere
    for node in (one, two):
        wait_until(lambda: query(node.workdir, "SELECT count(*) FROM sessions") == [(2,)],
                   what="the two sessions made, on every node")


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
    ids = [forge(redis, event, request=i)[1] for i, event in enumerate(bad_events)]
    speaker = guest(one, "speaker")
    speaker.say("still here", client_id=5)
    for watcher in watchers:
        assert [t for _, _, t in collect_texts(watcher, 1)] == ["still here"]
    for node in (one, two):
        for entry_id in ids:
            node.wait_log(f"stream entry {entry_id} of node 9 skipped: ")
        assert query(node.workdir, "SELECT body FROM messages") == [("still here",)]
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
