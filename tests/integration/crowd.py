"""Many raw protocol clients at once, driven by one epoll selector.

RawClient waits with select(), which cannot watch descriptors past FD_SETSIZE and costs
one call per client; a Crowd reads hundreds or thousands of connections in one loop, and
keeps every frame each member received, in order, for the test to check afterwards.
USER_LIST/JOINED/LEFT payloads are decoded by a lean walker (a login storm sends
hundreds of thousands of entries), as strictly as chatproto decodes them.
"""

import selectors
import socket
import struct
import time

import chatproto as P
from chatserver import TIMEOUT

_USER_TYPES = (P.USER_LIST, P.USER_JOINED, P.USER_LEFT)
_ENTRY = struct.Struct(">IH")


def _decode_users(ftype, payload):
    (count,) = struct.unpack_from(">H", payload, 0)
    if count > P.MAX_USERS_PER_FRAME:
        raise P.ProtocolError("too_large", f"{count} users in one frame")
    pos, users = 2, []
    for _ in range(count):
        if pos + _ENTRY.size > len(payload):
            raise P.ProtocolError("truncated", "payload ends inside a user entry")
        uid, length = _ENTRY.unpack_from(payload, pos)
        pos += _ENTRY.size
        if length > P.MAX_NAME_BYTES or pos + length > len(payload):
            raise P.ProtocolError("truncated", f"name of {length} bytes")
        users.append((uid, payload[pos:pos + length].decode("utf-8")))
        pos += length
    if pos != len(payload):
        raise P.ProtocolError("trailing", f"{len(payload) - pos} bytes after the last user")
    return P.Frame(ftype, users=users)


class Member:
    """One connection of a crowd: its socket, its name and every frame it got."""

    def __init__(self, sock, name):
        self.sock = sock
        self.name = name
        self.frames = []
        self.roles = {}   # user id -> role, from USER_ROLE frames (kept as state, as
                          # RawClient does, not among the frames)
        self.closed = False
        self._buf = bytearray()

    def feed(self, data):
        self._buf += data
        pos = 0
        while len(self._buf) - pos >= P.HEADER_SIZE:
            length, ftype, flags = struct.unpack_from(">IHH", self._buf, pos)
            assert length <= P.MAX_PAYLOAD and flags == 0, f"{self.name}: bad header"
            end = pos + P.HEADER_SIZE + length
            if end > len(self._buf):
                break
            payload = bytes(self._buf[pos + P.HEADER_SIZE:end])
            if ftype == P.USER_ROLE:
                frame = P.decode_payload(ftype, payload)
                self.roles.update((uid, frame.role) for uid, _name in frame.users)
            elif ftype in _USER_TYPES:
                self.frames.append(_decode_users(ftype, payload))
            else:
                self.frames.append(P.decode_payload(ftype, payload))
            pos = end
        del self._buf[:pos]

    def send(self, data):
        """Sends all of data, waiting (with the deadline) while the socket is full."""
        self.sock.settimeout(TIMEOUT)
        try:
            self.sock.sendall(data)
        finally:
            self.sock.setblocking(False)

    @property
    def welcome(self):
        """The WELCOME, which must be the first frame, or None before it came."""
        if not self.frames:
            return None
        assert self.frames[0].type == P.WELCOME, f"{self.name} first got {self.frames[0]!r}"
        return self.frames[0]

    @property
    def user_id(self):
        return self.welcome.user_id

    def logged_in(self):
        """True once WELCOME and USER_LIST entries adding up to users_online are in."""
        welcome = self.welcome
        if welcome is None:
            return False
        listed = 0
        for frame in self.frames[1:]:
            if listed == welcome.users_online:
                break
            assert frame.type == P.USER_LIST, f"{self.name}: {frame!r} inside its user list"
            listed += len(frame.users)
        assert listed <= welcome.users_online, f"{self.name}: list longer than users_online"
        return listed == welcome.users_online

    def listed(self):
        """The USER_LIST entries, and the frames that came after the list."""
        assert self.logged_in(), f"{self.name} is not logged in"
        entries, rest = [], self.frames[1:]
        while len(entries) < self.welcome.users_online:
            entries.extend(rest[0].users)
            rest = rest[1:]
        return entries, rest

    def view(self):
        """Who is online as this member must believe: its list, then every JOINED and
        LEFT in order. Fails on an inconsistency: a duplicate in the list, a JOINED for
        someone already there (itself included), a LEFT for someone absent."""
        entries, rest = self.listed()
        online = dict(entries)
        assert len(online) == len(entries), f"{self.name}: duplicates in its user list"
        assert online.get(self.user_id) == self.name, f"{self.name} is not in its own list"
        for frame in rest:
            if frame.type == P.USER_JOINED:
                for uid, name in frame.users:
                    assert uid not in online, f"{self.name} told twice that {name} is here"
                    online[uid] = name
            elif frame.type == P.USER_LEFT:
                for uid, name in frame.users:
                    assert online.pop(uid, None) == name, f"{self.name}: {name} left twice"
        return online

    def knows(self, count):
        """True once logged in and believing count clients are online."""
        return self.logged_in() and len(self.view()) == count

    def of_type(self, ftype):
        return [f for f in self.frames if f.type == ftype]


class Crowd:
    """count connections to port, members named prefix0000, prefix0001, ..."""

    def __init__(self, port, count, prefix="m"):
        self.selector = selectors.EpollSelector()
        self.members = []
        for i in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.setblocking(False)
            member = Member(sock, f"{prefix}{i:04d}")
            self.members.append(member)
            self.selector.register(sock, selectors.EVENT_READ, member)

    def hello(self, members=None):
        """Each of members (default: all) sends HELLO with its name, as fast as the loop
        goes."""
        for member in self.members if members is None else members:
            member.send(P.encode(P.HELLO, version=P.VERSION, features=0,
                                 username=member.name, agent="pytest-crowd/1"))

    def drop(self, member, reset=False):
        """Closes one member's connection: a FIN, or a reset like a killed process."""
        if reset:
            member.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                   struct.pack("ii", 1, 0))
        if not member.closed:
            self.selector.unregister(member.sock)
        member.sock.close()
        member.closed = True

    def pump(self, done, what, timeout=TIMEOUT):
        """Reads whatever arrives until done() is true; fails the test at the deadline."""
        deadline = time.monotonic() + timeout
        while not done():
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out after {timeout:.1f}s waiting for {what}")
            for key, _ in self.selector.select(min(left, 0.1)):
                member = key.data
                try:
                    data = member.sock.recv(1 << 20)
                except BlockingIOError:
                    continue
                except ConnectionResetError:
                    data = b""
                if data:
                    member.feed(data)
                else:
                    member.closed = True
                    self.selector.unregister(member.sock)

    def close(self):
        for member in self.members:
            member.sock.close()
        self.selector.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
