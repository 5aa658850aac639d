/* cluster-log-probe: drives server/cluster_log.c (and under it cluster_link.c) on the
 * server's own event loop against a real redis-server, as one node would, for
 * tests/integration/test_cluster_log.py.
 *
 *   cluster-log-probe redis://IP:PORT STREAM NODE [LAST_ID]
 *
 * Reads on after LAST_ID (default 0-0). Each stdin line "add R TEXT" appends TEXT as
 * request R; it prints "refused R" when the log is down (nothing sent). What the log
 * reports is printed as one line each:
 *   up | down WHY | refuse WHY
 *   apply ID NODE R TEXT      an entry, in stream order
 *   skipped ID WHY            a malformed entry
 *   failed R maybe|no         an append without an answer / refused by Redis
 * End of stdin exits 0. */
#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/clock.h"
#include "server/cluster_link.h"
#include "server/cluster_log.h"
#include "server/ev.h"
#include "server/limits.h"

struct probe {
    struct ev_loop *loop;
    struct cluster_log *log;
    GString *input;            /* stdin bytes not yet a whole line */
    bool done;
};

static void on_state(void *data, bool up, const char *why)
{
    (void)data;
    if (up)
        printf("up\n");
    else
        printf("down %s\n", why);
}

static void on_refuse(void *data, const char *why)
{
    (void)data;
    printf("refuse %s\n", why);
}

static void on_apply(void *data, const struct cluster_entry *e)
{
    (void)data;
    printf("apply %" PRIu64 "-%" PRIu64 " %u %" PRIu64 " %.*s\n", e->id.ms, e->id.seq,
           (unsigned)e->node, e->request, (int)e->event_len, (const char *)e->event);
}

static void on_skipped(void *data, struct cluster_id id, const char *why)
{
    (void)data;
    printf("skipped %" PRIu64 "-%" PRIu64 " %s\n", id.ms, id.seq, why);
}

static void on_append_failed(void *data, uint64_t request, bool maybe_added)
{
    (void)data;
    printf("failed %" PRIu64 " %s\n", request, maybe_added ? "maybe" : "no");
}

static const struct cluster_log_ops probe_ops = {
    on_state, on_refuse, on_apply, on_skipped, on_append_failed,
};

/* "add R TEXT": appends TEXT as request R. */
static void probe_line(struct probe *p, const char *line)
{
    char *end;
    if (strncmp(line, "add ", 4) != 0)
        return;
    uint64_t request = g_ascii_strtoull(line + 4, &end, 10);
    if (*end != ' ')
        return;
    if (!cluster_log_append(p->log, request, end + 1, strlen(end + 1)))
        printf("refused %" PRIu64 "\n", request);
}

static void probe_on_stdin(int fd, int mask, void *data)
{
    struct probe *p = data;
    (void)mask;
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        ev_unwatch(p->loop, fd);
        p->done = true;
        return;
    }
    g_string_append_len(p->input, buf, n);
    char *nl;
    while ((nl = memchr(p->input->str, '\n', p->input->len)) != NULL) {
        *nl = '\0';
        probe_line(p, p->input->str);
        g_string_erase(p->input, 0, nl - p->input->str + 1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: cluster-log-probe redis://IP:PORT STREAM NODE [LAST_ID]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct cluster_addr addr;
    char err[256];
    struct cluster_id last = { 0, 0 };
    long node = strtol(argv[3], NULL, 10);
    if (!cluster_addr_parse(argv[1], &addr, err, sizeof err) || node < 1 ||
        node > (long)CLUSTER_MAX_NODE_ID ||
        (argc == 5 && !cluster_id_parse(argv[4], strlen(argv[4]), &last))) {
        fprintf(stderr, "cluster-log-probe: bad address, node id or last id\n");
        return 2;
    }
    struct probe p = { .input = g_string_new(NULL) };
    p.loop = ev_create("select", 1024);
    if (p.loop == NULL || ev_watch(p.loop, STDIN_FILENO, EV_READ, probe_on_stdin, &p) != EV_OK)
        return 1;
    p.log = cluster_log_new(p.loop, &addr, argv[2], (uint32_t)node, last, &probe_ops, &p);
    while (!p.done) {
        int timeout = cluster_log_timeout(p.log, clock_mono_ms());
        if (ev_process(p.loop, timeout, NULL) < 0 && errno != EINTR)
            return 1;
        cluster_log_tick(p.log, clock_mono_ms());
    }
    cluster_log_free(p.log);
    ev_destroy(p.loop);
    g_string_free(p.input, TRUE);
    return 0;
}
