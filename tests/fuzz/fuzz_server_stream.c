/* libFuzzer harness for the server (every server file but main.c). One client's whole
 * byte stream goes through the real loop of a real server -- socket read, decoder,
 * command table, login, texts, uploads to a files directory, downloads, flood control,
 * the idle check, the close -- with no network: the client is one end of a socketpair
 * whose other end the harness writes the input into and drains. A second client,
 * logged in first, receives every broadcast.
 *
 * The first input byte chooses how the rest is cut into writes (1..16 bytes, so frames
 * arrive split anywhere) and which limits apply: none (--no-limits), tight budgets that
 * throttle, or tight budgets that also drop at once. Refill rates are so small that
 * wall time never refills a budget: the harness moves time forward itself, releasing
 * throttled clients one frame at a time, then pinging and timing out the idle ones, so
 * every run of an input takes the same path. At the end the server is freed, and ASan
 * and LeakSanitizer check that nothing was used after free or leaked. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/client.h"
#include "server/clock.h"
#include "server/guard.h"
#include "server/log.h"
#include "server/server.h"

#define FAR_FUTURE_MS (1000ll * 1000 * 1000 * 1000 * 1000) /* ~30000 years on: every timer,
                                                        even a release, is due */
#define MAX_PASSES 64 /* loop passes per step: bounds a run, even for huge downloads */

static char files_dir[] = "/tmp/fuzz-server-XXXXXX";

/* Removes what the last input stored, so runs do not depend on each other. */
static void empty_files_dir(void)
{
    DIR *d = opendir(files_dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
}

static void remove_files_dir(void)
{
    empty_files_dir();
    rmdir(files_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (mkdtemp(files_dir) == NULL) {
        perror("mkdtemp");
        abort();
    }
    atexit(remove_files_dir);
    char err[256];
    if (log_open("/dev/null", LOG_DEBUG, err, sizeof err) != 0) { /* formatting runs too */
        fprintf(stderr, "%s\n", err);
        abort();
    }
    return 0;
}

/* The configuration chosen by mode bits of the first byte. */
static struct server_config config_for(uint8_t mode)
{
    struct server_config cfg = {
        .host = "127.0.0.1", .port = 0, .log_path = "/dev/null", .files_dir = files_dir,
        .data_dir = ":memory:",
        .poller = "select", .log_level = LOG_DEBUG, .max_clients = 8,
        .max_file_size = 1 << 20, .max_uploads = 2, .max_downloads = 2,
        .max_output_queue = 1 << 20, .handshake_timeout_ms = 10000,
        .guard = {
            .enabled = (mode & 0x10) == 0,
            .messages = { 1e-6, 8 },
            .bytes = { 1e-6, 4096 },
            .file_bytes = { 1e-6, 65536 },
            .connects = { 1e-6, 8 },
            .ip_connects = { 1e-6, 8 },
            .max_per_ip = 8,
            .flood_grace_ms = (mode & 0x20) ? 0 : FAR_FUTURE_MS,
            .idle_ms = 1000,
            .pong_ms = 1000,
        },
        /* Accounts with libsodium's cheapest Argon2id (8 KiB, one pass): the worker
         * thread and its wake-up fd are real, the hashing nearly free. */
        .accounts = {
            .registration = (mode & 0x40) ? REGISTRATION_INVITE : REGISTRATION_OPEN,
            .allow_guests = true,
            .pwhash_ops = 1,
            .pwhash_mem_bytes = 8192,
            .hash_threads = 1,
            .max_pending_logins = 2,
            .token_ms = 86400000,
            .login_limit = { 1e-6, 3 },
            .register_limit = { 1e-6, 3 },
        },
    };
    return cfg;
}

/* Reads and discards everything the server sent to the harness's end of a pair. */
static void drain(int fd)
{
    char sink[65536];
    while (read(fd, sink, sizeof sink) > 0)
        ;
}

struct peer {
    int fd; /* the harness's end */
};

/* A client of srv on a fresh socketpair; the harness keeps the other end. */
static struct peer peer_new(struct server *srv, const char *addr)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0) {
        perror("socketpair");
        abort();
    }
    if (client_new(srv, sv[0], ++srv->next_conn_id, addr) == NULL)
        abort();
    return (struct peer){ .fd = sv[1] };
}

/* Runs loop passes (without waiting) until the server has nothing left to do right away
 * or MAX_PASSES have run, draining what it sends. */
static void settle(struct server *srv, const struct peer *a, const struct peer *b)
{
    for (int i = 0; i < MAX_PASSES; i++) {
        server_pass(srv, 0, NULL);
        drain(a->fd);
        drain(b->fd);
        if (list_empty(&srv->pending_writes) && list_empty(&srv->backlog) &&
            list_empty(&srv->downloaders) && i > 0)
            return;
    }
}

/* Writes all n bytes into the pair, then lets the loop run one pass (more while the
 * pair is full), so the server sees the input in pieces of the harness's choosing. */
static void feed(struct server *srv, const struct peer *p, const struct peer *other,
                 const uint8_t *data, size_t n)
{
    for (int tries = 0; n > 0 && tries < MAX_PASSES; tries++) {
        ssize_t done = send(p->fd, data, n, MSG_NOSIGNAL);
        if (done < 0 && errno != EAGAIN)
            return; /* the server closed its end */
        if (done > 0) {
            data += done;
            n -= (size_t)done;
        }
        server_pass(srv, 0, NULL);
        drain(p->fd);
        drain(other->fd);
    }
}

/* Moves time forward until no client is throttled: each release lets one frame through. */
static void release_throttled(struct server *srv, const struct peer *a, const struct peer *b)
{
    for (int i = 0; i < 4096 && !list_empty(&srv->guard.throttled); i++) {
        guard_expire(srv, clock_mono_ms() + FAR_FUTURE_MS);
        settle(srv, a, b);
    }
}

static const uint8_t bystander_hello[] = {
    0, 0, 0, 23, 0, 1, 0, 0,                 /* header: HELLO, 23 bytes */
    0, 1, 0, 0, 0, 0,                        /* version 1, features 0 */
    0, 9, 'b', 'y', 's', 't', 'a', 'n', 'd', 'e', 'r', /* username */
    0, 4, 'f', 'u', 'z', 'z',                /* agent */
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t mode = data[0];
    size_t piece = (size_t)(mode & 0x0f) + 1;
    data++;
    size--;

    struct server_config cfg = config_for(mode);
    struct server srv;
    char err[256];
    if (server_start(&srv, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "server_start: %s\n", err);
        abort();
    }
    struct peer bystander = peer_new(&srv, "127.0.0.1:2");
    struct peer subject = peer_new(&srv, "127.0.0.1:1");
    feed(&srv, &bystander, &subject, bystander_hello, sizeof bystander_hello);
    settle(&srv, &bystander, &subject);

    for (size_t pos = 0; pos < size; pos += piece) {
        size_t n = size - pos < piece ? size - pos : piece;
        feed(&srv, &subject, &bystander, data + pos, n);
    }
    settle(&srv, &subject, &bystander);
    release_throttled(&srv, &subject, &bystander);
    shutdown(subject.fd, SHUT_WR); /* the peer is done: EOF, then the close */
    settle(&srv, &subject, &bystander);
    release_throttled(&srv, &subject, &bystander);
    for (int round = 0; round < 2; round++) { /* an idle PING, then the timeout */
        guard_expire(&srv, clock_mono_ms() + FAR_FUTURE_MS * (round + 1));
        settle(&srv, &subject, &bystander);
    }

    server_free(&srv);
    close(subject.fd);
    close(bystander.fd);
    empty_files_dir();
    return 0;
}
