"""Rooms across cluster nodes (docs/CLUSTER.md): a room made, joined and given a topic on
different nodes is the same room everywhere; invites, blocks and read markers travel."""

import chatproto as P
from chatclient import RawClient
from chatserver import wait_until
from chatstore import query
from chatcluster import (ADMIN, ADMIN_PASSWORD, account, registered, see_each_other,
                         seeded_nodes)


def test_rooms_made_joined_and_topics_set_on_one_node_hold_on_every_node(
        server_factory, redis, tmp_path):
    one, _, three = seeded_nodes(server_factory, redis, tmp_path, count=3)
    bob = registered(three, "bob")
    alice = account(one)
    see_each_other(alice, bob)
    alice.send_frame(P.ROOM_CREATE, request_id=1, kind=P.ROOM_PUBLIC, name="garden",
                     topic="roses")
    state = alice.wait_for(P.ROOM_STATE, skip=(P.USER_JOINED,))[0]
    alice.wait_for(P.DONE, skip=(P.ROOM_MEMBERS, P.ROOM_TOPIC, P.ROOM_PRESENCE))
    # Node 3 knows the room once it has applied its entry (the DONE came from node 1).
    wait_until(lambda: query(three.workdir, "SELECT count(*) FROM rooms WHERE name = 'garden'")
               == [(1,)], what="node 3 to apply the room")
    bob.send_frame(P.ROOM_JOIN, request_id=2, name="garden")
    assert bob.wait_for(P.ROOM_STATE, skip=(P.USER_JOINED,))[0].room_id == state.room_id
    bob.wait_for(P.DONE, skip=(P.ROOM_MEMBERS, P.ROOM_TOPIC, P.ROOM_PRESENCE))
    bob.send_frame(P.ROOM_TOPIC_SET, request_id=3, room_id=state.room_id, topic="tulips")
    bob.wait_for(P.DONE, skip=(P.ROOM_TOPIC, P.ROOM_MEMBERS, P.ROOM_PRESENCE))
    topic = alice.wait_for(P.ROOM_TOPIC, skip=(P.ROOM_MEMBERS, P.ROOM_PRESENCE))[0]
    assert (topic.room_id, topic.actor, topic.topic) == (state.room_id, "bob", "tulips")
    bob.say("in the garden", client_id=4, room_id=state.room_id)
    text = alice.wait_for(P.TEXT, skip=(P.ROOM_MEMBERS, P.ROOM_PRESENCE, P.ROOM_TOPIC))[0]
    assert (text.room_id, text.sender, text.text) == (state.room_id, "bob", "in the garden")
    taken = RawClient(three.port)
    taken.password_login(ADMIN, ADMIN_PASSWORD)
    taken.expect_session()
    taken.send_frame(P.ROOM_CREATE, request_id=5, kind=P.ROOM_PUBLIC, name="Garden", topic="")
    refusal = taken.wait_for(P.ERROR, skip=(P.ROOM_STATE, P.ROOM_MEMBERS, P.ROOM_TOPIC,
                                            P.ROOM_PRESENCE, P.USER_JOINED))[0]
    assert (refusal.code, refusal.ref_id) == (P.E_ROOM_NAME_TAKEN, 5), refusal
    rows = {tuple(query(node.workdir, "SELECT r.id, r.name, r.topic, m.account_id FROM rooms r "
                        "JOIN room_members m ON m.room_id = r.id ORDER BY m.account_id"))
            for node in (one, three)}
    assert len(rows) == 1 and len(next(iter(rows))) == 2, rows


def test_invites_blocks_and_read_markers_travel(server_factory, redis, tmp_path):
    one, _, three = seeded_nodes(server_factory, redis, tmp_path, count=3)
    admin = account(one)
    admin.send_frame(P.INVITE_CREATE, request_id=1, valid_minutes=60)
    code = admin.wait_for(P.INVITE, skip=(P.USER_JOINED,))[0].code
    entries = redis.command("XRANGE", "chat:events", "-", "+")
    assert code.encode() not in b"".join(v for _, f in entries for v in f
                                         if isinstance(v, bytes)), "only its hash travels"
    registered(three, "carol")
    admin.send_frame(P.BLOCK, request_id=2, blocked=1, username="carol")
    admin.wait_for(P.DONE, skip=(P.USER_JOINED, P.USER_LEFT))
    admin.say("read me", client_id=3)
    message = admin.wait_for(P.TEXT, skip=(P.USER_JOINED, P.USER_LEFT))[0]
    admin.send_frame(P.READ_MARK, request_id=4, room_id=0, message_id=message.message_id)
    marker = admin.wait_for(P.READ_MARKER, skip=(P.RECEIPT, P.USER_JOINED, P.USER_LEFT))[0]
    assert marker.message_id == message.message_id
    for node in (one, three):
        wait_until(lambda: query(node.workdir, "SELECT count(*) FROM read_markers WHERE "
                                 f"message_id = {message.message_id}") == [(1,)],
                   what="the read marker on every node")
        assert query(node.workdir, "SELECT count(*) FROM blocks") == [(1,)]
        assert query(node.workdir, "SELECT created_by FROM invites") == [(1,)]
