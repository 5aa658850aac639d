/* The parts of the connection layer shared by every implementation: readiness
 * translation, draining, error words. */
#include "server/conn.h"

#include <glib.h>
#include <stdarg.h>
#include <sys/ioctl.h>

#include "server/ev.h"
#include "server/net.h"

const char *conn_error(const struct conn *c, int errnum)
{
    return c->error != NULL ? c->error : g_strerror(errnum);
}

void conn_set_error(struct conn *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_free(c->error);
    c->error = text;
}

void conn_forget_error(struct conn *c)
{
    g_free(c->error);
    c->error = NULL;
}

int conn_socket_mask(const struct conn *c, int want)
{
    int mask = 0;
    if (want & EV_READ)
        mask |= (c->flags & CONN_READ_WANTS_WRITE) ? EV_WRITE : EV_READ;
    if (want & EV_WRITE)
        mask |= (c->flags & CONN_WRITE_WANTS_READ) ? EV_READ : EV_WRITE;
    return mask;
}

int conn_fired_mask(const struct conn *c, int fired)
{
    int mask = 0;
    if (fired & EV_READ) {
        if (!(c->flags & CONN_READ_WANTS_WRITE))
            mask |= EV_READ;
        if (c->flags & CONN_WRITE_WANTS_READ)
            mask |= EV_WRITE;
    }
    if (fired & EV_WRITE) {
        if (!(c->flags & CONN_WRITE_WANTS_READ))
            mask |= EV_WRITE;
        if (c->flags & CONN_READ_WANTS_WRITE)
            mask |= EV_READ;
    }
    return mask;
}

bool conn_input_waiting(const struct conn *c)
{
    int unread = 0;
    return conn_has_pending(c) || (ioctl(c->fd, FIONREAD, &unread) == 0 && unread > 0);
}

void conn_drain(struct conn *c, size_t max)
{
    net_drain(c->fd, max); /* TLS records are discarded undecrypted: only the FIN matters */
}
