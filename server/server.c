/* The event loop: accept, read, dispatch, and before each sleep produce download chunks
 * and flush every client with pending output; sleep until the nearest deadline. */
#include "server/server.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/validate.h"
#include "server/auth.h"
#include "server/client.h"
#include "server/cluster.h"
#include "server/cluster_presence.h"
#include "server/clock.h"
#include "server/conn.h"
#include "server/deliver.h"
#include "server/dispatch.h"
#include "server/ev.h"
#include "server/filestore.h"
#include "server/live.h"
#include "server/presence.h"
#include "server/room_presence.h"
#include "server/tls.h"
#include "server/tls_acceptor.h"
#include "server/retention.h"
#include "server/rooms.h"
#include "server/search.h"
#include "server/store/store.h"
#include "server/transfer.h"
#include "server/systemd.h"

/* Highest fd number the process may open: the size of the fd-indexed tables. When
 * max_clients connections (and the server's own descriptors) need more than the soft
 * limit, it is raised to the hard limit first; failing that, the loop refuses what
 * does not fit, as it would anyway. */
static int fd_limit(uint32_t max_clients)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return SERVER_FD_TABLE_MAX;
    rlim_t need = (rlim_t)max_clients + SERVER_FD_RESERVE;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need && rl.rlim_cur < rl.rlim_max) {
        rlim_t was = rl.rlim_cur;
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ? need : rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
            log_event(LOG_INFO, 0, NULL, NULL, "open-file limit raised from %llu to %llu",
                      (unsigned long long)was, (unsigned long long)rl.rlim_cur);
        else
            rl.rlim_cur = was;
    }
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (rlim_t)SERVER_FD_TABLE_MAX)
        return SERVER_FD_TABLE_MAX;
    return (int)rl.rlim_cur;
}

/* The handshake thread's handler: connections whose TLS handshake ended become clients
 * (or are closed). */
static void server_on_tls_done(int fd, int mask, void *data)
{
    (void)fd;
    (void)mask;
    tls_handoff_collect(data);
}

/* Loads (or makes) the certificate when the port speaks TLS, and says in the log what
 * the port speaks. */
static int server_start_tls(struct server *srv, char *err, size_t errlen)
{
    const struct server_config *cfg = &srv->cfg;
    if (!cfg->tls) {
        log_event(LOG_WARN, 0, NULL, NULL, "tls off (--no-tls): plain text, for loopback "
                  "and tests only; anyone on the path can read and change everything");
        return 0;
    }
    srv->tls = tls_server_new(cfg->tls_cert, cfg->tls_key, cfg->tls_generate,
                              &srv->tls_generated, err, errlen);
    if (srv->tls == NULL)
        return -1;
    srv->acceptor = tls_acceptor_start(err, errlen);
    if (srv->acceptor == NULL)
        return -1;
    if (ev_watch(srv->loop, tls_acceptor_fd(srv->acceptor), EV_READ, server_on_tls_done,
                 srv) != EV_OK) {
        snprintf(err, errlen, "cannot watch the TLS handshake thread");
        return -1;
    }
    char cert[1024];
    if (srv->tls_generated)
        log_event(LOG_INFO, 0, NULL, NULL, "tls generated a self-signed certificate %s",
                  log_quote(cert, sizeof cert, cfg->tls_cert, strlen(cfg->tls_cert)));
    log_event(LOG_INFO, 0, NULL, NULL, "tls on cert=%s sha256=%s",
              log_quote(cert, sizeof cert, cfg->tls_cert, strlen(cfg->tls_cert)),
              tls_server_fingerprint(srv->tls));
    return 0;
}

/* The listener's handler: connections are taken after the round's other handlers
 * (server_pass), so a just-closed fd number reused by accept() is never mistaken for
 * its previous owner. */
static void server_on_listener(int fd, int mask, void *data)
{
    (void)fd;
    (void)mask;
    struct server *srv = data;
    srv->accept_ready = true;
}

int server_start(struct server *srv, const struct server_config *cfg, char *err,
                 size_t errlen)
{
    *srv = (struct server){ .cfg = *cfg, .listen_fd = -1, .spare_fd = -1 };
    list_init(&srv->handshakes);
    list_init(&srv->lingering);
    list_init(&srv->pending_writes);
    list_init(&srv->backlog);
    list_init(&srv->downloaders);
    list_init(&srv->pending_reads);
    guard_init(srv, clock_mono_ms());
    srv->names = g_hash_table_new(g_str_hash, g_str_equal);
    deliver_init(srv);
    retention_init(srv, clock_mono_ms());
    live_init(srv);
    srv->download_low_water = MIN(SERVER_DOWNLOAD_LOW_WATER, cfg->max_output_queue / 4);
    srv->history_budget = MIN(SERVER_HISTORY_PAGE_BYTES, cfg->max_output_queue / 4);

    srv->loop = ev_create(cfg->poller, fd_limit(cfg->max_clients));
    if (srv->loop == NULL) {
        snprintf(err, errlen, "cannot start the %s poller: %s", cfg->poller, g_strerror(errno));
        return -1;
    }
    srv->by_fd_size = ev_setsize(srv->loop);
    if (cfg->max_clients > (uint32_t)srv->by_fd_size)
        log_event(LOG_WARN, 0, NULL, NULL, "max_clients=%u, but the %s poller can watch only "
                  "descriptors below %d: connections beyond that are refused",
                  (unsigned)cfg->max_clients, cfg->poller, srv->by_fd_size);
    srv->by_fd = g_new0(struct client *, (gsize)srv->by_fd_size);
    srv->listen_fd = net_listen(cfg->host, cfg->port, SERVER_LISTEN_BACKLOG, err, errlen);
    if (srv->listen_fd < 0)
        return -1;
    if (ev_watch(srv->loop, srv->listen_fd, EV_READ, server_on_listener, srv) != EV_OK) {
        snprintf(err, errlen, "cannot watch the listening socket");
        return -1;
    }
    net_local_addr(srv->listen_fd, srv->listen_addr, sizeof srv->listen_addr);
    srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

    char dir[1024];
    log_event(LOG_INFO, 0, srv->listen_addr, NULL,
              "start poller=%s max_clients=%u max_output_queue=%zu files_dir=%s",
              cfg->poller, (unsigned)cfg->max_clients, cfg->max_output_queue,
              log_quote(dir, sizeof dir, cfg->files_dir, strlen(cfg->files_dir)));
    guard_log_config(&cfg->guard);
    if (server_start_tls(srv, err, errlen) != 0)
        return -1;

    /* Only once the port is ours: a second server started by mistake on a taken port
     * must not clean up the temp files of the one that is running. */
    unsigned leftovers = 0;
    if (store_open(cfg->data_dir, &srv->store, err, errlen) != STORE_OK)
        return -1;
    log_event(LOG_INFO, 0, NULL, NULL, "store open data_dir=%s",
              log_quote(dir, sizeof dir, cfg->data_dir, strlen(cfg->data_dir)));
    if (!cluster_start(srv, err, errlen))
        return -1;
    if (!rooms_load(srv, err, errlen))
        return -1;
    /* The name checker's tables (ICU's confusables, GLib's normalisation) load now, not
     * at the first login: that login does not wait for them, and the memory they take
     * is the server's own, not its first clients'. */
    g_free(name_fold_key("Warm-up 0", strlen("Warm-up 0")));
    srv->files = filestore_open(cfg->files_dir, cfg->cluster_url != NULL ? cfg->node_id : 0,
                               srv->store, &leftovers, err, errlen);
    if (srv->files == NULL)
        return -1;
    if (leftovers > 0)
        log_event(LOG_INFO, 0, NULL, NULL, "removed %u unfinished uploads from an earlier run",
                  leftovers);
    return auth_start(srv, err, errlen) && search_start(srv, err, errlen) ? 0 : -1;
}

static const char server_full_message[] = "The server is full; try again later.";

/* Turns a connection away with ERROR(code, message) without making it a client. Input
 * already received is drained first so closing does not reset the connection (which
 * could destroy the error before the peer reads it). On a TLS port there is no session
 * yet to carry the frame, so the connection is only closed. The log line is
 * rate-limited: a connection storm must not flood the log. */
static void server_refuse(struct server *srv, int fd, uint32_t id, const char *addr,
                          uint16_t code, const char *message, const char *why)
{
    struct conn *conn = conn_tcp_new(fd);
    conn_drain(conn, SERVER_CLOSE_DRAIN_BYTES);
    if (srv->tls == NULL) {
        struct proto_msg msg = {
            .type = PROTO_ERROR,
            .u.error = { .code = code, .message = proto_str_of(message) },
        };
        uint8_t frame[PROTO_HEADER_SIZE + 16 + 256];
        struct iovec iov = {
            .iov_base = frame,
            .iov_len = proto_frame_size(&msg) <= sizeof frame ? proto_encode(&msg, frame) : 0,
        };
        if (conn_writev(conn, &iov, 1) < 0) /* the socket is new: it takes a small frame */
            log_event(LOG_DEBUG, id, addr, NULL, "refusal not sent: %s", g_strerror(errno));
        conn_shutdown(conn);
    }
    conn_close(conn);
    admit_log_refusal(srv, id, addr, why, clock_mono_ms());
}

/* The next connection's id (cluster-wide in a cluster: cluster.h). */
static uint32_t server_next_conn_id(struct server *srv)
{
    return cluster_conn_id(srv, ++srv->next_conn_id);
}

/* Takes one connection in, or refuses it. */
static void server_admit(struct server *srv, int fd, const char *addr)
{
    uint32_t id = server_next_conn_id(srv);
    if (srv->live_clients + srv->tls_handshaking >= srv->cfg.max_clients) {
        char why[64];
        snprintf(why, sizeof why, "server full: %u clients",
                 (unsigned)(srv->live_clients + srv->tls_handshaking));
        server_refuse(srv, fd, id, addr, PROTO_E_SERVER_FULL, server_full_message, why);
        return;
    }
    struct refusal refusal;
    if (!admit_check(srv, addr, clock_mono_ms(), &refusal)) {
        server_refuse(srv, fd, id, addr, refusal.code, refusal.message, refusal.why);
        return;
    }
    net_set_nodelay(fd);
    if (fd >= srv->by_fd_size) {
        server_refuse(srv, fd, id, addr, PROTO_E_SERVER_FULL, server_full_message,
                      "descriptor number beyond what the poller can watch");
        return;
    }
    if (srv->tls != NULL) {
        tls_handoff_submit(srv, fd, id, addr);
        return;
    }
    struct client *c = client_new(srv, fd, id, addr);
    if (c == NULL) {
        server_refuse(srv, fd, id, addr, PROTO_E_SERVER_FULL, server_full_message,
                      "descriptor number beyond what the poller can watch");
        return;
    }
    client_log(c, LOG_INFO, "connect");
}

/* Accepts up to SERVER_ACCEPTS_PER_PASS waiting connections (SERVER_TLS_ACCEPTS_PER_PASS
 * on a TLS port). Out of descriptors, the
 * spare one is given up for a moment so the next connection can be refused politely
 * rather than left to spin in the backlog. */
static void server_accept(struct server *srv)
{
    int batch = srv->tls != NULL ? SERVER_TLS_ACCEPTS_PER_PASS : SERVER_ACCEPTS_PER_PASS;
    for (int i = 0; i < batch; i++) {
        char addr[NET_ADDR_MAX];
        int fd = net_accept(srv->listen_fd, addr, sizeof addr);
        if (fd >= 0) {
            server_admit(srv, fd, addr);
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return;
        if (errno == ECONNABORTED || errno == EPROTO)
            continue;
        int saved = errno;
        if ((saved == EMFILE || saved == ENFILE) && srv->spare_fd >= 0) {
            close(srv->spare_fd);
            fd = net_accept(srv->listen_fd, addr, sizeof addr);
            if (fd >= 0)
                server_refuse(srv, fd, server_next_conn_id(srv), addr, PROTO_E_SERVER_FULL,
                              server_full_message, "out of file descriptors");
            srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
            if (fd >= 0)
                continue;
        }
        log_event(LOG_ERROR, 0, NULL, NULL, "accept failed: %s", g_strerror(saved));
        return;
    }
}

/* Input left over from earlier passes (a client that hit SERVER_FRAMES_PER_PASS) gets
 * its next share, unless the client was already served this pass. */
static void server_run_backlog(struct server *srv)
{
    struct list_node todo;
    list_init(&todo);
    list_move_all(&todo, &srv->backlog);
    while (!list_empty(&todo)) {
        struct client *c = list_entry(todo.next, struct client, backlog_link);
        list_remove(&c->backlog_link);
        if (c->pass == srv->pass)
            list_append(&srv->backlog, &c->backlog_link);
        else
            dispatch_input(c);
    }
}

/* Handshakes that ran out of time get ERROR(TIMEOUT); lingering closes end. Both lists
 * are in deadline order, so only their heads are looked at. Then the defences' timers:
 * throttled clients released, idle ones pinged or dropped (guard.h); and a batch of
 * old messages pruned when it is time (retention.h). */
static void server_expire(struct server *srv, int64_t now)
{
    while (!list_empty(&srv->handshakes)) {
        struct client *c = list_entry(srv->handshakes.next, struct client, timer_link);
        if (c->deadline_ms > now)
            break;
        client_send_error(c, PROTO_E_TIMEOUT, 0, 0, "No login within %.3g seconds.",
                          (double)srv->cfg.handshake_timeout_ms / 1000.0);
        client_finish(c, "handshake timeout");
    }
    while (!list_empty(&srv->lingering)) {
        struct client *c = list_entry(srv->lingering.next, struct client, timer_link);
        if (c->deadline_ms > now)
            break;
        client_close(c, "close timed out");
    }
    guard_expire(srv, now);
    retention_expire(srv, now);
    auth_expire(srv, now);
    live_expire(srv, now);
    cluster_expire(srv, now);
}

/* What the loop does before it sleeps: read what TLS holds decrypted (its frames join
 * this pass), commit the pass's writes and release what waited for them, produce
 * download chunks, send the pass's join and leave notices, then try to write
 * everything pending. Closing a client here holds
 * a USER_LEFT for the others, so the round repeats until no notice is left behind. */
static void server_before_sleep(struct server *srv)
{
    client_read_pending(srv);
    deliver_commit(srv); /* nothing of this pass goes out before its writes are durable */
    if (!srv->stopping)
        download_fill(srv);
    do {
        presence_flush(srv);
        room_presence_flush(srv);
        while (!list_empty(&srv->pending_writes)) {
            struct client *c = list_entry(srv->pending_writes.next, struct client,
                                          pending_link);
            list_remove(&c->pending_link);
            client_flush(c);
        }
    } while (srv->announce.type != 0 || room_presence_held(srv));
    cluster_presence_flush(srv);
}

/* Milliseconds until the nearest deadline, 0 if work is waiting, -1 for none. */
static int server_timeout(const struct server *srv, int64_t now)
{
    if (!list_empty(&srv->backlog) || !list_empty(&srv->pending_reads))
        return 0;
    int64_t next = INT64_MAX;
    if (!list_empty(&srv->handshakes))
        next = list_entry(srv->handshakes.next, struct client, timer_link)->deadline_ms;
    if (!list_empty(&srv->lingering))
        next = MIN(next, list_entry(srv->lingering.next, struct client, timer_link)->deadline_ms);
    if (srv->stopping)
        next = MIN(next, srv->stop_deadline);
    next = MIN(next, guard_next_deadline(srv));
    next = MIN(next, retention_next_deadline(srv));
    next = MIN(next, live_next_deadline(srv));
    next = MIN(next, cluster_next_deadline(srv, now));
    if (next == INT64_MAX)
        return -1;
    return next <= now ? 0 : (int)MIN(next - now, (int64_t)INT_MAX);
}

/* Stops accepting and tells everyone the server is going away; the loop then keeps
 * flushing until every connection has closed or SERVER_SHUTDOWN_FLUSH_MS has passed. */
static void server_begin_stop(struct server *srv)
{
    deliver_commit(srv); /* answers and notices of this pass come before SHUTDOWN */
    presence_flush(srv);
    cluster_presence_stopping(srv);
    srv->stopping = true;
    systemd_notify_stopping();
    srv->stop_deadline = clock_mono_ms() + SERVER_SHUTDOWN_FLUSH_MS;
    ev_unwatch(srv->loop, srv->listen_fd);
    close(srv->listen_fd);
    srv->listen_fd = -1;
    log_event(LOG_INFO, 0, NULL, NULL, "stopping: %u connections to close",
              (unsigned)srv->connections);
    struct proto_msg msg = {
        .type = PROTO_SHUTDOWN,
        .u.reason = proto_str_of("server shutting down"),
    };
    struct frame *f = frame_encode(&msg);
    for (int fd = 0; fd < srv->by_fd_size; fd++) {
        struct client *c = srv->by_fd[fd];
        if (c == NULL)
            continue;
        if (c->state == CLIENT_CLOSING) { /* closes once its queue is flushed */
            list_append_once(&srv->pending_writes, &c->pending_link);
            continue;
        }
        client_send(c, f);
        client_finish(c, "server shutdown");
    }
    frame_unref(f);
}

/* SIGHUP: new connections get the certificate now in the files; open ones keep theirs. */
static void server_reload_tls(struct server *srv)
{
    char err[512];
    if (srv->tls == NULL)
        return;
    if (tls_server_reload(srv->tls, err, sizeof err) == 0)
        log_event(LOG_INFO, 0, NULL, NULL, "tls certificate reloaded sha256=%s",
                  tls_server_fingerprint(srv->tls));
    else
        log_event(LOG_ERROR, 0, NULL, NULL, "tls reload failed, the old certificate stays: "
                  "%s", err);
}

int server_run(struct server *srv, volatile sig_atomic_t *stop, volatile sig_atomic_t *reopen,
               const sigset_t *wait_mask)
{
    for (;;) {
        if (*reopen) {
            *reopen = 0;
            if (log_reopen() == 0)
                log_event(LOG_INFO, 0, NULL, NULL, "log reopened");
            else /* the old file is still open: say so there */
                log_event(LOG_ERROR, 0, NULL, NULL, "cannot reopen the log: %s",
                          g_strerror(errno));
            server_reload_tls(srv);
        }
        if (*stop && !srv->stopping)
            server_begin_stop(srv);
        int status = server_pass(srv, -1, wait_mask);
        if (status != 0)
            return status < 0 ? -1 : 0;
    }
}

int server_pass(struct server *srv, int max_wait_ms, const sigset_t *wait_mask)
{
    srv->pass++;
    server_before_sleep(srv);
    if (cluster_failed(srv))
        return -1; /* logged: the store cannot follow the stream; a restart replays */
    int64_t now = clock_mono_ms();
    if (srv->stopping && (srv->connections == 0 || now >= srv->stop_deadline))
        return 1;
    int timeout = server_timeout(srv, now);
    if (max_wait_ms >= 0 && (timeout < 0 || timeout > max_wait_ms))
        timeout = max_wait_ms;
    srv->accept_ready = false;
    if (ev_process(srv->loop, timeout, wait_mask) < 0) {
        log_event(LOG_ERROR, 0, NULL, NULL, "poll failed: %s", g_strerror(errno));
        return -1;
    }
    server_run_backlog(srv);
    if (srv->accept_ready && srv->listen_fd >= 0)
        server_accept(srv);
    server_expire(srv, clock_mono_ms());
    return 0;
}

void server_free(struct server *srv)
{
    srv->stopping = true; /* nobody is left to tell who leaves */
    if (srv->acceptor != NULL)
        ev_unwatch(srv->loop, tls_acceptor_fd(srv->acceptor));
    tls_acceptor_stop(srv->acceptor); /* closes the handshakes still in progress */
    auth_stop(srv);       /* password jobs in flight are dropped before their clients */
    search_stop(srv);     /* and searches */
    for (int fd = 0; fd < srv->by_fd_size; fd++)
        if (srv->by_fd[fd] != NULL)
            client_close(srv->by_fd[fd], "server stopped");
    cluster_stop(srv);
    if (srv->listen_fd >= 0)
        close(srv->listen_fd);
    if (srv->spare_fd >= 0)
        close(srv->spare_fd);
    ev_destroy(srv->loop);
    tls_server_free(srv->tls);
    deliver_free(srv);
    live_free(srv);
    filestore_free(srv->files);
    rooms_free(srv);
    store_close(srv->store);
    presence_free(srv);
    guard_free(srv);
    g_hash_table_destroy(srv->names);
    g_free(srv->online);
    g_free(srv->by_fd);
}
