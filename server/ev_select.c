/* The select() backend: two fd_sets of interest and the highest watched fd.
 * select() cannot watch fds at or above FD_SETSIZE; ev.c caps the setsize so such fds
 * are refused with EV_ERR_RANGE instead of corrupting memory. */
#include <errno.h>
#include <glib.h>
#include <sys/select.h>

#include "server/ev_backend.h"

struct select_state {
    fd_set readers;
    fd_set writers;
    int maxfd; /* highest fd in either set, -1 when none */
};

static void *select_create(int setsize)
{
    (void)setsize; /* fd_sets are fixed-size */
    struct select_state *st = g_new0(struct select_state, 1);
    FD_ZERO(&st->readers);
    FD_ZERO(&st->writers);
    st->maxfd = -1;
    return st;
}

static void select_destroy(void *state)
{
    g_free(state);
}

static int select_change(void *state, int fd, int old_mask, int new_mask)
{
    (void)old_mask;
    struct select_state *st = state;
    if (new_mask & EV_READ)
        FD_SET(fd, &st->readers);
    else
        FD_CLR(fd, &st->readers);
    if (new_mask & EV_WRITE)
        FD_SET(fd, &st->writers);
    else
        FD_CLR(fd, &st->writers);
    if (new_mask != EV_NONE && fd > st->maxfd)
        st->maxfd = fd;
    while (st->maxfd >= 0 && !FD_ISSET(st->maxfd, &st->readers) &&
           !FD_ISSET(st->maxfd, &st->writers))
        st->maxfd--;
    return 0;
}

static int select_poll(void *state, int timeout_ms, const sigset_t *sigmask,
                       struct ev_fired *fired, int max)
{
    struct select_state *st = state;
    fd_set readers = st->readers, writers = st->writers;
    struct timespec ts = { .tv_sec = timeout_ms / 1000, .tv_nsec = (timeout_ms % 1000) * 1000000L };
    int ready = pselect(st->maxfd + 1, &readers, &writers, NULL, timeout_ms < 0 ? NULL : &ts,
                        sigmask);
    if (ready <= 0)
        return ready;
    int n = 0;
    for (int fd = 0; fd <= st->maxfd && n < max; fd++) {
        int mask = (FD_ISSET(fd, &readers) ? EV_READ : 0) | (FD_ISSET(fd, &writers) ? EV_WRITE : 0);
        if (mask)
            fired[n++] = (struct ev_fired){ .fd = fd, .mask = mask };
    }
    return n;
}

const struct ev_backend ev_backend_select = {
    .name = "select",
    .max_setsize = FD_SETSIZE,
    .create = select_create,
    .destroy = select_destroy,
    .change = select_change,
    .poll = select_poll,
};
