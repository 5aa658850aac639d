"""Texts, replies, edits, deletions and reactions across chat-server nodes sharing one
chat through a private redis-server (--cluster, docs/CLUSTER.md): they go through the
Redis stream and every node applies them in the stream's order, with cluster-wide sender
ids; a resend through another node applies as nothing."""

import threading
import time

import chatproto as P
from chatserver import TIMEOUT
from chatstore import query
from chatcluster import (ADMIN, account, collect_texts, guest, see_each_other, seeded_nodes,
                         start_node)


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
    see_each_other(a, b)
    assert a.user_id >> 24 == 1 and b.user_id >> 24 == 3
    a.say("from one", client_id=7)
    text = b.wait_for(P.TEXT)[0]
    assert (text.sender, text.sender_id, text.client_id) == ("ann", a.user_id, 7)


def test_edit_delete_react_on_one_node_seen_on_another(server_factory, redis, tmp_path):
    one, _, three = seeded_nodes(server_factory, redis, tmp_path)
    writer, reader = account(one), guest(three, "reader")
    see_each_other(writer, reader)
    writer.say("first words", client_id=1)
    text = writer.wait_for(P.TEXT)[0]
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
    see_each_other(first, again, watcher)
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
    assert redis.command("XLEN", "chat:events") == 4  # two logins' sessions, both texts
