/* The handshake thread: an epoll loop over connections in their TLS handshake, ordered
 * by deadline (every job has the same timeout, so arrival order is deadline order).
 * It shares with the loop thread only two queues under one mutex and two eventfds. */
#include "server/tls_acceptor.h"

#include <errno.h>
#include <glib.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include "server/clock.h"
#include "server/limits.h"

struct tls_acceptor {
    pthread_t thread;
    int epfd;                  /* the thread's: its wake fd and the handshaking sockets */
    int wake_fd;               /* loop -> thread: new jobs, or stop */
    int done_fd;               /* thread -> loop: finished jobs */
    pthread_mutex_t lock;      /* guards the three fields below */
    struct list_node incoming; /* submitted, not yet seen by the thread */
    struct list_node done;     /* finished, not yet taken */
    bool stop;
    struct list_node jobs;     /* the thread's own: in progress, oldest first */
};

static void notify(int fd)
{
    uint64_t one = 1;
    while (write(fd, &one, sizeof one) < 0 && errno == EINTR)
        ;
}

static void drain_eventfd(int fd)
{
    uint64_t count;
    while (read(fd, &count, sizeof count) < 0 && errno == EINTR)
        ;
}

/* Hands job back to the loop thread. */
static void finish(struct tls_acceptor *a, struct tls_job *job, enum conn_status status)
{
    epoll_ctl(a->epfd, EPOLL_CTL_DEL, job->conn->fd, NULL);
    list_remove(&job->link);
    job->status = status;
    pthread_mutex_lock(&a->lock);
    bool was_empty = list_empty(&a->done); /* else a wake-up is already on its way */
    list_append(&a->done, &job->link);
    pthread_mutex_unlock(&a->lock);
    if (was_empty)
        notify(a->done_fd);
}

/* One handshake step; on CONN_AGAIN the socket is watched for what OpenSSL needs. */
static void step(struct tls_acceptor *a, struct tls_job *job)
{
    enum conn_status st = conn_handshake(job->conn);
    if (st != CONN_AGAIN) {
        finish(a, job, st);
        return;
    }
    struct epoll_event ev = {
        .events = (job->conn->flags & CONN_HANDSHAKE_WANTS_WRITE) ? EPOLLOUT : EPOLLIN,
        .data.ptr = job,
    };
    if (epoll_ctl(a->epfd, EPOLL_CTL_MOD, job->conn->fd, &ev) != 0) {
        conn_set_error(job->conn, "cannot watch the socket: %s", g_strerror(errno));
        finish(a, job, CONN_FAILED);
    }
}

/* Takes the submitted jobs in and starts their handshakes; true when asked to stop. */
static bool take_incoming(struct tls_acceptor *a)
{
    struct list_node fresh;
    list_init(&fresh);
    pthread_mutex_lock(&a->lock);
    list_move_all(&fresh, &a->incoming);
    bool stop = a->stop;
    pthread_mutex_unlock(&a->lock);
    while (!list_empty(&fresh)) {
        struct tls_job *job = list_entry(fresh.next, struct tls_job, link);
        list_remove(&job->link);
        list_append(&a->jobs, &job->link);
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = job };
        if (epoll_ctl(a->epfd, EPOLL_CTL_ADD, job->conn->fd, &ev) != 0) {
            conn_set_error(job->conn, "cannot watch the socket: %s", g_strerror(errno));
            finish(a, job, CONN_FAILED);
            continue;
        }
        step(a, job); /* the ClientHello is often here already */
    }
    return stop;
}

/* Ends the handshakes whose deadline has passed; returns ms until the next, or -1. */
static int expire(struct tls_acceptor *a)
{
    int64_t now = clock_mono_ms();
    while (!list_empty(&a->jobs)) {
        struct tls_job *job = list_entry(a->jobs.next, struct tls_job, link);
        if (job->deadline_ms > now)
            return (int)MIN(job->deadline_ms - now, (int64_t)INT_MAX);
        finish(a, job, CONN_AGAIN);
    }
    return -1;
}

static void *acceptor_main(void *arg)
{
    struct tls_acceptor *a = arg;
    /* Handshakes are bulk work; the loop thread's chat is interactive. */
    setpriority(PRIO_PROCESS, (id_t)gettid(), SERVER_TLS_THREAD_NICE);
    struct epoll_event events[64];
    for (;;) {
        int n = epoll_wait(a->epfd, events, G_N_ELEMENTS(events), expire(a));
        for (int i = 0; i < n; i++) {
            if (events[i].data.ptr == NULL) {
                drain_eventfd(a->wake_fd);
                if (take_incoming(a))
                    return NULL;
            } else {
                step(a, events[i].data.ptr);
            }
        }
    }
}

struct tls_acceptor *tls_acceptor_start(char *err, size_t errlen)
{
    struct tls_acceptor *a = g_new0(struct tls_acceptor, 1);
    list_init(&a->incoming);
    list_init(&a->done);
    list_init(&a->jobs);
    pthread_mutex_init(&a->lock, NULL);
    a->epfd = epoll_create1(EPOLL_CLOEXEC);
    a->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    a->done_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
    int rc = -1;
    if (a->epfd >= 0 && a->wake_fd >= 0 && a->done_fd >= 0 &&
        epoll_ctl(a->epfd, EPOLL_CTL_ADD, a->wake_fd, &ev) == 0)
        rc = pthread_create(&a->thread, NULL, acceptor_main, a);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the TLS handshake thread: %s",
                 g_strerror(rc > 0 ? rc : errno));
        if (a->epfd >= 0)
            close(a->epfd);
        if (a->wake_fd >= 0)
            close(a->wake_fd);
        if (a->done_fd >= 0)
            close(a->done_fd);
        pthread_mutex_destroy(&a->lock);
        g_free(a);
        return NULL;
    }
    return a;
}

int tls_acceptor_fd(const struct tls_acceptor *a)
{
    return a->done_fd;
}

void tls_acceptor_submit(struct tls_acceptor *a, struct tls_job *job)
{
    list_init(&job->link);
    pthread_mutex_lock(&a->lock);
    bool was_empty = list_empty(&a->incoming); /* else a wake-up is already on its way */
    list_append(&a->incoming, &job->link);
    pthread_mutex_unlock(&a->lock);
    if (was_empty)
        notify(a->wake_fd);
}

void tls_acceptor_take(struct tls_acceptor *a, struct list_node *done, unsigned max)
{
    drain_eventfd(a->done_fd);
    pthread_mutex_lock(&a->lock);
    for (unsigned taken = 0; taken < max && !list_empty(&a->done); taken++) {
        struct list_node *first = a->done.next;
        list_remove(first);
        list_append(done, first);
    }
    bool more = !list_empty(&a->done);
    pthread_mutex_unlock(&a->lock);
    if (more)
        notify(a->done_fd);
}

/* Closes the connections of every job on list and frees the jobs. */
static void close_jobs(struct list_node *list)
{
    while (!list_empty(list)) {
        struct tls_job *job = list_entry(list->next, struct tls_job, link);
        list_remove(&job->link);
        conn_close(job->conn);
        g_free(job);
    }
}

void tls_acceptor_stop(struct tls_acceptor *a)
{
    if (a == NULL)
        return;
    pthread_mutex_lock(&a->lock);
    a->stop = true;
    pthread_mutex_unlock(&a->lock);
    notify(a->wake_fd);
    pthread_join(a->thread, NULL);
    close_jobs(&a->jobs);
    close_jobs(&a->incoming);
    close_jobs(&a->done);
    close(a->epfd);
    close(a->wake_fd);
    close(a->done_fd);
    pthread_mutex_destroy(&a->lock);
    g_free(a);
}
