/* libFuzzer harness for the presence messages a cluster node reads from Redis (a node's
 * key or a chat:presence message, server/cluster_presence_wire.c): parsing never crashes
 * or reads past the input, and what it accepts holds only checked values. */
#include <assert.h>
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "common/protocol.h"
#include "server/cluster_presence_view.h"
#include "server/cluster_presence_wire.h"
#include "server/limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = g_memdup2(data, size); /* exact size: ASan sees any over-read */
    struct presence_message m;
    const char *why = NULL;
    if (presence_message_parse(copy, size, &m, &why)) {
        assert(m.node >= 1 && m.node <= CLUSTER_MAX_NODE_ID);
        for (guint i = 0; i < m.on->len; i++) {
            const struct remote_user *u = &g_array_index(m.on, struct remote_user, i);
            assert(presence_view_node_of(u->conn) == m.node);
            assert(u->state <= PROTO_PRESENCE_AWAY && u->role <= PROTO_ROLE_GUEST);
            assert(strlen(u->name) > 0 && strlen(u->name) <= PROTO_MAX_NAME_BYTES);
        }
        assert(!m.full || (m.off->len == 0 && m.typing->len == 0));
        presence_message_clear(&m);
    } else {
        assert(why != NULL);
    }
    g_free(copy);
    return 0;
}
