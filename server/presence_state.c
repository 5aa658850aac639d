/* Active or away (presence_state.h). */
#include "server/presence_state.h"

#include "server/client.h"
#include "server/clock.h"
#include "server/cluster_presence.h"
#include "server/limits.h"
#include "server/room_presence.h"
#include "server/rooms.h"

/* PRESENCE_STATE of room_id naming count users (ids and names) as state. */
static struct frame *state_frame(uint32_t room_id, uint16_t state, const uint32_t *ids,
                                 const struct proto_str *names, uint32_t count)
{
    return room_members_frame(PROTO_PRESENCE_STATE, room_id, state, ids, names, count);
}

void presence_state_lobby_frames(const struct server *srv, GPtrArray *out)
{
    uint32_t ids[PROTO_MAX_USERS_PER_FRAME];
    struct proto_str names[PROTO_MAX_USERS_PER_FRAME];
    uint32_t count = 0;
    for (uint32_t i = 0; i <= srv->online_count; i++) {
        if (i < srv->online_count) {
            const struct client *c = srv->online[i];
            if (c->presence != PROTO_PRESENCE_AWAY)
                continue;
            ids[count] = c->id;
            names[count++] = proto_str_of(c->name);
        }
        if (count > 0 && (count == PROTO_MAX_USERS_PER_FRAME || i == srv->online_count)) {
            struct frame *f = state_frame(PROTO_ROOM_LOBBY, PROTO_PRESENCE_AWAY, ids, names,
                                          count);
            if (f != NULL)
                g_ptr_array_add(out, f);
            count = 0;
        }
    }
}

/* Tells everyone who shares a room with c that c is now `state`. */
static void tell(struct client *c, uint16_t state)
{
    struct proto_str name = proto_str_of(c->name);
    struct frame *f = state_frame(PROTO_ROOM_LOBBY, state, &c->id, &name, 1);
    if (f != NULL) {
        client_broadcast(c->srv, f, c);
        frame_unref(f);
    }
    if (c->account_id <= 0)
        return; /* guests have the lobby only */
    const GPtrArray *rooms = rooms_of_account(c->srv, c->account_id);
    for (guint i = 0; i < rooms->len; i++) {
        struct room *r = rooms->pdata[i];
        const struct room_member *m = room_member(r, c->account_id);
        if (m != NULL && m->client == c)
            room_tell_away(c, r, state);
    }
}

void presence_state_on_set(struct client *c, const struct proto_msg *msg)
{
    const struct proto_presence_set *ps = &msg->u.presence_set;
    if (ps->state != PROTO_PRESENCE_ACTIVE && ps->state != PROTO_PRESENCE_AWAY) {
        client_send_error(c, PROTO_E_PRESENCE_INVALID, PROTO_PRESENCE_SET, ps->request_id,
                          "Unknown presence state %u: 0 is active, 1 away.",
                          (unsigned)ps->state);
        return;
    }
    if (ps->state != c->presence) {
        if (!bucket_take(&c->guard.presence_sets, 1.0, clock_mono_ms())) {
            client_send_error(c, PROTO_E_PRESENCE_TOO_FAST, PROTO_PRESENCE_SET,
                              ps->request_id, "Presence changed too often; it stays as it "
                              "is. Try again in %.0f seconds.",
                              1.0 / SERVER_PRESENCE_SETS_RATE);
            return;
        }
        c->presence = ps->state;
        tell(c, ps->state);
        cluster_presence_local(c, true);
        client_log(c, LOG_DEBUG, "presence %s",
                   ps->state == PROTO_PRESENCE_AWAY ? "away" : "active");
    }
    struct proto_msg done = { .type = PROTO_DONE,
                              .u.done = { ps->request_id, PROTO_PRESENCE_SET } };
    client_send_msg(c, &done);
}
