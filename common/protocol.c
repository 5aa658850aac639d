/* The pure wire codec: each frame type's payload layout is described once, as a table
 * of fields, and one reader and one writer walk that table. The incremental decoder
 * that cuts a byte stream into frames lives in proto_decoder.c. */
#include "common/protocol.h"

#include <stddef.h>
#include <string.h>

/* ---- Layouts: every payload is a sequence of these fields ---- */

enum field_kind {
    F_U16,
    F_U32,
    F_U64,
    F_SHA,   /* 32 raw bytes: a SHA-256 digest or a session token */
    F_STR,   /* u16 length + UTF-8, at most cap bytes */
    F_DATA,  /* the rest of the payload into a struct proto_chunk: 1..PROTO_MAX_CHUNK bytes */
    F_USERS, /* u16 count + count x (u32 id, str name) into a struct proto_users */
};

struct field {
    uint8_t kind;
    uint16_t cap;    /* F_STR only: most bytes allowed */
    uint16_t offset; /* where the value lives inside struct proto_msg */
};

struct layout {
    uint16_t type;
    const char *name;
    const struct field *fields;
    uint8_t count;
};

#define AT(member) ((uint16_t)offsetof(struct proto_msg, u.member))
#define U16(m) { F_U16, 0, AT(m) }
#define U32(m) { F_U32, 0, AT(m) }
#define U64(m) { F_U64, 0, AT(m) }
#define SHA(m) { F_SHA, 0, AT(m) }
#define STR(m, cap) { F_STR, cap, AT(m) }
_Static_assert(PROTO_TOKEN_LEN == PROTO_SHA256_LEN, "tokens are read as 32-byte fields");

static const struct field hello_fields[] = {
    U16(hello.version), U32(hello.features),
    STR(hello.username, PROTO_MAX_NAME_BYTES), STR(hello.agent, PROTO_MAX_AGENT),
};
static const struct field welcome_fields[] = {
    U16(welcome.version), U32(welcome.features), U32(welcome.user_id),
    U64(welcome.server_time_ms), U32(welcome.users_online), U32(welcome.max_payload),
    U32(welcome.max_text), U32(welcome.max_chunk), U32(welcome.max_uploads),
    U64(welcome.max_file_size), STR(welcome.username, PROTO_MAX_NAME_BYTES),
};
static const struct field error_fields[] = {
    U16(error.code), U16(error.ref_type), U64(error.ref_id),
    STR(error.message, PROTO_MAX_REASON),
};
static const struct field token_fields[] = { U64(token) };
static const struct field reason_fields[] = { STR(reason, PROTO_MAX_REASON) };
static const struct field users_fields[] = { { F_USERS, 0, AT(users) } };
static const struct field text_send_fields[] = {
    U64(text_send.client_id), U32(text_send.room_id), STR(text_send.text, PROTO_MAX_TEXT),
};
static const struct field text_fields[] = {
    U64(text.message_id), U64(text.time_ms), U32(text.room_id), U32(text.sender_id),
    U64(text.client_id), STR(text.sender, PROTO_MAX_NAME_BYTES),
    STR(text.text, PROTO_MAX_TEXT),
};
#define OFFER_FIELDS(o) \
    U64(o.upload_id), U64(o.size), SHA(o.sha256), U32(o.room_id), \
    STR(o.name, PROTO_MAX_FILENAME_BYTES)
static const struct field offer_fields[] = { OFFER_FIELDS(offer) };
static const struct field ref_fields[] = { U64(ref.id) };
static const struct field chunk_fields[] = {
    U64(chunk.id), U64(chunk.offset), { F_DATA, 0, AT(chunk) },
};
#define ANNOUNCE_FIELDS(a) \
    U64(a.file_id), U64(a.message_id), U64(a.time_ms), U32(a.room_id), U32(a.uploader_id), \
    U64(a.upload_id), U64(a.size), SHA(a.sha256), STR(a.uploader, PROTO_MAX_NAME_BYTES), \
    STR(a.name, PROTO_MAX_FILENAME_BYTES)
static const struct field announce_fields[] = { ANNOUNCE_FIELDS(announce) };
static const struct field download_request_fields[] = {
    U64(download_request.file_id), U64(download_request.offset),
};
static const struct field download_start_fields[] = {
    U64(download_start.file_id), U64(download_start.offset), U64(download_start.size),
    SHA(download_start.sha256), STR(download_start.name, PROTO_MAX_FILENAME_BYTES),
};

static const struct field register_fields[] = {
    U16(reg.version), U32(reg.features), STR(reg.username, PROTO_MAX_NAME_BYTES),
    STR(reg.password, PROTO_MAX_PASSWORD), STR(reg.invite, PROTO_MAX_INVITE),
    STR(reg.agent, PROTO_MAX_AGENT),
};
static const struct field login_fields[] = {
    U16(login.version), U32(login.features), STR(login.username, PROTO_MAX_NAME_BYTES),
    STR(login.password, PROTO_MAX_PASSWORD), STR(login.agent, PROTO_MAX_AGENT),
};
static const struct field login_token_fields[] = {
    U16(login_token.version), U32(login_token.features), SHA(login_token.token),
    STR(login_token.agent, PROTO_MAX_AGENT),
};
static const struct field session_fields[] = {
    SHA(session.token), U64(session.expires_ms), U32(session.account_id), U16(session.role),
    STR(session.username, PROTO_MAX_NAME_BYTES),
};
static const struct field logout_fields[] = { U64(logout.request_id), U16(logout.scope) };
static const struct field password_change_fields[] = {
    U64(password_change.request_id), STR(password_change.old_password, PROTO_MAX_PASSWORD),
    STR(password_change.new_password, PROTO_MAX_PASSWORD),
};
static const struct field invite_create_fields[] = {
    U64(invite_create.request_id), U32(invite_create.valid_minutes),
};
static const struct field invite_fields[] = {
    U64(invite.request_id), U64(invite.expires_ms), STR(invite.code, PROTO_MAX_INVITE),
};
static const struct field moderate_fields[] = {
    U64(moderate.request_id), U16(moderate.action), U32(moderate.value),
    STR(moderate.target, PROTO_MAX_NAME_BYTES), STR(moderate.reason, PROTO_MAX_REASON),
};
static const struct field done_fields[] = { U64(done.request_id), U16(done.request_type) };
static const struct field notice_fields[] = {
    U64(notice.time_ms), U16(notice.action), U32(notice.value),
    STR(notice.actor, PROTO_MAX_NAME_BYTES), STR(notice.target, PROTO_MAX_NAME_BYTES),
    STR(notice.reason, PROTO_MAX_REASON),
};
static const struct field user_role_fields[] = {
    U16(user_role.role), { F_USERS, 0, AT(user_role.users) },
};

static const struct field request_fields[] = { U64(request_id) };
static const struct field room_create_fields[] = {
    U64(room_create.request_id), U16(room_create.kind),
    STR(room_create.name, PROTO_MAX_NAME_BYTES), STR(room_create.topic, PROTO_MAX_TOPIC),
};
static const struct field room_join_fields[] = {
    U64(room_join.request_id), STR(room_join.name, PROTO_MAX_NAME_BYTES),
};
static const struct field room_ref_fields[] = { U64(room_ref.request_id), U32(room_ref.room_id) };
static const struct field room_topic_set_fields[] = {
    U64(room_topic_set.request_id), U32(room_topic_set.room_id),
    STR(room_topic_set.topic, PROTO_MAX_TOPIC),
};
static const struct field room_invite_fields[] = {
    U64(room_invite.request_id), U32(room_invite.room_id),
    STR(room_invite.username, PROTO_MAX_NAME_BYTES),
};
static const struct field direct_send_fields[] = {
    U64(direct_send.client_id), STR(direct_send.username, PROTO_MAX_NAME_BYTES),
    STR(direct_send.text, PROTO_MAX_TEXT),
};
static const struct field block_fields[] = {
    U64(block.request_id), U16(block.blocked), STR(block.username, PROTO_MAX_NAME_BYTES),
};
static const struct field presence_set_fields[] = {
    U64(presence_set.request_id), U16(presence_set.state),
};
static const struct field room_info_fields[] = {
    U64(room_info.request_id), U32(room_info.room_id), U16(room_info.kind),
    U16(room_info.flags), U32(room_info.members), STR(room_info.name, PROTO_MAX_NAME_BYTES),
    STR(room_info.topic, PROTO_MAX_TOPIC),
};
static const struct field room_state_fields[] = {
    U32(room_state.room_id), U16(room_state.kind), U32(room_state.members),
    STR(room_state.name, PROTO_MAX_NAME_BYTES), STR(room_state.topic, PROTO_MAX_TOPIC),
};
static const struct field room_members_fields[] = {
    U32(room_members.room_id), U16(room_members.state),
    { F_USERS, 0, AT(room_members.users) },
};
static const struct field room_topic_fields[] = {
    U32(room_topic.room_id), U64(room_topic.time_ms),
    STR(room_topic.actor, PROTO_MAX_NAME_BYTES), STR(room_topic.topic, PROTO_MAX_TOPIC),
};
static const struct field room_invited_fields[] = {
    U32(room_invited.room_id), STR(room_invited.inviter, PROTO_MAX_NAME_BYTES),
    STR(room_invited.name, PROTO_MAX_NAME_BYTES), STR(room_invited.topic, PROTO_MAX_TOPIC),
};
static const struct field history_fields[] = {
    U64(history.request_id), U32(history.room_id), U16(history.mode), U16(history.limit),
    U64(history.anchor),
};
static const struct field history_end_fields[] = {
    U64(history_end.request_id), U32(history_end.room_id), U16(history_end.flags),
    U32(history_end.count),
};
static const struct field resume_fields[] = {
    U64(resume.request_id), U32(resume.room_id), U64(resume.last_id),
};
static const struct field resume_gap_fields[] = {
    U64(resume_gap.request_id), U32(resume_gap.room_id), U64(resume_gap.after_id),
    U64(resume_gap.before_id),
};

static const struct field typing_set_fields[] = {
    U32(typing_set.room_id), U16(typing_set.state),
};
static const struct field read_mark_fields[] = {
    U64(read_mark.request_id), U32(read_mark.room_id), U64(read_mark.message_id),
};
static const struct field receipts_set_fields[] = {
    U64(receipts_set.request_id), U16(receipts_set.enabled),
};
static const struct field notify_level_set_fields[] = {
    U64(notify_level_set.request_id), U32(notify_level_set.room_id),
    U16(notify_level_set.level),
};
static const struct field notify_level_fields[] = {
    U32(notify_level.room_id), U16(notify_level.level),
};
static const struct field edit_fields[] = {
    U64(edit.request_id), U64(edit.message_id), STR(edit.text, PROTO_MAX_TEXT),
};
static const struct field msg_ref_fields[] = { U64(msg_ref.request_id), U64(msg_ref.message_id) };
static const struct field reply_send_fields[] = {
    U64(reply_send.client_id), U32(reply_send.room_id), U64(reply_send.reply_to),
    STR(reply_send.text, PROTO_MAX_TEXT),
};
static const struct field react_fields[] = {
    U64(react.request_id), U64(react.message_id), STR(react.emoji, PROTO_MAX_EMOJI),
};
static const struct field typing_fields[] = {
    U32(typing.room_id), U32(typing.account_id), U16(typing.state),
    STR(typing.name, PROTO_MAX_NAME_BYTES),
};
static const struct field read_marker_fields[] = {
    U32(read_marker.room_id), U64(read_marker.message_id),
};
static const struct field receipt_fields[] = {
    U32(receipt.room_id), U64(receipt.message_id), U32(receipt.account_id), U32(receipt.count),
    STR(receipt.name, PROTO_MAX_NAME_BYTES),
};
static const struct field message_edited_fields[] = {
    U64(message_edited.event_id), U64(message_edited.message_id), U64(message_edited.time_ms),
    U32(message_edited.room_id), STR(message_edited.actor, PROTO_MAX_NAME_BYTES),
    STR(message_edited.text, PROTO_MAX_TEXT),
};
static const struct field message_deleted_fields[] = {
    U64(message_deleted.event_id), U64(message_deleted.message_id),
    U64(message_deleted.time_ms), U32(message_deleted.room_id),
    STR(message_deleted.actor, PROTO_MAX_NAME_BYTES),
};
static const struct field reply_to_fields[] = {
    U32(reply_to.room_id), U64(reply_to.message_id), U64(reply_to.reply_to),
};
static const struct field reaction_fields[] = {
    U64(reaction.event_id), U64(reaction.message_id), U32(reaction.room_id),
    U32(reaction.account_id), U16(reaction.added), STR(reaction.name, PROTO_MAX_NAME_BYTES),
    STR(reaction.emoji, PROTO_MAX_EMOJI),
};
static const struct field search_fields[] = {
    U64(search.request_id), U32(search.room_id), U16(search.limit),
    STR(search.query, PROTO_MAX_SEARCH_QUERY),
};
static const struct field search_result_fields[] = {
    U64(search_result.request_id), U64(search_result.message_id), U64(search_result.time_ms),
    U32(search_result.room_id), STR(search_result.sender, PROTO_MAX_NAME_BYTES),
    STR(search_result.snippet, PROTO_MAX_SNIPPET),
};
#define ACCOUNT_FIELDS \
    U64(event_account.account), U64(event_account.time_ms), U16(event_account.flag)
static const struct field event_account_create_fields[] = {
    ACCOUNT_FIELDS, SHA(event_account.invite_hash),
    STR(event_account.name, PROTO_MAX_NAME_BYTES),
    STR(event_account.pw_hash, PROTO_MAX_PW_HASH),
};
static const struct field event_account_change_fields[] = {
    ACCOUNT_FIELDS, STR(event_account.pw_hash, PROTO_MAX_PW_HASH),
};
static const struct field event_session_fields[] = {
    U64(event_session.account), U64(event_session.time_ms), U64(event_session.expires_ms),
    U16(event_session.all), SHA(event_session.token_hash),
};
static const struct field event_moderate_fields[] = {
    U16(event_moderate.action), U32(event_moderate.value), U64(event_moderate.time_ms),
    U64(event_moderate.until_ms), U64(event_moderate.actor_account),
    U64(event_moderate.target_account), U32(event_moderate.target_conn),
    STR(event_moderate.actor, PROTO_MAX_NAME_BYTES),
    STR(event_moderate.target, PROTO_MAX_NAME_BYTES),
    STR(event_moderate.reason, PROTO_MAX_REASON),
};
static const struct field event_room_fields[] = {
    U16(event_room.action), U32(event_room.room_id), U64(event_room.time_ms),
    U64(event_room.actor_account), U64(event_room.account),
    STR(event_room.actor, PROTO_MAX_NAME_BYTES), STR(event_room.name, PROTO_MAX_NAME_BYTES),
    STR(event_room.topic, PROTO_MAX_TOPIC),
};
static const struct field event_block_fields[] = {
    U64(event_block.account), U64(event_block.blocked), U64(event_block.time_ms),
    U16(event_block.on), STR(event_block.name, PROTO_MAX_NAME_BYTES),
};
static const struct field event_read_mark_fields[] = {
    U64(event_read_mark.account), U32(event_read_mark.room_id),
    U64(event_read_mark.message_id), U16(event_read_mark.receipts_off),
    STR(event_read_mark.name, PROTO_MAX_NAME_BYTES),
};
static const struct field event_invite_fields[] = {
    U64(event_invite.creator), U64(event_invite.time_ms), U64(event_invite.expires_ms),
    SHA(event_invite.code_hash), STR(event_invite.name, PROTO_MAX_NAME_BYTES),
};
static const struct field event_direct_fields[] = {
    U64(event_direct.time_ms), U64(event_direct.sender_account),
    U64(event_direct.peer_account), U32(event_direct.sender_conn),
    U64(event_direct.client_id), STR(event_direct.sender, PROTO_MAX_NAME_BYTES),
    STR(event_direct.peer, PROTO_MAX_NAME_BYTES), STR(event_direct.text, PROTO_MAX_TEXT),
};
static const struct field event_setting_fields[] = {
    U64(event_setting.account), U32(event_setting.room_id), U16(event_setting.value),
    STR(event_setting.name, PROTO_MAX_NAME_BYTES),
};
static const struct field event_prune_fields[] = {
    U64(event_prune.before_ms), U64(event_prune.time_ms), U32(event_prune.max_rows),
};
static const struct field event_text_fields[] = {
    U32(event_text.room_id), U64(event_text.time_ms), U64(event_text.sender_account),
    U32(event_text.sender_conn), U64(event_text.client_id), U64(event_text.reply_to),
    STR(event_text.sender, PROTO_MAX_NAME_BYTES), STR(event_text.text, PROTO_MAX_TEXT),
};
#define CHANGE_FIELDS \
    U64(event_change.message_id), U64(event_change.time_ms), \
    U64(event_change.actor_account), U16(event_change.moderates), \
    STR(event_change.actor, PROTO_MAX_NAME_BYTES)
static const struct field event_edit_fields[] = {
    CHANGE_FIELDS, STR(event_change.text, PROTO_MAX_TEXT),
};
static const struct field event_delete_fields[] = { CHANGE_FIELDS };
static const struct field event_react_fields[] = {
    CHANGE_FIELDS, STR(event_change.text, PROTO_MAX_EMOJI),
};
#define EVENT_FILE_FIELDS(f) \
    U32(f.room_id), U64(f.time_ms), U64(f.sender_account), U32(f.sender_conn), \
    U64(f.upload_id), U64(f.size), SHA(f.sha256), STR(f.sender, PROTO_MAX_NAME_BYTES), \
    STR(f.name, PROTO_MAX_FILENAME_BYTES)
static const struct field event_file_fields[] = { EVENT_FILE_FIELDS(event_file) };
static const struct field event_file_thumb_fields[] = {
    EVENT_FILE_FIELDS(event_file_thumb.file), U16(event_file_thumb.width),
    U16(event_file_thumb.height), { F_DATA, 0, AT(event_file_thumb.thumb) },
};
/* A thumbnail is read as chunk data: PROTO_MAX_CHUNK bounds it on the wire. */
_Static_assert(PROTO_MAX_THUMB_BYTES <= PROTO_MAX_CHUNK, "a thumbnail fits a data field");
static const struct field offer_thumb_fields[] = {
    OFFER_FIELDS(offer_thumb.offer), { F_DATA, 0, AT(offer_thumb.thumb) },
};
static const struct field announce_thumb_fields[] = {
    ANNOUNCE_FIELDS(announce_thumb.announce), U16(announce_thumb.width),
    U16(announce_thumb.height), { F_DATA, 0, AT(announce_thumb.thumb) },
};

#define LAYOUT(type, fields) { PROTO_##type, #type, fields, sizeof fields / sizeof fields[0] }

static const struct layout layouts[] = {
    LAYOUT(HELLO, hello_fields),
    LAYOUT(WELCOME, welcome_fields),
    LAYOUT(ERROR, error_fields),
    LAYOUT(PING, token_fields),
    LAYOUT(PONG, token_fields),
    LAYOUT(GOODBYE, reason_fields),
    LAYOUT(SHUTDOWN, reason_fields),
    LAYOUT(USER_LIST, users_fields),
    LAYOUT(USER_JOINED, users_fields),
    LAYOUT(USER_LEFT, users_fields),
    LAYOUT(TEXT_SEND, text_send_fields),
    LAYOUT(TEXT, text_fields),
    LAYOUT(FILE_OFFER, offer_fields),
    LAYOUT(FILE_ACCEPT, ref_fields),
    LAYOUT(FILE_CHUNK, chunk_fields),
    LAYOUT(FILE_END, ref_fields),
    LAYOUT(FILE_CANCEL, ref_fields),
    LAYOUT(FILE_ANNOUNCE, announce_fields),
    LAYOUT(DOWNLOAD_REQUEST, download_request_fields),
    LAYOUT(DOWNLOAD_START, download_start_fields),
    LAYOUT(DOWNLOAD_CHUNK, chunk_fields),
    LAYOUT(DOWNLOAD_END, ref_fields),
    LAYOUT(DOWNLOAD_CANCEL, ref_fields),
    LAYOUT(ROOM_CREATE, room_create_fields),
    LAYOUT(ROOM_JOIN, room_join_fields),
    LAYOUT(ROOM_LEAVE, room_ref_fields),
    LAYOUT(ROOM_LIST, request_fields),
    LAYOUT(ROOM_TOPIC_SET, room_topic_set_fields),
    LAYOUT(ROOM_INVITE, room_invite_fields),
    LAYOUT(DIRECT_SEND, direct_send_fields),
    LAYOUT(BLOCK, block_fields),
    LAYOUT(ROOM_INFO, room_info_fields),
    LAYOUT(ROOM_STATE, room_state_fields),
    LAYOUT(ROOM_MEMBERS, room_members_fields),
    LAYOUT(ROOM_PRESENCE, room_members_fields),
    LAYOUT(ROOM_TOPIC, room_topic_fields),
    LAYOUT(ROOM_INVITED, room_invited_fields),
    LAYOUT(PRESENCE_SET, presence_set_fields),
    LAYOUT(PRESENCE_STATE, room_members_fields),
    LAYOUT(REGISTER, register_fields),
    LAYOUT(LOGIN, login_fields),
    LAYOUT(LOGIN_TOKEN, login_token_fields),
    LAYOUT(SESSION, session_fields),
    LAYOUT(LOGOUT, logout_fields),
    LAYOUT(PASSWORD_CHANGE, password_change_fields),
    LAYOUT(INVITE_CREATE, invite_create_fields),
    LAYOUT(INVITE, invite_fields),
    LAYOUT(MODERATE, moderate_fields),
    LAYOUT(DONE, done_fields),
    LAYOUT(NOTICE, notice_fields),
    LAYOUT(USER_ROLE, user_role_fields),
    LAYOUT(HISTORY, history_fields),
    LAYOUT(HISTORY_END, history_end_fields),
    LAYOUT(RESUME, resume_fields),
    LAYOUT(RESUME_GAP, resume_gap_fields),
    LAYOUT(TYPING_SET, typing_set_fields),
    LAYOUT(READ_MARK, read_mark_fields),
    LAYOUT(RECEIPTS_SET, receipts_set_fields),
    LAYOUT(EDIT, edit_fields),
    LAYOUT(DELETE, msg_ref_fields),
    LAYOUT(REPLY_SEND, reply_send_fields),
    LAYOUT(REACT, react_fields),
    LAYOUT(TYPING, typing_fields),
    LAYOUT(READ_MARKER, read_marker_fields),
    LAYOUT(RECEIPT, receipt_fields),
    LAYOUT(MESSAGE_EDITED, message_edited_fields),
    LAYOUT(MESSAGE_DELETED, message_deleted_fields),
    LAYOUT(REPLY_TO, reply_to_fields),
    LAYOUT(REACTION, reaction_fields),
    LAYOUT(SEARCH, search_fields),
    LAYOUT(SEARCH_RESULT, search_result_fields),
    LAYOUT(FILE_OFFER_THUMB, offer_thumb_fields),
    LAYOUT(FILE_ANNOUNCE_THUMB, announce_thumb_fields),
    LAYOUT(NOTIFY_LEVEL_SET, notify_level_set_fields),
    LAYOUT(NOTIFY_LEVEL, notify_level_fields),
    LAYOUT(EVENT_ACCOUNT_CREATE, event_account_create_fields),
    LAYOUT(EVENT_SESSION_ADD, event_session_fields),
    LAYOUT(EVENT_SESSION_DROP, event_session_fields),
    LAYOUT(EVENT_ACCOUNT_CHANGE, event_account_change_fields),
    LAYOUT(EVENT_MODERATE, event_moderate_fields),
    LAYOUT(EVENT_ROOM_CREATE, event_room_fields),
    LAYOUT(EVENT_ROOM_MEMBER, event_room_fields),
    LAYOUT(EVENT_ROOM_TOPIC, event_room_fields),
    LAYOUT(EVENT_TEXT, event_text_fields),
    LAYOUT(EVENT_BLOCK, event_block_fields),
    LAYOUT(EVENT_READ_MARK, event_read_mark_fields),
    LAYOUT(EVENT_INVITE_CREATE, event_invite_fields),
    LAYOUT(EVENT_DIRECT, event_direct_fields),
    LAYOUT(EVENT_RECEIPTS_SET, event_setting_fields),
    LAYOUT(EVENT_NOTIFY_LEVEL, event_setting_fields),
    LAYOUT(EVENT_PRUNE, event_prune_fields),
    LAYOUT(EVENT_EDIT, event_edit_fields),
    LAYOUT(EVENT_DELETE, event_delete_fields),
    LAYOUT(EVENT_REACT, event_react_fields),
    LAYOUT(EVENT_FILE, event_file_fields),
    LAYOUT(EVENT_FILE_THUMB, event_file_thumb_fields),
};

static const struct layout *layout_find(uint16_t type)
{
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
        if (layouts[i].type == type)
            return &layouts[i];
    }
    return NULL;
}

/* ---- Reader: a cursor over a payload that never reads past its end ---- */

struct reader {
    const uint8_t *p;
    size_t left;
};

static enum proto_status get_bytes(struct reader *r, void *out, size_t n)
{
    if (r->left < n)
        return PROTO_ERR_TRUNCATED;
    memcpy(out, r->p, n);
    r->p += n;
    r->left -= n;
    return PROTO_OK;
}

static uint64_t load_be(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* An n-byte big-endian integer; *out is 0 when the payload is too short. */
static enum proto_status get_uint(struct reader *r, size_t n, uint64_t *out)
{
    *out = 0;
    if (r->left < n)
        return PROTO_ERR_TRUNCATED;
    *out = load_be(r->p, n);
    r->p += n;
    r->left -= n;
    return PROTO_OK;
}

static enum proto_status get_u16(struct reader *r, uint16_t *out)
{
    uint64_t v;
    enum proto_status st = get_uint(r, 2, &v);
    *out = (uint16_t)v;
    return st;
}

static enum proto_status get_u32(struct reader *r, uint32_t *out)
{
    uint64_t v;
    enum proto_status st = get_uint(r, 4, &v);
    *out = (uint32_t)v;
    return st;
}

/* A string is checked in wire order: its length against the cap, then that the bytes
 * are present, then their encoding. */
static enum proto_status get_str(struct reader *r, size_t cap, struct proto_str *out)
{
    enum proto_status st = get_u16(r, &out->len);
    if (st != PROTO_OK)
        return st;
    if (out->len > cap)
        return PROTO_ERR_TOO_LARGE;
    if (r->left < out->len)
        return PROTO_ERR_TRUNCATED;
    out->ptr = (const char *)r->p;
    if (!proto_utf8_valid(out->ptr, out->len))
        return PROTO_ERR_BAD_UTF8;
    r->p += out->len;
    r->left -= out->len;
    return PROTO_OK;
}

static enum proto_status get_data(struct reader *r, struct proto_chunk *out)
{
    if (r->left == 0)
        return PROTO_ERR_BAD_FIELD;
    if (r->left > PROTO_MAX_CHUNK)
        return PROTO_ERR_TOO_LARGE;
    out->data = r->p;
    out->len = (uint32_t)r->left;
    r->p += r->left;
    r->left = 0;
    return PROTO_OK;
}

static enum proto_status get_user(struct reader *r, struct proto_user *out)
{
    enum proto_status st = get_u32(r, &out->id);
    return st != PROTO_OK ? st : get_str(r, PROTO_MAX_NAME_BYTES, &out->name);
}

static enum proto_status get_users(struct reader *r, struct proto_users *out)
{
    enum proto_status st = get_u16(r, &out->count);
    if (st != PROTO_OK)
        return st;
    if (out->count > PROTO_MAX_USERS_PER_FRAME)
        return PROTO_ERR_TOO_LARGE;
    out->entries = r->p;
    size_t before = r->left;
    for (uint16_t i = 0; i < out->count; i++) {
        struct proto_user user;
        if ((st = get_user(r, &user)) != PROTO_OK)
            return st;
    }
    out->entries_len = before - r->left;
    return PROTO_OK;
}

static enum proto_status field_read(struct reader *r, const struct field *f, struct proto_msg *m)
{
    void *at = (char *)m + f->offset;
    switch ((enum field_kind)f->kind) {
    case F_U16: return get_u16(r, at);
    case F_U32: return get_u32(r, at);
    case F_U64: return get_uint(r, 8, at);
    case F_SHA: return get_bytes(r, at, PROTO_SHA256_LEN);
    case F_STR: return get_str(r, f->cap, at);
    case F_DATA: return get_data(r, at);
    case F_USERS: return get_users(r, at);
    }
    return PROTO_ERR_BAD_FIELD;
}

/* ---- Writer: the caller has sized the buffer with frame_size() ---- */

static uint8_t *put_be(uint8_t *p, uint64_t v, size_t n)
{
    for (size_t i = n; i-- > 0; v >>= 8)
        p[i] = (uint8_t)v;
    return p + n;
}

static uint8_t *put_bytes(uint8_t *p, const void *bytes, size_t n)
{
    if (n > 0)
        memcpy(p, bytes, n);
    return p + n;
}

static uint8_t *put_str(uint8_t *p, struct proto_str s)
{
    return put_bytes(put_be(p, s.len, 2), s.ptr, s.len);
}

static uint8_t *put_header(uint8_t *p, size_t payload_len, uint16_t type)
{
    p = put_be(p, payload_len, 4);
    p = put_be(p, type, 2);
    return put_be(p, 0, 2);
}

/* Bytes the field takes on the wire, or 0 when its value is over a cap (every field
 * takes at least one byte, so 0 is never a real size). */
static size_t field_size(const struct field *f, const struct proto_msg *m)
{
    const void *at = (const char *)m + f->offset;
    switch ((enum field_kind)f->kind) {
    case F_U16: return 2;
    case F_U32: return 4;
    case F_U64: return 8;
    case F_SHA: return PROTO_SHA256_LEN;
    case F_STR: {
        const struct proto_str *s = at;
        return s->len <= f->cap ? 2u + s->len : 0;
    }
    case F_DATA: {
        const struct proto_chunk *c = at;
        return c->len >= 1 && c->len <= PROTO_MAX_CHUNK ? c->len : 0;
    }
    case F_USERS: {
        const struct proto_users *u = at;
        bool fits = u->count <= PROTO_MAX_USERS_PER_FRAME && u->entries_len <= PROTO_MAX_PAYLOAD - 2;
        return fits ? 2 + u->entries_len : 0;
    }
    }
    return 0;
}

static uint8_t *field_write(uint8_t *p, const struct field *f, const struct proto_msg *m)
{
    const void *at = (const char *)m + f->offset;
    switch ((enum field_kind)f->kind) {
    case F_U16: return put_be(p, *(const uint16_t *)at, 2);
    case F_U32: return put_be(p, *(const uint32_t *)at, 4);
    case F_U64: return put_be(p, *(const uint64_t *)at, 8);
    case F_SHA: return put_bytes(p, at, PROTO_SHA256_LEN);
    case F_STR: return put_str(p, *(const struct proto_str *)at);
    case F_DATA: {
        const struct proto_chunk *c = at;
        return put_bytes(p, c->data, c->len);
    }
    case F_USERS: {
        const struct proto_users *u = at;
        return put_bytes(put_be(p, u->count, 2), u->entries, u->entries_len);
    }
    }
    return p;
}

/* Bytes the whole frame takes, or 0 when a field is over its cap. */
static size_t frame_size(const struct layout *l, const struct proto_msg *m)
{
    size_t size = PROTO_HEADER_SIZE;
    for (uint8_t i = 0; i < l->count; i++) {
        size_t n = field_size(&l->fields[i], m);
        if (n == 0)
            return 0;
        size += n;
    }
    return size;
}

/* ---- Public API ---- */

/* A view of s, at most 65535 bytes long: a longer string gives a view over every cap,
 * which the encoders refuse, rather than a silently shortened one. */
struct proto_str proto_str_of(const char *s)
{
    return (struct proto_str){ s, (uint16_t)strnlen(s, UINT16_MAX) };
}

/* True when both views hold the same bytes (two empty views are equal). */
bool proto_str_eq(struct proto_str a, struct proto_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* The frame type's name as written in protocol.h without "PROTO_", or NULL. */
const char *proto_type_name(uint16_t type)
{
    const struct layout *l = layout_find(type);
    return l ? l->name : NULL;
}

/* A short English phrase for an error code; "unknown error" for codes not in v1. */
const char *proto_error_text(uint16_t code)
{
    static const char *const texts[] = {
        [PROTO_E_MALFORMED] = "malformed frame",
        [PROTO_E_UNKNOWN_TYPE] = "unknown frame type",
        [PROTO_E_FRAME_TOO_LARGE] = "frame too large",
        [PROTO_E_VERSION] = "unsupported protocol version",
        [PROTO_E_NAME_INVALID] = "invalid username",
        [PROTO_E_NAME_TAKEN] = "username already taken",
        [PROTO_E_NOT_LOGGED_IN] = "not logged in",
        [PROTO_E_ALREADY_LOGGED_IN] = "already logged in",
        [PROTO_E_TEXT_INVALID] = "invalid message text",
        [PROTO_E_SERVER_FULL] = "server is full",
        [PROTO_E_FILE_TOO_LARGE] = "file too large",
        [PROTO_E_FILE_NAME_INVALID] = "invalid file name",
        [PROTO_E_TOO_MANY_TRANSFERS] = "too many transfers in progress",
        [PROTO_E_TRANSFER_UNKNOWN] = "unknown transfer",
        [PROTO_E_BAD_OFFSET] = "bad file offset",
        [PROTO_E_FILE_MISMATCH] = "file does not match its offer",
        [PROTO_E_FILE_NOT_FOUND] = "file not found",
        [PROTO_E_STORAGE] = "server storage error",
        [PROTO_E_TIMEOUT] = "timed out",
        [PROTO_E_TOO_SLOW] = "client too slow to read",
        [PROTO_E_RATE_LIMITED] = "too many requests",
        [PROTO_E_ROOM_UNKNOWN] = "unknown room",
        [PROTO_E_INTERNAL] = "internal server error",
        [PROTO_E_DUPLICATE_ID] = "upload id already in use",
        [PROTO_E_WRONG_PASSWORD] = "wrong name or password",
        [PROTO_E_REGISTRATION_CLOSED] = "registration is closed",
        [PROTO_E_INVITE_REQUIRED] = "an invite code is required",
        [PROTO_E_INVITE_INVALID] = "invite code not valid",
        [PROTO_E_THROTTLED] = "too many attempts; wait before trying again",
        [PROTO_E_BANNED] = "account banned",
        [PROTO_E_BUSY] = "server busy; try again shortly",
        [PROTO_E_NOT_ALLOWED] = "not allowed for your role",
        [PROTO_E_PASSWORD_WEAK] = "password not accepted",
        [PROTO_E_ACCOUNT_UNKNOWN] = "no such account",
        [PROTO_E_MUTED] = "you are muted",
        [PROTO_E_KICKED] = "removed by a moderator",
        [PROTO_E_TOKEN_INVALID] = "session expired; log in with your password",
        [PROTO_E_GUESTS_DISABLED] = "guest logins are off; log in with an account",
        [PROTO_E_SESSION_REPLACED] = "logged in from somewhere else",
        [PROTO_E_TLS_REQUIRED] = "TLS required",
        [PROTO_E_ROOM_NAME_INVALID] = "invalid room name",
        [PROTO_E_ROOM_NAME_TAKEN] = "room name already taken",
        [PROTO_E_NOT_IN_ROOM] = "you are not in that room",
        [PROTO_E_ROOM_FULL] = "room is full",
        [PROTO_E_TOO_MANY_ROOMS] = "you are in too many rooms",
        [PROTO_E_ROOM_CREATE_LIMIT] = "too many rooms created; wait before creating another",
        [PROTO_E_DIRECT_REFUSED] = "that user takes no direct messages from you",
        [PROTO_E_PRESENCE_INVALID] = "presence state unknown",
        [PROTO_E_PRESENCE_TOO_FAST] = "presence changed too often; wait a moment",
        [PROTO_E_HISTORY_INVALID] = "history request with an unknown mode or no limit",
        [PROTO_E_MESSAGE_UNKNOWN] = "no such message",
        [PROTO_E_NOT_AUTHOR] = "not your message",
        [PROTO_E_MESSAGE_DELETED] = "the message was deleted",
        [PROTO_E_EMOJI_INVALID] = "not a single emoji",
        [PROTO_E_TOO_MANY_REACTIONS] = "too many different reactions on that message",
        [PROTO_E_TYPING_INVALID] = "unknown typing state",
        [PROTO_E_NOTIFY_LEVEL_INVALID] = "unknown notification level",
        [PROTO_E_SEARCH_INVALID] = "search query empty, too long or without a word",
        [PROTO_E_THUMBNAIL_INVALID] = "thumbnail refused: not a small PNG or JPEG",
        [PROTO_E_SEARCH_BUSY] = "too many searches; wait before searching again",
        [PROTO_E_CLUSTER_UNAVAILABLE] = "the chat is temporarily unavailable; try again",
    };
    const char *text = code < sizeof texts / sizeof texts[0] ? texts[code] : NULL;
    return text ? text : "unknown error";
}

/* A short English phrase for a codec status. */
const char *proto_status_text(enum proto_status status)
{
    switch (status) {
    case PROTO_OK: return "ok";
    case PROTO_NEED_MORE: return "incomplete frame";
    case PROTO_ERR_TOO_LARGE: return "length over the limit";
    case PROTO_ERR_UNKNOWN_TYPE: return "unknown frame type";
    case PROTO_ERR_TRUNCATED: return "payload ends inside a field";
    case PROTO_ERR_TRAILING: return "bytes after the last field";
    case PROTO_ERR_BAD_UTF8: return "string is not valid UTF-8";
    case PROTO_ERR_BAD_FIELD: return "field value not allowed";
    }
    return "unknown status";
}

/* True when the 8 bytes at s are ASCII other than NUL: the common case, checked a word
 * at a time (the second test is the classic "has a zero byte" trick). */
static bool ascii_word(const uint8_t *s)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t w;
    memcpy(&w, s, sizeof w);
    return (w & highs) == 0 && ((w - ones) & ~w & highs) == 0;
}

/* Strict UTF-8 (RFC 3629): shortest form only, no surrogates, nothing above U+10FFFF,
 * and no NUL, which C strings and terminals would misread. */
bool proto_utf8_valid(const char *bytes, size_t len)
{
    const uint8_t *s = (const uint8_t *)bytes;
    size_t i = 0;
    while (i < len) {
        if (len - i >= 8 && ascii_word(s + i)) {
            i += 8;
            continue;
        }
        uint8_t c = s[i];
        if (c < 0x80) {
            if (c == 0)
                return false;
            i++;
            continue;
        }
        /* Lead byte: how many continuation bytes, and the range of the first one,
         * which is where overlongs, surrogates and values past U+10FFFF show. */
        size_t more;
        uint8_t lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            more = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            more = 2;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
            more = 3;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
        } else {
            return false;
        }
        if (len - i <= more || s[i + 1] < lo || s[i + 1] > hi)
            return false;
        for (size_t k = 2; k <= more; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
        }
        i += more + 1;
    }
    return true;
}

/* Fills both outputs whatever the verdict, so a caller can log what was declared. */
enum proto_status proto_header_read(const uint8_t *bytes, uint32_t max_payload,
                                    uint32_t *payload_len, uint16_t *type)
{
    *payload_len = (uint32_t)load_be(bytes, 4);
    *type = (uint16_t)load_be(bytes + 4, 2);
    if (*payload_len > max_payload)
        return PROTO_ERR_TOO_LARGE;
    return load_be(bytes + 6, 2) == 0 ? PROTO_OK : PROTO_ERR_BAD_FIELD;
}

/* Sets out->type even when it fails, so the caller can name the frame it refuses. */
enum proto_status proto_decode_payload(uint16_t type, const uint8_t *payload, size_t len,
                                       struct proto_msg *out)
{
    out->type = type;
    const struct layout *l = layout_find(type);
    if (l == NULL)
        return PROTO_ERR_UNKNOWN_TYPE;
    struct reader r = { payload, len };
    for (uint8_t i = 0; i < l->count; i++) {
        enum proto_status st = field_read(&r, &l->fields[i], out);
        if (st != PROTO_OK)
            return st;
    }
    return r.left == 0 ? PROTO_OK : PROTO_ERR_TRAILING;
}

/* Stops (false) at the end of the entries, or at the first one that does not parse,
 * which cannot happen for entries the decoder produced. */
bool proto_users_next(const struct proto_users *users, size_t *cursor, struct proto_user *out)
{
    if (*cursor >= users->entries_len)
        return false;
    struct reader r = { users->entries + *cursor, users->entries_len - *cursor };
    if (get_user(&r, out) != PROTO_OK)
        return false;
    *cursor = users->entries_len - r.left;
    return true;
}

/* Encoders check caps (never UTF-8: a string the caller built is the caller's to
 * validate), so whatever they accept the decoder accepts too. */
size_t proto_frame_size(const struct proto_msg *msg)
{
    const struct layout *l = layout_find(msg->type);
    return l ? frame_size(l, msg) : 0;
}

/* Writes header and fields in layout order; out must hold proto_frame_size(msg). */
size_t proto_encode(const struct proto_msg *msg, uint8_t *out)
{
    const struct layout *l = layout_find(msg->type);
    size_t size = l ? frame_size(l, msg) : 0;
    if (size == 0)
        return 0;
    uint8_t *p = put_header(out, size - PROTO_HEADER_SIZE, msg->type);
    for (uint8_t i = 0; i < l->count; i++)
        p = field_write(p, &l->fields[i], msg);
    return size;
}

/* Header and id/offset of a chunk frame; the data is the caller's to place. */
size_t proto_encode_chunk_prefix(uint16_t type, uint64_t id, uint64_t offset,
                                 uint32_t data_len, uint8_t *out)
{
    const struct layout *l = layout_find(type);
    if (l == NULL || l->fields != chunk_fields || data_len == 0 || data_len > PROTO_MAX_CHUNK)
        return 0;
    uint8_t *p = put_header(out, PROTO_CHUNK_PREFIX + data_len, type);
    p = put_be(p, id, 8);
    put_be(p, offset, 8);
    return PROTO_HEADER_SIZE + PROTO_CHUNK_PREFIX + data_len;
}

/* The entries of a user list, names checked against the cap. */
size_t proto_encode_user_entries(const uint32_t *ids, const struct proto_str *names,
                                 size_t count, uint8_t *out, size_t cap)
{
    if (count > PROTO_MAX_USERS_PER_FRAME)
        return 0;
    size_t size = 0;
    for (size_t i = 0; i < count; i++) {
        if (names[i].len > PROTO_MAX_NAME_BYTES)
            return 0;
        size += 4 + 2 + names[i].len;
    }
    if (size > cap)
        return 0;
    uint8_t *p = out;
    for (size_t i = 0; i < count; i++)
        p = put_str(put_be(p, ids[i], 4), names[i]);
    return size;
}

/* A user-list frame straight from the caller's arrays: header, count, entries. */
size_t proto_encode_users(uint16_t type, const uint32_t *ids, const struct proto_str *names,
                          size_t count, uint8_t *out, size_t cap)
{
    const struct layout *l = layout_find(type);
    const size_t prefix = PROTO_HEADER_SIZE + 2;
    if (l == NULL || l->fields != users_fields || count > PROTO_MAX_USERS_PER_FRAME ||
        cap < prefix)
        return 0;
    size_t entries = proto_encode_user_entries(ids, names, count, out + prefix, cap - prefix);
    if (entries == 0 && count > 0)
        return 0;
    uint8_t *p = put_header(out, 2 + entries, type);
    put_be(p, count, 2);
    return prefix + entries;
}
