/* See tls_batch.h. The BIO references: SSL_set_fd gave the session its socket BIO as
 * both rbio and wbio (two references); while lent, the chain batch -> socket holds the
 * wbio's. */
#include "server/tls_batch.h"

#include <openssl/bio.h>
#include <openssl/err.h>

#include "server/limits.h"

static BIO *spare; /* an empty buffering BIO waiting for the next write, or NULL */

BIO *tls_batch_lend(SSL *ssl)
{
    BIO *b = spare;
    spare = NULL;
    if (b == NULL) {
        b = BIO_new(BIO_f_buffer());
        if (b == NULL || BIO_set_write_buffer_size(b, SERVER_TLS_WRITE_BATCH) != 1) {
            BIO_free(b);
            ERR_clear_error();
            return NULL;
        }
    }
    BIO *sock = SSL_get_wbio(ssl);
    BIO_up_ref(sock); /* SSL_set0_wbio drops the session's reference; this is the chain's */
    SSL_set0_wbio(ssl, BIO_push(b, sock));
    return b;
}

int tls_batch_flush(BIO *batch)
{
    ERR_clear_error();
    if (BIO_flush(batch) == 1)
        return 1;
    if (BIO_should_retry(batch))
        return 0;
    return -1;
}

void tls_batch_return(SSL *ssl, BIO *batch)
{
    BIO *sock = BIO_next(batch);
    BIO_up_ref(batch); /* SSL_set0_wbio frees the old chain only down to batch */
    BIO_up_ref(sock);  /* the session's reference */
    SSL_set0_wbio(ssl, sock);
    BIO_pop(batch);
    BIO_free(sock);    /* the chain's */
    if (spare == NULL)
        spare = batch;
    else
        BIO_free(batch);
}
