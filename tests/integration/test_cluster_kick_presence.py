"""Kicks and guest names decided by presence across cluster nodes (docs/CLUSTER.md
sections 3 and 7): a kick of an account online on no node is refused as on one node, a
guest connected to another node is kicked (or muted) from any node, and a guest login
under a name a guest of another node has (or a look-alike) is refused NAME_TAKEN."""

import chatproto as P
from chatclient import RawClient
from chatcluster import ADMIN, Watcher, account, guest, moderate, notice_of, registered, \
    seeded_nodes, start_node

NOISE = (P.USER_JOINED, P.USER_LEFT, P.USER_ROLE, P.PRESENCE_STATE, P.NOTICE)


def online(watcher, *names):
    """Waits until watcher sees every one of names online."""
    watcher.until(lambda: set(names) <= set(watcher.users.values()),
                  f"{', '.join(names)} online")


def offline(watcher, name):
    watcher.until(lambda: name not in watcher.users.values(), f"{name} offline")


def refused(client, request_id, action, target, code):
    """MODERATE answered with ERROR code; returns the ERROR."""
    client.send_frame(P.MODERATE, request_id=request_id, action=action, value=0,
                      target=target, reason="")
    error = client.wait_for(P.ERROR, skip=NOISE)[0]
    assert (error.code, error.ref_type, error.ref_id) == (code, P.MODERATE, request_id), error
    return error


def test_a_kick_of_an_account_online_nowhere_is_refused(server_factory, redis, tmp_path):
    one, _, three = seeded_nodes(server_factory, redis, tmp_path, count=3)
    registered(three, "carol").close()
    bob = registered(three, "bob")
    admin = Watcher(account(one))
    online(admin, "bob")
    offline(admin, "carol")  # node 1 has heard carol leave (or never saw her)
    error = refused(admin.client, 1, P.MOD_KICK, "carol", P.E_NOT_ALLOWED)
    assert error.message == "Nobody of that name is online."
    bob.goodbye()
    offline(admin, "bob")
    refused(admin.client, 2, P.MOD_KICK, "bob", P.E_NOT_ALLOWED)
    # Online again on node 3 (as node 1 last heard): taken, and node 3 closes it.
    dave = registered(three, "dave")
    online(admin, "dave")
    moderate(admin.client, 3, P.MOD_KICK, "dave")
    assert dave.wait_for(P.ERROR, skip=NOISE)[0].code == P.E_KICKED
    dave.expect_closed()


def test_a_guest_on_another_node_is_kicked_or_muted(server_factory, redis, tmp_path):
    one, two, three = seeded_nodes(server_factory, redis, tmp_path, count=3)
    visitor, stays, quiet = guest(three, "Visitor"), guest(three, "stays"), guest(two, "quiet")
    admin = Watcher(account(one))
    online(admin, "Visitor", "stays", "quiet")
    # stays reads exact frames after the kick: the other nodes' joins (pub/sub) first
    online(Watcher(stays), ADMIN, "quiet")
    moderate(admin.client, 1, P.MOD_KICK, "visitor", reason="bye")  # a look-alike names it
    assert notice_of(visitor, P.MOD_KICK).target == "Visitor"
    error = visitor.wait_for(P.ERROR, skip=NOISE)[0]
    assert error.code == P.E_KICKED and "bye" in error.message
    visitor.expect_closed()
    offline(admin, "Visitor")
    assert notice_of(stays, P.MOD_KICK).target == "Visitor"
    assert stays.wait_for(P.USER_LEFT)[0].users == [(visitor.user_id, "Visitor")]
    stays.expect_quiet()  # the other guest of node 3 is still connected
    refused(admin.client, 2, P.MOD_KICK, "Visitor", P.E_ACCOUNT_UNKNOWN)  # gone everywhere
    moderate(admin.client, 3, P.MOD_MUTE, "quiet", value=5)
    assert notice_of(quiet, P.MOD_MUTE).target == "quiet"
    quiet.say("still here?", client_id=1)
    assert quiet.wait_for(P.ERROR, skip=NOISE)[0].code == P.E_MUTED


def test_a_guest_name_online_on_another_node_is_taken(server_factory, redis):
    one, two = start_node(server_factory, redis, 1), start_node(server_factory, redis, 2)
    dora = guest(two, "Dora")
    probe = Watcher(guest(one, "probe"))
    online(probe, "Dora")
    for name in ("Dora", "DORA"):
        late = RawClient(one.port)
        late.hello(name)
        error = late.expect_error(P.E_NAME_TAKEN, P.HELLO)
        assert error.message == "That name is already in use; choose another."
        late.close()
    dora.goodbye()
    offline(probe, "Dora")
    assert guest(one, "dora").name == "dora"  # free again once its leaving is heard
