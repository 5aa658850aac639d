/* A cluster node's own rows in the store (store_cluster.c, schema v8; docs/CLUSTER.md
 * section 4): in the meta table, `cluster_stream` (the stream the store follows),
 * `cluster_node` (the node id that last ran on it) and `cluster_last_id` (the last stream
 * entry applied, "ms-seq"). The last id is written in the pass transaction of the rows
 * the entries made, so the store always says exactly which entries it holds. */
#ifndef CHAT_SERVER_STORE_CLUSTER_H
#define CHAT_SERVER_STORE_CLUSTER_H

#include <stdbool.h>
#include <stdint.h>

#include "server/store/store.h"

/* What the store says of the cluster. Strings are owned (store_cluster_clear). */
struct store_cluster {
    char *stream;     /* NULL: no cluster node ever ran on this store */
    uint32_t node;    /* 0 when stream is NULL */
    char *last_id;    /* NULL: no entry applied yet */
    bool has_data;    /* holds accounts, rooms besides the lobby, or messages */
};

/* Reads the rows into *out. STORE_OK or STORE_ERROR. */
enum store_status store_cluster_read(struct store *st, struct store_cluster *out);

/* Frees what store_cluster_read() put in c. */
void store_cluster_clear(struct store_cluster *c);

/* Records that node `node` follows `stream` on this store (joins the pass transaction).
 * STORE_OK or STORE_ERROR. */
enum store_status store_cluster_claim(struct store *st, const char *stream, uint32_t node);

/* Records id ("ms-seq") as the last entry applied (joins the pass transaction).
 * STORE_OK or STORE_ERROR. */
enum store_status store_cluster_set_last(struct store *st, const char *id);

#endif
