"""chat-cli's search, mentions, notification levels and image announcements against the
real server: /search prints each match with room, id, time, sender and snippet; a text
that mentions the user (look-alike spellings too) is marked, in bold with the bell on a
terminal, and only such a text rings it, unless /notify none; a file announced with a
thumbnail shows "[image WxH]"."""

import re

import pytest

import chatproto as P
from chatcli import STAMP, in_room
from chatclient import upload
from chatimages import jpeg, png, png_bomb

LOBBY = in_room("#lobby")


@pytest.fixture
def server(server_factory):
    return server_factory("--msg-limit", "5000:5000")


@pytest.fixture
def bob(server, connect):
    """A guest who talks to chat-cli's user."""
    client = connect(server)
    client.login("bob")
    return client


def said(bob, texts, first_id=1):
    for n, text in enumerate(texts, start=first_id):
        bob.say(text, client_id=n)


def test_mentions_are_marked_and_searchable(server, cli, bob):
    alice = cli(server, "alice")
    alice.wait_line(rf"^{STAMP} \* connected as alice$")
    said(bob, ["lunch at one, @alice?", "just lunch", "hey @ALICE!", "@Alic\u0435 again",
               "@alicex is someone else", "mail alice@example.org"])
    alice.wait_line(r"<bob> mail alice@example\.org$")
    marked = {m.group(1) for m in map(re.compile(rf"^{LOBBY} ! #\d+ <bob> (.*)$").match, alice.out)
              if m}
    assert marked == {"lunch at one, @alice?", "hey @ALICE!", "@Alic\u0435 again"}
    plain = {m.group(1) for m in map(re.compile(rf"^{LOBBY} #\d+ <bob> (.*)$").match, alice.out)
             if m}
    assert plain == {"just lunch", "@alicex is someone else", "mail alice@example.org"}

    alice.write("/search lunch")
    first = alice.wait_line(rf"^{LOBBY} found #(\d+) \d{{4}}-\d\d-\d\d \d\d:\d\d <bob> (.*)$")
    alice.wait_line(rf"^{STAMP} \* End of the search results\.$")
    found = [m.groups() for m in map(re.compile(
        rf"^{LOBBY} found #(\d+) \S+ \S+ <bob> (.*)$").match, alice.out) if m]
    assert sorted(text for _, text in found) == ["just lunch", "lunch at one, @alice?"]
    assert first.group(2) in ("just lunch", "lunch at one, @alice?")   # marks left out

    alice.write('/search NEAR("lunch" OR *')                      # syntax is only text
    alice.wait_line(rf"^{STAMP} \* End of the search results\.$")
    alice.write("/search ***")
    alice.wait_line(r"letter or digit", stream="err")
    alice.close_stdin()
    assert alice.wait() == 1                                     # a request failed


def test_notify_levels_and_the_bell(server, terminal_cli, bob):
    alice = terminal_cli(server, "alice")
    alice.wait_for(rb"connected as alice")
    said(bob, ["no mention here", "ping @alice"])
    alice.wait_for(rb"\033\[1m\[#lobby\] [0-9:]{8} #\d+ <bob> ping @alice\033\[0m\a\r?\n")
    assert b"\a" not in alice.raw.split(b"ping @alice")[0]       # the plain text is quiet
    assert re.search(rb"\[#lobby\] [0-9:]{8} #\d+ <bob> no mention here\r?\n", alice.raw)

    alice.write("/notify none")
    alice.wait_for(rb"notifications here: nothing")
    said(bob, ["quiet @alice"], first_id=3)
    alice.wait_for(rb"\033\[1m\[#lobby\] [0-9:]{8} #\d+ <bob> quiet @alice\033\[0m\r?\n")
    alice.write("/notify mentions")
    alice.wait_for(rb"notifications here: mentions of you only")
    said(bob, ["loud @alice"], first_id=4)
    alice.wait_for(rb"<bob> loud @alice\033\[0m\a")
    alice.write("/notify sometimes")
    alice.wait_for(rb"usage: /notify all\|mentions\|none")

    alice.write("/search mention")
    alice.wait_for(rb"found #\d+ [0-9: -]+ <bob> no \033\[4mmention\033\[24m here\033\[0m")
    alice.write("/quit")
    assert alice.wait() == 1                                     # /notify sometimes failed


def test_image_announcement(server, cli, bob):
    alice = cli(server, "alice")
    alice.wait_line(rf"^{STAMP} \* connected as alice$")
    announce = upload(bob, "cat.png", b"pretend image", upload_id=9, thumb=png(32, 24),
                      skip=(P.USER_JOINED,))
    alice.wait_line(rf"^{LOBBY} \* bob shared #{announce.file_id} cat\.png \(13 bytes\) "
                    r"\[image 32x24\]$")
    upload(bob, "notes.txt", b"plain", upload_id=10)
    alice.wait_line(rf"^{LOBBY} \* bob shared #\d+ notes\.txt \(5 bytes\)$")


def test_hostile_thumbnails_from_a_server(fake_server, terminal_cli):
    """A server is not trusted either: chat-cli shows "[image WxH]" only for a thumbnail
    that passes its own header check and matches the size the frame claims, and no
    search result it did not ask for."""

    def announce(file_id, thumb, width, height):
        return P.encode(P.FILE_ANNOUNCE_THUMB, file_id=file_id, message_id=file_id,
                        time_ms=0, room_id=0, uploader_id=2, upload_id=0, size=3,
                        sha256=bytes(32), uploader="bob", name=f"f{file_id}.png",
                        width=width, height=height, thumb=thumb)

    def script(send):
        send(announce(1, png(4, 3), 4, 3))                       # fine
        send(announce(2, png_bomb(), 4, 4))                      # lies about its size
        send(announce(3, b"GIF89a" + bytes(30), 4, 4))           # another format
        send(announce(4, png(4, 4), 5, 5))                       # not the size claimed
        send(announce(5, jpeg(321, 10), 321, 10))                # over the side limit
        send(P.encode(P.SEARCH_RESULT, request_id=1, message_id=3, time_ms=0, room_id=0,
                      sender="bob", snippet="nobody asked"))      # not shown either
        send(P.encode(P.TEXT, message_id=9, time_ms=0, room_id=0, sender_id=2, client_id=0,
                      sender="bob", text="done"))

    server = fake_server(script, users=[(2, "bob")])
    term = terminal_cli(server, "alice")
    term.wait_for(rb"<bob> done")
    text = bytes(term.raw).decode()
    assert re.search(r"shared #1 f1\.png \(3 bytes\) \[image 4x3\]", text)
    for n in (2, 3, 4, 5):
        assert re.search(rf"shared #{n} f{n}\.png \(3 bytes\)\r?\n", text), n
    assert text.count("[image") == 1 and "nobody asked" not in text
    term.write("/quit")
    assert term.wait() == 0
