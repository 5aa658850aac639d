/* Logging and applying events (event.h). */
#include "server/event_apply.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/validate.h"

#include "server/client.h"
#include "server/cluster.h"
#include "server/cluster_event.h"
#include "server/deliver.h"

void event_log(struct server *srv, const struct event *ev, const struct deliver_ticket *ticket)
{
    if (cluster_on(srv))
        cluster_append(srv, ev, ticket); /* applied when it is read back */
    else /* one node: the pass commit is the log */
        event_apply(srv, ev, ticket);
}

const char *event_check_stored(struct server *srv, const struct event *ev,
                               uint64_t landed_ms, char *why, size_t size)
{
    return ev->type == EVENT_FILE ? event_file_check(srv, &ev->u.file, landed_ms, why, size)
                                  : NULL;
}

void event_apply(struct server *srv, const struct event *ev,
                 const struct deliver_ticket *ticket)
{
    switch (ev->type) {
    case EVENT_TEXT: event_apply_text(srv, &ev->u.text, ticket); break;
    case EVENT_EDIT: event_apply_edit(srv, &ev->u.change, ticket); break;
    case EVENT_DELETE: event_apply_delete(srv, &ev->u.change, ticket); break;
    case EVENT_REACT: event_apply_react(srv, &ev->u.change, ticket); break;
    case EVENT_ROOM_CREATE: event_apply_room_create(srv, &ev->u.room_create, ticket); break;
    case EVENT_ROOM_MEMBER: event_apply_room_member(srv, &ev->u.room_member, ticket); break;
    case EVENT_ROOM_TOPIC: event_apply_room_topic(srv, &ev->u.room_topic, ticket); break;
    case EVENT_MODERATE: event_apply_moderate(srv, &ev->u.moderate, ticket); break;
    case EVENT_ACCOUNT_CREATE:
        event_apply_account_create(srv, &ev->u.account_create, ticket);
        break;
    case EVENT_SESSION_ADD: event_apply_session_add(srv, &ev->u.session, ticket); break;
    case EVENT_SESSION_DROP: event_apply_session_drop(srv, &ev->u.session, ticket); break;
    case EVENT_ACCOUNT_CHANGE:
        event_apply_account_change(srv, &ev->u.account_change, ticket);
        break;
    case EVENT_BLOCK: event_apply_block(srv, &ev->u.block, ticket); break;
    case EVENT_READ_MARK: event_apply_read_mark(srv, &ev->u.read_mark, ticket); break;
    case EVENT_INVITE_CREATE: event_apply_invite_create(srv, &ev->u.invite, ticket); break;
    case EVENT_FILE: event_apply_file(srv, &ev->u.file, ticket); break;
    case EVENT_DIRECT: event_apply_direct(srv, &ev->u.direct, ticket); break;
    case EVENT_RECEIPTS_SET: event_apply_receipts_set(srv, &ev->u.setting, ticket); break;
    case EVENT_NOTIFY_LEVEL: event_apply_notify_level(srv, &ev->u.setting, ticket); break;
    case EVENT_PRUNE: event_apply_prune(srv, &ev->u.prune, ticket); break;
    }
}

void event_note(const struct client *requester, uint32_t conn, const char *name,
                enum log_level level, const char *fmt, ...)
{
    if (!log_enabled(level))
        return;
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (requester != NULL)
        client_log(requester, level, "%s", line);
    else
        log_event(level, conn, NULL, name, "%s", line);
}

void event_refuse(struct server *srv, const struct deliver_ticket *ticket, uint16_t code,
                  const char *fmt, ...)
{
    struct client *c = deliver_ticket_client(srv, ticket);
    if (c == NULL)
        return;
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    client_send_error(c, code, ticket->ref_type, ticket->ref_id, "%s", text);
}

struct client *event_account_client(struct server *srv, const struct deliver_ticket *ticket,
                                    int64_t account, const char *name)
{
    struct client *c = deliver_ticket_client(srv, ticket);
    if (c != NULL && c->account_id == account)
        return c;
    if (name_check(name, strlen(name)) != NAME_OK)
        return NULL;
    char *key = name_fold_key(name, strlen(name));
    c = g_hash_table_lookup(srv->names, key);
    g_free(key);
    return c != NULL && c->account_id == account && !c->welcome_pending ? c : NULL;
}

const struct deliver_ticket *event_pending_ticket(const struct deliver_ticket *ticket)
{
    return ticket != NULL ? ticket : &deliver_no_request;
}

bool event_deliver(struct server *srv, const struct deliver_ticket *ticket,
                   const struct room *r, const struct proto_msg *msg)
{
    struct frame *f = frame_encode(msg);
    if (f == NULL) {
        log_event(LOG_ERROR, 0, NULL, NULL, "cannot encode a %s frame",
                  proto_type_name(msg->type));
        return false;
    }
    deliver_ticketed(srv, ticket, r, f, NULL, NULL);
    frame_unref(f);
    return true;
}

void event_log_request(struct client *c, const struct event *ev, uint16_t ref_type,
                       uint64_t ref_id)
{
    struct deliver_request req = { c, ref_type, ref_id };
    struct deliver_ticket ticket = deliver_ticket_of(&req);
    event_log(c->srv, ev, &ticket);
}
