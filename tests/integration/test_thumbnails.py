"""Image thumbnails (PROTOCOL.md 5.63, 5.66, 5.67) against the real server: a small PNG
or JPEG offered with a file reaches everyone with its announcement, is kept with the
file and comes back in history and after a restart; hostile thumbnails (too many bytes,
another format, a decompression bomb, broken headers) are refused with a clear error
before the upload starts, and the connection carries on."""

import pytest

import chatproto as P
from chatclient import offer, sha256, upload
from chathistory import history
from chatimages import jpeg, png, png_bomb
from chatrooms import people

DATA = b"the full image, pretend\n"


@pytest.fixture
def server(server_factory):
    return server_factory("--msg-limit", "5000:5000")


@pytest.mark.parametrize("thumb, size", [
    (png(4, 3), (4, 3)),
    (png(320, 1), (320, 1)),
    (jpeg(320, 200), (320, 200)),
    (jpeg(1, 320), (1, 320)),
])
def test_thumbnail_reaches_everyone_and_history(server, server_factory, account, thumb, size):
    alice, bob = people(account, server, "alice", "bob")
    announce = upload(alice, "cat.png", DATA, upload_id=7, thumb=thumb)
    assert (announce.width, announce.height, announce.thumb) == (*size, thumb)
    got = bob.expect(P.FILE_ANNOUNCE_THUMB, file_id=announce.file_id)
    assert (got.width, got.height, got.thumb, got.name) == (*size, thumb, "cat.png")

    server.stop()
    again = server_factory("--msg-limit", "5000:5000", workdir=server.workdir)
    bob = account(again, "bob", register=False)
    page, _ = history(bob, P.ROOM_LOBBY, P.HISTORY_LATEST)
    (stored,) = page
    assert stored.type == P.FILE_ANNOUNCE_THUMB
    assert (stored.file_id, stored.width, stored.height, stored.thumb) == \
        (announce.file_id, *size, thumb)


def test_a_file_without_thumbnail_is_announced_as_before(server, account):
    alice, bob = people(account, server, "alice", "bob")
    upload(alice, "notes.txt", DATA, upload_id=1)
    bob.expect(P.FILE_ANNOUNCE, name="notes.txt")


HOSTILE = {
    "too many bytes": png(8, 8) + bytes(P.MAX_THUMB_BYTES - len(png(8, 8)) + 1),
    "gif": b"GIF89a\x10\x00\x10\x00\x80\x00\x00" + bytes(40),
    "svg": b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>",
    "webp": b"RIFF\x1a\x00\x00\x00WEBPVP8 " + bytes(20),
    "png bomb": png_bomb(),
    "png 321 wide": png(321, 1),
    "png 321 high": png(1, 321),
    "jpeg bomb": jpeg(65535, 65535),
    "jpeg 321 wide": jpeg(321, 10),
    "png cut in its header": png(4, 4)[:20],
    "jpeg without a frame header": jpeg(4, 4)[:20] + jpeg(4, 4)[39:],
    "png zero width": png(0, 4),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_thumbnail_is_refused(server, account, name):
    thumb = HOSTILE[name]
    alice, bob = people(account, server, "alice", "bob")
    offer(alice, 3, "evil.png", len(DATA), sha256(DATA), thumb=thumb)
    error = alice.expect_error(P.E_THUMBNAIL_INVALID, P.FILE_OFFER_THUMB, 3)
    assert "thumbnail" in error.message.lower()
    alice.send_frame(P.FILE_END, id=3)                                # nothing started
    alice.expect_error(P.E_TRANSFER_UNKNOWN, P.FILE_END, 3)
    announce = upload(alice, "fine.png", DATA, upload_id=4, thumb=png(2, 2))
    assert announce.width == 2                                       # still connected
    bob.expect(P.FILE_ANNOUNCE_THUMB, file_id=announce.file_id)      # nothing before it
    assert "thumbnail" in "\n".join(server.log_lines())
