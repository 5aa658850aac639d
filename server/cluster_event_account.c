/* The account family of events to and from their frames (cluster_event_account.h):
 * registrations, sessions and password hashes. Only hashes travel: an Argon2id string,
 * a token's or an invite code's SHA-256; never a password, token or code. */
#include "server/cluster_event_account.h"

#include <string.h>

#include "common/validate.h"

bool cluster_account_to_frame(const struct event *ev, struct proto_msg *m)
{
    switch (ev->type) {
    case EVENT_ACCOUNT_CREATE: {
        const struct event_account_create *a = &ev->u.account_create;
        m->type = PROTO_EVENT_ACCOUNT_CREATE;
        m->u.event_account = (struct proto_event_account){
            .time_ms = (uint64_t)a->time_ms, .flag = a->has_invite,
            .name = proto_str_of(a->name), .pw_hash = proto_str_of(a->pw_hash),
        };
        if (a->has_invite)
            memcpy(m->u.event_account.invite_hash, a->invite_hash, PROTO_SHA256_LEN);
        return true;
    }
    case EVENT_ACCOUNT_CHANGE: {
        const struct event_account_change *a = &ev->u.account_change;
        m->type = PROTO_EVENT_ACCOUNT_CHANGE;
        m->u.event_account = (struct proto_event_account){
            .account = (uint64_t)a->account, .time_ms = (uint64_t)a->time_ms,
            .flag = a->rehash, .pw_hash = proto_str_of(a->pw_hash),
        };
        return true;
    }
    case EVENT_SESSION_ADD:
    case EVENT_SESSION_DROP: {
        const struct event_session *s = &ev->u.session;
        m->type = ev->type == EVENT_SESSION_ADD ? PROTO_EVENT_SESSION_ADD
                                                : PROTO_EVENT_SESSION_DROP;
        m->u.event_session = (struct proto_event_session){
            .account = (uint64_t)s->account, .time_ms = (uint64_t)s->time_ms,
            .expires_ms = ev->type == EVENT_SESSION_ADD ? (uint64_t)s->expires_ms : 0,
            .all = ev->type == EVENT_SESSION_DROP && s->all,
        };
        memcpy(m->u.event_session.token_hash, s->token_hash, PROTO_SHA256_LEN);
        return true;
    }
    default:
        return false;
    }
}

/* True for what the taking node's worker makes: "$argon2id$" then printable ASCII. */
static bool pw_hash_ok(struct proto_str h)
{
    static const char prefix[] = "$argon2id$";
    if (h.len <= sizeof prefix - 1 || memcmp(h.ptr, prefix, sizeof prefix - 1) != 0)
        return false;
    for (size_t i = 0; i < h.len; i++)
        if (h.ptr[i] < 0x21 || h.ptr[i] > 0x7e)
            return false;
    return true;
}

static bool all_zero(const uint8_t *bytes, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (bytes[i] != 0)
            return false;
    return true;
}

static bool decode_account(uint16_t type, const struct proto_event_account *a,
                           struct cluster_event *out, const char **why)
{
    bool create = type == PROTO_EVENT_ACCOUNT_CREATE;
    if (a->time_ms > INT64_MAX || a->account > INT64_MAX || a->flag > 1 ||
        (create ? a->account != 0 || (a->flag == 0 && !all_zero(a->invite_hash,
                                                                 PROTO_SHA256_LEN))
                : a->account == 0)) {
        *why = "an account, time, flag or invite out of range";
        return false;
    }
    if (!pw_hash_ok(a->pw_hash)) {
        *why = "a password hash that is no Argon2id string";
        return false;
    }
    memcpy(out->pw_hash, a->pw_hash.ptr, a->pw_hash.len);
    out->pw_hash[a->pw_hash.len] = '\0';
    if (!create) {
        out->ev = (struct event){ .type = EVENT_ACCOUNT_CHANGE, .u.account_change = {
            .account = (int64_t)a->account, .time_ms = (int64_t)a->time_ms,
            .pw_hash = out->pw_hash, .rehash = a->flag == 1,
        } };
        return true;
    }
    if (!cluster_event_take_name(out->name, a->name)) {
        *why = "a name that REGISTER would refuse";
        return false;
    }
    out->ev = (struct event){ .type = EVENT_ACCOUNT_CREATE, .u.account_create = {
        .time_ms = (int64_t)a->time_ms, .name = out->name, .pw_hash = out->pw_hash,
        .has_invite = a->flag == 1,
    } };
    memcpy(out->ev.u.account_create.invite_hash, a->invite_hash, PROTO_SHA256_LEN);
    return true;
}

static bool decode_session(uint16_t type, const struct proto_event_session *s,
                           struct cluster_event *out, const char **why)
{
    bool add = type == PROTO_EVENT_SESSION_ADD;
    if (s->account == 0 || s->account > INT64_MAX || s->time_ms > INT64_MAX ||
        s->expires_ms > INT64_MAX || s->all > 1 ||
        (add ? s->expires_ms == 0 || s->all != 0 : s->expires_ms != 0)) {
        *why = "an account, time, expiry or scope out of range";
        return false;
    }
    out->ev = (struct event){ .type = add ? EVENT_SESSION_ADD : EVENT_SESSION_DROP,
                              .u.session = {
        .account = (int64_t)s->account, .time_ms = (int64_t)s->time_ms,
        .expires_ms = (int64_t)s->expires_ms, .all = s->all == 1,
    } };
    memcpy(out->ev.u.session.token_hash, s->token_hash, PROTO_SHA256_LEN);
    return true;
}

int cluster_account_from_frame(const struct proto_msg *m, struct cluster_event *out,
                               const char **why)
{
    switch (m->type) {
    case PROTO_EVENT_ACCOUNT_CREATE:
    case PROTO_EVENT_ACCOUNT_CHANGE:
        return decode_account(m->type, &m->u.event_account, out, why);
    case PROTO_EVENT_SESSION_ADD:
    case PROTO_EVENT_SESSION_DROP:
        return decode_session(m->type, &m->u.event_session, out, why);
    default:
        return -1;
    }
}
