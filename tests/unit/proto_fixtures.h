/* Fixtures shared by the codec's unit tests: strings at the caps, exact-size encodings
 * and one sample frame of every type. Everything made here is freed when the test ends. */
#ifndef CHAT_TEST_PROTO_FIXTURES_H
#define CHAT_TEST_PROTO_FIXTURES_H

#include <glib.h>
#include <string.h>

#include "common/protocol.h"

#define EMOJI "\xf0\x9f\x98\x80" /* U+1F600, four bytes */
#define WAVE "\xf0\x9f\x91\x8b"  /* U+1F44B */
#define FIVE_GIB (5ull << 30)

/* unit repeated times; freed at the end of the test run. */
static inline struct proto_str repeat(const char *unit, size_t times)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < times; i++)
        g_string_append(s, unit);
    g_assert_cmpuint(s->len, <=, UINT16_MAX);
    struct proto_str view = { s->str, (uint16_t)s->len };
    g_test_queue_free(g_string_free(s, FALSE));
    return view;
}

/* Encodes msg into an exact-size buffer (freed at the end of the test). */
static inline GBytes *encode(const struct proto_msg *msg)
{
    size_t size = proto_frame_size(msg);
    g_assert_cmpuint(size, >, PROTO_HEADER_SIZE);
    uint8_t *buf = g_malloc(size);
    g_assert_cmpuint(proto_encode(msg, buf), ==, size);
    GBytes *frame = g_bytes_new_take(buf, size);
    g_test_queue_destroy((GDestroyNotify)g_bytes_unref, frame);
    return frame;
}

/* Checks that msg encodes to exactly want (without keeping the encoding). */
static inline void assert_encodes_to(const struct proto_msg *msg, const uint8_t *want,
                                     size_t want_len)
{
    size_t size = proto_frame_size(msg);
    uint8_t *buf = g_malloc(size ? size : 1);
    g_assert_cmpuint(proto_encode(msg, buf), ==, size);
    g_assert_cmpmem(buf, size, want, want_len);
    g_free(buf);
}

/* A user-list frame built with proto_encode_users (freed at the end of the test). */
static inline GBytes *users_frame(uint16_t type, const uint32_t *ids,
                                  const struct proto_str *names, size_t count)
{
    uint8_t *buf = g_malloc(PROTO_HEADER_SIZE + PROTO_MAX_PAYLOAD);
    size_t size = proto_encode_users(type, ids, names, count, buf,
                                     PROTO_HEADER_SIZE + PROTO_MAX_PAYLOAD);
    g_assert_cmpuint(size, >, 0);
    GBytes *frame = g_bytes_new(buf, size);
    g_free(buf);
    g_test_queue_destroy((GDestroyNotify)g_bytes_unref, frame);
    return frame;
}

/* One frame of every type, with edge values: big u64s, empty and maximal strings. */
static inline GPtrArray *sample_frames(void)
{
    static uint8_t data[PROTO_MAX_CHUNK];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7);
    struct proto_str name = repeat(EMOJI, 32), text = repeat("h\xc3\xa9llo " WAVE " ", 4);
    struct proto_msg m[] = {
        { PROTO_HELLO, .u.hello = { 1, 0, name, proto_str_of("") } },
        { PROTO_WELCOME, .u.welcome = { 1, 0, 7, 1764000000000u, 3, PROTO_MAX_PAYLOAD,
                                        PROTO_MAX_TEXT, PROTO_MAX_CHUNK, 4, 16ull << 30,
                                        proto_str_of("alice") } },
        { PROTO_ERROR, .u.error = { PROTO_E_BAD_OFFSET, PROTO_FILE_CHUNK, FIVE_GIB,
                                    proto_str_of("bad offset") } },
        { PROTO_PING, .u.token = UINT64_MAX },
        { PROTO_PONG, .u.token = 0 },
        { PROTO_GOODBYE, .u.reason = proto_str_of("") },
        { PROTO_SHUTDOWN, .u.reason = proto_str_of("server shutting down") },
        { PROTO_TEXT_SEND, .u.text_send = { 1, 0, text } },
        { PROTO_TEXT, .u.text = { 42, 1764000000123u, 0, 7, 1, name, text } },
        { PROTO_FILE_OFFER, .u.offer = { 9, FIVE_GIB, { 0 }, 0, proto_str_of("r\xc3\xa9sum\xc3\xa9.pdf") } },
        { PROTO_FILE_ACCEPT, .u.ref = { 9 } },
        { PROTO_FILE_CHUNK, .u.chunk = { 9, FIVE_GIB - 3, data, 3 } },
        { PROTO_FILE_CHUNK, .u.chunk = { 9, 0, data, PROTO_MAX_CHUNK } },
        { PROTO_FILE_END, .u.ref = { 9 } },
        { PROTO_FILE_CANCEL, .u.ref = { UINT64_MAX } },
        { PROTO_FILE_ANNOUNCE, .u.announce = { 1, 43, 1764000000456u, 0, 7, 9, FIVE_GIB, { 0 },
                                               name, repeat("\xe2\x82\xac", 85) } },
        { PROTO_DOWNLOAD_REQUEST, .u.download_request = { 1, FIVE_GIB + 1 } },
        { PROTO_DOWNLOAD_START, .u.download_start = { 1, 0, FIVE_GIB, { 0 }, proto_str_of("a") } },
        { PROTO_DOWNLOAD_CHUNK, .u.chunk = { 1, 0, data, 1 } },
        { PROTO_DOWNLOAD_END, .u.ref = { 1 } },
        { PROTO_DOWNLOAD_CANCEL, .u.ref = { 1 } },
        { PROTO_REGISTER, .u.reg = { 1, 0, name, repeat("p", PROTO_MAX_PASSWORD),
                                     repeat("i", PROTO_MAX_INVITE), proto_str_of("") } },
        { PROTO_LOGIN, .u.login = { 1, UINT32_MAX, name, repeat(EMOJI, 2), proto_str_of("a") } },
        { PROTO_LOGIN_TOKEN, .u.login_token = { 2, 0, { 0xff }, proto_str_of("") } },
        { PROTO_SESSION, .u.session = { { 1, 2, 3 }, UINT64_MAX, UINT32_MAX, PROTO_ROLE_ADMIN,
                                        name } },
        { PROTO_LOGOUT, .u.logout = { UINT64_MAX, PROTO_LOGOUT_ALL } },
        { PROTO_PASSWORD_CHANGE, .u.password_change = { 1, proto_str_of(""), text } },
        { PROTO_INVITE_CREATE, .u.invite_create = { 0, UINT32_MAX } },
        { PROTO_INVITE, .u.invite = { 3, FIVE_GIB, repeat("c", PROTO_MAX_INVITE) } },
        { PROTO_MODERATE, .u.moderate = { 4, PROTO_MOD_KICK, 0, name, repeat("r", PROTO_MAX_REASON) } },
        { PROTO_DONE, .u.done = { 4, PROTO_MODERATE } },
        { PROTO_NOTICE, .u.notice = { 1764000000789u, PROTO_MOD_BAN, 0, name, proto_str_of("b"),
                                      proto_str_of("") } },
        { PROTO_USER_ROLE, .u.user_role = { PROTO_ROLE_GUEST,
                                            { 1, (const uint8_t *)"\xff\xff\xff\xff\x00\x03" "eve", 9 } } },
        { PROTO_ROOM_CREATE, .u.room_create = { UINT64_MAX, PROTO_ROOM_PRIVATE, name,
                                                repeat("t", PROTO_MAX_TOPIC) } },
        { PROTO_ROOM_JOIN, .u.room_join = { 0, name } },
        { PROTO_ROOM_LEAVE, .u.room_ref = { 1, UINT32_MAX } },
        { PROTO_ROOM_LIST, .u.request_id = UINT64_MAX },
        { PROTO_ROOM_TOPIC_SET, .u.room_topic_set = { 2, 0, proto_str_of("") } },
        { PROTO_ROOM_INVITE, .u.room_invite = { 3, 7, name } },
        { PROTO_DIRECT_SEND, .u.direct_send = { UINT64_MAX, name, text } },
        { PROTO_BLOCK, .u.block = { 4, 0, proto_str_of("b") } },
        { PROTO_ROOM_INFO, .u.room_info = { 5, UINT32_MAX, PROTO_ROOM_PUBLIC, 3, UINT32_MAX, name,
                                            repeat(EMOJI, PROTO_MAX_TOPIC / 4) } },
        { PROTO_ROOM_STATE, .u.room_state = { 0, PROTO_ROOM_DIRECT, 2, name, proto_str_of("") } },
        { PROTO_ROOM_MEMBERS, .u.room_members = { 9, PROTO_MEMBER_OFFLINE, { 0, NULL, 0 } } },
        { PROTO_ROOM_PRESENCE, .u.room_members = { 9, PROTO_MEMBER_LEFT,
                                    { 1, (const uint8_t *)"\x00\x00\x00\x02\x00\x03" "bob", 9 } } },
        { PROTO_ROOM_TOPIC, .u.room_topic = { 9, UINT64_MAX, name, text } },
        { PROTO_ROOM_INVITED, .u.room_invited = { 9, name, name, proto_str_of("") } },
        { PROTO_PRESENCE_SET, .u.presence_set = { UINT64_MAX, UINT16_MAX } },
        { PROTO_PRESENCE_STATE, .u.room_members = { 0, PROTO_PRESENCE_AWAY,
                                    { 1, (const uint8_t *)"\xff\xff\xff\xff\x00\x03" "eve", 9 } } },
        { PROTO_HISTORY, .u.history = { UINT64_MAX, UINT32_MAX, PROTO_HISTORY_AROUND, UINT16_MAX,
                                        UINT64_MAX } },
        { PROTO_HISTORY_END, .u.history_end = { 0, 0, PROTO_HISTORY_MORE_BEFORE |
                                                PROTO_HISTORY_MORE_AFTER, UINT32_MAX } },
        { PROTO_RESUME, .u.resume = { 1, 9, 0 } },
        { PROTO_RESUME_GAP, .u.resume_gap = { 2, 9, 0, UINT64_MAX } },
        { PROTO_TYPING_SET, .u.typing_set = { UINT32_MAX, PROTO_TYPING_PAUSED } },
        { PROTO_READ_MARK, .u.read_mark = { 1, 0, UINT64_MAX } },
        { PROTO_RECEIPTS_SET, .u.receipts_set = { UINT64_MAX, 0 } },
        { PROTO_EDIT, .u.edit = { 2, UINT64_MAX, text } },
        { PROTO_DELETE, .u.msg_ref = { 3, 1 } },
        { PROTO_REPLY_SEND, .u.reply_send = { 4, 9, UINT64_MAX, text } },
        { PROTO_REACT, .u.react = { 5, 7, repeat(EMOJI, PROTO_MAX_EMOJI / 4) } },
        { PROTO_TYPING, .u.typing = { 9, 0, PROTO_TYPING_DONE, name } },
        { PROTO_READ_MARKER, .u.read_marker = { UINT32_MAX, 0 } },
        { PROTO_RECEIPT, .u.receipt = { 9, UINT64_MAX, 0, UINT32_MAX, proto_str_of("") } },
        { PROTO_MESSAGE_EDITED, .u.message_edited = { UINT64_MAX, 1, 2, 9, name, text } },
        { PROTO_MESSAGE_DELETED, .u.message_deleted = { 0, UINT64_MAX, 0, 0, proto_str_of("") } },
        { PROTO_REPLY_TO, .u.reply_to = { 9, 8, 7 } },
        { PROTO_REACTION, .u.reaction = { 0, 5, 9, UINT32_MAX, 1, name, proto_str_of(EMOJI) } },
        { PROTO_EVENT_TEXT, .u.event_text = { UINT32_MAX, 1, UINT64_MAX, 0xFF000001u, 7,
                                              UINT64_MAX, name, text } },
        { PROTO_EVENT_EDIT, .u.event_change = { 1, 2, 3, 0, name, text } },
        { PROTO_EVENT_DELETE, .u.event_change = { UINT64_MAX, 0, 0, 1, proto_str_of("") } },
        { PROTO_EVENT_REACT, .u.event_change = { 5, UINT64_MAX, 9, 0, name,
                                                 repeat(EMOJI, PROTO_MAX_EMOJI / 4) } },
    };
    GPtrArray *frames = g_ptr_array_new();
    g_test_queue_destroy((GDestroyNotify)g_ptr_array_unref, frames);
    for (size_t i = 0; i < G_N_ELEMENTS(m); i++)
        g_ptr_array_add(frames, encode(&m[i]));
    uint32_t ids[] = { 3, UINT32_MAX, 0 };
    struct proto_str names[] = { proto_str_of("bob"), name, proto_str_of("") };
    g_ptr_array_add(frames, users_frame(PROTO_USER_LIST, ids, names, 3));
    g_ptr_array_add(frames, users_frame(PROTO_USER_JOINED, ids, names, 1));
    g_ptr_array_add(frames, users_frame(PROTO_USER_LEFT, ids, names, 0));
    return frames;
}

#endif
