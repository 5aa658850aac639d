/* Latency histogram: log-bucketed counts of nanosecond values, fixed size, so recording
 * a delivery never allocates. Each power of two is split into HIST_SUB_HALF linear
 * sub-buckets, so a reported percentile is within 1/HIST_SUB_HALF (1.6 %) of the truth;
 * the exact minimum and maximum are kept beside the buckets. */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stdint.h>
#include <stdio.h>

#define HIST_SUB_BITS 7                         /* values below 2^7 ns are exact */
#define HIST_SUB_HALF (1u << (HIST_SUB_BITS - 1))
#define HIST_MAX_BITS 40                        /* 2^40 ns = 18 minutes: larger is clamped */
#define HIST_BUCKETS ((HIST_MAX_BITS - HIST_SUB_BITS + 1) * HIST_SUB_HALF + HIST_SUB_HALF)

struct hist {
    uint64_t count;
    uint64_t min_ns;
    uint64_t max_ns;
    uint64_t buckets[HIST_BUCKETS];
};

/* Empties the histogram. */
void hist_reset(struct hist *h);

/* Counts one value. Constant time, no allocation. */
void hist_record(struct hist *h, uint64_t ns);

/* The value at quantile q (0..1): the upper edge of the bucket holding the
 * ceil(q * count)-th smallest value, never above the exact maximum; 0 when empty. */
uint64_t hist_quantile(const struct hist *h, double q);

/* Writes "latency_ns fraction_at_or_below" lines, one per non-empty bucket, for plots. */
void hist_write_cdf(const struct hist *h, FILE *out);

#endif
