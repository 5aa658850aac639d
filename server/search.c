/* SEARCH (search.h): the query checked on the loop, run on the search thread against
 * a read-only connection of its own (so it sees only what is committed, and the loop
 * goes on meanwhile), and each hit sent as a SEARCH_RESULT with its snippet cut to the
 * wire's cap. */
#include "server/search.h"

#include <inttypes.h>
#include <time.h>

#include "common/validate.h"
#include "server/client.h"
#include "server/clock.h"
#include "server/limits.h"
#include "server/rooms.h"
#include "server/server.h"
#include "server/store/store_search.h"
#include "server/worker.h"

void search_refuse_long(struct client *c, uint64_t request_id)
{
    client_send_error(c, PROTO_E_SEARCH_INVALID, PROTO_SEARCH, request_id,
                      "The search is longer than %u bytes.", PROTO_MAX_SEARCH_QUERY);
}

/* The query's problem as an answer, or false if it is fine. */
static bool search_refused(struct client *c, const struct proto_search *s)
{
    const char *why = NULL;
    unsigned words = 0;
    if (s->limit == 0)
        why = "A search needs a limit of at least 1.";
    else if (!text_check(s->query.ptr, s->query.len, PROTO_MAX_SEARCH_QUERY))
        why = "The search is empty, only blank, or contains control characters.";
    else if ((words = store_search_words(s->query.ptr, s->query.len)) == 0)
        why = "The search has no word to look for (letters or digits).";
    else if (words > SERVER_SEARCH_MAX_WORDS)
        why = "The search has too many words.";
    if (why != NULL)
        client_send_error(c, PROTO_E_SEARCH_INVALID, PROTO_SEARCH, s->request_id, "%s", why);
    return why != NULL;
}

/* Length of the longest prefix of s (NUL-terminated, valid UTF-8) within max bytes
 * that ends on a character boundary. */
static size_t utf8_prefix(const char *s, size_t max)
{
    size_t len = strlen(s);
    if (len <= max)
        return len;
    const char *end = g_utf8_find_prev_char(s, s + max + 1);
    return end != NULL ? (size_t)(end - s) : 0;
}

static void send_hit(struct client *c, uint64_t request_id, const struct store_search_hit *h)
{
    struct proto_msg m = { .type = PROTO_SEARCH_RESULT, .u.search_result = {
        .request_id = request_id, .message_id = h->message_id,
        .time_ms = (uint64_t)h->time_ms, .room_id = h->room_id,
        .sender = proto_str_of(h->sender_name),
        .snippet = { h->snippet, (uint16_t)utf8_prefix(h->snippet, PROTO_MAX_SNIPPET) },
    } };
    if (m.u.search_result.sender.len > PROTO_MAX_NAME_BYTES) { /* not a row this server wrote */
        client_log(c, LOG_ERROR, "stored message %" PRIu64 " has a sender name too long",
                   h->message_id);
        return;
    }
    client_send_msg(c, &m);
}

/* CPU time of the loop thread, in milliseconds. */
static double thread_cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* False after answering SEARCH_BUSY when c's searches have used their CPU share. */
static bool search_budget_left(struct client *c, uint64_t request_id, int64_t now)
{
    static const struct rate_limit share = { SERVER_SEARCH_CPU_MS_PER_SEC,
                                             SERVER_SEARCH_CPU_BURST_MS };
    if (c->search_budget == NULL) {
        c->search_budget = g_new(struct bucket, 1);
        bucket_init(c->search_budget, &share, now);
    }
    if (!c->srv->cfg.guard.enabled)
        return true; /* --no-limits */
    if (bucket_take(c->search_budget, 0, now))
        return true;
    int64_t wait_s = (bucket_debt_ms(c->search_budget) + 999) / 1000;
    client_send_error(c, PROTO_E_SEARCH_BUSY, PROTO_SEARCH, request_id,
                      "Too many searches: wait %" PRId64 " s before the next.", wait_s);
    return false;
}

/* One SEARCH on its way through the search thread. It names its client by fd and
 * connection id (the client may leave meanwhile) and owns its copy of the query. */
struct search_job {
    struct server *srv;
    int fd;
    uint32_t conn_id;
    uint64_t request_id;
    int64_t requested_ms;      /* monotonic: when the share was checked */
    struct store *reader;
    struct store_search_query q;
    int found;                 /* hits filled, or STORE_ERROR (error says why) */
    double cpu_ms;             /* the search thread's CPU time for it */
    char error[256];
    struct store_search_hit hits[SERVER_SEARCH_MAX_RESULTS];
};

/* On the search thread (or the loop, without one): the search, in one read snapshot. */
static void search_job_run(void *data)
{
    struct search_job *job = data;
    double cpu = thread_cpu_ms();
    store_read_begin(job->reader);
    job->found = store_search(job->reader, &job->q, job->hits);
    if (job->found < 0)
        g_strlcpy(job->error, store_error(job->reader), sizeof job->error);
    store_read_end(job->reader);
    job->cpu_ms = thread_cpu_ms() - cpu;
}

/* The answer to job's client, if it is still there: its hits and DONE, or STORAGE. */
static void search_answer(struct client *c, const struct search_job *job)
{
    bucket_charge(c->search_budget, job->cpu_ms, job->requested_ms);
    if (job->found < 0) {
        client_log(c, LOG_ERROR, "cannot search: %s", job->error);
        client_send_error(c, PROTO_E_STORAGE, PROTO_SEARCH, job->request_id,
                          "The server could not search; try again.");
        return;
    }
    for (int i = 0; i < job->found; i++)
        send_hit(c, job->request_id, &job->hits[i]);
    struct proto_msg done = { .type = PROTO_DONE, .u.done = { job->request_id, PROTO_SEARCH } };
    client_send_msg(c, &done);
    client_log(c, LOG_DEBUG, "search room=%u words=%u results=%d cpu_ms=%.3f",
               (unsigned)job->q.room_id, store_search_words(job->q.text, job->q.text_len),
               job->found, job->cpu_ms);
}

/* On the loop: answers the client (unless it left or the server stops) and lets its
 * next frames be read again. */
static void search_job_done(void *data, bool cancelled)
{
    struct search_job *job = data;
    struct server *srv = job->srv;
    struct client *c = job->fd < srv->by_fd_size ? srv->by_fd[job->fd] : NULL;
    if (!cancelled && c != NULL && c->id == job->conn_id && c->search_running) {
        c->search_running = false;
        if (c->state != CLIENT_CLOSING) {
            search_answer(c, job);
            list_append_once(&srv->backlog, &c->backlog_link);
        }
    }
    if (job->found > 0)
        store_search_hits_clear(job->hits, (unsigned)job->found);
    g_free((char *)job->q.text);
    g_free(job);
}

void search_on_request(struct client *c, const struct proto_msg *msg)
{
    const struct proto_search *s = &msg->u.search;
    int64_t now = clock_mono_ms();
    if (search_refused(c, s) || !search_budget_left(c, s->request_id, now))
        return;
    if (s->room_id != PROTO_SEARCH_ALL_ROOMS &&
        rooms_for_request(c, s->room_id, PROTO_SEARCH, s->request_id) == NULL)
        return;
    struct server *srv = c->srv;
    struct search_job *job = g_new0(struct search_job, 1);
    *job = (struct search_job){
        .srv = srv, .fd = c->fd, .conn_id = c->id, .request_id = s->request_id,
        .requested_ms = now, .reader = srv->search_reader ? srv->search_reader : srv->store,
        .q = {
            .text = g_strndup(s->query.ptr, s->query.len), .text_len = s->query.len,
            .account_id = c->account_id, .room_id = s->room_id,
            .limit = MIN((unsigned)s->limit, SERVER_SEARCH_MAX_RESULTS),
            .window = SERVER_SEARCH_WINDOW, .budget_ms = SERVER_SEARCH_BUDGET_MS,
            .snippet_tokens = SERVER_SEARCH_SNIPPET_WORDS,
        },
    };
    c->search_running = true; /* its next frames wait for the answer (dispatch.c) */
    if (srv->search_worker != NULL) {
        worker_submit(srv->search_worker, job, search_job_run, search_job_done);
    } else { /* an in-memory store: only the loop's connection sees it */
        search_job_run(job);
        search_job_done(job, false);
    }
}

bool search_must_wait(struct client *c, uint16_t next_type, bool frames_before)
{
    if (c->search_running)
        return true; /* search_job_done() puts it back on the backlog */
    if (next_type != PROTO_SEARCH || !frames_before || c->srv->search_worker == NULL ||
        !store_pass_dirty(c->srv->store))
        return false;
    list_append_once(&c->srv->backlog, &c->backlog_link); /* read after the commit */
    return true;
}

bool search_start(struct server *srv, char *err, size_t errlen)
{
    if (store_open_reader(srv->cfg.data_dir, &srv->search_reader, err, errlen) != STORE_OK)
        return false;
    if (srv->search_reader == NULL)
        return true;
    srv->search_worker = worker_start(srv->loop, SERVER_SEARCH_THREADS, err, errlen);
    return srv->search_worker != NULL;
}

void search_stop(struct server *srv)
{
    worker_stop(srv->search_worker); /* answers nobody: the clients are going */
    store_close(srv->search_reader);
    srv->search_worker = NULL;
    srv->search_reader = NULL;
}
