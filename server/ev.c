/* The backend-neutral half of the event loop: backend lookup, the per-fd table of
 * interest and handlers, and the round that calls the handlers of the ready fds. Each
 * backend is one ev_<name>.c file; adding one means adding its descriptor to the table
 * below. */
#include "server/ev.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "server/ev_backend.h"

static const struct ev_backend *const backends[] = {
    &ev_backend_select,
    &ev_backend_epoll,
};

struct ev_loop {
    const struct ev_backend *backend;
    void *state;
    int setsize;
    unsigned char *masks;    /* interest per fd, indexed by fd */
    struct ev_watcher *watchers; /* handler per fd, indexed by fd; NULL when unwatched */
    struct ev_fired *fired;  /* setsize entries: every fd can fire at once */
};

struct ev_watcher {
    ev_handler *handler;
    void *data;
};

static const struct ev_backend *backend_find(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(backends); i++)
        if (strcmp(backends[i]->name, name) == 0)
            return backends[i];
    return NULL;
}

bool ev_backend_exists(const char *name)
{
    return backend_find(name) != NULL;
}

const char *ev_backend_list(void)
{
    static char list[128];
    if (list[0] == '\0') {
        for (size_t i = 0; i < G_N_ELEMENTS(backends); i++) {
            if (i > 0)
                g_strlcat(list, ", ", sizeof list);
            g_strlcat(list, backends[i]->name, sizeof list);
        }
    }
    return list;
}

struct ev_loop *ev_create(const char *name, int want_setsize)
{
    const struct ev_backend *backend = backend_find(name);
    if (backend == NULL || want_setsize <= 0) {
        errno = EINVAL;
        return NULL;
    }
    int setsize = want_setsize;
    if (backend->max_setsize > 0 && setsize > backend->max_setsize)
        setsize = backend->max_setsize;
    void *state = backend->create(setsize);
    if (state == NULL)
        return NULL;
    struct ev_loop *loop = g_new0(struct ev_loop, 1);
    loop->backend = backend;
    loop->state = state;
    loop->setsize = setsize;
    loop->masks = g_new0(unsigned char, (gsize)setsize);
    loop->watchers = g_new0(struct ev_watcher, (gsize)setsize);
    loop->fired = g_new(struct ev_fired, (gsize)setsize);
    return loop;
}

void ev_destroy(struct ev_loop *loop)
{
    if (loop == NULL)
        return;
    loop->backend->destroy(loop->state);
    g_free(loop->masks);
    g_free(loop->watchers);
    g_free(loop->fired);
    g_free(loop);
}

int ev_setsize(const struct ev_loop *loop)
{
    return loop->setsize;
}

enum ev_status ev_set_mask(struct ev_loop *loop, int fd, int mask)
{
    if (fd < 0 || fd >= loop->setsize)
        return EV_ERR_RANGE;
    int old = loop->masks[fd];
    if (old == mask)
        return EV_OK;
    if (loop->backend->change(loop->state, fd, old, mask) != 0)
        return EV_ERR_SYSTEM;
    loop->masks[fd] = (unsigned char)mask;
    return EV_OK;
}

enum ev_status ev_watch(struct ev_loop *loop, int fd, int mask, ev_handler *handler,
                        void *data)
{
    enum ev_status st = ev_set_mask(loop, fd, mask);
    if (st == EV_OK)
        loop->watchers[fd] = (struct ev_watcher){ handler, data };
    return st;
}

void ev_unwatch(struct ev_loop *loop, int fd)
{
    if (fd < 0 || fd >= loop->setsize)
        return;
    ev_set_mask(loop, fd, EV_NONE);
    loop->watchers[fd] = (struct ev_watcher){ NULL, NULL };
}

int ev_process(struct ev_loop *loop, int timeout_ms, const sigset_t *sigmask)
{
    int n = loop->backend->poll(loop->state, timeout_ms, sigmask, loop->fired, loop->setsize);
    if (n < 0 && errno == EINTR)
        n = 0;
    for (int i = 0; i < n; i++) {
        struct ev_watcher w = loop->watchers[loop->fired[i].fd];
        if (w.handler != NULL)
            w.handler(loop->fired[i].fd, loop->fired[i].mask, w.data);
    }
    return n;
}
