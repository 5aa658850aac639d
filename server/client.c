/* Connection lifecycle and I/O: accept-time setup, reading into the decoder, queued
 * output, and the two ways a connection ends (gracefully after a flush, or at once). */
#include "server/client.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "server/clock.h"
#include "server/conn.h"
#include "server/dispatch.h"
#include "server/ev.h"
#include "server/history.h"
#include "server/presence.h"
#include "server/transfer.h"

static void client_on_ready(int fd, int mask, void *data);

struct client *client_new(struct server *srv, int fd, uint32_t id, const char *addr)
{
    struct conn *conn = conn_tcp_new(fd);
    struct client *c = client_new_conn(srv, conn, id, addr);
    if (c == NULL)
        conn_tcp_release(conn);
    return c;
}

struct client *client_new_conn(struct server *srv, struct conn *conn, uint32_t id,
                               const char *addr)
{
    int fd = conn->fd;
    if (fd >= srv->by_fd_size)
        return NULL;
    struct client *c = g_new0(struct client, 1);
    if (ev_watch(srv->loop, fd, EV_READ, client_on_ready, c) != EV_OK) {
        g_free(c);
        return NULL;
    }
    c->srv = srv;
    c->fd = fd;
    c->conn = conn;
    c->id = id;
    c->state = CLIENT_HANDSHAKE;
    c->ev_mask = EV_READ;
    g_strlcpy(c->addr, addr, sizeof c->addr);
    proto_decoder_init(&c->decoder, PROTO_MAX_PAYLOAD);
    outq_init(&c->out);
    list_init(&c->downloads);
    list_init(&c->timer_link);
    list_init(&c->pending_link);
    list_init(&c->backlog_link);
    list_init(&c->pending_read_link);
    list_init(&c->download_link);
    c->deadline_ms = clock_mono_ms() + srv->cfg.handshake_timeout_ms;
    list_append(&srv->handshakes, &c->timer_link);
    srv->by_fd[fd] = c;
    srv->connections++;
    srv->live_clients++;
    guard_client_init(c, clock_mono_ms());
    return c;
}

void client_log(const struct client *c, enum log_level level, const char *fmt, ...)
{
    if (!log_enabled(level))
        return;
    char text[SERVER_LOG_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    log_event(level, c->id, c->addr, c->name, "%s", text);
}

void client_send(struct client *c, struct frame *f)
{
    if (c->output_shut)
        return;
    if (c->welcome_pending) /* its WELCOME and USER_LIST come first */
        presence_flush(c->srv);
    outq_push(&c->out, f);
    list_append_once(&c->srv->pending_writes, &c->pending_link);
}

void client_send_msg(struct client *c, const struct proto_msg *msg)
{
    struct frame *f = frame_encode(msg);
    if (f == NULL) {
        client_log(c, LOG_ERROR, "cannot encode a %s frame", proto_type_name(msg->type));
        return;
    }
    client_send(c, f);
    frame_unref(f);
}

void client_send_error(struct client *c, uint16_t code, uint16_t ref_type, uint64_t ref_id,
                       const char *fmt, ...)
{
    char message[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    struct proto_msg msg = {
        .type = PROTO_ERROR,
        .u.error = { .code = code, .ref_type = ref_type, .ref_id = ref_id,
                     .message = proto_str_of(message) },
    };
    client_send_msg(c, &msg);
    if (!log_enabled(LOG_INFO) || !guard_error_log_allowed(c, clock_mono_ms()))
        return; /* a client sending one bad frame after another cannot fill the log */
    char unknown_ref[8];
    const char *ref = ref_type == 0 ? "-" : proto_type_name(ref_type);
    if (ref == NULL) {
        snprintf(unknown_ref, sizeof unknown_ref, "0x%04x", (unsigned)ref_type);
        ref = unknown_ref;
    }
    char quoted[LOG_QUOTE_CAP(sizeof message)];
    client_log(c, LOG_INFO, "error sent code=%u (%s) ref=%s ref_id=%" PRIu64 " message=%s",
               (unsigned)code, proto_error_text(code), ref, ref_id,
               log_quote(quoted, sizeof quoted, message, strlen(message)));
}

void client_broadcast(struct server *srv, struct frame *f, const struct client *except)
{
    presence_flush(srv); /* join and leave notices held so far come before f */
    for (uint32_t i = 0; i < srv->online_count; i++)
        if (srv->online[i] != except)
            client_send(srv->online[i], f);
}

/* Whether c wants its input now: not at its end, not throttled. */
static bool client_wants_input(const struct client *c)
{
    return !c->input_eof && !c->guard.throttled;
}

/* Keeps c on the server's list of conns holding input the kernel no longer reports
 * exactly while it has such input and wants it. */
static void client_track_pending(struct client *c)
{
    if (client_wants_input(c) && conn_has_pending(c->conn))
        list_append_once(&c->srv->pending_reads, &c->pending_read_link);
    else
        list_remove(&c->pending_read_link);
}

void client_update_interest(struct client *c)
{
    int want = client_wants_input(c) ? EV_READ : EV_NONE;
    if (!outq_empty(&c->out) || c->download_count > 0)
        want |= EV_WRITE;
    int mask = conn_socket_mask(c->conn, want);
    if (mask != c->ev_mask && ev_set_mask(c->srv->loop, c->fd, mask) == EV_OK)
        c->ev_mask = mask;
    client_track_pending(c);
}

/* The moment a client stops being part of the chat: logged once, the others told,
 * its transfers dropped. Afterwards it is CLOSING. */
static void client_leave(struct client *c, const char *reason)
{
    if (c->state == CLIENT_CLOSING)
        return;
    list_remove(&c->timer_link);
    list_remove(&c->backlog_link);
    guard_client_leave(c);
    upload_abort_all(c);
    download_stop_all(c);
    c->srv->live_clients--;
    if (c->state == CLIENT_ONLINE) {
        presence_leave(c);
        client_log(c, LOG_INFO, "logout (%s)", reason);
    } else {
        client_log(c, LOG_INFO, "disconnect (%s)", reason);
    }
    c->state = CLIENT_CLOSING;
    proto_decoder_free(&c->decoder);
}

void client_finish(struct client *c, const char *reason)
{
    if (c->state == CLIENT_CLOSING)
        return;
    client_leave(c, reason);
    c->deadline_ms = clock_mono_ms() + SERVER_CLOSE_LINGER_MS;
    list_append(&c->srv->lingering, &c->timer_link);
    /* The flush step shuts our side down once the queue is empty. */
    list_append_once(&c->srv->pending_writes, &c->pending_link);
}

void client_close(struct client *c, const char *reason)
{
    struct server *srv = c->srv;
    client_leave(c, reason);
    client_log(c, LOG_DEBUG, "closed (%s)", reason);
    guard_client_close(c);
    list_remove(&c->timer_link);
    list_remove(&c->pending_link);
    list_remove(&c->pending_read_link);
    ev_unwatch(srv->loop, c->fd);
    conn_close(c->conn);
    srv->by_fd[c->fd] = NULL;
    srv->connections--;
    outq_clear(&c->out);
    g_free(c->name);
    g_free(c->name_key);
    g_free(c->token_hash);
    g_free(c->search_budget);
    if (c->typing_relayed != NULL)
        g_hash_table_destroy(c->typing_relayed);
    g_free(c);
}

/* Reads once, at most SERVER_READ_BUDGET bytes, and hands complete frames to the
 * dispatcher. Returns false if the client was closed. */
static bool client_read(struct client *c)
{
    static uint8_t buf[SERVER_READ_BUDGET];
    if (c->state != CLIENT_CLOSING &&
        proto_decoder_pending(&c->decoder) >= SERVER_INPUT_HIGH_WATER) {
        client_track_pending(c);
        return true; /* the backlog drains first; TCP holds the rest back */
    }
    ssize_t n = conn_read(c->conn, buf, sizeof buf);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            client_update_interest(c); /* a TLS read may need the socket writable */
            return true;
        }
        char reason[256];
        snprintf(reason, sizeof reason, "read failed: %s", conn_error(c->conn, errno));
        client_close(c, reason);
        return false;
    }
    client_track_pending(c);
    if (n == 0) {
        c->input_eof = true;
        if (c->state == CLIENT_CLOSING && outq_empty(&c->out)) {
            client_close(c, "closed by peer");
            return false;
        }
        client_update_interest(c);
    }
    if (c->state == CLIENT_CLOSING)
        return true; /* a closing client's input is read only to be discarded */
    proto_decoder_feed(&c->decoder, buf, (size_t)n);
    dispatch_input(c);
    return true;
}

void client_read_pending(struct server *srv)
{
    struct list_node todo;
    list_init(&todo);
    list_move_all(&todo, &srv->pending_reads);
    while (!list_empty(&todo)) { /* client_read puts back the ones still holding input */
        struct client *c = list_entry(todo.next, struct client, pending_read_link);
        list_remove(&c->pending_read_link);
        client_read(c);
    }
}

/* The loop's handler for a client's socket. */
static void client_on_ready(int fd, int mask, void *data)
{
    (void)fd;
    struct client *c = data;
    mask = conn_fired_mask(c->conn, mask);
    if ((mask & EV_READ) && !client_read(c))
        return;
    if (mask & EV_WRITE) /* written before the loop sleeps, with everything else pending */
        list_append_once(&c->srv->pending_writes, &c->pending_link);
}

void client_flush(struct client *c)
{
    char reason[256];
    enum outq_status st = outq_flush(&c->out, c->conn, SERVER_WRITE_BUDGET);
    if (st == OUTQ_ERROR) {
        snprintf(reason, sizeof reason, "write failed: %s", conn_error(c->conn, errno));
        client_close(c, reason);
        return;
    }
    if (c->out.bytes > c->srv->cfg.max_output_queue) {
        snprintf(reason, sizeof reason, "too slow: %zu bytes unsent", c->out.bytes);
        client_close(c, reason);
        return;
    }
    history_on_drained(c);
    if (st == OUTQ_EMPTY && c->state == CLIENT_CLOSING) {
        /* Everything is delivered. Wait for the peer's FIN unless it was seen or the
         * server is stopping; either way no unread input is left to turn into a reset. */
        if (c->input_eof || c->srv->stopping) {
            conn_drain(c->conn, SERVER_CLOSE_DRAIN_BYTES);
            client_close(c, "finished");
            return;
        }
        if (!c->output_shut) {
            conn_shutdown(c->conn);
            c->output_shut = true;
        }
    }
    client_update_interest(c);
}
