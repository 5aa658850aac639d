/* cluster-link-probe: drives server/cluster_link.c on the server's own event loop
 * against a real redis-server, for tests/integration/test_cluster_link.py.
 *
 *   cluster-link-probe redis://IP:PORT STREAM
 *
 * Two links, as a node has: "writer" appends, "reader" reads the stream back with a
 * blocking XREAD from the last id it printed (never "$"). Each stdin line "add TEXT"
 * appends TEXT and prints one of
 *   added ID        Redis took it
 *   refused TEXT    the writer was down: nothing was sent
 *   lost TEXT       sent, but no reply came (it may or may not be in the stream)
 *   error MESSAGE   Redis refused the command
 * and every entry read back prints "read ID TEXT". Link changes print "up NAME" and
 * "down NAME: WHY". End of stdin exits 0. */
#include <errno.h>
#include <glib.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/clock.h"
#include "server/cluster_link.h"
#include "server/ev.h"

#define PROBE_MAXLEN "100000"
#define PROBE_BLOCK_MS 500
#define PROBE_READ_COUNT "100"

struct probe {
    struct ev_loop *loop;
    struct cluster_link *writer, *reader;
    const char *stream;
    char last_id[64];          /* the last entry read back */
    bool reading;              /* an XREAD is waiting for its reply */
    GString *input;            /* stdin bytes not yet a whole line */
    bool done;
};

static void probe_on_state(void *data, bool up, const char *why)
{
    const char *name = data;
    if (up)
        printf("up %s\n", name);
    else
        printf("down %s: %s\n", name, why);
}

struct add {
    char *text;
};

static void probe_on_added(void *data, const struct redisReply *reply)
{
    struct add *add = data;
    if (reply == NULL)
        printf("lost %s\n", add->text);
    else if (reply->type == REDIS_REPLY_STRING)
        printf("added %s\n", reply->str);
    else
        printf("error %s\n", reply->type == REDIS_REPLY_ERROR ? reply->str : "unexpected reply");
    g_free(add->text);
    g_free(add);
}

static void probe_add(struct probe *p, const char *text)
{
    const char *argv[] = { "XADD", p->stream, "MAXLEN", "~", PROBE_MAXLEN, "*", "t", text };
    size_t lens[G_N_ELEMENTS(argv)];
    for (size_t i = 0; i < G_N_ELEMENTS(argv); i++)
        lens[i] = strlen(argv[i]);
    struct add *add = g_new(struct add, 1);
    add->text = g_strdup(text);
    if (!cluster_link_command(p->writer, (int)G_N_ELEMENTS(argv), argv, lens, 1000,
                              probe_on_added, add)) {
        printf("refused %s\n", text);
        g_free(add->text);
        g_free(add);
    }
}

/* Prints the entries of an XREAD reply: [[stream, [[id, [field, value...]]...]]]. */
static void probe_print_entries(struct probe *p, const struct redisReply *reply)
{
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 1)
        return; /* nil: the block time passed with nothing new */
    const struct redisReply *s = reply->element[0];
    if (s->type != REDIS_REPLY_ARRAY || s->elements != 2 ||
        s->element[1]->type != REDIS_REPLY_ARRAY)
        return;
    const struct redisReply *entries = s->element[1];
    for (size_t i = 0; i < entries->elements; i++) {
        const struct redisReply *e = entries->element[i];
        if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
            e->element[0]->type != REDIS_REPLY_STRING || e->element[0]->len >= sizeof p->last_id)
            continue;
        const struct redisReply *fields = e->element[1];
        const char *text = fields->type == REDIS_REPLY_ARRAY && fields->elements == 2
            ? fields->element[1]->str : "";
        printf("read %s %s\n", e->element[0]->str, text);
        memcpy(p->last_id, e->element[0]->str, e->element[0]->len + 1);
    }
}

static void probe_read(struct probe *p);

static void probe_on_read(void *data, const struct redisReply *reply)
{
    struct probe *p = data;
    p->reading = false;
    if (reply != NULL)
        probe_print_entries(p, reply);
    if (reply != NULL && reply->type == REDIS_REPLY_ERROR)
        printf("error %s\n", reply->str);
}

static void probe_read(struct probe *p)
{
    if (p->reading || !cluster_link_up(p->reader))
        return;
    char block[16];
    snprintf(block, sizeof block, "%d", PROBE_BLOCK_MS);
    const char *argv[] = { "XREAD", "COUNT", PROBE_READ_COUNT, "BLOCK", block, "STREAMS",
                           p->stream, p->last_id };
    size_t lens[G_N_ELEMENTS(argv)];
    for (size_t i = 0; i < G_N_ELEMENTS(argv); i++)
        lens[i] = strlen(argv[i]);
    p->reading = cluster_link_command(p->reader, (int)G_N_ELEMENTS(argv), argv, lens,
                                      PROBE_BLOCK_MS + 1000, probe_on_read, p);
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
        if (strncmp(p->input->str, "add ", 4) == 0)
            probe_add(p, p->input->str + 4);
        g_string_erase(p->input, 0, nl - p->input->str + 1);
    }
}

static int probe_timeout(const struct probe *p)
{
    int64_t now = clock_mono_ms();
    int a = cluster_link_timeout(p->writer, now), b = cluster_link_timeout(p->reader, now);
    return a < 0 ? b : b < 0 ? a : MIN(a, b);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: cluster-link-probe redis://IP:PORT STREAM\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct cluster_addr addr;
    char err[256];
    if (!cluster_addr_parse(argv[1], &addr, err, sizeof err)) {
        fprintf(stderr, "cluster-link-probe: %s\n", err);
        return 2;
    }
    struct probe p = { .stream = argv[2], .last_id = "0-0", .input = g_string_new(NULL) };
    p.loop = ev_create("select", 1024);
    if (p.loop == NULL || ev_watch(p.loop, STDIN_FILENO, EV_READ, probe_on_stdin, &p) != EV_OK)
        return 1;
    p.writer = cluster_link_new(p.loop, &addr, "writer", probe_on_state, "writer");
    p.reader = cluster_link_new(p.loop, &addr, "reader", probe_on_state, "reader");
    while (!p.done) {
        probe_read(&p);
        if (ev_process(p.loop, probe_timeout(&p), NULL) < 0 && errno != EINTR)
            return 1;
        int64_t now = clock_mono_ms();
        cluster_link_tick(p.writer, now);
        cluster_link_tick(p.reader, now);
    }
    cluster_link_free(p.writer);
    cluster_link_free(p.reader);
    ev_destroy(p.loop);
    g_string_free(p.input, TRUE);
    return 0;
}
