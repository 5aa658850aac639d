/* Incremental SHA-256 for file transfers, backed by OpenSSL's libcrypto, which uses the
 * processor's SHA instructions where it has them (several times GLib's software hash;
 * an upload's throughput is bounded by it). */
#ifndef CHAT_SHA256_H
#define CHAT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "common/protocol.h"

struct sha256;

/* A new hash over no bytes yet. Aborts if libcrypto cannot provide SHA-256. */
struct sha256 *sha256_new(void);

/* Adds len bytes to the hash. */
void sha256_update(struct sha256 *h, const void *bytes, size_t len);

/* Writes the digest of everything added so far; the hash may not be updated after. */
void sha256_finish(struct sha256 *h, uint8_t digest[PROTO_SHA256_LEN]);

/* Frees the hash (NULL is allowed). */
void sha256_free(struct sha256 *h);

#endif
