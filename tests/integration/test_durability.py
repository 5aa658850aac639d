"""Acknowledged means committed. 20 trials on one data directory: a client sends 1,000
texts at once and the server is killed with SIGKILL once a random number of them have
been acknowledged (their echo reached the sender). After each restart every
acknowledged text is in the store exactly as acknowledged, and no id is handed out
twice: each trial's ids are above every id stored before it. At the end the database
passes PRAGMA integrity_check."""

import os
import random
import signal

import chatproto as P
from chatclient import Closed
from chatstore import DB_NAME, integrity, query, texts

TRIALS = 20
MESSAGES = 1000


def acks_until_killed(client, server, kill_after):
    """Reads the sender's echoes, SIGKILLs the server once kill_after have arrived, and
    goes on reading until the connection closes. Returns {client_id: TEXT}."""
    acked = {}
    killed = False
    while True:
        if len(acked) >= kill_after and not killed:
            server.signal(signal.SIGKILL)
            killed = True
        try:
            frame = client.recv()
        except Closed:
            return acked
        if frame.type == P.TEXT:
            assert frame.client_id not in acked, repr(frame)
            acked[frame.client_id] = frame


def test_acknowledged_texts_survive_sigkill(server_factory, user, tmp_path):
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    data = tmp_path / "data"
    every_acked = 0
    for trial in range(TRIALS):
        server = server_factory("--data-dir", str(data), "--no-limits")
        server.expect_exit = None            # killed: no exit status, no report
        stored_before = texts(data) if (data / DB_NAME).exists() else {}
        floor = max(query(data, "SELECT max(id) FROM messages")[0][0] or 0, 0)
        writer = user(server, f"writer{trial}")
        kill_after = rng.randrange(MESSAGES)
        writer.send(b"".join(P.encode(P.TEXT_SEND, client_id=i, room_id=0,
                                      text=f"trial {trial} message {i}")
                             for i in range(1, MESSAGES + 1)))
        acked = acks_until_killed(writer, server, kill_after)
        assert server.wait() == -signal.SIGKILL
        where = f"trial {trial} (seed {seed}, killed after {kill_after} acks)"
        assert len(acked) >= kill_after, where

        # The next trial's start is the restart; the store is read beside it.
        stored = texts(data)
        for client_id, frame in acked.items():
            assert stored.get(frame.message_id) == (
                f"writer{trial}", client_id, f"trial {trial} message {client_id}"), (
                f"{where}: acknowledged message {frame.message_id} lost or changed")
            assert frame.message_id > floor, f"{where}: id {frame.message_id} reused"
        assert all(stored[mid] == row for mid, row in stored_before.items()), where
        every_acked += len(acked)
    assert every_acked > 0
    assert integrity(data / DB_NAME) == "ok"
