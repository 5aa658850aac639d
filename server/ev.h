/* A tiny event loop: each watched file descriptor has a handler and the interest it
 * waits for (reading, writing); ev_process() waits (with a timeout and a signal mask)
 * and calls the handler of every fd that is ready. The listener, the clients and a
 * worker's wake-up fd are all just watched fds. Backends (select, epoll) live behind
 * ev_backend.h and are chosen by name, so nothing outside ev*.c knows which one runs. */
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

/* Called by ev_process() for a ready fd with what it is ready for (mask), and the data
 * given to ev_watch(). The handler may watch and unwatch any fd, its own included. */
typedef void ev_handler(int fd, int mask, void *data);

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

/* Watches fd: handler(fd, mask, data) runs when it is ready for what mask asks (which
 * may be EV_NONE for now). Replaces an earlier handler of fd. */
enum ev_status ev_watch(struct ev_loop *loop, int fd, int mask, ev_handler *handler,
                        void *data);

/* Changes the interest of a watched fd, keeping its handler (EV_NONE pauses it).
 * Setting the mask it already has costs nothing. */
enum ev_status ev_set_mask(struct ev_loop *loop, int fd, int mask);

/* Stops watching fd (before it is closed). An fd that is not watched is ignored. */
void ev_unwatch(struct ev_loop *loop, int fd);

/* Waits up to timeout_ms (-1: no limit) with the signal mask sigmask in force (NULL:
 * unchanged), then calls the handler of each ready fd, skipping any that an earlier
 * handler of the same round unwatched. A signal arriving ends the wait early with 0.
 * Returns the number of ready fds, or -1 with errno on failure. */
int ev_process(struct ev_loop *loop, int timeout_ms, const sigset_t *sigmask);

#endif
