/* The live conversation (PROTOCOL.md section 5.48): typing notices (live_typing.c),
 * read markers and receipts (live_receipts.c), edits, deletions, replies and reactions
 * (live_edits.c). Everything but typing is stored first and delivered to the room's
 * online members after the pass's commit (deliver.h); only a room's members see any of
 * it. */
#ifndef CHAT_SERVER_LIVE_H
#define CHAT_SERVER_LIVE_H

#include "common/protocol.h"

#include <stdint.h>

struct client;
struct deliver_ticket;
struct room;
struct server;

/* TYPING_SET: relayed as TYPING to the room's other online members, at most once per
 * SERVER_TYPING_RELAY_MS per connection and room; the rest is dropped silently. */
void live_on_typing_set(struct client *c, const struct proto_msg *msg);

/* READ_MARK: moves the account's marker forward (never back) and answers READ_MARKER;
 * the room's members who share receipts get a RECEIPT, unless c's account opted out. */
void live_on_read_mark(struct client *c, const struct proto_msg *msg);

/* RECEIPTS_SET: logs the account's receipts opt-out (event_setting.c applies it); DONE. */
void live_on_receipts_set(struct client *c, const struct proto_msg *msg);

/* Sets up and frees srv's count receipts in waiting. */
void live_init(struct server *srv);
void live_free(struct server *srv);

/* Sends the count receipts whose time has come. */
void live_expire(struct server *srv, int64_t now);

/* The nearest time live_expire() has work, or INT64_MAX. */
int64_t live_next_deadline(const struct server *srv);

/* c has logged in (after rooms_on_login): its read markers (READ_MARKER per room), and,
 * unless it opted out, the RECEIPTs of the other members of its rooms of up to
 * SERVER_RECEIPT_NAMES_MAX members; then its notification levels. */
void live_on_login(struct client *c);

/* NOTIFY_LEVEL_SET (live_notify.c): logs the account's level for a room it is in
 * (event_setting.c applies it: NOTIFY_LEVEL back, then DONE). */
void live_on_notify_level_set(struct client *c, const struct proto_msg *msg);

/* c has logged in: a NOTIFY_LEVEL for each of its rooms not at "all" (live_on_login
 * calls it). */
void live_notify_on_login(struct client *c);

/* EDIT: the author's new text; MESSAGE_EDITED to the room, DONE. */
void live_on_edit(struct client *c, const struct proto_msg *msg);

/* DELETE: by the author or a moderator; MESSAGE_DELETED to the room, DONE. */
void live_on_delete(struct client *c, const struct proto_msg *msg);

/* REPLY_SEND: a text in reply to a message of the same room; REPLY_TO and TEXT. */
void live_on_reply_send(struct client *c, const struct proto_msg *msg);

/* REACT: toggles the account's reaction; REACTION to the room, DONE. */
void live_on_react(struct client *c, const struct proto_msg *msg);

/* Tells r's members that account (named name) read up to message_id, after the commit
 * of the request of ticket t (NULL: one of another node): by name in a small room; in
 * a large one as a count, at most once per SERVER_RECEIPT_COUNT_MS (the rest waits for
 * live_expire). Members that opted out of receipts, and the reader, get none. */
void live_tell_receipt(struct server *srv, const struct room *r, int64_t account,
                       const char *name, uint64_t message_id, const struct deliver_ticket *t);

/* Answers c's request with DONE once the pass has committed. */
void live_done(struct client *c, uint16_t type, uint64_t request_id);

#endif
