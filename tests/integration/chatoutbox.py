"""A test client that never loses or doubles a message (PROTOCOL.md 5.41), written apart
from the C client so the server is checked against an independent reading of the rules:

- every send gets a random transaction id (client_id) and waits in an outbox until its
  TEXT comes back; the outbox (and what was received) can live in a JSON file written
  before each send, so a killed process restarts where it was;
- on every (re)connect: token login, one RESUME per room from its resume point, gaps
  paged in with HISTORY AFTER, then the outbox resent unchanged;
- a room's resume point (saved with the outbox) is the newest id below which it holds
  everything: it moves only once the room's RESUME and gap fills have ended on this
  connection, since live texts that come before that end may lie above one the replay
  still brings (PROTOCOL.md 5.41);
- received messages are kept by message_id: a frame seen twice is kept once.

Run as a script (python3 chatoutbox.py PORT STATE_FILE), it waits for a line on stdin
(so it can be started ahead, its imports done, while the state file is not ready yet),
reads its state, says "ready" on stdout, sends the texts the state lists, then waits for
another line on stdin and writes what it received; that is the process the tests kill
with SIGKILL and start again."""

import json
import os
import random
import select
import sys
import time

import chatproto as P
from chatclient import Closed, RawClient
from chatserver import TIMEOUT

PAGE = 100


class OutboxClient:
    def __init__(self, port, token, rooms, state_path=None, name=None):
        self.port = port
        self.token = token
        self.rooms = list(rooms)
        self.name = name
        self.state_path = state_path
        self.received = {}          # message_id -> (room_id, sender, client_id, text)
        self.outbox = {}            # client_id -> (room_id, text), in sending order
        self.acked = {}             # client_id -> message_id
        self.marks = {}             # room_id -> resume point: everything up to it is held
        self.in_step = set()        # rooms whose RESUME ended on this connection
        self.todo = []              # (room_id, text) not sent yet
        self.conn = None
        self.pending = set()        # request ids of RESUME/HISTORY not yet ended
        self.fills = {}             # HISTORY request id -> (room_id, anchor, before_id)
        self.room_of = {}           # RESUME or HISTORY request id not ended -> room_id
        self.requests = 0
        self.reconnects = 0
        self.rng = random.Random()
        if state_path and os.path.exists(state_path):
            self.load()

    # ---- persistence (the outbox survives a kill) ----
    def save(self):
        """Writes the state atomically (rename). Not fsynced: what a killed process wrote
        is in the kernel already; only a machine's crash would need fsync, and the
        tests kill processes, not machines."""
        if not self.state_path:
            return
        data = {"token": self.token.hex(), "rooms": self.rooms, "name": self.name,
                "todo": self.todo, "outbox": [[k, *v] for k, v in self.outbox.items()],
                "acked": list(self.acked.items()), "marks": list(self.marks.items()),
                "received": [[k, *v] for k, v in self.received.items()]}
        tmp = self.state_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(data, f)
        os.replace(tmp, self.state_path)

    def load(self):
        with open(self.state_path) as f:
            data = json.load(f)
        self.token = bytes.fromhex(data["token"])
        self.rooms, self.name = data["rooms"], data["name"]
        self.todo = [tuple(t) for t in data["todo"]]
        self.outbox = {k: (room, text) for k, room, text in data["outbox"]}
        self.acked = dict((k, v) for k, v in data["acked"])
        self.marks = dict((k, v) for k, v in data["marks"])
        self.received = {k: tuple(v) for k, *v in data["received"]}

    # ---- connection ----
    def connect(self):
        """Logs in with the token, resumes every room, resends the outbox. False if the
        connection failed (the caller tries again)."""
        try:
            self.conn = RawClient(self.port)
            self.conn.token_login(self.token)
            self.conn.expect(P.SESSION)
            for room_id in self.rooms:
                self.request(P.RESUME, room_id, last_id=self.marks.get(room_id, 0))
            for client_id, (room_id, text) in list(self.outbox.items()):
                self.conn.say(text, client_id=client_id, room_id=room_id)
            return True
        except (OSError, Closed, AssertionError):
            self.drop()
            return False

    def drop(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = None
        self.pending.clear()
        self.fills.clear()
        self.room_of.clear()
        self.in_step.clear()

    def request(self, ftype, room_id, **fields):
        self.requests += 1
        request_id = self.requests
        self.pending.add(request_id)
        self.room_of[request_id] = room_id
        self.conn.send_frame(ftype, request_id=request_id, room_id=room_id, **fields)
        return request_id

    def fill(self, room_id, anchor, before_id):
        """Pages the gap (anchor, before_id) in with HISTORY AFTER."""
        request_id = self.request(P.HISTORY, room_id, mode=P.HISTORY_AFTER,
                                  limit=PAGE, anchor=anchor)
        self.fills[request_id] = (room_id, anchor, before_id)

    def newest(self, room_id):
        return max((k for k, v in self.received.items() if v[0] == room_id), default=0)

    def step_in(self, room_id):
        """The room's RESUME and fills have all ended: everything up to the newest id
        held is held, and what comes live from now on comes in order."""
        self.in_step.add(room_id)
        self.marks[room_id] = max(self.marks.get(room_id, 0), self.newest(room_id))

    # ---- traffic ----
    def send_next(self):
        """Moves the next text from todo to the outbox (saved first), then sends it."""
        room_id, text = self.todo.pop(0)
        client_id = self.rng.randrange(1, 2**63)
        self.outbox[client_id] = (room_id, text)
        self.save()
        if self.conn is not None:
            try:
                self.conn.say(text, client_id=client_id, room_id=room_id)
            except (OSError, AssertionError):
                self.drop()

    def pump(self):
        """Handles whatever has arrived; reconnects after a lost connection."""
        if self.conn is None and not self.connect():
            return
        try:
            while True:
                frame = self.conn.poll()
                if frame is None:
                    return
                self.handle(frame)
        except (Closed, OSError):
            self.reconnects += 1
            self.drop()

    def handle(self, frame):
        if frame.type == P.TEXT:
            self.received.setdefault(frame.message_id, (frame.room_id, frame.sender,
                                                        frame.client_id, frame.text))
            if frame.room_id in self.in_step:
                self.marks[frame.room_id] = max(self.marks[frame.room_id], frame.message_id)
            if frame.sender == self.name and frame.client_id in self.outbox:
                del self.outbox[frame.client_id]
                self.acked[frame.client_id] = frame.message_id
                self.save()
        elif frame.type == P.RESUME_GAP:
            self.fill(frame.room_id, frame.after_id, frame.before_id)
        elif frame.type == P.HISTORY_END:
            self.pending.discard(frame.request_id)
            room_id = self.room_of.pop(frame.request_id, None)
            if frame.request_id in self.fills:
                room_id, anchor, before_id = self.fills.pop(frame.request_id)
                below = max((k for k, v in self.received.items()
                             if v[0] == room_id and k < before_id), default=0)
                if frame.count > 0 and below > anchor:   # a page may end early (bytes)
                    self.fill(room_id, below, before_id)
            if room_id is not None and room_id not in self.room_of.values():
                self.step_in(room_id)
        elif frame.type == P.ERROR:
            raise AssertionError(f"{self.name}: {frame!r}")

    def settled(self):
        return self.conn is not None and not self.todo and not self.outbox and not self.pending

    def sequence(self, room_id):
        return [(k, *v[1:]) for k, v in sorted(self.received.items()) if v[0] == room_id]


def main(port, state_path):
    """The killable process: after a first line on stdin, loads its state, prints
    "ready" and sends its todo (one text per 15 ms, 200 a second among three senders);
    once a second line arrives and everything is acknowledged, takes in what the server
    sent before that moment, saves it and exits 0 (1 if not settled in time)."""
    sys.stdin.readline()
    client = OutboxClient(int(port), b"", [], state_path)
    print("ready", flush=True)
    interval, next_send = 0.015, time.monotonic()
    finish_by = None
    while True:
        client.pump()
        if client.todo and time.monotonic() >= next_send:
            client.send_next()
            next_send += interval
        # Sleep until the next send, a frame or a line on stdin (no busy polling: the
        # machine is shared with the server under test).
        wait = max(0.0, next_send - time.monotonic()) if client.todo else 0.05
        watched = [sys.stdin] if finish_by is None else []
        if client.conn is not None:
            watched.append(client.conn.sock)
        ready = select.select(watched, [], [], wait)[0]
        if finish_by is None and sys.stdin in ready:
            sys.stdin.readline()
            finish_by = time.monotonic() + 2 * TIMEOUT
        if finish_by is not None and client.settled():
            for frame in client.conn.sync():
                client.handle(frame)
            client.save()
            return 0
        if finish_by is not None and time.monotonic() > finish_by:
            print(f"{client.name}: not settled: todo={len(client.todo)} "
                  f"outbox={len(client.outbox)} pending={client.pending} "
                  f"connected={client.conn is not None}", file=sys.stderr)
            return 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
