/* The apply function of each event kind (event.h): what every node runs, in stream
 * order in a cluster, to decide a change from the event and the store alone, store it and
 * deliver it to the node's own clients. Defined by family in event_text.c,
 * event_change.c, event_room.c, event_direct.c, event_setting.c, event_moderate.c,
 * event_account.c, event_read.c, event_file.c and event_prune.c. */
#ifndef CHAT_SERVER_EVENT_APPLY_H
#define CHAT_SERVER_EVENT_APPLY_H

#include "server/event.h"

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

/* Refused (ROOM_NAME_TAKEN, TOO_MANY_ROOMS, ROOM_CREATE_LIMIT, in that order) when the
 * name's fold key is taken, the creator is in the most rooms or created its hourly
 * allowance; otherwise stored with its creator as member, and its ROOM_STATE and DONE go
 * to the creator, after the commit. */
void event_apply_room_create(struct server *srv, const struct event_room_create *ev,
                             const struct deliver_ticket *ticket);

/* Refused (DIRECT_REFUSED) when the peer blocks the sender, ACCOUNT_UNKNOWN when the
 * peer's account was deleted meanwhile; otherwise the direct room of the two is found or
 * made (stored with both as members; each, if online here, gets its ROOM_STATE), so two first messages between the same accounts, taken at
 * once on two nodes, make one room everywhere, and the text is posted to it
 * (event_apply_text()). */
void event_apply_direct(struct server *srv, const struct event_direct *ev,
                        const struct deliver_ticket *ticket);

/* RECEIPTS_SET: stored, the account's connection here (if any) follows it at once, DONE
 * to the requester after the commit. NOTIFY_LEVEL: the account must still be in the room
 * (else NOT_IN_ROOM for a public room, ROOM_UNKNOWN for the others); stored, and its
 * NOTIFY_LEVEL goes to the account's connection here (if any) and DONE to the requester,
 * after the commit. STORAGE if the store refused. */
void event_apply_receipts_set(struct server *srv, const struct event_setting *ev,
                              const struct deliver_ticket *ticket);
void event_apply_notify_level(struct server *srv, const struct event_setting *ev,
                              const struct deliver_ticket *ticket);

/* A join is refused (ROOM_UNKNOWN) for a room gone, direct, or private without an
 * invitation; a member already gets the room's state again; else ROOM_FULL or
 * TOO_MANY_ROOMS; else stored, its members told (ROOM_PRESENCE joined) and the joiner
 * gets the state. A leave needs a member (else NOT_IN_ROOM): stored, the others told.
 * An invite needs a private room (else ROOM_UNKNOWN) the inviter is still in (else
 * NOT_IN_ROOM); a non-member is recorded as invited and told (ROOM_INVITED) if online
 * here. The requester gets DONE; all after the commit. */
void event_apply_room_member(struct server *srv, const struct event_room_member *ev,
                             const struct deliver_ticket *ticket);

/* The room must exist (else ROOM_UNKNOWN) and have the actor as member (the lobby: any
 * actor; else NOT_IN_ROOM); the topic is stored, ROOM_TOPIC goes to the room's online
 * members and DONE to the requester, after the commit. */
void event_apply_room_topic(struct server *srv, const struct event_room_topic *ev,
                            const struct deliver_ticket *ticket);

/* An account's action needs the account still there (a kick: even deleted; else
 * ACCOUNT_UNKNOWN). The change is stored (a ban also ends the account's sessions), DONE
 * goes to the requester and NOTICE to everyone online here, after the commit; then the
 * target's connection on this node, if any, is acted on: banned, kicked or deleted ones
 * are closed with ERROR, a mute or role takes effect at once. */
void event_apply_moderate(struct server *srv, const struct event_moderate *ev,
                          const struct deliver_ticket *ticket);

/* Decides a registration, in log order: a name whose fold key an account has already
 * (deleted ones too) is refused NAME_TAKEN, so of two registrations of one name exactly
 * one wins everywhere; an invite used or expired meanwhile INVITE_INVALID. Otherwise the
 * account is stored (the first one as admin) with its invite marked used, and its
 * requester, if on this node, gets its session and enters the chat
 * (login_registered()). */
void event_apply_account_create(struct server *srv, const struct event_account_create *ev,
                                const struct deliver_ticket *ticket);

/* Stores the session (its requester, if on this node, then gets its token:
 * auth_session_applied()), or refuses STORAGE. */
void event_apply_session_add(struct server *srv, const struct event_session *ev,
                             const struct deliver_ticket *ticket);

/* Revokes the session of token_hash, or every session of the account; the requester, if
 * on this node, gets DONE and is logged out (account_logged_out()). STORAGE if the
 * store refused. */
void event_apply_session_drop(struct server *srv, const struct event_session *ev,
                              const struct deliver_ticket *ticket);

/* Stores the new hash. A new password also ends every session of the account, and its
 * requester, if on this node, gets a fresh session (account_password_changed()); if the
 * account is not there or the store refused, STORAGE. A rehash is only logged. */
void event_apply_account_change(struct server *srv, const struct event_account_change *ev,
                                const struct deliver_ticket *ticket);

/* Stores the block (or its end) and answers DONE, after the commit; STORAGE if the store
 * refused. */
void event_apply_block(struct server *srv, const struct event_block *ev,
                       const struct deliver_ticket *ticket);

/* The account must still be in the room (else NOT_IN_ROOM) and the message be one of
 * it (else MESSAGE_UNKNOWN). The marker moves forward only; the requester gets its
 * READ_MARKER (where it now is) and, if it moved and the account shares receipts, the
 * room's members a receipt (live_tell_receipt()), after the commit. */
void event_apply_read_mark(struct server *srv, const struct event_read_mark *ev,
                           const struct deliver_ticket *ticket);

/* Stores the invite's hash; its requester, if on this node, gets the code in INVITE
 * (moderation_invite_applied()) after the commit, or STORAGE. */
void event_apply_invite_create(struct server *srv, const struct event_invite *ev,
                               const struct deliver_ticket *ticket);

/* The room must exist (else STORAGE to the requester). The file is entered in the
 * store's index with its announcement message (ids assigned here, in log order) and its
 * FILE_ANNOUNCE (or FILE_ANNOUNCE_THUMB) goes to the room's online members, the uploader
 * included, after the commit. On a single node a refusal or a failed commit removes the
 * file; in a cluster it stays (the other nodes' rows name it, and a node that cannot
 * store the entry stops). */
void event_apply_file(struct server *srv, const struct event_file *ev,
                      const struct deliver_ticket *ticket);

/* Deletes up to max_rows messages older than before_ms, lowest ids first, with their
 * files' index entries, as store_prune() does; then removes each such file from the
 * files directory unless a remaining entry names it or it is newer than the event (a
 * later upload under the name, on a node ahead of this one). Every node applies it
 * alike; a file another node removed already is fine. The pruning's schedule follows
 * (retention_applied(): ticket not NULL on the node that appended it). */
void event_apply_prune(struct server *srv, const struct event_prune *ev,
                       const struct deliver_ticket *ticket);

/* event_check_stored() of a file event: it must have landed (landed_ms) at most
 * CLUSTER_FILE_LATE_MS after its time (its taker may have removed the file since), and
 * its stored name must not be another file row's (a hostile or replayed entry would
 * otherwise give an existing file a second row). A row older than the retention cutoff
 * as of the event's time does not count: its file may be pruned already (the name free
 * for a new upload) on a node whose row is gone. */
const char *event_file_check(struct server *srv, const struct event_file *ev,
                             uint64_t landed_ms, char *why, size_t size);

/* True when a file event of time time_ms that landed in the stream at landed_ms (its
 * id's time) landed more than CLUSTER_FILE_LATE_MS after it. */
bool event_file_late(int64_t time_ms, uint64_t landed_ms);

#endif
