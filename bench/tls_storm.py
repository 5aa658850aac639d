"""Many TLS handshakes at once against a server, from a process of its own.

Run as: python3 tls_storm.py PORT COUNT. Connects COUNT sockets, sends every ClientHello
before reading any answer, then drives all the handshakes to their end with one
selector (ssl.MemoryBIO, so nothing blocks), and prints "handshakes N" with the number
that completed. It runs niced: the storm must load the server, not starve the test
process that measures everyone else's latency.
"""

import os
import selectors
import socket
import ssl
import sys
import time


class Handshake:
    def __init__(self, ctx, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setblocking(False)
        self.incoming = ssl.MemoryBIO()
        self.outgoing = ssl.MemoryBIO()
        self.obj = ctx.wrap_bio(self.incoming, self.outgoing)
        self.done = False

    def step(self):
        """Advances the handshake with what has arrived; sends what OpenSSL produced."""
        try:
            self.obj.do_handshake()
            self.done = True
        except ssl.SSLWantReadError:
            pass
        data = self.outgoing.read()
        if data:
            self.sock.sendall(data)

    def feed(self):
        try:
            data = self.sock.recv(65536)
        except BlockingIOError:
            return True
        except ConnectionResetError:
            return False
        if not data:
            return False
        self.incoming.write(data)
        return True


def main():
    port, count = int(sys.argv[1]), int(sys.argv[2])
    os.nice(19)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    shakes = [Handshake(ctx, port) for _ in range(count)]
    for h in shakes:
        h.step()                       # every ClientHello out before any answer is read
    sel = selectors.DefaultSelector()
    for h in shakes:
        sel.register(h.sock, selectors.EVENT_READ, h)
    left = count
    deadline = time.monotonic() + 120
    while left > 0 and time.monotonic() < deadline:
        for key, _ in sel.select(1.0):
            h = key.data
            if not h.feed():
                sel.unregister(h.sock)
                left -= 1
                continue
            h.step()
            if h.done:
                sel.unregister(h.sock)
                left -= 1
    print(f"handshakes {sum(h.done for h in shakes)}", flush=True)
    for h in shakes:
        h.sock.close()


if __name__ == "__main__":
    main()
