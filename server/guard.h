/* Defences against hostile peers, in three parts that share this header:
 *   flood.c  per-connection rate limits: a client over its budget is throttled (the loop
 *            stops reading its socket until the budget refills) and, if it keeps
 *            sending faster than allowed for longer than a grace period, dropped with
 *            ERROR(RATE_LIMITED);
 *   idle.c   a connection silent for the idle timeout gets a PING and is dropped with
 *            ERROR(TIMEOUT) if nothing arrives within the pong timeout;
 *   admit.c  new connections: per-address count and rate, server-wide rate, and a log
 *            that a connection storm cannot flood.
 * guard.c ties them to the client and server lifecycles. Every default and its reason
 * is in limits.h; docs/SECURITY.md has the threat model. */
#ifndef CHAT_SERVER_GUARD_H
#define CHAT_SERVER_GUARD_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/bucket.h"
#include "server/list.h"

struct client;
struct server;

struct guard_config {
    bool enabled;                   /* false with --no-limits: no rate limits and no
                                       per-address caps */
    bool limit_loopback;            /* apply the per-address limits to loopback peers too */
    struct rate_limit messages;     /* frames other than FILE_CHUNK, per connection */
    struct rate_limit bytes;        /* bytes of those frames, per connection */
    struct rate_limit file_bytes;   /* bytes of FILE_CHUNK frames, per connection */
    struct rate_limit connects;     /* new connections, server-wide */
    struct rate_limit ip_connects;  /* new connections, per address */
    uint32_t max_per_ip;            /* connections at once per address */
    int64_t flood_grace_ms;         /* over the chat limits this long: dropped */
    int64_t idle_ms;                /* silence before a PING */
    int64_t pong_ms;                /* silence after the PING before the drop */
};

/* Per connection, embedded in struct client. */
struct client_guard {
    struct bucket messages, bytes, file_bytes;
    struct bucket typing;           /* TYPING_SET frames: their own budget (limits.h) */
    int64_t release_ms;             /* while throttled: when reading resumes */
    int64_t over_since_ms;          /* 0, or when it began exceeding the chat limits with
                                       more input still waiting */
    struct list_node throttle_link; /* srv->guard.throttled while throttled */
    int64_t idle_deadline_ms;
    struct list_node idle_link;     /* srv->guard.quiet, or srv->guard.pinged */
    struct bucket error_logs;       /* "error sent" log lines this connection may write */
    struct bucket presence_sets;    /* PRESENCE_SET changes (SERVER_PRESENCE_SETS_*) */
    uint32_t errors_unlogged;       /* lines suppressed; summed up when it leaves */
    bool throttled;                 /* reading paused until release_ms */
    bool ping_sent;                 /* idle: a PING is out, waiting for any frame */
    bool ip_counted;                /* counted against its address's connections */
};

/* Per server, embedded in struct server. */
struct server_guard {
    struct list_node throttled;     /* throttled clients, unordered (release times vary) */
    struct list_node quiet;         /* clients by last frame, oldest first */
    struct list_node pinged;        /* clients sent an idle PING, oldest first */
    GHashTable *by_ip;              /* address key -> struct admit_entry */
    struct bucket connects;         /* server-wide new connections */
    struct bucket refusal_logs;     /* "refused" log lines the server may write */
    uint32_t refusals_unlogged;
    int64_t next_sweep_ms;          /* when admit.c next forgets idle addresses */
};

/* ---- guard.c: lifecycle ---- */

/* Prepares the server's guard state; must run before anything can fail in start-up so
 * that guard_free() is always safe. */
void guard_init(struct server *srv, int64_t now);

/* Logs the limits in force (or that they are off). */
void guard_log_config(const struct guard_config *cfg);

/* Releases the server's guard state. */
void guard_free(struct server *srv);

/* Sets up a new connection's budgets and idle timer and counts it against its address. */
void guard_client_init(struct client *c, int64_t now);

/* The client stopped being part of the chat: off the throttle and idle lists (reading
 * resumes, so a closing client's input is drained) and any suppressed log lines summed
 * up in one line. */
void guard_client_leave(struct client *c);

/* The connection is closed: its address's count drops. */
void guard_client_close(struct client *c);

/* Accounts one frame the client sent (frame_bytes with its header): it counts as
 * activity for the idle check and is charged to the client's budgets. */
void guard_on_frame(struct client *c, uint16_t type, size_t frame_bytes, int64_t now);

/* Runs everything whose time has come: throttled clients are released, idle ones pinged
 * or dropped, forgotten addresses swept. */
void guard_expire(struct server *srv, int64_t now);

/* The nearest time guard_expire() has work, or INT64_MAX. */
int64_t guard_next_deadline(const struct server *srv);

/* Whether an "error sent" line may be logged for c now; when not, it is counted and the
 * count logged when c leaves. */
bool guard_error_log_allowed(struct client *c, int64_t now);

/* ---- flood.c ---- */

/* Charges a frame to c's budgets; over budget, c is throttled and may be dropped. */
void flood_charge(struct client *c, uint16_t type, size_t frame_bytes, int64_t now);

/* Releases throttled clients whose budgets have refilled by now. */
void flood_expire(struct server *srv, int64_t now);

/* The nearest release time, or INT64_MAX. */
int64_t flood_next_deadline(const struct server *srv);

/* ---- idle.c ---- */

/* c sent something: its idle timer restarts and an outstanding PING is satisfied. */
void idle_touch(struct client *c, int64_t now);

/* PINGs clients silent for the idle timeout and drops those silent since their PING. */
void idle_expire(struct server *srv, int64_t now);

/* The nearest idle deadline, or INT64_MAX. */
int64_t idle_next_deadline(const struct server *srv);

/* ---- admit.c ---- */

/* Why a connection is turned away: the ERROR code and message it gets, and the reason
 * for the log. */
struct refusal {
    uint16_t code;
    const char *message;
    char why[96];
};

/* Decides whether a new connection from addr ("host:port") may be taken in under the
 * per-address and server-wide limits (max_clients is checked by the caller). Returns
 * true, or false with *out filled. Attempts count against the address's rate. */
bool admit_check(struct server *srv, const char *addr, int64_t now, struct refusal *out);

#define ADMIT_KEY_MAX 56 /* INET6_ADDRSTRLEN + "/64" and a NUL, with room to spare */

/* Writes the per-address key of "host:port" or "[v6]:port" (the IPv4 address, or the
 * IPv6 /64 prefix: one subscriber has all of it) and says whether the peer is on
 * loopback. False if addr cannot be parsed (never expected). */
bool admit_key(const char *addr, char *key, size_t cap, bool *loopback);

/* Counts an admitted client against its address; admit_remove() undoes it. */
void admit_add(struct client *c, int64_t now);
void admit_remove(struct client *c);

/* Logs a refused connection, unless refusals come so fast that the log would be flooded:
 * then they are counted and the count logged with a later line. */
void admit_log_refusal(struct server *srv, uint32_t conn, const char *addr, const char *why,
                       int64_t now);

/* Forgets addresses with no connection and a full rate budget, and reports refusals
 * that were not logged; runs at most once a second. */
void admit_expire(struct server *srv, int64_t now);

/* Frees the address table. */
void admit_free(struct server *srv);

#endif
