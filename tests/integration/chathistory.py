"""HISTORY and RESUME as the tests speak them (PROTOCOL.md 5.41-5.45), over
chatclient.RawClient, and the reference model a room's history is checked against."""

import itertools

import chatproto as P

_request_ids = itertools.count(5000)
MAX_PAGE = 100          # SERVER_HISTORY_MAX_LIMIT in server/limits.h
RESUME_BOUND = 100      # SERVER_RESUME_MAX_PER_ROOM

MESSAGES = (P.TEXT, P.FILE_ANNOUNCE, P.FILE_ANNOUNCE_THUMB)
# What a page or replay may say of its messages besides them (PROTOCOL.md 5.48): these
# count in HISTORY_END and are returned with the skipped frames.
NOTES = (P.REPLY_TO, P.MESSAGE_EDITED, P.MESSAGE_DELETED, P.REACTION)


def collect(client, request_id, skip=()):
    """The answer of one HISTORY or RESUME: (gap or None, [message frames], HISTORY_END,
    [skipped frames]). Frames of the types in skip (presence and such) may come first and
    are returned apart, as are the NOTES on the messages; the server queues an answer
    whole, so no live text interleaves."""
    gap, page, other = None, [], []
    notes = 0
    while True:
        frame = client.recv()
        if frame.type == P.HISTORY_END and frame.request_id == request_id:
            assert frame.count == len(page) + notes, (frame, len(page), notes)
            ids = [m.message_id for m in page]
            assert ids == sorted(set(ids)), f"page not ascending: {ids}"
            return gap, page, frame, other
        if frame.type == P.RESUME_GAP and frame.request_id == request_id:
            assert gap is None and not page, repr(frame)
            gap = frame
        elif frame.type in MESSAGES:
            page.append(frame)
        elif frame.type in NOTES:
            notes += 1
            other.append(frame)
        else:
            assert frame.type in skip, f"unexpected {frame!r}"
            other.append(frame)


def history(client, room_id, mode, anchor=0, limit=MAX_PAGE):
    """One HISTORY request: ([message frames], HISTORY_END)."""
    request_id = next(_request_ids)
    client.send_frame(P.HISTORY, request_id=request_id, room_id=room_id, mode=mode,
                      limit=limit, anchor=anchor)
    _, page, end, _ = collect(client, request_id)
    return page, end


def resume(client, room_id, last_id, skip=()):
    """One RESUME: (gap or None, [message frames], HISTORY_END, [skipped frames])."""
    request_id = next(_request_ids)
    client.send_frame(P.RESUME, request_id=request_id, room_id=room_id, last_id=last_id)
    return collect(client, request_id, skip)


def model_page(ids, mode, anchor, limit):
    """The reference answer to HISTORY over a room whose message ids are `ids` (sorted):
    (page ids, flags), as PROTOCOL.md 5.42/5.43 define them."""
    limit = min(limit, MAX_PAGE)
    lo, hi = 0, float("inf")
    if mode == P.HISTORY_LATEST:
        page = ids[-limit:]
    elif mode == P.HISTORY_BEFORE:
        hi = anchor
        page = [i for i in ids if i < anchor][-limit:]
    elif mode == P.HISTORY_AFTER:
        lo = anchor
        page = [i for i in ids if i > anchor][:limit]
    else:
        below = [i for i in ids if i < anchor][-(limit // 2):] if limit // 2 else []
        page = below + [i for i in ids if i >= anchor][:limit - limit // 2]
    flags = 0
    if page:
        flags |= P.HISTORY_MORE_BEFORE if any(i < page[0] for i in ids) else 0
        flags |= P.HISTORY_MORE_AFTER if any(i > page[-1] for i in ids) else 0
    else:
        flags |= P.HISTORY_MORE_BEFORE if any(i <= lo for i in ids) else 0
        flags |= P.HISTORY_MORE_AFTER if any(i >= hi for i in ids) else 0
    return page, flags
