"""Direct conversations, settings and kicks across cluster nodes (docs/CLUSTER.md): a
first direct message makes its room through the stream (one room everywhere, even when
both start the conversation at once on two nodes), a block is decided when the entry
applies, receipts and notification levels set on one node hold on the others, and a kick
acts on whichever node the user is connected to."""

import time

import chatproto as P
from chatclient import RawClient
from chatserver import paused, wait_until
from chatstore import query
from chatcluster import (ADMIN, ADMIN_PASSWORD, Watcher, account, forge, guest, last_applied,
                         moderate, notice_of, registered, seeded_nodes)

ROOM_FRAMES = (P.ROOM_STATE, P.ROOM_MEMBERS, P.ROOM_PRESENCE, P.USER_JOINED, P.USER_LEFT)


def direct(client, client_id, to, text):
    client.send_frame(P.DIRECT_SEND, client_id=client_id, username=to, text=text)


def direct_rooms(node):
    """The direct rooms of node's store with their members and texts, in id order."""
    rooms = query(node.workdir, "SELECT id, dm_key FROM rooms WHERE kind = 2 ORDER BY id")
    return [(room_id, key,
             query(node.workdir, "SELECT account_id FROM room_members WHERE room_id = ? "
                   "ORDER BY account_id", room_id),
             query(node.workdir, "SELECT id, sender_name, body FROM messages WHERE "
                   "room_id = ? ORDER BY id", room_id))
            for room_id, key in rooms]


def stream_types(redis):
    """The event frame type of every entry in the stream, in order."""
    entries = redis.command("XRANGE", "chat:events", "-", "+")
    types = []
    for _, fields in entries:
        event = dict(zip(fields[::2], fields[1::2]))[b"e"]
        types.append(event[4] << 8 | event[5])
    return types


def test_a_direct_conversation_started_on_node_1_reaches_node_3(server_factory, redis,
                                                                 tmp_path):
    one, _, three = seeded_nodes(server_factory, redis, tmp_path, count=3)
    bob = registered(three, "bob")
    alice = account(one)
    direct(alice, 1, "Bob", "hi bob")
    state = alice.wait_for(P.ROOM_STATE, skip=ROOM_FRAMES)[0]
    assert (state.kind, state.name, state.members) == (P.ROOM_DIRECT, "bob", 2)
    first = alice.wait_for(P.TEXT, skip=ROOM_FRAMES)[0]
    assert (first.client_id, first.room_id, first.text) == (1, state.room_id, "hi bob")
    bob_state = bob.wait_for(P.ROOM_STATE, skip=ROOM_FRAMES)[0]
    assert (bob_state.room_id, bob_state.name) == (state.room_id, "alice")
    got = bob.wait_for(P.TEXT, skip=ROOM_FRAMES)[0]
    assert (got.message_id, got.sender, got.text) == (first.message_id, "alice", "hi bob")
    direct(bob, 2, "alice", "hello alice")  # node 3 has the room: a plain text event
    answer = alice.wait_for(P.TEXT, skip=ROOM_FRAMES)[0]
    assert (answer.room_id, answer.sender, answer.text) == (state.room_id, "bob",
                                                            "hello alice")
    assert stream_types(redis).count(P.EVENT_DIRECT) == 1
    want = [(state.room_id, "1:2", [(1,), (2,)],
             [(first.message_id, "alice", "hi bob"), (answer.message_id, "bob", "hello alice")])]
    for node in (one, three):
        wait_until(lambda: direct_rooms(node) == want, what="the room and texts everywhere")


def test_first_messages_sent_at_once_on_two_nodes_make_one_room(server_factory, redis,
                                                                tmp_path):
    nodes = seeded_nodes(server_factory, redis, tmp_path, count=3)
    bob = registered(nodes[1], "bob")
    alice = account(nodes[0])
    alice.sync(), bob.sync()
    with paused(redis):  # neither node can apply the other's entry before it takes its own
        direct(alice, 1, "bob", "from alice")   # neither node has the room: both log
        direct(bob, 2, "alice", "from bob")     # EVENT_DIRECT, the first applied makes it
        assert alice.sync() == [] and bob.sync() == []  # both taken, nothing applied yet
    for client in (alice, bob):
        state = client.wait_for(P.ROOM_STATE, skip=ROOM_FRAMES)[0]
        texts = [client.wait_for(P.TEXT, skip=ROOM_FRAMES)[0] for _ in range(2)]
        assert {(t.room_id, t.text) for t in texts} == {(state.room_id, "from alice"),
                                                       (state.room_id, "from bob")}
        assert not any(f.type == P.ROOM_STATE for f in client.sync()), "one room, one state"
    assert stream_types(redis).count(P.EVENT_DIRECT) == 2, "the race was run"
    for node in nodes:
        wait_until(lambda node=node: [len(r[3]) for r in direct_rooms(node)] == [2],
                   what="one room holding both texts")
    rooms = {repr(direct_rooms(node)) for node in nodes}
    assert len(rooms) == 1, rooms
    room = direct_rooms(nodes[2])[0]
    assert (room[1], room[2], sorted(body for _, _, body in room[3])) == \
        ("1:2", [(1,), (2,)], ["from alice", "from bob"])


def test_a_block_is_decided_when_the_entry_applies(server_factory, redis, tmp_path):
    one, _, three = seeded_nodes(server_factory, redis, tmp_path, count=3)
    carol = registered(three, "carol")
    carol.send_frame(P.BLOCK, request_id=1, blocked=1, username="alice")
    carol.wait_for(P.DONE, skip=ROOM_FRAMES)
    # An entry taken before its node knew of the block (as if it raced it): every node
    # refuses it when it applies; no room is made anywhere.
    event = P.encode(P.EVENT_DIRECT, time_ms=1, sender_account=1, peer_account=2,
                     sender_conn=9 << 24 | 1, client_id=7, sender=ADMIN, peer="carol",
                     text="let me in")
    after, _ = forge(redis, event)
    for node in (one, three):
        wait_until(lambda node=node: last_applied(node) >= after, what="the entry applied")
        assert direct_rooms(node) == []
    carol.expect_quiet()
    alice = account(one)  # the taker refuses it at once too, as a single node does
    direct(alice, 2, "carol", "hello?")
    error = alice.wait_for(P.ERROR, skip=ROOM_FRAMES)[0]
    assert (error.code, error.ref_id) == (P.E_DIRECT_REFUSED, 2)


def test_a_block_is_decided_when_a_text_to_an_existing_room_applies(server_factory, redis,
                                                                     tmp_path):
    one, _, three = seeded_nodes(server_factory, redis, tmp_path, count=3)
    carol = registered(three, "carol")
    alice = account(one)
    direct(alice, 1, "carol", "hi carol")
    room = alice.wait_for(P.ROOM_STATE, skip=ROOM_FRAMES)[0].room_id
    carol.wait_for(P.TEXT, skip=ROOM_FRAMES)
    carol.send_frame(P.BLOCK, request_id=2, blocked=1, username="alice")
    carol.wait_for(P.DONE, skip=ROOM_FRAMES)
    # A text into the room taken before its node knew of the block (as if it raced it):
    # every node refuses it when it applies.
    event = P.encode(P.EVENT_TEXT, room_id=room, time_ms=1, sender_account=1,
                     sender_conn=9 << 24 | 1, client_id=3, reply_to=0, sender=ADMIN,
                     text="after the block")
    after, _ = forge(redis, event)
    for node in (one, three):
        wait_until(lambda node=node: last_applied(node) >= after, what="the entry applied")
        assert [texts for _, _, _, texts in direct_rooms(node)] == [
            [(1, "alice", "hi carol")]], "only the text from before the block"
    carol.expect_quiet()


def test_settings_set_on_node_1_hold_on_node_3(server_factory, redis, tmp_path):
    one, _, three = seeded_nodes(server_factory, redis, tmp_path, count=3)
    bob = registered(three, "bob")
    there = RawClient(three.port)  # alice's second login, on node 3
    there.password_login(ADMIN, ADMIN_PASSWORD)
    there.expect_session()
    bob.say("read me", client_id=1)
    message = there.wait_for(P.TEXT, skip=ROOM_FRAMES)[0]
    bob.wait_for(P.TEXT, skip=ROOM_FRAMES)
    there.send_frame(P.READ_MARK, request_id=2, room_id=0, message_id=message.message_id)
    receipt = bob.wait_for(P.RECEIPT, skip=ROOM_FRAMES)[0]  # shared so far
    assert (receipt.name, receipt.message_id) == (ADMIN, message.message_id)
    there.wait_for(P.READ_MARKER, skip=ROOM_FRAMES + (P.RECEIPT,))

    alice = account(one)
    alice.sync()  # its login's marker and receipts
    alice.send_frame(P.RECEIPTS_SET, request_id=3, enabled=0)
    alice.wait_for(P.DONE, skip=ROOM_FRAMES)
    alice.send_frame(P.NOTIFY_LEVEL_SET, request_id=4, room_id=0, level=P.NOTIFY_MENTIONS)
    level = alice.wait_for(P.NOTIFY_LEVEL, skip=ROOM_FRAMES)[0]
    assert (level.room_id, level.level) == (0, P.NOTIFY_MENTIONS)
    alice.wait_for(P.DONE, skip=ROOM_FRAMES)
    # The login on node 3 follows both when node 3 applies them.
    level = there.wait_for(P.NOTIFY_LEVEL, skip=ROOM_FRAMES + (P.RECEIPT,))[0]
    assert (level.room_id, level.level) == (0, P.NOTIFY_MENTIONS)
    for node in (one, three):
        wait_until(lambda node=node: query(node.workdir, "SELECT receipts_off FROM accounts "
                                           "WHERE id = 1") == [(1,)], what="receipts off")
        assert query(node.workdir, "SELECT account_id, room_id, level FROM notify_levels") \
            == [(1, 0, P.NOTIFY_MENTIONS)]
    bob.say("and me", client_id=5)
    second = there.wait_for(P.TEXT, skip=ROOM_FRAMES)[0]
    bob.wait_for(P.TEXT, skip=ROOM_FRAMES)
    there.send_frame(P.READ_MARK, request_id=6, room_id=0, message_id=second.message_id)
    there.wait_for(P.READ_MARKER, skip=ROOM_FRAMES)
    assert [f for f in bob.sync() if f.type == P.RECEIPT] == [], "no receipt any more"
    there.close()
    later = RawClient(three.port)  # a new login on node 3 reads them from its store
    later.password_login(ADMIN, ADMIN_PASSWORD)
    later.expect_session()
    frames = later.sync()
    assert [(f.room_id, f.level) for f in frames if f.type == P.NOTIFY_LEVEL] == \
        [(0, P.NOTIFY_MENTIONS)]
    assert [f for f in frames if f.type == P.RECEIPT] == [], "opted out: shown none"


def test_a_kick_on_node_1_disconnects_the_user_on_node_3(server_factory, redis, tmp_path):
    one, _, three = seeded_nodes(server_factory, redis, tmp_path, count=3)
    bob = registered(three, "bob")
    visitor = guest(three, "visitor")
    admin = account(one)
    seen = Watcher(admin)  # node 1 takes a kick of someone it knows online (presence)
    seen.until(lambda: "bob" in seen.users.values(), "node 1 to see bob")
    moderate(admin, 1, P.MOD_KICK, "bob", reason="cool off")
    done = time.monotonic()
    assert notice_of(bob, P.MOD_KICK).target == "bob"
    error = bob.wait_for(P.ERROR, timeout=1.0, skip=(P.USER_LEFT,))[0]
    bob.expect_closed(timeout=max(done + 1.0 - time.monotonic(), 0.001))
    assert error.code == P.E_KICKED and "cool off" in error.message
    assert time.monotonic() - done < 1.0, "disconnected on node 3 within a second of DONE"
    # Kicks of someone online nowhere, and of guests: test_cluster_kick_presence.py.
    assert notice_of(visitor, P.MOD_KICK).target == "bob"
    again = RawClient(three.port)  # a kick ends no session: bob may come back
    again.password_login("bob", "a long enough password")
    again.expect_session()


def test_entries_that_break_the_requests_rules_are_skipped(server_factory, redis, tmp_path):
    one, two = seeded_nodes(server_factory, redis, tmp_path, count=2)
    registered(two, "bob").close()
    direct_fields = dict(time_ms=1, sender_account=1, peer_account=2, sender_conn=9 << 24 | 1,
                         client_id=1, sender=ADMIN, peer="bob")
    bad = [
        P.encode(P.EVENT_DIRECT, **{**direct_fields, "peer_account": 1}, text="to myself"),
        P.encode(P.EVENT_DIRECT, **direct_fields, text="bell \x07 inside"),
        P.encode(P.EVENT_DIRECT, **{**direct_fields, "peer": " "}, text="no name"),
        P.encode(P.EVENT_RECEIPTS_SET, account=1, room_id=0, value=2, name=ADMIN),
        P.encode(P.EVENT_RECEIPTS_SET, account=1, room_id=4, value=0, name=ADMIN),
        P.encode(P.EVENT_NOTIFY_LEVEL, account=1, room_id=0, value=3, name=ADMIN),
        P.encode(P.EVENT_NOTIFY_LEVEL, account=0, room_id=0, value=1, name=ADMIN),
    ]
    ids = [forge(redis, event, request=i)[1] for i, event in enumerate(bad)]
    for node in (one, two):
        for entry_id in ids:
            node.wait_log(f"stream entry {entry_id} of node 9 skipped: ")
        assert direct_rooms(node) == []
        assert query(node.workdir, "SELECT count(*) FROM notify_levels") == [(0,)]
        assert query(node.workdir, "SELECT max(receipts_off) FROM accounts") == [(0,)]
