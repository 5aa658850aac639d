/* Direct messages, blocks, and the posting of a text to a room (room_requests.h). */
#include "server/room_requests.h"


#include "common/validate.h"
#include "server/client.h"
#include "server/clock.h"
#include "server/event.h"
#include "server/rooms.h"
#include "server/store/store_accounts.h"
#include "server/store/store_rooms.h"

int64_t room_account_named(struct client *c, struct proto_str name, uint16_t type,
                           uint64_t request_id, char **key_out)
{
    struct store_account a = { 0 };
    int found = 0;
    char *key = NULL;
    if (name_check(name.ptr, name.len) == NAME_OK) {
        key = name_fold_key(name.ptr, name.len);
        found = store_account_find(c->srv->store, key, &a);
    }
    int64_t id = found == 1 && !a.deleted ? a.id : 0;
    store_account_clear(&a);
    if (id == 0)
        client_send_error(c, PROTO_E_ACCOUNT_UNKNOWN, type, request_id,
                          "There is no account by that name.");
    else if (id == c->account_id)
        client_send_error(c, PROTO_E_NOT_ALLOWED, type, request_id,
                          "That is your own account.");
    if (id == 0 || id == c->account_id) {
        g_free(key);
        return 0;
    }
    *key_out = key;
    return id;
}

bool direct_allowed(struct client *c, const struct room *r, uint16_t ref_type,
                    uint64_t ref_id)
{
    if (r->kind != PROTO_ROOM_DIRECT)
        return true;
    const struct room_member *peer = room_direct_peer(r, c->account_id);
    if (peer == NULL || store_blocked(c->srv->store, peer->account_id, c->account_id) != 1)
        return true;
    client_send_error(c, PROTO_E_DIRECT_REFUSED, ref_type, ref_id,
                      "This user takes no direct messages from you.");
    return false;
}

void room_post_text(struct client *c, const struct room *r, uint64_t client_id,
                    struct proto_str text, uint16_t ref_type, uint64_t reply_to)
{
    struct event ev = { .type = EVENT_TEXT, .u.text = {
        .room_id = r->id, .time_ms = (int64_t)clock_wall_ms(), .sender_account = c->account_id,
        .sender_name = c->name, .sender_conn = c->id, .client_id = client_id,
        .reply_to = reply_to, .text = text,
    } };
    event_log_request(c, &ev, ref_type, client_id);
}

/* Logs the first direct message of c's account to target (named target_name): its
 * event makes their direct room when it applies, if no other has by then. */
static void direct_first(struct client *c, int64_t target, const char *target_name,
                         uint64_t client_id, struct proto_str text)
{
    struct event ev = { .type = EVENT_DIRECT, .u.direct = {
        .text = { .time_ms = (int64_t)clock_wall_ms(), .sender_account = c->account_id,
                  .sender_name = c->name, .sender_conn = c->id, .client_id = client_id,
                  .text = text },
        .peer_account = target, .peer_name = target_name,
    } };
    event_log_request(c, &ev, PROTO_DIRECT_SEND, client_id);
}

void direct_on_send(struct client *c, const struct proto_msg *msg)
{
    const struct proto_direct_send *ds = &msg->u.direct_send;
    if (c->account_id <= 0) {
        client_send_error(c, PROTO_E_NOT_ALLOWED, PROTO_DIRECT_SEND, ds->client_id,
                          "Guests cannot send direct messages; log in with an account.");
        return;
    }
    if (!text_check(ds->text.ptr, ds->text.len, PROTO_MAX_TEXT)) {
        client_send_error(c, PROTO_E_TEXT_INVALID, PROTO_DIRECT_SEND, ds->client_id,
                          "The message is empty, only blank, or contains control characters.");
        return;
    }
    char *key = NULL;
    int64_t target = room_account_named(c, ds->username, PROTO_DIRECT_SEND, ds->client_id, &key);
    if (target == 0)
        return;
    struct room *r = rooms_direct(c->srv, c->account_id, target);
    int blocked = store_blocked(c->srv->store, target, c->account_id);
    if (blocked == 1) {
        client_send_error(c, PROTO_E_DIRECT_REFUSED, PROTO_DIRECT_SEND, ds->client_id,
                          "This user takes no direct messages from you.");
    } else if (r != NULL) {
        room_post_text(c, r, ds->client_id, ds->text, PROTO_DIRECT_SEND, 0);
    } else {
        struct store_account a = { 0 };
        if (store_account_get(c->srv->store, target, &a) == 1)
            direct_first(c, target, a.name, ds->client_id, ds->text);
        else
            client_send_error(c, PROTO_E_STORAGE, PROTO_DIRECT_SEND, ds->client_id,
                              "The server could not read the account; nothing was sent.");
        store_account_clear(&a);
    }
    g_free(key);
}

void direct_on_block(struct client *c, const struct proto_msg *msg)
{
    const struct proto_block *b = &msg->u.block;
    if (c->account_id <= 0) {
        client_send_error(c, PROTO_E_NOT_ALLOWED, PROTO_BLOCK, b->request_id,
                          "Guests cannot block; log in with an account.");
        return;
    }
    char *key = NULL;
    int64_t target = room_account_named(c, b->username, PROTO_BLOCK, b->request_id, &key);
    if (target == 0)
        return;
    g_free(key);
    struct event ev = { .type = EVENT_BLOCK, .u.block = {
        .account = c->account_id, .account_name = c->name, .blocked = target,
        .on = b->blocked != 0, .time_ms = (int64_t)clock_wall_ms(),
    } };
    event_log_request(c, &ev, PROTO_BLOCK, b->request_id);
}
