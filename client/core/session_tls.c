/* TLS for the session's connection (GIO's GTlsClientConnection, glib-networking behind
 * it) and the trust decisions: system CAs first, then the pins of session_trust.c, then
 * the user, asked through "certificate-untrusted" (see "Trust" in session.h).
 *
 * GIO asks "accept-certificate" synchronously in the middle of the handshake, and a
 * person's answer cannot be awaited there without blocking the loop; so an unknown
 * certificate is refused, reported, and once the user says yes, pinned and connected to
 * again: the second handshake finds the pin. */
#include "client/core/session_private.h"

#include <string.h>

/* Names a PEM file of CAs trusted instead of the system's (tests, private CAs). */
#define SESSION_CA_FILE_ENV "CHAT_CA_FILE"

/* What one connection attempt needs during its handshake, and what it found. Shared by
 * the signal handlers below (reference-counted, like the connection). */
struct session_tls {
    char *host;
    guint16 port;
    char *expected;              /* fingerprint vouched for out of band, or NULL */
    GCancellable *cancel;        /* the attempt's: cancelled when the CA file is unusable */
    char *failure;               /* why the attempt was stopped before any certificate */
    ChatCertificate *untrusted;  /* the certificate refused, to report */
};

/* ---- ChatCertificate ---- */

static ChatCertificate *chat_certificate_copy(const ChatCertificate *cert)
{
    ChatCertificate *copy = g_memdup2(cert, sizeof *cert);
    copy->host = g_strdup(cert->host);
    copy->fingerprint = g_strdup(cert->fingerprint);
    copy->pinned = g_strdup(cert->pinned);
    return copy;
}

static void chat_certificate_free(ChatCertificate *cert)
{
    if (!cert)
        return;
    g_free(cert->host);
    g_free(cert->fingerprint);
    g_free(cert->pinned);
    g_free(cert);
}

G_DEFINE_BOXED_TYPE(ChatCertificate, chat_certificate, chat_certificate_copy,
                    chat_certificate_free)

/* ---- The checks of one attempt ---- */

static void tls_clear(gpointer data)
{
    struct session_tls *tls = data;
    g_free(tls->host);
    g_free(tls->expected);
    g_clear_object(&tls->cancel);
    g_free(tls->failure);
    chat_certificate_free(tls->untrusted);
}

static struct session_tls *tls_ref(struct session_tls *tls)
{
    return g_rc_box_acquire(tls);
}

/* Releases a reference taken by session_tls_attach or a handler. */
void session_tls_unref(struct session_tls *tls)
{
    g_rc_box_release_full(tls, tls_clear);
}

static void tls_closure_unref(gpointer data, GClosure *closure)
{
    (void)closure;
    session_tls_unref(data);
}

/* The certificate is acceptable only when vouched for out of band or pinned; anything
 * else is refused here and remembered for "certificate-untrusted". */
static gboolean on_accept_certificate(GTlsConnection *connection, GTlsCertificate *peer,
                                      GTlsCertificateFlags errors, gpointer data)
{
    (void)connection;
    (void)errors;
    struct session_tls *tls = data;
    GByteArray *der = NULL;
    g_object_get(peer, "certificate", &der, NULL);
    if (!der)
        return FALSE;
    char *fingerprint = chat_fingerprint_of(der->data, der->len);
    g_byte_array_unref(der);
    gboolean accept = FALSE;
    char *pinned = chat_trust_lookup(tls->host, tls->port);
    if (tls->expected && strcmp(tls->expected, fingerprint) == 0) {
        accept = TRUE;
        if (g_strcmp0(pinned, fingerprint) != 0)
            chat_trust_pin(tls->host, tls->port, fingerprint, NULL); /* best effort */
    } else if (pinned && strcmp(pinned, fingerprint) == 0) {
        accept = TRUE;
    } else {
        chat_certificate_free(tls->untrusted);
        tls->untrusted = g_new0(ChatCertificate, 1);
        tls->untrusted->host = g_strdup(tls->host);
        tls->untrusted->port = tls->port;
        tls->untrusted->fingerprint = g_steal_pointer(&fingerprint);
        tls->untrusted->pinned = g_steal_pointer(&pinned);
    }
    g_free(pinned);
    g_free(fingerprint);
    return accept;
}

/* Before the handshake: the CA file, if one is named, and our certificate check. */
static void on_client_event(GSocketClient *client, GSocketClientEvent event,
                            GSocketConnectable *connectable, GIOStream *connection,
                            gpointer data)
{
    (void)client;
    (void)connectable;
    struct session_tls *tls = data;
    if (event != G_SOCKET_CLIENT_TLS_HANDSHAKING || !G_IS_TLS_CONNECTION(connection))
        return;
    const char *ca_file = g_getenv(SESSION_CA_FILE_ENV);
    if (ca_file && *ca_file) {
        GError *error = NULL;
        GTlsDatabase *database = g_tls_file_database_new(ca_file, &error);
        if (!database) {
            tls->failure = g_strdup_printf("cannot use the CA file %s (from $%s): %s", ca_file,
                                           SESSION_CA_FILE_ENV, error->message);
            g_error_free(error);
            g_cancellable_cancel(tls->cancel);
            return;
        }
        g_tls_connection_set_database(G_TLS_CONNECTION(connection), database);
        g_object_unref(database);
    }
    g_signal_connect_data(connection, "accept-certificate", G_CALLBACK(on_accept_certificate),
                          tls_ref(tls), tls_closure_unref, 0);
}

/* Turns TLS on for client's next connect to the session's server, unless TLS is off
 * (then NULL). The result holds what the handshake finds, for session_tls_report. */
struct session_tls *session_tls_attach(ChatSession *self, GSocketClient *client,
                                       GCancellable *cancel)
{
    if (self->plain)
        return NULL;
    struct session_tls *tls = g_rc_box_new0(struct session_tls);
    tls->host = g_strdup(self->host);
    tls->port = self->port;
    tls->expected = g_strdup(self->expected_fingerprint);
    tls->cancel = g_object_ref(cancel);
    g_socket_client_set_tls(client, TRUE);
    g_signal_connect_data(client, "event", G_CALLBACK(on_client_event), tls_ref(tls),
                          tls_closure_unref, 0);
    return tls;
}

/* The connect failed: when the certificate (or the CA file) is why, reports it, ends
 * the session's attempts for good (never a silent retry into a changed certificate)
 * and returns TRUE; when the server does not speak TLS, reports that with a hint and
 * returns TRUE; otherwise FALSE and the caller reports error as usual. */
gboolean session_tls_report(ChatSession *self, struct session_tls *tls, const GError *error)
{
    if (!tls->failure && !tls->untrusted) {
        if (!g_error_matches(error, G_TLS_ERROR, G_TLS_ERROR_NOT_TLS))
            return FALSE;
        char *why = g_strdup_printf("cannot connect to %s port %u: %s (a server started with "
                                    "--no-tls needs a client with TLS turned off)",
                                    tls->host, tls->port, error->message);
        session_conn_lost(self, why);
        g_free(why);
        return TRUE;
    }
    g_object_ref(self);
    char *why;
    if (tls->failure)
        why = g_strdup(tls->failure);
    else if (tls->untrusted->pinned)
        why = g_strdup_printf("the certificate of %s port %u CHANGED: pinned %s, offered %s. "
                              "This may be an attack; the connection was refused",
                              tls->host, tls->port, tls->untrusted->pinned,
                              tls->untrusted->fingerprint);
    else
        why = g_strdup_printf("the certificate of %s port %u is not trusted yet "
                              "(SHA-256 %s)", tls->host, tls->port,
                              tls->untrusted->fingerprint);
    session_abandon_conn(self);
    transfer_fail_in_flight(self, why);
    if (tls->untrusted)
        g_signal_emit(self, session_signals[SIG_CERTIFICATE_UNTRUSTED], 0, tls->untrusted);
    session_give_up(self, 0, why, 0);
    g_free(why);
    g_object_unref(self);
    return TRUE;
}

/* ---- Public ---- */

/* TLS on (default) or off for the next attempts. */
void chat_session_set_tls(ChatSession *self, gboolean enabled)
{
    g_return_if_fail(CHAT_IS_SESSION(self));
    self->plain = !enabled;
}

/* Sets (or with NULL clears) the fingerprint vouched for out of band. */
gboolean chat_session_set_expected_fingerprint(ChatSession *self, const char *fingerprint)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), FALSE);
    char *canonical = fingerprint ? chat_fingerprint_normalize(fingerprint) : NULL;
    if (fingerprint && !canonical)
        return FALSE;
    g_free(self->expected_fingerprint);
    self->expected_fingerprint = canonical;
    return TRUE;
}

/* The user's yes on first use: pin, then connect again (see session.h). */
gboolean chat_session_trust_certificate(ChatSession *self, const ChatCertificate *cert,
                                        GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), FALSE);
    g_return_val_if_fail(cert != NULL && cert->host && cert->fingerprint, FALSE);
    if (cert->pinned) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                    "the certificate of %s port %u changed; it cannot be accepted without "
                    "first forgetting the old one", cert->host, cert->port);
        return FALSE;
    }
    if (!chat_trust_pin(cert->host, cert->port, cert->fingerprint, error))
        return FALSE;
    if (self->host && g_strcmp0(self->host, cert->host) == 0 && self->port == cert->port &&
        !self->conn) {
        /* The same login again, as a retry would make it: the handshake finds the pin. */
        self->want_online = TRUE;
        self->backoff_s = SESSION_BACKOFF_FIRST_S;
        session_start_attempt(self);
    }
    return TRUE;
}
