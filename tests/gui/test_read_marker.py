"""Where alice stopped reading, in the real chat-client against the real server: the
window marks the room it shows read (the other account's raw client gets her receipt),
and after she quits, messages arrive and she starts again, a "New messages" divider
stands between what she had read and what came since; her receipts opt-out reaches her
account."""

from chatgui import PASSWORD, find_all, find_one, gui_account, wait_until
from chatstore import query
from test_message_actions import compose, expect_frame
import chatproto as P


def conversation(client):
    """Accessible names of the conversation's rows, in order."""
    client.refresh()
    messages = find_one(client.app, role="list box", name="Messages")
    if messages is None:
        return []
    return [row.get_name() or "" for row in find_all(messages, showing=False)
            if row.get_role_name() in ("list item", "separator")]


def test_new_messages_divider_after_a_restart(server_factory, client_factory, raw_account):
    server = server_factory(guests=False)
    bob = raw_account(server, "bob")
    alice = gui_account(client_factory, server, "alice")
    compose(alice)  # her window is the active one: she reads what arrives

    bob.say("read before the restart", client_id=1)
    first = expect_frame(bob, P.TEXT, "bob's first text", client_id=1)
    alice.wait_message("bob", "read before the restart")
    expect_frame(bob, P.RECEIPT, "alice's receipt", message_id=first.message_id, name="alice")
    assert "New messages" not in conversation(alice)

    alice.stop()
    bob.say("written while alice was away", client_id=2)
    expect_frame(bob, P.TEXT, "bob's second text", client_id=2)
    alice = client_factory(server.port, None, connect=False, name="alice")
    alice.fill_login("alice", PASSWORD)
    alice.wait_online()
    alice.wait_message("bob", "written while alice was away")

    def ordered():
        rows = conversation(alice)
        read = next((i for i, n in enumerate(rows) if n.endswith(": read before the restart")),
                    None)
        new = next((i for i, n in enumerate(rows) if n.endswith(": written while alice was away")),
                   None)
        divider = rows.index("New messages") if "New messages" in rows else None
        return None not in (read, new, divider) and read < divider < new
    try:
        wait_until(ordered, "the divider between the read text and the new one")
    except AssertionError as failure:
        raise AssertionError(f"{failure}: the conversation is {conversation(alice)}") from None


def test_receipts_opt_out_is_kept_and_reaches_the_account(server_factory, client_factory):
    """Preferences' "send read receipts and show others'": kept in the settings file and
    told to the server, which keeps it with the account (for all her devices)."""
    server = server_factory(guests=False)
    alice = gui_account(client_factory, server, "alice")

    def receipts_off():
        return query(server.workdir, "SELECT receipts_off FROM accounts WHERE name = 'alice'")

    assert receipts_off() == [(0,)]
    alice.set_preference("check box", "Send read receipts and show others'", False)
    settings = (alice.workdir / "config" / "settings.ini").read_text()
    assert "send_receipts=false" in settings, settings
    wait_until(lambda: receipts_off() == [(1,)], "the account's receipts to be off")
    alice.set_preference("check box", "Send read receipts and show others'", True)
    wait_until(lambda: receipts_off() == [(0,)], "the account's receipts to be on again")
