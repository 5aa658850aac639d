/* Who is online: login (HELLO -> WELCOME, USER_LIST pages, USER_JOINED to the others),
 * case-insensitive unique names, and leaving (USER_LEFT to the others). The notices of
 * one loop pass go out together, in shared frames. */
#ifndef CHAT_SERVER_PRESENCE_H
#define CHAT_SERVER_PRESENCE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/protocol.h"

struct client;
struct server;

struct frame;

/* A USER_LIST, USER_JOINED or USER_LEFT frame of count (at most
 * PROTO_MAX_USERS_PER_FRAME) entries (ids and names). */
struct frame *presence_users_frame(uint16_t type, const uint32_t *ids,
                                   const struct proto_str *names, uint32_t count);

/* A USER_ROLE frame for role naming up to PROTO_MAX_USERS_PER_FRAME users. */
struct frame *presence_role_frame(int role, const uint32_t *ids, const struct proto_str *names,
                                  uint32_t count);

/* Handles HELLO, the guest login (--allow-guests): logs the client in as a guest, or
 * answers with the reason it cannot be. */
void presence_on_hello(struct client *c, const struct proto_msg *msg);

/* True when a login frame's version is the one this server speaks; otherwise answers
 * ERROR(VERSION, ref_type) and ends the connection. */
bool presence_version_ok(struct client *c, uint16_t version, uint16_t ref_type);

/* Logs c in under name (copied) with its fold key (taken over): WELCOME, USER_LIST and
 * USER_ROLE to c and USER_JOINED to the others, held for the pass. c->role and the
 * account fields must be set. A connection holding the key (the same account) is
 * closed with ERROR(SESSION_REPLACED). */
void presence_enter(struct client *c, const char *name, char *key);

/* Tells everyone online c's role (after it changed). */
void presence_announce_role(struct client *c);

/* Takes a logged-in client off the online list and frees its name for others; the
 * remaining clients get USER_LEFT unless the server is stopping. */
void presence_leave(struct client *c);

/* Sends the join or leave notices held since they happened (with the WELCOME and
 * USER_LIST of the clients that logged in meanwhile). Called before anything else is
 * broadcast or sent to such a newcomer, and when the loop pass ends. */
void presence_flush(struct server *srv);

/* Releases what presence keeps besides the online list (cached USER_LIST pages, held
 * notices). */
void presence_free(struct server *srv);

#endif
