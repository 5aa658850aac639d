/* struct event <-> its event frame (common/protocol.h, PROTO_EVENT_*): the one place
 * where the server maps the events it applies to the bytes of a stream entry
 * (docs/CLUSTER.md section 3, docs/PROTOCOL.md 5.71). */
#ifndef CHAT_SERVER_CLUSTER_EVENT_H
#define CHAT_SERVER_CLUSTER_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/protocol.h"
#include "server/event.h"
#include "server/limits.h"

/* A decoded event and what its views point into. */
struct cluster_event {
    struct event ev;
    char name[PROTO_MAX_NAME_BYTES + 1]; /* the sender's or actor's name, NUL-ended */
    char target[PROTO_MAX_NAME_BYTES + 1]; /* a moderation's target name, NUL-ended */
    char pw_hash[PROTO_MAX_PW_HASH + 1]; /* an account event's Argon2id string */
    char file_name[SERVER_STORED_NAME_MAX + 1]; /* a file event's stored name */
};

/* Copies name, NUL-ended, into dst (PROTO_MAX_NAME_BYTES + 1 bytes) if it passes
 * name_check; false if not. */
bool cluster_event_take_name(char *dst, struct proto_str name);

/* The frame of ev in a new buffer (g_free), its size in *len; NULL if a field is over
 * its wire cap (never for an event built from a checked request). */
uint8_t *cluster_event_encode(const struct event *ev, size_t *len);

/* Decodes one stream entry's event bytes into *out (views into bytes, which must
 * outlive it). False, with *why saying what is wrong, if the bytes are not exactly one
 * event frame whose fields pass the checks its request passed on the taking node
 * (text_check, emoji_check, name_check, flags in range): such an entry is skipped. */
bool cluster_event_decode(const uint8_t *bytes, size_t len, struct cluster_event *out,
                          const char **why);

#endif
