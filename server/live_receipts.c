/* Read markers and receipts (live.h). A marker is the account's own (shared by all its
 * logins); a receipt is what the other members of the room see of it. An account that
 * opted out sends none and gets none: the server holds both back. */
#include "server/live.h"

#include <inttypes.h>

#include "server/client.h"
#include "server/clock.h"
#include "server/deliver.h"
#include "server/event.h"
#include "server/limits.h"
#include "server/rooms.h"
#include "server/store/store_live.h"

static bool is_account(struct client *c, uint16_t type, uint64_t request_id)
{
    if (c->account_id > 0)
        return true;
    client_send_error(c, PROTO_E_NOT_ALLOWED, type, request_id,
                      "Guests have no account: register to keep read markers.");
    return false;
}

/* A count receipt in waiting for a large room. */
struct receipt_batch {
    int64_t sent_ms;        /* when its last count went out (monotonic) */
    uint64_t message_id;    /* the furthest marker moved to since, 0 when none waits */
};

/* Receipts go to those who share theirs (the reader itself needs no named one). */
static bool shares_receipts(const struct client *member, void *reader_account)
{
    return member->account_id != *(const int64_t *)reader_account && !member->receipts_off;
}

/* A count receipt goes to every member sharing theirs. */
static bool shares_any(const struct client *member, void *data)
{
    (void)data;
    return !member->receipts_off;
}

/* The RECEIPT of a large room: how many have read up to message_id or further. NULL if
 * the count cannot be read. */
static struct frame *count_frame(struct server *srv, const struct room *r, uint64_t message_id)
{
    int64_t readers = store_live_readers(srv->store, r->id, message_id);
    if (readers < 0) {
        log_event(LOG_ERROR, 0, NULL, NULL, "cannot count readers: %s", store_error(srv->store));
        return NULL;
    }
    struct proto_msg m = { .type = PROTO_RECEIPT, .u.receipt = {
        .room_id = r->id, .message_id = message_id,
        .count = (uint32_t)MIN(readers, (int64_t)UINT32_MAX),
    } };
    return frame_encode(&m);
}

void live_tell_receipt(struct server *srv, const struct room *r, int64_t account,
                       const char *name, uint64_t message_id, const struct deliver_ticket *t)
{
    struct frame *f = NULL;
    if (room_member_count(srv, r) <= SERVER_RECEIPT_NAMES_MAX) {
        struct proto_msg m = { .type = PROTO_RECEIPT, .u.receipt = {
            .room_id = r->id, .message_id = message_id, .account_id = (uint32_t)account,
            .name = proto_str_of(name),
        } };
        f = frame_encode(&m);
    } else {
        gpointer key = GUINT_TO_POINTER(r->id);
        struct receipt_batch *b = g_hash_table_lookup(srv->receipt_counts, key);
        int64_t now = clock_mono_ms();
        if (b == NULL) {
            b = g_new0(struct receipt_batch, 1);
            b->sent_ms = now - SERVER_RECEIPT_COUNT_MS;
            g_hash_table_insert(srv->receipt_counts, key, b);
        }
        if (now - b->sent_ms < SERVER_RECEIPT_COUNT_MS) {
            b->message_id = MAX(b->message_id, message_id);
            return;
        }
        b->sent_ms = now;
        b->message_id = 0;
        f = count_frame(srv, r, message_id);
    }
    if (f != NULL) {
        room_send_if(srv, r, f, shares_receipts, &account);
        deliver_pending_ticket(srv, t, f);
        frame_unref(f);
    }
}

void live_init(struct server *srv)
{
    srv->receipt_counts = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
}

void live_free(struct server *srv)
{
    if (srv->receipt_counts != NULL)
        g_hash_table_destroy(srv->receipt_counts);
    srv->receipt_counts = NULL;
}

void live_expire(struct server *srv, int64_t now)
{
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, srv->receipt_counts);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        struct receipt_batch *b = value;
        if (now - b->sent_ms < SERVER_RECEIPT_COUNT_MS)
            continue;
        if (b->message_id == 0) { /* quiet for a whole interval: the next mark goes at once */
            g_hash_table_iter_remove(&iter);
            continue;
        }
        const struct room *r = rooms_get(srv, GPOINTER_TO_UINT(key));
        struct frame *f = r != NULL && !srv->stopping ? count_frame(srv, r, b->message_id)
                                                      : NULL;
        if (f != NULL) { /* the markers it counts were committed in earlier passes */
            room_send_if(srv, r, f, shares_any, NULL);
            frame_unref(f);
        }
        b->sent_ms = now;
        b->message_id = 0;
    }
}

int64_t live_next_deadline(const struct server *srv)
{
    int64_t next = INT64_MAX;
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, srv->receipt_counts);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        next = MIN(next, ((struct receipt_batch *)value)->sent_ms + SERVER_RECEIPT_COUNT_MS);
    return next;
}

void live_on_read_mark(struct client *c, const struct proto_msg *msg)
{
    const struct proto_read_mark *rm = &msg->u.read_mark;
    if (!is_account(c, PROTO_READ_MARK, rm->request_id))
        return;
    struct room *r = rooms_for_request(c, rm->room_id, PROTO_READ_MARK, rm->request_id);
    if (r == NULL)
        return;
    struct event ev = { .type = EVENT_READ_MARK, .u.read_mark = {
        .account = c->account_id, .account_name = c->name, .room_id = r->id,
        .message_id = rm->message_id, .receipts_off = c->receipts_off,
    } };
    event_log_request(c, &ev, PROTO_READ_MARK, rm->request_id);
}

/* RECEIPTS_SET (live.h). */
void live_on_receipts_set(struct client *c, const struct proto_msg *msg)
{
    const struct proto_receipts_set *rs = &msg->u.receipts_set;
    if (!is_account(c, PROTO_RECEIPTS_SET, rs->request_id))
        return;
    struct event ev = { .type = EVENT_RECEIPTS_SET, .u.setting = {
        .account = c->account_id, .account_name = c->name, .value = rs->enabled != 0,
    } };
    event_log_request(c, &ev, PROTO_RECEIPTS_SET, rs->request_id);
}

/* A login's own marker in one room, if c is still in that room. */
static void send_marker(uint32_t room_id, int64_t account_id, const char *name,
                        uint64_t message_id, void *data)
{
    (void)account_id;
    (void)name;
    struct client *c = data;
    const struct room *r = rooms_get(c->srv, room_id);
    if (r == NULL || !room_has_client(r, c))
        return;
    struct proto_msg m = { .type = PROTO_READ_MARKER, .u.read_marker = { room_id, message_id } };
    client_send_msg(c, &m);
}

/* Another member's marker in a small room, as a named receipt. */
static void send_receipt(uint32_t room_id, int64_t account_id, const char *name,
                         uint64_t message_id, void *data)
{
    struct client *c = data;
    if (account_id == c->account_id || name == NULL)
        return;
    struct proto_msg m = { .type = PROTO_RECEIPT, .u.receipt = {
        .room_id = room_id, .message_id = message_id, .account_id = (uint32_t)account_id,
        .name = proto_str_of(name),
    } };
    client_send_msg(c, &m);
}

/* The named receipts of r, if it is small enough to name its readers. */
static enum store_status send_receipts(struct client *c, const struct room *r)
{
    if (room_member_count(c->srv, r) > SERVER_RECEIPT_NAMES_MAX)
        return STORE_OK;
    return store_live_markers_of_room(c->srv->store, r->id, send_receipt, c);
}

/* The login's markers and receipts (live.h). */
void live_on_login(struct client *c)
{
    if (c->account_id <= 0)
        return;
    struct store *st = c->srv->store;
    int off = store_live_receipts_off(st, c->account_id);
    c->receipts_off = off != 0;
    enum store_status status = off < 0 ? STORE_ERROR
                               : store_live_markers_of_account(st, c->account_id, send_marker, c);
    if (status == STORE_OK && !c->receipts_off) {
        status = send_receipts(c, c->srv->rooms->lobby);
        const GPtrArray *rooms = rooms_of_account(c->srv, c->account_id);
        for (guint i = 0; i < rooms->len && status == STORE_OK; i++)
            status = send_receipts(c, rooms->pdata[i]);
    }
    if (status != STORE_OK)
        client_log(c, LOG_ERROR, "cannot read read markers: %s", store_error(st));
    live_notify_on_login(c);
}
