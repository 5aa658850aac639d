/* Option value parsers; see option_parse.h. */
#include "server/option_parse.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "server/limits.h"

/* Parses a plain decimal integer in [min, max]. */
bool parse_uint(const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
    if (text[0] < '0' || text[0] > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* Parses seconds with optional decimals ("10", "0.5") into milliseconds > 0. */
bool parse_seconds_ms(const char *text, int64_t *out)
{
    if ((text[0] < '0' || text[0] > '9') && text[0] != '.')
        return false;
    errno = 0;
    char *end;
    double secs = strtod(text, &end);
    if (errno != 0 || *end != '\0' || !isfinite(secs))
        return false;
    double ms = round(secs * 1000.0);
    if (ms < 1 || ms > (double)SERVER_MAX_HANDSHAKE_MS)
        return false;
    *out = (int64_t)ms;
    return true;
}

/* Parses "RATE:BURST" (decimals allowed): RATE in [SERVER_MIN_RATE, SERVER_MAX_RATE] a
 * second, BURST in [1, SERVER_MAX_RATE]. */
bool parse_rate_limit(const char *text, struct rate_limit *out)
{
    errno = 0;
    char *end;
    double rate = strtod(text, &end);
    if (end == text || *end != ':')
        return false;
    const char *burst_text = end + 1;
    double burst = strtod(burst_text, &end);
    if (errno != 0 || end == burst_text || *end != '\0' || !isfinite(rate) ||
        !isfinite(burst) || rate < SERVER_MIN_RATE || rate > SERVER_MAX_RATE || burst < 1 ||
        burst > SERVER_MAX_RATE)
        return false;
    *out = (struct rate_limit){ .per_sec = rate, .burst = burst };
    return true;
}

