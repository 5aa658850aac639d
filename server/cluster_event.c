/* Events to and from their frames (cluster_event.h). */
#include "server/cluster_event.h"

#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "common/emoji.h"
#include "common/validate.h"
#include "server/cluster_event_account.h"

/* The event frame of each event kind (every kind travels through the stream); 0 only
 * for a value outside the enum. */
static uint16_t frame_type(enum event_type type)
{
    switch (type) {
    case EVENT_TEXT: return PROTO_EVENT_TEXT;
    case EVENT_EDIT: return PROTO_EVENT_EDIT;
    case EVENT_DELETE: return PROTO_EVENT_DELETE;
    case EVENT_REACT: return PROTO_EVENT_REACT;
    case EVENT_ACCOUNT_CREATE: return PROTO_EVENT_ACCOUNT_CREATE;
    case EVENT_SESSION_ADD: return PROTO_EVENT_SESSION_ADD;
    case EVENT_SESSION_DROP: return PROTO_EVENT_SESSION_DROP;
    case EVENT_ACCOUNT_CHANGE: return PROTO_EVENT_ACCOUNT_CHANGE;
    case EVENT_MODERATE: return PROTO_EVENT_MODERATE;
    case EVENT_ROOM_CREATE: return PROTO_EVENT_ROOM_CREATE;
    case EVENT_ROOM_MEMBER: return PROTO_EVENT_ROOM_MEMBER;
    case EVENT_ROOM_TOPIC: return PROTO_EVENT_ROOM_TOPIC;
    case EVENT_BLOCK: return PROTO_EVENT_BLOCK;
    case EVENT_READ_MARK: return PROTO_EVENT_READ_MARK;
    case EVENT_INVITE_CREATE: return PROTO_EVENT_INVITE_CREATE;
    case EVENT_FILE: return PROTO_EVENT_FILE; /* or _THUMB (cluster_file_to_frame()) */
    case EVENT_DIRECT: return PROTO_EVENT_DIRECT;
    case EVENT_RECEIPTS_SET: return PROTO_EVENT_RECEIPTS_SET;
    case EVENT_NOTIFY_LEVEL: return PROTO_EVENT_NOTIFY_LEVEL;
    case EVENT_PRUNE: return PROTO_EVENT_PRUNE;
    }
    return 0;
}

uint8_t *cluster_event_encode(const struct event *ev, size_t *len)
{
    struct proto_msg m = { .type = frame_type(ev->type) };
    if (m.type == 0)
        return NULL;
    if (cluster_account_to_frame(ev, &m) || cluster_moderate_to_frame(ev, &m) ||
        cluster_room_to_frame(ev, &m) || cluster_mark_to_frame(ev, &m) ||
        cluster_file_to_frame(ev, &m) || cluster_direct_to_frame(ev, &m) ||
        cluster_prune_to_frame(ev, &m)) {
        /* filled */
    } else if (ev->type == EVENT_TEXT) {
        const struct event_text *t = &ev->u.text;
        m.u.event_text = (struct proto_event_text){
            .room_id = t->room_id, .time_ms = (uint64_t)t->time_ms,
            .sender_account = (uint64_t)t->sender_account, .sender_conn = t->sender_conn,
            .client_id = t->client_id, .reply_to = t->reply_to,
            .sender = proto_str_of(t->sender_name), .text = t->text,
        };
    } else {
        const struct event_change *c = &ev->u.change;
        m.u.event_change = (struct proto_event_change){
            .message_id = c->message_id, .time_ms = (uint64_t)c->time_ms,
            .actor_account = (uint64_t)c->actor_account, .moderates = c->actor_moderates,
            .actor = proto_str_of(c->actor_name), .text = c->text,
        };
    }
    size_t size = proto_frame_size(&m);
    if (size == 0)
        return NULL;
    uint8_t *out = g_malloc(size);
    *len = proto_encode(&m, out);
    return out;
}

bool cluster_event_take_name(char *dst, struct proto_str name)
{
    if (name_check(name.ptr, name.len) != NAME_OK)
        return false;
    memcpy(dst, name.ptr, name.len);
    dst[name.len] = '\0';
    return true;
}

static bool decode_text(const struct proto_event_text *t, struct cluster_event *out,
                        const char **why)
{
    if (t->sender_account > INT64_MAX || t->time_ms > INT64_MAX) {
        *why = "an account or time out of range";
        return false;
    }
    if (!text_check(t->text.ptr, t->text.len, PROTO_MAX_TEXT)) {
        *why = "a text that TEXT_SEND would refuse";
        return false;
    }
    if (!cluster_event_take_name(out->name, t->sender)) {
        *why = "an invalid sender name";
        return false;
    }
    out->ev = (struct event){ .type = EVENT_TEXT, .u.text = {
        .room_id = t->room_id, .time_ms = (int64_t)t->time_ms,
        .sender_account = (int64_t)t->sender_account, .sender_name = out->name,
        .sender_conn = t->sender_conn, .client_id = t->client_id, .reply_to = t->reply_to,
        .text = t->text,
    } };
    return true;
}

static bool decode_change(enum event_type type, const struct proto_event_change *c,
                          struct cluster_event *out, const char **why)
{
    if (c->actor_account == 0 || c->actor_account > INT64_MAX || c->time_ms > INT64_MAX ||
        c->moderates > 1) {
        *why = "an actor, time or moderator flag out of range";
        return false;
    }
    if ((type == EVENT_EDIT && !text_check(c->text.ptr, c->text.len, PROTO_MAX_TEXT)) ||
        (type == EVENT_REACT && !emoji_check(c->text.ptr, c->text.len))) {
        *why = type == EVENT_EDIT ? "a text that EDIT would refuse"
                                  : "a reaction that REACT would refuse";
        return false;
    }
    if (!cluster_event_take_name(out->name, c->actor)) {
        *why = "an invalid actor name";
        return false;
    }
    out->ev = (struct event){ .type = type, .u.change = {
        .message_id = c->message_id, .time_ms = (int64_t)c->time_ms,
        .actor_account = (int64_t)c->actor_account, .actor_name = out->name,
        .actor_moderates = c->moderates == 1,
        .text = type == EVENT_DELETE ? (struct proto_str){ NULL, 0 } : c->text,
    } };
    return true;
}

bool cluster_event_decode(const uint8_t *bytes, size_t len, struct cluster_event *out,
                          const char **why)
{
    uint32_t payload_len;
    uint16_t type;
    struct proto_msg m;
    if (len < PROTO_HEADER_SIZE ||
        proto_header_read(bytes, PROTO_MAX_PAYLOAD, &payload_len, &type) != PROTO_OK ||
        payload_len != len - PROTO_HEADER_SIZE) {
        *why = "not one whole frame";
        return false;
    }
    enum proto_status st = proto_decode_payload(type, bytes + PROTO_HEADER_SIZE, payload_len,
                                                &m);
    if (st != PROTO_OK) {
        *why = proto_status_text(st);
        return false;
    }
    m.type = type;
    int family = cluster_account_from_frame(&m, out, why);
    if (family < 0)
        family = cluster_moderate_from_frame(&m, out, why);
    if (family < 0)
        family = cluster_room_from_frame(&m, out, why);
    if (family < 0)
        family = cluster_mark_from_frame(&m, out, why);
    if (family < 0)
        family = cluster_file_from_frame(&m, out, why);
    if (family < 0)
        family = cluster_direct_from_frame(&m, out, why);
    if (family < 0)
        family = cluster_prune_from_frame(&m, out, why);
    if (family >= 0)
        return family == 1;
    switch (type) {
    case PROTO_EVENT_TEXT: return decode_text(&m.u.event_text, out, why);
    case PROTO_EVENT_EDIT: return decode_change(EVENT_EDIT, &m.u.event_change, out, why);
    case PROTO_EVENT_DELETE: return decode_change(EVENT_DELETE, &m.u.event_change, out, why);
    case PROTO_EVENT_REACT: return decode_change(EVENT_REACT, &m.u.event_change, out, why);
    default:
        *why = "a frame type that is no event this node applies";
        return false;
    }
}
