/* Failure budgets per key; see throttle.h. */
#include "server/throttle.h"

#include <glib.h>

#include "server/limits.h"

struct throttle {
    struct rate_limit limit;
    GHashTable *buckets; /* key (owned) -> struct bucket (owned) */
};

struct throttle *throttle_new(const struct rate_limit *limit)
{
    struct throttle *t = g_new(struct throttle, 1);
    t->limit = *limit;
    t->buckets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return t;
}

void throttle_free(struct throttle *t)
{
    if (t == NULL)
        return;
    g_hash_table_destroy(t->buckets);
    g_free(t);
}

int64_t throttle_wait_ms(struct throttle *t, const char *key, int64_t now_ms)
{
    struct bucket *b = g_hash_table_lookup(t->buckets, key);
    if (b == NULL)
        return 0;
    bucket_take(b, 0, now_ms); /* brings the tokens up to date */
    return bucket_ms_until(b, 1.0);
}

static gboolean bucket_refilled(gpointer key, gpointer value, gpointer now_ms)
{
    (void)key;
    return bucket_full(value, *(const int64_t *)now_ms);
}

void throttle_charge(struct throttle *t, const char *key, int64_t now_ms)
{
    struct bucket *b = g_hash_table_lookup(t->buckets, key);
    if (b == NULL) {
        if (g_hash_table_size(t->buckets) >= SERVER_THROTTLE_MAX_KEYS)
            g_hash_table_foreach_remove(t->buckets, bucket_refilled, &now_ms);
        if (g_hash_table_size(t->buckets) >= SERVER_THROTTLE_MAX_KEYS)
            return;
        b = g_new(struct bucket, 1);
        bucket_init(b, &t->limit, now_ms);
        g_hash_table_insert(t->buckets, g_strdup(key), b);
    }
    bucket_charge(b, 1.0, now_ms);
}
