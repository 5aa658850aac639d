/* chat-server as a systemd service: readiness and stopping notices (Type=notify), and
 * whether standard error is the journal (then log lines carry <N> priority prefixes).
 * Outside systemd every call is a harmless no-op. */
#ifndef CHAT_SERVER_SYSTEMD_H
#define CHAT_SERVER_SYSTEMD_H

#include <stdbool.h>

/* Tells the service manager that the server listens on addr and serves. */
void systemd_notify_ready(const char *addr);

/* Tells the service manager that the server has begun to stop. */
void systemd_notify_stopping(void);

/* True when standard error is the journal stream systemd connected it to
 * (JOURNAL_STREAM names its device and inode). */
bool systemd_stderr_is_journal(void);

#endif
