/* The benchmark's message text: "S<sender> Q<seq> T<send time> " in fixed-width hex,
 * padded to its size, so that any receiver can tell who sent it, which one it is and
 * when it left. */
#ifndef BENCH_TEXT_H
#define BENCH_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TEXT_HEAD_LEN 38u /* "S%06x Q%010llx T%016llx " */
#define TEXT_MIN_SIZE 40u /* smallest --size: the head and a little padding */

/* Prepares the parser's tables; call once before text_parse. */
void text_init(void);

/* Writes a text of exactly size bytes (TEXT_MIN_SIZE.., sender < 2^24, seq < 2^40)
 * into out, which has room for size + 1 bytes. */
void text_format(char *out, uint32_t size, uint32_t sender, uint64_t seq, uint64_t stamp_ns);

/* Reads the head of a text written by text_format; false for any other text. */
bool text_parse(const char *text, size_t len, uint32_t *sender, uint64_t *seq,
                uint64_t *stamp_ns);

#endif
