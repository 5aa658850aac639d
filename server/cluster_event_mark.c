/* EVENT_BLOCK, EVENT_READ_MARK and EVENT_INVITE_CREATE to and from their frames
 * (cluster_event_account.h): small per-account records. An invite travels as its code's
 * SHA-256 only; the code waits on the taking node until the entry applies. */
#include "server/cluster_event_account.h"

#include <string.h>

bool cluster_mark_to_frame(const struct event *ev, struct proto_msg *m)
{
    switch (ev->type) {
    case EVENT_BLOCK: {
        const struct event_block *b = &ev->u.block;
        m->type = PROTO_EVENT_BLOCK;
        m->u.event_block = (struct proto_event_block){
            (uint64_t)b->account, (uint64_t)b->blocked, (uint64_t)b->time_ms, b->on,
            proto_str_of(b->account_name),
        };
        return true;
    }
    case EVENT_READ_MARK: {
        const struct event_read_mark *r = &ev->u.read_mark;
        m->type = PROTO_EVENT_READ_MARK;
        m->u.event_read_mark = (struct proto_event_read_mark){
            (uint64_t)r->account, r->room_id, r->message_id, r->receipts_off,
            proto_str_of(r->account_name),
        };
        return true;
    }
    case EVENT_INVITE_CREATE: {
        const struct event_invite *i = &ev->u.invite;
        m->type = PROTO_EVENT_INVITE_CREATE;
        m->u.event_invite = (struct proto_event_invite){
            .creator = (uint64_t)i->creator, .time_ms = (uint64_t)i->time_ms,
            .expires_ms = (uint64_t)i->expires_ms, .name = proto_str_of(i->creator_name),
        };
        memcpy(m->u.event_invite.code_hash, i->code_hash, PROTO_SHA256_LEN);
        return true;
    }
    default:
        return false;
    }
}

/* Why the numbers of m break its request's rules, or NULL. */
static const char *numbers_wrong(const struct proto_msg *m)
{
    const struct proto_event_block *b = &m->u.event_block;
    const struct proto_event_read_mark *r = &m->u.event_read_mark;
    const struct proto_event_invite *i = &m->u.event_invite;
    switch (m->type) {
    case PROTO_EVENT_BLOCK:
        return b->account == 0 || b->account > INT64_MAX || b->blocked == 0 ||
               b->blocked > INT64_MAX || b->blocked == b->account || b->time_ms > INT64_MAX ||
               b->on > 1 ? "accounts, time or flag out of range" : NULL;
    case PROTO_EVENT_READ_MARK:
        return r->account == 0 || r->account > INT64_MAX || r->message_id == 0 ||
               r->receipts_off > 1 ? "an account, message or flag out of range" : NULL;
    default:
        return i->creator == 0 || i->creator > INT64_MAX || i->time_ms > INT64_MAX ||
               i->expires_ms > INT64_MAX ? "an account or time out of range" : NULL;
    }
}

int cluster_mark_from_frame(const struct proto_msg *m, struct cluster_event *out,
                            const char **why)
{
    if (m->type != PROTO_EVENT_BLOCK && m->type != PROTO_EVENT_READ_MARK &&
        m->type != PROTO_EVENT_INVITE_CREATE)
        return -1;
    *why = numbers_wrong(m);
    const struct proto_event_block *b = &m->u.event_block;
    const struct proto_event_read_mark *r = &m->u.event_read_mark;
    const struct proto_event_invite *i = &m->u.event_invite;
    struct proto_str name = m->type == PROTO_EVENT_BLOCK       ? b->name
                            : m->type == PROTO_EVENT_READ_MARK ? r->name : i->name;
    if (*why == NULL && !cluster_event_take_name(out->name, name))
        *why = "an invalid account name";
    if (*why != NULL)
        return 0;
    if (m->type == PROTO_EVENT_BLOCK) {
        out->ev = (struct event){ .type = EVENT_BLOCK, .u.block = {
            (int64_t)b->account, out->name, (int64_t)b->blocked, b->on == 1,
            (int64_t)b->time_ms,
        } };
    } else if (m->type == PROTO_EVENT_READ_MARK) {
        out->ev = (struct event){ .type = EVENT_READ_MARK, .u.read_mark = {
            (int64_t)r->account, out->name, r->room_id, r->message_id, r->receipts_off == 1,
        } };
    } else {
        out->ev = (struct event){ .type = EVENT_INVITE_CREATE, .u.invite = {
            .creator = (int64_t)i->creator, .creator_name = out->name,
            .time_ms = (int64_t)i->time_ms, .expires_ms = (int64_t)i->expires_ms,
        } };
        memcpy(out->ev.u.invite.code_hash, i->code_hash, PROTO_SHA256_LEN);
    }
    return 1;
}
