/* Who is online: login (HELLO -> WELCOME, USER_LIST pages, USER_JOINED to the others),
 * case-insensitive unique names, and leaving (USER_LEFT to the others). */
#ifndef CHAT_SERVER_PRESENCE_H
#define CHAT_SERVER_PRESENCE_H

#include "common/protocol.h"

struct client;
struct server;

/* Handles HELLO: logs the client in, or answers with the reason it cannot be. */
void presence_on_hello(struct client *c, const struct proto_msg *msg);

/* Takes a logged-in client off the online list and frees its name for others; the
 * remaining clients get USER_LEFT unless the server is stopping. */
void presence_leave(struct client *c);

/* Releases what presence keeps besides the online list (the cached USER_LIST pages). */
void presence_free(struct server *srv);

#endif
