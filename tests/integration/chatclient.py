"""A raw protocol client for tests: real socket, exact frames, deadlines on every read."""

import hashlib
import itertools
import select
import socket
import ssl
import struct
import time

import chatproto as P
from chatserver import TIMEOUT

_tokens = itertools.count(0x5EED0000)


class Closed(Exception):
    """The server closed the connection (EOF or reset)."""


class RawClient:
    """One TCP connection to the server speaking chatproto frames, in plain text or, given
    an ssl client context as tls, over TLS (handshake done before __init__ returns).

    recv() returns the next frame in arrival order; nothing is skipped silently, so a
    test that expects a frame sees exactly what came before it. The one exception is
    USER_ROLE, which a real client also keeps as state rather than showing: it is
    applied to self.roles (user id -> role) and not returned, unless the client was made
    with raw_roles=True (the tests of roles themselves)."""

    def __init__(self, port, rcvbuf=None, host="127.0.0.1", raw_roles=False, tls=None,
                 mss=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        if mss is not None:   # small segments: the server's kernel then buffers little
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.settimeout(TIMEOUT)
        self.sock.connect((host, port))
        if tls is not None:
            self.sock = tls.wrap_socket(self.sock)
        self.sock.setblocking(False)
        self.reader = P.Reader()
        self.closed = False
        self.name = None
        self.user_id = None
        self.welcome = None
        self.users = None
        self.raw_roles = raw_roles
        self.roles = {}

    # ---- sending ----
    def send(self, data):
        """Sends raw bytes, all of them (waiting for socket space with a deadline)."""
        view = memoryview(data)
        deadline = time.monotonic() + TIMEOUT
        while view:
            try:
                sent = self.sock.send(view)
                view = view[sent:]
            except (BlockingIOError, ssl.SSLWantWriteError, ssl.SSLWantReadError):
                left = deadline - time.monotonic()
                assert left > 0, "send blocked past the deadline: the server stopped reading"
                select.select([], [self.sock], [], left)

    def send_frame(self, ftype, **fields):
        self.send(P.encode(ftype, **fields))

    # ---- receiving ----
    def _fill(self, deadline):
        """Reads what the socket has, waiting until deadline; raises Closed or TimeoutError."""
        if self.closed:
            raise Closed("connection already closed")
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        held = isinstance(self.sock, ssl.SSLSocket) and self.sock.pending() > 0
        ready, _, _ = select.select([self.sock], [], [], 0 if held else left)
        if not ready and not held:
            raise TimeoutError
        try:
            data = self.sock.recv(1 << 20)
        except (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
            return
        except (ConnectionResetError, ssl.SSLEOFError, ssl.SSLZeroReturnError):
            data = b""
        if not data:
            self.closed = True
            raise Closed("server closed the connection")
        self.reader.feed(data)

    def _next(self):
        """The next whole frame already read, USER_ROLE applied (see the class)."""
        while True:
            frame = self.reader.next()
            if frame is None or frame.type != P.USER_ROLE or self.raw_roles:
                return frame
            for uid, _name in frame.users:
                self.roles[uid] = frame.role

    def recv(self, timeout=TIMEOUT):
        """The next frame; fails the test if none arrives before the deadline."""
        deadline = time.monotonic() + timeout
        while True:
            frame = self._next()
            if frame is not None:
                return frame
            try:
                self._fill(deadline)
            except TimeoutError:
                raise AssertionError(f"no frame within {timeout:.1f}s") from None

    def poll(self):
        """The next frame if one is already here (or arrives at once), else None."""
        frame = self._next()
        if frame is None:
            try:
                self._fill(time.monotonic() + 0.001)
            except TimeoutError:
                return None
            frame = self._next()
        return frame

    def expect(self, ftype, timeout=TIMEOUT, **fields):
        """The next frame must be ftype with the given field values; returns it."""
        frame = self.recv(timeout)
        assert frame.type == ftype, f"expected {P.TYPE_NAMES.get(ftype, ftype)}, got {frame!r}"
        for key, want in fields.items():
            got = getattr(frame, key)
            assert got == want, f"{frame!r}: {key} is {got!r}, expected {want!r}"
        return frame

    def expect_error(self, code, ref_type=None, ref_id=None, timeout=TIMEOUT):
        """The next frame must be ERROR with this code (and ref_type/ref_id if given)."""
        frame = self.expect(P.ERROR, timeout)
        assert frame.code == code, (
            f"expected ERROR {P.ERROR_NAMES.get(code)}, got {frame!r}")
        if ref_type is not None:
            assert frame.ref_type == ref_type, f"ref_type of {frame!r}"
        if ref_id is not None:
            assert frame.ref_id == ref_id, f"ref_id of {frame!r}"
        assert 0 < len(frame.message.encode()) <= P.MAX_REASON, f"message of {frame!r}"
        return frame

    def expect_closed(self, timeout=TIMEOUT):
        """No further frame may arrive: the server must close the connection."""
        deadline = time.monotonic() + timeout
        while True:
            frame = self._next()
            assert frame is None, f"expected the connection to close, got {frame!r}"
            try:
                self._fill(deadline)
            except Closed:
                assert self.reader.pending() == 0, "connection closed inside a frame"
                return
            except TimeoutError:
                raise AssertionError(f"connection still open after {timeout:.1f}s") from None

    def wait_for(self, ftype, timeout=TIMEOUT, skip=()):
        """Reads until a frame of ftype; frames of the types in skip may come first,
        anything else fails the test. Returns (frame, skipped frames)."""
        deadline = time.monotonic() + timeout
        skipped = []
        while True:
            frame = self.recv(max(deadline - time.monotonic(), 0.001))
            if frame.type == ftype:
                return frame, skipped
            assert frame.type in skip, f"unexpected {frame!r} while waiting for " \
                                       f"{P.TYPE_NAMES.get(ftype, ftype)}"
            skipped.append(frame)

    def sync(self, timeout=TIMEOUT):
        """PING/PONG barrier: returns every frame that arrived before the matching PONG.
        The server handles a connection's frames in order, so all earlier requests
        have been processed when this returns."""
        token = next(_tokens)
        self.send_frame(P.PING, token=token)
        before = []
        deadline = time.monotonic() + timeout
        while True:
            frame = self.recv(max(deadline - time.monotonic(), 0.001))
            if frame.type == P.PONG and frame.token == token:
                return before
            before.append(frame)

    def expect_quiet(self):
        """Nothing may be pending: the next frame after a PING is its PONG."""
        before = self.sync()
        assert before == [], f"unexpected frames: {before!r}"

    def close(self):
        if not self.closed:
            self.closed = True
        try:
            self.sock.close()
        except OSError:
            pass

    def reset(self):
        """Closes abruptly with a TCP reset (SO_LINGER 0), like a killed process."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close()

    # ---- session helpers ----
    def hello(self, name, agent="pytest/1", version=P.VERSION, features=0):
        self.send_frame(P.HELLO, version=version, features=features, username=name,
                        agent=agent)

    def login(self, name, agent="pytest/1"):
        """HELLO, then WELCOME and the USER_LIST frames, checked; returns the WELCOME."""
        self.hello(name, agent)
        return self.expect_welcome()

    # ---- accounts ----
    def register(self, name, password, invite="", agent="pytest/1"):
        self.send_frame(P.REGISTER, version=P.VERSION, features=0, username=name,
                        password=password, invite=invite, agent=agent)

    def password_login(self, name, password, agent="pytest/1", version=P.VERSION):
        self.send_frame(P.LOGIN, version=version, features=0, username=name,
                        password=password, agent=agent)

    def token_login(self, token, agent="pytest/1"):
        self.send_frame(P.LOGIN_TOKEN, version=P.VERSION, features=0, token=token, agent=agent)

    def expect_session(self, timeout=TIMEOUT):
        """SESSION, then WELCOME and the user list (checked); returns the SESSION."""
        session = self.expect(P.SESSION, timeout)
        assert len(session.token) == P.TOKEN_LEN, repr(session)
        self.expect_welcome()
        assert self.name == session.username, (session, self.welcome)
        return session

    def expect_welcome(self):
        """WELCOME and the USER_LIST frames that follow it, checked; returns the WELCOME."""
        welcome = self.expect(P.WELCOME)
        assert welcome.version == P.VERSION and welcome.features == 0, repr(welcome)
        assert welcome.users_online >= 1, repr(welcome)
        users = []
        while len(users) < welcome.users_online:
            frame = self.expect(P.USER_LIST)
            assert 1 <= len(frame.users), f"empty USER_LIST: {frame!r}"
            users.extend(frame.users)
        assert len(users) == welcome.users_online, f"USER_LIST has {users}, {welcome!r}"
        self.name = welcome.username
        self.user_id = welcome.user_id
        self.welcome = welcome
        self.users = users
        return welcome

    def say(self, text, client_id, room_id=P.ROOM_LOBBY):
        self.send_frame(P.TEXT_SEND, client_id=client_id, room_id=room_id, text=text)

    def goodbye(self, reason="bye"):
        self.send_frame(P.GOODBYE, reason=reason)


def sha256(data):
    return hashlib.sha256(data).digest()


def offer(client, upload_id, name, size, digest, room_id=P.ROOM_LOBBY, thumb=None):
    """FILE_OFFER, or FILE_OFFER_THUMB when thumb (bytes) is given."""
    fields = dict(upload_id=upload_id, size=size, sha256=digest, room_id=room_id, name=name)
    if thumb is None:
        client.send_frame(P.FILE_OFFER, **fields)
    else:
        client.send_frame(P.FILE_OFFER_THUMB, thumb=thumb, **fields)


def send_chunks(client, upload_id, data, chunk=P.MAX_CHUNK, start=0):
    """FILE_CHUNK frames for data (the bytes from offset start on)."""
    view = memoryview(data)
    for pos in range(0, len(data), chunk):
        piece = view[pos:pos + chunk]
        client.send(P.header(P.CHUNK_PREFIX + len(piece), P.FILE_CHUNK)
                    + struct.pack(">QQ", upload_id, start + pos) + piece)


def upload_until_end(client, name, data, upload_id=1, skip=(), thumb=None):
    """An upload of bytes in memory up to its FILE_END, which is the caller's: offered
    (with thumb, if given), accepted, every chunk sent."""
    offer(client, upload_id, name, len(data), sha256(data), thumb=thumb)
    accept, _ = client.wait_for(P.FILE_ACCEPT, skip=skip)
    assert accept.id == upload_id, repr(accept)
    send_chunks(client, upload_id, data)


def upload(client, name, data, upload_id=1, skip=(), thumb=None):
    """The whole upload protocol for bytes in memory (offered with thumb, if given);
    returns the uploader's FILE_ANNOUNCE (or FILE_ANNOUNCE_THUMB) after checking what it
    must echo."""
    digest = sha256(data)
    upload_until_end(client, name, data, upload_id, skip, thumb)
    client.send_frame(P.FILE_END, id=upload_id)
    announce_type = P.FILE_ANNOUNCE if thumb is None else P.FILE_ANNOUNCE_THUMB
    announce, _ = client.wait_for(announce_type, skip=skip)
    check_announce(announce, client, upload_id, len(data), digest)
    return announce


def check_announce(announce, uploader, upload_id, size, digest):
    assert announce.upload_id == upload_id, repr(announce)
    assert announce.uploader_id == uploader.user_id, repr(announce)
    assert announce.uploader == uploader.name, repr(announce)
    assert announce.size == size, repr(announce)
    assert announce.sha256 == digest, repr(announce)
    assert announce.room_id == P.ROOM_LOBBY, repr(announce)
    assert announce.file_id >= 1 and announce.message_id >= 1, repr(announce)


def download(client, file_id, offset=0, timeout=TIMEOUT, on_chunk=None):
    """DOWNLOAD_REQUEST, then START, contiguous CHUNKs and END, checked; returns
    (start frame, bytes received). Only chunk frames may come between START and END
    unless on_chunk is given, which then sees every other frame as well."""
    client.send_frame(P.DOWNLOAD_REQUEST, file_id=file_id, offset=offset)
    start = client.expect(P.DOWNLOAD_START, timeout)
    assert (start.file_id, start.offset) == (file_id, offset), repr(start)
    received = bytearray()
    deadline = time.monotonic() + timeout
    while True:
        frame = client.recv(max(deadline - time.monotonic(), 0.001))
        if frame.type == P.DOWNLOAD_CHUNK:
            assert frame.id == file_id, repr(frame)
            assert frame.offset == offset + len(received), (
                f"chunk at {frame.offset}, expected {offset + len(received)}")
            assert len(frame.data) <= client.welcome.max_chunk, repr(frame)
            received += frame.data
        elif frame.type == P.DOWNLOAD_END:
            assert frame.id == file_id, repr(frame)
            break
        if on_chunk is not None:
            on_chunk(frame, len(received))
        else:
            assert frame.type == P.DOWNLOAD_CHUNK, f"unexpected {frame!r} inside a download"
    assert offset + len(received) == start.size, (
        f"download ended at {offset + len(received)} of {start.size} bytes")
    return start, bytes(received)
