/* The one delivery point for frames that depend on a write to the store.
 *
 * A handler that changes state writes it to the store (which joins the pass
 * transaction), then hands the frame that tells of it to deliver_after_commit(). The
 * frame is queued at once, so it keeps its place among everything else the pass sends,
 * but the loop writes nothing to any socket before deliver_commit() has committed the
 * pass (the write barrier: it runs first in the before-sleep step). If the commit
 * fails, each such frame is taken out of every queue before a byte of it is written,
 * and its requester gets ERROR(STORAGE) instead. So an acknowledgement always means a
 * committed write ("log, then apply", ARCHITECTURE.md seam 4: with a cluster the log
 * becomes a stream, the apply stays). */
#ifndef CHAT_SERVER_DELIVER_H
#define CHAT_SERVER_DELIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "server/rooms.h"

struct client;
struct frame;
struct room;
struct server;

enum deliver_to {
    DELIVER_ALL,        /* every logged-in client, the requester included */
    DELIVER_REQUESTER,  /* the requester only */
};

/* Told once whether the frame's writes were committed (data is the caller's). */
typedef void (*deliver_done_fn)(struct server *srv, void *data, bool committed);

/* The request a frame answers: who asked, and the ref_type and ref_id its ERROR would
 * carry. */
struct deliver_request {
    struct client *requester;
    uint16_t ref_type;
    uint64_t ref_id;
};

/* A request kept by value for a frame made later in the same pass (held notices): its
 * requester may be gone by then. */
struct deliver_ticket {
    uint32_t conn_id;
    int fd;
    uint16_t ref_type;
    uint64_t ref_id;
};

/* The ticket of no request on this node (conn_id 0, fd -1): its frames are withdrawn on
 * a failed commit, with nobody to answer. */
extern const struct deliver_ticket deliver_no_request;

/* The ticket of req. */
struct deliver_ticket deliver_ticket_of(const struct deliver_request *req);

/* Marks f, already queued by the caller, as depending on this pass's writes for the
 * request of ticket t (as deliver_pending(); NULL: a request of another node). Call it
 * before the pass's commit. */
void deliver_pending_ticket(struct server *srv, const struct deliver_ticket *t,
                            struct frame *f);

/* Starts srv with nothing pending. */
void deliver_init(struct server *srv);

/* Queues f for `to` as depending on this pass's writes (see above). done, if not
 * NULL, is called with the commit's outcome. */
void deliver_after_commit(const struct deliver_request *req, struct frame *f,
                          enum deliver_to to, deliver_done_fn done, void *data);

/* The one delivery point of a room's frames: queues f (encoded once, shared) for the
 * online members of room (rooms.h; the lobby: everyone online), as depending on this
 * pass's writes, exactly as deliver_after_commit(). */
void deliver(const struct deliver_request *req, const struct room *room, struct frame *f,
             deliver_done_fn done, void *data);

/* deliver() for the request of ticket t (NULL: a request of another node, whose frames
 * depend on the commit all the same): what an event's apply function uses, since it
 * knows its requester only by ticket (event.h); deliver() itself is this with its
 * request's ticket. */
void deliver_ticketed(struct server *srv, const struct deliver_ticket *t,
                      const struct room *room, struct frame *f, deliver_done_fn done,
                      void *data);

/* The requester of ticket t if it is still connected, else NULL. */
struct client *deliver_ticket_client(struct server *srv, const struct deliver_ticket *t);

/* deliver() to the online members of room that accept (rooms.h) says yes to: for
 * frames some members must not see (receipts, to those who opted out). */
void deliver_if(const struct deliver_request *req, const struct room *room, struct frame *f,
                room_accept_fn accept, void *data);

/* Marks f, already queued to its recipients by the caller (room_send), as depending on
 * this pass's writes, like the two calls above. */
void deliver_pending(const struct deliver_request *req, struct frame *f,
                     deliver_done_fn done, void *data);

/* Commits the store's pass transaction; if that fails, withdraws every frame that
 * depended on it and answers its requester with ERROR(STORAGE). Runs before anything
 * of the pass is written. */
void deliver_commit(struct server *srv);

/* Forgets pending frames (the server is being freed; nothing is written any more). */
void deliver_free(struct server *srv);

#endif
