/* Presence state (docs/PROTOCOL.md 5.46-5.47): a user online says it is active or away
 * (PRESENCE_SET); the server keeps it in memory with the connection (a login starts
 * active) and tells who shares a room with it: everyone online for the lobby, where
 * users are named by connection id as in USER_LIST, and the other online members of
 * each of its rooms (room_presence.h batches those), named by account id. A newcomer
 * learns who is away after its USER_LIST and after each room's ROOM_MEMBERS. */
#ifndef CHAT_SERVER_PRESENCE_STATE_H
#define CHAT_SERVER_PRESENCE_STATE_H

#include <glib.h>

#include "common/protocol.h"

struct client;
struct server;

/* PRESENCE_SET: DONE, and the change told; ERROR(PRESENCE_INVALID) for an unknown
 * state, ERROR(PRESENCE_TOO_FAST) past SERVER_PRESENCE_SETS_*. */
void presence_state_on_set(struct client *c, const struct proto_msg *msg);

/* The lobby's PRESENCE_STATE(away) frames naming every client online and away,
 * appended to out (none if nobody is away): what a newcomer gets after USER_LIST. */
void presence_state_lobby_frames(const struct server *srv, GPtrArray *out);

#endif
