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
#include "server/store/store_live.h"
#include "server/transfer.h"

#define ID_MAX UINT64_MAX

/* The frames of one page, in ascending id order. A row may take several frames (a
 * reply's REPLY_TO and TEXT, an edited text and its MESSAGE_EDITED, reactions): each
 * row's frames start at an index in starts, so a newest-first read turns whole rows. */
struct page {
    struct client *c;
    GPtrArray *frames;          /* struct frame *, owned */
    GArray *starts;             /* guint: where each row's frames begin in frames */
    size_t bytes;               /* of the frames: the page ends at srv->history_budget */
    uint64_t first_id, last_id; /* 0 while empty */
    bool events;                /* a RESUME: events replayed as they happened */
};

static void page_push(struct page *p, const struct proto_msg *msg, uint64_t id)
{
    struct frame *f = frame_encode(msg);
    if (f == NULL) {
        client_log(p->c, LOG_ERROR, "cannot encode stored row %" PRIu64, id);
        return;
    }
    g_ptr_array_add(p->frames, f);
    p->bytes += frame_size(f);
}

/* A stored text, checked against the wire's limit (a row this server did not write). */
static bool text_fits(struct page *p, uint64_t id, size_t len)
{
    if (len <= PROTO_MAX_TEXT)
        return true;
    client_log(p->c, LOG_ERROR, "stored message %" PRIu64 " is too long", id);
    return false;
}

struct reaction_ctx {
    struct page *p;
    const struct store_history_row *row;
};

/* One current reaction of a paged message (event_id 0: a state, not an event). */
static void page_add_reaction(int64_t account_id, const char *name, const char *emoji,
                              void *data)
{
    struct reaction_ctx *ctx = data;
    struct proto_msg msg = { .type = PROTO_REACTION, .u.reaction = {
        .message_id = ctx->row->id, .room_id = ctx->row->room_id,
        .account_id = (uint32_t)account_id, .added = 1, .name = proto_str_of(name),
        .emoji = proto_str_of(emoji),
    } };
    page_push(ctx->p, &msg, ctx->row->id);
}

/* A message as it now is: REPLY_TO if it answers one; the TEXT or FILE_ANNOUNCE it was
 * delivered as (senders' connection ids are gone: 0; names kept) and MESSAGE_EDITED if
 * it was edited, or only MESSAGE_DELETED; in a HISTORY page its reactions. A RESUME
 * replays the events after the message instead (they all follow it), and nothing of a
 * deleted one but its deletion. */
static void page_add_message(struct page *p, const struct store_history_row *row)
{
    struct proto_msg msg;
    if (p->events && row->deleted_id != 0)
        return;
    if (row->reply_to != 0) {
        msg = (struct proto_msg){ .type = PROTO_REPLY_TO, .u.reply_to = {
            row->room_id, row->id, row->reply_to } };
        page_push(p, &msg, row->id);
    }
    if (row->deleted_id != 0) {
        msg = (struct proto_msg){ .type = PROTO_MESSAGE_DELETED, .u.message_deleted = {
            .event_id = row->deleted_id, .message_id = row->id,
            .time_ms = (uint64_t)row->deleted_time_ms, .room_id = row->room_id,
            .actor = proto_str_of(row->deleted_by),
        } };
        page_push(p, &msg, row->id);
        return;
    }
    if (row->is_file) {
        msg = (struct proto_msg){ .type = PROTO_FILE_ANNOUNCE, .u.announce = {
            .file_id = row->file_id, .message_id = row->id, .time_ms = (uint64_t)row->time_ms,
            .room_id = row->room_id, .upload_id = row->client_id, .size = row->size,
            .uploader = proto_str_of(row->sender_name), .name = proto_str_of(row->file_name),
        } };
        if (row->sha256 != NULL)
            memcpy(msg.u.announce.sha256, row->sha256, PROTO_SHA256_LEN);
        if (row->thumb != NULL && row->thumb_len <= PROTO_MAX_THUMB_BYTES)
            announce_add_thumb(&msg, row->thumb, row->thumb_len, row->thumb_width,
                               row->thumb_height);
        page_push(p, &msg, row->id);
    } else {
        if (!text_fits(p, row->id, row->body_len))
            return;
        struct proto_str text = { row->body, (uint16_t)row->body_len };
        msg = (struct proto_msg){ .type = PROTO_TEXT, .u.text = {
            .message_id = row->id, .time_ms = (uint64_t)row->time_ms, .room_id = row->room_id,
            .client_id = row->client_id, .sender = proto_str_of(row->sender_name),
            .text = text,
        } };
        page_push(p, &msg, row->id);
        if (row->edit_id != 0 && !p->events) {
            msg = (struct proto_msg){ .type = PROTO_MESSAGE_EDITED, .u.message_edited = {
                .event_id = row->edit_id, .message_id = row->id,
                .time_ms = (uint64_t)row->edit_time_ms, .room_id = row->room_id,
                .actor = proto_str_of(row->sender_name), .text = text,
            } };
            page_push(p, &msg, row->id);
        }
    }
    struct reaction_ctx ctx = { p, row };
    if (!p->events && store_live_reactions(p->c->srv->store, row->id, SERVER_HISTORY_REACTIONS,
                                           page_add_reaction, &ctx) < 0)
        client_log(p->c, LOG_ERROR, "cannot read reactions: %s", store_error(p->c->srv->store));
}

/* An event replayed by a RESUME, as it was delivered (an edit with the text as it now
 * is; none once the message is deleted: its deletion follows). */
static void page_add_event(struct page *p, const struct store_history_row *row)
{
    struct proto_msg msg;
    if (row->kind == STORE_KIND_EDIT) {
        if (row->target_body == NULL || !text_fits(p, row->id, row->target_body_len))
            return;
        msg = (struct proto_msg){ .type = PROTO_MESSAGE_EDITED, .u.message_edited = {
            .event_id = row->id, .message_id = row->target_id, .time_ms = (uint64_t)row->time_ms,
            .room_id = row->room_id, .actor = proto_str_of(row->sender_name),
            .text = { row->target_body, (uint16_t)row->target_body_len },
        } };
    } else if (row->kind == STORE_KIND_DELETE) {
        msg = (struct proto_msg){ .type = PROTO_MESSAGE_DELETED, .u.message_deleted = {
            .event_id = row->id, .message_id = row->target_id, .time_ms = (uint64_t)row->time_ms,
            .room_id = row->room_id, .actor = proto_str_of(row->sender_name),
        } };
    } else {
        msg = (struct proto_msg){ .type = PROTO_REACTION, .u.reaction = {
            .event_id = row->id, .message_id = row->target_id, .room_id = row->room_id,
            .account_id = (uint32_t)row->sender_id, .added = row->kind == STORE_KIND_REACT_ADD,
            .name = proto_str_of(row->sender_name), .emoji = proto_str_of(row->emoji),
        } };
    }
    page_push(p, &msg, row->id);
}

/* A stored row as the frames it was delivered as. False once the page is full. */
static bool page_add(const struct store_history_row *row, void *data)
{
    struct page *p = data;
    guint start = p->frames->len;
    g_array_append_val(p->starts, start);
    if (row->kind == STORE_KIND_TEXT || row->kind == STORE_KIND_FILE)
        page_add_message(p, row);
    else
        page_add_event(p, row);
    if (p->first_id == 0 || row->id < p->first_id)
        p->first_id = row->id;
    p->last_id = MAX(p->last_id, row->id);
    return p->bytes < p->c->srv->history_budget;
}

/* Puts the rows read newest first since row `from` (and frame starts[from]) in
 * ascending order, each row's frames kept in their own order. */
static void frames_turn(struct page *p, guint from)
{
    guint first = from < p->starts->len ? g_array_index(p->starts, guint, from) : p->frames->len;
    GPtrArray *turned = g_ptr_array_sized_new(p->frames->len - first);
    for (guint r = p->starts->len; r-- > from;) {
        guint begin = g_array_index(p->starts, guint, r);
        guint end = r + 1 < p->starts->len ? g_array_index(p->starts, guint, r + 1)
                                           : p->frames->len;
        for (guint i = begin; i < end; i++)
            g_ptr_array_add(turned, p->frames->pdata[i]);
    }
    for (guint i = 0; i < turned->len; i++)
        p->frames->pdata[first + i] = turned->pdata[i];
    g_ptr_array_free(turned, TRUE);
}

/* Reads lo < id < hi of room into p, in ascending order, after what p holds (see
 * store_history_range). False after answering ERROR(STORAGE). */
static bool page_read(struct page *p, uint32_t room_id, uint64_t lo, uint64_t hi,
                      unsigned limit, bool newest, uint16_t ref_type, uint64_t ref_id)
{
    if (limit == 0 || (p->frames->len > 0 && p->bytes >= p->c->srv->history_budget))
        return true;
    guint from = p->starts->len;
    if (store_history_range(p->c->srv->store, room_id, lo, hi, limit, newest, p->events,
                            page_add, p) >= 0) {
        if (newest)
            frames_turn(p, from);
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
    if (store_history_exists(st, room_id, floor, below, p->events) == 1)
        flags |= PROTO_HISTORY_MORE_BEFORE;
    if (store_history_exists(st, room_id, above, ID_MAX, p->events) == 1)
        flags |= PROTO_HISTORY_MORE_AFTER;
    for (guint i = 0; i < p->frames->len; i++)
        client_send(p->c, p->frames->pdata[i]);
    struct proto_msg end = { .type = PROTO_HISTORY_END, .u.history_end = {
        .request_id = request_id, .room_id = room_id, .flags = flags,
        .count = p->frames->len,
    } };
    client_send_msg(p->c, &end);
}

static void page_init(struct page *p, struct client *c, bool events)
{
    *p = (struct page){ c, g_ptr_array_new_with_free_func((GDestroyNotify)frame_unref),
                        g_array_new(FALSE, FALSE, sizeof(guint)), 0, 0, 0, events };
}

static void page_free(struct page *p)
{
    g_ptr_array_free(p->frames, TRUE);
    g_array_free(p->starts, TRUE);
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
    page_init(&p, c, false);
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
    page_free(&p);
}

void history_on_resume(struct client *c, const struct proto_msg *msg)
{
    const struct proto_resume *r = &msg->u.resume;
    if (rooms_for_request(c, r->room_id, PROTO_RESUME, r->request_id) == NULL)
        return;
    struct page p;
    page_init(&p, c, true);
    store_read_begin(c->srv->store);
    if (page_read(&p, r->room_id, r->last_id, ID_MAX, SERVER_RESUME_MAX_PER_ROOM, true,
                  PROTO_RESUME, r->request_id)) {
        bool gap = p.frames->len > 0 &&
            store_history_exists(c->srv->store, r->room_id, r->last_id, p.first_id, true) == 1;
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
    page_free(&p);
}

void history_live_started(struct client *c)
{
    c->live_from = store_pass_first_message(c->srv->store);
}

bool history_must_wait(struct client *c, uint16_t next_type)
{
    if (next_type != PROTO_HISTORY && next_type != PROTO_RESUME)
        return false;
    uint64_t open_pass = store_pass_first_message(c->srv->store);
    if (open_pass != 0 && c->live_from == open_pass) { /* missed some of it live */
        list_append_once(&c->srv->backlog, &c->backlog_link);
        return true;
    }
    if (c->out.bytes < c->srv->history_budget)
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
