/* The TLS settings and certificate every connection shares: one SSL_CTX, replaced
 * whole on reload (each connection holds a reference to the one it began with, so
 * reloading drops nobody). */
#include "server/tls.h"

#include <errno.h>
#include <glib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <unistd.h>

#include "server/limits.h"

struct tls_server {
    SSL_CTX *ctx;
    char *cert_path;
    char *key_path;
    char fingerprint[TLS_FINGERPRINT_MAX];
};

/* A context with the project's settings and the certificate and key from the files. */
static SSL_CTX *context_new(const char *cert_path, const char *key_path, char *err,
                            size_t errlen)
{
    char why[256];
    ERR_clear_error();
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL) {
        snprintf(err, errlen, "cannot set up TLS: %s", tls_error_text(why, sizeof why, "?"));
        return NULL;
    }
    /* Our order of ciphers (AES-GCM first: AES-NI makes it the cheapest per record),
     * except that a client putting ChaCha20 first gets it (one without AES hardware). */
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                        SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_ENABLE_KTLS |
                        SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_PRIORITIZE_CHACHA);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                     SSL_MODE_RELEASE_BUFFERS);
    /* One socket read takes all that has arrived, not a record header and then its
     * body (conn_tls.c keeps track of what stays buffered). */
    SSL_CTX_set_read_ahead(ctx, 1);
    if (!SSL_CTX_set_min_proto_version(ctx, SERVER_TLS_MIN_VERSION) ||
        !SSL_CTX_set_cipher_list(ctx, SERVER_TLS_CIPHERS) ||
        !SSL_CTX_set_ciphersuites(ctx, SERVER_TLS13_CIPHERSUITES) ||
        !SSL_CTX_set1_groups_list(ctx, SERVER_TLS_GROUPS) || !SSL_CTX_set_dh_auto(ctx, 1)) {
        snprintf(err, errlen, "cannot apply the TLS settings: %s",
                 tls_error_text(why, sizeof why, "?"));
        SSL_CTX_free(ctx);
        return NULL;
    }
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_path) != 1) {
        snprintf(err, errlen, "cannot load the certificate %s: %s", cert_path,
                 tls_error_text(why, sizeof why, "?"));
        SSL_CTX_free(ctx);
        return NULL;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, key_path, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        snprintf(err, errlen, "cannot use the key %s with %s: %s", key_path, cert_path,
                 tls_error_text(why, sizeof why, "?"));
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/* Installs ctx as the one in force. */
static void tls_server_use(struct tls_server *t, SSL_CTX *ctx)
{
    SSL_CTX_free(t->ctx);
    t->ctx = ctx;
    tls_fingerprint_of(SSL_CTX_get0_certificate(ctx), t->fingerprint);
}

struct tls_server *tls_server_new(const char *cert_path, const char *key_path, bool generate,
                                  bool *generated, char *err, size_t errlen)
{
    *generated = false;
    if (generate && access(cert_path, F_OK) != 0 && access(key_path, F_OK) != 0) {
        if (tls_cert_generate(cert_path, key_path, err, errlen) != 0)
            return NULL;
        *generated = true;
    }
    SSL_CTX *ctx = context_new(cert_path, key_path, err, errlen);
    if (ctx == NULL)
        return NULL;
    struct tls_server *t = g_new0(struct tls_server, 1);
    t->cert_path = g_strdup(cert_path);
    t->key_path = g_strdup(key_path);
    tls_server_use(t, ctx);
    return t;
}

int tls_server_reload(struct tls_server *t, char *err, size_t errlen)
{
    SSL_CTX *ctx = context_new(t->cert_path, t->key_path, err, errlen);
    if (ctx == NULL)
        return -1;
    tls_server_use(t, ctx);
    return 0;
}

const char *tls_server_fingerprint(const struct tls_server *t)
{
    return t->fingerprint;
}

void tls_server_free(struct tls_server *t)
{
    if (t == NULL)
        return;
    SSL_CTX_free(t->ctx);
    g_free(t->cert_path);
    g_free(t->key_path);
    g_free(t);
}

SSL *tls_server_ssl_new(struct tls_server *t)
{
    return SSL_new(t->ctx);
}
