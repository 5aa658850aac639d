/* The idle check: a connection that sends no frame for the idle timeout gets a PING;
 * one that then stays silent for the pong timeout is dropped with ERROR(TIMEOUT). A
 * peer that vanished without a FIN (a cable pulled, a process stopped) is found this
 * way instead of holding its slot forever; any frame, the PONG included, counts.
 *
 * Every client uses the same two intervals, so each list is in deadline order simply
 * by appending: activity moves a client to the tail of `quiet`, a PING to the tail of
 * `pinged`, and only the heads are ever looked at. */
#include "server/client.h"
#include "server/clock.h"
#include "server/guard.h"

void idle_touch(struct client *c, int64_t now)
{
    struct client_guard *g = &c->guard;
    g->ping_sent = false;
    g->idle_deadline_ms = now + c->srv->cfg.guard.idle_ms;
    list_remove(&g->idle_link);
    list_append(&c->srv->guard.quiet, &g->idle_link);
}

/* Asks a quiet client whether it is still there. */
static void idle_ping(struct client *c, int64_t now)
{
    struct client_guard *g = &c->guard;
    struct proto_msg ping = { .type = PROTO_PING, .u.token = clock_wall_ms() };
    client_send_msg(c, &ping);
    g->ping_sent = true;
    g->idle_deadline_ms = now + c->srv->cfg.guard.pong_ms;
    list_remove(&g->idle_link);
    list_append(&c->srv->guard.pinged, &g->idle_link);
    client_log(c, LOG_DEBUG, "idle: ping sent");
}

static struct client *head_due(struct list_node *list, int64_t now)
{
    if (list_empty(list))
        return NULL;
    struct client_guard *g = list_entry(list->next, struct client_guard, idle_link);
    return g->idle_deadline_ms <= now ? list_entry(g, struct client, guard) : NULL;
}

void idle_expire(struct server *srv, int64_t now)
{
    const struct guard_config *cfg = &srv->cfg.guard;
    struct client *c;
    while ((c = head_due(&srv->guard.quiet, now)) != NULL) {
        if (c->guard.throttled)
            idle_touch(c, now); /* silent because the server is not reading it */
        else
            idle_ping(c, now);
    }
    while ((c = head_due(&srv->guard.pinged, now)) != NULL) {
        client_send_error(c, PROTO_E_TIMEOUT, 0, 0,
                          "Nothing received for %g seconds, not even an answer to PING.",
                          (double)(cfg->idle_ms + cfg->pong_ms) / 1000.0);
        client_finish(c, "idle timeout"); /* leaving takes it off the list */
    }
}

int64_t idle_next_deadline(const struct server *srv)
{
    int64_t next = INT64_MAX;
    const struct list_node *lists[] = { &srv->guard.quiet, &srv->guard.pinged };
    for (size_t i = 0; i < G_N_ELEMENTS(lists); i++)
        if (!list_empty(lists[i]))
            next = MIN(next, list_entry(lists[i]->next, struct client_guard,
                                        idle_link)->idle_deadline_ms);
    return next;
}
