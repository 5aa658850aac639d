/* The connection layer: everything the server does to a client socket goes through a
 * struct conn and its small table of operations, as Redis does with its ConnectionType
 * (src/connection.h). Two implementations: plain TCP (conn_tcp.c) and TLS over OpenSSL
 * (conn_tls.c). Nothing else calls recv, writev, sendfile, shutdown or close on a
 * client socket.
 *
 * Operations follow the system calls they replace: -1 with errno set (EAGAIN when the
 * socket would block), 0 from read at end of input. TLS adds two things the loop must
 * honour, both hidden behind conn_socket_mask() and conn_fired_mask():
 *   - a read may need the socket to be writable (and a write readable): the interest
 *     registered with the loop is translated, and so is what the loop reports;
 *   - OpenSSL may hold decrypted input the kernel no longer reports (conn_has_pending):
 *     the server keeps such connections on a list it reads before sleeping. */
#ifndef CHAT_SERVER_CONN_H
#define CHAT_SERVER_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

enum conn_status {
    CONN_OK = 0,     /* the handshake is complete: frames may flow */
    CONN_AGAIN,      /* the handshake needs the socket ready again (conn_socket_mask) */
    CONN_PLAINTEXT,  /* a TLS port got plain text: the conn is now plain, so an ERROR
                        can be sent that the peer can read */
    CONN_FAILED,     /* the handshake failed; conn_error() says why */
};

/* A conn's flags: mostly the TLS implementation's, when OpenSSL needs the other direction. */
enum {
    CONN_READ_WANTS_WRITE = 1u << 0,
    CONN_WRITE_WANTS_READ = 1u << 1,
    CONN_HANDSHAKE_WANTS_WRITE = 1u << 2,
    CONN_ESTABLISHED = 1u << 3,
    CONN_COPY_FILES = 1u << 4, /* file parts go through conn_writev, copied (TLS without
                                  kTLS): conn_sendfile is not available */
    CONN_RETRY_SAME = 1u << 5, /* a write may keep part of what it reported unwritten (TLS:
                                  a record begun): the next write must offer the same
                                  bytes again, at least as many */
};

struct conn;

struct conn_type {
    const char *name; /* "tcp" or "tls", for logs */
    /* One non-blocking step of the handshake. */
    enum conn_status (*handshake)(struct conn *c);
    ssize_t (*read)(struct conn *c, void *buf, size_t len);
    /* Writes as much of iov as the socket takes; short only when it is full. more: a
     * file part follows at once (conn_sendfile), so plain TCP holds these bytes back
     * to share a segment with it (MSG_MORE) instead of sending a small one of their own. */
    ssize_t (*writev)(struct conn *c, const struct iovec *iov, int iovcnt, bool more);
    /* Sends len bytes of file_fd from offset on (less if the socket is full); not for a
     * conn with CONN_COPY_FILES. */
    ssize_t (*sendfile)(struct conn *c, int file_fd, off_t offset, size_t len);
    /* Ends our direction (TLS: close_notify, then FIN); best effort. */
    void (*shutdown)(struct conn *c);
    /* Closes the socket and frees c. */
    void (*close)(struct conn *c);
    /* Input already received and held in user space (TLS: inside OpenSSL). */
    bool (*has_pending)(const struct conn *c);
    /* How file payloads leave: "sendfile", "ktls" or "copy". */
    const char *(*file_path)(const struct conn *c);
    /* The transport in words for the log ("TLSv1.3 TLS_AES_128_GCM_SHA256 ..."). */
    void (*describe)(const struct conn *c, char *buf, size_t cap);
};

struct conn {
    const struct conn_type *type;
    int fd;
    unsigned flags;  /* CONN_* above */
    char *error;     /* why the last operation failed, for the log (NULL if errno says);
                        on the heap, so that a connection that never fails does not
                        carry a buffer for it */
};

/* A plain TCP connection over fd (already non-blocking): established at once. */
struct conn *conn_tcp_new(int fd);

/* Frees a plain conn made by conn_tcp_new(), leaving its socket open. */
void conn_tcp_release(struct conn *c);

/* Turns c (of any type whose struct begins with struct conn) into plain TCP in place:
 * used by the TLS implementation when a peer speaks plain text. */
void conn_tcp_adopt(struct conn *c);

static inline enum conn_status conn_handshake(struct conn *c)
{
    return c->type->handshake(c);
}

static inline ssize_t conn_read(struct conn *c, void *buf, size_t len)
{
    return c->type->read(c, buf, len);
}

static inline ssize_t conn_writev(struct conn *c, const struct iovec *iov, int iovcnt)
{
    return c->type->writev(c, iov, iovcnt, false);
}

/* conn_writev of the bytes just before a file part (a download chunk's header). */
static inline ssize_t conn_writev_before_file(struct conn *c, const struct iovec *iov,
                                              int iovcnt)
{
    return c->type->writev(c, iov, iovcnt, true);
}

static inline ssize_t conn_sendfile(struct conn *c, int file_fd, off_t offset, size_t len)
{
    return c->type->sendfile(c, file_fd, offset, len);
}

static inline void conn_shutdown(struct conn *c)
{
    c->type->shutdown(c);
}

static inline void conn_close(struct conn *c)
{
    c->type->close(c);
}

static inline bool conn_has_pending(const struct conn *c)
{
    return c->type->has_pending(c);
}

static inline bool conn_established(const struct conn *c)
{
    return (c->flags & CONN_ESTABLISHED) != 0;
}

static inline const char *conn_file_path(const struct conn *c)
{
    return c->type->file_path(c);
}

static inline void conn_describe(const struct conn *c, char *buf, size_t cap)
{
    c->type->describe(c, buf, cap);
}

/* The words for the last failure: conn_error's text, else errno's. */
const char *conn_error(const struct conn *c, int errnum);

/* Records why the last operation failed (printf-style), replacing any earlier text. */
void conn_set_error(struct conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Frees the recorded text: every implementation's close does this before freeing c. */
void conn_forget_error(struct conn *c);

/* The interest to register with the loop for an established connection that wants
 * `want` (EV_READ and/or EV_WRITE): want, with a direction swapped where OpenSSL needs
 * the other one. */
int conn_socket_mask(const struct conn *c, int want);

/* What a readiness report means for the connection's reader and writer: a writable
 * socket wakes a read that wanted to write, and the reverse. */
int conn_fired_mask(const struct conn *c, int fired);

/* True when input waits to be read: in the socket or held inside the conn. */
bool conn_input_waiting(const struct conn *c);

/* Discards up to max bytes of unread input (so a close() that follows sends FIN, not
 * a reset that could destroy our last bytes). Never waits. */
void conn_drain(struct conn *c, size_t max);

#endif
