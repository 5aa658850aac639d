"""Image previews in the real chat-client against the real server: an image alice
attaches (or pastes with Ctrl+V) goes out with a thumbnail she made (at most 320 px
and 64 KiB, PNG or JPEG), which a raw client receives in the announcement; a thumbnail
another client sends is shown in its file row (as an image named "Preview of NAME"); a
file without one shows none."""

import gi

gi.require_version("GdkPixbuf", "2.0")
from gi.repository import GdkPixbuf  # noqa: E402

from chatclient import upload  # noqa: E402
from chatgui import (CONTROL_MASK, REPO, Atspi, ClipboardImage, find_one,  # noqa: E402
                     press_key, wait_until)
from test_message_actions import compose, expect_frame, next_frame  # noqa: E402
import chatproto as P  # noqa: E402


def picture(width, height, rgba=0x3366CCFF):
    """A plain image of width x height as a GdkPixbuf."""
    pixbuf = GdkPixbuf.Pixbuf.new(GdkPixbuf.Colorspace.RGB, False, 8, width, height)
    pixbuf.fill(rgba)
    return pixbuf


def png_bytes(pixbuf):
    ok, data = pixbuf.save_to_bufferv("png", [], [])
    assert ok
    return bytes(data)


def decoded_size(data):
    loader = GdkPixbuf.PixbufLoader()
    loader.write(data)
    loader.close()
    image = loader.get_pixbuf()
    return image.get_width(), image.get_height()


def test_attached_image_goes_with_its_thumbnail(server, client_factory, raw_guest, tmp_path):
    photo = tmp_path / "holiday.png"
    picture(1600, 1200).savev(str(photo), "png", [], [])
    alice = client_factory(server.port, "alice")
    alice.wait_online()
    bob = raw_guest(server, "bob")
    alice.attach_file(photo)
    announce = expect_frame(bob, P.FILE_ANNOUNCE_THUMB, "the announcement with a preview",
                            name="holiday.png")
    assert (announce.width, announce.height) == (320, 240), announce
    assert len(announce.thumb) <= 65536
    assert announce.thumb[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1")
    assert decoded_size(announce.thumb) == (320, 240)
    # Her own row shows the preview too (at most 240 px), once the server announced it.
    row = alice.wait_file_row("alice", "holiday.png")
    image = wait_until(lambda: find_one(row, role="icon", name="Preview of holiday.png"),
                       "alice's preview")
    box = Atspi.Component.get_extents(image, Atspi.CoordType.SCREEN)
    assert (box.width, box.height) == (240, 180), (box.width, box.height)
    alice.screenshot(REPO / "tests" / "artifacts" / "image-preview.png")


def test_received_thumbnail_is_shown_and_only_then(server, client_factory, raw_guest):
    alice = client_factory(server.port, "alice")
    alice.wait_online()
    bob = raw_guest(server, "bob")
    upload(bob, "shot.png", b"not really an image" * 100, upload_id=1,
           thumb=png_bytes(picture(64, 48)), skip=(P.USER_JOINED,))
    upload(bob, "notes.txt", b"just text", upload_id=2, skip=(P.FILE_ANNOUNCE_THUMB,))
    row = alice.wait_file_row("bob", "shot.png")
    image = wait_until(lambda: find_one(row, role="icon", name="Preview of shot.png"),
                       "the preview in bob's file row")
    box = Atspi.Component.get_extents(image, Atspi.CoordType.SCREEN)
    assert (box.width, box.height) == (64, 48), (box.width, box.height)
    plain = alice.wait_file_row("bob", "notes.txt")
    assert find_one(plain, role="icon", name="Preview of notes.txt") is None


def test_pasted_image_is_sent_with_its_thumbnail(server, client_factory, raw_guest, tmp_path):
    shot = tmp_path / "screenshot.png"
    picture(400, 300, 0xCC3333FF).savev(str(shot), "png", [], [])
    alice = client_factory(server.port, "alice")
    alice.wait_online()
    bob = raw_guest(server, "bob")
    clipboard = ClipboardImage(shot)
    try:
        compose(alice)
        press_key(ord("v"), CONTROL_MASK)
        announce = next_frame(bob, lambda f: f.type == P.FILE_ANNOUNCE_THUMB,
                              "the pasted image's announcement")
        assert announce.name.startswith("Pasted image ") and announce.name.endswith(".png")
        assert (announce.width, announce.height) == (320, 240), announce
        assert decoded_size(announce.thumb) == (320, 240)
        file_id = announce.file_id
        assert announce.size > 0 and file_id > 0
    finally:
        clipboard.stop()
