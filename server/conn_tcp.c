/* Plain TCP connections: the system calls themselves. File payloads go with
 * sendfile(2), from the page cache to the socket without a copy through user space;
 * the header before one is sent with MSG_MORE, so it travels in the payload's segment. */
#include <errno.h>
#include <glib.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/conn.h"

static enum conn_status tcp_handshake(struct conn *c)
{
    (void)c;
    return CONN_OK;
}

static ssize_t tcp_read(struct conn *c, void *buf, size_t len)
{
    ssize_t n;
    do
        n = recv(c->fd, buf, len, 0);
    while (n < 0 && errno == EINTR);
    return n;
}

static ssize_t tcp_writev(struct conn *c, const struct iovec *iov, int iovcnt, bool more)
{
    struct msghdr msg = { .msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)iovcnt };
    ssize_t n;
    do
        n = more ? sendmsg(c->fd, &msg, MSG_MORE) : writev(c->fd, iov, iovcnt);
    while (n < 0 && errno == EINTR);
    return n;
}

static ssize_t tcp_sendfile(struct conn *c, int file_fd, off_t offset, size_t len)
{
    ssize_t n;
    do
        n = sendfile(c->fd, file_fd, &offset, len);
    while (n < 0 && errno == EINTR);
    return n;
}

static void tcp_shutdown(struct conn *c)
{
    shutdown(c->fd, SHUT_WR);
}

static void tcp_close(struct conn *c)
{
    close(c->fd);
    conn_forget_error(c);
    g_free(c);
}

static bool tcp_has_pending(const struct conn *c)
{
    (void)c;
    return false;
}

static const char *tcp_file_path(const struct conn *c)
{
    (void)c;
    return "sendfile";
}

static void tcp_describe(const struct conn *c, char *buf, size_t cap)
{
    (void)c;
    g_strlcpy(buf, "plain text", cap);
}

static const struct conn_type conn_type_tcp = {
    .name = "tcp",
    .handshake = tcp_handshake,
    .read = tcp_read,
    .writev = tcp_writev,
    .sendfile = tcp_sendfile,
    .shutdown = tcp_shutdown,
    .close = tcp_close,
    .has_pending = tcp_has_pending,
    .file_path = tcp_file_path,
    .describe = tcp_describe,
};

struct conn *conn_tcp_new(int fd)
{
    struct conn *c = g_new0(struct conn, 1);
    c->fd = fd;
    conn_tcp_adopt(c);
    return c;
}

void conn_tcp_release(struct conn *c)
{
    conn_forget_error(c);
    g_free(c);
}

void conn_tcp_adopt(struct conn *c)
{
    c->type = &conn_type_tcp;
    c->flags = CONN_ESTABLISHED;
}
