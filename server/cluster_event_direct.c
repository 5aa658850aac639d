/* EVENT_DIRECT, EVENT_RECEIPTS_SET and EVENT_NOTIFY_LEVEL to and from their frames
 * (cluster_event_account.h). Decoding re-checks what direct.c and live_*.c checked of
 * the request: two different accounts, a text that DIRECT_SEND would take, a known
 * notification level, a receipts flag of 0 or 1, valid names. */
#include "server/cluster_event_account.h"

#include "common/validate.h"

bool cluster_direct_to_frame(const struct event *ev, struct proto_msg *m)
{
    switch (ev->type) {
    case EVENT_DIRECT: {
        const struct event_text *t = &ev->u.direct.text;
        m->type = PROTO_EVENT_DIRECT;
        m->u.event_direct = (struct proto_event_direct){
            .time_ms = (uint64_t)t->time_ms, .sender_account = (uint64_t)t->sender_account,
            .peer_account = (uint64_t)ev->u.direct.peer_account,
            .sender_conn = t->sender_conn, .client_id = t->client_id,
            .sender = proto_str_of(t->sender_name),
            .peer = proto_str_of(ev->u.direct.peer_name), .text = t->text,
        };
        return true;
    }
    case EVENT_RECEIPTS_SET:
    case EVENT_NOTIFY_LEVEL: {
        const struct event_setting *s = &ev->u.setting;
        m->type = ev->type == EVENT_RECEIPTS_SET ? PROTO_EVENT_RECEIPTS_SET
                                                 : PROTO_EVENT_NOTIFY_LEVEL;
        m->u.event_setting = (struct proto_event_setting){
            (uint64_t)s->account, s->room_id, s->value, proto_str_of(s->account_name),
        };
        return true;
    }
    default:
        return false;
    }
}

/* Decodes an EVENT_DIRECT (see cluster_direct_from_frame). */
static int direct_from_frame(const struct proto_event_direct *d, struct cluster_event *out,
                             const char **why)
{
    if (d->sender_account == 0 || d->sender_account > INT64_MAX || d->peer_account == 0 ||
        d->peer_account > INT64_MAX || d->peer_account == d->sender_account ||
        d->time_ms > INT64_MAX)
        *why = "accounts or time out of range";
    else if (!text_check(d->text.ptr, d->text.len, PROTO_MAX_TEXT))
        *why = "a text that DIRECT_SEND would refuse";
    else if (!cluster_event_take_name(out->name, d->sender) ||
             !cluster_event_take_name(out->target, d->peer))
        *why = "an invalid sender or peer name";
    else
        *why = NULL;
    if (*why != NULL)
        return 0;
    out->ev = (struct event){ .type = EVENT_DIRECT, .u.direct = {
        .text = { .time_ms = (int64_t)d->time_ms, .sender_account = (int64_t)d->sender_account,
                  .sender_name = out->name, .sender_conn = d->sender_conn,
                  .client_id = d->client_id, .text = d->text },
        .peer_account = (int64_t)d->peer_account, .peer_name = out->target,
    } };
    return 1;
}

int cluster_direct_from_frame(const struct proto_msg *m, struct cluster_event *out,
                              const char **why)
{
    if (m->type == PROTO_EVENT_DIRECT)
        return direct_from_frame(&m->u.event_direct, out, why);
    if (m->type != PROTO_EVENT_RECEIPTS_SET && m->type != PROTO_EVENT_NOTIFY_LEVEL)
        return -1;
    const struct proto_event_setting *s = &m->u.event_setting;
    bool receipts = m->type == PROTO_EVENT_RECEIPTS_SET;
    if (s->account == 0 || s->account > INT64_MAX ||
        (receipts ? s->room_id != 0 || s->value > 1 : s->value > PROTO_NOTIFY_NONE))
        *why = receipts ? "an account, room or flag out of range"
                        : "an account or notification level out of range";
    else if (!cluster_event_take_name(out->name, s->name))
        *why = "an invalid account name";
    else
        *why = NULL;
    if (*why != NULL)
        return 0;
    out->ev = (struct event){ .type = receipts ? EVENT_RECEIPTS_SET : EVENT_NOTIFY_LEVEL,
                              .u.setting = { (int64_t)s->account, out->name, s->room_id,
                                             s->value } };
    return 1;
}
