/* Per-room presence notices (ROOM_PRESENCE and PRESENCE_STATE, docs/PROTOCOL.md 5.38 and
 * 5.47), batched: the logins, logouts, joins, leaves and away changes of one loop pass
 * in one room go out as one frame per type and state,
 * shared by the room's online members, instead of one frame per event. A notice is held
 * until the pass ends or until anything else is sent to the room (so the order a member
 * sees is the order things happened in), or until a notice of another state comes for
 * the same room. A notice never names its recipient, nor repeats what the room's state
 * (sent at its own login or join) told it: a member named in a batch gets only the
 * news to it (room_presence.c, own_part). Joins and leaves are stored changes: their
 * notices are sent before the pass's commit and withdrawn if it fails (deliver.h). */
#ifndef CHAT_SERVER_ROOM_PRESENCE_H
#define CHAT_SERVER_ROOM_PRESENCE_H

#include <stdbool.h>
#include <stdint.h>

struct client;
struct deliver_request;
struct deliver_ticket;
struct room;
struct server;

/* Holds the notice that c's account changed state in r (enum proto_member_state) for
 * r's other online members; req (a join or leave: a stored change) or NULL. */
void room_tell_presence(struct client *c, struct room *r, uint16_t state,
                        const struct deliver_request *req);

/* room_tell_presence() for an account known by id and name (an event's apply function:
 * its account may be online on another node), for the stored change of ticket t. */
void room_tell_member(struct server *srv, struct room *r, int64_t account_id, const char *name,
                      uint16_t state, const struct deliver_ticket *t);

/* Holds the notice that an account known by id and name (online on another node) is
 * now active or away in r (PRESENCE_STATE). */
void room_tell_member_away(struct server *srv, struct room *r, int64_t account_id,
                           const char *name, uint16_t state);

/* Holds the notice that c is now active or away (enum proto_presence) for r's other
 * online members (PRESENCE_STATE). */
void room_tell_away(struct client *c, struct room *r, uint16_t state);

/* Sends r's held notices now (before another frame of r goes out). */
void room_presence_flush_room(struct server *srv, struct room *r);

/* Sends every held notice; runs before the pass's commit and before its writes. */
void room_presence_flush(struct server *srv);

/* True while a notice is held. */
bool room_presence_held(const struct server *srv);

/* Forgets r's held notices (r is being freed). */
void room_presence_drop(struct room *r);

#endif
