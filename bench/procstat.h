/* What /proc tells about another process (the server under test) and about this one. */
#ifndef BENCH_PROCSTAT_H
#define BENCH_PROCSTAT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_sample {
    bool ok;            /* false when the process could not be read (gone, no pid given) */
    uint64_t cpu_ns;    /* user + system CPU time so far */
    uint64_t sys_ns;    /* ... of it, in the kernel (system calls, the network stack) */
    uint64_t rss_kib;   /* resident set size now (VmRSS) */
    uint64_t anon_kib;  /* ... of it, private anonymous memory (RssAnon): heap and the
                           like, without the pages of code and libraries */
    uint64_t hwm_kib;   /* peak resident set size (VmHWM) */
};

/* Reads CPU time and memory of pid; .ok false if pid <= 0 or /proc has no such process. */
struct proc_sample proc_sample(pid_t pid);

/* CPU time (user + system) this process has used so far, in nanoseconds. */
uint64_t proc_self_cpu_ns(void);

/* CLOCK_MONOTONIC now, in nanoseconds. */
uint64_t clock_now_ns(void);

/* CLOCK_REALTIME now, in nanoseconds (the clock of kernel receive timestamps). */
int64_t clock_real_ns(void);

#endif
