"""Usernames: unique case-insensitively, validated, and a refusal leaves the connection
open for another HELLO."""

import pytest

import chatproto as P


@pytest.mark.parametrize("first, second", [
    ("alice", "alice"),
    ("alice", "ALICE"),
    ("Alice", "aLiCe"),
    ("José", "JOSE\u0301"),          # composed vs. combining accent, other case
    ("straße", "STRASSE"),
    ("Ａｌｉｃｅ", "alice"),            # fullwidth letters
])
def test_duplicate_name_refused_then_retry(server, user, connect, first, second):
    owner = user(server, first)
    client = connect(server)
    client.hello(second)
    client.expect_error(P.E_NAME_TAKEN, ref_type=P.HELLO)
    client.expect_quiet()
    welcome = client.login("bob")
    assert welcome.username == "bob" and welcome.users_online == 2
    # The owner hears about bob only, never about the refused attempt.
    owner.expect(P.USER_JOINED, users=[(client.user_id, "bob")])
    owner.expect_quiet()


INVALID_NAMES = [
    pytest.param(b"", id="empty"),
    pytest.param(b"a" * 33, id="33-chars"),
    pytest.param("é" * 33, id="33-two-byte-chars"),
    pytest.param(b"al\x01ice", id="control-01"),
    pytest.param(b"ali\nce", id="newline"),
    pytest.param(b"alice\x7f", id="delete"),
    pytest.param("evil\u202eevil", id="U+202E"),
    pytest.param("a\u200bb", id="zero-width-space"),
    pytest.param("a\u2028b", id="line-separator"),
    pytest.param(b"   ", id="only-spaces"),
    pytest.param(b" alice", id="leading-space"),
    pytest.param(b"alice ", id="trailing-space"),
]


@pytest.mark.parametrize("name", INVALID_NAMES)
def test_invalid_name_refused_then_retry(server, user, connect, name):
    watcher = user(server, "watcher")
    client = connect(server)
    client.hello(name)
    client.expect_error(P.E_NAME_INVALID, ref_type=P.HELLO)
    client.expect_quiet()
    assert client.login("alice").users_online == 2
    watcher.expect(P.USER_JOINED, users=[(client.user_id, "alice")])
    watcher.expect_quiet()


@pytest.mark.parametrize("name", [b"\xc3\x28", b"\xff\xfe", b"a\xc0\xafb", b"a\x00b"],
                         ids=["bad-continuation", "ff-fe", "overlong-slash", "nul"])
def test_name_not_utf8_refused(server, connect, name):
    """A str that is not UTF-8 breaks the wire format (PROTOCOL.md, "what the server does
    with bad input"): ERROR MALFORMED naming the HELLO, then the connection closes."""
    client = connect(server)
    client.hello(name)
    client.expect_error(P.E_MALFORMED, ref_type=P.HELLO)
    client.expect_closed()


@pytest.mark.parametrize("name", ["a" * 32, "é" * 32, "🎧" * 32, "Zoë Smith", "李小龍",
                                  "dj 🎧", "a b"])
def test_valid_names_accepted_as_sent(server, connect, name):
    client = connect(server)
    assert client.login(name).username == name
    assert client.users == [(client.user_id, name)]


def test_name_free_again_after_logout(server, user, connect):
    alice = user(server, "alice")
    alice.goodbye()
    alice.expect_closed()
    # The server may still be processing the close: retry until the name is free.
    client = connect(server)
    for _ in range(200):
        client.hello("ALICE")
        frame = client.recv()
        if frame.type == P.WELCOME:
            break
        assert frame.type == P.ERROR and frame.code == P.E_NAME_TAKEN, repr(frame)
    else:
        raise AssertionError("name never became free")
    assert frame.username == "ALICE"
