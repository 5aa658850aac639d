/* floor-relay: the floor chat-server's fan-out is measured against in `make bench`.
 *
 * A bare relay with nothing a chat server needs beyond moving bytes: one select() loop,
 * frames of a 4-byte length prefix, every frame copied to every other connection. No
 * login, names, store, limits or rooms: what it spends per delivery is what the kernel's
 * send path and a minimal loop cost, so chat-server's CPU per delivery above it is ours.
 *
 * The wire is in bench/floor.h.
 *
 * Per pass: write what each connection has queued (one send each), select() once, accept
 * what is waiting, read each readable connection once and fan out its whole frames with
 * one copy per recipient. A connection that declares a frame over FLOOR_MAX_TEXT, sends
 * a notice header, or lets FLOOR_MAX_QUEUE bytes pile up unread is closed.
 *
 *   floor-relay [--port P] [--lifetime S]
 * prints "floor-relay listening on 127.0.0.1:PORT", listens on loopback only, and exits
 * by itself after S seconds (3600) or on SIGTERM / SIGINT. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench/floor.h"
#include "bench/net.h"

#define FLOOR_READ_BUF (256u * 1024u)     /* one read per readable connection per pass */
#define FLOOR_MAX_QUEUE (64u << 20)       /* unsent bytes before a reader is dropped */
#define FLOOR_ACCEPTS_PER_PASS 64
#define FLOOR_IDLE_WRITE 256u             /* a drained buffer is freed after a write this
                                             small (notices, a text or two); a busy one
                                             is kept, so traffic does not allocate */
#define FLOOR_BACKLOG 511                 /* as chat-server's: logins come 64 at once */

struct peer {
    int fd;
    bool blocked;          /* the last send was short: wait for writability */
    uint8_t *partial;      /* an unfinished frame carried to the next read */
    uint32_t partial_len;
    struct outbuf out;
};

static struct peer *peers[FD_SETSIZE];
static int max_fd = -1;
static uint32_t joined;
static bool joined_changed;
static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static void peer_close(struct peer *p)
{
    peers[p->fd] = NULL;
    close(p->fd);
    free(p->partial);
    outbuf_free(&p->out);
    free(p);
    joined--;
    joined_changed = true;
}

static void peer_queue(struct peer *p, const uint8_t *bytes, size_t n)
{
    outbuf_append(&p->out, bytes, n);
}

/* Copies bytes (whole frames) to every connection but from. */
static void fan_out(const struct peer *from, const uint8_t *bytes, size_t n)
{
    for (int fd = 0; fd <= max_fd; fd++)
        if (peers[fd] != NULL && peers[fd] != from)
            peer_queue(peers[fd], bytes, n);
}

/* The length of the whole frames at the start of bytes[0..n); *bad when a header breaks
 * the rules. */
static size_t whole_frames(const uint8_t *bytes, size_t n, bool *bad)
{
    size_t at = 0;
    *bad = false;
    while (n - at >= FLOOR_HEADER) {
        uint32_t len = floor_header_read(bytes + at);
        if (len > FLOOR_MAX_TEXT) { /* also every notice header */
            *bad = true;
            return at;
        }
        if (n - at - FLOOR_HEADER < len)
            break;
        at += FLOOR_HEADER + len;
    }
    return at;
}

/* Reads once and relays the whole frames; false when p was closed. */
static bool peer_read(struct peer *p)
{
    static uint8_t buf[FLOOR_HEADER + FLOOR_MAX_TEXT + FLOOR_READ_BUF];
    uint32_t carried = p->partial_len;
    if (carried > 0)
        memcpy(buf, p->partial, carried);
    ssize_t got = recv(p->fd, buf + carried, FLOOR_READ_BUF, 0);
    if (got < 0 && (errno == EAGAIN || errno == EINTR))
        return true;
    if (got <= 0) {
        peer_close(p);
        return false;
    }
    size_t n = carried + (size_t)got;
    bool bad;
    size_t whole = whole_frames(buf, n, &bad);
    if (bad) {
        peer_close(p);
        return false;
    }
    if (whole > 0)
        fan_out(p, buf, whole);
    size_t rest = n - whole;
    if (rest != p->partial_len) {
        uint8_t *kept = rest > 0 ? realloc(p->partial, rest) : NULL;
        if (rest > 0 && kept == NULL)
            abort();
        if (rest == 0)
            free(p->partial);
        p->partial = kept;
    }
    memcpy(p->partial, buf + whole, rest);
    p->partial_len = (uint32_t)rest;
    return true;
}

/* One send of everything p has queued; false when p was closed. */
static bool peer_write(struct peer *p)
{
    size_t sent = outbuf_pending(&p->out);
    enum flush_status st = outbuf_flush(&p->out, p->fd);
    if (st == FLUSH_FAILED || outbuf_pending(&p->out) > FLOOR_MAX_QUEUE) {
        peer_close(p);
        return false;
    }
    p->blocked = st == FLUSH_BLOCKED;
    if (st == FLUSH_DONE && sent <= FLOOR_IDLE_WRITE)
        outbuf_free(&p->out); /* the burst is over: an idle connection holds no buffer */
    return true;
}

static void accept_waiting(int listener)
{
    for (int i = 0; i < FLOOR_ACCEPTS_PER_PASS; i++) {
        int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        struct peer *p = fd < FD_SETSIZE ? calloc(1, sizeof *p) : NULL;
        if (p == NULL) {
            close(fd);
            continue;
        }
        int one = 1; /* as chat-server does: a frame leaves at once */
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        p->fd = fd;
        peers[fd] = p;
        if (fd > max_fd)
            max_fd = fd;
        joined++;
        joined_changed = true;
    }
}

/* Tells everyone how many are joined, once per pass in which the number changed. */
static void announce_joined(void)
{
    uint8_t h[FLOOR_HEADER];
    floor_header_write(h, FLOOR_NOTICE | joined);
    for (int fd = 0; fd <= max_fd; fd++)
        if (peers[fd] != NULL)
            peer_queue(peers[fd], h, sizeof h);
    joined_changed = false;
}

static void relay_pass(int listener)
{
    fd_set rd, wr;
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_SET(listener, &rd);
    int top = listener;
    for (int fd = 0; fd <= max_fd; fd++) {
        struct peer *p = peers[fd];
        if (p != NULL && outbuf_pending(&p->out) > 0 && !p->blocked && !peer_write(p))
            continue;
        if ((p = peers[fd]) == NULL)
            continue;
        FD_SET(fd, &rd);
        if (p->blocked)
            FD_SET(fd, &wr);
        top = fd > top ? fd : top;
    }
    struct timeval tv = { .tv_sec = 1 };
    int ready = select(top + 1, &rd, &wr, NULL, &tv);
    if (ready <= 0)
        return;
    if (FD_ISSET(listener, &rd))
        accept_waiting(listener);
    for (int fd = 0; fd <= top; fd++) {
        struct peer *p = peers[fd];
        if (p == NULL || fd == listener)
            continue;
        if (FD_ISSET(fd, &wr))
            p->blocked = false;
        if (FD_ISSET(fd, &rd))
            peer_read(p);
    }
    if (joined_changed)
        announce_joined();
}

int main(int argc, char **argv)
{
    long port = 0, lifetime = 3600;
    for (int i = 1; i + 1 < argc; i += 2) {
        char *end;
        long v = strtol(argv[i + 1], &end, 10);
        if (*end != '\0' || v < 0 || (strcmp(argv[i], "--port") == 0 && v > 65535))
            argc = -1;
        else if (strcmp(argv[i], "--port") == 0)
            port = v;
        else if (strcmp(argv[i], "--lifetime") == 0)
            lifetime = v;
        else
            argc = -1;
    }
    if (argc < 0 || argc % 2 == 0) {
        fprintf(stderr, "usage: floor-relay [--port P] [--lifetime SECONDS]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    uint16_t bound;
    int listener = net_listen_loopback((uint16_t)port, &bound);
    if (listener < 0 || listen(listener, FLOOR_BACKLOG) != 0 ||
        fcntl(listener, F_SETFL, O_NONBLOCK) != 0) {
        perror("floor-relay: listen");
        return 1;
    }
    printf("floor-relay listening on 127.0.0.1:%u\n", (unsigned)bound);
    fflush(stdout);
    time_t end = time(NULL) + lifetime;
    while (!stopping && time(NULL) < end)
        relay_pass(listener);
    for (int fd = 0; fd <= max_fd; fd++)
        if (peers[fd] != NULL)
            peer_close(peers[fd]);
    close(listener);
    return 0;
}
