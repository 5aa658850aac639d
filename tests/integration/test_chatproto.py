"""The test codec against byte layouts worked out by hand from common/protocol.h, so the
integration tests do not rest on a codec that merely agrees with itself."""

import pytest

import chatproto as P


def test_ping_frame_bytes():
    frame = P.encode(P.PING, token=0x0102030405060708)
    assert frame == bytes.fromhex("00000008 0004 0000 0102030405060708")


def test_hello_frame_bytes():
    frame = P.encode(P.HELLO, version=1, features=0, username="bob", agent="c/1")
    assert frame == bytes.fromhex("00000010 0001 0000 0001 00000000 0003 626f62 0003 632f31")


def test_error_frame_decodes():
    payload = bytes.fromhex("0006 0001 0000000000000000 0002 6e6f")
    frame = P.decode_frame(P.header(len(payload), P.ERROR) + payload)
    assert (frame.code, frame.ref_type, frame.ref_id, frame.message) == (6, 1, 0, "no")


def test_users_frame_bytes():
    frame = P.encode(P.USER_JOINED, users=[(7, "é")])
    assert frame == bytes.fromhex("0000000a 0011 0000 0001 00000007 0002 c3a9")
    assert P.decode_frame(frame).users == [(7, "é")]


def test_chunk_frame_bytes():
    frame = P.encode(P.DOWNLOAD_CHUNK, id=2, offset=1 << 32, data=b"xyz")
    assert frame == bytes.fromhex(
        "00000013 0212 0000 0000000000000002 0000000100000000 78797a")


def test_announce_round_trip():
    fields = dict(file_id=3, message_id=9, time_ms=1700000000000, room_id=0, uploader_id=4,
                  upload_id=77, size=5 << 32, sha256=bytes(range(32)), uploader="ann",
                  name="a b.txt")
    frame = P.encode(P.FILE_ANNOUNCE, **fields)
    assert len(frame) == 8 + 8 * 3 + 4 * 2 + 8 * 2 + 32 + 2 + 3 + 2 + 7
    assert P.decode_frame(frame).fields == fields


@pytest.mark.parametrize("payload, kind", [
    (bytes.fromhex("00000000000000"), "truncated"),          # PONG one byte short
    (bytes.fromhex("000000000000000000"), "trailing"),       # PONG one byte over
])
def test_strict_lengths(payload, kind):
    with pytest.raises(P.ProtocolError) as err:
        P.decode_frame(P.header(len(payload), P.PONG) + payload)
    assert err.value.kind == kind


def test_strict_strings():
    bad = bytes.fromhex("0002 ff41")
    with pytest.raises(P.ProtocolError) as err:
        P.decode_frame(P.header(len(bad), P.SHUTDOWN) + bad)
    assert err.value.kind == "bad_utf8"
    nul = bytes.fromhex("0001 00")
    with pytest.raises(P.ProtocolError):
        P.decode_frame(P.header(len(nul), P.SHUTDOWN) + nul)


def test_reader_split_anywhere():
    frames = [P.encode(P.PONG, token=i) for i in range(3)]
    stream = b"".join(frames)
    reader = P.Reader()
    got = []
    for i in range(len(stream)):
        reader.feed(stream[i:i + 1])
        frame = reader.next()
        if frame:
            got.append(frame.token)
    assert got == [0, 1, 2] and reader.pending() == 0


def test_reader_rejects_header_early():
    reader = P.Reader()
    reader.feed(P.header(P.MAX_PAYLOAD + 1, P.TEXT))
    with pytest.raises(P.ProtocolError) as err:
        reader.next()
    assert err.value.kind == "too_large"
    reader = P.Reader()
    reader.feed(P.header(0, P.PING, flags=1))
    with pytest.raises(P.ProtocolError):
        reader.next()


def test_login_frame_bytes():
    frame = P.encode(P.LOGIN, version=1, features=0, username="bo", password="pw", agent="")
    assert frame == bytes.fromhex("00000010 0401 0000 0001 00000000 0002 626f 0002 7077 0000")


def test_session_frame_round_trip():
    fields = dict(token=bytes(range(32)), expires_ms=1 << 40, account_id=5,
                  role=P.ROLE_ADMIN, username="ann")
    frame = P.encode(P.SESSION, **fields)
    assert len(frame) == 8 + 32 + 8 + 4 + 2 + 2 + 3
    assert frame[:8] == bytes.fromhex("00000033 0403 0000")
    assert P.decode_frame(frame).fields == fields


def test_moderate_frame_bytes():
    frame = P.encode(P.MODERATE, request_id=1, action=P.MOD_MUTE, value=10, target="b",
                     reason="")
    assert frame == bytes.fromhex(
        "00000013 0408 0000 0000000000000001 0005 0000000a 0001 62 0000")


def test_room_members_frame_bytes():
    """PROTOCOL.md section 5.38's ROOM_PRESENCE example, worked out by hand."""
    frame = P.encode(P.ROOM_PRESENCE, room_id=5, state=P.MEMBER_JOINED, users=[(3, "carol")])
    assert frame == bytes.fromhex("00000013 0313 0000 00000005 0002 0001 00000003 0005 "
                                  "6361726f6c")
    assert P.decode_frame(frame).users == [(3, "carol")]


def test_room_create_frame_bytes():
    frame = P.encode(P.ROOM_CREATE, request_id=20, kind=P.ROOM_PUBLIC, name="rust",
                     topic="Rust talk")
    assert frame == bytes.fromhex("0000001b 0300 0000 0000000000000014 0000 0004 72757374 "
                                  "0009 52757374207461 6c6b")
