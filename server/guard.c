/* Where the defences meet the client and server lifecycles, and the cap on the log lines
 * one connection can cause. */
#include "server/guard.h"

#include <inttypes.h>

#include "server/client.h"
#include "server/limits.h"

/* Budgets for what the server itself writes to the log on a peer's behalf. */
static const struct rate_limit error_log_limit = {
    .per_sec = SERVER_ERROR_LOGS_RATE, .burst = SERVER_ERROR_LOGS_BURST,
};
static const struct rate_limit typing_limit = {
    .per_sec = SERVER_TYPING_RATE, .burst = SERVER_TYPING_BURST,
};
/* How often a connection may change its presence state (PRESENCE_SET). */
static const struct rate_limit presence_set_limit = {
    .per_sec = SERVER_PRESENCE_SETS_RATE, .burst = SERVER_PRESENCE_SETS_BURST,
};
static const struct rate_limit refusal_log_limit = {
    .per_sec = SERVER_REFUSAL_LOGS_RATE, .burst = SERVER_REFUSAL_LOGS_BURST,
};

void guard_init(struct server *srv, int64_t now)
{
    struct server_guard *g = &srv->guard;
    list_init(&g->throttled);
    list_init(&g->quiet);
    list_init(&g->pinged);
    g->by_ip = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    bucket_init(&g->connects, &srv->cfg.guard.connects, now);
    bucket_init(&g->refusal_logs, &refusal_log_limit, now);
    g->next_sweep_ms = now + SERVER_ADMIT_SWEEP_MS;
}

void guard_log_config(const struct guard_config *cfg)
{
    if (!cfg->enabled) {
        log_event(LOG_WARN, 0, NULL, NULL, "limits off (--no-limits): no rate limits, no "
                  "per-address caps; for benchmarks only");
        return;
    }
    log_event(LOG_INFO, 0, NULL, NULL, "limits messages=%g:%g bytes=%g:%g files=%g:%g "
              "flood_grace=%gs max_per_ip=%u ip_connects=%g:%g connects=%g:%g "
              "loopback_limited=%s idle=%gs pong=%gs",
              cfg->messages.per_sec, cfg->messages.burst, cfg->bytes.per_sec, cfg->bytes.burst,
              cfg->file_bytes.per_sec, cfg->file_bytes.burst, cfg->flood_grace_ms / 1000.0,
              (unsigned)cfg->max_per_ip, cfg->ip_connects.per_sec, cfg->ip_connects.burst,
              cfg->connects.per_sec, cfg->connects.burst, cfg->limit_loopback ? "yes" : "no",
              cfg->idle_ms / 1000.0, cfg->pong_ms / 1000.0);
}

void guard_free(struct server *srv)
{
    admit_free(srv);
}

void guard_client_init(struct client *c, int64_t now)
{
    struct client_guard *g = &c->guard;
    const struct guard_config *cfg = &c->srv->cfg.guard;
    bucket_init(&g->messages, &cfg->messages, now);
    bucket_init(&g->bytes, &cfg->bytes, now);
    bucket_init(&g->file_bytes, &cfg->file_bytes, now);
    bucket_init(&g->typing, &typing_limit, now);
    bucket_init(&g->error_logs, &error_log_limit, now);
    bucket_init(&g->presence_sets, &presence_set_limit, now);
    list_init(&g->throttle_link);
    list_init(&g->idle_link);
    idle_touch(c, now);
    admit_add(c, now);
}

void guard_client_leave(struct client *c)
{
    struct client_guard *g = &c->guard;
    list_remove(&g->throttle_link);
    list_remove(&g->idle_link);
    g->throttled = false;
    if (g->errors_unlogged > 0)
        client_log(c, LOG_INFO, "%" PRIu32 " more error lines for this connection were not "
                   "logged", g->errors_unlogged);
    g->errors_unlogged = 0;
}

void guard_client_close(struct client *c)
{
    admit_remove(c);
}

void guard_on_frame(struct client *c, uint16_t type, size_t frame_bytes, int64_t now)
{
    if (c->state == CLIENT_CLOSING)
        return;
    idle_touch(c, now);
    flood_charge(c, type, frame_bytes, now);
}

void guard_expire(struct server *srv, int64_t now)
{
    flood_expire(srv, now);
    idle_expire(srv, now);
    admit_expire(srv, now);
}

int64_t guard_next_deadline(const struct server *srv)
{
    int64_t next = MIN(flood_next_deadline(srv), idle_next_deadline(srv));
    if (g_hash_table_size(srv->guard.by_ip) > 0 || srv->guard.refusals_unlogged > 0)
        next = MIN(next, srv->guard.next_sweep_ms);
    return next;
}

bool guard_error_log_allowed(struct client *c, int64_t now)
{
    if (bucket_take(&c->guard.error_logs, 1.0, now))
        return true;
    c->guard.errors_unlogged++;
    return false;
}
