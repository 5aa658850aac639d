/* The epoll backend (Linux): no cap on fd numbers, and a wait costs what is ready, not
 * what is watched. Level-triggered, so whatever one wait does not report (more ready
 * fds than fit, or input a client leaves unread for fairness) comes back next time.
 *
 * Each registration carries its fd and its interest mask in the event's data, so a
 * wait translates what fired without any lookup: an error or hang-up is reported as
 * every direction the fd is watched for, as select() does, which sends it down the
 * read path (or the write path of a client that only writes) to find out why. */
#include <errno.h>
#include <glib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "server/ev_backend.h"

struct epoll_state {
    int epfd;
    int max_events;             /* entries in events */
    struct epoll_event *events; /* filled by one wait */
};

static void *epoll_create_state(int setsize)
{
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0)
        return NULL;
    struct epoll_state *st = g_new(struct epoll_state, 1);
    st->epfd = epfd;
    st->max_events = setsize;
    st->events = g_new(struct epoll_event, (gsize)setsize);
    return st;
}

static void epoll_destroy_state(void *state)
{
    struct epoll_state *st = state;
    close(st->epfd);
    g_free(st->events);
    g_free(st);
}

static int epoll_change(void *state, int fd, int old_mask, int new_mask)
{
    struct epoll_state *st = state;
    if (new_mask == EV_NONE) {
        /* A closed fd has already left the set by itself: nothing is watched either way. */
        if (epoll_ctl(st->epfd, EPOLL_CTL_DEL, fd, NULL) != 0 && errno != ENOENT &&
            errno != EBADF)
            return -1;
        return 0;
    }
    struct epoll_event ev = {
        .events = ((new_mask & EV_READ) ? EPOLLIN : 0u) | ((new_mask & EV_WRITE) ? EPOLLOUT : 0u),
        .data.u64 = (uint64_t)(uint32_t)fd | ((uint64_t)new_mask << 32),
    };
    return epoll_ctl(st->epfd, old_mask == EV_NONE ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev);
}

static int epoll_poll(void *state, int timeout_ms, const sigset_t *sigmask,
                      struct ev_fired *fired, int max)
{
    struct epoll_state *st = state;
    int ready = epoll_pwait(st->epfd, st->events, MIN(max, st->max_events), timeout_ms,
                            sigmask);
    for (int i = 0; i < ready; i++) {
        uint32_t events = st->events[i].events;
        uint64_t data = st->events[i].data.u64;
        int interest = (int)(data >> 32);
        int mask = ((events & EPOLLIN) ? EV_READ : 0) | ((events & EPOLLOUT) ? EV_WRITE : 0);
        if (events & (EPOLLERR | EPOLLHUP))
            mask |= interest;
        fired[i] = (struct ev_fired){ .fd = (int)(uint32_t)data, .mask = mask };
    }
    return ready;
}

const struct ev_backend ev_backend_epoll = {
    .name = "epoll",
    .max_setsize = 0,
    .create = epoll_create_state,
    .destroy = epoll_destroy_state,
    .change = epoll_change,
    .poll = epoll_poll,
};
