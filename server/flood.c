/* Per-connection flood control. Every frame a client sends is charged to its budgets:
 * one message and its bytes for chat and control frames, its bytes (at least
 * SERVER_CHUNK_MIN_COST) to the much larger file budget for FILE_CHUNK. A client in debt
 * is throttled: the loop stops reading its socket, so TCP pushes back on the sender and
 * the server spends nothing on it, until the debt is paid off.
 *
 * Throttling is enough for an honest client that bursts. One that keeps sending faster
 * than the chat limits, throttled again each time it is released with more input
 * already waiting, is dropped with ERROR(RATE_LIMITED) after the grace period. The file
 * budget only shapes uploads: a fast uploader is slowed, never dropped; so does the
 * typing budget (TYPING_SET frames): a typing storm is read slowly, never dropped. */
#include <inttypes.h>

#include "server/client.h"
#include "server/conn.h"
#include "server/dispatch.h"
#include "server/guard.h"

/* True when c has sent more than it has been allowed to process yet: frames decoded but
 * not handled, or bytes in the socket (or the TLS layer) not read. */
static bool input_waiting(const struct client *c)
{
    return proto_decoder_pending(&c->decoder) > 0 || conn_input_waiting(c->conn);
}

/* Drops c for sending faster than its limits for longer than the grace period. */
static void flood_drop(struct client *c)
{
    const struct guard_config *cfg = &c->srv->cfg.guard;
    client_send_error(c, PROTO_E_RATE_LIMITED, 0, 0,
                      "Too many requests for too long: more than %g frames or %g bytes a "
                      "second for over %g seconds.", cfg->messages.per_sec,
                      cfg->bytes.per_sec, (double)cfg->flood_grace_ms / 1000.0);
    client_finish(c, "rate limited");
}

/* Keeps track of how long c has been over the chat limits with input waiting; past the
 * grace period it is dropped. Called each time c is throttled by a chat budget. */
static void flood_judge(struct client *c, int64_t now)
{
    struct client_guard *g = &c->guard;
    const struct guard_config *cfg = &c->srv->cfg.guard;
    if (!input_waiting(c)) {
        g->over_since_ms = 0; /* it used its burst up and stopped: nothing held against it */
        return;
    }
    if (g->over_since_ms == 0) {
        g->over_since_ms = now;
        client_log(c, LOG_INFO, "throttled: over %g frames or %g bytes a second",
                   cfg->messages.per_sec, cfg->bytes.per_sec);
    } else if (now - g->over_since_ms >= cfg->flood_grace_ms) {
        flood_drop(c);
    }
}

/* Stops reading from c until its budgets are out of debt. */
static void flood_throttle(struct client *c, int64_t now)
{
    struct client_guard *g = &c->guard;
    int64_t wait = MAX(bucket_debt_ms(&g->messages), bucket_debt_ms(&g->bytes));
    wait = MAX(wait, bucket_debt_ms(&g->file_bytes));
    wait = MAX(wait, bucket_debt_ms(&g->typing));
    g->throttled = true;
    g->release_ms = now + MAX(wait, SERVER_THROTTLE_MIN_MS);
    list_append_once(&c->srv->guard.throttled, &g->throttle_link);
    client_update_interest(c);
    if (bucket_in_debt(&g->messages) || bucket_in_debt(&g->bytes))
        flood_judge(c, now);
}

void flood_charge(struct client *c, uint16_t type, size_t frame_bytes, int64_t now)
{
    struct client_guard *g = &c->guard;
    if (!c->srv->cfg.guard.enabled)
        return;
    if (type == PROTO_FILE_CHUNK) {
        bucket_charge(&g->file_bytes, MAX((double)frame_bytes, SERVER_CHUNK_MIN_COST), now);
    } else if (type == PROTO_TYPING_SET) { /* never held against the chat limits */
        bucket_charge(&g->typing, 1.0, now);
    } else {
        bucket_charge(&g->messages, 1.0, now);
        bucket_charge(&g->bytes, (double)frame_bytes, now);
    }
    if (bucket_in_debt(&g->messages) || bucket_in_debt(&g->bytes) ||
        bucket_in_debt(&g->file_bytes) || bucket_in_debt(&g->typing))
        flood_throttle(c, now);
}

/* Lets c go on: the frames it already sent are handled (which may throttle it again),
 * then its socket is read once more. */
static void flood_release(struct client *c)
{
    struct client_guard *g = &c->guard;
    list_remove(&g->throttle_link);
    g->throttled = false;
    dispatch_input(c);
    if (c->state == CLIENT_CLOSING || g->throttled)
        return;
    if (!input_waiting(c))
        g->over_since_ms = 0; /* caught up: back under its limits */
    client_update_interest(c);
}

void flood_expire(struct server *srv, int64_t now)
{
    struct list_node due;
    list_init(&due);
    struct list_node *n = srv->guard.throttled.next;
    while (n != &srv->guard.throttled) {
        struct list_node *next = n->next;
        struct client_guard *g = list_entry(n, struct client_guard, throttle_link);
        if (g->release_ms <= now) {
            list_remove(n);
            list_append(&due, n);
        }
        n = next;
    }
    /* Released one at a time off a private list: handling one client's frames may
     * throttle it again (back onto srv's list) or end other clients. */
    while (!list_empty(&due)) {
        struct client_guard *g = list_entry(due.next, struct client_guard, throttle_link);
        flood_release(list_entry(g, struct client, guard));
    }
}

int64_t flood_next_deadline(const struct server *srv)
{
    int64_t next = INT64_MAX;
    for (const struct list_node *n = srv->guard.throttled.next; n != &srv->guard.throttled;
         n = n->next)
        next = MIN(next, list_entry(n, struct client_guard, throttle_link)->release_ms);
    return next;
}
