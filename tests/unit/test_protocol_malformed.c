/* Unit tests of the wire codec on malformed input: every bad payload or header is an
 * error value, never a crash or a read outside the payload. Payloads under test live in
 * buffers of their exact size, so AddressSanitizer catches any read past the end. */
#include "tests/unit/proto_fixtures.h"

/* ---- Helpers ---- */

/* Decodes a payload copied into a buffer of exactly len bytes. */
static enum proto_status decode_exact(uint16_t type, const uint8_t *payload, size_t len)
{
    uint8_t *copy = g_memdup2(payload, len);
    struct proto_msg msg;
    enum proto_status st = proto_decode_payload(type, copy, len, &msg);
    g_assert_cmpuint(msg.type, ==, type);
    g_free(copy);
    return st;
}

/* Payload builder for hand-made (often malformed) payloads. */
static void put_be(GByteArray *b, uint64_t v, size_t n)
{
    for (size_t i = n; i-- > 0;) {
        uint8_t byte = (uint8_t)(v >> (8 * i));
        g_byte_array_append(b, &byte, 1);
    }
}

static void put_str(GByteArray *b, const char *s, size_t len)
{
    put_be(b, len, 2);
    g_byte_array_append(b, (const uint8_t *)s, (guint)len);
}

static enum proto_status decode_built(uint16_t type, GByteArray *b)
{
    enum proto_status st = decode_exact(type, b->data, b->len);
    g_byte_array_unref(b);
    return st;
}

static uint16_t frame_type(GBytes *frame)
{
    const uint8_t *b = g_bytes_get_data(frame, NULL);
    return (uint16_t)(b[4] << 8 | b[5]);
}

static bool is_chunk(uint16_t type)
{
    return type == PROTO_FILE_CHUNK || type == PROTO_DOWNLOAD_CHUNK;
}

/* ---- Malformed input ---- */

static void test_truncated_and_trailing(void)
{
    GPtrArray *frames = sample_frames();
    for (guint i = 0; i < frames->len; i++) {
        size_t size;
        const uint8_t *f = g_bytes_get_data(frames->pdata[i], &size);
        const uint8_t *payload = f + PROTO_HEADER_SIZE;
        size_t len = size - PROTO_HEADER_SIZE;
        uint16_t type = frame_type(frames->pdata[i]);
        size_t whole = is_chunk(type) ? PROTO_CHUNK_PREFIX : len;
        for (size_t cut = 0; cut < whole; cut++)
            g_assert_cmpint(decode_exact(type, payload, cut), ==, PROTO_ERR_TRUNCATED);
        if (is_chunk(type)) {
            g_assert_cmpint(decode_exact(type, payload, whole), ==, PROTO_ERR_BAD_FIELD);
            continue;
        }
        uint8_t *longer = g_malloc(len + 1);
        memcpy(longer, payload, len);
        longer[len] = 0;
        g_assert_cmpint(decode_exact(type, longer, len + 1), ==, PROTO_ERR_TRAILING);
        g_free(longer);
    }

    /* Through the decoder a malformed frame is consumed whole and the stream goes on. */
    const uint8_t bad[] = { 0, 0, 0, 9, 0, 4, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
                            0, 0, 0, 8, 0, 5, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 };
    struct proto_decoder d;
    struct proto_msg msg;
    proto_decoder_init(&d, PROTO_MAX_PAYLOAD);
    proto_decoder_feed(&d, bad, sizeof bad);
    g_assert_cmpint(proto_decoder_next(&d, &msg), ==, PROTO_ERR_TRAILING);
    g_assert_cmpuint(msg.type, ==, PROTO_PING);
    g_assert_cmpint(proto_decoder_next(&d, &msg), ==, PROTO_OK);
    g_assert_cmpuint(msg.type, ==, PROTO_PONG);
    g_assert_cmpuint(msg.u.token, ==, 0x0102030405060708u);
    proto_decoder_free(&d);
}

/* A header-level refusal: after 8 bytes, nothing more is ever stored. */
static void assert_header_refused(const uint8_t header[PROTO_HEADER_SIZE], enum proto_status want)
{
    static const uint8_t ping[] = { 0, 0, 0, 8, 0, 4, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 };
    static uint8_t junk[70000];
    struct proto_decoder d;
    struct proto_msg msg;

    proto_decoder_init(&d, PROTO_MAX_PAYLOAD);
    proto_decoder_feed(&d, header, PROTO_HEADER_SIZE);
    g_assert_cmpint(proto_decoder_next(&d, &msg), ==, want);
    g_assert_cmpuint(msg.type, ==, 0);
    g_assert_cmpuint(d.cap, <, 4096);
    proto_decoder_feed(&d, junk, sizeof junk);
    g_assert_cmpuint(proto_decoder_pending(&d), ==, PROTO_HEADER_SIZE);
    g_assert_cmpint(proto_decoder_next(&d, &msg), ==, want); /* the stream stays stopped */
    proto_decoder_free(&d);

    /* The same when the bad header arrives after a good frame, with junk, in one piece. */
    GByteArray *b = g_byte_array_new();
    g_byte_array_append(b, ping, sizeof ping);
    g_byte_array_append(b, header, PROTO_HEADER_SIZE);
    g_byte_array_append(b, junk, sizeof junk);
    proto_decoder_init(&d, PROTO_MAX_PAYLOAD);
    proto_decoder_feed(&d, b->data, b->len);
    g_assert_cmpuint(proto_decoder_pending(&d), ==, sizeof ping + PROTO_HEADER_SIZE);
    g_assert_cmpint(proto_decoder_next(&d, &msg), ==, PROTO_OK);
    g_assert_cmpint(proto_decoder_next(&d, &msg), ==, want);
    g_assert_cmpuint(msg.type, ==, 0);
    proto_decoder_free(&d);
    g_byte_array_unref(b);
}

static void test_header_refusals(void)
{
    const uint8_t at_limit[] = { 0x00, 0x02, 0x00, 0x00, 0x01, 0x00, 0, 0 };
    const uint8_t over_limit[] = { 0x00, 0x02, 0x00, 0x01, 0x01, 0x00, 0, 0 };
    const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff, 0x02, 0x02, 0, 0 };
    const uint8_t flags_low[] = { 0, 0, 0, 8, 0, 4, 0, 1 };
    const uint8_t flags_high[] = { 0, 0, 0, 8, 0, 4, 0x80, 0 };
    uint32_t len;
    uint16_t type;
    g_assert_cmpint(proto_header_read(at_limit, PROTO_MAX_PAYLOAD, &len, &type), ==, PROTO_OK);
    g_assert_cmpuint(len, ==, PROTO_MAX_PAYLOAD);
    g_assert_cmpuint(type, ==, PROTO_TEXT_SEND);
    g_assert_cmpint(proto_header_read(at_limit, 1000, &len, &type), ==, PROTO_ERR_TOO_LARGE);
    g_assert_cmpint(proto_header_read(over_limit, PROTO_MAX_PAYLOAD, &len, &type), ==,
                    PROTO_ERR_TOO_LARGE);
    g_assert_cmpint(proto_header_read(flags_high, PROTO_MAX_PAYLOAD, &len, &type), ==,
                    PROTO_ERR_BAD_FIELD);
    assert_header_refused(over_limit, PROTO_ERR_TOO_LARGE);
    assert_header_refused(huge, PROTO_ERR_TOO_LARGE);
    assert_header_refused(flags_low, PROTO_ERR_BAD_FIELD);
    assert_header_refused(flags_high, PROTO_ERR_BAD_FIELD);

    /* A server may set a smaller limit than the wire format's. */
    struct proto_decoder d;
    struct proto_msg msg;
    proto_decoder_init(&d, 100);
    GBytes *text = encode(&(struct proto_msg){ PROTO_TEXT_SEND,
                                               .u.text_send = { 1, 0, repeat("t", 200) } });
    proto_decoder_feed(&d, g_bytes_get_data(text, NULL), g_bytes_get_size(text));
    g_assert_cmpint(proto_decoder_next(&d, &msg), ==, PROTO_ERR_TOO_LARGE);
    g_assert_cmpuint(proto_decoder_pending(&d), ==, PROTO_HEADER_SIZE);
    proto_decoder_free(&d);
}

static void test_unknown_type(void)
{
    const uint8_t stream[] = { 0, 0, 0, 5, 0x09, 0x99, 0, 0, 'a', 'b', 'c', 'd', 'e',
                               0, 0, 0, 0, 0, 0, 0, 0,
                               0, 0, 0, 8, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 42 };
    struct proto_decoder d;
    struct proto_msg msg;
    proto_decoder_init(&d, PROTO_MAX_PAYLOAD);
    for (size_t i = 0; i < sizeof stream; i++)
        proto_decoder_feed(&d, stream + i, 1);
    g_assert_cmpint(proto_decoder_next(&d, &msg), ==, PROTO_ERR_UNKNOWN_TYPE);
    g_assert_cmpuint(msg.type, ==, 0x0999);
    g_assert_cmpint(proto_decoder_next(&d, &msg), ==, PROTO_ERR_UNKNOWN_TYPE);
    g_assert_cmpuint(msg.type, ==, 0); /* type 0 is no frame type; its header is fine */
    g_assert_cmpint(proto_decoder_next(&d, &msg), ==, PROTO_OK);
    g_assert_cmpuint(msg.type, ==, PROTO_PING);
    g_assert_cmpuint(msg.u.token, ==, 42);
    proto_decoder_free(&d);

    g_assert_null(proto_type_name(0x0999));
    g_assert_cmpuint(proto_frame_size(&(struct proto_msg){ .type = 0x03FF }), ==, 0);
    uint8_t out[64];
    g_assert_cmpuint(proto_encode(&(struct proto_msg){ .type = 0 }, out), ==, 0);
}

static void test_utf8(void)
{
    const char *good[] = {
        "", "plain ascii, long enough to take the word-at-a-time path",
        "\xc2\x80", "\xdf\xbf", "h\xc3\xa9llo", "\xe0\xa0\x80", "\xe2\x82\xac",
        "\xed\x9f\xbf" /* U+D7FF */, "\xee\x80\x80" /* U+E000 */, "\xef\xbf\xbf",
        "\xf0\x90\x80\x80", EMOJI WAVE, "\xf4\x8f\xbf\xbf" /* U+10FFFF */,
        "1234567" EMOJI "12345678", "tab\tand\nnewline",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(good); i++)
        g_assert_true(proto_utf8_valid(good[i], strlen(good[i])));
    g_assert_true(proto_utf8_valid(NULL, 0));

    const struct { const char *bytes; size_t len; } bad[] = {
        { "\xc0\x80", 2 },             /* overlong NUL */
        { "\xc1\xbf", 2 },             /* overlong two-byte */
        { "\xe0\x80\x80", 3 },         /* overlong three-byte */
        { "\xe0\x9f\xbf", 3 },
        { "\xf0\x80\x80\x80", 4 },     /* overlong four-byte */
        { "\xf0\x8f\xbf\xbf", 4 },
        { "\xed\xa0\x80", 3 },         /* high surrogate U+D800 */
        { "\xed\xbf\xbf", 3 },         /* low surrogate U+DFFF */
        { "\xf4\x90\x80\x80", 4 },     /* U+110000 */
        { "\xf5\x80\x80\x80", 4 },
        { "\xff", 1 }, { "\xfe", 1 },
        { "\x80", 1 }, { "a\xbf" "b", 3 }, /* lone continuation bytes */
        { "\xe2\x82", 2 },             /* cut short */
        { "\xe2\x82z", 3 },            /* continuation missing */
        { "\xf0\x9f\x98", 3 },
        { "a\0b", 3 },                 /* NUL */
        { "abcdefg\0hijklmno", 16 },   /* NUL inside an otherwise ASCII word */
        { "abcdefghijklmno\x80", 16 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        char *exact = g_memdup2(bad[i].bytes, bad[i].len);
        g_assert_false(proto_utf8_valid(exact, bad[i].len));
        /* The same string in a TEXT_SEND is refused by the decoder. */
        GByteArray *b = g_byte_array_new();
        put_be(b, 1, 8);
        put_be(b, 0, 4);
        put_str(b, exact, bad[i].len);
        g_assert_cmpint(decode_built(PROTO_TEXT_SEND, b), ==, PROTO_ERR_BAD_UTF8);
        g_free(exact);
    }

    GByteArray *b = g_byte_array_new(); /* a NUL in a username */
    put_be(b, 1, 2);
    put_be(b, 0, 4);
    put_str(b, "al\0ce", 5);
    put_str(b, "", 0);
    g_assert_cmpint(decode_built(PROTO_HELLO, b), ==, PROTO_ERR_BAD_UTF8);
}

static void test_chunk_limits(void)
{
    static uint8_t frame[PROTO_HEADER_SIZE + PROTO_CHUNK_PREFIX + PROTO_MAX_CHUNK + 1];
    const uint8_t *payload = frame + PROTO_HEADER_SIZE;
    g_assert_cmpuint(proto_encode_chunk_prefix(PROTO_FILE_CHUNK, 1, 0, 0, frame), ==, 0);
    g_assert_cmpuint(proto_encode_chunk_prefix(PROTO_FILE_CHUNK, 1, 0, PROTO_MAX_CHUNK + 1, frame), ==, 0);
    g_assert_cmpuint(proto_encode_chunk_prefix(PROTO_TEXT, 1, 0, 1, frame), ==, 0);
    g_assert_cmpuint(proto_encode_chunk_prefix(PROTO_DOWNLOAD_CHUNK, 1, FIVE_GIB, PROTO_MAX_CHUNK, frame),
                     ==, sizeof frame - 1);

    g_assert_cmpint(decode_exact(PROTO_DOWNLOAD_CHUNK, payload, PROTO_CHUNK_PREFIX + PROTO_MAX_CHUNK),
                    ==, PROTO_OK);
    g_assert_cmpint(decode_exact(PROTO_DOWNLOAD_CHUNK, payload, PROTO_CHUNK_PREFIX + PROTO_MAX_CHUNK + 1),
                    ==, PROTO_ERR_TOO_LARGE);
    g_assert_cmpint(decode_exact(PROTO_FILE_CHUNK, payload, PROTO_CHUNK_PREFIX), ==, PROTO_ERR_BAD_FIELD);

    struct proto_msg m = { PROTO_FILE_CHUNK, .u.chunk = { 1, 0, payload, 0 } };
    g_assert_cmpuint(proto_frame_size(&m), ==, 0);
    m.u.chunk.len = PROTO_MAX_CHUNK + 1;
    g_assert_cmpuint(proto_frame_size(&m), ==, 0);
    g_assert_cmpuint(proto_encode(&m, frame), ==, 0);

    /* Over the chunk cap but within the frame limit: consumed, and the stream goes on. */
    struct proto_decoder d;
    struct proto_msg msg;
    proto_decoder_init(&d, PROTO_MAX_PAYLOAD);
    frame[3] += 1; /* declare the extra data byte */
    proto_decoder_feed(&d, frame, sizeof frame);
    g_assert_cmpint(proto_decoder_next(&d, &msg), ==, PROTO_ERR_TOO_LARGE);
    g_assert_cmpuint(msg.type, ==, PROTO_DOWNLOAD_CHUNK);
    g_assert_cmpuint(proto_decoder_pending(&d), ==, 0);
    proto_decoder_free(&d);
}

static void test_users_malformed(void)
{
    GByteArray *b = g_byte_array_new();
    put_be(b, PROTO_MAX_USERS_PER_FRAME + 1, 2);
    for (guint i = 0; i <= PROTO_MAX_USERS_PER_FRAME; i++) {
        put_be(b, i, 4);
        put_str(b, "u", 1);
    }
    g_assert_cmpint(decode_built(PROTO_USER_LIST, b), ==, PROTO_ERR_TOO_LARGE);

    b = g_byte_array_new(); /* says two, holds one */
    put_be(b, 2, 2);
    put_be(b, 1, 4);
    put_str(b, "bob", 3);
    g_assert_cmpint(decode_built(PROTO_USER_JOINED, b), ==, PROTO_ERR_TRUNCATED);

    b = g_byte_array_new(); /* second entry's name is bad UTF-8 */
    put_be(b, 2, 2);
    put_be(b, 1, 4);
    put_str(b, "bob", 3);
    put_be(b, 2, 4);
    put_str(b, "\xed\xa0\x80", 3);
    g_assert_cmpint(decode_built(PROTO_USER_LEFT, b), ==, PROTO_ERR_BAD_UTF8);

    struct proto_str long_name = repeat("n", PROTO_MAX_NAME_BYTES + 1);
    b = g_byte_array_new();
    put_be(b, 1, 2);
    put_be(b, 1, 4);
    put_str(b, long_name.ptr, long_name.len);
    g_assert_cmpint(decode_built(PROTO_USER_LIST, b), ==, PROTO_ERR_TOO_LARGE);
}

/* For one string field: cap bytes encode and decode; cap + 1 the encoder refuses, and
 * the same frame made by hand (one more byte spliced in) the decoder refuses. */
static void check_cap(struct proto_msg *m, struct proto_str *field, size_t cap)
{
    *field = repeat("a", cap);
    size_t size;
    const uint8_t *f = g_bytes_get_data(encode(m), &size);
    uint8_t prefix[2] = { (uint8_t)(cap >> 8), (uint8_t)cap };
    const uint8_t *at = memmem(f, size, prefix, 2);
    while (at != NULL && (at + 2 + cap > f + size || memcmp(at + 2, field->ptr, cap) != 0))
        at = memmem(at + 1, size - (size_t)(at + 1 - f), prefix, 2);
    g_assert_nonnull(at);
    size_t before = (size_t)(at - f) - PROTO_HEADER_SIZE;
    GByteArray *b = g_byte_array_new();
    g_byte_array_append(b, f + PROTO_HEADER_SIZE, (guint)before);
    put_str(b, repeat("a", cap + 1).ptr, cap + 1);
    g_byte_array_append(b, at + 2 + cap, (guint)(f + size - (at + 2 + cap)));
    g_assert_cmpint(decode_built(m->type, b), ==, PROTO_ERR_TOO_LARGE);

    *field = repeat("a", cap + 1);
    uint8_t out[16];
    g_assert_cmpuint(proto_frame_size(m), ==, 0);
    g_assert_cmpuint(proto_encode(m, out), ==, 0);
}

static void test_string_caps(void)
{
    struct proto_msg m = { PROTO_HELLO, .u.hello = { 1, 0, proto_str_of("bob"), proto_str_of("x") } };
    check_cap(&m, &m.u.hello.username, PROTO_MAX_NAME_BYTES);
    m.u.hello.username = proto_str_of("bob");
    check_cap(&m, &m.u.hello.agent, PROTO_MAX_AGENT);
    m = (struct proto_msg){ PROTO_WELCOME, .u.welcome = { .version = 1 } };
    check_cap(&m, &m.u.welcome.username, PROTO_MAX_NAME_BYTES);
    m = (struct proto_msg){ PROTO_ERROR, .u.error = { .code = PROTO_E_INTERNAL } };
    check_cap(&m, &m.u.error.message, PROTO_MAX_REASON);
    m = (struct proto_msg){ .type = PROTO_GOODBYE };
    check_cap(&m, &m.u.reason, PROTO_MAX_REASON);
    m = (struct proto_msg){ .type = PROTO_SHUTDOWN };
    check_cap(&m, &m.u.reason, PROTO_MAX_REASON);
    m = (struct proto_msg){ PROTO_TEXT_SEND, .u.text_send = { .client_id = 1 } };
    check_cap(&m, &m.u.text_send.text, PROTO_MAX_TEXT);
    m = (struct proto_msg){ PROTO_TEXT, .u.text = { .sender = proto_str_of("bob") } };
    check_cap(&m, &m.u.text.text, PROTO_MAX_TEXT);
    m.u.text.text = proto_str_of("hi");
    check_cap(&m, &m.u.text.sender, PROTO_MAX_NAME_BYTES);
    m = (struct proto_msg){ PROTO_FILE_OFFER, .u.offer = { .size = 1 } };
    check_cap(&m, &m.u.offer.name, PROTO_MAX_FILENAME_BYTES);
    m = (struct proto_msg){ PROTO_FILE_ANNOUNCE, .u.announce = { .uploader = proto_str_of("bob") } };
    check_cap(&m, &m.u.announce.name, PROTO_MAX_FILENAME_BYTES);
    m.u.announce.name = proto_str_of("f");
    check_cap(&m, &m.u.announce.uploader, PROTO_MAX_NAME_BYTES);
    m = (struct proto_msg){ PROTO_DOWNLOAD_START, .u.download_start = { .size = 1 } };
    check_cap(&m, &m.u.download_start.name, PROTO_MAX_FILENAME_BYTES);
}

static void test_account_string_caps(void)
{
    struct proto_str x = proto_str_of("x");
    struct proto_msg m = { PROTO_REGISTER, .u.reg = { 1, 0, x, x, x, x } };
    check_cap(&m, &m.u.reg.username, PROTO_MAX_NAME_BYTES);
    m.u.reg.username = x;
    check_cap(&m, &m.u.reg.password, PROTO_MAX_PASSWORD);
    m.u.reg.password = x;
    check_cap(&m, &m.u.reg.invite, PROTO_MAX_INVITE);
    m.u.reg.invite = x;
    check_cap(&m, &m.u.reg.agent, PROTO_MAX_AGENT);
    m = (struct proto_msg){ PROTO_LOGIN, .u.login = { 1, 0, x, x, x } };
    check_cap(&m, &m.u.login.username, PROTO_MAX_NAME_BYTES);
    m.u.login.username = x;
    check_cap(&m, &m.u.login.password, PROTO_MAX_PASSWORD);
    m.u.login.password = x;
    check_cap(&m, &m.u.login.agent, PROTO_MAX_AGENT);
    m = (struct proto_msg){ PROTO_LOGIN_TOKEN, .u.login_token = { .version = 1 } };
    check_cap(&m, &m.u.login_token.agent, PROTO_MAX_AGENT);
    m = (struct proto_msg){ PROTO_SESSION, .u.session = { .role = PROTO_ROLE_ADMIN } };
    check_cap(&m, &m.u.session.username, PROTO_MAX_NAME_BYTES);
    m = (struct proto_msg){ PROTO_PASSWORD_CHANGE, .u.password_change = { 1, x, x } };
    check_cap(&m, &m.u.password_change.old_password, PROTO_MAX_PASSWORD);
    m.u.password_change.old_password = x;
    check_cap(&m, &m.u.password_change.new_password, PROTO_MAX_PASSWORD);
    m = (struct proto_msg){ PROTO_INVITE, .u.invite = { .request_id = 1 } };
    check_cap(&m, &m.u.invite.code, PROTO_MAX_INVITE);
    m = (struct proto_msg){ PROTO_MODERATE, .u.moderate = { 1, PROTO_MOD_BAN, 0, x, x } };
    check_cap(&m, &m.u.moderate.target, PROTO_MAX_NAME_BYTES);
    m.u.moderate.target = x;
    check_cap(&m, &m.u.moderate.reason, PROTO_MAX_REASON);
    m = (struct proto_msg){ PROTO_NOTICE, .u.notice = { 1, PROTO_MOD_BAN, 0, x, x, x } };
    check_cap(&m, &m.u.notice.actor, PROTO_MAX_NAME_BYTES);
    m.u.notice.actor = x;
    check_cap(&m, &m.u.notice.target, PROTO_MAX_NAME_BYTES);
    m.u.notice.target = x;
    check_cap(&m, &m.u.notice.reason, PROTO_MAX_REASON);
}

static void test_room_string_caps(void)
{
    struct proto_str x = proto_str_of("x");
    struct proto_msg m = { PROTO_ROOM_CREATE, .u.room_create = { 1, PROTO_ROOM_PUBLIC, x, x } };
    check_cap(&m, &m.u.room_create.name, PROTO_MAX_NAME_BYTES);
    m.u.room_create.name = x;
    check_cap(&m, &m.u.room_create.topic, PROTO_MAX_TOPIC);
    m = (struct proto_msg){ PROTO_ROOM_JOIN, .u.room_join = { 1, x } };
    check_cap(&m, &m.u.room_join.name, PROTO_MAX_NAME_BYTES);
    m = (struct proto_msg){ PROTO_ROOM_TOPIC_SET, .u.room_topic_set = { 1, 2, x } };
    check_cap(&m, &m.u.room_topic_set.topic, PROTO_MAX_TOPIC);
    m = (struct proto_msg){ PROTO_ROOM_INVITE, .u.room_invite = { 1, 2, x } };
    check_cap(&m, &m.u.room_invite.username, PROTO_MAX_NAME_BYTES);
    m = (struct proto_msg){ PROTO_DIRECT_SEND, .u.direct_send = { 1, x, x } };
    check_cap(&m, &m.u.direct_send.username, PROTO_MAX_NAME_BYTES);
    m.u.direct_send.username = x;
    check_cap(&m, &m.u.direct_send.text, PROTO_MAX_TEXT);
    m = (struct proto_msg){ PROTO_BLOCK, .u.block = { 1, 1, x } };
    check_cap(&m, &m.u.block.username, PROTO_MAX_NAME_BYTES);
    m = (struct proto_msg){ PROTO_ROOM_INFO, .u.room_info = { 1, 2, 0, 0, 3, x, x } };
    check_cap(&m, &m.u.room_info.name, PROTO_MAX_NAME_BYTES);
    m.u.room_info.name = x;
    check_cap(&m, &m.u.room_info.topic, PROTO_MAX_TOPIC);
    m = (struct proto_msg){ PROTO_ROOM_STATE, .u.room_state = { 1, 0, 0, x, x } };
    check_cap(&m, &m.u.room_state.name, PROTO_MAX_NAME_BYTES);
    m.u.room_state.name = x;
    check_cap(&m, &m.u.room_state.topic, PROTO_MAX_TOPIC);
    m = (struct proto_msg){ PROTO_ROOM_TOPIC, .u.room_topic = { 1, 2, x, x } };
    check_cap(&m, &m.u.room_topic.actor, PROTO_MAX_NAME_BYTES);
    m.u.room_topic.actor = x;
    check_cap(&m, &m.u.room_topic.topic, PROTO_MAX_TOPIC);
    m = (struct proto_msg){ PROTO_ROOM_INVITED, .u.room_invited = { 1, x, x, x } };
    check_cap(&m, &m.u.room_invited.inviter, PROTO_MAX_NAME_BYTES);
    m.u.room_invited.inviter = x;
    check_cap(&m, &m.u.room_invited.name, PROTO_MAX_NAME_BYTES);
    m.u.room_invited.name = x;
    check_cap(&m, &m.u.room_invited.topic, PROTO_MAX_TOPIC);
}

/* The cluster's events (read from Redis, trusted no more than a client's frames). */
static void test_event_string_caps(void)
{
    struct proto_str x = proto_str_of("x");
    struct proto_msg m = { PROTO_EVENT_TEXT, .u.event_text = { .sender = x, .text = x } };
    check_cap(&m, &m.u.event_text.sender, PROTO_MAX_NAME_BYTES);
    m.u.event_text.sender = x;
    check_cap(&m, &m.u.event_text.text, PROTO_MAX_TEXT);
    m = (struct proto_msg){ PROTO_EVENT_EDIT, .u.event_change = { .actor = x, .text = x } };
    check_cap(&m, &m.u.event_change.actor, PROTO_MAX_NAME_BYTES);
    m.u.event_change.actor = x;
    check_cap(&m, &m.u.event_change.text, PROTO_MAX_TEXT);
    m.type = PROTO_EVENT_REACT;
    check_cap(&m, &m.u.event_change.text, PROTO_MAX_EMOJI);
    m = (struct proto_msg){ PROTO_EVENT_DELETE, .u.event_change = { .actor = x } };
    check_cap(&m, &m.u.event_change.actor, PROTO_MAX_NAME_BYTES);
}

/* ROOM_MEMBERS and ROOM_PRESENCE check their user lists like USER_LIST: a count over the
 * cap, an entry cut short, or a name that is not UTF-8 is refused. */
static void test_room_members_malformed(void)
{
    GByteArray *b = g_byte_array_new();
    put_be(b, 5, 4);
    put_be(b, PROTO_MEMBER_ONLINE, 2);
    put_be(b, PROTO_MAX_USERS_PER_FRAME + 1, 2);
    g_assert_cmpint(decode_built(PROTO_ROOM_MEMBERS, b), ==, PROTO_ERR_TOO_LARGE);
    b = g_byte_array_new();
    put_be(b, 5, 4);
    put_be(b, PROTO_MEMBER_JOINED, 2);
    put_be(b, 2, 2);
    put_be(b, 1, 4);
    put_str(b, "bob", 3);
    g_assert_cmpint(decode_built(PROTO_ROOM_PRESENCE, b), ==, PROTO_ERR_TRUNCATED);
    b = g_byte_array_new();
    put_be(b, 5, 4);
    put_be(b, PROTO_MEMBER_LEFT, 2);
    put_be(b, 1, 2);
    put_be(b, 1, 4);
    put_str(b, "b\xc0", 2);
    g_assert_cmpint(decode_built(PROTO_ROOM_PRESENCE, b), ==, PROTO_ERR_BAD_UTF8);
}

/* A refused frame still names the request it was: the fields before the bad one are
 * filled, and the stream goes on after it. */
static void test_refused_frame_keeps_ids(void)
{
    GByteArray *b = g_byte_array_new();
    put_be(b, 0, 4); /* header: length patched below */
    put_be(b, PROTO_TEXT_SEND, 2);
    put_be(b, 0, 2);
    put_be(b, 77, 8);
    put_be(b, 0, 4);
    struct proto_str over = repeat("a", PROTO_MAX_TEXT + 1);
    put_str(b, over.ptr, over.len);
    guint text_frame = b->len;
    put_be(b, PROTO_CHUNK_PREFIX, 4);
    put_be(b, PROTO_FILE_CHUNK, 2);
    put_be(b, 0, 2);
    put_be(b, 78, 8);
    put_be(b, FIVE_GIB, 8);
    uint32_t text_len = text_frame - PROTO_HEADER_SIZE;
    for (int i = 0; i < 4; i++)
        b->data[i] = (uint8_t)(text_len >> (24 - 8 * i));

    struct proto_decoder d;
    struct proto_msg msg;
    proto_decoder_init(&d, PROTO_MAX_PAYLOAD);
    proto_decoder_feed(&d, b->data, b->len);
    g_assert_cmpint(proto_decoder_next(&d, &msg), ==, PROTO_ERR_TOO_LARGE);
    g_assert_cmpuint(msg.type, ==, PROTO_TEXT_SEND);
    g_assert_cmpuint(msg.u.text_send.client_id, ==, 77);
    g_assert_cmpint(proto_decoder_next(&d, &msg), ==, PROTO_ERR_BAD_FIELD);
    g_assert_cmpuint(msg.type, ==, PROTO_FILE_CHUNK);
    g_assert_cmpuint(msg.u.chunk.id, ==, 78);
    g_assert_cmpuint(msg.u.chunk.offset, ==, FIVE_GIB);
    g_assert_cmpint(proto_decoder_next(&d, &msg), ==, PROTO_NEED_MORE);
    proto_decoder_free(&d);
    g_byte_array_unref(b);
}

/* Any single-byte change to a valid frame: the decoder answers with a status, reads
 * nothing outside the payload (ASan), and whatever it accepts re-encodes identically. */
static void test_mutations(void)
{
    GPtrArray *frames = sample_frames();
    const uint8_t xors[] = { 0x01, 0x80, 0xff };
    for (guint i = 0; i < frames->len; i++) {
        size_t size;
        const uint8_t *f = g_bytes_get_data(frames->pdata[i], &size);
        if (size > 4096)
            continue;
        size_t len = size - PROTO_HEADER_SIZE;
        uint16_t type = frame_type(frames->pdata[i]);
        for (size_t pos = 0; pos < len; pos++) {
            for (size_t x = 0; x < G_N_ELEMENTS(xors); x++) {
                uint8_t *payload = g_memdup2(f + PROTO_HEADER_SIZE, len);
                payload[pos] ^= xors[x];
                struct proto_msg msg;
                if (proto_decode_payload(type, payload, len, &msg) == PROTO_OK) {
                    uint8_t *frame = g_memdup2(f, size);
                    memcpy(frame + PROTO_HEADER_SIZE, payload, len);
                    assert_encodes_to(&msg, frame, size);
                    g_free(frame);
                }
                g_free(payload);
            }
        }
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/protocol/malformed/truncated-trailing", test_truncated_and_trailing);
    g_test_add_func("/protocol/malformed/header", test_header_refusals);
    g_test_add_func("/protocol/malformed/unknown-type", test_unknown_type);
    g_test_add_func("/protocol/malformed/utf8", test_utf8);
    g_test_add_func("/protocol/malformed/chunk", test_chunk_limits);
    g_test_add_func("/protocol/malformed/users", test_users_malformed);
    g_test_add_func("/protocol/malformed/string-caps", test_string_caps);
    g_test_add_func("/protocol/malformed/account-string-caps", test_account_string_caps);
    g_test_add_func("/protocol/malformed/room-string-caps", test_room_string_caps);
    g_test_add_func("/protocol/malformed/room-members", test_room_members_malformed);
    g_test_add_func("/protocol/malformed/event-string-caps", test_event_string_caps);
    g_test_add_func("/protocol/malformed/keeps-ids", test_refused_frame_keeps_ids);
    g_test_add_func("/protocol/malformed/mutations", test_mutations);
    return g_test_run();
}
