/* Events: one per kind of change that other nodes must see (docs/CLUSTER.md section 3).
 * A request handler checks the request against memory, builds the event and logs it
 * with event_log(); the event's apply function decides what the event does (from the
 * event and the store alone: another node has neither the requester's connection nor
 * its view), stores it (joining the pass transaction), updates memory and delivers its
 * frames through deliver.h, so an acknowledgement still waits for the commit.
 *
 * On a single node the log is the pass commit: event_log() applies at once. With
 * --cluster the log becomes an append to the Redis stream (cluster.h) and the same
 * apply function (event_apply.h) runs when the entry is read back, on every node.
 * Conflicts are therefore decided at apply time, in log order: an edit of a message
 * deleted meanwhile is refused there, not in the handler. */
#ifndef CHAT_SERVER_EVENT_H
#define CHAT_SERVER_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/protocol.h"
#include "server/log.h"

struct client;
struct deliver_ticket;
struct room;
struct server;

enum event_type {
    EVENT_TEXT,     /* a text posted to a room (TEXT_SEND, DIRECT_SEND, REPLY_SEND) */
    EVENT_EDIT,     /* a text's author gives it a new text (EDIT) */
    EVENT_DELETE,   /* a message deleted by its author or a moderator (DELETE) */
    EVENT_REACT,    /* a reaction toggled on a message (REACT) */
    EVENT_ROOM_CREATE, /* a public or private room made (ROOM_CREATE) */
    EVENT_ROOM_MEMBER, /* an account joins, leaves or is invited to a room */
    EVENT_ROOM_TOPIC,  /* a room's topic set (ROOM_TOPIC_SET) */
    EVENT_MODERATE,    /* a role, ban, unban, kick, mute or deletion (MODERATE) */
    EVENT_ACCOUNT_CREATE, /* an account registered (REGISTER) */
    EVENT_SESSION_ADD,    /* a session made at a login, registration or password change */
    EVENT_SESSION_DROP,   /* a session, or every session of an account, ended (LOGOUT) */
    EVENT_ACCOUNT_CHANGE, /* an account's password hash changed (PASSWORD_CHANGE, or a
                             rehash at a login); roles change through EVENT_MODERATE */
    EVENT_BLOCK,          /* an account blocks or unblocks another's direct messages */
    EVENT_READ_MARK,      /* an account's read marker in a room moved (READ_MARK) */
    EVENT_INVITE_CREATE,  /* an admin made an invite code (INVITE_CREATE) */
    EVENT_FILE,           /* an upload verified and kept under its stored name (FILE_END) */
    EVENT_DIRECT,         /* a DIRECT_SEND to an account with no direct room here yet */
    EVENT_RECEIPTS_SET,   /* an account shares its receipts or not (RECEIPTS_SET) */
    EVENT_NOTIFY_LEVEL,   /* an account's notification level of a room (NOTIFY_LEVEL_SET) */
    EVENT_PRUNE,          /* --retention-days: old messages and their files deleted (the
                             retention timer, retention_expire()) */
};

/* EVENT_TEXT. Strings are borrowed. */
struct event_text {
    uint32_t room_id;
    int64_t time_ms;
    int64_t sender_account;    /* 0 for a guest */
    const char *sender_name;
    uint32_t sender_conn;      /* the sender's connection id (TEXT's sender_id) */
    uint64_t client_id;        /* the sender's own id for it */
    uint64_t reply_to;         /* 0, or the message of the room it answers */
    struct proto_str text;     /* has passed text_check */
};

/* EVENT_EDIT, EVENT_DELETE and EVENT_REACT: a change to one message by an account. */
struct event_change {
    uint64_t message_id;
    int64_t time_ms;
    int64_t actor_account;
    const char *actor_name;
    bool actor_moderates;      /* DELETE: the actor may delete others' messages */
    struct proto_str text;     /* EDIT: the new text (text_check passed); REACT: the
                                  emoji (emoji_check passed) */
};

/* EVENT_ROOM_CREATE: a public or private room named by its creator. The room's id is
 * assigned when it is applied. Strings are borrowed. */
struct event_room_create {
    int kind;                  /* PROTO_ROOM_PUBLIC or PROTO_ROOM_PRIVATE */
    int64_t time_ms;
    int64_t creator_account;
    const char *creator_name;
    struct proto_str name;     /* has passed name_check */
    struct proto_str topic;    /* has passed the topic check */
};

enum event_member_action {
    EVENT_MEMBER_JOIN,         /* account joins room (ROOM_JOIN) */
    EVENT_MEMBER_LEAVE,        /* account leaves room (ROOM_LEAVE) */
    EVENT_MEMBER_INVITE,       /* actor invites account to a private room (ROOM_INVITE) */
};

/* EVENT_ROOM_MEMBER. Strings are borrowed. */
struct event_room_member {
    enum event_member_action action;
    uint32_t room_id;
    int64_t time_ms;
    int64_t account;           /* who joins, leaves or is invited */
    const char *account_name;  /* its name (an invite: as the inviter typed it, which
                                  folds to the account's key) */
    int64_t actor_account;     /* who asked: the account itself, or the inviter */
    const char *actor_name;
};

/* EVENT_ROOM_TOPIC. Strings are borrowed. */
struct event_room_topic {
    uint32_t room_id;
    int64_t time_ms;
    int64_t actor_account;     /* 0 for a guest (the lobby's topic, by a moderator) */
    const char *actor_name;
    struct proto_str topic;    /* has passed the topic check (may be empty) */
};

/* EVENT_MODERATE: what a moderator or admin does to an account, or to a guest's
 * connection (kick and mute only). Strings are borrowed. */
struct event_moderate {
    uint16_t action;           /* enum proto_mod_action */
    uint32_t value;            /* ROLE: the new role; MUTE: minutes, at most
                                  SERVER_MAX_MUTE_MINUTES (0 unmutes) */
    int64_t time_ms;
    int64_t until_ms;          /* MUTE: when it ends (0: unmuted) */
    int64_t actor_account;
    const char *actor_name;
    int64_t target_account;    /* 0: a guest */
    uint32_t target_conn;      /* a guest: its connection id */
    const char *target_name;
    struct proto_str reason;   /* has passed the codec's checks; may be empty */
};

/* EVENT_ACCOUNT_CREATE: never a password, only its Argon2id hash, made on the taking
 * node's worker. The account's id and role are assigned when it is applied. */
struct event_account_create {
    int64_t time_ms;
    const char *name;          /* has passed name_check (borrowed) */
    const char *pw_hash;       /* Argon2id string (borrowed) */
    bool has_invite;
    uint8_t invite_hash[PROTO_SHA256_LEN]; /* SHA-256 of the invite code brought */
};

/* EVENT_SESSION_ADD and EVENT_SESSION_DROP: never a token, only its SHA-256. */
struct event_session {
    int64_t account;
    int64_t time_ms;
    int64_t expires_ms;        /* ADD */
    bool all;                  /* DROP: every session of the account, not token_hash's */
    uint8_t token_hash[PROTO_SHA256_LEN];
};

/* EVENT_ACCOUNT_CHANGE: never a password, only its Argon2id hash (borrowed). */
struct event_account_change {
    int64_t account;
    int64_t time_ms;
    const char *pw_hash;
    bool rehash;               /* the same password hashed with the current parameters at
                                  a login: nothing else changes, a failure is only logged.
                                  Otherwise a new password: every session ends */
};

/* EVENT_BLOCK. */
struct event_block {
    int64_t account;           /* who blocks */
    const char *account_name;  /* its name, for the log (borrowed) */
    int64_t blocked;           /* whose direct messages it refuses (or takes again) */
    bool on;
    int64_t time_ms;
};

/* EVENT_READ_MARK: markers only move forward. */
struct event_read_mark {
    int64_t account;
    const char *account_name;  /* borrowed */
    uint32_t room_id;
    uint64_t message_id;
    bool receipts_off;         /* the account shares no receipts (RECEIPTS_SET) */
};

/* EVENT_INVITE_CREATE: never the code, only its SHA-256. */
struct event_invite {
    uint8_t code_hash[PROTO_SHA256_LEN];
    int64_t creator;           /* the admin's account */
    const char *creator_name;  /* for the log (borrowed) */
    int64_t time_ms;
    int64_t expires_ms;
};

/* EVENT_FILE: the bytes are already in the files directory under name, which the taking
 * node chose there without replacing any file (filestore_keep()), so every node's row
 * names the same file. Strings and the thumbnail are borrowed. */
struct event_file {
    uint32_t room_id;
    int64_t time_ms;
    int64_t sender_account;    /* 0 for a guest */
    const char *sender_name;
    uint32_t sender_conn;      /* FILE_ANNOUNCE's uploader_id */
    uint64_t upload_id;
    const char *name;          /* stored base name (filename rules passed) */
    uint64_t size;
    uint8_t sha256[PROTO_SHA256_LEN];
    const uint8_t *thumb;      /* a checked PNG or JPEG, or NULL */
    size_t thumb_len;
    uint16_t thumb_width, thumb_height;
};

/* EVENT_DIRECT: the direct room of sender and peer (its key, "lowid:highid") is made
 * when it is applied if it does not exist by then, and the text posted to it. */
struct event_direct {
    struct event_text text;    /* room_id 0 (the room is found or made at apply),
                                  reply_to 0; sender_account is the creator */
    int64_t peer_account;      /* the other account */
    const char *peer_name;     /* borrowed */
};

/* EVENT_RECEIPTS_SET and EVENT_NOTIFY_LEVEL: an account's setting. */
struct event_setting {
    int64_t account;
    const char *account_name;  /* borrowed */
    uint32_t room_id;          /* NOTIFY_LEVEL: the room; RECEIPTS_SET: 0 */
    uint16_t value;            /* RECEIPTS_SET: 1 shares receipts, 0 not; NOTIFY_LEVEL:
                                  the level (at most PROTO_NOTIFY_NONE) */
};

/* EVENT_PRUNE: every node deletes the same rows, whatever its own clock says. */
struct event_prune {
    int64_t before_ms;         /* messages with an older time_ms go, with their files */
    int64_t time_ms;           /* when it was taken (wall clock), after before_ms */
    uint32_t max_rows;         /* at most this many, lowest ids first (1 to
                                  SERVER_PRUNE_BATCH) */
};

struct event {
    enum event_type type;
    union {
        struct event_text text;
        struct event_change change;
        struct event_room_create room_create;
        struct event_room_member room_member;
        struct event_room_topic room_topic;
        struct event_moderate moderate;
        struct event_account_create account_create;
        struct event_session session;
        struct event_account_change account_change;
        struct event_block block;
        struct event_read_mark read_mark;
        struct event_invite invite;
        struct event_file file;
        struct event_direct direct;
        struct event_setting setting;
        struct event_prune prune;
    } u;
};

/* Logs ev for the request of ticket, which its answer (or refusal) goes to. */
void event_log(struct server *srv, const struct event *ev, const struct deliver_ticket *ticket);

/* event_log() for c's request of ref_type and ref_id (the ticket its ERROR would carry). */
void event_log_request(struct client *c, const struct event *ev, uint16_t ref_type,
                       uint64_t ref_id);

/* Applies ev (its type's apply function below). ticket is the request it answers, NULL
 * when the requester is not on this node. */
void event_apply(struct server *srv, const struct event *ev,
                 const struct deliver_ticket *ticket);

/* A cluster node's check of a stream entry's event against rules that only the store (or
 * the entry's id: landed_ms, its time) can tell, made before it applies the entry: NULL
 * if ev keeps them, else why not (written
 * to why, size bytes), and the entry is skipped. Every node holds the same rows at that
 * point of the stream, so it is skipped alike on every node. A store that fails the
 * lookup counts in store_failures() (and why says so). */
const char *event_check_stored(struct server *srv, const struct event *ev,
                               uint64_t landed_ms, char *why, size_t size);

/* For the apply functions: logs a line about an event, as its requester's line when it
 * is on this node (requester not NULL), else under conn and name. */
void event_note(const struct client *requester, uint32_t conn, const char *name,
                enum log_level level, const char *fmt, ...) G_GNUC_PRINTF(5, 6);

/* For the apply functions: answers the request of ticket with ERROR(code), if its
 * requester is on this node. */
void event_refuse(struct server *srv, const struct deliver_ticket *ticket, uint16_t code,
                  const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* For the apply functions: the connection of account (named name) on this node once it
 * has its WELCOME, or NULL: the requester of ticket if it is that account, else the one
 * logged in under its name. */
struct client *event_account_client(struct server *srv, const struct deliver_ticket *ticket,
                                    int64_t account, const char *name);

/* For the apply functions that need a ticket (room_send_state()): ticket, or (its
 * requester on another node: NULL) deliver_no_request. deliver_pending_ticket() takes
 * NULL itself. */
const struct deliver_ticket *event_pending_ticket(const struct deliver_ticket *ticket);

/* For the apply functions: encodes msg and delivers it to r's online members for the
 * request of ticket (deliver_ticketed()). False if it cannot be encoded (logged). */
bool event_deliver(struct server *srv, const struct deliver_ticket *ticket,
                   const struct room *r, const struct proto_msg *msg);

#endif
