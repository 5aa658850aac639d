/* HISTORY and RESUME (history.h). A page is read into frames first (the store's rows are
 * only valid during its callback), then sent: so the RESUME_GAP, which needs the first
 * replayed id, can go before the frames it precedes. One request's reads share one
 * snapshot of the store. */
#include "server/history.h"

#include <glib.h>
#include <inttypes.h>
#include <string.h>

#include "server/client.h"
#include "server/limits.h"
#include "server/outq.h"
#include "server/rooms.h"
#include "server/server.h"
#include "server/store/store_history.h"

#define ID_MAX UINT64_MAX

/* The frames of one page, in ascending id order. */
struct page {
    struct client *c;
    GPtrArray *frames;          /* struct frame *, owned */
    size_t bytes;               /* of the frames: the page ends at srv->history_budget */
    uint64_t first_id, last_id; /* 0 while empty */
};

/* A stored row as the frame it was delivered as. Senders' connections are gone: their
 * connection ids are 0; the names are kept. False once the page is full. */
static bool page_add(const struct store_history_row *row, void *data)
{
    struct page *p = data;
    struct proto_msg msg;
    if (row->is_file) {
        msg = (struct proto_msg){ .type = PROTO_FILE_ANNOUNCE, .u.announce = {
            .file_id = row->file_id, .message_id = row->id, .time_ms = (uint64_t)row->time_ms,
            .room_id = row->room_id, .upload_id = row->client_id, .size = row->size,
            .uploader = proto_str_of(row->sender_name), .name = proto_str_of(row->file_name),
        } };
        if (row->sha256 != NULL)
            memcpy(msg.u.announce.sha256, row->sha256, PROTO_SHA256_LEN);
    } else {
        if (row->body_len > PROTO_MAX_TEXT) { /* not a text this server stored */
            client_log(p->c, LOG_ERROR, "stored message %" PRIu64 " is too long", row->id);
            return true;
        }
        msg = (struct proto_msg){ .type = PROTO_TEXT, .u.text = {
            .message_id = row->id, .time_ms = (uint64_t)row->time_ms, .room_id = row->room_id,
            .client_id = row->client_id, .sender = proto_str_of(row->sender_name),
            .text = { row->body, (uint16_t)row->body_len },
        } };
    }
    struct frame *f = frame_encode(&msg);
    if (f == NULL) {
        client_log(p->c, LOG_ERROR, "cannot encode stored message %" PRIu64, row->id);
        return true;
    }
    g_ptr_array_add(p->frames, f);
    p->bytes += frame_size(f);
    if (p->first_id == 0 || row->id < p->first_id)
        p->first_id = row->id;
    p->last_id = MAX(p->last_id, row->id);
    return p->bytes < p->c->srv->history_budget;
}

/* Reverses frames[from, len): a newest-first read in ascending order. */
static void frames_turn(GPtrArray *frames, guint from)
{
    for (guint i = from, j = frames->len; i + 1 < j; i++, j--) {
        gpointer f = frames->pdata[i];
        frames->pdata[i] = frames->pdata[j - 1];
        frames->pdata[j - 1] = f;
    }
}

/* Reads lo < id < hi of room into p, in ascending order, after what p holds (see
 * store_history_range). False after answering ERROR(STORAGE). */
static bool page_read(struct page *p, uint32_t room_id, uint64_t lo, uint64_t hi,
                      unsigned limit, bool newest, uint16_t ref_type, uint64_t ref_id)
{
    if (limit == 0 || (p->frames->len > 0 && p->bytes >= p->c->srv->history_budget))
        return true;
    guint from = p->frames->len;
    if (store_history_range(p->c->srv->store, room_id, lo, hi, limit, newest, page_add,
                            p) >= 0) {
        if (newest)
            frames_turn(p->frames, from);
        return true;
    }
    client_log(p->c, LOG_ERROR, "cannot read history: %s", store_error(p->c->srv->store));
    client_send_error(p->c, PROTO_E_STORAGE, ref_type, ref_id,
                      "The server could not read the history; try again.");
    return false;
}

/* Sends p's frames and its HISTORY_END; flags as PROTOCOL.md 5.43 defines them, from
 * the page's ends or, empty, from the request's bounds lo and hi; "older" counts only
 * ids above floor (a RESUME's last_id: older than that the client has). */
static void page_finish(struct page *p, uint64_t request_id, uint32_t room_id, uint64_t lo,
                        uint64_t hi, uint64_t floor)
{
    struct store *st = p->c->srv->store;
    uint64_t below = p->frames->len > 0 ? p->first_id : (lo == ID_MAX ? ID_MAX : lo + 1);
    uint64_t above = p->frames->len > 0 ? p->last_id : (hi == 0 ? 0 : hi - 1);
    uint16_t flags = 0;
    if (store_history_exists(st, room_id, floor, below) == 1)
        flags |= PROTO_HISTORY_MORE_BEFORE;
    if (store_history_exists(st, room_id, above, ID_MAX) == 1)
        flags |= PROTO_HISTORY_MORE_AFTER;
    for (guint i = 0; i < p->frames->len; i++)
        client_send(p->c, p->frames->pdata[i]);
    struct proto_msg end = { .type = PROTO_HISTORY_END, .u.history_end = {
        .request_id = request_id, .room_id = room_id, .flags = flags,
        .count = p->frames->len,
    } };
    client_send_msg(p->c, &end);
}

static void page_init(struct page *p, struct client *c)
{
    *p = (struct page){ c, g_ptr_array_new_with_free_func((GDestroyNotify)frame_unref), 0, 0,
                        0 };
}

void history_on_request(struct client *c, const struct proto_msg *msg)
{
    const struct proto_history *h = &msg->u.history;
    if (h->mode < PROTO_HISTORY_LATEST || h->mode > PROTO_HISTORY_AROUND || h->limit == 0) {
        client_send_error(c, PROTO_E_HISTORY_INVALID, PROTO_HISTORY, h->request_id,
                          "Unknown history mode %u or a limit of 0.", (unsigned)h->mode);
        return;
    }
    if (rooms_for_request(c, h->room_id, PROTO_HISTORY, h->request_id) == NULL)
        return;
    unsigned limit = MIN((unsigned)h->limit, SERVER_HISTORY_MAX_LIMIT);
    uint64_t lo = 0, hi = ID_MAX;
    bool newest = true;
    if (h->mode == PROTO_HISTORY_BEFORE)
        hi = h->anchor;
    else if (h->mode == PROTO_HISTORY_AFTER) {
        lo = h->anchor;
        newest = false;
    }
    struct page p;
    page_init(&p, c);
    store_read_begin(c->srv->store);
    bool ok;
    if (h->mode == PROTO_HISTORY_AROUND) { /* older half below the anchor, the rest from it */
        uint64_t from = h->anchor == 0 ? 0 : h->anchor - 1;
        ok = page_read(&p, h->room_id, 0, h->anchor, limit / 2, true, PROTO_HISTORY,
                       h->request_id) &&
             page_read(&p, h->room_id, from, ID_MAX, limit - limit / 2, false, PROTO_HISTORY,
                       h->request_id);
    } else {
        ok = page_read(&p, h->room_id, lo, hi, limit, newest, PROTO_HISTORY, h->request_id);
    }
    if (ok)
        page_finish(&p, h->request_id, h->room_id, lo, hi, 0);
    store_read_end(c->srv->store);
    client_log(c, LOG_DEBUG, "history room=%u mode=%u anchor=%" PRIu64 " sent=%u",
               (unsigned)h->room_id, (unsigned)h->mode, h->anchor, p.frames->len);
    g_ptr_array_free(p.frames, TRUE);
}

void history_on_resume(struct client *c, const struct proto_msg *msg)
{
    const struct proto_resume *r = &msg->u.resume;
    if (rooms_for_request(c, r->room_id, PROTO_RESUME, r->request_id) == NULL)
        return;
    struct page p;
    page_init(&p, c);
    store_read_begin(c->srv->store);
    if (page_read(&p, r->room_id, r->last_id, ID_MAX, SERVER_RESUME_MAX_PER_ROOM, true,
                  PROTO_RESUME, r->request_id)) {
        bool gap = p.frames->len > 0 &&
            store_history_exists(c->srv->store, r->room_id, r->last_id, p.first_id) == 1;
        if (gap) {
            struct proto_msg m = { .type = PROTO_RESUME_GAP, .u.resume_gap = {
                .request_id = r->request_id, .room_id = r->room_id,
                .after_id = r->last_id, .before_id = p.first_id,
            } };
            client_send_msg(c, &m);
        }
        page_finish(&p, r->request_id, r->room_id, r->last_id, ID_MAX, r->last_id);
        client_log(c, LOG_DEBUG, "resume room=%u after=%" PRIu64 " sent=%u gap=%u",
                   (unsigned)r->room_id, r->last_id, p.frames->len, (unsigned)gap);
    }
    store_read_end(c->srv->store);
    g_ptr_array_free(p.frames, TRUE);
}

bool history_must_wait(struct client *c, uint16_t next_type)
{
    if ((next_type != PROTO_HISTORY && next_type != PROTO_RESUME) ||
        c->out.bytes < c->srv->history_budget)
        return false;
    c->history_waiting = true;
    return true;
}

void history_on_drained(struct client *c)
{
    if (!c->history_waiting || c->out.bytes >= c->srv->history_budget)
        return;
    c->history_waiting = false;
    list_append_once(&c->srv->backlog, &c->backlog_link);
}
