"""What a cluster node does not take yet (docs/CLUSTER.md, section 10): a clear
CLUSTER_NOT_YET error that changes nothing, while reads are served; an event frame sent by
a client is an unknown type."""

import chatproto as P
from chatstore import query
from chatcluster import account, guest, registered, see_each_other, seeded_nodes


def test_requests_cluster_mode_does_not_take_are_refused(server_factory, redis, tmp_path):
    one, two = seeded_nodes(server_factory, redis, tmp_path, count=2)
    admin, visitor = account(one), guest(two, "visitor")
    refused = [
        (P.RECEIPTS_SET, dict(request_id=3, enabled=0)),
        (P.NOTIFY_LEVEL_SET, dict(request_id=4, room_id=0, level=1)),
        (P.DIRECT_SEND, dict(client_id=5, username="bob", text="hi")),  # a new direct room
    ]
    bob = registered(two, "bob")  # kept connected: its leaving would reach the visitor
    see_each_other(admin, visitor, bob)
    for ftype, fields in refused:
        admin.send_frame(ftype, **fields)
        error = admin.wait_for(P.ERROR, skip=(P.USER_JOINED, P.USER_LEFT))[0]
        assert (error.code, error.ref_type) == (P.E_CLUSTER_NOT_YET, ftype), error
        assert "cluster" in error.message and "not support" in error.message
    visitor.send_frame(P.ROOM_LIST, request_id=9)  # reads are taken
    visitor.wait_for(P.DONE, skip=(P.ROOM_INFO, P.USER_JOINED, P.USER_LEFT))
    one.wait_log("RECEIPTS_SET refused: cluster mode does not take it yet")
    for node in (one, two):
        assert query(node.workdir, "SELECT count(*) FROM notify_levels") == [(0,)]
    # An event frame from a client is a type the server does not take.
    event = P.encode(P.EVENT_TEXT, room_id=0, time_ms=1, sender_account=1, sender_conn=1,
                     client_id=1, reply_to=0, sender="mallory", text="forged")
    visitor.send(event)
    visitor.expect_error(P.E_UNKNOWN_TYPE, P.EVENT_TEXT)
    visitor.expect_quiet()
    assert redis.command("XLEN", "chat:events") == 3, "sessions of admin and bob, bob's account"
    bob.close()
