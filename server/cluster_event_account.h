/* The account family's events <-> frames, for cluster_event.c: EVENT_ACCOUNT_CREATE,
 * EVENT_SESSION_ADD, EVENT_SESSION_DROP, EVENT_ACCOUNT_CHANGE (cluster_event_account.c)
 * and EVENT_MODERATE (cluster_event_moderate.c) (docs/PROTOCOL.md 5.71). */
#ifndef CHAT_SERVER_CLUSTER_EVENT_ACCOUNT_H
#define CHAT_SERVER_CLUSTER_EVENT_ACCOUNT_H

#include <stdbool.h>

#include "server/cluster_event.h"

/* Fills *m with the frame of ev if ev is of the account family; false otherwise. */
bool cluster_account_to_frame(const struct event *ev, struct proto_msg *m);

/* Decodes a decoded frame *m of the account family into *out: 1 if its fields pass the
 * checks the taking node's request passed, 0 (with *why) if not, -1 if *m is of
 * another family. */
int cluster_account_from_frame(const struct proto_msg *m, struct cluster_event *out,
                               const char **why);

/* The same two for EVENT_MODERATE (cluster_event_moderate.c). */
bool cluster_moderate_to_frame(const struct event *ev, struct proto_msg *m);
int cluster_moderate_from_frame(const struct proto_msg *m, struct cluster_event *out,
                                const char **why);

/* The same two for EVENT_ROOM_CREATE, EVENT_ROOM_MEMBER and
 * EVENT_ROOM_TOPIC (cluster_event_room.c). */
bool cluster_room_to_frame(const struct event *ev, struct proto_msg *m);
int cluster_room_from_frame(const struct proto_msg *m, struct cluster_event *out,
                            const char **why);

/* The same two for EVENT_BLOCK, EVENT_READ_MARK and EVENT_INVITE_CREATE
 * (cluster_event_mark.c). */
bool cluster_mark_to_frame(const struct event *ev, struct proto_msg *m);
int cluster_mark_from_frame(const struct proto_msg *m, struct cluster_event *out,
                            const char **why);

/* The same two for EVENT_FILE, as EVENT_FILE or EVENT_FILE_THUMB
 * (cluster_event_file.c). */
bool cluster_file_to_frame(const struct event *ev, struct proto_msg *m);
int cluster_file_from_frame(const struct proto_msg *m, struct cluster_event *out,
                            const char **why);

/* The same two for EVENT_DIRECT, EVENT_RECEIPTS_SET and EVENT_NOTIFY_LEVEL
 * (cluster_event_direct.c). */
bool cluster_direct_to_frame(const struct event *ev, struct proto_msg *m);
int cluster_direct_from_frame(const struct proto_msg *m, struct cluster_event *out,
                              const char **why);

/* The same two for EVENT_PRUNE (cluster_event_prune.c). */
bool cluster_prune_to_frame(const struct event *ev, struct proto_msg *m);
int cluster_prune_from_frame(const struct proto_msg *m, struct cluster_event *out,
                             const char **why);

#endif
