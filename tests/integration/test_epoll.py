"""The epoll poller (--poller epoll): the behaviour the other tests check under the
default select poller holds under epoll too, and epoll has no FD_SETSIZE cap."""

import os
import resource

import pytest

import chatproto as P
from crowd import Crowd

# The key behaviours, run again here with every server on epoll (see server_factory).
from test_broadcast import (  # noqa: F401
    test_concurrent_senders_share_one_total_order, test_text_reaches_everyone_including_sender)
from test_download import (  # noqa: F401
    test_cancel_stops_download, test_two_downloads_at_once_on_one_connection)
from test_large_transfer import test_chat_interleaves_with_200mb_upload_and_download  # noqa: F401
from test_login import (  # noqa: F401
    test_second_hello_refused, test_user_list_split_over_frames, test_welcome_fields_and_defaults)
from test_presence import (  # noqa: F401
    test_goodbye_flushes_then_leave_notice, test_leave_notice_when_connection_drops)
from test_shutdown import test_signal_sends_shutdown_and_exits_zero  # noqa: F401
from test_slow_reader import test_stalled_reader_dropped_others_get_everything  # noqa: F401
from test_upload import (  # noqa: F401
    test_disconnect_mid_upload_leaves_nothing, test_upload_announced_stored_and_downloadable)

FD_SETSIZE = 1024
CROWD = 1100  # more connections than select() can watch


@pytest.fixture
def server_factory(server_factory):
    """Servers in this module run the epoll poller unless a test names another."""
    def start(*options, files_dir=None, tls=False):
        if "--poller" not in options:
            options = (*options, "--poller", "epoll")
        server = server_factory(*options, files_dir=files_dir, tls=tls)
        server.wait_log(r"INFO .* start poller=" + options[options.index("--poller") + 1])
        return server
    return start


@pytest.fixture
def low_fd_limit():
    """Starts servers with a soft descriptor limit of FD_SETSIZE, so a server asked for
    more clients must raise its own; the test process itself gets room for a crowd.
    The limits are restored afterwards."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    room = CROWD + 256
    if hard != resource.RLIM_INFINITY and hard < room:
        pytest.skip(f"the hard descriptor limit {hard} leaves no room for {CROWD} clients")

    def start_with(server_factory, *options):
        resource.setrlimit(resource.RLIMIT_NOFILE, (FD_SETSIZE, hard))
        try:
            return server_factory(*options)
        finally:
            resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, room), hard))

    yield start_with
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_more_clients_than_fd_setsize(server_factory, low_fd_limit):
    """1100 clients log in at once, each ends up knowing all 1100, and one text reaches
    every one of them."""
    server = low_fd_limit(server_factory, "--max-clients", str(CROWD + 10))
    server.wait_log(r"open-file limit raised from 1024 to \d+")
    with Crowd(server.port, CROWD) as crowd:
        members = crowd.members
        crowd.hello()
        crowd.pump(lambda: all(m.knows(CROWD) for m in members), "everyone to know everyone")
        assert len(os.listdir(f"/proc/{server.pid}/fd")) > FD_SETSIZE + 50
        everyone = members[0].view()
        assert all(m.view() == everyone for m in members)

        members[-1].send(P.encode(P.TEXT_SEND, client_id=77, room_id=0, text="all of you"))
        crowd.pump(lambda: all(m.frames[-1].type == P.TEXT for m in members), "the text")
        for m in members:
            text = m.frames[-1]
            assert (text.sender, text.client_id, text.text) == (members[-1].name, 77,
                                                                "all of you")
            assert len(m.of_type(P.TEXT)) == 1 and not m.closed


def test_select_refuses_what_it_cannot_watch(server_factory, low_fd_limit):
    """The same crowd under select: connections whose descriptor is past FD_SETSIZE are
    refused with SERVER_FULL; the others log in and are served as usual."""
    server = low_fd_limit(server_factory, "--poller", "select", "--max-clients", str(CROWD))
    server.wait_log(r"WARN .* the select poller can watch only descriptors below 1024")
    with Crowd(server.port, CROWD) as crowd:
        members = crowd.members
        crowd.hello()

        def settled(m):
            return m.closed or (m.frames and m.frames[0].type == P.WELCOME and m.logged_in())
        crowd.pump(lambda: all(settled(m) for m in members), "each to log in or be refused")
        refused = [m for m in members if m.closed]
        admitted = [m for m in members if not m.closed]
        assert CROWD - FD_SETSIZE < len(refused) and len(admitted) < FD_SETSIZE
        for m in refused:
            assert [(f.type, f.code) for f in m.frames] == [(P.ERROR, P.E_SERVER_FULL)]
        crowd.pump(lambda: all(m.knows(len(admitted)) for m in admitted),
                   "the admitted to know each other")
        admitted[0].send(P.encode(P.TEXT_SEND, client_id=5, room_id=0, text="still fine"))
        crowd.pump(lambda: all(m.frames[-1].type == P.TEXT for m in admitted), "the text")
