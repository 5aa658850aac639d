/* Token buckets: a rate with a burst. A bucket starts full, refills at `per_sec` tokens
 * a second up to `burst`, and each use takes its cost. A cost larger than what is left
 * is still taken (the bucket goes into debt), so a large frame is charged in full and
 * the time until the debt is paid off says how long its sender must wait.
 *
 * Time is passed in (monotonic milliseconds) so callers control it; a clock that seems
 * to go backwards simply refills nothing. */
#ifndef CHAT_SERVER_BUCKET_H
#define CHAT_SERVER_BUCKET_H

#include <stdbool.h>
#include <stdint.h>

/* A configured limit: tokens per second (at least SERVER_MIN_RATE) and the most that
 * can be saved up (at least 1); the option parser guarantees both. */
struct rate_limit {
    double per_sec;
    double burst;
};

/* 24 bytes: every connection holds six, so the limit is referred to, not copied. */
struct bucket {
    const struct rate_limit *limit; /* outlives the bucket (configuration or static) */
    double tokens;                  /* below zero while in debt */
    int64_t stamp_ms;               /* when tokens was last brought up to date */
};

/* Starts a full bucket for limit at time now_ms; limit must outlive the bucket. */
void bucket_init(struct bucket *b, const struct rate_limit *limit, int64_t now_ms);

/* Takes cost tokens whatever is left (possibly going into debt). */
void bucket_charge(struct bucket *b, double cost, int64_t now_ms);

/* Takes cost tokens only if that many are there; says whether it did. */
bool bucket_take(struct bucket *b, double cost, int64_t now_ms);

/* True while the bucket is in debt (as of its last update). */
bool bucket_in_debt(const struct bucket *b);

/* Milliseconds from the bucket's last update until it holds tokens (0 if it does). */
int64_t bucket_ms_until(const struct bucket *b, double tokens);

/* Milliseconds from the bucket's last update until its debt is paid off (0 if none). */
int64_t bucket_debt_ms(const struct bucket *b);

/* True when the bucket would be full at now_ms (it then holds no state worth keeping). */
bool bucket_full(const struct bucket *b, int64_t now_ms);

#endif
