/* Token buckets in floating point: rates go from a fraction of a connection a second
 * to a hundred megabytes a second, and a double holds both exactly enough. */
#include "server/bucket.h"

#include <math.h>

void bucket_init(struct bucket *b, const struct rate_limit *limit, int64_t now_ms)
{
    b->limit = limit;
    b->tokens = limit->burst;
    b->stamp_ms = now_ms;
}

/* Tokens earned per millisecond. */
static double per_ms(const struct bucket *b)
{
    return b->limit->per_sec / 1000.0;
}

/* Adds what the time since the last update earned, up to the burst. */
static void bucket_refill(struct bucket *b, int64_t now_ms)
{
    if (now_ms <= b->stamp_ms)
        return;
    b->tokens = fmin(b->limit->burst, b->tokens + (double)(now_ms - b->stamp_ms) * per_ms(b));
    b->stamp_ms = now_ms;
}

void bucket_charge(struct bucket *b, double cost, int64_t now_ms)
{
    bucket_refill(b, now_ms);
    b->tokens -= cost;
}

bool bucket_take(struct bucket *b, double cost, int64_t now_ms)
{
    bucket_refill(b, now_ms);
    if (b->tokens < cost)
        return false;
    b->tokens -= cost;
    return true;
}

bool bucket_in_debt(const struct bucket *b)
{
    return b->tokens < 0;
}

int64_t bucket_ms_until(const struct bucket *b, double tokens)
{
    return b->tokens >= tokens ? 0 : (int64_t)ceil((tokens - b->tokens) / per_ms(b));
}

int64_t bucket_debt_ms(const struct bucket *b)
{
    return bucket_ms_until(b, 0.0);
}

bool bucket_full(const struct bucket *b, int64_t now_ms)
{
    double elapsed = now_ms > b->stamp_ms ? (double)(now_ms - b->stamp_ms) : 0.0;
    return b->tokens + elapsed * per_ms(b) >= b->limit->burst;
}
