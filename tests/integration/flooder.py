"""A client that sends as fast as the server will take it, for the flood-control tests.

Two threads share one logged-in RawClient's socket: one keeps writing frames (TEXT_SEND
by default) whenever the socket has room, the other reads and keeps every frame that
comes back, until the server closes the connection or the test stops it.
"""

import select
import threading
import time

import chatproto as P

BATCH = 64  # frames encoded per write


def text_frames(first, count, size=20):
    """TEXT_SEND frames with client ids first..first+count-1, each text size bytes."""
    return b"".join(P.encode(P.TEXT_SEND, client_id=i, room_id=0,
                             text=f"flood {i} ".ljust(size, "x"))
                    for i in range(first, first + count))


class Flooder:
    def __init__(self, client, frames=text_frames):
        self.client = client
        self.frames = []            # every frame received, in order
        self.sent_bytes = 0
        self.started = time.monotonic()
        self.closed_at = None       # when the server closed the connection
        self._make = frames
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._write, daemon=True),
                         threading.Thread(target=self._read, daemon=True)]
        for thread in self._threads:
            thread.start()

    @property
    def closed(self):
        return self.closed_at is not None

    def _write(self):
        sock, pending, next_id = self.client.sock, b"", 0
        while not self._stop.is_set() and not self.closed:
            if not pending:
                pending = self._make(next_id, BATCH)
                next_id += BATCH
            _, ready, _ = select.select([], [sock], [], 0.05)
            if not ready:
                continue               # the server is not reading: throttled
            try:
                sent = sock.send(pending)
            except BlockingIOError:
                continue
            except OSError:
                return                 # reset after the server closed
            self.sent_bytes += sent
            pending = pending[sent:]

    def _read(self):
        sock, reader = self.client.sock, P.Reader()
        while not self._stop.is_set():
            ready, _, _ = select.select([sock], [], [], 0.05)
            if not ready:
                continue
            try:
                data = sock.recv(1 << 20)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                self.closed_at = time.monotonic()
                return
            reader.feed(data)
            while (frame := reader.next()) is not None:
                self.frames.append(frame)

    def stop(self):
        self._stop.set()
        for thread in self._threads:
            thread.join()
