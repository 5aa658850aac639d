/* A presence message between nodes (docs/PROTOCOL.md 5.71, "Presence between nodes"):
 * a run of codec frames, EVENT_PRESENCE_NODE first. Encoding is the codec's; this
 * checks a received one whole, trusting no byte of it. Internal to cluster_presence*.c. */
#ifndef CHAT_SERVER_CLUSTER_PRESENCE_WIRE_H
#define CHAT_SERVER_CLUSTER_PRESENCE_WIRE_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct presence_message {
    uint32_t node;             /* 1..CLUSTER_MAX_NODE_ID */
    bool full;                 /* on lists all the node's connections */
    uint64_t seq;
    GArray *on;                /* struct remote_user (names owned by names) */
    GArray *off;               /* uint32_t connection ids; empty when full */
    GArray *typing;            /* struct proto_typing (names view the bytes); empty when
                                  full */
    GPtrArray *names;
};

/* Decodes and checks bytes (len) into m: every frame decodes, the node frame first, each
 * connection of the sending node, names valid, roles and states known. True, or false
 * with why (m then holds nothing to clear). Typing notices are checked against the
 * rooms by the caller. */
bool presence_message_parse(const uint8_t *bytes, size_t len, struct presence_message *m,
                            const char **why);

/* Frees what m holds. */
void presence_message_clear(struct presence_message *m);

#endif
