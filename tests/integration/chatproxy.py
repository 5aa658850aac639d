"""A TCP proxy on 127.0.0.1 for tests that cut a connection at a chosen moment: every
connection it accepts is relayed to the server until cut() resets both sides. hold("up")
drops what clients send from then on, hold("down") what the server sends (its
acknowledgements), as a failing network loses them; cut() ends the holds too.
stall(frame_type) drops what a client sends from its next frame of that type on (that
request is still on its way when the connection is lost), on connections open and to
come, until stall(None); cut() leaves it. stall(frame_type, keep=True) keeps those bytes
instead (the request is slow to arrive: what the server sends meanwhile reaches the
client first), and release() sends them on and stops stalling."""

import select
import socket
import struct
import threading

from chatproto import HEADER_SIZE


class _Upstream:
    """What one client sent so far, cut into frames."""

    def __init__(self):
        self.header = b""      # the start of a frame header not complete yet
        self.left = 0          # bytes of the current frame's payload still to come
        self.stalled = False   # a frame of the stalled type came: nothing more goes
        self.kept = b""        # with stall(keep=True): what did not go, from that frame on


class Proxy:
    def __init__(self, target_port):
        self.target = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.pairs = []
        self.held = set()                       # "up" and/or "down"
        self.stalled_type = None                # stall()
        self.keep = False                       # stall(keep=True)
        self.upstream = {}                      # client-side socket -> _Upstream
        self.lock = threading.Lock()
        self.stopping = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopping:
            with self.lock:
                socks = [self.listener] + [s for pair in self.pairs for s in pair]
            try:
                readable, _, _ = select.select(socks, [], [], 0.05)
            except (OSError, ValueError):
                continue                        # a socket was cut under us
            for sock in readable:
                if sock is self.listener:
                    self._accept()
                else:
                    self._relay(sock)

    def _accept(self):
        inside, _ = self.listener.accept()
        outside = socket.create_connection(("127.0.0.1", self.target))
        for s in (inside, outside):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.lock:
            self.pairs.append((inside, outside))
            self.upstream[inside] = _Upstream()

    def _relay(self, sock):
        with self.lock:
            pair = next((p for p in self.pairs if sock in p), None)
        if pair is None:
            return
        other = pair[1] if sock is pair[0] else pair[0]
        direction = "up" if sock is pair[0] else "down"
        try:
            data = sock.recv(65536)
            if data:
                with self.lock:
                    held = direction in self.held
                    if direction == "up":
                        data = self._unstalled(self.upstream[sock], data)
                if not held and data:
                    other.sendall(data)         # loopback: never blocks for long
                return
        except OSError:
            pass
        self._close(pair)

    def _unstalled(self, up, data):
        """The part of a client's data before its first frame of the stalled type (the
        rest is kept in up.kept when stalling keeps)."""
        if up.stalled:
            up.kept += data if self.keep else b""
            return b""
        out = bytearray()
        while data and not up.stalled:
            if up.left > 0:
                n = min(up.left, len(data))
                out += data[:n]
                data, up.left = data[n:], up.left - n
                continue
            need = HEADER_SIZE - len(up.header)
            up.header, data = up.header + data[:need], data[need:]
            if len(up.header) < HEADER_SIZE:
                break
            length, ftype, _ = struct.unpack(">IHH", up.header)
            if ftype == self.stalled_type:
                up.stalled = True
                up.kept = up.header + data if self.keep else b""
                break
            out += up.header
            up.header, up.left = b"", length
        return bytes(out)

    def _close(self, pair):
        with self.lock:
            if pair not in self.pairs:
                return
            self.pairs.remove(pair)
            self.upstream.pop(pair[0], None)
        for s in pair:
            try:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.close()
            except OSError:
                pass

    def hold(self, direction):
        """Drops "up" (client to server) or "down" (server to client) bytes from now on."""
        with self.lock:
            self.held.add(direction)

    def stall(self, frame_type, keep=False):
        """From now on, every connection's client frame of frame_type and what the client
        sends after it are dropped, or kept for release() when keep is true (None: frames
        to come go through again)."""
        with self.lock:
            self.stalled_type = frame_type
            self.keep = keep

    def kept(self):
        """How many connections have bytes kept by stall(keep=True)."""
        with self.lock:
            return sum(1 for up in self.upstream.values() if up.kept)

    def release(self):
        """Sends on every connection's kept bytes, in order, and stops stalling."""
        with self.lock:
            self.stalled_type, self.keep = None, False
            for inside, outside in self.pairs:
                up = self.upstream[inside]
                kept, up.kept, up.stalled, up.header, up.left = up.kept, b"", False, b"", 0
                outside.sendall(self._unstalled(up, kept))

    def cut(self):
        """Resets every relayed connection (both sides) at once and ends the holds;
        returns how many connections were cut."""
        with self.lock:
            pairs = list(self.pairs)
            self.held.clear()
        for pair in pairs:
            self._close(pair)
        return len(pairs)

    def close(self):
        self.stopping = True
        self.thread.join()
        self.cut()
        self.listener.close()
