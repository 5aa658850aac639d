/* libFuzzer harness for the events a cluster node reads from Redis (server/cluster_event.c):
 * the input is one stream entry's event bytes. Decoding never crashes or reads past the
 * input, and an event that decodes encodes back to exactly the same bytes, so what a node
 * applies is what the taking node appended, and nothing a check refused gets through. */
#include <assert.h>
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "server/cluster_event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = g_memdup2(data, size); /* exact size: ASan sees any over-read */
    struct cluster_event decoded;
    const char *why = NULL;
    if (cluster_event_decode(copy, size, &decoded, &why)) {
        size_t len = 0;
        uint8_t *again = cluster_event_encode(&decoded.ev, &len);
        assert(again != NULL && len == size && memcmp(again, copy, size) == 0);
        g_free(again);
    } else {
        assert(why != NULL);
    }
    g_free(copy);
    return 0;
}
