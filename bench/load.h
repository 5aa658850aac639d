/* The load generator: N clients log in to one room, S of them send timestamped texts,
 * every other member records the latency of every delivery. One thread, one epoll. */
#ifndef BENCH_LOAD_H
#define BENCH_LOAD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "bench/dialect.h"
#include "bench/procstat.h"
#include "bench/stats.h"

#define LOAD_MAX_SERVERS 8  /* --ports and --cpu-pid: servers of one run (cluster nodes) */

struct load_opts {
    const struct dialect *dialect;
    struct in_addr addr;
    uint16_t port;
    uint16_t ports[LOAD_MAX_SERVERS];  /* connection i goes to ports[i % nports] */
    uint32_t nports;
    pid_t cpu_pids[LOAD_MAX_SERVERS];  /* --cpu-pid: CPU time measured like the server's */
    uint32_t ncpu_pids;
    uint32_t clients;       /* N: members of the room, >= 2 */
    uint32_t senders;       /* S: the first S clients send, 1..N */
    uint32_t size;          /* bytes of each text, TEXT_MIN_SIZE..dialect max_text */
    uint32_t window;        /* per sender: messages not yet delivered to everyone */
    uint32_t login_window;  /* connections logging in at once */
    double rate;            /* total messages per second; 0 = closed loop */
    double duration_s;      /* sending time (idle mode: holding time) */
    double drain_s;         /* after sending stops: how long to wait for deliveries */
    double login_timeout_s; /* for logging in all N and seeing all N in the room */
    pid_t server_pid;       /* 0: no server measurements */
    bool idle;              /* log in, hold, measure memory; send nothing */
    const char *room;       /* chat: register accounts and meet in this room, not the
                               lobby (NULL: the lobby, guest logins) */
    uint32_t typists;       /* chat: the last T clients send typing notices while the
                               senders send (0: none) */
    double typing_rate;     /* notices per second from each typist */
};

struct load_result {
    bool ok;                    /* everything the run needed happened */
    char failure[200];          /* why not, when !ok */
    uint32_t logged_in;
    double login_s;             /* first connect to the N-th login */
    double settle_s;            /* first connect until every client sees all N members */
    uint64_t sent;              /* texts sent */
    uint64_t unsent;            /* paced: texts that came due but the window held back */
    uint64_t expected;          /* sent x (N - 1): deliveries owed to the other members */
    uint64_t delivered;         /* deliveries received, each counted once */
    uint64_t echoes;            /* texts relayed back to their own sender (our protocol) */
    uint64_t duplicates;        /* a delivery received again, or out of order */
    uint64_t gaps;              /* deliveries skipped over in a sender's sequence */
    uint64_t unparsed;          /* texts that were not ours */
    uint64_t typing_sent;       /* TYPING_SET frames the typists sent */
    uint64_t typing_received;   /* TYPING frames relayed to the members */
    uint64_t server_errors;     /* error replies from the server */
    uint64_t disconnects;       /* connections the server closed */
    double send_s;              /* length of the sending phase */
    double active_s;            /* first send to last delivery */
    uint64_t bench_cpu_ns;      /* this process's CPU over sending + draining */
    struct proc_sample server_base;   /* before the first connection */
    uint32_t warm_clients;            /* idle: clients logged in when server_warm was taken */
    struct proc_sample server_warm;   /* idle: after the first tenth logged in, so that
                                         one-time costs (first use of code and caches)
                                         stay out of the cost per connection */
    struct proc_sample server_start;  /* all logged in, before sending (idle: after holding) */
    struct proc_sample server_end;    /* after draining */
    struct proc_sample cpu_start[LOAD_MAX_SERVERS];  /* --cpu-pid, at the same points */
    struct proc_sample cpu_end[LOAD_MAX_SERVERS];
    uint64_t reads;             /* reads that returned data */
    uint64_t rx_bytes;          /* bytes received over sending + draining (all of them:
                                   deliveries, echoes, anything else the server sent) */
    uint64_t rx_reads;          /* reads that returned data over sending + draining */
    uint64_t rx_stamped_reads;  /* ... of which carried the kernel's receive timestamp */
    struct hist hist;           /* latency of every delivery: send to arrival in the socket */
    struct hist hist_read;      /* send to the generator's read() returning it */
};

/* Runs the whole benchmark described by opt and fills *res. Bounded in time by
 * login_timeout_s + duration_s + drain_s (plus at most a second of slack). Returns
 * res->ok. */
bool load_run(const struct load_opts *opt, struct load_result *res);

#endif
