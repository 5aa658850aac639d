/* Rooms, their members, invitations and blocks in the store (store_rooms.c): the only
 * place their SQL lives. Writes join the pass transaction (group commit, store.h); the
 * server keeps the rooms and members in memory (server/rooms.h) and reads them from
 * here once, at start. Lookups return 1 (yes), 0 (no) or STORE_ERROR. */
#ifndef CHAT_SERVER_STORE_ROOMS_H
#define CHAT_SERVER_STORE_ROOMS_H

#include <stdbool.h>
#include <stdint.h>

#include "server/store/store.h"

/* A room as kept; strings are borrowed (from the store while a callback runs, from the
 * caller when adding). */
struct store_room {
    uint32_t id;
    int kind;                  /* enum proto_room_kind */
    const char *name;          /* NULL for a direct room */
    const char *name_key;      /* NULL for a direct room */
    const char *dm_key;        /* direct rooms: "lowid:highid"; else NULL */
    const char *topic;
    int64_t created_by;        /* account id */
};

/* Called once per room (the lobby included), in ascending id. */
typedef void (*store_room_fn)(const struct store_room *room, void *data);

/* Called once per membership, with the member's account name. */
typedef void (*store_member_fn)(uint32_t room_id, int64_t account_id, const char *name,
                                void *data);

/* Reads every room, then every membership. */
enum store_status store_rooms_load(struct store *st, store_room_fn on_room,
                                   store_member_fn on_member, void *data);

/* Adds a room (r->id ignored); *id is its new id. A taken name_key or dm_key is
 * STORE_ERROR. */
enum store_status store_room_add(struct store *st, const struct store_room *r, int64_t now_ms,
                                 uint32_t *id);

enum store_status store_room_set_topic(struct store *st, uint32_t room_id, const char *topic);

/* How many rooms (not direct ones) account created since since_ms, and when the oldest of
 * those was created (*oldest_ms, 0 if none). */
enum store_status store_rooms_created_since(struct store *st, int64_t account_id,
                                            int64_t since_ms, unsigned *count,
                                            int64_t *oldest_ms);

/* Adds a member (and drops its invitation to the room, if any). */
enum store_status store_room_member_add(struct store *st, uint32_t room_id, int64_t account_id,
                                        int64_t now_ms);

enum store_status store_room_member_remove(struct store *st, uint32_t room_id,
                                           int64_t account_id);

/* Records an invitation (again: nothing changes). */
enum store_status store_room_invite_add(struct store *st, uint32_t room_id, int64_t account_id,
                                        int64_t invited_by, int64_t now_ms);

/* 1 when account_id is invited to room_id. */
int store_room_invited(struct store *st, uint32_t room_id, int64_t account_id);

/* Calls on_room(room_id) for each room account_id is invited to. */
enum store_status store_room_invites_of(struct store *st, int64_t account_id,
                                        void (*on_room)(uint32_t room_id, void *data),
                                        void *data);

/* Blocks (on) or unblocks blocked_id for account_id. */
enum store_status store_block_set(struct store *st, int64_t account_id, int64_t blocked_id,
                                  bool on, int64_t now_ms);

/* 1 when account_id has blocked blocked_id. */
int store_blocked(struct store *st, int64_t account_id, int64_t blocked_id);

#endif
