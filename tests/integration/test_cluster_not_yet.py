"""What a cluster node does not take yet (docs/CLUSTER.md, section 10): a clear
CLUSTER_NOT_YET error that changes nothing, while reads are served; an event frame sent by
a client is an unknown type."""

import chatproto as P
from chatstore import query
from chatcluster import account, guest, registered, seeded_nodes


def test_requests_cluster_mode_does_not_take_are_refused(server_factory, redis, tmp_path):
    one, two = seeded_nodes(server_factory, redis, tmp_path, count=2)
    admin, visitor = account(one), guest(two, "visitor")
    offer = dict(upload_id=3, size=5, sha256=bytes(32), room_id=0, name="a.txt")
    refused = [(P.FILE_OFFER, offer)]
    bob = registered(two, "bob")  # kept connected: its leaving would reach the visitor
    for ftype, fields in refused:
        admin.send_frame(ftype, **fields)
        error = admin.wait_for(P.ERROR, skip=(P.USER_JOINED, P.USER_LEFT))[0]
        assert (error.code, error.ref_type) == (P.E_CLUSTER_NOT_YET, ftype), error
        assert "cluster" in error.message and "not support" in error.message
    visitor.send_frame(P.ROOM_LIST, request_id=9)  # reads are taken
    visitor.wait_for(P.DONE, skip=(P.ROOM_INFO, P.USER_JOINED, P.USER_LEFT))
    one.wait_log("FILE_OFFER refused: cluster mode does not take it yet")
    for node in (one, two):
        assert query(node.workdir, "SELECT count(*) FROM files") == [(0,)]
    # An event frame from a client is a type the server does not take.
    forged = [
        (P.EVENT_TEXT, dict(room_id=0, time_ms=1, sender_account=1, sender_conn=1,
                            client_id=1, reply_to=0, sender="mallory", text="forged")),
        (P.EVENT_DIRECT, dict(time_ms=1, sender_account=1, peer_account=2, sender_conn=1,
                              client_id=1, sender="mallory", peer="bob", text="forged")),
    ]
    for ftype, fields in forged:
        visitor.send(P.encode(ftype, **fields))
        visitor.expect_error(P.E_UNKNOWN_TYPE, ftype)
    visitor.expect_quiet()
    assert redis.command("XLEN", "chat:events") == 3, "sessions of admin and bob, bob's account"
    bob.close()
