/* What this node knows of the other nodes' online connections, and what its own clients
 * are told when that changes (cluster_presence.h). Internal to cluster_presence*.c. */
#ifndef CHAT_SERVER_CLUSTER_PRESENCE_VIEW_H
#define CHAT_SERVER_CLUSTER_PRESENCE_VIEW_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct client;
struct cluster_remote_user;
struct proto_typing;
struct server;

/* One connection of another node, as its node said (checked). */
struct remote_user {
    uint32_t conn;             /* cluster-wide: its node in the top byte */
    uint32_t account;          /* 0 for a guest */
    uint16_t role;
    uint16_t state;            /* enum proto_presence */
    char *name;
};

struct presence_view {
    GHashTable *conns;         /* conn id -> struct remote_user */
    GHashTable *accounts;      /* account id -> struct remote_account */
    GHashTable *names;         /* name fold key -> GPtrArray of the struct remote_user
                                  (in conns) under it */
    GArray *joined, *left;     /* struct remote_user copies: the notices held until
                                  presence_view_flush() */
};

void presence_view_init(struct presence_view *v);
void presence_view_clear(struct presence_view *v);

/* The node of a connection id. */
uint32_t presence_view_node_of(uint32_t conn);

/* u (copied) is online, new or changed; the local clients are told what changed (joins
 * and leaves held until presence_view_flush()). */
void presence_view_on(struct server *srv, struct presence_view *v, const struct remote_user *u);

/* Connection conn is gone (nothing if unknown). */
void presence_view_off(struct server *srv, struct presence_view *v, uint32_t conn);

/* Node's connections are exactly users (count of them): the others of node go. */
void presence_view_replace(struct server *srv, struct presence_view *v, uint32_t node,
                           const struct remote_user *users, guint count);

/* Sends the held USER_JOINED (with their USER_ROLE and away) and USER_LEFT notices in
 * shared frames. Call after each message applied. */
void presence_view_flush(struct server *srv, struct presence_view *v);

/* Relays a typing notice of another node to this node's members of its room, if the
 * room exists here and the account is a member (the lobby: everyone). */
void presence_view_typing(struct server *srv, const struct proto_typing *t);

/* Sends c the view's USER_LIST pages, USER_ROLE and lobby away frames. */
void presence_view_send_list(struct client *c, const struct presence_view *v);

/* True when account is online in the view; *away: every connection of it is away. */
bool presence_view_account(const struct presence_view *v, int64_t account, bool *away);

/* True when a connection is online in the view under a name of fold key key
 * (name_fold_key()); one such is put in *out (if not NULL; its name borrowed). */
bool presence_view_name(const struct presence_view *v, const char *key,
                        struct cluster_remote_user *out);

#endif
