/* Per-room notification levels in the store (store_notify.c, schema v7): each account's
 * level for the rooms it did not leave at "all" (PROTOCOL.md, NOTIFY_LEVEL_SET). Writes
 * join the pass transaction (group commit); reads see the pass's own writes. */
#ifndef CHAT_SERVER_STORE_NOTIFY_H
#define CHAT_SERVER_STORE_NOTIFY_H

#include <stdint.h>

#include "server/store/store.h"

/* Stores account_id's level for room_id (enum proto_notify; 0, "all", keeps no
 * row). STORE_OK or STORE_ERROR. */
enum store_status store_notify_set(struct store *st, int64_t account_id, uint32_t room_id,
                                   int level);

/* Called per room of an account whose level is not "all". */
typedef void (*store_notify_fn)(uint32_t room_id, int level, void *data);

/* Calls fn for each of account_id's stored levels, in room order. STORE_OK or
 * STORE_ERROR. */
enum store_status store_notify_of_account(struct store *st, int64_t account_id,
                                          store_notify_fn fn, void *data);

#endif
