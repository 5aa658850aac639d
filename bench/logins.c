/* chat-bench --logins: see logins.h. One poll() loop drives `window` connections, each
 * logging in (LOGIN or LOGIN_TOKEN) as one of the accounts registered at the start and
 * closing once WELCOME arrives, then starting again; one more connection, logged in as
 * a guest, sends a PING whenever its last one was answered and records the round trip,
 * first for BASELINE_S seconds with no login going on (the baseline), then during the
 * logins.
 * A login that gets BUSY is retried on a new connection after BUSY_RETRY_NS (a real
 * client waits the second the error names; the bench keeps the server saturated). */
#include "bench/logins.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench/stats.h"
#include "common/protocol.h"

#define PASSWORD "bench password 1234"
#define MAX_SLOTS 1024
#define REGISTER_WINDOW 4           /* registrations at once: each waits for the ones queued
                                       before it, within the handshake timeout */
#define BUSY_RETRY_NS 50000000u     /* 50 ms */
#define BASELINE_S 1.0

struct slot {
    int fd;                 /* -1 while idle */
    uint64_t retry_at_ns;   /* idle after BUSY: start again then */
    uint32_t account;
    struct proto_decoder dec;
};

struct run {
    const struct logins_opts *opt;
    char prefix[32];
    uint8_t (*tokens)[PROTO_TOKEN_LEN];
    struct slot slots[MAX_SLOTS + 1]; /* the last one is the pinger */
    uint64_t logins, busy;
    uint64_t ping_sent_ns;
    struct hist ping;
    char failure[160];
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A blocking loopback connection (the server answers at once), or -1. */
static int connect_to(const struct logins_opts *opt)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(opt->port),
                              .sin_addr = opt->addr };
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
        return fd;
    if (fd >= 0)
        close(fd);
    return -1;
}

static bool send_msg(int fd, const struct proto_msg *msg)
{
    uint8_t buf[2048];
    size_t n = proto_frame_size(msg);
    return n > 0 && n <= sizeof buf && proto_encode(msg, buf) == n &&
           send(fd, buf, n, MSG_NOSIGNAL) == (ssize_t)n;
}

static void account_name(const struct run *r, uint32_t i, char *out, size_t cap)
{
    snprintf(out, cap, "%s%u", r->prefix, i);
}

/* Opens slot s and sends its login (REGISTER when registering). */
static bool slot_start(struct run *r, struct slot *s, bool registering)
{
    s->fd = connect_to(r->opt);
    if (s->fd < 0) {
        snprintf(r->failure, sizeof r->failure, "connect: %s", strerror(errno));
        return false;
    }
    proto_decoder_init(&s->dec, PROTO_MAX_PAYLOAD);
    char name[64];
    account_name(r, s->account, name, sizeof name);
    struct proto_msg msg = { 0 };
    if (registering) {
        msg.type = PROTO_REGISTER;
        msg.u.reg = (struct proto_register){ PROTO_VERSION, 0, proto_str_of(name),
                                             proto_str_of(PASSWORD), proto_str_of(""),
                                             proto_str_of("chat-bench") };
    } else if (r->opt->kind == LOGIN_PASSWORD) {
        msg.type = PROTO_LOGIN;
        msg.u.login = (struct proto_login){ PROTO_VERSION, 0, proto_str_of(name),
                                            proto_str_of(PASSWORD), proto_str_of("chat-bench") };
    } else {
        msg.type = PROTO_LOGIN_TOKEN;
        msg.u.login_token.version = PROTO_VERSION;
        memcpy(msg.u.login_token.token, r->tokens[s->account], PROTO_TOKEN_LEN);
        msg.u.login_token.agent = proto_str_of("chat-bench");
    }
    return send_msg(s->fd, &msg);
}

static void slot_close(struct slot *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    proto_decoder_free(&s->dec);
}

/* Reads what slot s has; returns 1 when its login completed (WELCOME), 0 to wait, -1
 * on a failure (r->failure says it), 2 when the server was busy (retry). */
static int slot_read(struct run *r, struct slot *s)
{
    uint8_t buf[65536];
    ssize_t n = recv(s->fd, buf, sizeof buf, 0);
    if (n <= 0) {
        snprintf(r->failure, sizeof r->failure, "connection closed during a login");
        return -1;
    }
    proto_decoder_feed(&s->dec, buf, (size_t)n);
    struct proto_msg msg;
    enum proto_status st;
    while ((st = proto_decoder_next(&s->dec, &msg)) == PROTO_OK) {
        if (msg.type == PROTO_SESSION && r->tokens != NULL)
            memcpy(r->tokens[s->account], msg.u.session.token, PROTO_TOKEN_LEN);
        if (msg.type == PROTO_WELCOME)
            return 1;
        if (msg.type == PROTO_ERROR && msg.u.error.code == PROTO_E_BUSY)
            return 2;
        if (msg.type == PROTO_ERROR) {
            snprintf(r->failure, sizeof r->failure, "server error %u: %.*s",
                     (unsigned)msg.u.error.code, (int)msg.u.error.message.len,
                     msg.u.error.message.ptr);
            return -1;
        }
    }
    return st == PROTO_NEED_MORE ? 0 : -1;
}

/* The pinger: a guest that sends PING as soon as the last one was answered. */
static bool pinger_read(struct run *r, struct slot *p)
{
    uint8_t buf[65536];
    ssize_t n = recv(p->fd, buf, sizeof buf, 0);
    if (n <= 0)
        return false;
    proto_decoder_feed(&p->dec, buf, (size_t)n);
    struct proto_msg msg;
    while (proto_decoder_next(&p->dec, &msg) == PROTO_OK) {
        if (msg.type != PROTO_PONG)
            continue;
        uint64_t t = now_ns();
        if (r->ping_sent_ns != 0)
            hist_record(&r->ping, t - r->ping_sent_ns);
        r->ping_sent_ns = t;
        struct proto_msg ping = { .type = PROTO_PING, .u.token = t };
        if (!send_msg(p->fd, &ping))
            return false;
    }
    return true;
}

/* Runs logins on the first `window` slots (plus the pinger when ping) until count
 * logins or the deadline; registering does each account once. */
static bool drive(struct run *r, uint32_t window, uint64_t count, double seconds,
                  bool registering, bool ping)
{
    struct pollfd fds[MAX_SLOTS + 1];
    uint64_t deadline = now_ns() + (uint64_t)(seconds * 1e9);
    window = registering && window > REGISTER_WINDOW ? REGISTER_WINDOW : window;
    uint64_t started = 0, done = 0;
    for (uint32_t i = 0; i < window; i++) {
        r->slots[i].account = i;
        if (!slot_start(r, &r->slots[i], registering))
            return false;
        started++;
    }
    struct slot *pinger = &r->slots[MAX_SLOTS];
    while (done < count && now_ns() < deadline) {
        nfds_t n = 0;
        for (uint32_t i = 0; i < window; i++)
            fds[n++] = (struct pollfd){ .fd = r->slots[i].fd, .events = POLLIN };
        if (ping)
            fds[n++] = (struct pollfd){ .fd = pinger->fd, .events = POLLIN };
        if (poll(fds, n, 10) < 0 && errno != EINTR)
            return false;
        uint64_t now = now_ns();
        for (uint32_t i = 0; i < window; i++) {
            struct slot *s = &r->slots[i];
            if (s->fd < 0 && s->retry_at_ns != 0 && now >= s->retry_at_ns) {
                s->retry_at_ns = 0;
                if (!slot_start(r, s, registering))
                    return false;
            }
        }
        if (ping && (fds[n - 1].revents & (POLLIN | POLLHUP)) && !pinger_read(r, pinger)) {
            snprintf(r->failure, sizeof r->failure, "the pinger lost its connection");
            return false;
        }
        for (uint32_t i = 0; i < window; i++) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            struct slot *s = &r->slots[i];
            int got = slot_read(r, s);
            if (got < 0)
                return false;
            if (got == 0)
                continue;
            slot_close(s);
            if (got == 2) {
                r->busy++;
                s->retry_at_ns = now + BUSY_RETRY_NS;
                continue;
            }
            done++;
            if (started >= count) /* none left to start */
                continue;
            if (registering)
                s->account = (uint32_t)started; /* the next account; a login repeats its own */
            started++;
            if (!slot_start(r, s, registering))
                return false;
        }
    }
    for (uint32_t i = 0; i < window; i++)
        slot_close(&r->slots[i]);
    r->logins = done;
    if (done < count && count != UINT64_MAX) {
        snprintf(r->failure, sizeof r->failure, "only %" PRIu64 " of %" PRIu64 " logins in time",
                 done, count);
        return false;
    }
    return true;
}

static bool pinger_start(struct run *r)
{
    struct slot *p = &r->slots[MAX_SLOTS];
    p->fd = connect_to(r->opt);
    if (p->fd < 0)
        return false;
    proto_decoder_init(&p->dec, PROTO_MAX_PAYLOAD);
    char name[64];
    snprintf(name, sizeof name, "%sping", r->prefix);
    struct proto_msg hello = { .type = PROTO_HELLO, .u.hello = { PROTO_VERSION, 0,
                               proto_str_of(name), proto_str_of("chat-bench") } };
    struct proto_msg ping = { .type = PROTO_PING, .u.token = 0 };
    return send_msg(p->fd, &hello) && send_msg(p->fd, &ping);
}

bool logins_run(const struct logins_opts *opt)
{
    struct run *r = calloc(1, sizeof *r);
    if (r == NULL)
        return false;
    r->opt = opt;
    snprintf(r->prefix, sizeof r->prefix, "b%ld-", (long)getpid() % 100000);
    r->tokens = calloc(opt->accounts, sizeof *r->tokens);
    uint32_t window = opt->window < opt->accounts ? opt->window : opt->accounts;
    hist_reset(&r->ping);
    uint64_t t0 = now_ns();
    bool ok = r->tokens != NULL && window <= MAX_SLOTS &&
              drive(r, window, opt->accounts, opt->timeout_s, true, false);
    double setup_s = (double)(now_ns() - t0) / 1e9;
    ok = ok && pinger_start(r) && drive(r, 0, UINT64_MAX, BASELINE_S, false, true);
    struct hist *baseline = malloc(sizeof *baseline);
    ok = ok && baseline != NULL;
    if (ok)
        *baseline = r->ping;
    hist_reset(&r->ping);
    t0 = now_ns();
    bool timed = opt->count == 0;
    ok = ok && drive(r, window, timed ? UINT64_MAX : opt->count,
                     timed ? opt->duration_s : opt->timeout_s, false, true);
    double run_s = (double)(now_ns() - t0) / 1e9;
    const char *kind = opt->kind == LOGIN_PASSWORD ? "password" : "token";
    printf("RESULT mode=logins ok=%d kind=%s accounts=%u window=%u logins=%" PRIu64 " busy=%" PRIu64
           " seconds=%.3f logins_per_s=%.1f setup_s=%.3f pings=%" PRIu64 " ping_p50_us=%.0f"
           " ping_p99_us=%.0f ping_max_us=%.0f idle_ping_p50_us=%.0f idle_ping_p99_us=%.0f\n",
           ok, kind, opt->accounts, window, r->logins, r->busy, run_s, r->logins / run_s, setup_s,
           r->ping.count, hist_quantile(&r->ping, 0.5) / 1e3, hist_quantile(&r->ping, 0.99) / 1e3,
           r->ping.max_ns / 1e3, baseline ? hist_quantile(baseline, 0.5) / 1e3 : 0.0,
           baseline ? hist_quantile(baseline, 0.99) / 1e3 : 0.0);
    if (!ok)
        printf("FAILURE %s\n", r->failure[0] ? r->failure : "could not start");
    printf("%" PRIu64 " %s logins in %.2f s (%.1f/s, %" PRIu64 " BUSY retries); PING round "
           "trip meanwhile p50 %.0f us, p99 %.0f us, max %.0f us over %" PRIu64 " pings\n",
           r->logins, kind, run_s, r->logins / run_s, r->busy, hist_quantile(&r->ping, 0.5) / 1e3,
           hist_quantile(&r->ping, 0.99) / 1e3, r->ping.max_ns / 1e3, r->ping.count);
    if (baseline != NULL)
        printf("PING round trip with no login going on (baseline): p50 %.0f us, p99 %.0f us\n",
               hist_quantile(baseline, 0.5) / 1e3, hist_quantile(baseline, 0.99) / 1e3);
    free(baseline);
    slot_close(&r->slots[MAX_SLOTS]);
    free(r->tokens);
    free(r);
    return ok;
}
