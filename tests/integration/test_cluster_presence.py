"""Presence across cluster nodes (docs/CLUSTER.md section 7): every node shows the users
of every node in USER_LIST and live, typing notices cross nodes, a user on two nodes is
online until its last connection goes, a killed node's users go offline within
CLUSTER_NODE_TTL_MS plus a heartbeat, and rooms show their members online wherever
they are connected."""

import signal
import time

import chatproto as P
from chatclient import RawClient
from chatserver import SLOWDOWN, TIMEOUT, paused, wait_until
from chatcluster import Watcher, account, guest, registered, seeded_nodes, start_node

HEARTBEAT_S, NODE_TTL_S = 1.0, 3.0  # CLUSTER_HEARTBEAT_MS, CLUSTER_NODE_TTL_MS

PRESENCE_NOISE = (P.USER_JOINED, P.USER_LEFT, P.USER_ROLE, P.PRESENCE_STATE, P.ROOM_PRESENCE,
                  P.ROOM_MEMBERS, P.TYPING)


def three_guest_nodes(server_factory, redis):
    return [start_node(server_factory, redis, n) for n in (1, 2, 3)]


def test_user_list_and_live_joins_and_leaves_cover_every_node(server_factory, redis):
    one, two, three = three_guest_nodes(server_factory, redis)
    bob, carol = guest(two, "bob"), guest(three, "carol")
    probe = Watcher(guest(one, "probe"))
    probe.until(lambda: probe.names() == ["bob", "carol", "probe"], "node 1 to see bob, carol")
    alice = guest(one, "alice")
    assert sorted(name for _, name in alice.users) == ["alice", "bob", "carol", "probe"]
    assert alice.welcome.users_online == 4
    assert {uid for uid, name in alice.users if name == "bob"} == {bob.user_id}
    seen = Watcher(alice)
    dave = guest(two, "dave")
    seen.until(lambda: "dave" in seen.names(), "dave's join on node 1")
    assert any(f.type == P.USER_JOINED and f.users == [(dave.user_id, "dave")]
               for f in seen.frames)
    dave.goodbye()
    seen.until(lambda: "dave" not in seen.names(), "dave's leave on node 1")
    assert any(f.type == P.USER_LEFT and f.users == [(dave.user_id, "dave")]
               for f in seen.frames)
    carol.close()
    seen.until(lambda: seen.names() == ["alice", "bob", "probe"], "carol's leave on node 1")
    # Node 3 sees node 1's and node 2's users too.
    erin = guest(three, "erin")
    assert sorted(name for _, name in erin.users) == ["alice", "bob", "erin", "probe"]


def test_typing_and_away_cross_nodes(server_factory, redis):
    one, two = start_node(server_factory, redis, 1), start_node(server_factory, redis, 2)
    alice = Watcher(guest(one, "alice"))
    bob = guest(two, "bob")
    alice.until(lambda: "bob" in alice.names(), "bob on node 1")
    bob.send_frame(P.TYPING_SET, room_id=P.ROOM_LOBBY, state=P.TYPING_ACTIVE)
    alice.until(lambda: any(f.type == P.TYPING and f.name == "bob" for f in alice.frames),
                "bob's typing notice on node 1")
    typing = next(f for f in alice.frames if f.type == P.TYPING)
    assert (typing.room_id, typing.account_id, typing.state) == (P.ROOM_LOBBY, 0,
                                                                 P.TYPING_ACTIVE)
    bob.send_frame(P.PRESENCE_SET, request_id=1, state=P.PRESENCE_AWAY)
    bob.wait_for(P.DONE, skip=PRESENCE_NOISE)
    alice.until(lambda: any(f.type == P.PRESENCE_STATE and f.state == P.PRESENCE_AWAY and
                            f.users == [(bob.user_id, "bob")] for f in alice.frames),
                "bob away on node 1")
    late = guest(one, "late")  # a newcomer learns who is away after its list
    late_seen = late.sync()
    assert any(f.type == P.PRESENCE_STATE and (bob.user_id, "bob") in f.users
               for f in late_seen), late_seen


def test_a_user_on_two_nodes_is_online_until_both_connections_go(
        server_factory, redis, tmp_path):
    one, two, three = seeded_nodes(server_factory, redis, tmp_path, count=3)
    erin_two = registered(two, "erin")
    erin_three = RawClient(three.port)
    erin_three.password_login("erin", "a long enough password")
    erin_three.expect_session()
    watch = Watcher(account(one))
    watch.until(lambda: watch.names().count("erin") == 2, "both of erin's connections")
    erin_two.close()
    watch.until(lambda: watch.names().count("erin") == 1, "erin's first connection to go")
    erin_three.sync()  # still connected on node 3
    watch.read()
    assert "erin" in watch.names()
    erin_three.close()
    watch.until(lambda: "erin" not in watch.names(), "erin's last connection to go")


def test_a_killed_nodes_users_go_offline_within_the_bound(server_factory, redis):
    one, three = start_node(server_factory, redis, 1), start_node(server_factory, redis, 3)
    carol = guest(three, "carol")
    alice = Watcher(guest(one, "alice"))
    alice.until(lambda: "carol" in alice.names(), "carol on node 1")
    three.expect_exit = None
    three.signal(signal.SIGKILL)
    killed = time.monotonic()
    three.wait()
    alice.until(lambda: "carol" not in alice.names(), "carol's leave after the kill")
    elapsed = time.monotonic() - killed
    # TTL plus a heartbeat, plus room for a loaded machine (scaled under sanitizers).
    assert elapsed <= NODE_TTL_S + HEARTBEAT_S + 1.0 * SLOWDOWN, elapsed
    assert any(f.type == P.USER_LEFT and f.users == [(carol.user_id, "carol")]
               for f in alice.frames)
    assert one.wait_log("node 3 not heard from")


def test_a_stopped_node_says_its_users_left(server_factory, redis):
    one, two = start_node(server_factory, redis, 1), start_node(server_factory, redis, 2)
    bob = guest(two, "bob")
    alice = Watcher(guest(one, "alice"))
    alice.until(lambda: "bob" in alice.names(), "bob on node 1")
    two.stop()
    bob.close()  # it was open until node 2 stopped
    alice.until(lambda: "bob" not in alice.names(), "bob's leave after node 2 stopped")
    assert "node 2 not heard from" not in one.log_path.read_text(), "told, not expired"
    assert redis.command("EXISTS", "chat:node:2") == 0


def test_redis_away_keeps_the_last_known_presence_then_repairs_it(server_factory, redis):
    one, two = start_node(server_factory, redis, 1), start_node(server_factory, redis, 2)
    bob, carol = guest(two, "bob"), guest(two, "carol")
    alice = Watcher(guest(one, "alice"))
    alice.until(lambda: alice.names() == ["alice", "bob", "carol"], "node 2's users on node 1")
    with paused(redis):
        carol.close()  # node 2 cannot tell anyone while Redis is away
        wait_until(lambda: one.log_path.read_text().count("presence cannot reach Redis") == 1,
                   what="node 1 to find Redis away")
        away_at = time.monotonic()
        # Past the expiry node 2 would have had: what node 1 knew stays as it was.
        alice.until(lambda: time.monotonic() - away_at > NODE_TTL_S + HEARTBEAT_S,
                    "the expiry time to pass")
        assert alice.names() == ["alice", "bob", "carol"], alice.frames
    # Redis is back: node 2's next heartbeat repairs what was missed; bob stays online.
    alice.until(lambda: alice.names() == ["alice", "bob"], "carol's leave after Redis returned")
    bob.sync()  # still connected on node 2
    alice.read()
    assert "bob" in alice.names()
    wait_until(lambda: one.log_path.read_text().count("cluster: presence is up") == 2,
               what="node 1's presence to say it is up again")


def test_room_presence_across_nodes(server_factory, redis, tmp_path):
    one, _, three = seeded_nodes(server_factory, redis, tmp_path, count=3)
    bob = registered(three, "bob")
    alice = account(one)
    alice.send_frame(P.ROOM_CREATE, request_id=1, kind=P.ROOM_PUBLIC, name="garden", topic="")
    room = alice.wait_for(P.ROOM_STATE, skip=PRESENCE_NOISE)[0].room_id
    alice.wait_for(P.DONE, skip=PRESENCE_NOISE + (P.ROOM_TOPIC,))
    def joined():
        bob.send_frame(P.ROOM_JOIN, request_id=2, name="garden")
        frame = bob.wait_for(P.ROOM_STATE, skip=PRESENCE_NOISE + (P.ERROR,))[0]
        return frame.room_id == room
    wait_until(joined, what="bob to join garden on node 3")
    bob.wait_for(P.DONE, skip=PRESENCE_NOISE + (P.ROOM_TOPIC,))
    watch = Watcher(alice)
    watch.until(lambda: any(f.type == P.ROOM_PRESENCE and f.room_id == room and
                            [n for _, n in f.users] == ["bob"] for f in watch.frames),
                "bob's join told in garden on node 1")
    watch.frames.clear()
    bob.close()
    watch.until(lambda: any(f.type == P.ROOM_PRESENCE and f.room_id == room and
                            f.state == P.MEMBER_OFFLINE and [n for _, n in f.users] == ["bob"]
                            for f in watch.frames), "bob offline in garden on node 1")
    bob = RawClient(three.port)
    bob.password_login("bob", "a long enough password")
    bob.expect_session()
    watch.until(lambda: any(f.type == P.ROOM_PRESENCE and f.room_id == room and
                            f.state == P.MEMBER_ONLINE and [n for _, n in f.users] == ["bob"]
                            for f in watch.frames), "bob online in garden on node 1")
    # A login on node 1 (replacing alice's connection) lists bob online in the room.
    alice = again = account(one)
    lists = [f for f in again.sync() if f.type == P.ROOM_MEMBERS and f.room_id == room]
    online = [n for f in lists if f.state == P.MEMBER_ONLINE for _, n in f.users]
    assert "bob" in online, lists
    # Live receipts travel with READ_MARK events.
    alice.say("read me", client_id=9, room_id=room)
    text = alice.wait_for(P.TEXT, skip=PRESENCE_NOISE)[0]
    bob.wait_for(P.TEXT, skip=PRESENCE_NOISE + (P.ROOM_STATE, P.READ_MARKER, P.HISTORY_END,
                                                 P.ROOM_TOPIC))
    bob.send_frame(P.READ_MARK, request_id=3, room_id=room, message_id=text.message_id)
    receipt = alice.wait_for(P.RECEIPT, skip=PRESENCE_NOISE, timeout=TIMEOUT)[0]
    assert (receipt.room_id, receipt.message_id) == (room, text.message_id)
