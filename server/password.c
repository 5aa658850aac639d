/* Password rules and Argon2id hashing; see password.h. */
#include "server/password.h"

#include <glib.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/protocol.h"
#include "server/limits.h"

static gint argon2_count; /* atomic; wraps past 2^31, far beyond any test or log reader */

bool password_init(void)
{
    return sodium_init() >= 0;
}

static int compare_entry(const void *key, const void *entry)
{
    return strcmp(key, *(const char *const *)entry);
}

enum password_status password_check(const char *password, size_t len, const char *name)
{
    if (len < SERVER_MIN_PASSWORD_BYTES)
        return PASSWORD_TOO_SHORT;
    if (len > PROTO_MAX_PASSWORD)
        return PASSWORD_TOO_LONG;
    if (!proto_utf8_valid(password, len))
        return PASSWORD_BAD_UTF8;
    char *folded = g_utf8_casefold(password, (gssize)len);
    char *folded_name = g_utf8_casefold(name, -1);
    enum password_status st = PASSWORD_OK;
    if (strcmp(folded, folded_name) == 0)
        st = PASSWORD_IS_NAME;
    else if (bsearch(folded, password_common, password_common_count, sizeof *password_common,
                     compare_entry) != NULL)
        st = PASSWORD_COMMON;
    g_free(folded);
    g_free(folded_name);
    return st;
}

const char *password_status_text(enum password_status status)
{
    switch (status) {
    case PASSWORD_OK: return "The password is acceptable.";
    case PASSWORD_TOO_SHORT: return "The password must be at least 8 characters long.";
    case PASSWORD_TOO_LONG: return "The password must be at most 1024 bytes long.";
    case PASSWORD_BAD_UTF8: return "The password is not valid UTF-8 text.";
    case PASSWORD_IS_NAME: return "The password must not be the username.";
    case PASSWORD_COMMON:
        return "That password is one of the most common ones; choose another.";
    }
    return "The password is not acceptable.";
}

bool password_hash(const struct pwhash_params *p, const char *password, size_t len,
                   char out[PASSWORD_HASH_MAX])
{
    G_STATIC_ASSERT(crypto_pwhash_STRBYTES <= PASSWORD_HASH_MAX);
    g_atomic_int_inc(&argon2_count);
    return crypto_pwhash_str_alg(out, password, len, p->ops, p->mem_bytes,
                                 crypto_pwhash_ALG_ARGON2ID13) == 0;
}

bool password_verify(const char *hash, const char *password, size_t len)
{
    g_atomic_int_inc(&argon2_count);
    return crypto_pwhash_str_verify(hash, password, len) == 0;
}

bool password_needs_rehash(const char *hash, const struct pwhash_params *p)
{
    return crypto_pwhash_str_needs_rehash(hash, p->ops, p->mem_bytes) != 0;
}

const char *password_decoy_hash(const struct pwhash_params *p)
{
    static gsize once;
    static char decoy[PASSWORD_HASH_MAX];
    if (g_once_init_enter(&once)) {
        unsigned char secret[32];
        randombytes_buf(secret, sizeof secret);
        if (crypto_pwhash_str_alg(decoy, (const char *)secret, sizeof secret, p->ops,
                                  p->mem_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0)
            g_error("cannot hash a password: out of memory");
        g_once_init_leave(&once, 1);
    }
    return decoy;
}

uint64_t password_argon2_count(void)
{
    return (guint)g_atomic_int_get(&argon2_count);
}
