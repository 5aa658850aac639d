/* The cluster's one log: a Redis Stream every node appends its events to and reads back
 * in order from the last entry it applied (docs/CLUSTER.md sections 3 and 5). Two
 * cluster links (cluster_link.h): a writer for XADD and a reader for the blocking XREAD,
 * always from a concrete id, never "$".
 *
 * Entries hold four fields: v (the encoding version, 1), n (the appending node's id), r
 * (its request number, so the node finds its waiting request when the entry comes back:
 * the reader may see the entry before the writer's reply) and e (the event's bytes,
 * opaque here). Nothing read from Redis is trusted: an entry without exactly these
 * fields, in range, is skipped (the same on every node) and reported.
 *
 * Each time the reader connects, the stream is checked against the last applied id: a
 * stream that ends before it (Redis lost data) or that was trimmed past it (this node
 * fell behind MAXLEN) is refused, since applying on from there would lose entries. */
#ifndef CHAT_SERVER_CLUSTER_LOG_H
#define CHAT_SERVER_CLUSTER_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cluster_addr;
struct cluster_log;
struct ev_loop;

/* A stream entry id, "ms-seq". */
struct cluster_id {
    uint64_t ms, seq;
};

/* Parses "ms-seq" (both decimal). False if s is anything else. */
bool cluster_id_parse(const char *s, size_t len, struct cluster_id *id);

/* Negative, 0 or positive as a is before, equal to or after b. */
int cluster_id_cmp(struct cluster_id a, struct cluster_id b);

/* One entry read back; the bytes live only during the call. */
struct cluster_entry {
    struct cluster_id id;
    uint32_t node;
    uint64_t request;
    const uint8_t *event;
    size_t event_len;
};

struct cluster_log_ops {
    /* The log can be written and read (up), or not (why in words). */
    void (*state)(void *data, bool up, const char *why);
    /* The stream cannot be applied on from this node's last id: it must not serve. why
     * (as state's) may hold Redis's own error text: quote it before logging it. */
    void (*refuse)(void *data, const char *why);
    /* The next entry in stream order. */
    void (*apply)(void *data, const struct cluster_entry *entry);
    /* An entry that is not ours to read (malformed), skipped. */
    void (*skipped)(void *data, struct cluster_id id, const char *why);
    /* This node's append of request got no answer (maybe_added: it may still be in the
     * stream, and then comes back to apply) or was refused by Redis (not added). */
    void (*append_failed)(void *data, uint64_t request, bool maybe_added);
};

/* A log on stream key `stream` for node node_id, reading on after `last` (0-0: from the
 * start). The strings are copied; it starts connecting at once. Never NULL. */
struct cluster_log *cluster_log_new(struct ev_loop *loop, const struct cluster_addr *addr,
                                    const char *stream, uint32_t node_id,
                                    struct cluster_id last, const struct cluster_log_ops *ops,
                                    void *data);

/* Frees the log (waiting appends are reported as append_failed). NULL is ignored. */
void cluster_log_free(struct cluster_log *log);

/* True while appends are taken (the writer is up and the stream was checked). */
bool cluster_log_up(const struct cluster_log *log);

/* Appends event (len bytes) as this node's request. False at once, nothing sent, when
 * the log is down. */
bool cluster_log_append(struct cluster_log *log, uint64_t request, const void *event,
                        size_t len);

/* From now on, after a read that handed entries to apply, the next read waits for
 * cluster_log_committed(): a node asks for the next batch only once the batch it
 * applied is committed (docs/CLUSTER.md section 5). */
void cluster_log_hold_batches(struct cluster_log *log);

/* The batch applied so far is committed: reading goes on. */
void cluster_log_committed(struct cluster_log *log);

/* The id of the last entry handed to apply (or skipped). */
struct cluster_id cluster_log_last(const struct cluster_log *log);

/* As cluster_link_timeout() and cluster_link_tick(), for both links. */
int cluster_log_timeout(const struct cluster_log *log, int64_t now_ms);
void cluster_log_tick(struct cluster_log *log, int64_t now_ms);

#endif
