/* The command table and the per-frame rules every request goes through. */
#include "server/dispatch.h"

#include <stdio.h>

#include "common/validate.h"
#include "server/auth.h"
#include "server/client.h"
#include "server/clock.h"
#include "server/history.h"
#include "server/live.h"
#include "server/presence.h"
#include "server/presence_state.h"
#include "server/room_requests.h"
#include "server/rooms.h"
#include "server/search.h"
#include "server/transfer.h"

enum need {
    NEED_ANY,    /* allowed before login (the login frames, PING, PONG, GOODBYE) */
    NEED_ONLINE, /* needs a completed login */
};

struct command {
    uint16_t type;
    enum need need;
    void (*handle)(struct client *c, const struct proto_msg *msg);
};

static void on_ping(struct client *c, const struct proto_msg *msg);
static void on_pong(struct client *c, const struct proto_msg *msg);
static void on_goodbye(struct client *c, const struct proto_msg *msg);
static void on_text_send(struct client *c, const struct proto_msg *msg);

/* Every frame type a client may send. Payload layouts and their bounds (exact sizes,
 * string caps, PROTO_MAX_PAYLOAD) are enforced by the decoder before a handler runs.
 * In a cluster, accounts and sessions go through the stream (REGISTER, LOGIN, LOGIN_TOKEN,
 * LOGOUT, PASSWORD_CHANGE). */
static const struct command commands[] = {
    { PROTO_HELLO, NEED_ANY, presence_on_hello },
    { PROTO_PING, NEED_ANY, on_ping },
    { PROTO_PONG, NEED_ANY, on_pong },
    { PROTO_GOODBYE, NEED_ANY, on_goodbye },
    { PROTO_TEXT_SEND, NEED_ONLINE, on_text_send },
    { PROTO_FILE_OFFER, NEED_ONLINE, upload_on_offer },
    { PROTO_FILE_CHUNK, NEED_ONLINE, upload_on_chunk },
    { PROTO_FILE_END, NEED_ONLINE, upload_on_end },
    { PROTO_FILE_CANCEL, NEED_ONLINE, upload_on_cancel },
    { PROTO_DOWNLOAD_REQUEST, NEED_ONLINE, download_on_request },
    { PROTO_DOWNLOAD_CANCEL, NEED_ONLINE, download_on_cancel },
    { PROTO_REGISTER, NEED_ANY, login_on_register },
    { PROTO_LOGIN, NEED_ANY, login_on_login },
    { PROTO_LOGIN_TOKEN, NEED_ANY, login_on_login_token },
    { PROTO_LOGOUT, NEED_ONLINE, account_on_logout },
    { PROTO_PASSWORD_CHANGE, NEED_ONLINE, account_on_password_change },
    { PROTO_INVITE_CREATE, NEED_ONLINE, moderation_on_invite_create },
    { PROTO_MODERATE, NEED_ONLINE, moderation_on_moderate },
    { PROTO_ROOM_CREATE, NEED_ONLINE, room_on_create },
    { PROTO_ROOM_JOIN, NEED_ONLINE, room_on_join },
    { PROTO_ROOM_LEAVE, NEED_ONLINE, room_on_leave },
    { PROTO_ROOM_LIST, NEED_ONLINE, room_on_list },
    { PROTO_ROOM_TOPIC_SET, NEED_ONLINE, room_on_topic_set },
    { PROTO_ROOM_INVITE, NEED_ONLINE, room_on_invite },
    { PROTO_DIRECT_SEND, NEED_ONLINE, direct_on_send },
    { PROTO_BLOCK, NEED_ONLINE, direct_on_block },
    { PROTO_PRESENCE_SET, NEED_ONLINE, presence_state_on_set },
    { PROTO_HISTORY, NEED_ONLINE, history_on_request },
    { PROTO_RESUME, NEED_ONLINE, history_on_resume },
    { PROTO_TYPING_SET, NEED_ONLINE, live_on_typing_set },
    { PROTO_READ_MARK, NEED_ONLINE, live_on_read_mark },
    { PROTO_RECEIPTS_SET, NEED_ONLINE, live_on_receipts_set },
    { PROTO_EDIT, NEED_ONLINE, live_on_edit },
    { PROTO_DELETE, NEED_ONLINE, live_on_delete },
    { PROTO_REPLY_SEND, NEED_ONLINE, live_on_reply_send },
    { PROTO_REACT, NEED_ONLINE, live_on_react },
    { PROTO_SEARCH, NEED_ONLINE, search_on_request },
    { PROTO_FILE_OFFER_THUMB, NEED_ONLINE, upload_on_offer },
    { PROTO_NOTIFY_LEVEL_SET, NEED_ONLINE, live_on_notify_level_set },
};

static const struct command *command_find(uint16_t type)
{
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        if (commands[i].type == type)
            return &commands[i];
    return NULL;
}

/* The id a request carries for the client to match an answer: its message, upload or
 * file id; 0 for requests without one. */
static uint64_t request_ref_id(const struct proto_msg *msg)
{
    switch (msg->type) {
    case PROTO_TEXT_SEND: return msg->u.text_send.client_id;
    case PROTO_FILE_OFFER:
    case PROTO_FILE_OFFER_THUMB: return msg->u.offer.upload_id;
    case PROTO_FILE_CHUNK: return msg->u.chunk.id;
    case PROTO_FILE_END:
    case PROTO_FILE_CANCEL:
    case PROTO_DOWNLOAD_CANCEL: return msg->u.ref.id;
    case PROTO_DOWNLOAD_REQUEST: return msg->u.download_request.file_id;
    case PROTO_LOGOUT: return msg->u.logout.request_id;
    case PROTO_PASSWORD_CHANGE: return msg->u.password_change.request_id;
    case PROTO_INVITE_CREATE: return msg->u.invite_create.request_id;
    case PROTO_MODERATE: return msg->u.moderate.request_id;
    case PROTO_ROOM_CREATE: return msg->u.room_create.request_id;
    case PROTO_ROOM_JOIN: return msg->u.room_join.request_id;
    case PROTO_ROOM_LEAVE: return msg->u.room_ref.request_id;
    case PROTO_ROOM_LIST: return msg->u.request_id;
    case PROTO_ROOM_TOPIC_SET: return msg->u.room_topic_set.request_id;
    case PROTO_ROOM_INVITE: return msg->u.room_invite.request_id;
    case PROTO_DIRECT_SEND: return msg->u.direct_send.client_id;
    case PROTO_BLOCK: return msg->u.block.request_id;
    case PROTO_PRESENCE_SET: return msg->u.presence_set.request_id;
    case PROTO_HISTORY: return msg->u.history.request_id;
    case PROTO_RESUME: return msg->u.resume.request_id;
    case PROTO_READ_MARK: return msg->u.read_mark.request_id;
    case PROTO_RECEIPTS_SET: return msg->u.receipts_set.request_id;
    case PROTO_EDIT: return msg->u.edit.request_id;
    case PROTO_DELETE: return msg->u.msg_ref.request_id;
    case PROTO_REPLY_SEND: return msg->u.reply_send.client_id;
    case PROTO_REACT: return msg->u.react.request_id;
    case PROTO_SEARCH: return msg->u.search.request_id;
    case PROTO_NOTIFY_LEVEL_SET: return msg->u.notify_level_set.request_id;
    default: return 0;
    }
}

/* The events of a cluster (0x0800-0x081F) travel between nodes through Redis only: from
 * a client, well formed or not, they are a type this server does not take. */
static bool is_cluster_event(uint16_t type)
{
    return type >= PROTO_EVENT_FIRST && type <= PROTO_EVENT_LAST;
}

static void dispatch_frame(struct client *c, const struct proto_msg *msg)
{
    if (is_cluster_event(msg->type)) {
        client_send_error(c, PROTO_E_UNKNOWN_TYPE, msg->type, 0,
                          "Frame type 0x%04x is not accepted from a client.",
                          (unsigned)msg->type);
        return;
    }
    const struct command *cmd = command_find(msg->type);
    if (c->state != CLIENT_ONLINE && (cmd == NULL || cmd->need == NEED_ONLINE)) {
        client_send_error(c, PROTO_E_NOT_LOGGED_IN, msg->type, request_ref_id(msg),
                          "Log in first.");
        return;
    }
    if (cmd == NULL) { /* a frame only servers send */
        client_send_error(c, PROTO_E_UNKNOWN_TYPE, msg->type, 0,
                          "Frame type %s is not accepted by this server.",
                          proto_type_name(msg->type));
        return;
    }
    if ((msg->type == PROTO_TEXT_SEND || msg->type == PROTO_FILE_OFFER ||
         msg->type == PROTO_DIRECT_SEND || msg->type == PROTO_REPLY_SEND ||
         msg->type == PROTO_EDIT || msg->type == PROTO_REACT ||
         msg->type == PROTO_FILE_OFFER_THUMB) &&
        moderation_muted(c, msg->type, request_ref_id(msg)))
        return;
    cmd->handle(c, msg);
}

/* Answers a frame the decoder refused: an unknown type or an over-long text lets the
 * session go on; anything else breaks the stream or the protocol and ends it. */
static void dispatch_bad_frame(struct client *c, enum proto_status st,
                               const struct proto_msg *msg)
{
    if (st == PROTO_ERR_UNKNOWN_TYPE || is_cluster_event(msg->type)) {
        client_send_error(c, PROTO_E_UNKNOWN_TYPE, msg->type, 0,
                          "Unknown frame type 0x%04x.", (unsigned)msg->type);
        return;
    }
    if (st == PROTO_ERR_TOO_LARGE && (msg->type == PROTO_TEXT_SEND ||
                                      msg->type == PROTO_EDIT ||
                                      msg->type == PROTO_REPLY_SEND)) {
        client_send_error(c, PROTO_E_TEXT_INVALID, msg->type,
                          request_ref_id(msg), /* decoded before the text */
                          "The message is longer than %u bytes.", PROTO_MAX_TEXT);
        return;
    }
    if (st == PROTO_ERR_TOO_LARGE && msg->type == PROTO_SEARCH) {
        search_refuse_long(c, msg->u.search.request_id); /* decoded before the query */
        return;
    }
    if (st == PROTO_ERR_TOO_LARGE && msg->type == PROTO_FILE_OFFER_THUMB) {
        upload_refuse_thumb(c, msg->u.offer.upload_id, "it is over the byte limit");
        return;
    }
    if (st == PROTO_ERR_TOO_LARGE && msg->type == 0) {
        client_send_error(c, PROTO_E_FRAME_TOO_LARGE, 0, 0,
                          "A frame declared more than %u payload bytes.", PROTO_MAX_PAYLOAD);
        client_finish(c, "frame too large");
        return;
    }
    const char *name = proto_type_name(msg->type);
    if (msg->type == 0)
        client_send_error(c, PROTO_E_MALFORMED, 0, 0, "Malformed frame header: %s.",
                          proto_status_text(st));
    else
        client_send_error(c, PROTO_E_MALFORMED, msg->type, 0, "Malformed %s frame: %s.",
                          name ? name : "unknown", proto_status_text(st));
    client_finish(c, "malformed frame");
}

/* Frames whose bytes hold a password: wiped from the input buffer once handled (the
 * handlers copy what the hashing worker needs, and wipe that copy too). */
static bool carries_password(uint16_t type)
{
    return type == PROTO_LOGIN || type == PROTO_REGISTER || type == PROTO_PASSWORD_CHANGE;
}

void dispatch_input(struct client *c)
{
    list_remove(&c->backlog_link);
    bool earlier = c->pass == c->srv->pass; /* frames of c handled earlier in this pass */
    c->pass = c->srv->pass;
    int64_t now = clock_mono_ms();
    for (int handled = 0; handled < SERVER_FRAMES_PER_PASS; handled++) {
        if (c->state == CLIENT_CLOSING || c->guard.throttled)
            return; /* a throttled client's frames wait for its release (flood.c) */
        uint16_t next = proto_decoder_peek_type(&c->decoder);
        if (history_must_wait(c, next))
            return; /* until its output drains (history_on_drained) */
        if (search_must_wait(c, next, earlier || handled > 0))
            return; /* until its search is answered, or the pass is committed */
        struct proto_msg msg;
        size_t pending = proto_decoder_pending(&c->decoder);
        enum proto_status st = proto_decoder_next(&c->decoder, &msg);
        if (st == PROTO_NEED_MORE) {
            if (c->input_eof)
                client_finish(c, "closed by peer");
            return;
        }
        size_t frame_bytes = pending - proto_decoder_pending(&c->decoder);
        if (st == PROTO_OK)
            dispatch_frame(c, &msg);
        else
            dispatch_bad_frame(c, st, &msg);
        if (carries_password(msg.type))
            proto_decoder_wipe_taken(&c->decoder, frame_bytes);
        guard_on_frame(c, msg.type, frame_bytes, now);
    }
    if (c->state != CLIENT_CLOSING)
        list_append_once(&c->srv->backlog, &c->backlog_link);
}

static void on_ping(struct client *c, const struct proto_msg *msg)
{
    struct proto_msg pong = { .type = PROTO_PONG, .u.token = msg->u.token };
    client_send_msg(c, &pong);
}

/* The answer to the server's idle PING: its arrival already counted as activity. */
static void on_pong(struct client *c, const struct proto_msg *msg)
{
    (void)c;
    (void)msg;
}

static void on_goodbye(struct client *c, const struct proto_msg *msg)
{
    char quoted[LOG_QUOTE_CAP(PROTO_MAX_REASON)];
    char reason[sizeof quoted + 16];
    snprintf(reason, sizeof reason, "goodbye %s",
             log_quote(quoted, sizeof quoted, msg->u.reason.ptr, msg->u.reason.len));
    client_finish(c, reason);
}

static void on_text_send(struct client *c, const struct proto_msg *msg)
{
    const struct proto_text_send *send = &msg->u.text_send;
    const struct room *r = rooms_for_request(c, send->room_id, PROTO_TEXT_SEND, send->client_id);
    if (r == NULL || !direct_allowed(c, r, PROTO_TEXT_SEND, send->client_id))
        return;
    if (!text_check(send->text.ptr, send->text.len, PROTO_MAX_TEXT)) {
        client_send_error(c, PROTO_E_TEXT_INVALID, PROTO_TEXT_SEND, send->client_id,
                          "The message is empty, only blank, or contains control characters.");
        return;
    }
    room_post_text(c, r, send->client_id, send->text, PROTO_TEXT_SEND, 0);
}
