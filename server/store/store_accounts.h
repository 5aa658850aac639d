/* Accounts, sessions and invites in the store (server/store/store_accounts.c): the only
 * place their SQL lives. Writes join the loop pass's transaction (group commit, see
 * store.h), so nothing written here is acknowledged before store_commit(). Lookups
 * return 1 (found, *out filled), 0 (none) or STORE_ERROR. */
#ifndef CHAT_SERVER_STORE_ACCOUNTS_H
#define CHAT_SERVER_STORE_ACCOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/protocol.h"
#include "server/store/store.h"

struct store_account {
    int64_t id;
    char *name;              /* as registered (owned) */
    char *pw_hash;           /* crypto_pwhash_str output (owned) */
    int role;                /* enum proto_role: member, moderator or admin */
    bool banned;
    char *ban_reason;        /* owned; NULL when none was given */
    int64_t muted_until_ms;  /* wall clock; 0 or past: not muted */
    bool deleted;            /* the row stays so history keeps a sender and the name
                                stays reserved */
};

/* Frees the strings of a (which may be zeroed or already cleared). */
void store_account_clear(struct store_account *a);

/* The account whose name has this look-alike fold key (deleted ones included). */
int store_account_find(struct store *st, const char *name_key, struct store_account *out);

/* The account with this id. */
int store_account_get(struct store *st, int64_t id, struct store_account *out);

/* How many accounts were ever registered (deleted ones included), or STORE_ERROR. */
int64_t store_account_count(struct store *st);

/* Adds an account; *id is its new id. A taken name_key is STORE_ERROR. */
enum store_status store_account_add(struct store *st, const char *name, const char *name_key,
                                    const char *pw_hash, int role, int64_t now_ms,
                                    int64_t *id);

enum store_status store_account_set_hash(struct store *st, int64_t id, const char *pw_hash);
enum store_status store_account_set_role(struct store *st, int64_t id, int role);

/* Bans (reason may be NULL) or unbans. */
enum store_status store_account_set_ban(struct store *st, int64_t id, bool banned,
                                        const char *reason);

/* Mutes until until_ms (wall clock); 0 lifts the mute. */
enum store_status store_account_set_mute(struct store *st, int64_t id, int64_t until_ms);

/* Marks the account deleted and revokes its sessions. */
enum store_status store_account_delete(struct store *st, int64_t id);

/* Records a session by the SHA-256 of its token. */
enum store_status store_session_add(struct store *st, const uint8_t hash[PROTO_SHA256_LEN],
                                    int64_t account_id, int64_t now_ms, int64_t expires_ms);

/* The live (unexpired at now_ms) session with this token hash: its account and expiry. */
int store_session_find(struct store *st, const uint8_t hash[PROTO_SHA256_LEN], int64_t now_ms,
                       int64_t *account_id, int64_t *expires_ms);

/* Revokes one session (unknown hashes are fine). */
enum store_status store_session_revoke(struct store *st, const uint8_t hash[PROTO_SHA256_LEN]);

/* Revokes every session of an account. */
enum store_status store_sessions_revoke_all(struct store *st, int64_t account_id);

/* Deletes sessions and unused invites that expired before now_ms; returns how many
 * rows went, or STORE_ERROR. */
int store_accounts_prune(struct store *st, int64_t now_ms);

/* Records an invite by the SHA-256 of its code; created_by is an account id or 0 (the
 * shell). */
enum store_status store_invite_add(struct store *st, const uint8_t hash[PROTO_SHA256_LEN],
                                   int64_t created_by, int64_t now_ms, int64_t expires_ms);

/* 1 when an unused, unexpired invite has this hash; 0 if not. */
int store_invite_valid(struct store *st, const uint8_t hash[PROTO_SHA256_LEN], int64_t now_ms);

/* Marks the invite used by account_id: 1 if it was still valid, 0 if not (then nothing
 * changes), STORE_ERROR. */
int store_invite_use(struct store *st, const uint8_t hash[PROTO_SHA256_LEN], int64_t now_ms,
                     int64_t account_id);

#endif
