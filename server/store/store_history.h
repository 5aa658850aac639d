/* History reads and send deduplication (store_history.c): a room's stored messages (and
 * the events that changed them) by id range, for HISTORY and RESUME, and the lookup that makes a resent TEXT_SEND
 * idempotent. History reads see committed messages only: not those the open pass
 * transaction wrote (they may yet be rolled back; their live copies are still on the
 * way). */
#ifndef CHAT_SERVER_STORE_HISTORY_H
#define CHAT_SERVER_STORE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/store/store.h"

/* One stored row as a replay needs it; strings are valid during the callback only.
 * kind is an enum store_kind (store_live.h): a message (text, file) or an event that
 * changes one (edit, deletion, reaction). */
struct store_history_row {
    uint64_t id;
    int64_t time_ms;
    uint32_t room_id;
    int kind;
    int64_t sender_id;         /* account id; 0 for a guest */
    const char *sender_name;
    uint64_t client_id;        /* the sender's transaction id (or upload id) */
    bool is_file;
    const char *body;          /* texts: body_len bytes, the current text */
    size_t body_len;
    uint64_t file_id;          /* files: the index entry */
    uint64_t size;
    const uint8_t *sha256;     /* 32 bytes, or NULL if the index entry is gone */
    const char *file_name;
    uint64_t reply_to;         /* messages: the message it answers, or 0 */
    uint64_t edit_id;          /* messages: the latest edit event, or 0 */
    int64_t edit_time_ms;
    uint64_t deleted_id;       /* messages: the deletion event, or 0 */
    int64_t deleted_time_ms;
    const char *deleted_by;    /* its actor */
    uint64_t target_id;        /* events: the message changed */
    const char *emoji;         /* reaction events */
    const char *target_body;   /* edit events: the target's current text (NULL once it is
                                  deleted), target_body_len bytes */
    size_t target_body_len;
    const uint8_t *thumb;      /* files: the thumbnail (thumb_len bytes) or NULL */
    size_t thumb_len;
    uint16_t thumb_width, thumb_height;
};

/* Takes one row; false ends the read after it. */
typedef bool (*store_history_fn)(const struct store_history_row *row, void *data);

/* Calls fn for the rows of room_id with lo < id < hi, messages only or with events too:
 * the `limit` newest of them in descending id order if newest, else the `limit` oldest
 * in ascending order, until fn returns false. Returns how many rows fn took, or
 * STORE_ERROR. */
int store_history_range(struct store *st, uint32_t room_id, uint64_t lo, uint64_t hi,
                        unsigned limit, bool newest, bool events, store_history_fn fn,
                        void *data);

/* 1 if room_id has a message (or, with events, any row) with lo < id < hi, 0 if not,
 * STORE_ERROR. */
int store_history_exists(struct store *st, uint32_t room_id, uint64_t lo, uint64_t hi,
                         bool events);

/* The text m's account already stored in m's room with m's client_id and the same
 * body (a resend): 1 with *id and *time_ms filled, 0 if none (or a guest's m),
 * STORE_ERROR. */
int store_find_sent(struct store *st, const struct store_message *m, uint64_t *id,
                    int64_t *time_ms);

#endif
