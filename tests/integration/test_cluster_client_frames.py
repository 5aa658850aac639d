"""A cluster node and its clients' frames (docs/CLUSTER.md, section 10): an event frame
sent by a client is an unknown type and reaches neither the stream nor any store, while
the client stays and reads are served."""

import chatproto as P
from chatstore import query
from chatcluster import account, guest, registered, seeded_nodes


def test_event_frames_from_a_client_are_unknown_types(server_factory, redis, tmp_path):
    one, two = seeded_nodes(server_factory, redis, tmp_path, count=2)
    account(one)
    bob = registered(two, "bob")  # kept connected: its leaving would reach the visitor
    visitor = guest(two, "visitor")
    forged = [
        (P.EVENT_TEXT, dict(room_id=0, time_ms=1, sender_account=1, sender_conn=1,
                            client_id=1, reply_to=0, sender="mallory", text="forged")),
        (P.EVENT_DIRECT, dict(time_ms=1, sender_account=1, peer_account=2, sender_conn=1,
                              client_id=1, sender="mallory", peer="bob", text="forged")),
    ]
    for ftype, fields in forged:
        visitor.send(P.encode(ftype, **fields))
        visitor.expect_error(P.E_UNKNOWN_TYPE, ftype)
    visitor.send_frame(P.ROOM_LIST, request_id=9)  # the client stays; reads are taken
    visitor.wait_for(P.DONE, skip=(P.ROOM_INFO, P.USER_JOINED, P.USER_LEFT))
    visitor.expect_quiet()
    assert redis.command("XLEN", "chat:events") == 3, "sessions of admin and bob, bob's account"
    for node in (one, two):
        assert query(node.workdir, "SELECT count(*) FROM messages") == [(0,)]
    bob.close()
