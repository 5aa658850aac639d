/* A cluster node's rows in meta (store_cluster.h; schema v8 in store_schema.c). */
#include "server/store/store_cluster.h"

#include <stdio.h>

#include "server/store/store_private.h"

/* Sets one meta row (joins the pass transaction). */
static enum store_status meta_set(struct store *st, const char *key, const char *value,
                                  const char *what)
{
    if (store_begin_write(st) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *stmt = store_stmt(st, "INSERT INTO meta (key, value) VALUES (?1, ?2)"
                                        " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, value, -1, SQLITE_TRANSIENT);
    return store_step_done(st, stmt, what);
}

enum store_status store_cluster_read(struct store *st, struct store_cluster *out)
{
    *out = (struct store_cluster){ 0 };
    sqlite3_stmt *stmt = store_stmt(st, "SELECT key, value FROM meta WHERE key IN"
                                        " ('cluster_stream', 'cluster_node', 'cluster_last_id')");
    if (stmt == NULL)
        return STORE_ERROR;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(stmt, 0);
        const char *value = (const char *)sqlite3_column_text(stmt, 1);
        if (key == NULL || value == NULL)
            continue;
        if (g_str_equal(key, "cluster_stream"))
            out->stream = g_strdup(value);
        else if (g_str_equal(key, "cluster_node"))
            out->node = (uint32_t)g_ascii_strtoull(value, NULL, 10);
        else
            out->last_id = g_strdup(value);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        store_cluster_clear(out);
        return store_fail(st, "reading the cluster rows");
    }
    stmt = store_stmt(st, "SELECT EXISTS (SELECT 1 FROM messages)"
                          " OR EXISTS (SELECT 1 FROM accounts)"
                          " OR EXISTS (SELECT 1 FROM rooms WHERE id <> 0)");
    if (stmt == NULL) {
        store_cluster_clear(out);
        return STORE_ERROR;
    }
    rc = sqlite3_step(stmt);
    out->has_data = rc == SQLITE_ROW && sqlite3_column_int(stmt, 0) != 0;
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW) {
        store_cluster_clear(out);
        return store_fail(st, "looking for stored data");
    }
    return STORE_OK;
}

void store_cluster_clear(struct store_cluster *c)
{
    g_free(c->stream);
    g_free(c->last_id);
    *c = (struct store_cluster){ 0 };
}

enum store_status store_cluster_claim(struct store *st, const char *stream, uint32_t node)
{
    char value[16];
    snprintf(value, sizeof value, "%u", (unsigned)node);
    if (meta_set(st, "cluster_stream", stream, "recording the cluster stream") != STORE_OK)
        return STORE_ERROR;
    return meta_set(st, "cluster_node", value, "recording the cluster node");
}

enum store_status store_cluster_set_last(struct store *st, const char *id)
{
    return meta_set(st, "cluster_last_id", id, "recording the last applied stream entry");
}
