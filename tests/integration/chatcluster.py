"""Helpers for the cluster tests: chat-server nodes started with --cluster on a private
redis-server (the `redis` fixture), guests and accounts on them, and reading TEXT frames
(docs/CLUSTER.md)."""

import subprocess
import time

import chatproto as P
from chatclient import RawClient
from chatserver import TIMEOUT, binary, wait_until
from chatstore import query


ADMIN, ADMIN_PASSWORD = "alice", "correct horse battery"


def stream_ups(log_path):
    """How many times the log at log_path says the node's stream came up."""
    if not log_path.exists():
        return 0
    return log_path.read_text(errors="replace").count("cluster: the stream is up")


def start_node(server_factory, redis, node, workdir=None, wait_up=True, extra=()):
    """A node (extra: more options); with wait_up, once its stream is up (until then
    writes get ERROR 80). A node restarted on a workdir appends to the log of the earlier
    one."""
    before = stream_ups(workdir / "server.log") if workdir else 0
    server = server_factory("--cluster", redis.url, "--node-id", str(node), *extra,
                            workdir=workdir)
    if wait_up:
        wait_until(lambda: stream_ups(server.log_path) > before, what="the stream to be up")
    return server


def guest(node, name):
    client = RawClient(node.port)
    client.login(name)
    return client


def collect_texts(client, count, timeout=TIMEOUT):
    """Reads until count TEXT frames arrived (other frames skipped); returns them."""
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < count:
        frame = client.recv(max(deadline - time.monotonic(), 0.001))
        if frame.type == P.TEXT:
            got.append((frame.message_id, frame.sender, frame.text))
    return got


def seeded_nodes(server_factory, redis, tmp_path, count=3, extra=()):
    """count nodes started from one store that holds the account ADMIN: the first node's
    store, made by a cluster start, given the account, then copied (as a backup would be)
    to the others (docs/CLUSTER.md, rebuilding a node). extra: more options for each."""
    first = start_node(server_factory, redis, 1, extra=extra)
    first.stop()
    made = subprocess.run([binary("chat-server"), "--pwhash-memory", "19", "--create-admin",
                           ADMIN, "--data-dir", str(first.workdir)], input=f"{ADMIN_PASSWORD}\n",
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert made.returncode == 0, made.stderr
    nodes = [start_node(server_factory, redis, 1, workdir=first.workdir, extra=extra)]
    for n in range(2, count + 1):
        workdir = tmp_path / f"node{n}"
        workdir.mkdir()
        backup = subprocess.run([binary("chat-server"), "--backup", str(workdir / "chat.db"),
                                 "--data-dir", str(first.workdir)], capture_output=True,
                                text=True, timeout=TIMEOUT)
        assert backup.returncode == 0, backup.stderr
        nodes.append(start_node(server_factory, redis, n, workdir=workdir, extra=extra))
    return nodes


def account(node):
    client = RawClient(node.port)
    client.password_login(ADMIN, ADMIN_PASSWORD)
    client.expect_session()
    return client


def registered(node, name, password="a long enough password"):
    """A new account registered through node, logged in there."""
    client = RawClient(node.port)
    client.register(name, password)
    client.expect_session()
    return client


def moderate(client, request_id, action, target, value=0, reason=""):
    client.send_frame(P.MODERATE, request_id=request_id, action=action, value=value,
                      target=target, reason=reason)
    return client.wait_for(P.DONE, skip=(P.USER_JOINED, P.USER_LEFT, P.NOTICE, P.USER_ROLE))


def notice_of(client, action):
    """Reads until the NOTICE of action (other frames skipped); returns it."""
    while True:
        frame = client.wait_for(P.NOTICE, skip=(P.USER_ROLE, P.USER_JOINED, P.USER_LEFT))[0]
        if frame.action == action:
            return frame


class Writer:
    """A logged-in client that sends numbered texts ("NAME CID", client id CID) one at a
    time and sorts the answers as an outbox would: acked (client id -> message id, from
    every TEXT of its own it sees, checked to be the same each time) or refused (client
    ids answered with ERROR 80, to be resent with the same client id)."""

    def __init__(self, client):
        self.client, self.name = client, client.name
        self.acked, self.refused, self.waiting = {}, [], None

    def send(self, cid):
        assert self.waiting is None, "one text at a time"
        self.waiting = cid
        self.client.say(f"{self.name} {cid}", client_id=cid)

    def poll(self, timeout=0.0):
        """Handles what has arrived (with a timeout: the next frame must come within it);
        True or False once the waiting text was acknowledged or refused, else None."""
        frame = self.client.recv(timeout) if timeout else self.client.poll()
        while frame is not None:
            if frame.type == P.TEXT and frame.sender == self.name:
                seen = self.acked.setdefault(frame.client_id, frame.message_id)
                assert seen == frame.message_id, f"client id {frame.client_id} doubled"
                if frame.client_id == self.waiting:
                    self.waiting = None
                    return True
            elif frame.type == P.ERROR:
                assert (frame.code, frame.ref_id) == (P.E_CLUSTER_UNAVAILABLE,
                                                      self.waiting), frame
                assert "temporarily unavailable" in frame.message
                self.refused.append(self.waiting)
                self.waiting = None
                return False
            frame = self.client.poll()
        return None

    def send_and_wait(self, cid):
        """Sends text cid; True once acknowledged, False if refused as unavailable."""
        self.send(cid)
        while True:
            answer = self.poll(TIMEOUT)
            if answer is not None:
                return answer

    def resend_refused(self):
        """The outbox's resend: every refused text again with its client id, until each
        is acknowledged."""
        for cid in sorted(set(self.refused)):
            while not self.send_and_wait(cid):
                pass


def see_each_other(*clients):
    """Presence crosses nodes (docs/CLUSTER.md section 7): waits until each client has seen
    every other one, in its USER_LIST or a USER_JOINED (read here), so that no join
    arrives later in the middle of what a test reads."""
    for client in clients:
        known = {uid for uid, _ in client.users}
        for other in clients:
            while other.user_id not in known:
                frame = client.wait_for(P.USER_JOINED, skip=(P.USER_LEFT,))[0]
                known.update(uid for uid, _ in frame.users)


class Watcher:
    """Who a client sees online (by connection id), kept from the frames it reads."""

    def __init__(self, client):
        self.client = client
        self.users = dict(client.users)
        self.frames = []

    def names(self):
        return sorted(self.users.values())

    def read(self):
        """Takes in every frame already here."""
        while (frame := self.client.poll()) is not None:
            self.frames.append(frame)
            if frame.type == P.USER_JOINED:
                self.users.update(frame.users)
            elif frame.type == P.USER_LEFT:
                for uid, _ in frame.users:
                    self.users.pop(uid, None)

    def until(self, predicate, what):
        def check():
            self.read()
            return predicate()
        wait_until(check, what=what)


def last_applied(node):
    """The id of the last stream entry node applied, as (ms, seq); (0, 0) before its
    first."""
    rows = query(node.workdir, "SELECT value FROM meta WHERE key = 'cluster_last_id'")
    return tuple(map(int, rows[0][0].split("-"))) if rows else (0, 0)


def forge(redis, event, node=9, request=1):
    """Appends event (encoded frame bytes) to the stream as node's entry for request, as
    a hostile or broken writer could; returns the entry's id as (ms, seq) and its
    text."""
    entry = redis.command("XADD", "chat:events", "*", "v", "1", "n", str(node), "r",
                          str(request), "e", event).decode()
    return tuple(map(int, entry.split("-"))), entry
