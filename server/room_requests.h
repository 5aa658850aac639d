/* The room and direct-message requests (0x03xx, PROTOCOL.md sections 5.27-5.35): each
 * checks, writes to the store (the pass transaction), updates rooms.h's memory, and
 * queues its answers and notices through deliver.h, so nothing is told before the
 * commit. Guests (HELLO logins) have the lobby only: every request here but ROOM_LIST
 * answers them NOT_ALLOWED. */
#ifndef CHAT_SERVER_ROOM_REQUESTS_H
#define CHAT_SERVER_ROOM_REQUESTS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/protocol.h"

struct client;
struct room;

void room_on_create(struct client *c, const struct proto_msg *msg);
void room_on_join(struct client *c, const struct proto_msg *msg);
void room_on_leave(struct client *c, const struct proto_msg *msg);
void room_on_list(struct client *c, const struct proto_msg *msg);
void room_on_topic_set(struct client *c, const struct proto_msg *msg);
void room_on_invite(struct client *c, const struct proto_msg *msg);

/* The id of the account a request names, or 0 after answering ACCOUNT_UNKNOWN (deleted
 * accounts too: they cannot be reached) or NOT_ALLOWED (c's own account). *key_out gets
 * the name's fold key (g_free) when not 0. */
int64_t room_account_named(struct client *c, struct proto_str name, uint16_t type,
                           uint64_t request_id, char **key_out);

/* DIRECT_SEND: the text to the direct room of c and the named account, created first if
 * it is new (direct.c). */
void direct_on_send(struct client *c, const struct proto_msg *msg);

/* BLOCK (direct.c). */
void direct_on_block(struct client *c, const struct proto_msg *msg);

/* True when c may post to r: any room but a direct one whose other member has blocked
 * c's account (then answers DIRECT_REFUSED with ref_type and ref_id). */
bool direct_allowed(struct client *c, const struct room *r, uint16_t ref_type,
                    uint64_t ref_id);

/* Stores c's text in r and delivers its TEXT to r's online members after the commit,
 * answering ref_type (TEXT_SEND, DIRECT_SEND or REPLY_SEND) with client_id on failure.
 * The text must have passed text_check. A reply (reply_to not 0: a message of r) is
 * stored as one and its TEXT preceded by REPLY_TO. */
void room_post_text(struct client *c, const struct room *r, uint64_t client_id,
                    struct proto_str text, uint16_t ref_type, uint64_t reply_to);

#endif
