/* chat-cli's side of trust on first use; see cli_trust.h and "Trust" in session.h. */
#include "client/cli/cli_trust.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "client/cli/cli_print.h"

static void explain_changed(const ChatCertificate *cert)
{
    cli_print_error(_("WARNING: the certificate of %s port %u has CHANGED since you trusted it."),
                    cert->host, cert->port);
    cli_print_error(_("  pinned SHA-256:  %s"), cert->pinned);
    cli_print_error(_("  offered SHA-256: %s"), cert->fingerprint);
    cli_print_error(_("Someone may be intercepting the connection, or the server has a new "
                    "certificate. The connection was refused."));
    cli_print_error(_("Only if the server's operator confirms the new fingerprint, forget the "
                    "old one deliberately:"));
    cli_print_error(_("  chat-cli --host %s --port %u --forget-certificate"), cert->host,
                    cert->port);
    cli_print_error(_("then connect again and compare the fingerprint you are shown."));
}

gboolean cli_trust_report(const ChatCertificate *cert, gboolean can_ask)
{
    g_return_val_if_fail(cert != NULL, FALSE);
    if (cert->pinned) {
        explain_changed(cert);
        return FALSE;
    }
    if (!can_ask) {
        cli_print_error(_("the certificate of %s port %u is not trusted yet; its SHA-256 "
                        "fingerprint is %s"), cert->host, cert->port, cert->fingerprint);
        cli_print_error(_("without a terminal to ask on, pass --trust-fingerprint FINGERPRINT "
                        "once you have checked it with the server's operator "
                        "(chat-server --fingerprint shows it)"));
        return FALSE;
    }
    cli_print_notice(_("The server %s port %u is not known yet. Its certificate's SHA-256 "
                     "fingerprint is:"), cert->host, cert->port);
    cli_print_notice("  %s", cert->fingerprint);
    cli_print_notice(_("Compare it with the one the server's operator gives you "
                     "(chat-server --fingerprint shows it)."));
    fputs(_("Trust this certificate and connect? [y/N] "), stderr);
    fflush(stderr);
    return TRUE;
}

gboolean cli_trust_answer(ChatSession *session, const ChatCertificate *cert,
                          const char *answer)
{
    g_return_val_if_fail(CHAT_IS_SESSION(session) && cert != NULL, FALSE);
    char *word = g_ascii_strdown(answer ? answer : "", -1);
    g_strstrip(word);
    gboolean yes = strcmp(word, "y") == 0 || strcmp(word, "yes") == 0;
    g_free(word);
    if (!yes) {
        cli_print_error(_("the certificate of %s port %u was not trusted; not connecting"),
                        cert->host, cert->port);
        return FALSE;
    }
    GError *error = NULL;
    if (!chat_session_trust_certificate(session, cert, &error)) {
        cli_print_error("%s", error->message);
        g_error_free(error);
        return FALSE;
    }
    char *file = chat_trust_file();
    cli_print_notice(_("Trusted; the fingerprint is pinned in %s."), file);
    g_free(file);
    return TRUE;
}
