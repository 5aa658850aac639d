/* Rooms in memory: every room and its members (read from the store at start, kept in
 * step with it by the requests of room_requests.c), which members are online, and the
 * one delivery point for a room's frames. The lobby (room 0) is the exception: every
 * account and guest is in it, so it keeps no member list; its members are the clients
 * online (presence.c's USER_LIST), and delivering to it is a broadcast.
 *
 * Presence is per room: a member's login, logout, join and leave are told
 * (ROOM_PRESENCE, room_presence.h) only to the online members of the rooms it is in,
 * never server-wide. */
#ifndef CHAT_SERVER_ROOMS_H
#define CHAT_SERVER_ROOMS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/protocol.h"

struct client;
struct deliver_ticket;
struct frame;
struct room_held;
struct server;

struct room_member {
    uint32_t account_id;
    char *name;                /* the account's name */
    struct client *client;     /* its connection while online (after rooms_on_login) */
};

struct room {
    uint32_t id;
    int kind;                  /* enum proto_room_kind */
    char *name;                /* NULL for a direct room */
    char *name_key;            /* its fold key (common/validate.h), NULL for direct */
    char *dm_key;              /* direct rooms: "lowid:highid" */
    char *topic;
    GArray *members;           /* struct room_member, unordered (swap-removed) */
    GHashTable *index;         /* account id -> position in members + 1 */
    struct room_held *held;    /* presence notices not yet sent (room_presence.h) */
};

struct rooms {
    struct room *lobby;
    bool changed;              /* changed in this pass, not yet committed */
    GHashTable *by_id;         /* room id -> struct room (owned) */
    GHashTable *by_key;        /* name key -> struct room */
    GHashTable *by_dm;         /* dm_key -> struct room */
    GHashTable *of_account;    /* account id -> GPtrArray of its rooms (not the lobby) */
    GPtrArray *held;           /* rooms whose held is not NULL */
};

/* Reads every room and membership from the store into srv->rooms. False (err filled)
 * if the store could not be read. */
bool rooms_load(struct server *srv, char *err, size_t errlen);

/* Frees srv->rooms. */
void rooms_free(struct server *srv);

/* The room with this id, or NULL. */
struct room *rooms_get(struct server *srv, uint32_t id);

/* The room named by this fold key, or NULL. */
struct room *rooms_by_key(struct server *srv, const char *key);

/* The direct room of two accounts, or NULL. */
struct room *rooms_direct(struct server *srv, int64_t a, int64_t b);

/* The rooms an account is in besides the lobby (direct ones included); never NULL. */
const GPtrArray *rooms_of_account(struct server *srv, int64_t account_id);

/* How many of those are not direct rooms (what SERVER_ROOMS_PER_ACCOUNT bounds). */
unsigned rooms_joined_count(struct server *srv, int64_t account_id);

/* The member entry of account_id in r, or NULL (the lobby has none). */
struct room_member *room_member(const struct room *r, int64_t account_id);

/* True when c may read and write r: the lobby for everyone, other rooms for members. */
bool room_has_client(const struct room *r, const struct client *c);

/* Members of r (the lobby: clients online). */
uint32_t room_member_count(const struct server *srv, const struct room *r);

/* The room a request from c names, if c may use it; otherwise answers c (ROOM_UNKNOWN
 * for a room that does not exist or is private or direct, NOT_IN_ROOM for a public room
 * c has not joined) with ref_type and ref_id and returns NULL. */
struct room *rooms_for_request(struct client *c, uint32_t room_id, uint16_t ref_type,
                               uint64_t ref_id);

/* For a direct room: the other member than account_id (NULL if none). */
struct room_member *room_direct_peer(const struct room *r, int64_t account_id);

/* Adds a new room to memory (id, kind, names and topic copied). */
struct room *rooms_add(struct server *srv, uint32_t id, int kind, const char *name,
                       const char *name_key, const char *dm_key, const char *topic);

/* Adds account_id (named name, online as c or NULL) to r's members. */
void room_member_add(struct server *srv, struct room *r, int64_t account_id, const char *name,
                     struct client *c);

/* Takes account_id out of r's members. */
void room_member_remove(struct server *srv, struct room *r, int64_t account_id);

/* Queues f to every online member of r (encode once, shared frame), except `except`
 * (may be NULL). The lobby is a broadcast. Frames that tell of a write go through
 * deliver() (deliver.h), which calls this after queuing them as pending. */
void room_send(struct server *srv, const struct room *r, struct frame *f,
               const struct client *except);

/* Says whether an online member of a room gets a frame (room_send_if). */
typedef bool (*room_accept_fn)(const struct client *member, void *data);

/* Queues f to the online members of r that accept (called with data) says yes to. */
void room_send_if(struct server *srv, const struct room *r, struct frame *f,
                  room_accept_fn accept, void *data);

/* A ROOM_MEMBERS or ROOM_PRESENCE frame (type) of room_id and state naming count
 * members, or NULL if the codec refuses it. */
struct frame *room_members_frame(uint16_t type, uint32_t room_id, uint16_t state,
                                 const uint32_t *ids, const struct proto_str *names,
                                 uint32_t count);

/* ROOM_STATE, the ROOM_MEMBERS frames of r and a PRESENCE_STATE(away) of its members
 * online and away (but c), queued to c; as depending on the pass's commit when t is not
 * NULL (the ticket of the request they tell of, whose requester gets STORAGE if that
 * commit fails; c need not be that requester). */
void room_send_state(struct client *c, const struct room *r, const struct deliver_ticket *t);

/* Called with the outcome of each pass's commit (deliver_commit). The rooms in memory
 * change before the commit; if it failed they are read again from the store, which
 * rolled back, and the online members found again: memory never keeps what the store
 * lost. */
void rooms_after_commit(struct server *srv, bool committed);

/* c has logged in and has its WELCOME: it becomes the online connection of its account
 * in each of its rooms, gets their ROOM_STATE and members, and their other online
 * members get ROOM_PRESENCE(online). */
void rooms_on_login(struct client *c);

/* c is leaving: its rooms' other online members get ROOM_PRESENCE(offline). */
void rooms_on_logout(struct client *c);

#endif
