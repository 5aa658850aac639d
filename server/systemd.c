/* Service manager notices through libsystemd; see systemd.h. */
#include "server/systemd.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

void systemd_notify_ready(const char *addr)
{
    sd_notifyf(0, "READY=1\nSTATUS=Listening on %s", addr);
}

void systemd_notify_stopping(void)
{
    sd_notify(0, "STOPPING=1\nSTATUS=Stopping");
}

bool systemd_stderr_is_journal(void)
{
    const char *stream = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;
    if (stream == NULL || sscanf(stream, "%llu:%llu", &dev, &ino) != 2 ||
        fstat(STDERR_FILENO, &st) != 0)
        return false;
    return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}
