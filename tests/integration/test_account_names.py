"""Names with accounts: names that render as nothing or hide characters are refused
everywhere, look-alikes of a registered name are taken for good (online or not), and
guests (--allow-guests) cannot take or resemble one and are shown as guests."""

import pytest

import chatproto as P

PASSWORD = "correct horse battery"

HIDDEN_NAMES = [
    "alice\u3164",          # Hangul filler: looked exactly like "alice"
    "\u3164",
    "ali\u2800ce",          # Braille pattern blank
    "\u115falice",          # Hangul choseong filler
    "alice\uffa0",          # halfwidth Hangul filler
    "ali\u034fce",          # combining grapheme joiner
    "alice\u00ad",          # soft hyphen
    "alice\ufe0f",          # variation selector
    "\u0301\u0301",         # combining marks only: no visible base
    "\u0301alice",          # a mark with nothing under it
]


@pytest.mark.parametrize("name", HIDDEN_NAMES)
def test_hidden_characters_refused(server_factory, connect, name):
    server = server_factory()                           # guests on: both logins checked
    client = connect(server)
    client.register(name, PASSWORD)
    client.expect_error(P.E_NAME_INVALID, P.REGISTER)
    client.hello(name)
    client.expect_error(P.E_NAME_INVALID, P.HELLO)
    client.expect_quiet()


def test_lookalike_of_offline_account_refused(accounts_server, account, connect):
    server = accounts_server()
    alice = account(server, "alice")
    alice.goodbye()
    alice.expect_closed()
    server.stop()
    server = accounts_server(workdir=server.workdir)    # nobody online, after a restart
    client = connect(server)
    for name in ("alice", "Alice", "ALICE", "\u0430lice",   # Cyrillic a
                 "\uff41\uff4c\uff49\uff43\uff45"):            # fullwidth
        client.register(name, PASSWORD)
        client.expect_error(P.E_NAME_TAKEN, P.REGISTER)
    client.register("alicia", PASSWORD)
    client.expect_session()


def test_guests_off_by_default(accounts_server, connect):
    server = accounts_server()
    client = connect(server)
    client.hello("visitor")
    err = client.expect_error(P.E_GUESTS_DISABLED, P.HELLO)
    assert "password" in err.message
    client.register("visitor", PASSWORD)                 # the same connection may register
    client.expect_session()


def test_guests_cannot_use_registered_names_and_are_marked(server_factory, account, connect):
    server = server_factory()                            # --allow-guests
    alice = account(server, "alice")
    guest = connect(server)
    for name in ("alice", "ALICE", "\u0430lice"):
        guest.hello(name)
        guest.expect_error(P.E_NAME_TAKEN, P.HELLO)
    guest.login("visitor")
    guest.sync()                                         # USER_ROLE follows the list
    assert guest.roles == {alice.user_id: P.ROLE_ADMIN, guest.user_id: P.ROLE_GUEST}
    alice.expect(P.USER_JOINED)
    alice.sync()
    assert alice.roles[guest.user_id] == P.ROLE_GUEST    # shown as a guest to others

    other = connect(server)
    other.register("Visitor", PASSWORD)                  # held by the guest right now
    other.expect_error(P.E_NAME_TAKEN, P.REGISTER)
    guest.send_frame(P.PASSWORD_CHANGE, request_id=1, old_password="x", new_password=PASSWORD)
    guest.expect_error(P.E_NOT_ALLOWED, P.PASSWORD_CHANGE, 1)
    guest.send_frame(P.MODERATE, request_id=2, action=P.MOD_KICK, value=0, target="alice",
                     reason="")
    guest.expect_error(P.E_NOT_ALLOWED, P.MODERATE, 2)
