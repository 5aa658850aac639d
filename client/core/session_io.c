/* The session's connection: asynchronous connect, the read loop feeding the frame
 * decoder, the output queue (one vectored write in flight), keepalive, and what happens
 * when the connection ends (reconnect with backoff, or report and stop). */
#include "client/core/session_private.h"

#include <glib/gi18n.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "common/validate.h"

static void conn_clear(gpointer data)
{
    struct session_conn *c = data;
    g_clear_object(&c->cancel);
    g_clear_object(&c->socket);
    proto_decoder_free(&c->decoder);
    g_free(c->read_buf);
    g_queue_clear_full(&c->out_frames, (GDestroyNotify)g_bytes_unref);
    g_free(c->shutdown_reason);
    g_clear_pointer(&c->tls, session_tls_unref);
    g_free(c->end_words);
}

static struct session_conn *conn_ref(struct session_conn *c)
{
    return g_rc_box_acquire(c);
}

static void conn_unref(struct session_conn *c)
{
    g_rc_box_release_full(c, conn_clear);
}

/* ---- Reading ---- */

static void conn_read(struct session_conn *c);

/* Dispatches the frames the decoder holds, unless a file write must finish first, then
 * asks the socket for more. While closing, input is only drained to see the close. */
static void conn_process(struct session_conn *c)
{
    ChatSession *self = c->session;
    if (!self || c->processing)
        return;
    c->processing = TRUE;
    conn_ref(c);
    g_object_ref(self);
    while (self->conn == c && !c->closing && self->io_blockers == 0) {
        struct proto_msg msg;
        enum proto_status status = proto_decoder_next(&c->decoder, &msg);
        if (status == PROTO_NEED_MORE)
            break;
        if (status == PROTO_OK) {
            session_dispatch(self, &msg);
        } else if (status != PROTO_ERR_UNKNOWN_TYPE) { /* unknown types: a newer server */
            char *why = g_strdup_printf(_("the server sent a bad frame (%s)"),
                                        proto_status_text(status));
            session_conn_lost(self, why);
            g_free(why);
        }
    }
    c->processing = FALSE;
    if (self->conn == c && (c->closing || self->io_blockers == 0))
        conn_read(c);
    session_note_activity(self);
    g_object_unref(self);
    conn_unref(c);
}

static void conn_read_done(GObject *source, GAsyncResult *res, gpointer data)
{
    struct session_conn *c = data;
    GError *error = NULL;
    gssize n = g_input_stream_read_finish(G_INPUT_STREAM(source), res, &error);
    ChatSession *self = c->session;
    c->reading = FALSE;
    if (self && n > 0) {
        c->last_rx_us = g_get_monotonic_time();
        if (!c->closing)
            proto_decoder_feed(&c->decoder, c->read_buf, (size_t)n);
        conn_process(c);
    } else if (self) {
        char *why = n == 0 ? g_strdup(_("the server closed the connection"))
                           : g_strdup_printf(_("connection lost: %s"), error->message);
        session_conn_lost(self, why);
        g_free(why);
    }
    g_clear_error(&error);
    conn_unref(c);
}

static void conn_read(struct session_conn *c)
{
    if (c->reading || !c->socket)
        return;
    c->reading = TRUE;
    GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(c->socket));
    g_input_stream_read_async(in, c->read_buf, SESSION_READ_SIZE, G_PRIORITY_DEFAULT, c->cancel,
                              conn_read_done, conn_ref(c));
}

/* Holds back frame processing and socket reads (backpressure: a download whose disk
 * writes fall behind stops the socket, and TCP slows the server down). */
void session_block_io(ChatSession *self)
{
    self->io_blockers++;
}

static gboolean resume_frames(gpointer data)
{
    ChatSession *self = data;
    self->resume_source = 0;
    if (self->conn && self->io_blockers == 0)
        conn_process(self->conn);
    return G_SOURCE_REMOVE;
}

/* Releases one session_block_io; frames resume from the main loop, never re-entrantly. */
void session_unblock_io(ChatSession *self)
{
    g_return_if_fail(self->io_blockers > 0);
    if (--self->io_blockers == 0 && self->conn && !self->resume_source)
        self->resume_source = g_idle_add(resume_frames, self);
}

/* ---- Writing ---- */

static void conn_flush(struct session_conn *c);

static void conn_write_done(GObject *source, GAsyncResult *res, gpointer data)
{
    struct session_conn *c = data;
    GError *error = NULL;
    gboolean ok = g_output_stream_writev_all_finish(G_OUTPUT_STREAM(source), res, NULL, &error);
    ChatSession *self = c->session;
    if (self && !ok) {
        char *why = g_strdup_printf(_("cannot send to the server: %s"), error->message);
        session_conn_lost(self, why);
        g_free(why);
    } else if (self) {
        for (; c->writing > 0; c->writing--) {
            GBytes *frame = g_queue_pop_head(&c->out_frames);
            c->out_bytes -= g_bytes_get_size(frame);
            g_bytes_unref(frame);
        }
        c->last_tx_us = g_get_monotonic_time();
        g_object_ref(self);
        conn_flush(c);
        upload_pump(self);
        session_note_activity(self);
        g_object_unref(self);
    }
    g_clear_error(&error);
    conn_unref(c);
}

/* Starts one vectored write of the oldest queued frames unless one is in flight. */
static void conn_flush(struct session_conn *c)
{
    if (c->writing || !c->socket || g_queue_is_empty(&c->out_frames))
        return;
    guint n = 0;
    for (GList *l = c->out_frames.head; l && n < SESSION_MAX_WRITEV; l = l->next, n++) {
        gsize size;
        c->vectors[n].buffer = g_bytes_get_data(l->data, &size);
        c->vectors[n].size = size;
    }
    c->writing = n;
    GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(c->socket));
    g_output_stream_writev_all_async(out, c->vectors, n, G_PRIORITY_DEFAULT, c->cancel,
                                     conn_write_done, conn_ref(c));
}

/* Queues an encoded frame (taking it) on the live connection; dropped if there is none. */
void session_send_frame(ChatSession *self, GBytes *frame)
{
    struct session_conn *c = self->conn;
    if (!c || !c->socket || c->closing) {
        g_bytes_unref(frame);
        return;
    }
    c->out_bytes += g_bytes_get_size(frame);
    g_queue_push_tail(&c->out_frames, frame);
    conn_flush(c);
}

/* Encodes and queues msg. FALSE if a field is over its wire-format cap. */
gboolean session_send(ChatSession *self, const struct proto_msg *msg)
{
    size_t size = proto_frame_size(msg);
    if (size == 0)
        return FALSE;
    guint8 *frame = g_malloc(size);
    proto_encode(msg, frame);
    session_send_frame(self, g_bytes_new_take(frame, size));
    return TRUE;
}

/* TRUE while logged in with the initial user list received and not saying goodbye:
 * texts, offers and download requests may go out. */
gboolean session_can_send(ChatSession *self)
{
    return self->conn && self->conn->online && !self->conn->closing;
}

/* Bytes queued for the server and not yet written. */
gsize session_queued_bytes(ChatSession *self)
{
    return self->conn ? self->conn->out_bytes : 0;
}

/* ---- Connecting ---- */

static void conn_connected(GObject *source, GAsyncResult *res, gpointer data)
{
    struct session_conn *c = data;
    GError *error = NULL;
    GSocketConnection *socket = g_socket_client_connect_finish(G_SOCKET_CLIENT(source), res,
                                                               &error);
    ChatSession *self = c->session;
    if (self && !socket && c->tls && session_tls_report(self, c->tls, error)) {
        /* the certificate (or the CA file) was the problem: reported */
    } else if (self && !socket) {
        char *why = g_strdup_printf(_("cannot connect to %s port %u: %s"), self->host, self->port,
                                    error->message);
        session_conn_lost(self, why);
        g_free(why);
    } else if (self) {
        c->socket = g_steal_pointer(&socket);
        /* Chat lines are small and latency matters more than packet count. */
        g_socket_set_option(g_socket_connection_get_socket(c->socket), IPPROTO_TCP, TCP_NODELAY,
                            1, NULL);
        c->last_rx_us = c->last_tx_us = g_get_monotonic_time();
        c->read_buf = g_malloc(SESSION_READ_SIZE);
        if (session_auth_send_login(self))
            conn_read(c);
        else
            session_login_refused(self, PROTO_E_NAME_INVALID, _("the name is too long"), 0);
    }
    g_clear_object(&socket);
    g_clear_error(&error);
    conn_unref(c);
}

static gboolean session_tick(gpointer data);

/* Opens a new connection to the stored host and port, replacing any current one. */
void session_start_attempt(ChatSession *self)
{
    session_abandon_conn(self);
    struct session_conn *c = g_rc_box_new0(struct session_conn);
    c->session = self;
    c->cancel = g_cancellable_new();
    proto_decoder_init(&c->decoder, PROTO_MAX_PAYLOAD);
    g_queue_init(&c->out_frames);
    c->started_us = c->last_rx_us = c->last_tx_us = g_get_monotonic_time();
    self->conn = c;
    if (!self->tick_source)
        self->tick_source = g_timeout_add_seconds(1, session_tick, self);

    GSocketClient *client = g_socket_client_new();
    c->tls = session_tls_attach(self, client, c->cancel);
    GSocketConnectable *address = g_network_address_new(self->host, self->port);
    g_socket_client_connect_async(client, address, c->cancel, conn_connected, conn_ref(c));
    g_object_unref(address);
    g_object_unref(client);
    session_set_state(self, CHAT_SESSION_CONNECTING, NULL);
}

/* Drops the current connection at once: pending I/O is cancelled and the socket closed. */
void session_abandon_conn(ChatSession *self)
{
    struct session_conn *c = self->conn;
    if (!c)
        return;
    self->conn = NULL;
    c->session = NULL;
    g_cancellable_cancel(c->cancel);
    if (c->socket)
        g_io_stream_close_async(G_IO_STREAM(c->socket), G_PRIORITY_DEFAULT, NULL, NULL, NULL);
    conn_unref(c);
}

/* ---- Ending a connection ---- */

static gboolean retry_due(gpointer data)
{
    ChatSession *self = data;
    self->retry_source = 0;
    session_servers_next_round(self);
    session_start_attempt(self);
    return G_SOURCE_REMOVE;
}

static void schedule_retry(ChatSession *self, const char *why)
{
    guint delay = self->backoff_s;
    self->backoff_s = MIN(delay * 2, SESSION_BACKOFF_MAX_S);
    self->retry_source = g_timeout_add(delay * 1000, retry_due, self);
    self->retry_at_us = g_get_monotonic_time() + (gint64)delay * G_USEC_PER_SEC;
    char *detail = g_strdup_printf(_("%s; reconnecting in %u s"), why, delay);
    session_set_state(self, CHAT_SESSION_RECONNECTING, detail);
    g_free(detail);
}

/* Stops for good: DISCONNECTED first (login-failed promises it), then both signals.
 * code is a protocol error code (0: no connection), message the reason. */
void session_give_up(ChatSession *self, guint code, const char *reason, guint64 ref_id)
{
    ChatSessionError error = session_error_from_proto(code);
    char *words = session_error_words(code, reason, ref_id, self->username);
    if (error == CHAT_SESSION_ERROR_FAILED) {
        char *refused = g_strdup_printf(_("The server refused the login: %s"), words);
        g_free(words);
        words = refused;
    }
    self->want_online = FALSE;
    self->state = CHAT_SESSION_DISCONNECTED;
    g_signal_emit(self, session_signals[SIG_LOGIN_FAILED], 0, (guint)error, words);
    g_signal_emit(self, session_signals[SIG_STATE_CHANGED], 0, CHAT_SESSION_DISCONNECTED,
                  words);
    g_free(words);
}

/* The connection ended (why in words; ignored when disconnect() asked for it):
 * in-flight transfers fail, then the session tries the next server of its list at once,
 * or reconnects after a delay if it had been online and may, or reports the end. */
void session_conn_lost(ChatSession *self, const char *why)
{
    struct session_conn *c = self->conn;
    gboolean asked = c && c->closing;
    char *reason = c && c->end_words ? g_strdup(c->end_words)
                   : c && c->shutdown_reason
                       ? g_strdup_printf(_("the server closed the connection: %s"),
                                         c->shutdown_reason)
                       : g_strdup(why);
    g_object_ref(self);
    session_abandon_conn(self);
    session_requests_conn_ended(self);
    if (!asked)
        transfer_fail_in_flight(self, reason);
    if (asked)
        session_set_state(self, CHAT_SESSION_DISCONNECTED, NULL);
    else if (self->want_online && session_servers_fail_over(self, reason)) {
        /* the next server of the list is being tried */
    } else if (!self->ever_online)
        session_give_up(self, 0, reason, 0);
    else if (self->want_online && self->auto_reconnect)
        schedule_retry(self, reason);
    else {
        self->want_online = FALSE;
        session_set_state(self, CHAT_SESSION_DISCONNECTED, reason);
    }
    g_free(reason);
    g_object_unref(self);
}

/* Refusals worth retrying when reconnecting: the old connection may still hold our name,
 * or the server is busy. Anything else would be refused again. */
static gboolean refusal_is_transient(guint code)
{
    return code == PROTO_E_NAME_TAKEN || code == PROTO_E_SERVER_FULL || code == PROTO_E_TIMEOUT ||
           code == PROTO_E_RATE_LIMITED || code == PROTO_E_INTERNAL || code == PROTO_E_BUSY;
}

/* The server refused the login (code from enum proto_error_code; ref_id as in its ERROR
 * frame). A refused token may be followed by a password login at once. */
void session_login_refused(ChatSession *self, guint code, const char *message, guint64 ref_id)
{
    g_object_ref(self);
    session_abandon_conn(self);
    if (session_auth_retry_refused(self, code))
        session_start_attempt(self);
    else if (self->ever_online && self->want_online && refusal_is_transient(code))
        schedule_retry(self, message);
    else
        session_give_up(self, code, message, ref_id);
    g_object_unref(self);
}

/* Once a second: login deadline, keepalive PING, silence detection, goodbye deadline. */
static gboolean session_tick(gpointer data)
{
    ChatSession *self = data;
    struct session_conn *c = self->conn;
    if (!c) {
        self->tick_source = 0;
        return G_SOURCE_REMOVE;
    }
    gint64 now = g_get_monotonic_time();
    const gint64 quiet = SESSION_PING_AFTER_S * G_USEC_PER_SEC;
    if (c->closing) {
        if (now - c->closing_us >= SESSION_GOODBYE_WAIT_S * G_USEC_PER_SEC)
            session_conn_lost(self, NULL);
    } else if (!c->online) {
        if (now - c->started_us >= SESSION_LOGIN_TIMEOUT_S * G_USEC_PER_SEC)
            session_conn_lost(self, _("no answer from the server"));
    } else if (now - c->last_rx_us >= SESSION_LOST_AFTER_S * G_USEC_PER_SEC) {
        session_conn_lost(self, _("the server stopped answering"));
    } else if (now - c->last_ping_us >= quiet &&
               (now - c->last_rx_us >= quiet || now - c->last_tx_us >= quiet)) {
        /* Quiet either way: a PING both keeps the server's idle timer happy and draws a
         * PONG, so a long upload (which the server never answers) is not taken for a
         * dead connection. */
        struct proto_msg ping = { .type = PROTO_PING, .u.token = ++c->last_ping };
        session_send(self, &ping);
        c->last_ping_us = now;
    }
    return G_SOURCE_CONTINUE;
}

/* ---- Public: connect and disconnect ---- */

/* A login the server would refuse anyway (a bad name, an over-long password): the
 * protocol error code and reason, or FALSE when there is no such problem. */
static gboolean local_refusal(ChatSession *self, guint *code, const char **reason)
{
    enum name_status status = name_check(self->username, strlen(self->username));
    if (status == NAME_OK)
        return session_auth_local_refusal(self, code, reason);
    *code = PROTO_E_NAME_INVALID;
    *reason = name_status_text(status);
    return TRUE;
}

static gboolean report_local_refusal(gpointer data)
{
    ChatSession *self = data;
    self->refusal_source = 0;
    guint code = 0;
    const char *reason = NULL;
    local_refusal(self, &code, &reason);
    session_give_up(self, code, reason, 0);
    return G_SOURCE_REMOVE;
}

/* Starts connecting to host:port and logging in as a guest (see session.h). */
void chat_session_connect(ChatSession *self, const char *host, guint16 port,
                          const char *username)
{
    ChatCredentials guest = { .username = username };
    chat_session_login(self, host, port, &guest);
}

/* Starts connecting to host:port and logging in with credentials (see session.h). */
void chat_session_login(ChatSession *self, const char *host, guint16 port,
                        const ChatCredentials *credentials)
{
    g_return_if_fail(host != NULL);
    GPtrArray *servers = chat_server_list_new_single(host, port);
    chat_session_login_servers(self, servers, credentials);
    g_ptr_array_unref(servers);
}

/* Starts connecting to the first of servers and logging in (see session.h). */
void chat_session_login_servers(ChatSession *self, GPtrArray *servers,
                                const ChatCredentials *credentials)
{
    g_return_if_fail(CHAT_IS_SESSION(self));
    g_return_if_fail(servers && servers->len > 0 && credentials && credentials->username);
    const char *username = credentials->username;
    g_object_ref(self);
    g_clear_handle_id(&self->retry_source, g_source_remove);
    g_clear_handle_id(&self->refusal_source, g_source_remove);
    if (self->conn) {
        session_abandon_conn(self);
        transfer_fail_in_flight(self, _("the connection was replaced"));
    }
    session_servers_set(self, servers);
    g_free(self->username);
    self->username = g_strdup(username);
    session_auth_set(self, credentials);
    session_outbox_open(self);
    self->want_online = TRUE;
    self->ever_online = FALSE;
    self->backoff_s = SESSION_BACKOFF_FIRST_S;
    guint code;
    const char *reason;
    if (!local_refusal(self, &code, &reason)) {
        session_start_attempt(self);
    } else {
        /* Refused without asking the server, but reported like any refusal: later. */
        session_set_state(self, CHAT_SESSION_CONNECTING, NULL);
        self->refusal_source = g_idle_add(report_local_refusal, self);
    }
    g_object_unref(self);
}

/* Connects again now with the credentials held (see session.h). */
void chat_session_reconnect(ChatSession *self)
{
    g_return_if_fail(CHAT_IS_SESSION(self));
    if (!self->host)
        return;
    g_object_ref(self);
    g_clear_handle_id(&self->retry_source, g_source_remove);
    if (self->conn) {
        session_abandon_conn(self);
        transfer_fail_in_flight(self, _("the connection was replaced"));
    }
    self->want_online = TRUE;
    /* Only the next attempt comes forward: the backoff goes on growing, and an attempt
     * that fails is retried as any other (ever_online stays set: no return to a login). */
    session_start_attempt(self);
    g_object_unref(self);
}

/* Says goodbye and closes; transfers in flight fail (see session.h). */
void chat_session_disconnect(ChatSession *self)
{
    g_return_if_fail(CHAT_IS_SESSION(self));
    g_object_ref(self);
    self->want_online = FALSE;
    g_clear_handle_id(&self->retry_source, g_source_remove);
    g_clear_handle_id(&self->refusal_source, g_source_remove);
    transfer_fail_in_flight(self, _("disconnected"));
    struct session_conn *c = self->conn;
    if (c && c->socket && c->welcomed && !c->closing) {
        struct proto_msg bye = { .type = PROTO_GOODBYE, .u.reason = proto_str_of("bye") };
        session_send(self, &bye);
        c->closing = TRUE; /* the server flushes and closes; conn_read_done sees it */
        c->closing_us = g_get_monotonic_time();
    } else if (!c || !c->closing) {
        session_abandon_conn(self);
        session_set_state(self, CHAT_SESSION_DISCONNECTED, NULL);
    }
    session_note_activity(self);
    g_object_unref(self);
}
