/* Socket helpers and the output buffer (see net.h). */
#include "bench/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

bool net_loopback_addr(const char *host, struct in_addr *out, char *err, size_t err_len)
{
    if (strcmp(host, "localhost") == 0)
        host = "127.0.0.1";
    if (inet_pton(AF_INET, host, out) != 1) {
        snprintf(err, err_len, "'%s' is not an IPv4 loopback address", host);
        return false;
    }
    if ((ntohl(out->s_addr) >> 24) != 127) {
        snprintf(err, err_len, "refusing %s: only 127.0.0.0/8 may be loaded", host);
        return false;
    }
    return true;
}

size_t net_raise_nofile(size_t want)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 0;
    if (rl.rlim_cur < want) {
        rl.rlim_cur = want < rl.rlim_max ? want : rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    return rl.rlim_cur;
}

int net_connect_start(struct in_addr addr, uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr = addr };
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    return fd;
}

void net_rx_timestamps(int fd)
{
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
}

int net_connect_result(int fd)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        return errno;
    return err;
}

int net_listen_loopback(uint16_t port, uint16_t *bound_port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof sa;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        close(fd);
        return -1;
    }
    *bound_port = ntohs(sa.sin_port);
    return fd;
}

uint8_t *outbuf_reserve(struct outbuf *ob, size_t n)
{
    if (ob->off == ob->len)
        ob->off = ob->len = 0;
    if (ob->len + n > ob->cap && ob->off > 0) {
        memmove(ob->data, ob->data + ob->off, ob->len - ob->off);
        ob->len -= ob->off;
        ob->off = 0;
    }
    if (ob->len + n > ob->cap) {
        size_t cap = ob->cap ? ob->cap * 2 : 1024;
        while (cap < ob->len + n)
            cap *= 2;
        uint8_t *data = realloc(ob->data, cap);
        if (data == NULL)
            abort();
        ob->data = data;
        ob->cap = cap;
    }
    return ob->data + ob->len;
}

void outbuf_commit(struct outbuf *ob, size_t n)
{
    ob->len += n;
}

void outbuf_append(struct outbuf *ob, const void *bytes, size_t n)
{
    memcpy(outbuf_reserve(ob, n), bytes, n);
    outbuf_commit(ob, n);
}

size_t outbuf_pending(const struct outbuf *ob)
{
    return ob->len - ob->off;
}

enum flush_status outbuf_flush(struct outbuf *ob, int fd)
{
    while (ob->off < ob->len) {
        ssize_t n = send(fd, ob->data + ob->off, ob->len - ob->off, MSG_NOSIGNAL);
        if (n > 0) {
            ob->off += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return FLUSH_BLOCKED;
        } else {
            return FLUSH_FAILED;
        }
    }
    ob->off = ob->len = 0;
    return FLUSH_DONE;
}

void outbuf_free(struct outbuf *ob)
{
    free(ob->data);
    *ob = (struct outbuf){ 0 };
}

/* Makes room for want bytes in lb (aborts if memory runs out). */
static void linebuf_reserve(struct linebuf *lb, size_t want)
{
    if (want <= lb->cap)
        return;
    size_t cap = want > 2 * lb->cap ? want : 2 * lb->cap;
    char *data = realloc(lb->data, cap);
    if (data == NULL)
        abort();
    lb->data = data;
    lb->cap = cap;
}

const char *linebuf_join(struct linebuf *lb, const uint8_t *bytes, size_t n, size_t *len)
{
    if (lb->len == 0) {
        *len = n;
        return (const char *)bytes;
    }
    linebuf_reserve(lb, lb->len + n);
    memcpy(lb->data + lb->len, bytes, n);
    lb->len += n;
    *len = lb->len;
    return lb->data;
}

void linebuf_keep(struct linebuf *lb, const char *src, size_t used, size_t len)
{
    size_t rest = len - used;
    if (rest > 0 && src != lb->data) {
        linebuf_reserve(lb, rest);
        memcpy(lb->data, src + used, rest);
    } else if (rest > 0) {
        memmove(lb->data, lb->data + used, rest);
    }
    lb->len = rest;
}
