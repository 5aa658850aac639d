/* Batched per-room presence notices (room_presence.h). */
#include "server/room_presence.h"

#include "server/client.h"
#include "server/deliver.h"
#include "server/presence.h"
#include "server/rooms.h"

/* One room's notices of one type and state, in the order they happened. */
struct room_held {
    uint16_t type;             /* ROOM_PRESENCE or PRESENCE_STATE */
    uint16_t state;
    GArray *ids;               /* uint32_t account ids */
    GPtrArray *names;          /* char *, owned */
    GArray *tickets;           /* struct deliver_ticket: the stored changes told */
};

void room_presence_drop(struct room *r)
{
    struct room_held *h = r->held;
    if (h == NULL)
        return;
    r->held = NULL;
    g_array_free(h->ids, TRUE);
    g_ptr_array_free(h->names, TRUE);
    g_array_free(h->tickets, TRUE);
    g_free(h);
}

bool room_presence_held(const struct server *srv)
{
    return srv->rooms != NULL && srv->rooms->held->len > 0;
}

/* The frames of h's notices from index `first` on, but the one at `skip` (-1: none), at
 * most PROTO_MAX_USERS_PER_FRAME users each, appended to out. */
static void held_frames(const struct room *r, const struct room_held *h, guint first,
                        gint skip, GPtrArray *out)
{
    uint32_t ids[PROTO_MAX_USERS_PER_FRAME];
    struct proto_str names[PROTO_MAX_USERS_PER_FRAME];
    uint32_t count = 0;
    for (guint i = first; i <= h->ids->len; i++) {
        if (i < h->ids->len && (gint)i != skip) {
            ids[count] = g_array_index(h->ids, uint32_t, i);
            names[count++] = proto_str_of(h->names->pdata[i]);
        }
        if (count > 0 && (count == PROTO_MAX_USERS_PER_FRAME || i == h->ids->len)) {
            struct frame *f = room_members_frame(h->type, r->id, h->state, ids, names,
                                                 count);
            if (f != NULL)
                g_ptr_array_add(out, f);
            count = 0;
        }
    }
}

/* The notices of h for the member named at index `at`: never its own. A login or join
 * (ROOM_PRESENCE) gave that member the room's state, which lists the members of the
 * notices before its own: only the later ones are news to it. An away change
 * (PRESENCE_STATE) told it nothing: every other one is news. */
static void own_part(const struct room *r, const struct room_held *h, guint at,
                     GPtrArray *out)
{
    if (h->type == PROTO_ROOM_PRESENCE)
        held_frames(r, h, at + 1, -1, out);
    else
        held_frames(r, h, 0, (gint)at, out);
}

/* Queues frames to c. */
static void send_frames(struct client *c, const GPtrArray *frames)
{
    for (guint i = 0; i < frames->len; i++)
        client_send(c, frames->pdata[i]);
}

/* Marks frames (queued) as depending on h's stored changes, if any. */
static void mark_pending(struct server *srv, const GPtrArray *frames, const struct room_held *h)
{
    for (guint i = 0; i < frames->len; i++)
        for (guint t = 0; t < h->tickets->len; t++)
            deliver_pending_ticket(srv, &g_array_index(h->tickets, struct deliver_ticket, t),
                                   frames->pdata[i]);
}

void room_presence_flush_room(struct server *srv, struct room *r)
{
    struct room_held *h = r->held;
    if (h == NULL)
        return;
    r->held = NULL; /* sending may hold new notices (a login's): they start a new batch */
    g_ptr_array_remove_fast(srv->rooms->held, r);
    GHashTable *named = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (guint i = 0; i < h->ids->len; i++)
        g_hash_table_insert(named, GUINT_TO_POINTER(g_array_index(h->ids, uint32_t, i)),
                            GUINT_TO_POINTER(i + 1));
    GPtrArray *shared = g_ptr_array_new_with_free_func((GDestroyNotify)frame_unref);
    GPtrArray *own = g_ptr_array_new_with_free_func((GDestroyNotify)frame_unref);
    held_frames(r, h, 0, -1, shared);
    for (guint i = 0; i < r->members->len; i++) {
        const struct room_member *m = &g_array_index(r->members, struct room_member, i);
        if (m->client == NULL)
            continue;
        guint pos = GPOINTER_TO_UINT(g_hash_table_lookup(named, GUINT_TO_POINTER(m->account_id)));
        if (pos == 0) {
            send_frames(m->client, shared);
        } else { /* named itself: what it does not know yet (see own_part) */
            guint from = own->len;
            own_part(r, h, pos - 1, own);
            for (guint k = from; k < own->len; k++)
                client_send(m->client, own->pdata[k]);
        }
    }
    mark_pending(srv, shared, h);
    mark_pending(srv, own, h);
    g_ptr_array_unref(own);
    g_ptr_array_unref(shared);
    g_hash_table_destroy(named);
    r->held = h;
    room_presence_drop(r);
}

void room_presence_flush(struct server *srv)
{
    /* Sending can log newcomers in (presence_flush), whose notices are held anew. */
    while (room_presence_held(srv))
        room_presence_flush_room(srv, srv->rooms->held->pdata[srv->rooms->held->len - 1]);
}

/* Holds the notice of type and state in r about account_id (named name), for the
 * stored change of ticket t (NULL: none). */
static void hold(struct server *srv, struct room *r, uint32_t account_id, const char *name,
                 uint16_t type, uint16_t state, const struct deliver_ticket *t)
{
    if (r->held != NULL && (r->held->type != type || r->held->state != state))
        room_presence_flush_room(srv, r);
    if (r->held == NULL) {
        struct room_held *h = g_new0(struct room_held, 1);
        h->type = type;
        h->state = state;
        h->ids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
        h->names = g_ptr_array_new_with_free_func(g_free);
        h->tickets = g_array_new(FALSE, FALSE, sizeof(struct deliver_ticket));
        r->held = h;
        g_ptr_array_add(srv->rooms->held, r);
    }
    g_array_append_val(r->held->ids, account_id);
    g_ptr_array_add(r->held->names, g_strdup(name));
    if (t != NULL)
        g_array_append_val(r->held->tickets, *t);
}

void room_tell_presence(struct client *c, struct room *r, uint16_t state,
                        const struct deliver_request *req)
{
    struct deliver_ticket t;
    if (req != NULL)
        t = deliver_ticket_of(req);
    hold(c->srv, r, (uint32_t)c->account_id, c->name, PROTO_ROOM_PRESENCE, state,
         req != NULL ? &t : NULL);
}

void room_tell_member(struct server *srv, struct room *r, int64_t account_id, const char *name,
                      uint16_t state, const struct deliver_ticket *t)
{
    hold(srv, r, (uint32_t)account_id, name, PROTO_ROOM_PRESENCE, state, t);
}

void room_tell_away(struct client *c, struct room *r, uint16_t state)
{
    hold(c->srv, r, (uint32_t)c->account_id, c->name, PROTO_PRESENCE_STATE, state, NULL);
}

void room_tell_member_away(struct server *srv, struct room *r, int64_t account_id,
                           const char *name, uint16_t state)
{
    hold(srv, r, (uint32_t)account_id, name, PROTO_PRESENCE_STATE, state, NULL);
}
