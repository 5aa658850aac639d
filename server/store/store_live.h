/* The live conversation in the store (store_live.c, schema v4): edits, deletions,
 * replies and reactions as events in the messages table, read markers and the receipts
 * opt-out. Writes join the pass transaction (group commit); reads see the pass's own
 * writes. Strings passed to callbacks are valid during the callback only. */
#ifndef CHAT_SERVER_STORE_LIVE_H
#define CHAT_SERVER_STORE_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/store/store.h"

/* Kinds of rows in messages: 1 and 2 are the messages (store_messages.c), the rest
 * events that change one (target_id). */
enum store_kind {
    STORE_KIND_TEXT = 1,
    STORE_KIND_FILE = 2,
    STORE_KIND_EDIT = 3,
    STORE_KIND_DELETE = 4,
    STORE_KIND_REACT_ADD = 5,
    STORE_KIND_REACT_REMOVE = 6,
};

/* A stored row as an edit, deletion or reaction needs to judge it. */
struct store_target {
    uint64_t id;
    uint32_t room_id;
    int kind;                  /* enum store_kind */
    int64_t sender_id;         /* 0 for a guest */
    bool deleted;
};

/* An event to store: who did it, when, to which message. */
struct store_event {
    uint64_t target_id;
    uint32_t room_id;
    int64_t time_ms;
    int64_t actor_id;
    const char *actor_name;
};

/* Row id's room, kind, sender and state: 1 with *out filled, 0 if there is none,
 * STORE_ERROR. */
int store_live_find(struct store *st, uint64_t id, struct store_target *out);

/* Stores an edit of ev->target_id (a text): the event, and text as the message's text
 * from now on. *event_id is the edit's own id. */
enum store_status store_live_edit(struct store *st, const struct store_event *ev,
                                  const char *text, size_t len, uint64_t *event_id);

/* Stores the deletion of ev->target_id: the event, and the message's text cleared (an
 * UPDATE: nothing of it is left in the row). */
enum store_status store_live_delete(struct store *st, const struct store_event *ev,
                                    uint64_t *event_id);

/* Marks message_id as a reply to reply_to. */
enum store_status store_live_set_reply(struct store *st, uint64_t message_id, uint64_t reply_to);

/* Toggles ev->actor_id's reaction emoji on ev->target_id: stores the event and sets
 * *added (true: it is now there). 0 done; 1 refused because the message has
 * SERVER_REACTIONS_PER_MESSAGE other emoji already; STORE_ERROR. */
int store_live_react(struct store *st, const struct store_event *ev, const char *emoji,
                     size_t len, bool *added, uint64_t *event_id);

typedef void (*store_reaction_fn)(int64_t account_id, const char *name, const char *emoji,
                                  void *data);

/* Calls fn for up to limit current reactions on message_id, oldest first. Returns how
 * many, or STORE_ERROR. */
int store_live_reactions(struct store *st, uint64_t message_id, unsigned limit,
                         store_reaction_fn fn, void *data);

/* Moves account_id's read marker in room_id forward to message_id (never back) and
 * puts where it now is in *current. 1 if it moved, 0 if it was at or past message_id
 * already, STORE_ERROR. */
int store_live_mark(struct store *st, int64_t account_id, uint32_t room_id,
                    uint64_t message_id, uint64_t *current);

typedef void (*store_marker_fn)(uint32_t room_id, int64_t account_id, const char *name,
                                uint64_t message_id, void *data);

/* Calls fn for every read marker of account_id (name NULL). STORE_OK or STORE_ERROR. */
enum store_status store_live_markers_of_account(struct store *st, int64_t account_id,
                                                store_marker_fn fn, void *data);

/* Calls fn for the read markers in room_id of accounts that share receipts.
 * STORE_OK or STORE_ERROR. */
enum store_status store_live_markers_of_room(struct store *st, uint32_t room_id,
                                             store_marker_fn fn, void *data);

/* How many accounts that share receipts have read room_id up to message_id or further,
 * or STORE_ERROR. */
int64_t store_live_readers(struct store *st, uint32_t room_id, uint64_t message_id);

/* 1 if account_id opted out of receipts, 0 if not, STORE_ERROR. */
int store_live_receipts_off(struct store *st, int64_t account_id);

/* Stores account_id's receipts opt-out. */
enum store_status store_live_set_receipts_off(struct store *st, int64_t account_id, bool off);

#endif
