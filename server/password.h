/* Passwords: the rules a new password must meet (NIST SP 800-63B: length and a list of
 * the most common passwords, no composition rules) and Argon2id hashing through
 * libsodium. password_hash() and password_verify() are slow on purpose (tenths of a
 * second): only worker threads call them (server/worker.h). */
#ifndef CHAT_SERVER_PASSWORD_H
#define CHAT_SERVER_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PASSWORD_HASH_MAX 128 /* crypto_pwhash_STRBYTES: room for a hash string and NUL */

/* Argon2id cost: passes and memory (options --pwhash-ops, --pwhash-memory). */
struct pwhash_params {
    unsigned long long ops;
    size_t mem_bytes;
};

enum password_status {
    PASSWORD_OK = 0,
    PASSWORD_TOO_SHORT,  /* under SERVER_MIN_PASSWORD_BYTES bytes */
    PASSWORD_TOO_LONG,   /* over PROTO_MAX_PASSWORD bytes */
    PASSWORD_BAD_UTF8,
    PASSWORD_IS_NAME,    /* the username, ignoring case */
    PASSWORD_COMMON,     /* in the shipped list of most common passwords, ignoring case */
};

/* Initialises libsodium; false if it cannot be used (the server must not start). */
bool password_init(void);

/* Checks a new password for the account name (NUL-terminated). */
enum password_status password_check(const char *password, size_t len, const char *name);

/* An English sentence for a status, for ERROR(PASSWORD_WEAK). */
const char *password_status_text(enum password_status status);

/* Hashes into out (PASSWORD_HASH_MAX bytes, NUL-terminated). False if out of memory.
 * Worker threads only. */
bool password_hash(const struct pwhash_params *p, const char *password, size_t len,
                   char out[PASSWORD_HASH_MAX]);

/* True when password matches hash. Worker threads only. */
bool password_verify(const char *hash, const char *password, size_t len);

/* True when hash was made with other parameters than p (it is upgraded at login). */
bool password_needs_rehash(const char *hash, const struct pwhash_params *p);

/* A hash of a random password made with p, verified against for unknown names so a
 * failed login takes about as long whether or not the account exists. Made on first
 * use (by a worker: it is as slow as any hash); safe from any thread. */
const char *password_decoy_hash(const struct pwhash_params *p);

/* Argon2 computations (hashes and verifications) this process has run for clients:
 * a debug counter logged with each login, so tests can see that a token login costs
 * none. Safe from any thread. */
uint64_t password_argon2_count(void);

/* The list of common passwords (password_list.c), lower case, sorted by strcmp. */
extern const char *const password_common[];
extern const size_t password_common_count;

#endif
