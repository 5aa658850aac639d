/* The room events to and from their frame (cluster_event_account.h). Decoding re-checks
 * what room_requests.c checked: a public or private room (a direct room is made by
 * EVENT_DIRECT, cluster_event_direct.c), valid names, a topic that is empty or a text. */
#include "server/cluster_event_account.h"

#include "common/validate.h"

bool cluster_room_to_frame(const struct event *ev, struct proto_msg *m)
{
    struct proto_event_room *r = &m->u.event_room;
    switch (ev->type) {
    case EVENT_ROOM_CREATE: {
        const struct event_room_create *c = &ev->u.room_create;
        m->type = PROTO_EVENT_ROOM_CREATE;
        *r = (struct proto_event_room){
            .action = (uint16_t)c->kind, .time_ms = (uint64_t)c->time_ms,
            .actor_account = (uint64_t)c->creator_account,
            .actor = proto_str_of(c->creator_name), .name = c->name, .topic = c->topic,
        };
        return true;
    }
    case EVENT_ROOM_MEMBER: {
        const struct event_room_member *b = &ev->u.room_member;
        m->type = PROTO_EVENT_ROOM_MEMBER;
        *r = (struct proto_event_room){
            .action = (uint16_t)b->action, .room_id = b->room_id,
            .time_ms = (uint64_t)b->time_ms, .actor_account = (uint64_t)b->actor_account,
            .account = (uint64_t)b->account, .actor = proto_str_of(b->actor_name),
            .name = proto_str_of(b->account_name),
        };
        return true;
    }
    case EVENT_ROOM_TOPIC: {
        const struct event_room_topic *t = &ev->u.room_topic;
        m->type = PROTO_EVENT_ROOM_TOPIC;
        *r = (struct proto_event_room){
            .room_id = t->room_id, .time_ms = (uint64_t)t->time_ms,
            .actor_account = (uint64_t)t->actor_account, .actor = proto_str_of(t->actor_name),
            .topic = t->topic,
        };
        return true;
    }
    default:
        return false;
    }
}

/* Why the fields of r break the rules of the request of type, or NULL. */
static const char *room_wrong(uint16_t type, const struct proto_event_room *r)
{
    if (r->time_ms > INT64_MAX || r->actor_account > INT64_MAX || r->account > INT64_MAX)
        return "a time or account out of range";
    if (r->topic.len > 0 && !text_check(r->topic.ptr, r->topic.len, PROTO_MAX_TOPIC))
        return "a topic that is blank or holds control characters";
    switch (type) {
    case PROTO_EVENT_ROOM_CREATE:
        return r->action > PROTO_ROOM_PRIVATE || r->room_id != 0 || r->account != 0 ||
               r->actor_account == 0 ? "not a public or private room made by an account"
               : name_check(r->name.ptr, r->name.len) != NAME_OK ? "an invalid room name"
               : NULL;
    case PROTO_EVENT_ROOM_MEMBER:
        return r->action > EVENT_MEMBER_INVITE || r->account == 0 || r->actor_account == 0 ||
               r->topic.len != 0 ? "not a join, leave or invite of an account" : NULL;
    default:
        return r->action != 0 || r->account != 0 || r->name.len != 0
                   ? "a topic event with fields of another" : NULL;
    }
}

int cluster_room_from_frame(const struct proto_msg *m, struct cluster_event *out,
                            const char **why)
{
    if (m->type != PROTO_EVENT_ROOM_CREATE && m->type != PROTO_EVENT_ROOM_MEMBER &&
        m->type != PROTO_EVENT_ROOM_TOPIC)
        return -1;
    const struct proto_event_room *r = &m->u.event_room;
    *why = room_wrong(m->type, r);
    if (*why == NULL && (!cluster_event_take_name(out->name, r->actor) ||
                         (m->type == PROTO_EVENT_ROOM_MEMBER &&
                          !cluster_event_take_name(out->target, r->name))))
        *why = "an invalid actor or account name";
    if (*why != NULL)
        return 0;
    if (m->type == PROTO_EVENT_ROOM_CREATE)
        out->ev = (struct event){ .type = EVENT_ROOM_CREATE, .u.room_create = {
            .kind = r->action, .time_ms = (int64_t)r->time_ms,
            .creator_account = (int64_t)r->actor_account, .creator_name = out->name,
            .name = r->name, .topic = r->topic,
        } };
    else if (m->type == PROTO_EVENT_ROOM_MEMBER)
        out->ev = (struct event){ .type = EVENT_ROOM_MEMBER, .u.room_member = {
            .action = (enum event_member_action)r->action, .room_id = r->room_id,
            .time_ms = (int64_t)r->time_ms, .account = (int64_t)r->account,
            .account_name = out->target, .actor_account = (int64_t)r->actor_account,
            .actor_name = out->name,
        } };
    else
        out->ev = (struct event){ .type = EVENT_ROOM_TOPIC, .u.room_topic = {
            .room_id = r->room_id, .time_ms = (int64_t)r->time_ms,
            .actor_account = (int64_t)r->actor_account, .actor_name = out->name,
            .topic = r->topic,
        } };
    return 1;
}
