/* Unit tests of the wire codec (common/protocol.h) on valid input: every frame type
 * round-trips field by field, a stream decodes the same however it is split, and the
 * decoder's buffer is reserved, reused and released as promised. Malformed input is in
 * test_protocol_malformed.c, the examples of docs/PROTOCOL.md in test_protocol_spec.c. */
#include "tests/unit/proto_fixtures.h"

static const uint8_t SHA_HELLO[PROTO_SHA256_LEN] = { /* SHA-256 of "hello\n" */
    0x58, 0x91, 0xb5, 0xb5, 0x22, 0xd5, 0xdf, 0x08, 0x6d, 0x0f, 0xf0, 0xb1, 0x10, 0xfb, 0xd9, 0xd2,
    0x1b, 0xb4, 0xfc, 0x71, 0x63, 0xaf, 0x34, 0xd0, 0x82, 0x86, 0xa2, 0xe8, 0x46, 0xf6, 0xbe, 0x03,
};

/* ---- Helpers ---- */

static void assert_str(struct proto_str got, struct proto_str want)
{
    g_assert_cmpmem(got.ptr, got.len, want.ptr, want.len);
}

/* Decodes one whole frame, which must be valid, and checks that encoding the result
 * gives back the very same bytes. Views in *out point into frame. */
static void decode_frame(GBytes *frame, struct proto_msg *out)
{
    size_t size;
    const uint8_t *bytes = g_bytes_get_data(frame, &size);
    uint32_t payload_len;
    uint16_t type;
    g_assert_cmpint(proto_header_read(bytes, PROTO_MAX_PAYLOAD, &payload_len, &type), ==, PROTO_OK);
    g_assert_cmpuint(payload_len, ==, size - PROTO_HEADER_SIZE);
    g_assert_cmpint(proto_decode_payload(type, bytes + PROTO_HEADER_SIZE, payload_len, out), ==,
                    PROTO_OK);
    g_assert_cmpuint(out->type, ==, type);
    assert_encodes_to(out, bytes, size);
}

/* Encodes in and decodes it into out. */
static void roundtrip(const struct proto_msg *in, struct proto_msg *out)
{
    decode_frame(encode(in), out);
}

/* ---- Round trips, field by field ---- */

static void test_roundtrip_session(void)
{
    struct proto_msg out, in = { PROTO_HELLO,
                                 .u.hello = { 1, 0xA5A5A5A5u, repeat(EMOJI, 32), repeat("a", 64) } };
    roundtrip(&in, &out);
    g_assert_cmpuint(out.u.hello.version, ==, 1);
    g_assert_cmpuint(out.u.hello.features, ==, 0xA5A5A5A5u);
    assert_str(out.u.hello.username, in.u.hello.username);
    assert_str(out.u.hello.agent, in.u.hello.agent);

    in = (struct proto_msg){ PROTO_WELCOME, .u.welcome = { 1, 2, 3, 1764000000000u, 4, 5, 6, 7, 8,
                                                           16ull << 30, proto_str_of("b\xc3\xb8") } };
    roundtrip(&in, &out);
    const struct proto_welcome *w = &out.u.welcome;
    g_assert_cmpuint(w->version, ==, 1);
    g_assert_cmpuint(w->features, ==, 2);
    g_assert_cmpuint(w->user_id, ==, 3);
    g_assert_cmpuint(w->server_time_ms, ==, 1764000000000u);
    g_assert_cmpuint(w->users_online, ==, 4);
    g_assert_cmpuint(w->max_payload, ==, 5);
    g_assert_cmpuint(w->max_text, ==, 6);
    g_assert_cmpuint(w->max_chunk, ==, 7);
    g_assert_cmpuint(w->max_uploads, ==, 8);
    g_assert_cmpuint(w->max_file_size, ==, 16ull << 30);
    assert_str(w->username, proto_str_of("b\xc3\xb8"));

    in = (struct proto_msg){ PROTO_ERROR, .u.error = { PROTO_E_DUPLICATE_ID, PROTO_FILE_OFFER,
                                                       FIVE_GIB, repeat(EMOJI, 256) } };
    roundtrip(&in, &out);
    g_assert_cmpuint(out.u.error.code, ==, PROTO_E_DUPLICATE_ID);
    g_assert_cmpuint(out.u.error.ref_type, ==, PROTO_FILE_OFFER);
    g_assert_cmpuint(out.u.error.ref_id, ==, FIVE_GIB);
    assert_str(out.u.error.message, in.u.error.message);

    for (uint16_t type = PROTO_PING; type <= PROTO_PONG; type++) {
        in = (struct proto_msg){ type, .u.token = 0x0123456789abcdefu };
        roundtrip(&in, &out);
        g_assert_cmpuint(out.u.token, ==, 0x0123456789abcdefu);
    }
    for (uint16_t type = PROTO_GOODBYE; type <= PROTO_SHUTDOWN; type++) {
        in = (struct proto_msg){ type, .u.reason = repeat("z", PROTO_MAX_REASON) };
        roundtrip(&in, &out);
        assert_str(out.u.reason, in.u.reason);
    }
}

static void test_roundtrip_chat(void)
{
    struct proto_msg out, in = { PROTO_TEXT_SEND,
                                 .u.text_send = { UINT64_MAX, 0, repeat(EMOJI, 2048) } };
    roundtrip(&in, &out);
    g_assert_cmpuint(out.u.text_send.client_id, ==, UINT64_MAX);
    g_assert_cmpuint(out.u.text_send.room_id, ==, 0);
    g_assert_cmpuint(out.u.text_send.text.len, ==, PROTO_MAX_TEXT);
    assert_str(out.u.text_send.text, in.u.text_send.text);

    in = (struct proto_msg){ PROTO_TEXT, .u.text = { FIVE_GIB, 1764000000123u, 5, 6, FIVE_GIB + 7,
                                                     repeat(EMOJI, 32),
                                                     proto_str_of("line one\nline two " WAVE) } };
    roundtrip(&in, &out);
    const struct proto_text *t = &out.u.text;
    g_assert_cmpuint(t->message_id, ==, FIVE_GIB);
    g_assert_cmpuint(t->time_ms, ==, 1764000000123u);
    g_assert_cmpuint(t->room_id, ==, 5);
    g_assert_cmpuint(t->sender_id, ==, 6);
    g_assert_cmpuint(t->client_id, ==, FIVE_GIB + 7);
    assert_str(t->sender, in.u.text.sender);
    assert_str(t->text, in.u.text.text);
}

static void test_roundtrip_files(void)
{
    struct proto_msg out, in = { PROTO_FILE_OFFER, .u.offer = { FIVE_GIB + 1, FIVE_GIB, { 0 }, 0,
                                                                repeat("\xe2\x82\xac" "x", 256) } };
    memcpy(in.u.offer.sha256, SHA_HELLO, sizeof SHA_HELLO);
    roundtrip(&in, &out);
    g_assert_cmpuint(out.u.offer.upload_id, ==, FIVE_GIB + 1);
    g_assert_cmpuint(out.u.offer.size, ==, FIVE_GIB);
    g_assert_cmpmem(out.u.offer.sha256, PROTO_SHA256_LEN, SHA_HELLO, PROTO_SHA256_LEN);
    g_assert_cmpuint(out.u.offer.room_id, ==, 0);
    g_assert_cmpuint(out.u.offer.name.len, ==, PROTO_MAX_FILENAME_BYTES);
    assert_str(out.u.offer.name, in.u.offer.name);

    const uint16_t ref_types[] = { PROTO_FILE_ACCEPT, PROTO_FILE_END, PROTO_FILE_CANCEL,
                                   PROTO_DOWNLOAD_END, PROTO_DOWNLOAD_CANCEL };
    for (size_t i = 0; i < G_N_ELEMENTS(ref_types); i++) {
        in = (struct proto_msg){ ref_types[i], .u.ref = { FIVE_GIB + i } };
        roundtrip(&in, &out);
        g_assert_cmpuint(out.type, ==, ref_types[i]);
        g_assert_cmpuint(out.u.ref.id, ==, FIVE_GIB + i);
    }

    static const uint8_t data[] = { 0, 1, 2, 0xff, 0xfe };
    for (uint16_t type = PROTO_FILE_CHUNK; type <= PROTO_DOWNLOAD_CHUNK; type += 0x10) {
        in = (struct proto_msg){ type, .u.chunk = { 77, FIVE_GIB, data, sizeof data } };
        roundtrip(&in, &out);
        g_assert_cmpuint(out.u.chunk.id, ==, 77);
        g_assert_cmpuint(out.u.chunk.offset, ==, FIVE_GIB);
        g_assert_cmpmem(out.u.chunk.data, out.u.chunk.len, data, sizeof data);
    }

    in = (struct proto_msg){ PROTO_FILE_ANNOUNCE,
                             .u.announce = { 11, 12, 13, 14, 15, FIVE_GIB + 16, FIVE_GIB, { 0 },
                                             repeat(EMOJI, 32), proto_str_of("notes " EMOJI ".txt") } };
    memcpy(in.u.announce.sha256, SHA_HELLO, sizeof SHA_HELLO);
    roundtrip(&in, &out);
    const struct proto_file_announce *a = &out.u.announce;
    g_assert_cmpuint(a->file_id, ==, 11);
    g_assert_cmpuint(a->message_id, ==, 12);
    g_assert_cmpuint(a->time_ms, ==, 13);
    g_assert_cmpuint(a->room_id, ==, 14);
    g_assert_cmpuint(a->uploader_id, ==, 15);
    g_assert_cmpuint(a->upload_id, ==, FIVE_GIB + 16);
    g_assert_cmpuint(a->size, ==, FIVE_GIB);
    g_assert_cmpmem(a->sha256, PROTO_SHA256_LEN, SHA_HELLO, PROTO_SHA256_LEN);
    assert_str(a->uploader, in.u.announce.uploader);
    assert_str(a->name, in.u.announce.name);

    in = (struct proto_msg){ PROTO_DOWNLOAD_REQUEST, .u.download_request = { 21, FIVE_GIB + 22 } };
    roundtrip(&in, &out);
    g_assert_cmpuint(out.u.download_request.file_id, ==, 21);
    g_assert_cmpuint(out.u.download_request.offset, ==, FIVE_GIB + 22);

    in = (struct proto_msg){ PROTO_DOWNLOAD_START,
                             .u.download_start = { 31, FIVE_GIB - 1, FIVE_GIB, { 0 },
                                                   repeat("x", PROTO_MAX_FILENAME_BYTES) } };
    memcpy(in.u.download_start.sha256, SHA_HELLO, sizeof SHA_HELLO);
    roundtrip(&in, &out);
    const struct proto_download_start *s = &out.u.download_start;
    g_assert_cmpuint(s->file_id, ==, 31);
    g_assert_cmpuint(s->offset, ==, FIVE_GIB - 1);
    g_assert_cmpuint(s->size, ==, FIVE_GIB);
    g_assert_cmpmem(s->sha256, PROTO_SHA256_LEN, SHA_HELLO, PROTO_SHA256_LEN);
    assert_str(s->name, in.u.download_start.name);
}

/* Builds the largest user list and walks it back. */
static void test_roundtrip_users(void)
{
    enum { N = PROTO_MAX_USERS_PER_FRAME };
    uint32_t *ids = g_new(uint32_t, N + 1);
    struct proto_str *names = g_new(struct proto_str, N + 1);
    for (uint32_t i = 0; i <= N; i++) {
        ids[i] = i * 0x01000193u;
        names[i] = i % 2 ? repeat(EMOJI, 32) : proto_str_of(i % 4 ? "" : "bob");
    }
    const uint16_t types[] = { PROTO_USER_LIST, PROTO_USER_JOINED, PROTO_USER_LEFT };
    for (size_t t = 0; t < G_N_ELEMENTS(types); t++) {
        struct proto_msg out;
        decode_frame(users_frame(types[t], ids, names, N), &out);
        g_assert_cmpuint(out.type, ==, types[t]);
        g_assert_cmpuint(out.u.users.count, ==, N);
        size_t cursor = 0, seen = 0;
        struct proto_user user;
        while (proto_users_next(&out.u.users, &cursor, &user)) {
            g_assert_cmpuint(user.id, ==, ids[seen]);
            assert_str(user.name, names[seen]);
            seen++;
        }
        g_assert_cmpuint(seen, ==, N);
    }

    /* Refusals: too many entries, a name over the cap, too small a buffer, wrong type. */
    uint8_t buf[PROTO_HEADER_SIZE + 2 + 6 + PROTO_MAX_NAME_BYTES + 1];
    size_t fit = PROTO_HEADER_SIZE + 2 + 6 + PROTO_MAX_NAME_BYTES;
    g_assert_cmpuint(proto_encode_users(PROTO_USER_LIST, ids, names, N + 1, NULL, 0), ==, 0);
    struct proto_str long_name = repeat("n", PROTO_MAX_NAME_BYTES + 1);
    g_assert_cmpuint(proto_encode_users(PROTO_USER_LIST, ids, &long_name, 1, buf, sizeof buf), ==, 0);
    g_assert_cmpuint(proto_encode_users(PROTO_USER_LIST, ids, &names[1], 1, buf, fit - 1), ==, 0);
    g_assert_cmpuint(proto_encode_users(PROTO_USER_LIST, ids, &names[1], 1, buf, fit), ==, fit);
    g_assert_cmpuint(proto_encode_users(PROTO_TEXT, ids, names, 1, buf, sizeof buf), ==, 0);

    /* An empty list is a valid frame with nothing to walk. */
    struct proto_msg out;
    decode_frame(users_frame(PROTO_USER_JOINED, ids, names, 0), &out);
    size_t cursor = 0;
    struct proto_user user;
    g_assert_false(proto_users_next(&out.u.users, &cursor, &user));
    g_free(ids);
    g_free(names);
}

static void test_roundtrip_accounts(void)
{
    struct proto_msg out, in = { PROTO_REGISTER,
                                 .u.reg = { 1, 7, repeat(EMOJI, 32), repeat("p", PROTO_MAX_PASSWORD),
                                            proto_str_of("k3x9"), proto_str_of("gtk") } };
    roundtrip(&in, &out);
    g_assert_cmpuint(out.u.reg.version, ==, 1);
    g_assert_cmpuint(out.u.reg.features, ==, 7);
    assert_str(out.u.reg.username, in.u.reg.username);
    assert_str(out.u.reg.password, in.u.reg.password);
    assert_str(out.u.reg.invite, proto_str_of("k3x9"));
    assert_str(out.u.reg.agent, proto_str_of("gtk"));

    in = (struct proto_msg){ PROTO_LOGIN, .u.login = { 1, 0, proto_str_of("b\xc3\xb8" "b"),
                                                       proto_str_of("s3cret " WAVE), proto_str_of("") } };
    roundtrip(&in, &out);
    assert_str(out.u.login.username, proto_str_of("b\xc3\xb8" "b"));
    assert_str(out.u.login.password, proto_str_of("s3cret " WAVE));
    g_assert_cmpuint(out.u.login.agent.len, ==, 0);

    in = (struct proto_msg){ PROTO_LOGIN_TOKEN, .u.login_token = { 1, 0, { 0 }, proto_str_of("cli") } };
    for (size_t i = 0; i < PROTO_TOKEN_LEN; i++)
        in.u.login_token.token[i] = (uint8_t)(0xA0 + i);
    roundtrip(&in, &out);
    g_assert_cmpmem(out.u.login_token.token, PROTO_TOKEN_LEN, in.u.login_token.token, PROTO_TOKEN_LEN);
    assert_str(out.u.login_token.agent, proto_str_of("cli"));

    in = (struct proto_msg){ PROTO_SESSION, .u.session = { { 9, 8, 7 }, FIVE_GIB, 12,
                                                           PROTO_ROLE_MODERATOR, proto_str_of("alice") } };
    roundtrip(&in, &out);
    g_assert_cmpmem(out.u.session.token, PROTO_TOKEN_LEN, in.u.session.token, PROTO_TOKEN_LEN);
    g_assert_cmpuint(out.u.session.expires_ms, ==, FIVE_GIB);
    g_assert_cmpuint(out.u.session.account_id, ==, 12);
    g_assert_cmpuint(out.u.session.role, ==, PROTO_ROLE_MODERATOR);
    assert_str(out.u.session.username, proto_str_of("alice"));

    in = (struct proto_msg){ PROTO_LOGOUT, .u.logout = { FIVE_GIB, PROTO_LOGOUT_ALL } };
    roundtrip(&in, &out);
    g_assert_cmpuint(out.u.logout.request_id, ==, FIVE_GIB);
    g_assert_cmpuint(out.u.logout.scope, ==, PROTO_LOGOUT_ALL);

    in = (struct proto_msg){ PROTO_PASSWORD_CHANGE,
                             .u.password_change = { 5, proto_str_of("old one!"), repeat("n", 1024) } };
    roundtrip(&in, &out);
    g_assert_cmpuint(out.u.password_change.request_id, ==, 5);
    assert_str(out.u.password_change.old_password, proto_str_of("old one!"));
    assert_str(out.u.password_change.new_password, in.u.password_change.new_password);

    in = (struct proto_msg){ PROTO_INVITE_CREATE, .u.invite_create = { 6, 60 } };
    roundtrip(&in, &out);
    g_assert_cmpuint(out.u.invite_create.request_id, ==, 6);
    g_assert_cmpuint(out.u.invite_create.valid_minutes, ==, 60);

    in = (struct proto_msg){ PROTO_INVITE, .u.invite = { 6, 1764000000000u, proto_str_of("abc") } };
    roundtrip(&in, &out);
    g_assert_cmpuint(out.u.invite.request_id, ==, 6);
    g_assert_cmpuint(out.u.invite.expires_ms, ==, 1764000000000u);
    assert_str(out.u.invite.code, proto_str_of("abc"));

    in = (struct proto_msg){ PROTO_MODERATE, .u.moderate = { 7, PROTO_MOD_ROLE, PROTO_ROLE_ADMIN,
                                                             proto_str_of("bob"), proto_str_of("") } };
    roundtrip(&in, &out);
    g_assert_cmpuint(out.u.moderate.request_id, ==, 7);
    g_assert_cmpuint(out.u.moderate.action, ==, PROTO_MOD_ROLE);
    g_assert_cmpuint(out.u.moderate.value, ==, PROTO_ROLE_ADMIN);
    assert_str(out.u.moderate.target, proto_str_of("bob"));
    g_assert_cmpuint(out.u.moderate.reason.len, ==, 0);

    in = (struct proto_msg){ PROTO_DONE, .u.done = { 7, PROTO_MODERATE } };
    roundtrip(&in, &out);
    g_assert_cmpuint(out.u.done.request_id, ==, 7);
    g_assert_cmpuint(out.u.done.request_type, ==, PROTO_MODERATE);

    in = (struct proto_msg){ PROTO_NOTICE, .u.notice = { 1764000000001u, PROTO_MOD_MUTE, 30,
                                                         proto_str_of("mod"), proto_str_of("bob"),
                                                         proto_str_of("flooding") } };
    roundtrip(&in, &out);
    g_assert_cmpuint(out.u.notice.time_ms, ==, 1764000000001u);
    g_assert_cmpuint(out.u.notice.action, ==, PROTO_MOD_MUTE);
    g_assert_cmpuint(out.u.notice.value, ==, 30);
    assert_str(out.u.notice.actor, proto_str_of("mod"));
    assert_str(out.u.notice.target, proto_str_of("bob"));
    assert_str(out.u.notice.reason, proto_str_of("flooding"));

    static const uint8_t entries[] = { 0, 0, 0, 3, 0, 3, 'e', 'v', 'e', 0, 0, 0, 9, 0, 0 };
    in = (struct proto_msg){ PROTO_USER_ROLE,
                             .u.user_role = { PROTO_ROLE_GUEST, { 2, entries, sizeof entries } } };
    roundtrip(&in, &out);
    g_assert_cmpuint(out.u.user_role.role, ==, PROTO_ROLE_GUEST);
    g_assert_cmpuint(out.u.user_role.users.count, ==, 2);
    size_t cursor = 0;
    struct proto_user user;
    g_assert_true(proto_users_next(&out.u.user_role.users, &cursor, &user));
    g_assert_cmpuint(user.id, ==, 3);
    assert_str(user.name, proto_str_of("eve"));
    g_assert_true(proto_users_next(&out.u.user_role.users, &cursor, &user));
    g_assert_cmpuint(user.id, ==, 9);
    g_assert_false(proto_users_next(&out.u.user_role.users, &cursor, &user));
}

static void test_roundtrip_rooms(void)
{
    struct proto_msg in, out;
    in = (struct proto_msg){ PROTO_ROOM_CREATE, .u.room_create = {
        8, PROTO_ROOM_PRIVATE, proto_str_of("ops"), proto_str_of("on call") } };
    roundtrip(&in, &out);
    g_assert_cmpuint(out.u.room_create.request_id, ==, 8);
    g_assert_cmpuint(out.u.room_create.kind, ==, PROTO_ROOM_PRIVATE);
    assert_str(out.u.room_create.name, proto_str_of("ops"));
    assert_str(out.u.room_create.topic, proto_str_of("on call"));

    in = (struct proto_msg){ PROTO_DIRECT_SEND, .u.direct_send = {
        UINT64_MAX, proto_str_of("bob"), proto_str_of("psst") } };
    roundtrip(&in, &out);
    g_assert_cmpuint(out.u.direct_send.client_id, ==, UINT64_MAX);
    assert_str(out.u.direct_send.username, proto_str_of("bob"));
    assert_str(out.u.direct_send.text, proto_str_of("psst"));

    in = (struct proto_msg){ PROTO_ROOM_INFO, .u.room_info = {
        9, 12, PROTO_ROOM_PRIVATE, PROTO_ROOM_FLAG_INVITED, 3, proto_str_of("ops"),
        proto_str_of("") } };
    roundtrip(&in, &out);
    g_assert_cmpuint(out.u.room_info.room_id, ==, 12);
    g_assert_cmpuint(out.u.room_info.flags, ==, PROTO_ROOM_FLAG_INVITED);
    g_assert_cmpuint(out.u.room_info.members, ==, 3);
    g_assert_cmpuint(out.u.room_info.topic.len, ==, 0);

    uint8_t entries[64];
    uint32_t ids[] = { 4, 70000 };
    struct proto_str names[] = { proto_str_of("dora"), proto_str_of("eve") };
    size_t len = proto_encode_user_entries(ids, names, 2, entries, sizeof entries);
    g_assert_cmpuint(len, ==, 6 + 4 + 6 + 3);
    g_assert_cmpuint(proto_encode_user_entries(ids, names, 2, entries, len - 1), ==, 0);
    in = (struct proto_msg){ PROTO_ROOM_MEMBERS, .u.room_members = {
        12, PROTO_MEMBER_OFFLINE, { 2, entries, len } } };
    roundtrip(&in, &out);
    g_assert_cmpuint(out.u.room_members.room_id, ==, 12);
    g_assert_cmpuint(out.u.room_members.state, ==, PROTO_MEMBER_OFFLINE);
    size_t cursor = 0;
    struct proto_user user;
    g_assert_true(proto_users_next(&out.u.room_members.users, &cursor, &user));
    g_assert_cmpuint(user.id, ==, 4);
    assert_str(user.name, proto_str_of("dora"));
    g_assert_true(proto_users_next(&out.u.room_members.users, &cursor, &user));
    g_assert_cmpuint(user.id, ==, 70000);
    g_assert_false(proto_users_next(&out.u.room_members.users, &cursor, &user));

    in = (struct proto_msg){ PROTO_BLOCK, .u.block = { 10, 1, proto_str_of("mallory") } };
    roundtrip(&in, &out);
    g_assert_cmpuint(out.u.block.blocked, ==, 1);
    assert_str(out.u.block.username, proto_str_of("mallory"));
}

/* ---- Streams split anywhere ---- */

/* Feeds stream in pieces (piece(i) bytes each; 0 = all at once), taking frames out
 * after every feed, and checks they re-encode to the frames that made the stream. */
static void decode_stream(GPtrArray *frames, const GByteArray *stream, gboolean random_pieces,
                          size_t piece)
{
    struct proto_decoder d;
    proto_decoder_init(&d, PROTO_MAX_PAYLOAD);
    size_t at = 0, got = 0;
    while (at < stream->len) {
        size_t n = random_pieces ? (size_t)g_test_rand_int_range(1, 3000) : piece ? piece : stream->len;
        n = MIN(n, stream->len - at);
        proto_decoder_feed(&d, stream->data + at, n);
        at += n;
        struct proto_msg msg;
        enum proto_status st;
        while ((st = proto_decoder_next(&d, &msg)) == PROTO_OK) {
            g_assert_cmpuint(got, <, frames->len);
            GBytes *want = frames->pdata[got];
            assert_encodes_to(&msg, g_bytes_get_data(want, NULL), g_bytes_get_size(want));
            got++;
        }
        g_assert_cmpint(st, ==, PROTO_NEED_MORE);
    }
    g_assert_cmpuint(got, ==, frames->len);
    g_assert_cmpuint(proto_decoder_pending(&d), ==, 0);
    g_assert_null(d.buf); /* drained: the last NEED_MORE released the buffer */
    proto_decoder_free(&d);
}

static void test_stream_splits(void)
{
    GPtrArray *samples = sample_frames(), *frames = g_ptr_array_new();
    GByteArray *stream = g_byte_array_new();
    for (int round = 0; round < 4; round++) {
        for (guint i = 0; i < samples->len; i++) {
            GBytes *f = samples->pdata[(i * 7 + round) % samples->len];
            g_ptr_array_add(frames, f);
            g_byte_array_append(stream, g_bytes_get_data(f, NULL), (guint)g_bytes_get_size(f));
        }
    }
    decode_stream(frames, stream, FALSE, 0);
    decode_stream(frames, stream, FALSE, 1);
    decode_stream(frames, stream, FALSE, 7);
    for (int i = 0; i < 20; i++)
        decode_stream(frames, stream, TRUE, 0);
    g_byte_array_unref(stream);
    g_ptr_array_unref(frames);
}

/* The decoder reserves a frame's room once its header passed, frees when drained. */
static void test_decoder_buffer(void)
{
    static uint8_t frame[PROTO_HEADER_SIZE + PROTO_CHUNK_PREFIX + PROTO_MAX_CHUNK];
    size_t size = proto_encode_chunk_prefix(PROTO_FILE_CHUNK, 1, 0, PROTO_MAX_CHUNK, frame);
    g_assert_cmpuint(size, ==, sizeof frame);
    struct proto_decoder d;
    struct proto_msg msg;
    proto_decoder_init(&d, UINT32_MAX);
    g_assert_cmpuint(d.max_payload, ==, PROTO_MAX_PAYLOAD);
    g_assert_cmpint(proto_decoder_next(&d, &msg), ==, PROTO_NEED_MORE);
    g_assert_null(d.buf);

    g_assert_cmpuint(proto_decoder_peek_type(&d), ==, 0);
    proto_decoder_feed(&d, frame, 5);
    g_assert_cmpuint(d.cap, <, 4096); /* no header yet: nothing reserved */
    g_assert_cmpuint(proto_decoder_peek_type(&d), ==, 0);
    proto_decoder_feed(&d, frame + 5, 4);
    g_assert_cmpuint(d.cap, >=, size);
    g_assert_cmpuint(proto_decoder_peek_type(&d), ==, PROTO_FILE_CHUNK); /* payload unread */
    const uint8_t *buf = d.buf;
    for (size_t at = 9; at < size; at += 1000) {
        g_assert_cmpint(proto_decoder_next(&d, &msg), ==, PROTO_NEED_MORE);
        proto_decoder_feed(&d, frame + at, MIN(1000, size - at));
        g_assert_true(d.buf == buf); /* filled in place */
    }
    g_assert_cmpuint(proto_decoder_pending(&d), ==, size);
    g_assert_cmpint(proto_decoder_next(&d, &msg), ==, PROTO_OK);
    g_assert_cmpuint(msg.u.chunk.len, ==, PROTO_MAX_CHUNK);
    g_assert_nonnull(d.buf);
    g_assert_cmpint(proto_decoder_next(&d, &msg), ==, PROTO_NEED_MORE);
    g_assert_null(d.buf);
    g_assert_cmpuint(d.cap, ==, 0);
    proto_decoder_free(&d);
}

/* A LOGIN taken out and wiped leaves no byte of its password in the buffer, and the
 * frame behind it still decodes. */
static void test_decoder_wipes_a_password(void)
{
    static const char secret[] = "correct horse battery staple";
    struct proto_msg login = { PROTO_LOGIN, .u.login = { 1, 0, proto_str_of("alice"),
                                                         proto_str_of(secret), proto_str_of("") } };
    struct proto_msg ping = { PROTO_PING, .u.token = 42 };
    uint8_t bytes[2 * 512];
    size_t first = proto_encode(&login, bytes);
    size_t total = first + proto_encode(&ping, bytes + first);
    struct proto_decoder d;
    struct proto_msg msg;
    proto_decoder_init(&d, PROTO_MAX_PAYLOAD);
    proto_decoder_feed(&d, bytes, total);
    g_assert_cmpint(proto_decoder_next(&d, &msg), ==, PROTO_OK);
    g_assert_cmpuint(msg.type, ==, PROTO_LOGIN);
    g_assert_nonnull(memmem(d.buf, d.len, secret, strlen(secret)));
    proto_decoder_wipe_taken(&d, first);
    g_assert_null(memmem(d.buf, d.len, secret, strlen(secret)));
    g_assert_cmpint(proto_decoder_next(&d, &msg), ==, PROTO_OK);
    g_assert_cmpuint(msg.type, ==, PROTO_PING);
    g_assert_cmpuint(msg.u.token, ==, 42);
    proto_decoder_free(&d);
}

/* ---- Names and texts ---- */

static void test_names_and_texts(void)
{
    g_assert_cmpstr(proto_type_name(PROTO_HELLO), ==, "HELLO");
    g_assert_cmpstr(proto_type_name(PROTO_TEXT_SEND), ==, "TEXT_SEND");
    g_assert_cmpstr(proto_type_name(PROTO_DOWNLOAD_CANCEL), ==, "DOWNLOAD_CANCEL");
    g_assert_cmpstr(proto_type_name(PROTO_USER_ROLE), ==, "USER_ROLE");
    for (uint16_t code = PROTO_E_MALFORMED; code <= PROTO_E_DUPLICATE_ID; code++)
        g_assert_cmpstr(proto_error_text(code), !=, "unknown error");
    for (uint16_t code = PROTO_E_WRONG_PASSWORD; code <= PROTO_E_SESSION_REPLACED; code++)
        g_assert_cmpstr(proto_error_text(code), !=, "unknown error");
    g_assert_cmpstr(proto_error_text(PROTO_E_TLS_REQUIRED), !=, "unknown error");
    g_assert_cmpstr(proto_error_text(0), ==, "unknown error");
    g_assert_cmpstr(proto_error_text(PROTO_E_TLS_REQUIRED + 1), ==, "unknown error");
    g_assert_cmpstr(proto_error_text(UINT16_MAX), ==, "unknown error");
    for (int st = PROTO_OK; st <= PROTO_ERR_BAD_FIELD; st++)
        g_assert_cmpstr(proto_status_text(st), !=, "unknown status");

    g_assert_cmpuint(proto_str_of("").len, ==, 0);
    g_assert_true(proto_str_eq(proto_str_of("abc"), (struct proto_str){ "abcdef", 3 }));
    g_assert_false(proto_str_eq(proto_str_of("abc"), proto_str_of("abd")));
    g_assert_false(proto_str_eq(proto_str_of("abc"), proto_str_of("ab")));
    g_assert_true(proto_str_eq((struct proto_str){ NULL, 0 }, proto_str_of("")));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/protocol/roundtrip/session", test_roundtrip_session);
    g_test_add_func("/protocol/roundtrip/chat", test_roundtrip_chat);
    g_test_add_func("/protocol/roundtrip/files", test_roundtrip_files);
    g_test_add_func("/protocol/roundtrip/users", test_roundtrip_users);
    g_test_add_func("/protocol/roundtrip/accounts", test_roundtrip_accounts);
    g_test_add_func("/protocol/roundtrip/rooms", test_roundtrip_rooms);
    g_test_add_func("/protocol/stream/splits", test_stream_splits);
    g_test_add_func("/protocol/stream/buffer", test_decoder_buffer);
    g_test_add_func("/protocol/stream/wipe", test_decoder_wipes_a_password);
    g_test_add_func("/protocol/names", test_names_and_texts);
    return g_test_run();
}
