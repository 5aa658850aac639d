"""The clients' own resend of a text refused with ERROR 80 CLUSTER_UNAVAILABLE
(docs/CLUSTER.md, section 8): the session core keeps it pending and sends it again by
itself, with the same client id, after a backoff; the server's deduplication makes it
arrive once. A refusal that outlasts the retry budget ends as "not sent" with the
server's words; any other refusal ends so at once, as before."""

import re
import threading
import time

import chatproto as P
from chatcluster import ADMIN, ADMIN_PASSWORD, registered, seeded_nodes
from chatserver import TIMEOUT, paused, wait_until
from chatstore import query
from fakeserver import FakeServer

# SESSION_RESEND_FOR_S in client/core/session_private.h: refusals lasting this long end
# a text as not sent (the waits between resends: 0.5 s doubling up to 4 s).
RESEND_FOR_S = 20
UNAVAILABLE = "The chat is temporarily unavailable; nothing was sent. Try again in a moment."
REFUSED_LINE = "TEXT_SEND refused, the cluster is unavailable"
TEXT = "typed while Redis was away"
AFTER = "typed after Redis came back"


def refusals(node):
    """How many texts node has refused as unavailable (its log says each)."""
    return node.log_path.read_text(errors="replace").count(REFUSED_LINE)


def texts_until(client, last):
    """The texts of the TEXT frames client receives up to and including last."""
    seen = []
    deadline = time.monotonic() + 3 * TIMEOUT
    while not seen or seen[-1] != last:
        frame = client.recv(max(deadline - time.monotonic(), 0.001))
        if frame.type == P.TEXT:
            seen.append(frame.text)
    return seen


def test_a_text_refused_while_redis_is_paused_arrives_once_by_itself(server_factory, redis,
                                                                    tmp_path, cli):
    one, two = seeded_nodes(server_factory, redis, tmp_path, count=2)
    watcher = registered(two, "bob")
    password = tmp_path / "password"
    password.write_text(ADMIN_PASSWORD + "\n")
    alice = cli(one, ADMIN, extra=["--password-file", str(password)])
    alice.wait_line(rf"\* connected as {ADMIN}\b")
    before = refusals(one)
    with paused(redis):
        assert alice.write(TEXT)
        # Refused (the append unanswered), then sent again by chat-cli on its own and
        # refused again: the user did nothing, and nothing says "not sent".
        wait_until(lambda: refusals(one) >= before + 2, what="a refusal and a resend")
        assert not [line for line in alice.err if "not sent" in line], alice.err
    mine = alice.wait_line(rf"#(\d+) <{ADMIN}> {re.escape(TEXT)}$", timeout=3 * TIMEOUT)
    assert alice.write(AFTER)
    assert texts_until(watcher, AFTER).count(TEXT) == 1, "the other node's watcher: once"
    alice.wait_line(rf"<{ADMIN}> {re.escape(AFTER)}$")
    printed = [line for line in alice.out if line.endswith(f"<{ADMIN}> {TEXT}")]
    assert len(printed) == 1, alice.out
    stored = f"SELECT id FROM messages WHERE body = '{TEXT}'"
    for node in (one, two):
        wait_until(lambda: query(node.workdir, f"SELECT count(*) FROM messages WHERE body = "
                                               f"'{AFTER}'") == [(1,)], what="applied")
        assert query(node.workdir, stored) == [(int(mine.group(1)),)], "stored once"
    assert not [line for line in alice.err if "not sent" in line], alice.err


def test_a_refusal_longer_than_the_budget_ends_as_not_sent(cli):
    """A fake server refuses every text as unavailable (and one with another error): the
    first is sent again with its client id, with waits that grow, until its refusals
    have lasted the budget; the other is reported at once and never sent again."""
    sent = []  # (client id, text) of every TEXT_SEND
    lock = threading.Lock()

    def answer(ftype, payload, send):
        if ftype != P.TEXT_SEND:
            return
        msg = P.decode_payload(ftype, payload)
        with lock:
            sent.append((msg.client_id, msg.text))
        code, words = ((P.E_TEXT_INVALID, "The text is not valid.") if msg.text == "bad"
                       else (P.E_CLUSTER_UNAVAILABLE, UNAVAILABLE))
        send(P.encode(P.ERROR, code=code, ref_type=P.TEXT_SEND, ref_id=msg.client_id,
                      message=words))

    server = FakeServer(answer=answer)
    try:
        alice = cli(server, "alice")
        alice.wait_line(r"\* connected as alice\b")
        assert alice.write("bad")
        alice.wait_line(r"^error: message not sent: The text is not valid\.$", stream="err")
        started = time.monotonic()
        assert alice.write(TEXT)
        alice.wait_line(rf"^error: message not sent: {re.escape(UNAVAILABLE)}$", stream="err",
                        timeout=RESEND_FOR_S + TIMEOUT)
        took = time.monotonic() - started
        with lock:
            tries = [cid for cid, text in sent if text == TEXT]
            bad = [cid for cid, text in sent if text == "bad"]
        assert len(bad) == 1, "another refusal is not resent"
        assert len(set(tries)) == 1, "every resend with the same client id"
        # Waits of 0.5, 1, 2, 4, 4, ... s: the refusal that ends it comes past the budget,
        # after at most one send a wait (no tighter loop), one wait at most later.
        assert took >= RESEND_FOR_S, took
        assert 3 <= len(tries) <= 9, tries
        assert len(alice.err) == 2, alice.err  # nothing else said of it
    finally:
        server.stop()
