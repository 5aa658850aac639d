/* Admission of new connections: at most max_per_ip at once from one address, a rate of
 * new connections per address and one server-wide. An IPv6 peer is counted by its /64
 * (one subscriber's prefix: it has all of those addresses). Loopback peers are exempt
 * from the per-address limits unless asked (a local proxy or tunnel puts every user
 * behind 127.0.0.1); the server-wide rate applies to everyone.
 *
 * The address table holds an entry per address with a connection or with a rate budget
 * not yet refilled; a sweep once a second forgets the rest, so a storm from many
 * addresses costs memory only for as long as it lasts. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "server/client.h"
#include "server/guard.h"

struct admit_entry {
    uint32_t connections;
    struct bucket connects;
};

_Static_assert(ADMIT_KEY_MAX >= INET6_ADDRSTRLEN + 8, "room for a /64 prefix");

bool admit_key(const char *addr, char *key, size_t cap, bool *loopback)
{
    char host[INET6_ADDRSTRLEN + 1];
    const char *colon = strrchr(addr, ':');
    if (colon == NULL)
        return false;
    size_t len = (size_t)(colon - addr);
    if (len >= 2 && addr[0] == '[' && addr[len - 1] == ']') {
        addr++;
        len -= 2;
    }
    if (len == 0 || len >= sizeof host)
        return false;
    memcpy(host, addr, len);
    host[len] = '\0';

    struct in_addr v4;
    struct in6_addr v6;
    if (inet_pton(AF_INET6, host, &v6) == 1 && IN6_IS_ADDR_V4MAPPED(&v6))
        memcpy(&v4, &v6.s6_addr[12], sizeof v4);
    else if (inet_pton(AF_INET6, host, &v6) == 1) {
        *loopback = IN6_IS_ADDR_LOOPBACK(&v6);
        memset(&v6.s6_addr[8], 0, 8);
        char prefix[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &v6, prefix, sizeof prefix);
        snprintf(key, cap, "%s/64", prefix);
        return true;
    } else if (inet_pton(AF_INET, host, &v4) != 1)
        return false;
    *loopback = (ntohl(v4.s_addr) >> 24) == 127;
    inet_ntop(AF_INET, &v4, key, (socklen_t)cap);
    return true;
}

/* The entry for key, created (with a full rate budget) if missing. */
static struct admit_entry *admit_entry_get(struct server *srv, const char *key, int64_t now)
{
    struct admit_entry *e = g_hash_table_lookup(srv->guard.by_ip, key);
    if (e == NULL) {
        e = g_new0(struct admit_entry, 1);
        bucket_init(&e->connects, &srv->cfg.guard.ip_connects, now);
        g_hash_table_insert(srv->guard.by_ip, g_strdup(key), e);
    }
    return e;
}

static void refuse(struct refusal *out, uint16_t code, const char *message, const char *why)
{
    out->code = code;
    out->message = message;
    g_strlcpy(out->why, why, sizeof out->why);
}

bool admit_check(struct server *srv, const char *addr, int64_t now, struct refusal *out)
{
    const struct guard_config *cfg = &srv->cfg.guard;
    if (!cfg->enabled)
        return true;
    char key[ADMIT_KEY_MAX];
    bool loopback = false;
    if (admit_key(addr, key, sizeof key, &loopback) && (!loopback || cfg->limit_loopback)) {
        struct admit_entry *e = admit_entry_get(srv, key, now);
        if (!bucket_take(&e->connects, 1.0, now)) {
            refuse(out, PROTO_E_RATE_LIMITED, "Too many new connections from your address; "
                   "wait a few seconds before trying again.", "connecting too often");
            return false;
        }
        if (e->connections >= cfg->max_per_ip) {
            refuse(out, PROTO_E_SERVER_FULL, "Too many connections from your address.", "");
            snprintf(out->why, sizeof out->why, "%u connections from this address",
                     (unsigned)e->connections);
            return false;
        }
    }
    if (!bucket_take(&srv->guard.connects, 1.0, now)) {
        refuse(out, PROTO_E_RATE_LIMITED, "The server is taking too many new connections; "
               "try again shortly.", "server-wide connection rate");
        return false;
    }
    return true;
}

/* The entry c is counted in, or NULL when it is exempt. */
static struct admit_entry *admit_entry_of(const struct client *c)
{
    char key[ADMIT_KEY_MAX];
    bool loopback = false;
    if (!admit_key(c->addr, key, sizeof key, &loopback))
        return NULL;
    return g_hash_table_lookup(c->srv->guard.by_ip, key);
}

void admit_add(struct client *c, int64_t now)
{
    const struct guard_config *cfg = &c->srv->cfg.guard;
    char key[ADMIT_KEY_MAX];
    bool loopback = false;
    if (!cfg->enabled || !admit_key(c->addr, key, sizeof key, &loopback) ||
        (loopback && !cfg->limit_loopback))
        return;
    admit_entry_get(c->srv, key, now)->connections++;
    c->guard.ip_counted = true;
}

void admit_remove(struct client *c)
{
    if (!c->guard.ip_counted)
        return;
    struct admit_entry *e = admit_entry_of(c);
    if (e != NULL && e->connections > 0)
        e->connections--;
    c->guard.ip_counted = false;
}

/* The " (N more not logged)" note for the next refusal line, or "". */
static const char *unlogged_note(struct server *srv, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (srv->guard.refusals_unlogged > 0)
        snprintf(buf, cap, " (and %" PRIu32 " more refusals not logged)",
                 srv->guard.refusals_unlogged);
    srv->guard.refusals_unlogged = 0;
    return buf;
}

void admit_log_refusal(struct server *srv, uint32_t conn, const char *addr, const char *why,
                       int64_t now)
{
    if (!bucket_take(&srv->guard.refusal_logs, 1.0, now)) {
        srv->guard.refusals_unlogged++;
        return;
    }
    char note[64];
    log_event(LOG_WARN, conn, addr, NULL, "refused (%s)%s", why,
              unlogged_note(srv, note, sizeof note));
}

/* Sweep: an entry with no connection whose budget is full says nothing anymore. */
static gboolean entry_forgettable(gpointer key, gpointer value, gpointer now)
{
    (void)key;
    const struct admit_entry *e = value;
    return e->connections == 0 && bucket_full(&e->connects, *(const int64_t *)now);
}

void admit_expire(struct server *srv, int64_t now)
{
    if (now < srv->guard.next_sweep_ms)
        return;
    srv->guard.next_sweep_ms = now + SERVER_ADMIT_SWEEP_MS;
    g_hash_table_foreach_remove(srv->guard.by_ip, entry_forgettable, &now);
    if (srv->guard.refusals_unlogged > 0 && bucket_take(&srv->guard.refusal_logs, 1.0, now)) {
        char note[64];
        log_event(LOG_WARN, 0, NULL, NULL, "refusals continue%s",
                  unlogged_note(srv, note, sizeof note));
    }
}

void admit_free(struct server *srv)
{
    if (srv->guard.by_ip != NULL)
        g_hash_table_destroy(srv->guard.by_ip);
    srv->guard.by_ip = NULL;
}
