/* Socket helpers: each returns a file descriptor or 0 on success, -1 on failure with
 * errno kept and, where given, an English message in the caller's buffer. */
#ifndef CHAT_SERVER_NET_H
#define CHAT_SERVER_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define NET_ADDR_MAX 64 /* "[ipv6]:port" with room to spare */

/* Opens a non-blocking, close-on-exec TCP listener on host:port (port 0: the kernel
 * picks one) with SO_REUSEADDR. On failure err says which address and why. */
int net_listen(const char *host, uint16_t port, int backlog, char *err, size_t errlen);

/* Accepts one connection as a non-blocking, close-on-exec socket and writes the peer's
 * address to addr. Returns -1 with errno (EAGAIN when none is waiting). */
int net_accept(int listen_fd, char *addr, size_t addr_cap);

/* Turns off Nagle's algorithm: chat frames are small and latency matters. */
int net_set_nodelay(int fd);

/* Reads and discards up to max bytes already received on a non-blocking socket (so a
 * close() that follows sends FIN instead of a reset). Never waits. */
void net_drain(int fd, size_t max);

/* Writes "a.b.c.d:port" or "[v6]:port" for the address to out (never fails). */
void net_format_addr(const struct sockaddr *sa, socklen_t len, char *out, size_t cap);

/* Writes the local address fd is bound to, as net_format_addr() does. */
int net_local_addr(int fd, char *out, size_t cap);

#endif
