/* The load generator core: connection state machine, login barrier, senders with a
 * bounded window, pacing, delivery accounting. One thread, one level-triggered epoll;
 * every wait has a timeout derived from a phase deadline, so the run is bounded.
 *
 * Texts are "S<sender> Q<seq> T<stamp-hex> " padded to the chosen size. A sender may
 * have at most `window` messages that have not yet reached every other member; the
 * receivers count them down, so the loop is closed over the whole room (the same rule
 * for both protocols: IRC never echoes a message to its sender, ours does, and that
 * echo is counted apart). With --rate the messages are scheduled by a timerfd and each
 * carries its scheduled time, so a message the window held back is charged for the
 * wait (no coordinated omission). */
#include "bench/load.h"
#include "bench/text.h"
#include "bench/tls.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define LOAD_READ_BUF (256u * 1024u)
#define LOAD_MAX_EVENTS 1024
#define LOAD_MAX_WAIT_MS 100    /* deadlines are re-checked at least this often */
#define LOAD_NOTES_SHOWN 5      /* problem lines written to stderr per run */
#define LOAD_FD_SPARE 64        /* descriptors beyond one per client */
#define NS_PER_S 1000000000.0

enum conn_state { CONN_IDLE, CONN_CONNECTING, CONN_TLS, CONN_LOGIN, CONN_READY, CONN_CLOSED };

struct sender {
    uint64_t next_seq;   /* sequence number of its next message */
    uint64_t done_seq;   /* every message below it reached all other members */
    uint64_t next_due;   /* paced: global number of the next scheduled message it owes */
    uint32_t *remaining; /* window slots (seq % window): deliveries still owed */
};

struct load {
    const struct load_opts *opt;
    struct load_result *res;
    int ep;
    int timer_fd;                /* paced sending; -1 otherwise */
    int typing_fd;               /* --typists: one notice per expiry; -1 otherwise */
    uint32_t next_typist;
    struct conn *conns;
    struct sender *senders;      /* sender s speaks on conns[s] */
    uint64_t *next_expected;     /* [receiver * senders + sender]: next seq it should see */
    struct conn **dirty;         /* connections with output queued since the last flush */
    size_t dirty_len;
    uint8_t *rbuf;
    uint64_t read_now;           /* clock right after the read being parsed */
    uint64_t arrival;            /* when those bytes reached the socket (kernel stamp) */
    int64_t real_minus_mono;     /* CLOCK_REALTIME - CLOCK_MONOTONIC, refreshed per wait */
    uint32_t started, logging_in, logged_in, settled;
    bool sending, tearing_down, failed;
    uint64_t in_flight;          /* messages sent and not yet at every other member */
    uint64_t rx_bytes;           /* bytes read so far (all connections) */
    uint64_t t0, t_send, t_last_delivery;
    uint64_t period_ns, due;     /* paced: interval, and messages due so far */
    uint32_t notes;
};

static void load_note(struct load *ld, const char *fmt, ...)
{
    if (ld->notes++ >= LOAD_NOTES_SHOWN)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("chat-bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* Ends the run with a reason; the first reason wins. */
static void load_fail(struct load *ld, const char *fmt, ...)
{
    if (ld->failed)
        return;
    ld->failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ld->res->failure, sizeof ld->res->failure, fmt, ap);
    va_end(ap);
}

static double seconds_between(uint64_t from, uint64_t to)
{
    return to > from ? (double)(to - from) / NS_PER_S : 0.0;
}

void load_conn_name(const struct conn *c, char out[16])
{
    snprintf(out, 16, "b%05u", c->index);
}

/* ---- connections ---- */

static void conn_watch(struct load *ld, struct conn *c, bool want_out)
{
    struct epoll_event ev = { .events = EPOLLIN | (want_out ? EPOLLOUT : 0), .data.ptr = c };
    epoll_ctl(ld->ep, EPOLL_CTL_MOD, c->fd, &ev);
    c->watching_out = want_out;
}

static void conn_close(struct load *ld, struct conn *c, const char *reason)
{
    if (c->state == CONN_IDLE || c->state == CONN_CLOSED)
        return;
    if (!ld->tearing_down) {
        char name[16];
        load_conn_name(c, name);
        ld->res->disconnects++;
        load_note(ld, "%s closed: %s", name, reason);
        if (c->state != CONN_READY)
            load_fail(ld, "%s closed while logging in: %s", name, reason);
    }
    if (c->state != CONN_READY)
        ld->logging_in--;
    epoll_ctl(ld->ep, EPOLL_CTL_DEL, c->fd, NULL);
    bench_tls_free(c->ssl);
    c->ssl = NULL;
    close(c->fd);
    c->fd = -1;
    c->state = CONN_CLOSED;
    ld->opt->dialect->conn_release(c);
    outbuf_free(&c->out);
}

static void conn_start(struct load *ld, struct conn *c)
{
    c->fd = net_connect_start(ld->opt->addr, ld->opt->ports[c->index % ld->opt->nports]);
    if (c->fd >= 0)
        net_rx_timestamps(c->fd);
    if (c->fd < 0) {
        load_fail(ld, "connection %u could not start: %s", c->index, strerror(errno));
        return;
    }
    struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.ptr = c };
    epoll_ctl(ld->ep, EPOLL_CTL_ADD, c->fd, &ev);
    c->watching_out = true;
    c->state = CONN_CONNECTING;
    ld->opt->dialect->conn_init(c);
    ld->started++;
    ld->logging_in++;
}

/* Keeps up to login_window connections logging in at once. */
static void login_fill(struct load *ld)
{
    while (!ld->failed && ld->started < ld->opt->clients &&
           ld->logging_in < ld->opt->login_window)
        conn_start(ld, &ld->conns[ld->started]);
}

static void conn_flush(struct load *ld, struct conn *c)
{
    enum flush_status st = c->ssl != NULL ? bench_tls_flush(&c->out, c->ssl)
                                          : outbuf_flush(&c->out, c->fd);
    if (st == FLUSH_FAILED) {
        conn_close(ld, c, strerror(errno));
        return;
    }
    bool want_out = st == FLUSH_BLOCKED;
    if (want_out != c->watching_out)
        conn_watch(ld, c, want_out);
}

/* Writes everything queued since the last wait: one send per busy socket per pass. */
static void flush_dirty(struct load *ld)
{
    for (size_t i = 0; i < ld->dirty_len; i++) {
        struct conn *c = ld->dirty[i];
        c->dirty = false;
        if (c->state == CONN_LOGIN || c->state == CONN_READY)
            conn_flush(ld, c);
    }
    ld->dirty_len = 0;
}

struct outbuf *load_output(struct load *ld, struct conn *c)
{
    if (!c->dirty) {
        c->dirty = true;
        ld->dirty[ld->dirty_len++] = c;
    }
    return &c->out;
}

/* The kernel's receive timestamp of the last segment a recvmsg returned (CLOCK_REALTIME),
 * turned into CLOCK_MONOTONIC; the read time when there is none. */
static uint64_t arrival_time(struct load *ld, struct msghdr *mh)
{
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_TIMESTAMPNS)
            continue;
        struct timespec ts;
        memcpy(&ts, CMSG_DATA(cm), sizeof ts);
        int64_t mono = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec - ld->real_minus_mono;
        ld->res->rx_stamped_reads++;
        return mono > 0 && (uint64_t)mono < ld->read_now ? (uint64_t)mono : ld->read_now;
    }
    return ld->read_now;
}

/* Reads what TLS has decrypted, until the session holds nothing more. */
static void conn_read_tls(struct load *ld, struct conn *c)
{
    bool held;
    do {
        ssize_t n = bench_tls_read(c->ssl, ld->rbuf, LOAD_READ_BUF, &held);
        if (n > 0) {
            ld->read_now = ld->arrival = clock_now_ns(); /* no kernel stamp for a record */
            ld->res->reads++;
            ld->rx_bytes += (uint64_t)n;
            if (!ld->opt->dialect->input(ld, c, ld->rbuf, (size_t)n))
                conn_close(ld, c, "the stream cannot go on");
        } else if (n == 0) {
            conn_close(ld, c, "the server closed the connection");
        } else if (errno != EAGAIN && errno != EINTR) {
            conn_close(ld, c, strerror(errno));
        }
    } while (c->ssl != NULL && held);
}

/* One TLS handshake step; logs in once it is done. */
static void conn_handshake(struct load *ld, struct conn *c)
{
    bool want_write = false;
    int st = bench_tls_handshake(c->ssl, &want_write);
    if (st < 0) {
        conn_close(ld, c, "TLS handshake failed");
    } else if (st == 0) {
        if (want_write != c->watching_out)
            conn_watch(ld, c, want_write);
    } else {
        c->state = CONN_LOGIN;
        if (c->watching_out)
            conn_watch(ld, c, false);
        ld->opt->dialect->login(ld, c);
    }
}

static void conn_read(struct load *ld, struct conn *c)
{
    if (c->ssl != NULL) {
        conn_read_tls(ld, c);
        return;
    }
    union {
        char buf[CMSG_SPACE(sizeof(struct timespec))];
        struct cmsghdr align;
    } control;
    struct iovec iov = { .iov_base = ld->rbuf, .iov_len = LOAD_READ_BUF };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf };
    ssize_t n = recvmsg(c->fd, &mh, 0);
    if (n > 0) {
        ld->read_now = clock_now_ns();
        ld->arrival = arrival_time(ld, &mh);
        ld->res->reads++;
        ld->rx_bytes += (uint64_t)n;
        if (!ld->opt->dialect->input(ld, c, ld->rbuf, (size_t)n))
            conn_close(ld, c, "the stream cannot go on");
    } else if (n == 0) {
        conn_close(ld, c, "the server closed the connection");
    } else if (errno != EAGAIN && errno != EINTR) {
        conn_close(ld, c, strerror(errno));
    }
}

static void conn_event(struct load *ld, struct conn *c, uint32_t events)
{
    if (c->state == CONN_CONNECTING) {
        int err = net_connect_result(c->fd);
        if (err != 0) {
            conn_close(ld, c, strerror(err));
        } else if ((events & EPOLLOUT) && bench_tls_on()) {
            c->state = CONN_TLS;
            c->ssl = bench_tls_session(c->fd);
            if (c->ssl == NULL)
                conn_close(ld, c, "no TLS session");
            else
                conn_handshake(ld, c);
        } else if (events & EPOLLOUT) {
            c->state = CONN_LOGIN;
            ld->opt->dialect->login(ld, c);
            if (!c->dirty) /* a login that sends nothing (the floor relay's) */
                conn_watch(ld, c, false);
        }
        return;
    }
    if (c->state == CONN_TLS) {
        conn_handshake(ld, c);
        return;
    }
    if (c->state != CONN_LOGIN && c->state != CONN_READY)
        return;
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
        conn_read(ld, c);
    if ((events & EPOLLOUT) && (c->state == CONN_LOGIN || c->state == CONN_READY))
        conn_flush(ld, c);
}

const char *load_room(const struct load *ld)
{
    return ld->opt->room;
}

void load_logged_in(struct load *ld, struct conn *c)
{
    c->state = CONN_READY;
    ld->logging_in--;
    if (++ld->logged_in == ld->opt->clients)
        ld->res->login_s = seconds_between(ld->t0, clock_now_ns());
    if (ld->opt->idle && ld->logged_in == ld->res->warm_clients)
        ld->res->server_warm = proc_sample(ld->opt->server_pid);
    login_fill(ld);
}

void load_members(struct load *ld, struct conn *c, int64_t delta)
{
    int64_t all = ld->opt->clients; /* on every node, whichever it is on */
    bool was = c->members == all;
    c->members += delta;
    bool is = c->members == all;
    if (was == is)
        return;
    if (is && ++ld->settled == ld->opt->clients)
        ld->res->settle_s = seconds_between(ld->t0, clock_now_ns());
    if (!is)
        ld->settled--;
}

void load_server_error(struct load *ld, struct conn *c, const char *what)
{
    char name[16];
    load_conn_name(c, name);
    ld->res->server_errors++;
    load_note(ld, "%s: server said %s", name, what);
}

/* ---- senders and receivers ---- */

static void sender_send(struct load *ld, uint32_t s, uint64_t stamp)
{
    const struct load_opts *opt = ld->opt;
    struct sender *sd = &ld->senders[s];
    char text[PROTO_MAX_TEXT + 1];
    uint64_t seq = sd->next_seq++;
    text_format(text, opt->size, s, seq, stamp);
    sd->remaining[seq % opt->window] = opt->clients - 1;
    ld->in_flight++;
    ld->res->sent++;
    ld->res->expected += opt->clients - 1;
    opt->dialect->send_text(ld, &ld->conns[s], text, opt->size, seq + 1);
}

/* Sends what sender s may: closed loop, up to its window; paced, also no message
 * before it is due. */
static void sender_fill(struct load *ld, uint32_t s)
{
    struct sender *sd = &ld->senders[s];
    if (!ld->sending || ld->conns[s].state != CONN_READY)
        return;
    while (sd->next_seq - sd->done_seq < ld->opt->window) {
        if (ld->period_ns == 0) {
            sender_send(ld, s, clock_now_ns());
        } else if (sd->next_due < ld->due) {
            sender_send(ld, s, ld->t_send + (sd->next_due + 1) * ld->period_ns);
            sd->next_due += ld->opt->senders;
        } else {
            break;
        }
    }
}

/* Retires the messages of sender s that every member now has, oldest first. */
static void sender_advance(struct load *ld, uint32_t s)
{
    struct sender *sd = &ld->senders[s];
    while (sd->done_seq < sd->next_seq && sd->remaining[sd->done_seq % ld->opt->window] == 0) {
        sd->done_seq++;
        ld->in_flight--;
    }
    sender_fill(ld, s);
}

void load_text(struct load *ld, struct conn *c, const char *text, size_t len)
{
    struct load_result *res = ld->res;
    uint32_t s;
    uint64_t seq, stamp;
    if (!text_parse(text, len, &s, &seq, &stamp) || s >= ld->opt->senders) {
        res->unparsed++;
        return;
    }
    if (c->index == s) {
        res->echoes++;
        return;
    }
    struct sender *sd = &ld->senders[s];
    uint64_t *expect = &ld->next_expected[(size_t)c->index * ld->opt->senders + s];
    if (seq < *expect) {
        res->duplicates++;
        return;
    }
    if (seq >= sd->next_seq) {
        res->unparsed++; /* a sequence number this run never sent */
        return;
    }
    res->gaps += seq - *expect;
    *expect = seq + 1;
    res->delivered++;
    hist_record(&res->hist, ld->arrival > stamp ? ld->arrival - stamp : 0);
    hist_record(&res->hist_read, ld->read_now > stamp ? ld->read_now - stamp : 0);
    ld->t_last_delivery = ld->read_now;
    if (seq >= sd->done_seq && --sd->remaining[seq % ld->opt->window] == 0)
        sender_advance(ld, s);
}

void load_typing(struct load *ld, struct conn *c)
{
    (void)c;
    ld->res->typing_received++;
}

/* The typists take turns: one notice per expiry of the typing timer. */
static void typing_fired(struct load *ld)
{
    uint64_t expirations;
    if (read(ld->typing_fd, &expirations, sizeof expirations) != (ssize_t)sizeof expirations)
        return;
    const struct load_opts *opt = ld->opt;
    for (uint64_t i = 0; i < expirations; i++) {
        struct conn *c = &ld->conns[opt->clients - opt->typists +
                                    ld->next_typist++ % opt->typists];
        if (c->state != CONN_READY)
            continue;
        opt->dialect->send_typing(ld, c);
        ld->res->typing_sent++;
    }
}

static void timer_fired(struct load *ld)
{
    uint64_t expirations;
    if (read(ld->timer_fd, &expirations, sizeof expirations) != (ssize_t)sizeof expirations)
        return;
    ld->due += expirations;
    for (uint32_t s = 0; s < ld->opt->senders; s++)
        sender_fill(ld, s);
}

/* ---- the loop ---- */

/* Flushes queued output, waits (at most until deadline), handles what happened. */
static void load_poll(struct load *ld, uint64_t deadline)
{
    flush_dirty(ld);
    uint64_t now = clock_now_ns();
    int timeout = 0;
    if (deadline > now) {
        uint64_t ms = (deadline - now + 999999) / 1000000;
        timeout = ms > LOAD_MAX_WAIT_MS ? LOAD_MAX_WAIT_MS : (int)ms;
    }
    struct epoll_event events[LOAD_MAX_EVENTS];
    int n = epoll_wait(ld->ep, events, LOAD_MAX_EVENTS, timeout);
    ld->real_minus_mono = clock_real_ns() - (int64_t)clock_now_ns();
    if (n < 0 && errno != EINTR)
        load_fail(ld, "epoll_wait: %s", strerror(errno));
    for (int i = 0; i < n; i++) {
        if (events[i].data.ptr == NULL)
            timer_fired(ld);
        else if (events[i].data.ptr == &ld->typing_fd)
            typing_fired(ld);
        else
            conn_event(ld, events[i].data.ptr, events[i].events);
    }
}

/* Runs the loop until done(ld) or the deadline; false if the deadline came first. */
static bool load_until(struct load *ld, uint64_t deadline, bool (*done)(const struct load *))
{
    while (!ld->failed && !done(ld)) {
        if (clock_now_ns() >= deadline)
            return false;
        load_poll(ld, deadline);
    }
    return !ld->failed;
}

static bool all_in_room(const struct load *ld)
{
    return ld->logged_in == ld->opt->clients && ld->settled == ld->opt->clients;
}

static bool never(const struct load *ld)
{
    (void)ld;
    return false;
}

static bool nothing_in_flight(const struct load *ld)
{
    return ld->in_flight == 0;
}

static uint64_t after_seconds(double s)
{
    return clock_now_ns() + (uint64_t)(s * NS_PER_S);
}

/* A timerfd firing every period_ns, watched with data.ptr tag; -1 on failure. */
static int periodic_timer(struct load *ld, uint64_t period_ns, void *tag)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    struct itimerspec its = {
        .it_interval = { (time_t)(period_ns / 1000000000u), (long)(period_ns % 1000000000u) },
    };
    its.it_value = its.it_interval;
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };
    if (fd >= 0 && timerfd_settime(fd, 0, &its, NULL) == 0 &&
        epoll_ctl(ld->ep, EPOLL_CTL_ADD, fd, &ev) == 0)
        return fd;
    load_fail(ld, "timerfd: %s", strerror(errno));
    if (fd >= 0)
        close(fd);
    return -1;
}

static bool pacing_start(struct load *ld)
{
    ld->period_ns = (uint64_t)(NS_PER_S / ld->opt->rate);
    if (ld->period_ns == 0)
        ld->period_ns = 1;
    ld->timer_fd = periodic_timer(ld, ld->period_ns, NULL);
    return ld->timer_fd >= 0;
}

/* --typists: all of them together send typists x typing_rate notices a second. */
static bool typing_start(struct load *ld)
{
    const struct load_opts *opt = ld->opt;
    uint64_t period = (uint64_t)(NS_PER_S / (opt->typing_rate * opt->typists));
    ld->typing_fd = periodic_timer(ld, period ? period : 1, &ld->typing_fd);
    return ld->typing_fd >= 0;
}

static void run_sending(struct load *ld)
{
    const struct load_opts *opt = ld->opt;
    struct load_result *res = ld->res;
    res->server_start = proc_sample(opt->server_pid);
    for (uint32_t i = 0; i < opt->ncpu_pids; i++)
        res->cpu_start[i] = proc_sample(opt->cpu_pids[i]);
    uint64_t cpu0 = proc_self_cpu_ns();
    uint64_t rx0 = ld->rx_bytes, reads0 = res->reads;
    ld->t_send = clock_now_ns();
    ld->sending = true;
    if ((opt->rate > 0 && !pacing_start(ld)) || (opt->typists > 0 && !typing_start(ld)))
        return;
    for (uint32_t s = 0; s < opt->senders; s++)
        sender_fill(ld, s);
    load_until(ld, ld->t_send + (uint64_t)(opt->duration_s * NS_PER_S), never);
    ld->sending = false;
    res->send_s = seconds_between(ld->t_send, clock_now_ns());
    if (ld->typing_fd >= 0) {
        close(ld->typing_fd);
        ld->typing_fd = -1;
    }
    if (ld->timer_fd >= 0) {
        close(ld->timer_fd);
        ld->timer_fd = -1;
        res->unsent = ld->due > res->sent ? ld->due - res->sent : 0;
    }
    load_until(ld, after_seconds(opt->drain_s), nothing_in_flight);
    res->server_end = proc_sample(opt->server_pid);
    for (uint32_t i = 0; i < opt->ncpu_pids; i++)
        res->cpu_end[i] = proc_sample(opt->cpu_pids[i]);
    res->bench_cpu_ns = proc_self_cpu_ns() - cpu0;
    res->rx_bytes = ld->rx_bytes - rx0;
    res->rx_reads = res->reads - reads0;
    res->active_s = seconds_between(ld->t_send, ld->t_last_delivery);
}

static void run_idle(struct load *ld)
{
    uint64_t disconnects = ld->res->disconnects;
    load_until(ld, after_seconds(ld->opt->duration_s), never);
    ld->res->server_start = proc_sample(ld->opt->server_pid);
    if (ld->res->disconnects != disconnects)
        load_fail(ld, "connections were closed while idle");
}

static bool load_alloc(struct load *ld)
{
    const struct load_opts *opt = ld->opt;
    ld->conns = calloc(opt->clients, sizeof *ld->conns);
    ld->senders = calloc(opt->senders, sizeof *ld->senders);
    ld->next_expected = calloc((size_t)opt->clients * opt->senders, sizeof *ld->next_expected);
    ld->dirty = calloc(opt->clients, sizeof *ld->dirty);
    ld->rbuf = malloc(LOAD_READ_BUF);
    uint32_t *slots = calloc((size_t)opt->senders * opt->window, sizeof *slots);
    if (!ld->conns || !ld->senders || !ld->next_expected || !ld->dirty || !ld->rbuf || !slots) {
        free(slots);
        return false;
    }
    for (uint32_t i = 0; i < opt->clients; i++)
        ld->conns[i] = (struct conn){ .fd = -1, .index = i };
    for (uint32_t s = 0; s < opt->senders; s++)
        ld->senders[s] = (struct sender){ .next_due = s,
                                          .remaining = slots + (size_t)s * opt->window };
    return true;
}

static void load_free(struct load *ld)
{
    ld->tearing_down = true;
    for (uint32_t i = 0; ld->conns && i < ld->opt->clients; i++)
        conn_close(ld, &ld->conns[i], "done");
    if (ld->timer_fd >= 0)
        close(ld->timer_fd);
    if (ld->ep >= 0)
        close(ld->ep);
    if (ld->senders)
        free(ld->senders[0].remaining);
    free(ld->conns);
    free(ld->senders);
    free(ld->next_expected);
    free(ld->dirty);
    free(ld->rbuf);
}

bool load_run(const struct load_opts *opt, struct load_result *res)
{
    memset(res, 0, sizeof *res);
    hist_reset(&res->hist);
    hist_reset(&res->hist_read);
    struct load ld = { .opt = opt, .res = res, .ep = -1, .timer_fd = -1, .typing_fd = -1 };
    prctl(PR_SET_TIMERSLACK, 1UL); /* wake-ups on time, not up to 50 us late */
    text_init();
    size_t limit = net_raise_nofile((size_t)opt->clients + LOAD_FD_SPARE);
    if (limit < (size_t)opt->clients + LOAD_FD_SPARE)
        load_fail(&ld, "RLIMIT_NOFILE is %zu, need %u: raise the hard limit", limit,
                  opt->clients + LOAD_FD_SPARE);
    else if (!load_alloc(&ld))
        load_fail(&ld, "out of memory");
    else if ((ld.ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
        load_fail(&ld, "epoll_create1: %s", strerror(errno));

    if (!ld.failed) {
        res->server_base = proc_sample(opt->server_pid);
        res->warm_clients = opt->clients / 10 > 0 ? opt->clients / 10 : 1;
        ld.t0 = clock_now_ns();
        login_fill(&ld);
        bool in_room = load_until(&ld, after_seconds(opt->login_timeout_s), all_in_room);
        res->logged_in = ld.logged_in;
        if (!in_room && ld.logged_in < opt->clients)
            load_fail(&ld, "%u of %u clients logged in within %.0f s", ld.logged_in,
                      opt->clients, opt->login_timeout_s);
        else if (!in_room)
            load_fail(&ld, "only %u of %u clients saw all members within %.0f s", ld.settled,
                      opt->clients, opt->login_timeout_s);
    }
    if (!ld.failed) {
        if (opt->idle)
            run_idle(&ld);
        else
            run_sending(&ld);
    }
    load_free(&ld);
    res->ok = !ld.failed;
    return res->ok;
}
