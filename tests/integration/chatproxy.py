"""A TCP proxy on 127.0.0.1 between a client and the server, for tests that must lose
frames on purpose: hold("up") keeps what the client sends from reaching the server,
hold("down") keeps what the server sends (acknowledgements) from reaching the client.
Held bytes are never delivered: cutting the connection then loses them, as a network
that fails would."""

import selectors
import socket
import threading


class Proxy:
    def __init__(self, server_port):
        self._server_port = server_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._held = set()
        self._lock = threading.Lock()
        self._pairs = []
        self._stopping = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def hold(self, direction):
        """Stops forwarding "up" (client to server) or "down" (server to client)."""
        with self._lock:
            self._held.add(direction)

    def _accept(self):
        while not self._stopping:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self._server_port))
            with self._lock:
                self._pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, client, upstream):
        selector = selectors.DefaultSelector()
        selector.register(client, selectors.EVENT_READ, (upstream, "up"))
        selector.register(upstream, selectors.EVENT_READ, (client, "down"))
        try:
            while True:
                for key, _ in selector.select():
                    target, direction = key.data
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    with self._lock:
                        held = direction in self._held
                    if not held:
                        target.sendall(data)
        except OSError:
            return
        finally:
            selector.close()
            client.close()
            upstream.close()

    def cut(self):
        """Drops every connection (bytes held are lost) and holds nothing any more; new
        connections on the same port are forwarded as before."""
        with self._lock:
            pairs, self._pairs = self._pairs, []
            self._held.clear()
        for client, upstream in pairs:
            for sock in (client, upstream):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self._stopping = True
        self._listener.close()
        self.cut()
