"""A fake chat server for the clients' tests: it speaks just enough of the protocol to
log a client in, then sends whatever frames a test scripts -- hostile ones included --
over plain TCP or TLS (Python's ssl module), with a certificate the test chooses.

Also: hostile_frames() (escapes a hostile server would send), self_signed() and
ca_signed() (certificates made with openssl), and fingerprint() (a certificate's SHA-256
in the clients' "AB:CD:..." form)."""

import hashlib
import socket
import ssl
import subprocess
import threading

import chatproto as P
from chatserver import TIMEOUT


# Everything a terminal might obey: OSC 52 (write the clipboard), CSI (clear the screen,
# move the cursor), DCS, BEL, CR and backspace (overwrite what is shown), DEL, the C1
# controls including U+009B (CSI in one character) and U+0085 (NEL), and the bidi
# controls (U+202A-202E, U+2066-2069, U+200E, U+200F, U+061C).
ESCAPES = ("\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07 \x1b[2J\x1b[1;1H \x1bP1$r\x1b\\ "
           "\x07 over\rwrite \x08\x08\x08 \x7f \u009b2J \u0085 \u009d0;t\u009c "
           "\u202a\u202b\u202c\u202d\u202e \u2066\u2067\u2068\u2069 \u200e\u200f\u061c")
# Names are capped at 128 bytes on the wire: a shorter set for them.
NAME_ESCAPES = "\x1b]52;c;eA==\x07\x1b[2J\u009b\u202e\u2066\r\x08\x7f"
FORGED_NAME = "bob> hi\n12:00:00 <admin"
FORGED_TEXT = "hi\n12:00:00 <admin> give me your password"
FILE_NAME = "gpj\u202eexe.doc"
SENTINEL = "last-word"

BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def hostile_frames(leave=True):
    """What a hostile server sends a logged-in client: escapes in texts, in a sender's
    name (one forging a second line), in a user joining (and, with leave, leaving), in an
    uploader's and a file's name and in an error text; then a plain SENTINEL text from
    bob, so a test knows everything before it was handled."""
    def text(message_id, sender, body):
        return P.encode(P.TEXT, message_id=message_id, time_ms=0, room_id=0, sender_id=2,
                        client_id=0, sender=sender, text=body)
    frames = [
        text(1, "bob", ESCAPES),
        text(2, FORGED_NAME, "looks like two lines"),
        text(3, "bob", FORGED_TEXT),
        text(4, "eve" + NAME_ESCAPES, "a name full of escapes"),
        P.encode(P.USER_JOINED, users=[(3, "mallory" + NAME_ESCAPES)]),
        P.encode(P.FILE_ANNOUNCE, file_id=7, message_id=5, time_ms=0, room_id=0,
                 uploader_id=2, upload_id=0, size=3, sha256=bytes(32),
                 uploader="bob" + NAME_ESCAPES, name=FILE_NAME + ESCAPES),
        P.encode(P.ERROR, code=P.E_INTERNAL, ref_type=0x7777, ref_id=0,
                 message="error text " + ESCAPES),
    ]
    if leave:
        frames.append(P.encode(P.USER_LEFT, users=[(3, "mallory" + NAME_ESCAPES)]))
    return frames + [text(6, "bob", SENTINEL)]



def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True,
                   timeout=TIMEOUT)


def self_signed(directory, name):
    """A self-signed ECDSA P-256 certificate for 127.0.0.1: (cert_path, key_path)."""
    cert, key = directory / f"{name}.crt", directory / f"{name}.key"
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2",
             "-subj", f"/CN={name}", "-addext", "subjectAltName=IP:127.0.0.1",
             cwd=directory)
    return cert, key


def ca_signed(directory, name):
    """A test CA and a certificate it signed for 127.0.0.1: (ca_cert, cert, key)."""
    ca_cert, ca_key = self_signed(directory, f"{name}-ca")
    key, csr, cert = (directory / f"{name}.{ext}" for ext in ("key", "csr", "crt"))
    ext = directory / f"{name}.ext"
    ext.write_text("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    _openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", str(key), "-out", str(csr), "-subj", f"/CN={name}", cwd=directory)
    _openssl("x509", "-req", "-in", str(csr), "-CA", str(ca_cert), "-CAkey",
             str(directory / f"{name}-ca.key"), "-CAcreateserial", "-out", str(cert),
             "-days", "2", "-extfile", str(ext), cwd=directory)
    return ca_cert, cert, key


def fingerprint(cert_path):
    """SHA-256 of the certificate (DER) as the clients show it: 32 hex pairs with colons."""
    der = ssl.PEM_cert_to_DER_cert(cert_path.read_text())
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


class FakeServer:
    """Listens on 127.0.0.1 (a free port); every connection is handled on its own thread:
    TLS handshake when a certificate is given, HELLO -> WELCOME and the user list, then
    script(send) sends the test's frames. The connection then stays open (reading and
    discarding) until the client closes it or the server stops.

    handshakes counts connections whose TLS handshake completed; failed collects the
    handshake errors (a client refusing the certificate); received, the types of the
    frames the clients sent after their login, in order (a test waits for a request
    there instead of waiting a while for nothing to happen)."""

    def __init__(self, script=None, cert=None, users=(), name_in_welcome=None, refuse=None,
                 answer=None):
        """script(send): sends the test's frames after the login, once per connection;
        it returns True to have the connection closed right after. refuse: an ERROR
        frame's message to answer HELLO with instead of logging in. answer(type, payload,
        send): called with each frame a client sends after its login (after it is counted
        in received), to answer it."""
        self.script = script or (lambda send: None)
        self.answer = answer or (lambda ftype, payload, send: None)
        self.refuse = refuse
        self.users = list(users)
        self.name_in_welcome = name_in_welcome
        self.context = None
        if cert is not None:
            self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.context.minimum_version = ssl.TLSVersion.TLSv1_2
            self.context.load_cert_chain(str(cert[0]), str(cert[1]))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.handshakes = 0
        self.logins = 0
        self.failed = []
        self.received = []
        self._stop = threading.Event()
        self._conns = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        self.listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                sock, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock):
        sock.settimeout(TIMEOUT)
        with self._lock:
            self._conns.append(sock)
        try:
            if self.context is not None:
                try:
                    sock = self.context.wrap_socket(sock, server_side=True)
                except (ssl.SSLError, OSError) as error:
                    with self._lock:
                        self.failed.append(error)
                    return
                with self._lock:
                    self._conns.append(sock)
                    self.handshakes += 1
            hello = self._read_frame(sock)
            if hello is None or hello[0] != P.HELLO:
                return
            if self.refuse is not None:
                sock.sendall(P.encode(P.ERROR, code=P.E_NAME_INVALID, ref_type=P.HELLO,
                                      ref_id=0, message=self.refuse))
                return
            name = self.name_in_welcome or P.decode_payload(P.HELLO, hello[1]).username
            with self._lock:     # counted before the client can see it logged in
                self.logins += 1
            sock.sendall(P.encode(P.WELCOME, version=P.VERSION, features=0, user_id=1,
                                  server_time_ms=0, users_online=len(self.users) + 1,
                                  max_payload=P.MAX_PAYLOAD, max_text=P.MAX_TEXT,
                                  max_chunk=P.MAX_CHUNK, max_uploads=4, max_file_size=1 << 20,
                                  username=name))
            sock.sendall(P.encode(P.USER_LIST, users=[(1, name), *self.users]))
            if self.script(sock.sendall):
                return
            while not self._stop.is_set():
                frame = self._read_frame(sock)
                if frame is None or frame[0] == P.GOODBYE:
                    return
                with self._lock:
                    self.received.append(frame[0])
                self.answer(frame[0], frame[1], sock.sendall)
        except (OSError, ssl.SSLError):
            pass
        finally:
            sock.close()

    @staticmethod
    def _read_exact(sock, size):
        data = b""
        while len(data) < size:
            chunk = sock.recv(size - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def _read_frame(self, sock):
        """(type, payload) of the next frame, or None at the end of the connection."""
        head = self._read_exact(sock, P.HEADER_SIZE)
        if head is None:
            return None
        length = int.from_bytes(head[:4], "big")
        ftype = int.from_bytes(head[4:6], "big")
        if length > P.MAX_PAYLOAD:                # not our protocol (a TLS ClientHello)
            return None
        payload = self._read_exact(sock, length) if length else b""
        return None if payload is None else (ftype, payload)

    def stop(self):
        self._stop.set()
        self.listener.close()
        with self._lock:
            for sock in self._conns:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        self._thread.join(TIMEOUT)
