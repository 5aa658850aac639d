/* File throughput: one file up to chat-server and back down, and the plain TCP copy of
 * the same file that it is compared with. Every transfer ends in a file written on the
 * receiving side, so both paths do the same disk work. */
#ifndef BENCH_TRANSFER_H
#define BENCH_TRANSFER_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct transfer_opts {
    struct in_addr addr;
    uint16_t port;            /* server, or sink (0: any free port for --tcp-sink) */
    const char *path;         /* file to send, or (sink) file to write */
    const char *download_to;  /* --file: where the download is written */
    double timeout_s;         /* the whole mode ends by then */
    pid_t server_pid;         /* --file: the server, whose CPU time per phase is reported
                                 beside chat-bench's own (0: not known) */
};

/* Logs in to chat-server, uploads o->path (FILE_OFFER ... FILE_END until its
 * FILE_ANNOUNCE), downloads it again into o->download_to, and prints a RESULT line with
 * both throughputs and the CPU seconds per GiB each phase cost chat-bench and (with
 * server_pid) the server. False (with a FAILURE line) on any error or timeout. */
bool transfer_file(const struct transfer_opts *o);

/* Listens on 127.0.0.1:o->port, prints "tcp-sink listening on 127.0.0.1:PORT", accepts
 * one connection, writes everything it sends into o->path, closes at end of stream;
 * its RESULT line says the CPU seconds per GiB it spent. */
bool transfer_tcp_sink(const struct transfer_opts *o);

/* Sends o->path to a tcp-sink and waits until the sink has written it and closed;
 * prints a RESULT line with the throughput and its own CPU seconds per GiB. */
bool transfer_tcp_send(const struct transfer_opts *o);

#endif
