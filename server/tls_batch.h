/* Several TLS records per system call, for a server that seals records in user space
 * (no kTLS): a buffering BIO lent to a session for one write, between it and its
 * socket, so SSL_write's records gather and reach the kernel SERVER_TLS_WRITE_BATCH
 * bytes at a time instead of 16 KiB at a time. One BIO serves every session in turn
 * (the server has one thread); a session keeps it only while its socket refuses what
 * it holds, so an idle or stalled-free connection costs no buffer. */
#ifndef CHAT_SERVER_TLS_BATCH_H
#define CHAT_SERVER_TLS_BATCH_H

#include <openssl/ssl.h>

/* Puts an empty buffering BIO between ssl and its socket BIO and returns it, or NULL
 * if none could be made (records then go one by one, as without it). */
BIO *tls_batch_lend(SSL *ssl);

/* Sends what batch holds: 1 when all of it went, 0 when the socket is full (call again
 * once it is writable), -1 on failure (errno says why). */
int tls_batch_flush(BIO *batch);

/* Takes batch, now empty, back out of ssl's chain: ssl writes to its socket again. */
void tls_batch_return(SSL *ssl, BIO *batch);

#endif
