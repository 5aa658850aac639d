/* Socket helpers for the load generator: loopback-only addressing, non-blocking
 * connects, the file-descriptor limit, and a growable output buffer. */
#ifndef BENCH_NET_H
#define BENCH_NET_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses host ("localhost" or a dotted IPv4 address) into *out. Returns false, with a
 * reason in err, for anything outside 127.0.0.0/8: this tool never sends traffic
 * anywhere else. */
bool net_loopback_addr(const char *host, struct in_addr *out, char *err, size_t err_len);

/* Raises the soft RLIMIT_NOFILE towards want (never above the hard limit) and returns
 * the soft limit now in force. */
size_t net_raise_nofile(size_t want);

/* Starts a non-blocking TCP connect with TCP_NODELAY. Returns the fd (the connect may
 * still be in progress: wait for writability, then net_connect_result) or -1. */
int net_connect_start(struct in_addr addr, uint16_t port);

/* Asks the kernel to attach the time data reached the socket to every recvmsg
 * (SO_TIMESTAMPNS, CLOCK_REALTIME; for TCP, the time of the last segment read). */
void net_rx_timestamps(int fd);

/* After writability: 0 when the connect succeeded, else the errno it failed with. */
int net_connect_result(int fd);

/* Listens on 127.0.0.1:port (0: the kernel picks); returns the fd and the port or -1. */
int net_listen_loopback(uint16_t port, uint16_t *bound_port);

/* Bytes waiting to be written to one socket. */
struct outbuf {
    uint8_t *data;
    size_t off;   /* first unsent byte */
    size_t len;   /* end of queued bytes */
    size_t cap;
};

enum flush_status { FLUSH_DONE, FLUSH_BLOCKED, FLUSH_FAILED };

/* Returns room for n more bytes at the end of the queue (aborts if memory runs out);
 * outbuf_commit then adds the bytes actually written there. */
uint8_t *outbuf_reserve(struct outbuf *ob, size_t n);
void outbuf_commit(struct outbuf *ob, size_t n);

/* Copies n bytes onto the end of the queue. */
void outbuf_append(struct outbuf *ob, const void *bytes, size_t n);

/* Bytes queued and not yet written. */
size_t outbuf_pending(const struct outbuf *ob);

/* Writes as much as the socket takes without blocking. */
enum flush_status outbuf_flush(struct outbuf *ob, int fd);

/* Releases the buffer. */
void outbuf_free(struct outbuf *ob);

/* Input bytes carried from one read to the next: an unfinished line or frame. */
struct linebuf {
    char *data;
    size_t len;
    size_t cap;
};

/* The bytes to parse now: bytes[0..n) itself when nothing is carried, else the carried
 * tail with bytes appended (in lb). *len is set to their length. */
const char *linebuf_join(struct linebuf *lb, const uint8_t *bytes, size_t n, size_t *len);

/* Keeps src[used..len) (src from linebuf_join) for the next read. */
void linebuf_keep(struct linebuf *lb, const char *src, size_t used, size_t len);

#endif
