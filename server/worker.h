/* Worker threads for slow work the event loop must not do itself (password hashing).
 * The loop submits a job with two functions: run() executes on a worker thread and
 * touches only the job; done() executes later on the loop thread, after the worker
 * has woken the loop through an eventfd the loop watches like any socket. So results
 * are applied on the loop thread only, in the order the jobs finish.
 *
 * A job must not point at anything the loop may free meanwhile (a client can leave
 * while its job runs): it carries ids, and done() looks them up again. */
#ifndef CHAT_SERVER_WORKER_H
#define CHAT_SERVER_WORKER_H

#include <stdbool.h>
#include <stddef.h>

struct ev_loop;
struct worker;

/* Runs on a worker thread. */
typedef void worker_run_fn(void *job);

/* Runs on the loop thread once run() has finished, or with cancelled set (run() may
 * not have run) when the worker stops with the job still queued; either way it owns
 * and frees the job. */
typedef void worker_done_fn(void *job, bool cancelled);

/* Starts threads worker threads and watches their wake-up fd on loop. Returns NULL
 * with err filled when a thread or the eventfd cannot be made. */
struct worker *worker_start(struct ev_loop *loop, unsigned threads, char *err, size_t errlen);

/* Queues a job; never blocks. */
void worker_submit(struct worker *w, void *job, worker_run_fn *run, worker_done_fn *done);

/* Jobs submitted whose done() has not run yet. */
unsigned worker_pending(const struct worker *w);

/* Lets the running jobs finish, joins the threads, then calls done(job, true) for every
 * job whose result was not applied, unwatches and closes the wake-up fd. NULL is
 * ignored. */
void worker_stop(struct worker *w);

#endif
