/* Socket helpers in the style of small OK/ERR functions with an error buffer. */
#include "server/net.h"

#include <errno.h>
#include <glib.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Binds and listens on one resolved address; -1 with errno on failure. */
static int listen_on(const struct addrinfo *ai, int backlog)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai->ai_protocol);
    if (fd < 0)
        return -1;
    int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, backlog) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int net_listen(const char *host, uint16_t port, int backlog, char *err, size_t errlen)
{
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)port);
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC,
        .ai_socktype = SOCK_STREAM,
        .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
    };
    struct addrinfo *list = NULL;
    int gai = getaddrinfo(host, service, &hints, &list);
    if (gai != 0) {
        snprintf(err, errlen, "cannot resolve %s: %s", host, gai_strerror(gai));
        errno = EINVAL;
        return -1;
    }
    int fd = -1, saved = 0;
    for (const struct addrinfo *ai = list; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = listen_on(ai, backlog);
        if (fd < 0) {
            saved = errno;
            char where[NET_ADDR_MAX];
            net_format_addr(ai->ai_addr, ai->ai_addrlen, where, sizeof where);
            snprintf(err, errlen, "cannot listen on %s: %s", where, g_strerror(saved));
        }
    }
    freeaddrinfo(list);
    if (fd < 0)
        errno = saved;
    return fd;
}

int net_accept(int listen_fd, char *addr, size_t addr_cap)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int fd;
    do
        fd = accept4(listen_fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd >= 0)
        net_format_addr((struct sockaddr *)&ss, len, addr, addr_cap);
    return fd;
}

int net_set_nodelay(int fd)
{
    int on = 1;
    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

void net_drain(int fd, size_t max)
{
    char sink[4096];
    ssize_t n;
    while (max > 0 && (n = recv(fd, sink, MIN(sizeof sink, max), MSG_DONTWAIT)) > 0)
        max -= (size_t)n;
}

void net_format_addr(const struct sockaddr *sa, socklen_t len, char *out, size_t cap)
{
    char host[NI_MAXHOST], port[NI_MAXSERV];
    if (getnameinfo(sa, len, host, sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        snprintf(out, cap, "?");
        return;
    }
    snprintf(out, cap, sa->sa_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, port);
}

int net_local_addr(int fd, char *out, size_t cap)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return -1;
    net_format_addr((struct sockaddr *)&ss, len, out, cap);
    return 0;
}
