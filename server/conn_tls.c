/* TLS connections over OpenSSL, non-blocking from the first byte (Redis src/tls.c and
 * Mosquitto net__handle_ssl are the models).
 *
 * The handshake first peeks at one byte: a TLS connection opens with a handshake
 * record (0x16); anything else is a client speaking plain text, and the conn turns
 * into a plain one so the server can answer it an ERROR it can read. Reads and writes
 * record in the conn's flags when OpenSSL needs the other direction (conn.h), and
 * writes gather small frames into full records: a broadcast of many small frames costs
 * one record per 16 KiB, not one per frame. File payloads go with SSL_sendfile when
 * the kernel took over the encryption (kTLS); without it the conn says CONN_COPY_FILES
 * and the queue hands them over copied, headers and payloads in one buffer (outq.c),
 * so that records stay full; the records of one such write leave in a few large
 * system calls, not one per record (tls_batch.h). Reads take whatever has arrived
 * (read-ahead) and stop as soon as OpenSSL holds nothing, so no read ends in a wasted
 * EAGAIN. */
#include <errno.h>
#include <glib.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/conn.h"
#include "server/tls.h"
#include "server/tls_batch.h"

#define TLS_RECORD_MAX 16384 /* the largest TLS plaintext record */
#define TLS_RECORD_TYPE_HANDSHAKE 0x16

struct conn_tls {
    struct conn base;
    SSL *ssl;
    bool probed;     /* the first byte was a TLS handshake record */
    bool failed;     /* a fatal error: no close_notify may follow */
    bool ktls_send;  /* the kernel encrypts what we send */
    bool held;       /* OpenSSL may hold whole records the socket will not report again */
    BIO *batch;      /* the buffering BIO lent to this conn (tls_writev), or NULL */
    size_t sealed;   /* bytes the caller offered whose records wait in batch */
};

static struct conn_tls *tls_of(struct conn *c)
{
    return (struct conn_tls *)c;
}

/* Records why an OpenSSL call failed (code from SSL_get_error) in the conn, sets errno
 * for the caller, and marks the session unusable. */
static void tls_fail(struct conn_tls *t, int code, const char *what)
{
    char why[200];
    int saved = errno;
    t->failed = true;
    if (code == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
        conn_set_error(&t->base, "TLS %s: %s", what,
                       saved != 0 ? g_strerror(saved) : "connection closed");
        errno = saved != 0 ? saved : ECONNRESET;
        return;
    }
    conn_set_error(&t->base, "TLS %s: %s", what,
                   tls_error_text(why, sizeof why, "protocol error"));
    errno = EPROTO;
}

/* Peeks at the first byte: TLS, plain text, or not here yet. */
static enum conn_status tls_probe(struct conn_tls *t)
{
    unsigned char first;
    ssize_t n;
    do
        n = recv(t->base.fd, &first, 1, MSG_PEEK);
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return CONN_AGAIN;
    if (n <= 0) {
        conn_set_error(&t->base, "closed before the TLS handshake%s%s", n < 0 ? ": " : "",
                       n < 0 ? g_strerror(errno) : "");
        return CONN_FAILED;
    }
    if (first != TLS_RECORD_TYPE_HANDSHAKE) {
        SSL_free(t->ssl);
        t->ssl = NULL;
        conn_tcp_adopt(&t->base);
        return CONN_PLAINTEXT;
    }
    t->probed = true;
    return CONN_OK;
}

static enum conn_status tls_handshake(struct conn *c)
{
    struct conn_tls *t = tls_of(c);
    c->flags &= ~CONN_HANDSHAKE_WANTS_WRITE;
    if (!t->probed) {
        enum conn_status st = tls_probe(t);
        if (st != CONN_OK)
            return st;
    }
    ERR_clear_error();
    int r = SSL_accept(t->ssl);
    if (r == 1) {
        c->flags |= CONN_ESTABLISHED | CONN_RETRY_SAME;
        t->ktls_send = BIO_get_ktls_send(SSL_get_wbio(t->ssl));
        if (!t->ktls_send)
            c->flags |= CONN_COPY_FILES;
        t->held = SSL_has_pending(t->ssl); /* read ahead past the client's Finished */
        return CONN_OK;
    }
    int code = SSL_get_error(t->ssl, r);
    if (code == SSL_ERROR_WANT_READ)
        return CONN_AGAIN;
    if (code == SSL_ERROR_WANT_WRITE) {
        c->flags |= CONN_HANDSHAKE_WANTS_WRITE;
        return CONN_AGAIN;
    }
    tls_fail(t, code, "handshake");
    return CONN_FAILED;
}

static ssize_t tls_read(struct conn *c, void *buf, size_t len)
{
    struct conn_tls *t = tls_of(c);
    c->flags &= ~CONN_READ_WANTS_WRITE;
    t->held = false;
    size_t got = 0;
    while (got < len) { /* a record at a time: fill what the caller offers */
        ERR_clear_error();
        int r = SSL_read(t->ssl, (char *)buf + got, (int)MIN(len - got, (size_t)INT_MAX));
        if (r > 0) {
            got += (size_t)r;
            if (!SSL_has_pending(t->ssl))
                break; /* all taken: the socket reports the rest, no read ends in EAGAIN */
            continue;
        }
        int code = SSL_get_error(t->ssl, r);
        if (code == SSL_ERROR_WANT_READ)
            break;
        if (code == SSL_ERROR_WANT_WRITE) {
            c->flags |= CONN_READ_WANTS_WRITE;
            break;
        }
        if (got > 0)
            return (ssize_t)got; /* the end or the error comes with the next call */
        if (code == SSL_ERROR_ZERO_RETURN)
            return 0;
        tls_fail(t, code, "read");
        return -1;
    }
    if (got == 0) {
        errno = EAGAIN;
        return -1;
    }
    /* A full buffer may leave records read ahead: tls_has_pending() says so. A partial
     * record left behind needs the socket, which will report its rest. */
    t->held = got == len && SSL_has_pending(t->ssl);
    return (ssize_t)got;
}

/* One SSL_write; > 0 bytes written, 0 when the socket is full, -1 on failure. */
static ssize_t tls_write_once(struct conn_tls *t, const void *data, size_t len)
{
    ERR_clear_error();
    int r = SSL_write(t->ssl, data, (int)MIN(len, (size_t)INT_MAX));
    if (r > 0)
        return r;
    int code = SSL_get_error(t->ssl, r);
    if (code == SSL_ERROR_WANT_WRITE)
        return 0;
    if (code == SSL_ERROR_WANT_READ) {
        t->base.flags |= CONN_WRITE_WANTS_READ;
        return 0;
    }
    tls_fail(t, code, "write");
    return -1;
}

/* The next piece to hand SSL_write, from byte `skip` of iov[i] on: a part of at least
 * a record goes as it is; smaller ones are gathered into buf up to a record. A retry
 * after the socket was full starts at the same byte and gathers at least as much, as
 * OpenSSL requires of a retried write. */
static size_t next_piece(const struct iovec *iov, int iovcnt, int i, size_t skip,
                         uint8_t *buf, const void **data)
{
    size_t first = iov[i].iov_len - skip;
    if (first >= TLS_RECORD_MAX) {
        *data = (const uint8_t *)iov[i].iov_base + skip;
        return first;
    }
    size_t filled = 0;
    for (; i < iovcnt && filled < TLS_RECORD_MAX; i++, skip = 0) {
        size_t n = MIN(iov[i].iov_len - skip, (size_t)TLS_RECORD_MAX - filled);
        memcpy(buf + filled, (const uint8_t *)iov[i].iov_base + skip, n);
        filled += n;
    }
    *data = buf;
    return filled;
}

/* Hands the records waiting in the lent BIO to the socket: 1 when all went, 0 when
 * the socket is full, -1 on failure (recorded). */
static int batch_flush(struct conn_tls *t)
{
    int st = tls_batch_flush(t->batch);
    if (st < 0)
        tls_fail(t, SSL_ERROR_SYSCALL, "write");
    return st;
}

static size_t iov_total(const struct iovec *iov, int iovcnt)
{
    size_t total = 0;
    for (int i = 0; i < iovcnt; i++)
        total += iov[i].iov_len;
    return total;
}

/* Seals iov from byte `from` on, record by record (SSL_write, gathering small parts
 * into full records): bytes taken, short when the socket is full, -1 on failure. */
static ssize_t tls_seal(struct conn_tls *t, const struct iovec *iov, int iovcnt,
                        size_t from)
{
    uint8_t buf[TLS_RECORD_MAX];
    size_t total = 0, skip = from;
    int i = 0;
    while (i < iovcnt && skip >= iov[i].iov_len) /* to byte `from` */
        skip -= iov[i++].iov_len;
    while (i < iovcnt) {
        if (skip == iov[i].iov_len) {
            i++;
            skip = 0;
            continue;
        }
        const void *data;
        size_t len = next_piece(iov, iovcnt, i, skip, buf, &data);
        ssize_t n = tls_write_once(t, data, len);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        total += (size_t)n;
        for (size_t left = (size_t)n; left > 0;) { /* advance past what went out */
            size_t step = MIN(left, iov[i].iov_len - skip);
            skip += step;
            left -= step;
            if (skip == iov[i].iov_len && left > 0) {
                i++;
                skip = 0;
            }
        }
    }
    return (ssize_t)total;
}

/* Without kTLS, a write of several records seals them all into a lent buffering BIO
 * and hands them to the socket in one system call, instead of one per 16 KiB record.
 * Bytes count as written only once their records are in the socket: if it took them
 * only in part, they are reported unwritten and kept (t->sealed); the caller offers
 * the same bytes again, as for any short write, and they are skipped then, once the
 * rest of their records went out. */
static ssize_t tls_writev(struct conn *c, const struct iovec *iov, int iovcnt, bool more)
{
    (void)more; /* records are gathered already; with kTLS, SSL_sendfile follows */
    struct conn_tls *t = tls_of(c);
    c->flags &= ~CONN_WRITE_WANTS_READ;
    size_t offered = iov_total(iov, iovcnt), done = 0;
    if (t->sealed > 0) {
        if (offered < t->sealed) { /* not the bytes offered before: a caller's bug */
            conn_set_error(c, "TLS write: %zu bytes offered after %zu were sealed", offered,
                           t->sealed);
            t->failed = true;
            errno = EIO;
            return -1;
        }
        int st = batch_flush(t);
        if (st <= 0) {
            if (st == 0)
                errno = EAGAIN;
            return -1;
        }
        done = t->sealed;
        t->sealed = 0;
    }
    if (t->batch == NULL && !t->ktls_send && offered - done > TLS_RECORD_MAX)
        t->batch = tls_batch_lend(t->ssl);
    ssize_t n = done < offered ? tls_seal(t, iov, iovcnt, done) : 0;
    if (n < 0)
        return done > 0 ? (ssize_t)done : -1;
    if (t->batch != NULL) {
        int st = batch_flush(t);
        if (st < 0)
            return done > 0 ? (ssize_t)done : -1;
        if (st == 0) {
            t->sealed = (size_t)n; /* reported with the next call */
            n = 0;
        } else {
            tls_batch_return(t->ssl, t->batch);
            t->batch = NULL;
        }
    }
    if (done + (size_t)n == 0 && iovcnt > 0) {
        errno = EAGAIN;
        return -1;
    }
    return (ssize_t)(done + (size_t)n);
}

/* Only with kTLS: without it, CONN_COPY_FILES has the queue copy file parts in and
 * hand them to tls_writev (outq.c). */
static ssize_t tls_sendfile(struct conn *c, int file_fd, off_t offset, size_t len)
{
    struct conn_tls *t = tls_of(c);
    if (!t->ktls_send) {
        errno = EOPNOTSUPP;
        return -1;
    }
    ERR_clear_error();
    ossl_ssize_t n = SSL_sendfile(t->ssl, file_fd, offset, len, 0);
    if (n >= 0)
        return n;
    int code = SSL_get_error(t->ssl, (int)n);
    if (code == SSL_ERROR_WANT_WRITE) {
        errno = EAGAIN;
        return -1;
    }
    tls_fail(t, code, "sendfile");
    return -1;
}

static void tls_shutdown(struct conn *c)
{
    struct conn_tls *t = tls_of(c);
    if (!t->failed && conn_established(c)) {
        ERR_clear_error();
        SSL_shutdown(t->ssl); /* close_notify, if the socket takes it */
        ERR_clear_error();
    }
    shutdown(c->fd, SHUT_WR);
}

static void tls_close(struct conn *c)
{
    struct conn_tls *t = tls_of(c);
    SSL_free(t->ssl);
    close(c->fd);
    conn_forget_error(&t->base);
    g_free(t);
}

static bool tls_has_pending(const struct conn *c)
{
    const struct conn_tls *t = (const struct conn_tls *)c;
    return t->ssl != NULL && (t->held || SSL_pending(t->ssl) > 0);
}

static const char *tls_file_path(const struct conn *c)
{
    return ((const struct conn_tls *)c)->ktls_send ? "ktls" : "copy";
}

static void tls_describe(const struct conn *c, char *buf, size_t cap)
{
    const struct conn_tls *t = (const struct conn_tls *)c;
    snprintf(buf, cap, "%s %s ktls_send=%s", SSL_get_version(t->ssl),
             SSL_get_cipher_name(t->ssl), t->ktls_send ? "on" : "off");
}

static const struct conn_type conn_type_tls = {
    .name = "tls",
    .handshake = tls_handshake,
    .read = tls_read,
    .writev = tls_writev,
    .sendfile = tls_sendfile,
    .shutdown = tls_shutdown,
    .close = tls_close,
    .has_pending = tls_has_pending,
    .file_path = tls_file_path,
    .describe = tls_describe,
};

struct conn *conn_tls_new(struct tls_server *server, int fd)
{
    SSL *ssl = tls_server_ssl_new(server);
    if (ssl == NULL || !SSL_set_fd(ssl, fd)) {
        SSL_free(ssl);
        ERR_clear_error();
        return NULL;
    }
    struct conn_tls *t = g_new0(struct conn_tls, 1);
    t->base.type = &conn_type_tls;
    t->base.fd = fd;
    t->ssl = ssl;
    return &t->base;
}
