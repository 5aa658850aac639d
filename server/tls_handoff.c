/* The loop thread's side of the TLS handshake thread: hand-off at accept, and the
 * connections that come back made into clients (they are not clients before: nothing
 * on the loop may touch them while the thread has them). */
#include <errno.h>
#include <stdio.h>

#include "server/client.h"
#include "server/clock.h"
#include "server/conn.h"
#include "server/limits.h"
#include "server/tls.h"
#include "server/tls_acceptor.h"

void tls_handoff_submit(struct server *srv, int fd, uint32_t id, const char *addr)
{
    struct conn *conn = conn_tls_new(srv->tls, fd);
    if (conn == NULL) {
        struct conn *plain = conn_tcp_new(fd);
        conn_close(plain);
        log_event(LOG_ERROR, id, addr, NULL, "refused (no TLS session could be made)");
        return;
    }
    struct tls_job *job = g_new0(struct tls_job, 1);
    job->conn = conn;
    job->id = id;
    g_strlcpy(job->addr, addr, sizeof job->addr);
    job->deadline_ms = clock_mono_ms() + srv->cfg.handshake_timeout_ms;
    srv->tls_handshaking++;
    log_event(LOG_INFO, id, addr, NULL, "connect");
    tls_acceptor_submit(srv->acceptor, job);
}

/* A connection whose handshake ended: a client, or closed with the reason logged. */
static void adopt(struct server *srv, struct tls_job *job)
{
    char text[256];
    if (job->status == CONN_FAILED || job->status == CONN_AGAIN) {
        if (job->status == CONN_AGAIN)
            g_strlcpy(text, "tls handshake timeout", sizeof text);
        else
            snprintf(text, sizeof text, "tls handshake failed: %s",
                     conn_error(job->conn, EPROTO));
        log_event(LOG_INFO, job->id, job->addr, NULL, "disconnect (%s)", text);
        conn_close(job->conn);
        return;
    }
    struct client *c = client_new_conn(srv, job->conn, job->id, job->addr);
    if (c == NULL) {
        log_event(LOG_WARN, job->id, job->addr, NULL, "disconnect (descriptor number beyond "
                  "what the poller can watch)");
        conn_close(job->conn);
        return;
    }
    if (job->status == CONN_PLAINTEXT) {
        client_send_error(c, PROTO_E_TLS_REQUIRED, 0, 0, "This server speaks TLS only: "
                          "connect with TLS (or ask its operator for a plain-text port).");
        client_finish(c, "plain text on the TLS port");
        return;
    }
    conn_describe(c->conn, text, sizeof text);
    client_log(c, LOG_INFO, "tls established %s", text);
    client_update_interest(c); /* input OpenSSL already holds is read before sleeping */
}

void tls_handoff_collect(struct server *srv)
{
    struct list_node done;
    list_init(&done);
    tls_acceptor_take(srv->acceptor, &done, SERVER_TLS_ADOPTS_PER_PASS);
    while (!list_empty(&done)) {
        struct tls_job *job = list_entry(done.next, struct tls_job, link);
        list_remove(&job->link);
        srv->tls_handshaking--;
        if (srv->stopping)
            conn_close(job->conn);
        else
            adopt(srv, job);
        g_free(job);
    }
}
