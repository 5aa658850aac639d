/* The worker pool: one mutex-protected queue of jobs to run and one of results to
 * apply, an eventfd that says "results are waiting", and the loop-side handler that
 * drains it. See worker.h. */
#include "server/worker.h"

#include <errno.h>
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "server/ev.h"
#include "server/log.h"

struct job {
    void *data;
    worker_run_fn *run;
    worker_done_fn *done;
};

struct worker {
    struct ev_loop *loop;
    int wake_fd;               /* eventfd: nonzero while results wait for the loop */
    GMutex lock;
    GCond wanted;              /* signalled when todo grows or the pool stops */
    GQueue todo;               /* struct job *, oldest first */
    GQueue finished;           /* struct job *, in the order they finished */
    bool stopping;
    unsigned pending;          /* submitted, done() not yet called (loop thread only) */
    GThread **threads;
    unsigned thread_count;
};

static gpointer worker_thread(gpointer data)
{
    struct worker *w = data;
    g_mutex_lock(&w->lock);
    for (;;) {
        while (!w->stopping && g_queue_is_empty(&w->todo))
            g_cond_wait(&w->wanted, &w->lock);
        if (w->stopping)
            break;
        struct job *job = g_queue_pop_head(&w->todo);
        g_mutex_unlock(&w->lock);
        job->run(job->data);
        g_mutex_lock(&w->lock);
        g_queue_push_tail(&w->finished, job);
        uint64_t one = 1;
        if (write(w->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
            log_event(LOG_ERROR, 0, NULL, NULL, "worker wake-up failed: %s", g_strerror(errno));
    }
    g_mutex_unlock(&w->lock);
    return NULL;
}

/* The loop's handler for the wake-up fd: applies every finished job's result. */
static void worker_on_wake(int fd, int mask, void *data)
{
    (void)mask;
    struct worker *w = data;
    uint64_t count;
    if (read(fd, &count, sizeof count) < 0 && errno != EAGAIN)
        log_event(LOG_ERROR, 0, NULL, NULL, "worker wake-up read failed: %s",
                  g_strerror(errno));
    g_mutex_lock(&w->lock);
    GQueue ready = w->finished;
    g_queue_init(&w->finished);
    g_mutex_unlock(&w->lock);
    struct job *job;
    while ((job = g_queue_pop_head(&ready)) != NULL) {
        w->pending--;
        job->done(job->data, false);
        g_free(job);
    }
}

struct worker *worker_start(struct ev_loop *loop, unsigned threads, char *err, size_t errlen)
{
    struct worker *w = g_new0(struct worker, 1);
    w->loop = loop;
    g_mutex_init(&w->lock);
    g_cond_init(&w->wanted);
    g_queue_init(&w->todo);
    g_queue_init(&w->finished);
    w->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (w->wake_fd < 0 || ev_watch(loop, w->wake_fd, EV_READ, worker_on_wake, w) != EV_OK) {
        snprintf(err, errlen, "cannot set up the worker wake-up fd: %s", g_strerror(errno));
        if (w->wake_fd >= 0)
            close(w->wake_fd);
        g_free(w);
        return NULL;
    }
    w->threads = g_new0(GThread *, threads);
    for (unsigned i = 0; i < threads; i++) {
        GError *error = NULL;
        w->threads[i] = g_thread_try_new("worker", worker_thread, w, &error);
        if (w->threads[i] == NULL) {
            snprintf(err, errlen, "cannot start a worker thread: %s", error->message);
            g_error_free(error);
            worker_stop(w);
            return NULL;
        }
        w->thread_count++;
    }
    return w;
}

void worker_submit(struct worker *w, void *data, worker_run_fn *run, worker_done_fn *done)
{
    struct job *job = g_new(struct job, 1);
    *job = (struct job){ data, run, done };
    w->pending++;
    g_mutex_lock(&w->lock);
    g_queue_push_tail(&w->todo, job);
    g_cond_signal(&w->wanted);
    g_mutex_unlock(&w->lock);
}

unsigned worker_pending(const struct worker *w)
{
    return w->pending;
}

/* Cancels every job of q. */
static void cancel_all(GQueue *q)
{
    struct job *job;
    while ((job = g_queue_pop_head(q)) != NULL) {
        job->done(job->data, true);
        g_free(job);
    }
}

void worker_stop(struct worker *w)
{
    if (w == NULL)
        return;
    g_mutex_lock(&w->lock);
    w->stopping = true;
    g_cond_broadcast(&w->wanted);
    g_mutex_unlock(&w->lock);
    for (unsigned i = 0; i < w->thread_count; i++)
        g_thread_join(w->threads[i]);
    cancel_all(&w->todo);
    cancel_all(&w->finished);
    ev_unwatch(w->loop, w->wake_fd);
    close(w->wake_fd);
    g_free(w->threads);
    g_mutex_clear(&w->lock);
    g_cond_clear(&w->wanted);
    g_free(w);
}
