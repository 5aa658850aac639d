"""Full-text search (PROTOCOL.md 5.63) against the real server: ranked results with
snippets, only ever from rooms the account is in (never a private room or the direct
messages of others), the user's text taken as words whatever FTS5 syntax it holds,
clear refusals, and an index that follows the stored texts (migration, edits,
deletions)."""

import re
import sqlite3

import pytest

import chatproto as P
from chatrooms import create, expect_state, join, people, request
from chatsearch import plain, search, search_refused
from chatserver import REPO, SLOWDOWN, wait_until
from chatstore import DB_NAME, load_sql, query

LIVE = (P.ROOM_STATE, P.ROOM_MEMBERS, P.ROOM_PRESENCE, P.USER_LIST, P.USER_JOINED,
        P.USER_LEFT, P.WELCOME, P.SESSION)
V1_DUMP = REPO / "tests" / "integration" / "data" / "chat-v1.sql"


# The tests send and ask faster than a person, and under valgrind a search costs fifty
# times its CPU time: rate limits and the search share are off.
NO_LIMITS = "--no-limits"


@pytest.fixture
def server(server_factory):
    return server_factory(NO_LIMITS)


def ack(client, client_id):
    """The acknowledgement of client's own text client_id (others' texts skipped)."""
    while True:
        frame, _ = client.wait_for(P.TEXT, skip=LIVE)
        if frame.client_id == client_id and frame.sender_id == client.user_id:
            return frame


def say_all(client, texts, room_id=P.ROOM_LOBBY, first_id=1):
    """Sends texts to room_id; waits for each acknowledgement; {text: message_id}."""
    ids = {}
    for n, text in enumerate(texts, start=first_id):
        client.say(text, client_id=n, room_id=room_id)
        ids[text] = ack(client, n).message_id
    return ids


def test_ranked_results_with_snippets(server, account):
    (alice,) = people(account, server, "alice")
    ids = say_all(alice, [
        "lunch lunch lunch: who is in for lunch today",
        "a long message that mentions lunch only once among very many other words "
        "about the weather, the train, the project plan and the coffee machine",
        "nothing to see here",
        "Lunch at one?",
    ])
    results = search(alice, "lunch")
    got = [r.message_id for r in results]
    assert set(got) == {ids[t] for t in ids if "unch" in t}
    assert got[0] == ids["lunch lunch lunch: who is in for lunch today"]   # bm25: most often
    assert got[-1] == ids["a long message that mentions lunch only once among very many "
                          "other words about the weather, the train, the project plan and "
                          "the coffee machine"]                      # long and once: last
    for r in results:
        assert r.sender == "alice" and r.room_id == P.ROOM_LOBBY and r.time_ms > 0
        assert P.SNIPPET_MARK_START + "lunch" in r.snippet.lower()
        assert r.snippet.count(P.SNIPPET_MARK_START) == r.snippet.count(P.SNIPPET_MARK_END)
    one = next(r for r in results if r.message_id == ids["Lunch at one?"])
    assert one.snippet == "\x02Lunch\x03 at one?"
    assert [r.message_id for r in search(alice, "lunch", limit=2)] == got[:2]
    both = search(alice, "LUNCH today")                               # every word, any case
    assert [r.message_id for r in both] == [got[0]]
    assert both[0].snippet.endswith("\x02lunch\x03 \x02today\x03")
    assert search(alice, "breakfast") == []


def test_only_rooms_of_the_account(server, account):
    alice, bob, carol, dave = people(account, server, "alice", "bob", "carol", "dave")
    secret, _ = create(alice, "secret", kind=P.ROOM_PRIVATE)
    public, _ = create(alice, "public")
    say_all(alice, ["zebra plans in the private room"], room_id=secret.room_id)
    say_all(alice, ["zebra news in the public room"], room_id=public.room_id, first_id=10)
    bob.send_frame(P.DIRECT_SEND, client_id=20, username="carol",
                   text="zebra gossip between bob and carol")
    direct, _ = expect_state(bob)
    ack(bob, 20)
    lobby = say_all(dave, ["zebra for everyone"], first_id=30)

    for client in (bob, carol, dave):
        client.sync()
    found = {r.message_id: r.room_id for r in search(dave, "zebra")}
    assert found == {lobby["zebra for everyone"]: P.ROOM_LOBBY}      # lobby only
    found = {r.room_id for r in search(bob, "zebra")}
    assert found == {P.ROOM_LOBBY, direct.room_id}                   # not the private room
    found = {r.room_id for r in search(alice, "zebra")}
    assert found == {P.ROOM_LOBBY, secret.room_id, public.room_id}   # not bob's and carol's

    # Naming a room one may not read is refused as reading it would be.
    for room, code in ((secret.room_id, P.E_ROOM_UNKNOWN), (direct.room_id, P.E_ROOM_UNKNOWN),
                       (public.room_id, P.E_NOT_IN_ROOM), (9999, P.E_ROOM_UNKNOWN)):
        search_refused(dave, "zebra", code=code, room_id=room)
    join(dave, "public")
    assert [r.room_id for r in search(dave, "zebra", room_id=public.room_id)] == \
        [public.room_id]
    assert [r.room_id for r in search(alice, "zebra", room_id=secret.room_id)] == \
        [secret.room_id]


@pytest.mark.parametrize("text", [
    '"', '""', 'zebra"', '"zebra', '*', 'zeb*', 'zebra*', '^zebra', 'NEAR(zebra plan)',
    'NEAR(zebra plan, 1)', 'zebra AND plan', 'zebra OR nothing', 'zebra NOT plan',
    '(zebra', 'zebra)', 'body:zebra', '{body}: zebra', '- zebra', 'zebra + plan',
    "'; DROP TABLE messages; --", "zebra\\", 'a:b:c', 'col:"x" OR y*',
])
def test_search_syntax_is_only_text(server, account, text):
    (alice,) = people(account, server, "alice")
    ids = say_all(alice, ["zebra plan", "the NEAR AND OR NOT words", "body of text"])
    words = [w for w in text.split() if any(c.isalnum() for c in w)]
    if not words:
        search_refused(alice, text)
        return
    results = search(alice, text)                                    # never an error
    for r in results:                                                # and only real matches
        found = next(t for t in ids if ids[t] == r.message_id).lower()
        for word in words:
            for part in "".join(c if c.isalnum() else " " for c in word.lower()).split():
                assert part in found.split(), (text, found)
    assert query(server.workdir, "SELECT count(*) FROM messages") == [(3,)]  # not SQL


def test_operators_are_words(server, account):
    (alice,) = people(account, server, "alice")
    ids = say_all(alice, ["zebra plan", "the NEAR AND OR NOT words", "zebra or lion"])
    assert [r.message_id for r in search(alice, "AND")] == [ids["the NEAR AND OR NOT words"]]
    assert {r.message_id for r in search(alice, "zebra OR")} == {ids["zebra or lion"]}
    assert search(alice, "zebra NOT") == []
    assert search(alice, "zeb*") == []                               # no prefix syntax:
    assert {r.message_id for r in search(alice, "zebra*")} == {      # * is not a letter
        ids["zebra plan"], ids["zebra or lion"]}
    assert {r.message_id for r in search(alice, '"zebra"')} == {ids["zebra plan"],
                                                                ids["zebra or lion"]}


def test_refusals_are_clear(server, account):
    (alice,) = people(account, server, "alice")
    for text in ("", "   ", "\t", "***", "bell\a"):
        assert search_refused(alice, text).message
    search_refused(alice, "zebra", limit=0)
    search_refused(alice, " ".join(f"w{n}" for n in range(17)))     # too many words
    assert search(alice, " ".join(f"w{n}" for n in range(16))) == []
    long = search_refused(alice, "x" * (P.MAX_SEARCH_QUERY + 1))     # over the wire's cap
    assert str(P.MAX_SEARCH_QUERY) in long.message
    assert search(alice, "x" * P.MAX_SEARCH_QUERY) == []
    alice.sync()                                                     # still connected


def test_a_search_right_behind_texts_finds_them(server, account):
    """Sixty TEXT_SENDs and a SEARCH in one read (one loop pass): the search, which sees
    committed texts only, waits for that pass's commit and finds the texts sent just
    before it. Without the wait it may run on its thread before the commit (whether it
    does depends on which thread gets a processor first)."""
    (alice,) = people(account, server, "alice")
    alice.send(b"".join(P.encode(P.TEXT_SEND, client_id=n, room_id=P.ROOM_LOBBY,
                                 text=f"quokka {n}") for n in range(1, 61)) +
               P.encode(P.SEARCH, request_id=7001, room_id=P.SEARCH_ALL_ROOMS, limit=20,
                        query="quokka"))
    texts, found = set(), []
    while True:
        frame = alice.recv()
        if frame.type == P.TEXT:
            texts.add(frame.message_id)
        elif frame.type == P.SEARCH_RESULT:
            found.append(frame.message_id)
        elif frame.type == P.DONE and frame.request_type == P.SEARCH:
            break
        else:
            assert frame.type in LIVE, repr(frame)
    assert len(texts) == 60 and len(found) == 20 and set(found) <= texts, (texts, found)


def test_a_guest_searches_the_lobby(server, connect, account):
    (alice,) = people(account, server, "alice")
    secret, _ = create(alice, "hidden", kind=P.ROOM_PRIVATE)
    say_all(alice, ["giraffe hidden"], room_id=secret.room_id)
    ids = say_all(alice, ["giraffe open"], first_id=5)
    guest = connect(server)
    guest.login("visitor")
    assert [r.message_id for r in search(guest, "giraffe")] == [ids["giraffe open"]]


def test_index_follows_edits_deletions_and_leaving(server, server_factory, account):
    alice, bob = people(account, server, "alice", "bob")
    room, _ = create(alice, "team")
    join(bob, "team")
    ids = say_all(alice, ["okapi one", "okapi two", "okapi three"], room_id=room.room_id)
    assert len(search(bob, "okapi")) == 3
    request(bob, P.ROOM_LEAVE, room_id=room.room_id)
    bob.wait_for(P.DONE, skip=LIVE)
    assert search(bob, "okapi") == []                                # left: none of it
    server.stop()

    db = sqlite3.connect(server.workdir / DB_NAME)                  # as wave2-live will:
    with db:                                                         # an edit, a delete that
        db.execute("UPDATE messages SET body = 'okapi edited' WHERE id = ?",   # clears the
                   (ids["okapi one"],))                              # text, a row removed
        db.execute("UPDATE messages SET body = '' WHERE id = ?", (ids["okapi two"],))
        db.execute("DELETE FROM messages WHERE id = ?", (ids["okapi three"],))
    db.close()
    again = server_factory(NO_LIMITS, workdir=server.workdir)
    alice = account(again, "alice", register=False)
    expect_state(alice, room.room_id)
    assert [(r.message_id, plain(r.snippet)) for r in search(alice, "okapi")] == [
        (ids["okapi one"], "okapi edited")]
    assert search(alice, "one") == [] and search(alice, "two") == []
    db = sqlite3.connect(again.workdir / DB_NAME)                    # the index matches
    db.execute("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")
    db.close()


def test_migration_indexes_existing_messages(accounts_server, account, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    load_sql(data / DB_NAME, V1_DUMP)
    server = accounts_server("--data-dir", str(data))
    alice = account(server, "alice", register=False)
    results = search(alice, "hello")
    assert [(r.message_id, plain(r.snippet)) for r in results] == [(1, "hello from v1")]


WORDS = [f"w{n:02d}" for n in range(16)]


def fill_lobby(data_dir, count):
    """count lobby texts, each with 15 of WORDS (text i lacks WORDS[i % 16]), so a query
    of all sixteen matches none but walks sixteen long lists of the index."""
    db = sqlite3.connect(data_dir / DB_NAME)
    with db:
        db.executemany(
            "INSERT INTO messages (room_id, time_ms, sender_id, sender_name, kind, body,"
            " client_id) VALUES (0, ?, NULL, 'filler', 1, ?, ?)",
            ((i, " ".join(w for k, w in enumerate(WORDS) if k != i % 16), i)
             for i in range(count)))
        db.execute("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')")
    db.close()


def test_searches_past_their_cpu_share_wait(server_factory, connect):
    """A connection's searches share SERVER_SEARCH_CPU_MS_PER_SEC of CPU time, saved up
    to SERVER_SEARCH_CPU_BURST_MS: expensive searches sent back to back are answered
    SEARCH_BUSY with the wait in seconds, the connection stays, another connection is
    served meanwhile, and the same one is served again once its share has refilled."""
    empty = server_factory()                                     # makes the schema
    empty.stop()
    fill_lobby(empty.workdir, 40000)      # 20 ms a search here: SERVER_SEARCH_BUDGET_MS
    # The search share on, the frame rate limit raised: even at a tenth of that cost,
    # 300 searches take more than the saved-up share.
    server = server_factory("--msg-limit", "1000:1000", workdir=empty.workdir)
    digger, other = connect(server), connect(server)
    digger.login("digger")
    other.login("other")
    everything = " ".join(WORDS)
    sent = [request(digger, P.SEARCH, room_id=P.SEARCH_ALL_ROOMS, limit=20, query=everything)
            for _ in range(300)]
    answers = {}
    while len(answers) < len(sent):
        frame = digger.recv()
        if frame.type == P.DONE:
            answers[frame.request_id] = "done"
        elif frame.type == P.ERROR:
            assert frame.code == P.E_SEARCH_BUSY and frame.ref_type == P.SEARCH, repr(frame)
            assert re.search(r"wait \d+ s", frame.message), frame.message
            answers[frame.ref_id] = "busy"
        else:
            assert frame.type in LIVE, repr(frame)
    assert answers[sent[0]] == "done" and "busy" in answers.values(), answers
    assert search(other, everything) == []                            # its own share
    wait_until(lambda: try_search(digger, everything), timeout=30 * SLOWDOWN,
               what="the busy connection to be served again")


def try_search(client, query):
    """True when SEARCH is answered (with no results), False when SEARCH_BUSY."""
    request_id = request(client, P.SEARCH, room_id=P.SEARCH_ALL_ROOMS, limit=20, query=query)
    while True:
        frame = client.recv()
        if frame.type == P.DONE and frame.request_id == request_id:
            return True
        if frame.type == P.ERROR and frame.ref_id == request_id:
            assert frame.code == P.E_SEARCH_BUSY, repr(frame)
            return False
        assert frame.type in LIVE, repr(frame)
