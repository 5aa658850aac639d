/* Edits, deletions, replies and reactions (live.h). Each is a stored event naming the
 * message it changes; the message must be a text or file of a room the requester is
 * in (any other id is answered as missing, so nothing leaks about other rooms). */
#include "server/live.h"

#include <inttypes.h>

#include "common/emoji.h"
#include "common/validate.h"
#include "server/client.h"
#include "server/clock.h"
#include "server/deliver.h"
#include "server/event.h"
#include "server/room_requests.h"
#include "server/rooms.h"
#include "server/store/store_live.h"

/* DONE after the commit (live.h). */
void live_done(struct client *c, uint16_t type, uint64_t request_id)
{
    struct deliver_request req = { c, type, request_id };
    struct proto_msg done = { .type = PROTO_DONE, .u.done = { request_id, type } };
    struct frame *f = frame_encode(&done);
    if (f == NULL)
        return;
    deliver_after_commit(&req, f, DELIVER_REQUESTER, NULL, NULL);
    frame_unref(f);
}

static bool is_account(struct client *c, uint16_t type, uint64_t request_id)
{
    if (c->account_id > 0)
        return true;
    client_send_error(c, PROTO_E_NOT_ALLOWED, type, request_id,
                      "Guests have no account: register to change messages.");
    return false;
}

static void storage_error(struct client *c, uint16_t type, uint64_t request_id)
{
    client_log(c, LOG_ERROR, "cannot store a %s: %s", proto_type_name(type),
               store_error(c->srv->store));
    client_send_error(c, PROTO_E_STORAGE, type, request_id,
                      "The server could not store this; nothing was changed.");
}

/* The room of message id if c may see it (a text or file in one of c's rooms), with
 * *t filled; otherwise answers MESSAGE_UNKNOWN (or STORAGE) and returns NULL. A
 * deleted message is answered MESSAGE_DELETED. */
static struct room *target_room(struct client *c, uint64_t id, uint16_t type,
                                uint64_t request_id, struct store_target *t)
{
    int found = store_live_find(c->srv->store, id, t);
    if (found < 0) {
        storage_error(c, type, request_id);
        return NULL;
    }
    struct room *r = found == 1 ? rooms_get(c->srv, t->room_id) : NULL;
    if (r == NULL || !room_has_client(r, c) ||
        (t->kind != STORE_KIND_TEXT && t->kind != STORE_KIND_FILE)) {
        client_send_error(c, PROTO_E_MESSAGE_UNKNOWN, type, request_id,
                          "There is no message %" PRIu64 " in your rooms.", id);
        return NULL;
    }
    if (t->deleted) {
        client_send_error(c, PROTO_E_MESSAGE_DELETED, type, request_id,
                          "Message %" PRIu64 " was deleted.", id);
        return NULL;
    }
    return r;
}

/* Logs the change ev of type (EDIT, DELETE or REACT) by c to message_id; the checks
 * that decide it run when it is applied (event.h). */
static void log_change(struct client *c, enum event_type type, uint16_t ref_type,
                       uint64_t request_id, uint64_t message_id, struct proto_str text)
{
    struct event ev = { .type = type, .u.change = {
        .message_id = message_id, .time_ms = (int64_t)clock_wall_ms(),
        .actor_account = c->account_id, .actor_name = c->name,
        .actor_moderates = c->role == PROTO_ROLE_MODERATOR || c->role == PROTO_ROLE_ADMIN,
        .text = text,
    } };
    event_log_request(c, &ev, ref_type, request_id);
}

/* EDIT (live.h). */
void live_on_edit(struct client *c, const struct proto_msg *msg)
{
    const struct proto_edit *e = &msg->u.edit;
    if (!is_account(c, PROTO_EDIT, e->request_id))
        return;
    if (!text_check(e->text.ptr, e->text.len, PROTO_MAX_TEXT)) {
        client_send_error(c, PROTO_E_TEXT_INVALID, PROTO_EDIT, e->request_id,
                          "The new text is empty, only blank, or contains control characters.");
        return;
    }
    struct store_target t;
    if (target_room(c, e->message_id, PROTO_EDIT, e->request_id, &t) != NULL)
        log_change(c, EVENT_EDIT, PROTO_EDIT, e->request_id, e->message_id, e->text);
}

/* DELETE (live.h). */
void live_on_delete(struct client *c, const struct proto_msg *msg)
{
    const struct proto_msg_ref *d = &msg->u.msg_ref;
    if (!is_account(c, PROTO_DELETE, d->request_id))
        return;
    struct store_target t;
    if (target_room(c, d->message_id, PROTO_DELETE, d->request_id, &t) != NULL)
        log_change(c, EVENT_DELETE, PROTO_DELETE, d->request_id, d->message_id,
                   (struct proto_str){ NULL, 0 });
}

/* REPLY_SEND (live.h). */
void live_on_reply_send(struct client *c, const struct proto_msg *msg)
{
    const struct proto_reply_send *rs = &msg->u.reply_send;
    const struct room *r = rooms_for_request(c, rs->room_id, PROTO_REPLY_SEND, rs->client_id);
    if (r == NULL || !direct_allowed(c, r, PROTO_REPLY_SEND, rs->client_id))
        return;
    if (!text_check(rs->text.ptr, rs->text.len, PROTO_MAX_TEXT)) {
        client_send_error(c, PROTO_E_TEXT_INVALID, PROTO_REPLY_SEND, rs->client_id,
                          "The message is empty, only blank, or contains control characters.");
        return;
    }
    struct store_target t;
    const struct room *of = target_room(c, rs->reply_to, PROTO_REPLY_SEND, rs->client_id, &t);
    if (of == NULL)
        return;
    if (of != r) {
        client_send_error(c, PROTO_E_MESSAGE_UNKNOWN, PROTO_REPLY_SEND, rs->client_id,
                          "Message %" PRIu64 " is not in room %u.", rs->reply_to,
                          (unsigned)r->id);
        return;
    }
    room_post_text(c, r, rs->client_id, rs->text, PROTO_REPLY_SEND, rs->reply_to);
}

/* REACT (live.h). */
void live_on_react(struct client *c, const struct proto_msg *msg)
{
    const struct proto_react *re = &msg->u.react;
    if (!is_account(c, PROTO_REACT, re->request_id))
        return;
    if (!emoji_check(re->emoji.ptr, re->emoji.len)) {
        client_send_error(c, PROTO_E_EMOJI_INVALID, PROTO_REACT, re->request_id,
                          "A reaction is one emoji.");
        return;
    }
    struct store_target t;
    if (target_room(c, re->message_id, PROTO_REACT, re->request_id, &t) != NULL)
        log_change(c, EVENT_REACT, PROTO_REACT, re->request_id, re->message_id, re->emoji);
}
