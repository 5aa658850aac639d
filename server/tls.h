/* TLS for the server (OpenSSL 3): the certificate and its settings, shared by every
 * TLS connection (conn_tls.c), reloadable on SIGHUP. TLS 1.2 is the minimum, the
 * ciphers are Mozilla's "intermediate" list, compression and renegotiation are off
 * (limits.h has each setting and its reason). */
#ifndef CHAT_SERVER_TLS_H
#define CHAT_SERVER_TLS_H

#include <stdbool.h>
#include <stddef.h>

struct conn;
struct tls_server;

/* "AB:CD:..." : 32 bytes as colon-separated upper-case hex, with its NUL. */
#define TLS_FINGERPRINT_MAX (32 * 3)

/* Loads the PEM certificate chain and key. With generate, when neither file exists
 * yet, a self-signed ECDSA P-256 pair is made there first (key 0600) and *generated
 * set. Returns NULL with err filled on failure. The paths are copied. */
struct tls_server *tls_server_new(const char *cert_path, const char *key_path, bool generate,
                                  bool *generated, char *err, size_t errlen);

/* Reads the certificate and key again; connections made from now on use them, the
 * ones already open carry on with the old. On failure the old ones stay in force and
 * -1 is returned with err filled. */
int tls_server_reload(struct tls_server *t, char *err, size_t errlen);

/* The SHA-256 fingerprint of the certificate in force. */
const char *tls_server_fingerprint(const struct tls_server *t);

void tls_server_free(struct tls_server *t);

struct ssl_st; /* OpenSSL's SSL */

/* A new OpenSSL session on the certificate and settings in force (for conn_tls.c), or
 * NULL. */
struct ssl_st *tls_server_ssl_new(struct tls_server *t);

/* A TLS connection over fd (non-blocking, just accepted), handshake not yet begun;
 * NULL if OpenSSL cannot make one. */
struct conn *conn_tls_new(struct tls_server *t, int fd);

/* ---- tls_cert.c ---- */

/* Writes a new self-signed ECDSA P-256 certificate and its key (mode 0600, created
 * exclusively: an existing file is never overwritten). 0, or -1 with err filled. */
int tls_cert_generate(const char *cert_path, const char *key_path, char *err, size_t errlen);

/* The SHA-256 fingerprint of the first certificate in a PEM file. 0, or -1 with err. */
int tls_cert_fingerprint(const char *cert_path, char out[TLS_FINGERPRINT_MAX], char *err,
                         size_t errlen);

/* The fingerprint of a DER-encoded or loaded certificate (an X509 *). */
void tls_fingerprint_of(const void *x509, char out[TLS_FINGERPRINT_MAX]);

/* The text of OpenSSL's oldest queued error (the queue is then emptied), or `fallback`. */
const char *tls_error_text(char *buf, size_t cap, const char *fallback);

#endif
