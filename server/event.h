/* Events: one per kind of change that other nodes must see (docs/CLUSTER.md section 3).
 * A request handler checks the request against memory, builds the event and logs it
 * with event_log(); the event's apply function decides what the event does (from the
 * event and the store alone: another node has neither the requester's connection nor
 * its view), stores it (joining the pass transaction), updates memory and delivers its
 * frames through deliver.h, so an acknowledgement still waits for the commit.
 *
 * On a single node the log is the pass commit: event_log() applies at once. With
 * --cluster the log becomes an append to the Redis stream (cluster.h) and the same
 * apply function runs when the entry is read back, on every node. Conflicts are therefore decided at apply time, in log order: an edit of a
 * message deleted meanwhile is refused there, not in the handler. */
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

struct event {
    enum event_type type;
    union {
        struct event_text text;
        struct event_change change;
    } u;
};

/* Logs ev for the request of ticket, which its answer (or refusal) goes to. */
void event_log(struct server *srv, const struct event *ev, const struct deliver_ticket *ticket);

/* Applies ev (its type's apply function below). ticket is the request it answers, NULL
 * when the requester is not on this node. */
void event_apply(struct server *srv, const struct event *ev,
                 const struct deliver_ticket *ticket);

/* For the apply functions: logs a line about an event, as its requester's line when it
 * is on this node (requester not NULL), else under conn and name. */
void event_note(const struct client *requester, uint32_t conn, const char *name,
                enum log_level level, const char *fmt, ...) G_GNUC_PRINTF(5, 6);

/* For the apply functions: answers the request of ticket with ERROR(code), if its
 * requester is on this node. */
void event_refuse(struct server *srv, const struct deliver_ticket *ticket, uint16_t code,
                  const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* For the apply functions: encodes msg and delivers it to r's online members for the
 * request of ticket (deliver_ticketed()). False if it cannot be encoded (logged). */
bool event_deliver(struct server *srv, const struct deliver_ticket *ticket,
                   const struct room *r, const struct proto_msg *msg);

/* A resend of a stored text (same sender account, client id, room and text) is
 * answered with the original to the requester only; otherwise the text is stored (a
 * reply as one) and its TEXT, after REPLY_TO for a reply, delivered to the room's online
 * members after the commit. */
void event_apply_text(struct server *srv, const struct event_text *ev,
                      const struct deliver_ticket *ticket);

/* The message must still be a text or file of an existing room, not deleted (else the
 * requester gets MESSAGE_UNKNOWN or MESSAGE_DELETED); an edit must be of a text by the
 * actor (else NOT_AUTHOR), a deletion by the author or a moderator (else NOT_AUTHOR); a
 * reaction past the room's limit of distinct emoji gets TOO_MANY_REACTIONS. Otherwise
 * the change is stored, MESSAGE_EDITED, MESSAGE_DELETED or REACTION goes to the room's
 * online members and DONE to the requester, after the commit. */
void event_apply_edit(struct server *srv, const struct event_change *ev,
                      const struct deliver_ticket *ticket);
void event_apply_delete(struct server *srv, const struct event_change *ev,
                        const struct deliver_ticket *ticket);
void event_apply_react(struct server *srv, const struct event_change *ev,
                       const struct deliver_ticket *ticket);

#endif
