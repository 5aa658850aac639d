/* Reads /proc/PID/stat (utime, stime) and /proc/PID/status (VmRSS, VmHWM). */
#include "bench/procstat.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* utime + stime, and stime alone, in ns from /proc/PID/stat, or false. Fields 14 and 15
 * follow the command name, which is in parentheses and may itself hold spaces and ')'. */
static bool read_cpu(pid_t pid, uint64_t *cpu_ns, uint64_t *sys_ns)
{
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return false;
    size_t n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = '\0';
    char *after_name = strrchr(line, ')');
    unsigned long long utime, stime;
    if (after_name == NULL ||
        sscanf(after_name + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
               &utime, &stime) != 2)
        return false;
    long ticks = sysconf(_SC_CLK_TCK);
    unsigned long long tick_ns = 1000000000ull / (unsigned long long)(ticks > 0 ? ticks : 100);
    *cpu_ns = (utime + stime) * tick_ns;
    *sys_ns = stime * tick_ns;
    return true;
}

/* VmRSS, RssAnon and VmHWM in KiB from /proc/PID/status, or false. */
static bool read_memory(pid_t pid, struct proc_sample *s)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return false;
    int found = 0;
    unsigned long long v;
    while (fgets(line, sizeof line, f) != NULL) {
        if (sscanf(line, "VmRSS: %llu kB", &v) == 1) {
            s->rss_kib = v;
            found++;
        } else if (sscanf(line, "RssAnon: %llu kB", &v) == 1) {
            s->anon_kib = v;
            found++;
        } else if (sscanf(line, "VmHWM: %llu kB", &v) == 1) {
            s->hwm_kib = v;
            found++;
        }
    }
    fclose(f);
    return found == 3;
}

struct proc_sample proc_sample(pid_t pid)
{
    struct proc_sample s = { 0 };
    if (pid > 0)
        s.ok = read_cpu(pid, &s.cpu_ns, &s.sys_ns) && read_memory(pid, &s);
    return s;
}

uint64_t proc_self_cpu_ns(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ull +
           (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ull;
}

uint64_t clock_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int64_t clock_real_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
