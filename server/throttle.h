/* Throttling, not lockout: a token bucket per key (an address, an account's name key)
 * that each failed attempt charges. Once a key's burst is spent it must wait for the
 * bucket to earn one attempt back, so a guesser is slowed to the refill rate while the
 * owner is never locked out for good. */
#ifndef CHAT_SERVER_THROTTLE_H
#define CHAT_SERVER_THROTTLE_H

#include <stdint.h>

#include "server/bucket.h"

struct throttle;

/* An empty set of buckets, each allowing limit (the struct is copied). */
struct throttle *throttle_new(const struct rate_limit *limit);

void throttle_free(struct throttle *t);

/* Milliseconds key must wait at now_ms before its next attempt; 0 if it may go on. */
int64_t throttle_wait_ms(struct throttle *t, const char *key, int64_t now_ms);

/* Charges one attempt to key. Keys whose bucket has refilled are forgotten when the
 * set grows past SERVER_THROTTLE_MAX_KEYS; past that even after a sweep, new keys go
 * uncharged (the other keys of an attempt still apply). */
void throttle_charge(struct throttle *t, const char *key, int64_t now_ms);

#endif
