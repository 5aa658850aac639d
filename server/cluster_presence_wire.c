/* Checking a presence message between nodes (cluster_presence_wire.h). */
#include "server/cluster_presence_wire.h"

#include <string.h>

#include "common/protocol.h"
#include "common/validate.h"
#include "server/cluster_presence_view.h"
#include "server/limits.h"

/* Decodes the frame at *at of bytes (len), moving *at past it. */
static bool next_frame(const uint8_t *bytes, size_t len, size_t *at, struct proto_msg *m)
{
    uint32_t plen;
    uint16_t type;
    if (len - *at < PROTO_HEADER_SIZE ||
        proto_header_read(bytes + *at, PROTO_MAX_PAYLOAD, &plen, &type) != PROTO_OK ||
        len - *at - PROTO_HEADER_SIZE < plen ||
        proto_decode_payload(type, bytes + *at + PROTO_HEADER_SIZE, plen, m) != PROTO_OK)
        return false;
    *at += PROTO_HEADER_SIZE + plen;
    return true;
}

static bool name_ok(struct proto_str name)
{
    return name_check(name.ptr, name.len) == NAME_OK;
}

static bool conn_of(uint32_t conn, uint32_t node)
{
    return presence_view_node_of(conn) == node &&
           (conn & ((1u << CLUSTER_CONN_ID_BITS) - 1)) != 0;
}

/* Checks a PRESENCE_ON of node into u, its name copied into name_buf. */
static bool user_ok(const struct proto_event_presence_user *pu, uint32_t node,
                    struct remote_user *u, char *name_buf)
{
    bool guest = pu->account == 0;
    if (!conn_of(pu->conn, node) || pu->account > UINT32_MAX ||
        pu->role > PROTO_ROLE_GUEST || guest != (pu->role == PROTO_ROLE_GUEST) ||
        pu->state > PROTO_PRESENCE_AWAY || !name_ok(pu->name))
        return false;
    memcpy(name_buf, pu->name.ptr, pu->name.len);
    name_buf[pu->name.len] = '\0';
    *u = (struct remote_user){ pu->conn, (uint32_t)pu->account, pu->role, pu->state, name_buf };
    return true;
}

/* Reads the frames after the node frame into m; NULL, or why not. */
static const char *read_body(const uint8_t *bytes, size_t len, size_t at,
                             struct presence_message *m)
{
    struct proto_msg f;
    while (at < len) {
        if (!next_frame(bytes, len, &at, &f))
            return "a frame does not decode";
        if (f.type == PROTO_EVENT_PRESENCE_ON) {
            struct remote_user u;
            char *name = g_malloc(PROTO_MAX_NAME_BYTES + 1);
            g_ptr_array_add(m->names, name);
            if (!user_ok(&f.u.presence_user, m->node, &u, name))
                return "a connection breaks the rules";
            g_array_append_val(m->on, u);
        } else if (f.type == PROTO_EVENT_PRESENCE_OFF && !m->full) {
            if (!conn_of(f.u.presence_user.conn, m->node))
                return "a connection of another node";
            g_array_append_val(m->off, f.u.presence_user.conn);
        } else if (f.type == PROTO_EVENT_TYPING && !m->full) {
            if (f.u.typing.state > PROTO_TYPING_PAUSED || !name_ok(f.u.typing.name))
                return "a typing notice breaks the rules";
            g_array_append_val(m->typing, f.u.typing);
        } else {
            return "an unexpected frame";
        }
    }
    return NULL;
}

bool presence_message_parse(const uint8_t *bytes, size_t len, struct presence_message *m,
                            const char **why)
{
    struct proto_msg f;
    size_t at = 0;
    memset(m, 0, sizeof *m);
    if (len > CLUSTER_PRESENCE_MAX_BYTES) {
        *why = "larger than CLUSTER_PRESENCE_MAX_BYTES";
        return false;
    }
    if (!next_frame(bytes, len, &at, &f) || f.type != PROTO_EVENT_PRESENCE_NODE ||
        f.u.presence_node.node == 0 || f.u.presence_node.node > CLUSTER_MAX_NODE_ID ||
        f.u.presence_node.full > 1) {
        *why = "it does not start with a node frame";
        return false;
    }
    *m = (struct presence_message){
        f.u.presence_node.node, f.u.presence_node.full == 1, f.u.presence_node.seq,
        g_array_new(FALSE, FALSE, sizeof(struct remote_user)),
        g_array_new(FALSE, FALSE, sizeof(uint32_t)),
        g_array_new(FALSE, FALSE, sizeof(struct proto_typing)),
        g_ptr_array_new_with_free_func(g_free),
    };
    *why = read_body(bytes, len, at, m);
    if (*why == NULL)
        return true;
    presence_message_clear(m);
    return false;
}

void presence_message_clear(struct presence_message *m)
{
    if (m->on == NULL)
        return;
    g_array_free(m->on, TRUE);
    g_array_free(m->off, TRUE);
    g_array_free(m->typing, TRUE);
    g_ptr_array_unref(m->names);
    memset(m, 0, sizeof *m);
}
