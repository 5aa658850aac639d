/* What an event-loop backend provides; seen only by ev.c and the ev_<name>.c files.
 * A backend is a handful of functions over its own opaque state: ev.c keeps the
 * interest mask of every fd and hands the backend the old and new masks on each change. */
#ifndef CHAT_SERVER_EV_BACKEND_H
#define CHAT_SERVER_EV_BACKEND_H

#include "server/ev.h"

struct ev_backend {
    const char *name;
    /* Largest setsize the backend can handle (select: FD_SETSIZE), or 0 for no cap. */
    int max_setsize;
    /* Returns the backend state for fds below setsize, or NULL with errno set. */
    void *(*create)(int setsize);
    void (*destroy)(void *state);
    /* Changes fd's interest from old_mask to new_mask; 0 or -1 with errno. */
    int (*change)(void *state, int fd, int old_mask, int new_mask);
    /* Waits as ev_poll() says, fills at most max entries of fired; count or -1. */
    int (*poll)(void *state, int timeout_ms, const sigset_t *sigmask,
                struct ev_fired *fired, int max);
};

extern const struct ev_backend ev_backend_select;
extern const struct ev_backend ev_backend_epoll;

#endif
