/* SHA-256 over OpenSSL's EVP interface; see sha256.h. */
#include "common/sha256.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

struct sha256 {
    EVP_MD_CTX *ctx;
};

struct sha256 *sha256_new(void)
{
    struct sha256 *h = malloc(sizeof *h);
    if (h == NULL || (h->ctx = EVP_MD_CTX_new()) == NULL ||
        EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
        fprintf(stderr, "SHA-256 is not available from libcrypto\n");
        abort();
    }
    return h;
}

void sha256_update(struct sha256 *h, const void *bytes, size_t len)
{
    EVP_DigestUpdate(h->ctx, bytes, len);
}

void sha256_finish(struct sha256 *h, uint8_t digest[PROTO_SHA256_LEN])
{
    unsigned int len = PROTO_SHA256_LEN;
    EVP_DigestFinal_ex(h->ctx, digest, &len);
}

void sha256_free(struct sha256 *h)
{
    if (h == NULL)
        return;
    EVP_MD_CTX_free(h->ctx);
    free(h);
}
