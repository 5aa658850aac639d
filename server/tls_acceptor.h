/* TLS handshakes off the event loop. A handshake costs ~0.1-0.3 ms of public-key work
 * (key exchange and signature); done on the loop, a storm of them would hold up every
 * other client's frames. So a connection accepted on a TLS port goes to one helper
 * thread, at a lower priority, that runs its non-blocking handshake under the
 * handshake timeout with an epoll of its own; the loop takes the finished ones back
 * (the fd from tls_acceptor_fd() turns readable) and only then makes them clients.
 * While a connection is with the thread, nothing on the loop touches it. */
#ifndef CHAT_SERVER_TLS_ACCEPTOR_H
#define CHAT_SERVER_TLS_ACCEPTOR_H

#include <stddef.h>
#include <stdint.h>

#include "server/conn.h"
#include "server/list.h"
#include "server/net.h"

struct tls_acceptor;

/* A connection handed to the thread, and how its handshake ended. */
struct tls_job {
    struct conn *conn;
    uint32_t id;                /* connection id, for the log and the client */
    char addr[NET_ADDR_MAX];
    int64_t deadline_ms;        /* monotonic: the handshake timeout */
    enum conn_status status;    /* CONN_OK, CONN_PLAINTEXT, CONN_FAILED, or CONN_AGAIN
                                   when the deadline passed */
    struct list_node link;      /* the thread's jobs by deadline, or the done queue */
};

/* Starts the thread. NULL with err filled if it cannot. */
struct tls_acceptor *tls_acceptor_start(char *err, size_t errlen);

/* The descriptor that turns readable when finished handshakes wait in
 * tls_acceptor_take(). */
int tls_acceptor_fd(const struct tls_acceptor *a);

/* Hands a connection (handshake not begun) to the thread; job is the caller's
 * allocation, given up until tls_acceptor_take() returns it. */
void tls_acceptor_submit(struct tls_acceptor *a, struct tls_job *job);

/* Moves up to max finished jobs to `done` (a list of tls_job.link); the caller owns
 * them. If more wait, the descriptor stays readable, so the loop takes them in its next
 * pass, after the other ready descriptors. */
void tls_acceptor_take(struct tls_acceptor *a, struct list_node *done, unsigned max);

/* Stops the thread and closes every connection still with it (or finished and not
 * taken), freeing their jobs. */
void tls_acceptor_stop(struct tls_acceptor *a);

/* ---- tls_handoff.c: the loop thread's side ---- */
struct server;

/* Takes an admitted connection on a TLS port to the handshake thread, or refuses it
 * (closed, logged) when no TLS session can be made for it. */
void tls_handoff_submit(struct server *srv, int fd, uint32_t id, const char *addr);

/* Makes clients of the connections whose handshake is over: a TLS client, or a plain
 * one that gets ERROR(TLS_REQUIRED) and a close; the failed and the timed out are
 * logged and closed. */
void tls_handoff_collect(struct server *srv);

#endif
