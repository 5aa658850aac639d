"""Logging in: HELLO, WELCOME with its fields and limits, USER_LIST, refusals."""

import time

import pytest

import chatproto as P


def test_welcome_fields_and_defaults(server, connect):
    client = connect(server)
    before = int(time.time() * 1000)
    welcome = client.login("alice")
    after = int(time.time() * 1000)
    assert welcome.version == 1 and welcome.features == 0
    assert welcome.user_id >= 1
    assert before - 5000 <= welcome.server_time_ms <= after + 5000, welcome
    assert welcome.users_online == 1
    assert welcome.username == "alice"
    # Limits: each at most the wire-format cap, and consistent with each other.
    assert 0 < welcome.max_text <= P.MAX_TEXT
    assert 0 < welcome.max_chunk <= P.MAX_CHUNK
    assert welcome.max_chunk + P.CHUNK_PREFIX <= welcome.max_payload <= P.MAX_PAYLOAD
    assert welcome.max_uploads == 4                      # --max-uploads default
    assert welcome.max_file_size == 17179869184          # --max-file-size default, 16 GiB
    assert client.users == [(welcome.user_id, "alice")]
    client.expect_quiet()


def test_welcome_announces_configured_limits(server_factory, connect):
    server = server_factory("--max-uploads", "3", "--max-file-size", "123456")
    welcome = connect(server).login("alice")
    assert (welcome.max_uploads, welcome.max_file_size) == (3, 123456)


def test_user_list_contains_everyone_online(server, user, connect):
    alice = user(server, "alice")
    bob = user(server, "bob")
    carol = connect(server)
    welcome = carol.login("carol")
    assert welcome.users_online == 3
    assert sorted(carol.users) == sorted([(alice.user_id, "alice"), (bob.user_id, "bob"),
                                          (carol.user_id, "carol")])
    assert len({alice.user_id, bob.user_id, carol.user_id}) == 3


def test_user_list_split_over_frames(server, connect):
    """More users than one USER_LIST frame may carry (512): the list comes in several
    frames whose entries add up to users_online."""
    crowd = []
    for i in range(600):
        client = connect(server)
        client.login(f"user{i:03d}")
        crowd.append((client.user_id, f"user{i:03d}"))
    last = connect(server)
    last.hello("last")
    welcome = last.expect(P.WELCOME)
    assert welcome.users_online == 601
    entries, frames = [], 0
    while len(entries) < 601:
        frame = last.expect(P.USER_LIST)
        assert 1 <= len(frame.users) <= P.MAX_USERS_PER_FRAME
        entries.extend(frame.users)
        frames += 1
    assert frames >= 2
    assert sorted(entries) == sorted(crowd + [(welcome.user_id, "last")])
    last.expect_quiet()


@pytest.mark.parametrize("version", [0, 2, 0xFFFF])
def test_wrong_version_refused_and_closed(server, connect, version):
    client = connect(server)
    client.hello("alice", version=version)
    client.expect_error(P.E_VERSION, ref_type=P.HELLO)
    client.expect_closed()
    # The name was never taken.
    connect(server).login("alice")


@pytest.mark.parametrize("ftype, fields", [
    (P.TEXT_SEND, dict(client_id=5, room_id=0, text="hi")),
    (P.FILE_OFFER, dict(upload_id=5, size=1, sha256=bytes(32), room_id=0, name="a")),
    (P.DOWNLOAD_REQUEST, dict(file_id=1, offset=0)),
    (P.FILE_END, dict(id=5)),
])
def test_requests_before_login_refused_connection_stays(server, connect, ftype, fields):
    client = connect(server)
    client.send_frame(ftype, **fields)
    client.expect_error(P.E_NOT_LOGGED_IN, ref_type=ftype)
    client.expect_quiet()
    client.login("alice")


def test_ping_before_and_after_login(server, connect):
    client = connect(server)
    client.send_frame(P.PING, token=0xFEEDFACECAFEBEEF)
    client.expect(P.PONG, token=0xFEEDFACECAFEBEEF)
    client.login("alice")
    client.send_frame(P.PING, token=0)
    client.expect(P.PONG, token=0)


def test_second_hello_refused(server, user):
    alice = user(server, "alice")
    alice.hello("alice2")
    alice.expect_error(P.E_ALREADY_LOGGED_IN, ref_type=P.HELLO)


def test_goodbye_before_login_closes(server, connect):
    client = connect(server)
    client.goodbye("changed my mind")
    client.expect_closed()


def test_empty_agent_accepted(server, connect):
    client = connect(server)
    client.hello("alice", agent="")
    assert client.expect(P.WELCOME).username == "alice"
