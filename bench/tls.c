/* Client-side TLS for chat-bench over OpenSSL. */
#include "bench/tls.h"

#include <errno.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>

static SSL_CTX *client_ctx;

bool bench_tls_init(char *err, size_t errlen)
{
    client_ctx = SSL_CTX_new(TLS_client_method());
    if (client_ctx == NULL) {
        snprintf(err, errlen, "cannot set up TLS");
        return false;
    }
    SSL_CTX_set_verify(client_ctx, SSL_VERIFY_NONE, NULL);
    signal(SIGPIPE, SIG_IGN); /* SSL_write to a closed socket must fail, not kill */
    SSL_CTX_set_mode(client_ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
                     SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    /* Whole socket reads instead of a record header, then its body: a third of the
     * read calls, as chat-server does (bench_tls_read says when input stays held). */
    SSL_CTX_set_read_ahead(client_ctx, 1);
    return true;
}

bool bench_tls_on(void)
{
    return client_ctx != NULL;
}

SSL *bench_tls_session(int fd)
{
    SSL *ssl = SSL_new(client_ctx);
    if (ssl != NULL && SSL_set_fd(ssl, fd) == 1) {
        SSL_set_connect_state(ssl);
        return ssl;
    }
    SSL_free(ssl);
    return NULL;
}

void bench_tls_read_buffer(SSL *ssl, size_t len)
{
    SSL_set_default_read_buffer_len(ssl, len);
}

int bench_tls_handshake(SSL *ssl, bool *want_write)
{
    ERR_clear_error();
    int r = SSL_do_handshake(ssl);
    if (r == 1)
        return 1;
    int code = SSL_get_error(ssl, r);
    *want_write = code == SSL_ERROR_WANT_WRITE;
    if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE)
        return 0;
    ERR_clear_error();
    errno = EPROTO;
    return -1;
}

ssize_t bench_tls_read(SSL *ssl, void *buf, size_t len, bool *held)
{
    size_t got = 0;
    *held = false;
    while (got < len) {
        ERR_clear_error();
        int r = SSL_read(ssl, (char *)buf + got, (int)(len - got < INT_MAX ? len - got : INT_MAX));
        if (r > 0) {
            got += (size_t)r;
            if (!SSL_has_pending(ssl))
                break; /* nothing buffered: the socket reports the rest, no EAGAIN read */
            continue;
        }
        int code = SSL_get_error(ssl, r);
        if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE || got > 0)
            break;
        ERR_clear_error();
        if (code == SSL_ERROR_ZERO_RETURN)
            return 0;
        errno = code == SSL_ERROR_SYSCALL && errno != 0 ? errno : EPROTO;
        return -1;
    }
    if (got == 0) {
        errno = EAGAIN;
        return -1;
    }
    *held = got == len && SSL_has_pending(ssl);
    return (ssize_t)got;
}

enum flush_status bench_tls_flush(struct outbuf *ob, SSL *ssl)
{
    while (ob->off < ob->len) {
        size_t left = ob->len - ob->off;
        ERR_clear_error();
        int r = SSL_write(ssl, ob->data + ob->off, (int)(left < INT_MAX ? left : INT_MAX));
        if (r > 0) {
            ob->off += (size_t)r;
            continue;
        }
        int code = SSL_get_error(ssl, r);
        if (code == SSL_ERROR_WANT_WRITE || code == SSL_ERROR_WANT_READ)
            return FLUSH_BLOCKED;
        ERR_clear_error();
        errno = code == SSL_ERROR_SYSCALL && errno != 0 ? errno : EPROTO;
        return FLUSH_FAILED;
    }
    ob->off = ob->len = 0;
    return FLUSH_DONE;
}

void bench_tls_free(SSL *ssl)
{
    SSL_free(ssl);
}
