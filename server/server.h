/* The server as a whole: its configuration, the listening socket, the event loop, the
 * table of connections, who is online, and the queues of work the loop goes through
 * each pass. There is one struct server per process; every module reaches it through
 * the client it is working for. */
#ifndef CHAT_SERVER_SERVER_H
#define CHAT_SERVER_SERVER_H

#include <glib.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/guard.h"
#include "server/list.h"
#include "server/log.h"
#include "server/net.h"

struct client;
struct cluster;
struct cluster_presence;
struct filestore;
struct throttle;
struct worker;
struct store;
struct rooms;
struct tls_server;
struct tls_acceptor;

/* USER_JOINED or USER_LEFT notices held back until the loop pass ends or something else
 * is broadcast, so a burst of logins or drops costs one shared frame per
 * PROTO_MAX_USERS_PER_FRAME names instead of one frame per name per recipient. */
struct presence_batch {
    uint16_t type;          /* PROTO_USER_JOINED, PROTO_USER_LEFT, or 0 when none is held */
    uint32_t joined_from;   /* JOINED: the newcomers are online[joined_from..online_count) */
    uint32_t left_count;    /* LEFT: entries held in left_ids and left_names */
    uint32_t left_cap;
    uint32_t *left_ids;
    char **left_names;      /* copies: the clients may be freed before the notice goes out */
};

enum registration_policy {
    REGISTRATION_AUTO,   /* open while listening on loopback only, invite otherwise */
    REGISTRATION_OPEN,
    REGISTRATION_INVITE,
    REGISTRATION_CLOSED,
};

/* How accounts work (options of the same names). */
struct accounts_config {
    enum registration_policy registration;
    bool allow_guests;
    unsigned long long pwhash_ops;
    size_t pwhash_mem_bytes;
    uint32_t hash_threads;
    uint32_t max_pending_logins;
    int64_t token_ms;                /* session token lifetime */
    struct rate_limit login_limit;   /* failed logins per address and per account */
    struct rate_limit register_limit; /* registrations per address */
};

/* The accounts' run-time state (server/auth.c). */
struct server_accounts {
    enum registration_policy registration; /* AUTO resolved at start */
    struct worker *worker;           /* password hashing */
    struct throttle *login_by_addr;
    struct throttle *login_by_account;
    struct throttle *register_by_addr;
    GHashTable *registering;         /* name keys with a registration on the worker */
    GHashTable *sessions_waiting;    /* token hash -> a new session's token, until its
                                        event has applied (auth_session.c) */
    GHashTable *invites_waiting;     /* code hash -> a new invite code, until its event
                                        has applied (invite.c) */
    int64_t next_prune_ms;           /* monotonic */
};

struct server_config {
    const char *host;
    uint16_t port;
    const char *log_path;
    const char *files_dir;
    const char *data_dir;      /* holds chat.db; STORE_MEMORY for an in-memory store */
    uint32_t retention_days;   /* messages older than this are pruned; 0 keeps them */
    const char *poller;
    enum log_level log_level;
    uint32_t max_clients;
    uint64_t max_file_size;
    uint32_t max_uploads;
    uint32_t max_downloads;
    size_t max_output_queue;
    int64_t handshake_timeout_ms;
    bool tls;                  /* TLS on the port (false: plain text, --no-tls) */
    const char *tls_cert;      /* PEM certificate chain and key */
    const char *tls_key;
    bool tls_generate;         /* make a self-signed pair there if neither file exists */
    struct guard_config guard; /* rate limits, per-address caps, idle check */
    struct accounts_config accounts;
    const char *cluster_url;   /* --cluster redis://IP:PORT, NULL: a single node */
    uint32_t node_id;          /* --node-id, 1..CLUSTER_MAX_NODE_ID with --cluster */
};

struct server {
    struct server_config cfg;
    struct ev_loop *loop;
    int listen_fd;
    int spare_fd;              /* kept open so a connection can still be refused at EMFILE */
    char listen_addr[NET_ADDR_MAX];
    struct filestore *files;
    struct store *store;
    struct store *search_reader; /* search's read-only connection (search.c); NULL in memory */
    struct worker *search_worker; /* the thread searches run on, with search_reader */
    struct rooms *rooms;       /* every room and its members (rooms.h) */
    struct tls_server *tls;    /* NULL when the port speaks plain text */
    struct cluster *cluster;   /* --cluster: the shared log (cluster.h); NULL on one node */
    struct cluster_presence *cluster_presence; /* --cluster: the others' users
                                                  (cluster_presence.h); else NULL */
    struct tls_acceptor *acceptor; /* the TLS handshake thread, with tls */
    uint32_t tls_handshaking;  /* connections with it: counted against max_clients */
    bool tls_generated;        /* its certificate was made by this start */

    struct client **by_fd;     /* every open connection, indexed by its fd */
    int by_fd_size;
    uint32_t connections;      /* entries in by_fd */
    uint32_t live_clients;     /* connections not closing: counted against max_clients */

    struct client **online;    /* logged-in clients, unordered (swap-removed) */
    uint32_t online_count;
    uint32_t online_cap;
    GHashTable *names;         /* name fold key -> logged-in client */
    struct frame **user_pages; /* cached USER_LIST frame per page of online, NULL if stale */
    uint32_t user_pages_cap;
    struct presence_batch announce; /* join or leave notices not yet sent */

    uint32_t next_conn_id;
    GArray *pending;           /* struct pending: frames queued that depend on the pass's commit
                                  (deliver.h) */
    uint64_t pass;             /* loop passes so far */
    int64_t prune_at;          /* next --retention-days batch (monotonic), or INT64_MAX */
    GHashTable *receipt_counts; /* room id -> struct receipt_batch: the count receipts of
                                   large rooms, at most one a room per
                                   SERVER_RECEIPT_COUNT_MS (live_receipts.c) */
    size_t download_low_water; /* file chunks are read only below this queue size */
    size_t history_budget;     /* history pages' size, and the queue size below which a
                                  client's next HISTORY or RESUME is served (history.h) */

    struct list_node handshakes;     /* waiting for HELLO, oldest (nearest deadline) first */
    struct list_node lingering;      /* closing, oldest first */
    struct list_node pending_writes; /* have queued output to try before sleeping */
    struct list_node backlog;        /* frames left undecoded when their pass ended */
    struct list_node downloaders;    /* have a download in progress */
    struct list_node pending_reads;  /* hold input inside the conn (TLS) the kernel no
                                        longer reports: read before sleeping */
    struct server_guard guard;       /* throttled and idle clients, addresses (guard.h) */
    struct server_accounts accounts; /* password workers, login throttles (auth.c) */

    bool accept_ready;         /* the listener fired in this pass's round */
    bool stopping;
    int64_t stop_deadline;
};

/* Opens the files directory, the listener and the event loop for cfg (whose strings
 * must outlive the server). Returns 0, or -1 with err filled. */
int server_start(struct server *srv, const struct server_config *cfg, char *err,
                 size_t errlen);

/* Runs the event loop until *stop is set and the shutdown flush is over; reopens the
 * log and reloads the TLS certificate whenever *reopen is set. wait_mask is the signal mask in force while waiting
 * (the signals are blocked otherwise). Returns 0, or -1 if the poller failed. */
int server_run(struct server *srv, volatile sig_atomic_t *stop, volatile sig_atomic_t *reopen,
               const sigset_t *wait_mask);

/* One pass of the loop that server_run() repeats: the work before sleeping (download
 * chunks, notices, writes), a wait for readiness of at most max_wait_ms (-1: until the
 * nearest deadline), then what fired and the deadlines that passed. Returns 0, 1 once
 * a shutdown has finished flushing, or -1 if the poller failed. Lets a test (the
 * fuzzing harness) drive the real loop one step at a time. */
int server_pass(struct server *srv, int max_wait_ms, const sigset_t *wait_mask);

/* Closes every connection and releases everything server_start() made. */
void server_free(struct server *srv);

#endif
