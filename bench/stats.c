/* Log-bucketed latency histogram (see stats.h for the precision it promises).
 *
 * Bucket layout: values below 2^HIST_SUB_BITS get one bucket each. Above, a value with
 * its top bit at position msb is shifted right by e = msb - HIST_SUB_BITS + 1, which
 * leaves a mantissa in [HIST_SUB_HALF, 2 * HIST_SUB_HALF); the bucket is
 * e * HIST_SUB_HALF + mantissa. Consecutive values map to consecutive buckets. */
#include "bench/stats.h"

#include <string.h>

static unsigned bucket_of(uint64_t ns)
{
    if (ns < (1u << HIST_SUB_BITS))
        return (unsigned)ns;
    if (ns >> HIST_MAX_BITS)
        ns = (UINT64_C(1) << HIST_MAX_BITS) - 1;
    unsigned msb = 63u - (unsigned)__builtin_clzll(ns);
    unsigned e = msb - HIST_SUB_BITS + 1;
    return e * HIST_SUB_HALF + (unsigned)(ns >> e);
}

/* Largest value that falls into bucket b. */
static uint64_t bucket_top(unsigned b)
{
    if (b < (1u << HIST_SUB_BITS))
        return b;
    unsigned e = b / HIST_SUB_HALF - 1;
    uint64_t mantissa = b - e * HIST_SUB_HALF;
    return ((mantissa + 1) << e) - 1;
}

void hist_reset(struct hist *h)
{
    memset(h, 0, sizeof *h);
    h->min_ns = UINT64_MAX;
}

void hist_record(struct hist *h, uint64_t ns)
{
    h->buckets[bucket_of(ns)]++;
    h->count++;
    if (ns < h->min_ns)
        h->min_ns = ns;
    if (ns > h->max_ns)
        h->max_ns = ns;
}

uint64_t hist_quantile(const struct hist *h, double q)
{
    if (h->count == 0)
        return 0;
    uint64_t rank = (uint64_t)(q * (double)h->count + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > h->count)
        rank = h->count;
    uint64_t seen = 0;
    for (unsigned b = 0; b < HIST_BUCKETS; b++) {
        seen += h->buckets[b];
        if (seen >= rank) {
            uint64_t top = bucket_top(b);
            return top < h->max_ns ? top : h->max_ns;
        }
    }
    return h->max_ns;
}

void hist_write_cdf(const struct hist *h, FILE *out)
{
    uint64_t seen = 0;
    for (unsigned b = 0; b < HIST_BUCKETS && h->count > 0; b++) {
        if (h->buckets[b] == 0)
            continue;
        seen += h->buckets[b];
        uint64_t top = bucket_top(b);
        fprintf(out, "%llu %.9f\n", (unsigned long long)(top < h->max_ns ? top : h->max_ns),
                (double)seen / (double)h->count);
    }
}
