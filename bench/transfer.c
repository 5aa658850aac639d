/* File throughput modes (see transfer.h). One socket each, non-blocking, waited on
 * with epoll against a single deadline. */
#include "bench/transfer.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/download_sink.h"
#include "bench/net.h"
#include "bench/procstat.h"
#include "bench/tls.h"
#include "common/protocol.h"

#define IO_BLOCK (256u * 1024u)          /* bytes per read from a file or socket */
#define UPLOAD_QUEUE (4u * PROTO_MAX_CHUNK) /* chunk frames kept queued ahead */
#define UPLOAD_ID 1u
#define MIB (1024.0 * 1024.0)
#define GIB (1024.0 * MIB)

/* One connection with its epoll set, input decoder and output queue. */
struct link {
    int fd;
    struct ssl_st *ssl;  /* with --tls (chat-server links only) */
    bool tls_held;       /* the session holds input the socket will not report */
    int ep;
    bool watching_out;
    uint64_t deadline;
    struct proto_decoder dec;
    struct outbuf out;
    uint8_t *rbuf;
    char error[200];
};

static bool link_fail(struct link *l, const char *fmt, ...)
{
    if (l->error[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(l->error, sizeof l->error, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* Waits until fd is ready for events or the deadline passes; false on timeout. */
static bool link_wait(struct link *l, bool want_out)
{
    if (want_out != l->watching_out) {
        struct epoll_event ev = { .events = EPOLLIN | (want_out ? EPOLLOUT : 0) };
        epoll_ctl(l->ep, EPOLL_CTL_MOD, l->fd, &ev);
        l->watching_out = want_out;
    }
    for (;;) {
        uint64_t now = clock_now_ns();
        if (now >= l->deadline)
            return link_fail(l, "timed out");
        struct epoll_event ev;
        int ms = (int)((l->deadline - now) / 1000000u) + 1;
        int n = epoll_wait(l->ep, &ev, 1, ms);
        if (n > 0)
            return true;
        if (n < 0 && errno != EINTR)
            return link_fail(l, "epoll_wait: %s", strerror(errno));
    }
}

static bool link_open(struct link *l, struct in_addr addr, uint16_t port, double timeout_s)
{
    *l = (struct link){ .fd = -1, .ep = -1 };
    l->deadline = clock_now_ns() + (uint64_t)(timeout_s * 1e9);
    proto_decoder_init(&l->dec, PROTO_MAX_PAYLOAD);
    l->rbuf = malloc(IO_BLOCK);
    l->fd = net_connect_start(addr, port);
    l->ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT };
    if (l->rbuf == NULL || l->fd < 0 || l->ep < 0 ||
        epoll_ctl(l->ep, EPOLL_CTL_ADD, l->fd, &ev) != 0)
        return link_fail(l, "cannot connect: %s", strerror(errno));
    l->watching_out = true;
    if (!link_wait(l, true))
        return false;
    int err = net_connect_result(l->fd);
    return err == 0 || link_fail(l, "cannot connect: %s", strerror(err));
}

/* The TLS handshake over an open link, when --tls is on. */
static bool link_tls(struct link *l)
{
    if (!bench_tls_on())
        return true;
    l->ssl = bench_tls_session(l->fd);
    if (l->ssl == NULL)
        return link_fail(l, "no TLS session");
    bench_tls_read_buffer(l->ssl, IO_BLOCK);
    for (;;) {
        bool want_write = false;
        int st = bench_tls_handshake(l->ssl, &want_write);
        if (st < 0)
            return link_fail(l, "TLS handshake failed");
        if (st > 0)
            return true;
        if (!link_wait(l, want_write))
            return false;
    }
}

static void link_close(struct link *l)
{
    bench_tls_free(l->ssl);
    if (l->fd >= 0)
        close(l->fd);
    if (l->ep >= 0)
        close(l->ep);
    proto_decoder_free(&l->dec);
    outbuf_free(&l->out);
    free(l->rbuf);
}

static void link_queue(struct link *l, const struct proto_msg *m)
{
    size_t size = proto_frame_size(m);
    outbuf_commit(&l->out, proto_encode(m, outbuf_reserve(&l->out, size)));
}

/* Writes what the socket takes; then, if output is left over or block is set, waits
 * once for the socket to take more or for input, and reads what has arrived into
 * rbuf (*got bytes, maybe 0). False on error, close or timeout. */
static bool link_receive(struct link *l, bool block, size_t *got)
{
    *got = 0;
    enum flush_status st = l->ssl != NULL ? bench_tls_flush(&l->out, l->ssl)
                                          : outbuf_flush(&l->out, l->fd);
    if (st == FLUSH_FAILED)
        return link_fail(l, "send: %s", strerror(errno));
    if ((block || st == FLUSH_BLOCKED) && !l->tls_held && !link_wait(l, st == FLUSH_BLOCKED))
        return false;
    ssize_t n = l->ssl != NULL ? bench_tls_read(l->ssl, l->rbuf, IO_BLOCK, &l->tls_held)
                               : recv(l->fd, l->rbuf, IO_BLOCK, MSG_DONTWAIT);
    if (n > 0)
        *got = (size_t)n;
    else if (n == 0)
        return link_fail(l, "the server closed the connection");
    else if (errno != EAGAIN && errno != EINTR)
        return link_fail(l, "recv: %s", strerror(errno));
    return true;
}

/* link_receive, with the input going into the decoder. */
static bool link_pump(struct link *l, bool block)
{
    size_t got;
    if (!link_receive(l, block, &got))
        return false;
    proto_decoder_feed(&l->dec, l->rbuf, got);
    return true;
}

/* An ERROR frame from the server, turned into the link's failure. */
static bool link_server_error(struct link *l, const struct proto_msg *m)
{
    return link_fail(l, "server error %u (%s): %.*s", m->u.error.code,
                     proto_error_text(m->u.error.code), (int)m->u.error.message.len,
                     m->u.error.message.ptr);
}

/* Takes a frame already received, if any: PROTO_OK, PROTO_NEED_MORE or a codec error.
 * An ERROR frame from the server is turned into a failure. */
static enum proto_status link_take(struct link *l, struct proto_msg *m)
{
    enum proto_status st = proto_decoder_next(&l->dec, m);
    if (st != PROTO_OK && st != PROTO_NEED_MORE) {
        link_fail(l, "undecodable frame: %s", proto_status_text(st));
    } else if (st == PROTO_OK && m->type == PROTO_ERROR) {
        link_server_error(l, m);
        st = PROTO_ERR_BAD_FIELD;
    }
    return st;
}

/* Waits for the next frame of the given type, skipping others. */
static bool link_expect(struct link *l, uint16_t type, struct proto_msg *m)
{
    for (;;) {
        enum proto_status st = link_take(l, m);
        if (st == PROTO_OK && m->type == type)
            return true;
        if (st == PROTO_NEED_MORE && !link_pump(l, true))
            return false;
        if (st != PROTO_OK && st != PROTO_NEED_MORE)
            return false;
    }
}

/* Reads exactly n bytes from fd (a regular file) into buf. */
static bool read_full(int fd, uint8_t *buf, size_t n)
{
    while (n > 0) {
        ssize_t got = read(fd, buf, n);
        if (got <= 0 && !(got < 0 && errno == EINTR))
            return false;
        if (got > 0) {
            buf += got;
            n -= (size_t)got;
        }
    }
    return true;
}

static bool write_full(int fd, const uint8_t *buf, size_t n)
{
    while (n > 0) {
        ssize_t put = write(fd, buf, n);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            return false;
        buf += put;
        n -= (size_t)put;
    }
    return true;
}

static bool file_sha256(int fd, uint8_t digest[PROTO_SHA256_LEN], uint8_t *buf)
{
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    ssize_t n;
    while ((n = read(fd, buf, IO_BLOCK)) > 0)
        g_checksum_update(sum, buf, (gssize)n);
    gsize len = PROTO_SHA256_LEN;
    g_checksum_get_digest(sum, digest, &len);
    g_checksum_free(sum);
    return n == 0 && lseek(fd, 0, SEEK_SET) == 0;
}

static bool upload_login(struct link *l)
{
    struct proto_msg m = { .type = PROTO_HELLO };
    m.u.hello = (struct proto_hello){ .version = PROTO_VERSION,
                                      .username = proto_str_of("bench-file"),
                                      .agent = proto_str_of("chat-bench/1") };
    link_queue(l, &m);
    return link_expect(l, PROTO_WELCOME, &m);
}

/* Streams the file as FILE_CHUNK frames read straight into the output queue. */
static bool upload_chunks(struct link *l, int fd, uint64_t size)
{
    uint64_t offset = 0;
    struct proto_msg m;
    while (offset < size || outbuf_pending(&l->out) > 0) {
        while (offset < size && outbuf_pending(&l->out) < UPLOAD_QUEUE) {
            uint32_t n = size - offset < PROTO_MAX_CHUNK ? (uint32_t)(size - offset)
                                                         : PROTO_MAX_CHUNK;
            uint8_t *frame = outbuf_reserve(&l->out, PROTO_HEADER_SIZE + PROTO_CHUNK_PREFIX + n);
            if (!read_full(fd, frame + PROTO_HEADER_SIZE + PROTO_CHUNK_PREFIX, n))
                return link_fail(l, "reading the file: %s", strerror(errno));
            outbuf_commit(&l->out, proto_encode_chunk_prefix(PROTO_FILE_CHUNK, UPLOAD_ID,
                                                             offset, n, frame));
            offset += n;
        }
        if (!link_pump(l, false))
            return false;
        enum proto_status st;
        while ((st = link_take(l, &m)) == PROTO_OK)
            ; /* nothing but errors concerns an upload in flight */
        if (st != PROTO_NEED_MORE)
            return false;
    }
    return true;
}

/* Uploads; returns the server's file id (0 on failure). */
static uint64_t upload(struct link *l, int fd, uint64_t size, const uint8_t sha[PROTO_SHA256_LEN],
                       const char *name)
{
    struct proto_msg m = { .type = PROTO_FILE_OFFER };
    m.u.offer = (struct proto_file_offer){ .upload_id = UPLOAD_ID, .size = size,
                                           .room_id = PROTO_ROOM_LOBBY,
                                           .name = proto_str_of(name) };
    memcpy(m.u.offer.sha256, sha, PROTO_SHA256_LEN);
    link_queue(l, &m);
    if (!link_expect(l, PROTO_FILE_ACCEPT, &m) || !upload_chunks(l, fd, size))
        return 0;
    m = (struct proto_msg){ .type = PROTO_FILE_END, .u.ref.id = UPLOAD_ID };
    link_queue(l, &m);
    do {
        if (!link_expect(l, PROTO_FILE_ANNOUNCE, &m))
            return 0;
    } while (m.u.announce.upload_id != UPLOAD_ID);
    return m.u.announce.file_id;
}

struct download_state {
    struct link *l;
    uint64_t size;
    bool started, ended;
};

/* The frames of a download other than its chunks. */
static bool download_frame(void *ctx, const struct proto_msg *m)
{
    struct download_state *d = ctx;
    if (m->type == PROTO_ERROR)
        return link_server_error(d->l, m);
    if (m->type == PROTO_DOWNLOAD_START) {
        d->started = true;
        return m->u.download_start.size == d->size ||
               link_fail(d->l, "download announces %llu bytes, uploaded %llu",
                         (unsigned long long)m->u.download_start.size,
                         (unsigned long long)d->size);
    }
    if (m->type == PROTO_DOWNLOAD_END && d->started) {
        d->ended = true;
        return false; /* the end: nothing more is read */
    }
    return true; /* not part of the download */
}

/* Downloads file_id into out_fd; false unless exactly size bytes arrived in order. The
 * input is read and written as the TCP baseline's sink does (download_sink.h). */
static bool download(struct link *l, uint64_t file_id, uint64_t size, int out_fd)
{
    struct proto_msg m = { .type = PROTO_DOWNLOAD_REQUEST,
                           .u.download_request = { .file_id = file_id, .offset = 0 } };
    link_queue(l, &m);
    struct download_state d = { .l = l, .size = size };
    struct download_sink sink;
    download_sink_init(&sink, out_fd, file_id, download_frame, &d);
    /* whatever the decoder still holds from before comes first */
    bool ok = download_sink_feed(&sink, l->dec.buf + l->dec.pos, proto_decoder_pending(&l->dec));
    proto_decoder_free(&l->dec);
    size_t got = 0;
    while (ok && !d.ended)
        ok = link_receive(l, true, &got) && download_sink_feed(&sink, l->rbuf, got);
    if (sink.error[0] != '\0')
        link_fail(l, "%s", sink.error);
    download_sink_free(&sink);
    if (!d.ended || l->error[0] != '\0')
        return false;
    return sink.got == size || link_fail(l, "download ended after %llu of %llu bytes",
                                         (unsigned long long)sink.got, (unsigned long long)size);
}

/* CPU time used so far by chat-bench and by the server (0 if unknown). */
struct cpu_mark {
    uint64_t self_ns, server_ns;
};

static struct cpu_mark cpu_mark(pid_t server_pid)
{
    struct proc_sample s = proc_sample(server_pid);
    return (struct cpu_mark){ .self_ns = proc_self_cpu_ns(), .server_ns = s.ok ? s.cpu_ns : 0 };
}

/* CPU seconds per GiB between two readings of one clock; -1 when not measured. */
static double cpu_per_gib(uint64_t from_ns, uint64_t to_ns, double bytes)
{
    if (to_ns == 0 || bytes <= 0)
        return -1;
    return (double)(to_ns - from_ns) / 1e9 / (bytes / GIB);
}

bool transfer_file(const struct transfer_opts *o)
{
    struct link l;
    uint8_t sha[PROTO_SHA256_LEN];
    struct stat st;
    int fd = open(o->path, O_RDONLY | O_CLOEXEC);
    int out_fd = open(o->download_to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    /* Hashed before connecting: on a slow machine hashing 1 GiB can take longer than
     * the server's handshake timeout. */
    uint8_t *hash_buf = malloc(IO_BLOCK);
    uint64_t t0 = clock_now_ns();
    bool hashed = fd >= 0 && hash_buf != NULL && file_sha256(fd, sha, hash_buf);
    uint64_t t_hashed = clock_now_ns();
    free(hash_buf);
    bool ok = link_open(&l, o->addr, o->port, o->timeout_s) && link_tls(&l);
    if (ok && (fd < 0 || out_fd < 0 || fstat(fd, &st) != 0))
        ok = link_fail(&l, "cannot open %s or %s: %s", o->path, o->download_to, strerror(errno));
    if (ok && !hashed)
        ok = link_fail(&l, "reading %s: %s", o->path, strerror(errno));
    ok = ok && upload_login(&l);
    uint64_t t1 = clock_now_ns(), file_id = 0;
    struct cpu_mark m1 = cpu_mark(o->server_pid);
    if (ok) {
        const char *slash = strrchr(o->path, '/');
        file_id = upload(&l, fd, (uint64_t)st.st_size, sha, slash ? slash + 1 : o->path);
        ok = file_id != 0;
    }
    /* The upload left the server's copy in the page cache, not yet on disk: written
     * out first, so the download starts as clean as the TCP copy (run-bench syncs before
     * each transfer) and does not pay for the upload's writeback. */
    if (ok)
        sync();
    uint64_t t2 = clock_now_ns();
    struct cpu_mark m2 = cpu_mark(o->server_pid);
    ok = ok && download(&l, file_id, (uint64_t)st.st_size, out_fd);
    if (ok && close(out_fd) != 0)
        ok = link_fail(&l, "closing %s: %s", o->download_to, strerror(errno));
    out_fd = -1;
    uint64_t t3 = clock_now_ns();
    struct cpu_mark m3 = cpu_mark(o->server_pid);
    double up_s = (double)(t2 - t1) / 1e9, down_s = (double)(t3 - t2) / 1e9;
    double mib = ok ? (double)st.st_size / MIB : 0;
    double size = ok ? (double)st.st_size : 0;
    printf("RESULT mode=file ok=%d bytes=%lld hash_s=%.3f upload_s=%.3f download_s=%.3f"
           " upload_mib_per_s=%.1f download_mib_per_s=%.1f file_id=%llu"
           " upload_server_cpu_s_per_gib=%.3f upload_bench_cpu_s_per_gib=%.3f"
           " download_server_cpu_s_per_gib=%.3f download_bench_cpu_s_per_gib=%.3f\n",
           ok ? 1 : 0, ok ? (long long)st.st_size : 0LL, (double)(t_hashed - t0) / 1e9, up_s,
           down_s,
           ok && up_s > 0 ? mib / up_s : 0, ok && down_s > 0 ? mib / down_s : 0,
           (unsigned long long)file_id,
           cpu_per_gib(m1.server_ns, m2.server_ns, size), cpu_per_gib(m1.self_ns, m2.self_ns, size),
           cpu_per_gib(m2.server_ns, m3.server_ns, size), cpu_per_gib(m2.self_ns, m3.self_ns, size));
    if (!ok)
        printf("FAILURE %s\n", l.error);
    else
        printf("file of %.0f MiB: upload %.1f MiB/s, download %.1f MiB/s\n", mib, mib / up_s,
               mib / down_s);
    if (fd >= 0)
        close(fd);
    if (out_fd >= 0)
        close(out_fd);
    link_close(&l);
    return ok;
}

/* ---- plain TCP baseline ---- */

bool transfer_tcp_sink(const struct transfer_opts *o)
{
    uint16_t port = 0;
    struct link l = { .fd = -1, .ep = -1 };
    l.deadline = clock_now_ns() + (uint64_t)(o->timeout_s * 1e9);
    int lfd = net_listen_loopback(o->port, &port);
    int out_fd = open(o->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    uint8_t *buf = malloc(IO_BLOCK);
    uint64_t bytes = 0;
    bool ok = lfd >= 0 && out_fd >= 0 && buf != NULL && (l.ep = epoll_create1(EPOLL_CLOEXEC)) >= 0;
    if (!ok) {
        link_fail(&l, "cannot listen or open %s: %s", o->path, strerror(errno));
    } else {
        printf("tcp-sink listening on 127.0.0.1:%u\n", port);
        fflush(stdout);
        struct epoll_event ev = { .events = EPOLLIN };
        l.fd = lfd;
        epoll_ctl(l.ep, EPOLL_CTL_ADD, lfd, &ev);
        ok = link_wait(&l, false);
        int conn = ok ? accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC) : -1;
        epoll_ctl(l.ep, EPOLL_CTL_DEL, lfd, NULL);
        l.fd = conn;
        ok = conn >= 0 && epoll_ctl(l.ep, EPOLL_CTL_ADD, conn, &ev) == 0;
        while (ok && link_wait(&l, false)) {
            ssize_t n = recv(conn, buf, IO_BLOCK, 0);
            if (n == 0)
                break;
            if (n < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
            ok = n > 0 && write_full(out_fd, buf, (size_t)n);
            bytes += n > 0 ? (uint64_t)n : 0;
        }
        ok = ok && l.error[0] == '\0' && close(out_fd) == 0;
        out_fd = -1;
    }
    printf("RESULT mode=tcp-sink ok=%d bytes=%llu cpu_s_per_gib=%.3f\n", ok ? 1 : 0,
           (unsigned long long)bytes, cpu_per_gib(0, proc_self_cpu_ns(), (double)bytes));
    if (!ok)
        printf("FAILURE %s\n", l.error[0] ? l.error : strerror(errno));
    if (out_fd >= 0)
        close(out_fd);
    if (l.fd >= 0)
        close(l.fd);
    if (lfd >= 0)
        close(lfd);
    if (l.ep >= 0)
        close(l.ep);
    free(buf);
    return ok;
}

bool transfer_tcp_send(const struct transfer_opts *o)
{
    struct link l;
    int fd = open(o->path, O_RDONLY | O_CLOEXEC);
    uint64_t t0 = clock_now_ns(), bytes = 0;
    bool ok = link_open(&l, o->addr, o->port, o->timeout_s);
    if (ok && fd < 0)
        ok = link_fail(&l, "cannot open %s: %s", o->path, strerror(errno));
    while (ok) {
        ssize_t n = read(fd, l.rbuf, IO_BLOCK);
        if (n <= 0) {
            ok = n == 0 || link_fail(&l, "reading %s: %s", o->path, strerror(errno));
            break;
        }
        outbuf_append(&l.out, l.rbuf, (size_t)n);
        bytes += (uint64_t)n;
        enum flush_status st = FLUSH_DONE;
        while (ok && (st = outbuf_flush(&l.out, l.fd)) == FLUSH_BLOCKED)
            ok = link_wait(&l, true);
        if (ok && st == FLUSH_FAILED)
            ok = link_fail(&l, "send: %s", strerror(errno));
    }
    /* The sink closes once everything is on its disk: wait for that end of stream. */
    if (ok && shutdown(l.fd, SHUT_WR) != 0)
        ok = link_fail(&l, "shutdown: %s", strerror(errno));
    while (ok && link_wait(&l, false)) {
        ssize_t n = recv(l.fd, l.rbuf, IO_BLOCK, 0);
        if (n == 0)
            break;
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            ok = link_fail(&l, "recv: %s", strerror(errno));
    }
    ok = ok && l.error[0] == '\0';
    double s = (double)(clock_now_ns() - t0) / 1e9;
    printf("RESULT mode=tcp-send ok=%d bytes=%llu seconds=%.3f mib_per_s=%.1f cpu_s_per_gib=%.3f\n",
           ok ? 1 : 0, (unsigned long long)bytes, s, ok && s > 0 ? (double)bytes / MIB / s : 0,
           cpu_per_gib(0, proc_self_cpu_ns(), (double)bytes));
    if (!ok)
        printf("FAILURE %s\n", l.error);
    if (fd >= 0)
        close(fd);
    link_close(&l);
    return ok;
}
