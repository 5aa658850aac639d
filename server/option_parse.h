/* Parsers for command-line option values, shared by chat-server's option groups. */
#ifndef CHAT_SERVER_OPTION_PARSE_H
#define CHAT_SERVER_OPTION_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "server/bucket.h"

/* Parses a plain decimal integer in [min, max]. */
bool parse_uint(const char *text, uint64_t min, uint64_t max, uint64_t *out);

/* Parses seconds with optional decimals ("10", "0.5") into milliseconds > 0. */
bool parse_seconds_ms(const char *text, int64_t *out);

/* Parses "RATE:BURST" (decimals allowed): RATE in [SERVER_MIN_RATE, SERVER_MAX_RATE] a
 * second, BURST in [1, SERVER_MAX_RATE]. */
bool parse_rate_limit(const char *text, struct rate_limit *out);

#endif
