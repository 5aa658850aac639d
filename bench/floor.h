/* The floor relay's wire, shared by the relay (floor_relay.c) and the load generator's
 * dialect for it (floor_dialect.c). Big-endian u32 headers:
 *   top bit clear: a text of that many bytes follows (at most FLOOR_MAX_TEXT); the relay
 *                  passes it on, header included, to every connection but its sender
 *   top bit set:   relay -> client only, no payload: the low 31 bits are how many
 *                  connections are joined now (sent to all when the number changed) */
#ifndef BENCH_FLOOR_H
#define BENCH_FLOOR_H

#include <stdint.h>

#define FLOOR_HEADER 4u
#define FLOOR_NOTICE 0x80000000u
#define FLOOR_MAX_TEXT 65536u /* longest text a frame may declare */

static inline uint32_t floor_header_read(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void floor_header_write(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

#endif
