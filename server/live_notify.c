/* Per-room notification levels (live.h, PROTOCOL.md NOTIFY_LEVEL_SET): checked here,
 * applied by event_setting.c (on every node), kept with the account in the store, so
 * that a restart of either side and the account's next device find them; the server
 * only keeps and tells them (the clients decide what notifies). */
#include "server/live.h"

#include "server/client.h"
#include "server/event.h"
#include "server/rooms.h"
#include "server/store/store_notify.h"

/* NOTIFY_LEVEL_SET (live.h). */
void live_on_notify_level_set(struct client *c, const struct proto_msg *msg)
{
    const struct proto_notify_level_set *ns = &msg->u.notify_level_set;
    if (c->account_id <= 0) {
        client_send_error(c, PROTO_E_NOT_ALLOWED, PROTO_NOTIFY_LEVEL_SET, ns->request_id,
                          "Guests have no account: register to keep notification levels.");
        return;
    }
    if (ns->level > PROTO_NOTIFY_NONE) {
        client_send_error(c, PROTO_E_NOTIFY_LEVEL_INVALID, PROTO_NOTIFY_LEVEL_SET,
                          ns->request_id, "Notification level %u is not one of 0 (all),"
                          " 1 (mentions) and 2 (none).", (unsigned)ns->level);
        return;
    }
    struct room *r = rooms_for_request(c, ns->room_id, PROTO_NOTIFY_LEVEL_SET, ns->request_id);
    if (r == NULL)
        return;
    struct event ev = { .type = EVENT_NOTIFY_LEVEL, .u.setting = {
        .account = c->account_id, .account_name = c->name, .room_id = r->id,
        .value = ns->level,
    } };
    event_log_request(c, &ev, PROTO_NOTIFY_LEVEL_SET, ns->request_id);
}

/* One stored level, told if c is still in that room. */
static void send_level(uint32_t room_id, int level, void *data)
{
    struct client *c = data;
    const struct room *r = rooms_get(c->srv, room_id);
    if (r == NULL || !room_has_client(r, c))
        return;
    struct proto_msg m = { .type = PROTO_NOTIFY_LEVEL,
                           .u.notify_level = { room_id, (uint16_t)level } };
    client_send_msg(c, &m);
}

/* The login's levels (live.h). */
void live_notify_on_login(struct client *c)
{
    if (c->account_id <= 0)
        return;
    if (store_notify_of_account(c->srv->store, c->account_id, send_level, c) != STORE_OK)
        client_log(c, LOG_ERROR, "cannot read notification levels: %s",
                   store_error(c->srv->store));
}
