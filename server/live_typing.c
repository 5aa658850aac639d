/* Typing notices (live.h): not stored, relayed at most once per SERVER_TYPING_RELAY_MS
 * per connection and room. Their own budget lives in flood.c. */
#include "server/live.h"

#include "server/client.h"
#include "server/clock.h"
#include "server/cluster_presence.h"
#include "server/limits.h"
#include "server/rooms.h"

/* True when c may relay a notice to room_id now; then counts it. */
static bool relay_due(struct client *c, uint32_t room_id, int64_t now)
{
    if (c->typing_relayed == NULL)
        c->typing_relayed = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    gpointer key = GUINT_TO_POINTER(room_id);
    int64_t *last = g_hash_table_lookup(c->typing_relayed, key);
    if (last != NULL && now - *last < SERVER_TYPING_RELAY_MS)
        return false;
    if (last == NULL) {
        last = g_new(int64_t, 1);
        g_hash_table_insert(c->typing_relayed, key, last);
    }
    *last = now;
    return true;
}

/* TYPING_SET (live.h). */
void live_on_typing_set(struct client *c, const struct proto_msg *msg)
{
    const struct proto_typing_set *t = &msg->u.typing_set;
    if (t->state > PROTO_TYPING_PAUSED) {
        client_send_error(c, PROTO_E_TYPING_INVALID, PROTO_TYPING_SET, 0,
                          "Unknown typing state %u.", (unsigned)t->state);
        return;
    }
    const struct room *r = rooms_for_request(c, t->room_id, PROTO_TYPING_SET, 0);
    if (r == NULL || !relay_due(c, t->room_id, clock_mono_ms()))
        return;
    struct proto_msg out = { .type = PROTO_TYPING, .u.typing = {
        .room_id = t->room_id, .account_id = (uint32_t)c->account_id, .state = t->state,
        .name = proto_str_of(c->name),
    } };
    struct frame *f = frame_encode(&out);
    if (f == NULL)
        return;
    room_send(c->srv, r, f, c);
    frame_unref(f);
    cluster_presence_typing(c->srv, &out.u.typing);
}
