/* Our protocol as the load generator speaks it: HELLO, then WELCOME and USER_LIST
 * frames whose entries add up to welcome.users_online mean "logged in and in the room";
 * USER_JOINED / USER_LEFT keep the member count; TEXT frames are deliveries.
 *
 * With --room the room is a real one instead of the lobby: each client REGISTERs an
 * account, then sends ROOM_CREATE, or ROOM_JOIN once the name is taken (someone else
 * created it first); its DONE means "in the room". ROOM_STATE gives the member count and
 * ROOM_PRESENCE(joined, left) keeps it; the lobby's user lists then count for nothing. */
#include <stdio.h>

#include "bench/dialect.h"

#define CHAT_AGENT "chat-bench/1"
#define CHAT_PASSWORD "chat-bench password" /* every --room account's: none is a secret */
#define CHAT_CREATE_ID 1  /* request ids of the room requests */
#define CHAT_JOIN_ID 2

enum chat_login_step { CHAT_SENT_HELLO, CHAT_GOT_WELCOME, CHAT_IN_ROOM };

/* Encodes msg straight into c's output queue. */
static void chat_queue(struct load *ld, struct conn *c, const struct proto_msg *msg)
{
    size_t size = proto_frame_size(msg);
    if (size == 0)
        return; /* a field over its cap: the options were checked against max_text */
    struct outbuf *ob = load_output(ld, c);
    outbuf_commit(ob, proto_encode(msg, outbuf_reserve(ob, size)));
}

static void chat_conn_init(struct conn *c)
{
    proto_decoder_init(&c->in.frames, PROTO_MAX_PAYLOAD);
}

static void chat_conn_release(struct conn *c)
{
    proto_decoder_free(&c->in.frames);
}

static void chat_login(struct load *ld, struct conn *c)
{
    char name[16];
    load_conn_name(c, name);
    struct proto_msg m = { .type = PROTO_HELLO };
    m.u.hello = (struct proto_hello){ .version = PROTO_VERSION,
                                      .username = proto_str_of(name),
                                      .agent = proto_str_of(CHAT_AGENT) };
    if (load_room(ld) != NULL) {
        m.type = PROTO_REGISTER;
        m.u.reg = (struct proto_register){ .version = PROTO_VERSION,
                                           .username = proto_str_of(name),
                                           .password = proto_str_of(CHAT_PASSWORD),
                                           .agent = proto_str_of(CHAT_AGENT) };
    }
    c->login_step = CHAT_SENT_HELLO;
    chat_queue(ld, c, &m);
}

/* --room: asks to create (or, after ROOM_NAME_TAKEN, to join) the room. */
static void chat_room_request(struct load *ld, struct conn *c, bool join)
{
    struct proto_msg m = { .type = PROTO_ROOM_CREATE };
    m.u.room_create = (struct proto_room_create){ .request_id = CHAT_CREATE_ID,
                                                  .kind = PROTO_ROOM_PUBLIC,
                                                  .name = proto_str_of(load_room(ld)) };
    if (join) {
        m.type = PROTO_ROOM_JOIN;
        m.u.room_join = (struct proto_room_join){ .request_id = CHAT_JOIN_ID,
                                                  .name = proto_str_of(load_room(ld)) };
    }
    chat_queue(ld, c, &m);
}

/* USER_LIST entries count towards the login until welcome.users_online are in. */
static void chat_user_list(struct load *ld, struct conn *c, uint32_t count)
{
    bool lobby = load_room(ld) == NULL;
    if (lobby)
        load_members(ld, c, count);
    if (c->login_step != CHAT_GOT_WELCOME)
        return;
    c->login_need = count < c->login_need ? c->login_need - count : 0;
    if (c->login_need > 0)
        return;
    c->login_step = CHAT_IN_ROOM;
    if (lobby)
        load_logged_in(ld, c);
    else
        chat_room_request(ld, c, false);
}

/* --room: the answers to the room requests, and the member count. */
static void chat_room_frame(struct load *ld, struct conn *c, const struct proto_msg *m)
{
    if (m->type == PROTO_ROOM_STATE) {
        c->room_id = m->u.room_state.room_id;
        load_members(ld, c, (int64_t)m->u.room_state.members - c->members);
    } else if (m->type == PROTO_ROOM_PRESENCE && m->u.room_members.state == PROTO_MEMBER_JOINED) {
        load_members(ld, c, m->u.room_members.users.count);
    } else if (m->type == PROTO_ROOM_PRESENCE && m->u.room_members.state == PROTO_MEMBER_LEFT) {
        load_members(ld, c, -(int64_t)m->u.room_members.users.count);
    } else if (m->type == PROTO_DONE && (m->u.done.request_type == PROTO_ROOM_CREATE ||
                                         m->u.done.request_type == PROTO_ROOM_JOIN)) {
        load_logged_in(ld, c);
    }
}

/* Acts on one decoded frame; false when the connection must end. */
static bool chat_frame(struct load *ld, struct conn *c, const struct proto_msg *m)
{
    char what[160];
    switch (m->type) {
    case PROTO_TEXT:
        load_text(ld, c, m->u.text.text.ptr, m->u.text.text.len);
        return true;
    case PROTO_WELCOME:
        c->login_step = CHAT_GOT_WELCOME;
        c->login_need = m->u.welcome.users_online;
        return true;
    case PROTO_USER_LIST:
        chat_user_list(ld, c, m->u.users.count);
        return true;
    case PROTO_USER_JOINED:
    case PROTO_USER_LEFT:
        if (load_room(ld) == NULL)
            load_members(ld, c, m->type == PROTO_USER_JOINED ? (int64_t)m->u.users.count
                                                             : -(int64_t)m->u.users.count);
        return true;
    case PROTO_ROOM_STATE:
    case PROTO_ROOM_PRESENCE:
    case PROTO_DONE:
        chat_room_frame(ld, c, m);
        return true;
    case PROTO_PING: {
        struct proto_msg pong = { .type = PROTO_PONG, .u.token = m->u.token };
        chat_queue(ld, c, &pong);
        return true;
    }
    case PROTO_ERROR:
        if (m->u.error.code == PROTO_E_ROOM_NAME_TAKEN && m->u.error.ref_type == PROTO_ROOM_CREATE) {
            chat_room_request(ld, c, true); /* another client created it first */
            return true;
        }
        snprintf(what, sizeof what, "ERROR %u (%s): %.*s", m->u.error.code,
                 proto_error_text(m->u.error.code), (int)m->u.error.message.len,
                 m->u.error.message.ptr);
        load_server_error(ld, c, what);
        return true;
    case PROTO_SHUTDOWN:
        load_server_error(ld, c, "SHUTDOWN: the server is going away");
        return false;
    case PROTO_TYPING:
        load_typing(ld, c);
        return true;
    default:
        return true; /* file announcements and the like do not concern the benchmark */
    }
}

/* Reports a frame the codec refused; the stream cannot go on. */
static bool chat_refused(struct load *ld, struct conn *c, uint16_t type, enum proto_status st)
{
    char what[120];
    snprintf(what, sizeof what, "undecodable frame type 0x%04x: %s", type, proto_status_text(st));
    load_server_error(ld, c, what);
    return false;
}

/* Handles the whole frames at the start of bytes[0..n) in place, without copying them
 * into the decoder; *used is set to the bytes they took. */
static bool chat_frames_in_place(struct load *ld, struct conn *c, const uint8_t *bytes, size_t n,
                                 size_t *used)
{
    size_t at = 0;
    while (n - at >= PROTO_HEADER_SIZE) {
        uint32_t len;
        uint16_t type;
        enum proto_status st = proto_header_read(bytes + at, PROTO_MAX_PAYLOAD, &len, &type);
        if (st != PROTO_OK)
            return chat_refused(ld, c, type, st);
        if (n - at - PROTO_HEADER_SIZE < len)
            break;
        struct proto_msg m;
        st = proto_decode_payload(type, bytes + at + PROTO_HEADER_SIZE, len, &m);
        at += PROTO_HEADER_SIZE + len;
        if (st != PROTO_OK)
            return chat_refused(ld, c, type, st);
        if (!chat_frame(ld, c, &m))
            return false;
    }
    *used = at;
    return true;
}

/* Frames are decoded straight from the read buffer; only a frame split across reads
 * goes through the incremental decoder (this runs for every delivery). */
static bool chat_input(struct load *ld, struct conn *c, const uint8_t *bytes, size_t n)
{
    size_t used = 0;
    if (proto_decoder_pending(&c->in.frames) == 0 &&
        !chat_frames_in_place(ld, c, bytes, n, &used))
        return false;
    if (used == n)
        return true;
    proto_decoder_feed(&c->in.frames, bytes + used, n - used);
    for (;;) {
        struct proto_msg m;
        enum proto_status st = proto_decoder_next(&c->in.frames, &m);
        if (st == PROTO_NEED_MORE)
            return true;
        if (st != PROTO_OK)
            return chat_refused(ld, c, m.type, st);
        if (!chat_frame(ld, c, &m))
            return false;
    }
}

static void chat_send_text(struct load *ld, struct conn *c, const char *text, size_t len,
                           uint64_t client_id)
{
    struct proto_msg m = { .type = PROTO_TEXT_SEND };
    m.u.text_send = (struct proto_text_send){
        .client_id = client_id,
        .room_id = c->room_id,
        .text = { .ptr = text, .len = (uint16_t)len },
    };
    chat_queue(ld, c, &m);
}

static void chat_send_typing(struct load *ld, struct conn *c)
{
    struct proto_msg m = { .type = PROTO_TYPING_SET,
                           .u.typing_set = { c->room_id, PROTO_TYPING_ACTIVE } };
    chat_queue(ld, c, &m);
}

const struct dialect dialect_chat = {
    .name = "chat",
    .max_text = PROTO_MAX_TEXT,
    .conn_init = chat_conn_init,
    .conn_release = chat_conn_release,
    .login = chat_login,
    .input = chat_input,
    .send_text = chat_send_text,
    .send_typing = chat_send_typing,
};
