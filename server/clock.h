/* The two clocks the server reads: monotonic for deadlines, wall time for the
 * timestamps it puts in messages. */
#ifndef CHAT_SERVER_CLOCK_H
#define CHAT_SERVER_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Milliseconds on a clock that never jumps (deadlines and timeouts). */
static inline int64_t clock_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds since the Unix epoch (times shown to users). */
static inline uint64_t clock_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

#endif
