/* TLS for the load generator (--tls): one client context for the whole run, and
 * non-blocking sessions over sockets the generator already manages. The server's
 * certificate is not checked: the benchmark measures what TLS costs the server, not
 * whom to trust. */
#ifndef BENCH_TLS_H
#define BENCH_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "bench/net.h"

struct ssl_st; /* OpenSSL's SSL */

/* Turns TLS on for every connection made from now on; false with err filled. */
bool bench_tls_init(char *err, size_t errlen);

/* Whether --tls is on. */
bool bench_tls_on(void);

/* A client session over fd (connected), or NULL. */
struct ssl_st *bench_tls_session(int fd);

/* Lets the session read up to len bytes from the socket at a time (OpenSSL reads one
 * record's worth by default): the file mode reads as much per call as the TCP
 * baseline's sink does. */
void bench_tls_read_buffer(struct ssl_st *ssl, size_t len);

/* One handshake step: 1 done, 0 not yet (*want_write: wait for writability, else for
 * input), -1 failed (errno EPROTO). */
int bench_tls_handshake(struct ssl_st *ssl, bool *want_write);

/* Reads like recv: > 0 bytes (as many records as fit), 0 at the end of the stream, -1
 * with errno (EAGAIN: nothing yet). *held is set when buf filled up while the session
 * still holds input the socket will not report again: read again before waiting. */
ssize_t bench_tls_read(struct ssl_st *ssl, void *buf, size_t len, bool *held);

/* outbuf_flush() over the session. */
enum flush_status bench_tls_flush(struct outbuf *ob, struct ssl_st *ssl);

/* Frees the session (no close_notify: the socket is closed right after). */
void bench_tls_free(struct ssl_st *ssl);

#endif
