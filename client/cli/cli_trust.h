/* chat-cli's side of trust on first use: what it says about a certificate the session
 * could not trust, and the y/N question on a terminal. */
#ifndef CHAT_CLI_TRUST_H
#define CHAT_CLI_TRUST_H

#include "client/core/session.h"

/* Explains cert on stderr. On first use with a person at the terminal (can_ask) it asks
 * whether to trust it and returns TRUE: the next input line is the answer, for
 * cli_trust_answer. Otherwise (no terminal, or a CHANGED certificate, which is never
 * accepted from a prompt) it says why the connection was refused and what to do, and
 * returns FALSE. */
gboolean cli_trust_report(const ChatCertificate *cert, gboolean can_ask);

/* Applies the answer to cli_trust_report's question: "y" or "yes" pins the certificate
 * and connects again (TRUE); anything else, or NULL for no answer, refuses it (FALSE,
 * reason printed). */
gboolean cli_trust_answer(ChatSession *session, const ChatCertificate *cert,
                          const char *answer);

#endif
