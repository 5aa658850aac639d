/* A tiny event loop interface: watch file descriptors for reading and writing, then
 * wait (with a timeout and a signal mask) for the ones that are ready.
 *
 * The caller keeps its own table of what each fd means; the loop only reports
 * {fd, mask} pairs. Backends (select, epoll) live behind ev_backend.h and
 * are chosen by name, so nothing outside ev*.c knows which one runs. */
#ifndef CHAT_SERVER_EV_H
#define CHAT_SERVER_EV_H

#include <signal.h>
#include <stdbool.h>

enum ev_mask {
    EV_NONE = 0,
    EV_READ = 1,
    EV_WRITE = 2,
};

enum ev_status {
    EV_OK = 0,
    EV_ERR_RANGE, /* fd is beyond what the backend can watch (select: FD_SETSIZE) */
    EV_ERR_SYSTEM, /* the backend's system call failed; errno says why */
};

struct ev_fired {
    int fd;
    int mask; /* EV_READ and/or EV_WRITE; errors and hang-ups are reported as EV_READ */
};

struct ev_loop;

/* True when a backend of that name is built in. */
bool ev_backend_exists(const char *name);

/* Names of the built-in backends, separated by ", " (for --help). */
const char *ev_backend_list(void);

/* Creates a loop on the named backend for fds below want_setsize (lowered to what the
 * backend can watch). Returns NULL with errno set when the backend cannot start. */
struct ev_loop *ev_create(const char *backend, int want_setsize);

/* Releases the loop; the watched fds are left open. */
void ev_destroy(struct ev_loop *loop);

/* One more than the highest fd the loop can watch. */
int ev_setsize(const struct ev_loop *loop);

/* Sets the interest for fd to mask (EV_NONE stops watching it). Setting the mask it
 * already has costs nothing. */
enum ev_status ev_watch(struct ev_loop *loop, int fd, int mask);

/* Waits up to timeout_ms (-1: no limit) with the signal mask sigmask in force (NULL:
 * unchanged), then points *fired at the ready fds and returns how many there are.
 * A signal arriving ends the wait early with 0. Returns -1 with errno on failure. */
int ev_poll(struct ev_loop *loop, int timeout_ms, const sigset_t *sigmask,
            const struct ev_fired **fired);

#endif
