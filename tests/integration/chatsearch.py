"""SEARCH as the tests speak it (PROTOCOL.md 5.63): one request and its whole answer."""

import chatproto as P
from chatrooms import request


# What other people's activity may put between the answer's frames.
LIVE = (P.TEXT, P.FILE_ANNOUNCE, P.FILE_ANNOUNCE_THUMB, P.ROOM_STATE, P.ROOM_MEMBERS,
        P.ROOM_PRESENCE, P.USER_LIST, P.USER_JOINED, P.USER_LEFT)


def search(client, query, room_id=P.SEARCH_ALL_ROOMS, limit=20):
    """SEARCH answered by SEARCH_RESULTs then DONE: the results, best first."""
    request_id = request(client, P.SEARCH, room_id=room_id, limit=limit, query=query)
    results = []
    while True:
        frame = client.recv()
        if frame.type in LIVE:
            continue
        if frame.type == P.DONE:
            assert (frame.request_id, frame.request_type) == (request_id, P.SEARCH)
            return results
        assert frame.type == P.SEARCH_RESULT and frame.request_id == request_id, repr(frame)
        results.append(frame)


def search_refused(client, query, code=P.E_SEARCH_INVALID, room_id=P.SEARCH_ALL_ROOMS,
                   limit=20):
    """SEARCH answered by ERROR code (ref_id = its request_id)."""
    request_id = request(client, P.SEARCH, room_id=room_id, limit=limit, query=query)
    return client.expect_error(code, P.SEARCH, request_id)


def plain(snippet):
    """A snippet without its match marks."""
    return snippet.replace(P.SNIPPET_MARK_START, "").replace(P.SNIPPET_MARK_END, "")
