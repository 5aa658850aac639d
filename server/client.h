/* One connection: its decoder, output queue, state and transfers, and the ways it can
 * end. A client is freed only by client_close(); everything else (handlers, broadcasts)
 * may use any client it holds until the loop pass returns to the event loop. */
#ifndef CHAT_SERVER_CLIENT_H
#define CHAT_SERVER_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/protocol.h"
#include "server/guard.h"
#include "server/list.h"
#include "server/log.h"
#include "server/net.h"
#include "server/outq.h"
#include "server/server.h"

struct conn;
struct upload;

enum client_state {
    CLIENT_HANDSHAKE, /* connected, no accepted HELLO yet */
    CLIENT_ONLINE,    /* logged in */
    CLIENT_CLOSING,   /* gone for everyone else; flushing its last frames */
};

struct client {
    struct server *srv;
    struct conn *conn;         /* every byte in or out goes through it (conn.h) */
    int fd;                    /* the socket's number: its slot in srv->by_fd */
    uint32_t id;               /* connection id, also the user id in WELCOME */
    enum client_state state;
    int ev_mask;               /* interest currently registered with the loop */
    bool input_eof;            /* the peer will send nothing more */
    bool history_waiting;      /* its next frame, a HISTORY or RESUME, waits for its
                                  output to drain (history.h) */
    bool output_shut;          /* our side has sent FIN */
    bool welcome_pending;      /* logged in this pass: WELCOME and USER_LIST are held
                                  with the pass's USER_JOINED notices */
    bool auth_pending;         /* a password check or hash for it is on the worker */
    bool search_running;       /* its SEARCH is on the search thread: its next frames
                                  wait for the answer (search.h) */
    bool receipts_off;         /* the account shares no receipts and gets none (live.h) */
    uint8_t role;              /* enum proto_role while online */
    uint16_t presence;         /* enum proto_presence, as the client last set it */
    uint32_t online_index;     /* position in srv->online while online */
    uint64_t pass;             /* last loop pass its input was handled in */
    uint64_t live_from;        /* store_pass_first_message() when it last began to get a
                                  room's live frames (history_live_started) */
    int64_t deadline_ms;       /* handshake or linger deadline (monotonic) */
    char *name;                /* accepted username, NULL before login */
    char *name_key;            /* its fold key in srv->names */
    int64_t account_id;        /* the account logged in, 0 for a guest or before login */
    int64_t muted_until_ms;    /* wall clock; texts are refused until then */
    int64_t hash_us;           /* how long its last Argon2 job took, for the log line of
                                  the session made once its event has applied */
    uint8_t *token_hash;       /* PROTO_SHA256_LEN bytes: this connection's session
                                  token, hashed; NULL when it has none */
    GHashTable *typing_relayed; /* room id -> gint64 * monotonic ms of the last TYPING of
                                   this connection relayed there; NULL until one is */
    struct proto_decoder decoder;
    struct outq out;
    struct upload *uploads;    /* uploads in flight, newest first */
    uint32_t upload_count;
    uint32_t download_count;
    struct list_node downloads; /* struct download, served round-robin */
    struct list_node timer_link;   /* srv->handshakes or srv->lingering */
    struct list_node pending_link; /* srv->pending_writes */
    struct list_node backlog_link; /* srv->backlog */
    struct list_node pending_read_link; /* srv->pending_reads */
    struct list_node download_link; /* srv->downloaders */
    struct client_guard guard;     /* rate budgets, throttle and idle state (guard.h) */
    struct bucket *search_budget;  /* CPU milliseconds its searches may still take
                                      (search.c); NULL until its first SEARCH */
    char addr[NET_ADDR_MAX];
};

/* Registers a newly accepted socket as a plain-text client in handshake state (no HELLO
 * yet), or returns NULL (fd untouched) when the event loop cannot watch that fd. */
struct client *client_new(struct server *srv, int fd, uint32_t id, const char *addr);

/* The same for a connection of any type whose transport handshake is over (a TLS one
 * comes back from the handshake thread); NULL (conn untouched) when the loop cannot
 * watch its fd. */
struct client *client_new_conn(struct server *srv, struct conn *conn, uint32_t id,
                               const char *addr);

/* Writes a log line about this client (conn, address and name filled in). */
void client_log(const struct client *c, enum log_level level, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* Queues a frame (taking a reference) and schedules a write before the loop sleeps.
 * Frames for a client whose output is shut are dropped. */
void client_send(struct client *c, struct frame *f);

/* Encodes msg and queues it; an encoding failure is a server bug and is logged. */
void client_send_msg(struct client *c, const struct proto_msg *msg);

/* Queues ERROR(code, ref_type, ref_id, message) and logs that it was sent. */
void client_send_error(struct client *c, uint16_t code, uint16_t ref_type, uint64_t ref_id,
                       const char *fmt, ...) G_GNUC_PRINTF(5, 6);

/* Queues f to every logged-in client except `except` (which may be NULL). */
void client_broadcast(struct server *srv, struct frame *f, const struct client *except);

/* Ends the session gracefully: the client leaves at once (logged with reason, USER_LEFT
 * to the others, transfers dropped), then its queued frames are flushed and the
 * connection closed, at the latest after SERVER_CLOSE_LINGER_MS. Never frees c. */
void client_finish(struct client *c, const char *reason);

/* Closes the connection now and frees c, leaving first if it has not (logged with
 * reason). The caller must not use c afterwards. */
void client_close(struct client *c, const char *reason);

/* Registers the interest c's state calls for with the loop: reading unless the peer is
 * done or c is throttled, writing while output waits or a download could produce more. */
void client_update_interest(struct client *c);

/* Reads once more from every client whose conn holds input the kernel no longer
 * reports (TLS records decrypted but not yet taken); called before the loop sleeps,
 * before the pass's commit. */
void client_read_pending(struct server *srv);

/* Writes queued output. Called only by the before-sleep step, after the pass's commit:
 * that is the write barrier group commit rests on (deliver.h), so nothing else may
 * write to a client socket. Called for clients with pending writes;
 * closes the client on a write error, when it is too slow, or when a finished session
 * has delivered everything and the peer is gone. */
void client_flush(struct client *c);

#endif
