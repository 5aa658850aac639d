"""A TCP proxy on 127.0.0.1 for tests that cut a connection at a chosen moment: every
connection it accepts is relayed to the server until cut() resets both sides. hold("up")
drops what clients send from then on, hold("down") what the server sends (its
acknowledgements), as a failing network loses them; cut() ends the holds too."""

import select
import socket
import struct
import threading


class Proxy:
    def __init__(self, target_port):
        self.target = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.pairs = []
        self.held = set()                       # "up" and/or "down"
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
                if not held:
                    other.sendall(data)         # loopback: never blocks for long
                return
        except OSError:
            pass
        self._close(pair)

    def _close(self, pair):
        with self.lock:
            if pair not in self.pairs:
                return
            self.pairs.remove(pair)
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
