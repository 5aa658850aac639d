/* Every example frame in docs/PROTOCOL.md, byte for byte and in both directions: the
 * encoder produces exactly the documented bytes, and the decoder reads those bytes back
 * into a frame that encodes to them again. Each hex string below is one line of the
 * document's example, and the document is read (from the source tree, the working
 * directory of tests/run-all) to check that its examples and these are the same set, so a
 * change to either shows up here. */
#include <glib.h>
#include <string.h>

#include "common/protocol.h"

#define S(literal) { literal, sizeof literal - 1 }
#define SPEC_PW_HASH "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA"
#define SPEC_TOKEN_HASH { 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, \
                          0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, \
                          0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab }
#define WAVE "\xf0\x9f\x91\x8b" /* U+1F44B WAVING HAND SIGN */
#define SHA_OF_HELLO /* SHA-256 of "hello\n", the example file's contents */                \
    { 0x58, 0x91, 0xb5, 0xb5, 0x22, 0xd5, 0xdf, 0x08, 0x6d, 0x0f, 0xf0, 0xb1, 0x10, 0xfb,      \
      0xd9, 0xd2, 0x1b, 0xb4, 0xfc, 0x71, 0x63, 0xaf, 0x34, 0xd0, 0x82, 0x86, 0xa2, 0xe8,      \
      0x46, 0xf6, 0xbe, 0x03 }

#define TOKEN_EXAMPLE /* a session token: bytes 0x10 .. 0x2f */                              \
    { 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,      \
      0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b,      \
      0x2c, 0x2d, 0x2e, 0x2f }

/* The thumbnail of the FILE_OFFER_THUMB and FILE_ANNOUNCE_THUMB examples: the PNG
 * signature and IHDR chunk (with its CRC) of a 2 x 1 image. */
#define PNG_2X1 \
    (const uint8_t *)"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x02\0\0\0\x01\x08\x02\0\0\0" \
                     "\x7b\x40\xe8\xdd"

/* The user-list entries of the ROOM_MEMBERS, ROOM_PRESENCE and PRESENCE_STATE examples:
 * account ids. */
#define ENTRIES_ALICE_BOB (const uint8_t *)"\0\0\0\1\0\5alice\0\0\0\2\0\3bob", 20
#define ENTRIES_CAROL (const uint8_t *)"\0\0\0\3\0\5carol", 11

struct example {
    struct proto_msg msg;
    const char *hex;
};

static const struct example examples[] = {
    { { PROTO_HELLO, .u.hello = { 1, 0, S("alice"), S("chat-cli/1.0") } },
      "00 00 00 1b 00 01 00 00 "
      "00 01 "
      "00 00 00 00 "
      "00 05 "
      "61 6c 69 63 65 "
      "00 0c "
      "63 68 61 74 2d 63 6c 69 2f 31 2e 30 " },
    { { PROTO_WELCOME, .u.welcome = { 1, 0, 7, 1764000000000u, 2, 131072, 8192, 65536, 4,
                                      17179869184u, S("alice") } },
      "00 00 00 35 00 02 00 00 "
      "00 01 "
      "00 00 00 00 "
      "00 00 00 07 "
      "00 00 01 9a b6 97 e8 00 "
      "00 00 00 02 "
      "00 02 00 00 "
      "00 00 20 00 "
      "00 01 00 00 "
      "00 00 00 04 "
      "00 00 00 04 00 00 00 00 "
      "00 05 "
      "61 6c 69 63 65 " },
    { { PROTO_ERROR, .u.error = { PROTO_E_NAME_TAKEN, PROTO_HELLO, 0, S("username already taken") } },
      "00 00 00 24 00 03 00 00 "
      "00 06 "
      "00 01 "
      "00 00 00 00 00 00 00 00 "
      "00 16 "
      "75 73 65 72 6e 61 6d 65 20 61 6c 72 65 61 64 79 "
      "20 74 61 6b 65 6e " },
    { { PROTO_PING, .u.token = 0x0102030405060708u },
      "00 00 00 08 00 04 00 00 "
      "01 02 03 04 05 06 07 08 " },
    { { PROTO_PONG, .u.token = 0x0102030405060708u },
      "00 00 00 08 00 05 00 00 "
      "01 02 03 04 05 06 07 08 " },
    { { PROTO_GOODBYE, .u.reason = S("bye") },
      "00 00 00 05 00 06 00 00 "
      "00 03 "
      "62 79 65 " },
    { { PROTO_SHUTDOWN, .u.reason = S("server shutting down") },
      "00 00 00 16 00 07 00 00 "
      "00 14 "
      "73 65 72 76 65 72 20 73 68 75 74 74 69 6e 67 20 "
      "64 6f 77 6e " },
    { { PROTO_TEXT_SEND, .u.text_send = { 3, 0, S("hi " WAVE) } },
      "00 00 00 15 01 00 00 00 "
      "00 00 00 00 00 00 00 03 "
      "00 00 00 00 "
      "00 07 "
      "68 69 20 f0 9f 91 8b " },
    { { PROTO_TEXT, .u.text = { 42, 1764000000123u, 0, 7, 3, S("alice"), S("hi " WAVE) } },
      "00 00 00 30 01 01 00 00 "
      "00 00 00 00 00 00 00 2a "
      "00 00 01 9a b6 97 e8 7b "
      "00 00 00 00 "
      "00 00 00 07 "
      "00 00 00 00 00 00 00 03 "
      "00 05 "
      "61 6c 69 63 65 "
      "00 07 "
      "68 69 20 f0 9f 91 8b " },
    { { PROTO_FILE_OFFER, .u.offer = { 5, 6, SHA_OF_HELLO, 0, S("notes.txt") } },
      "00 00 00 3f 02 00 00 00 "
      "00 00 00 00 00 00 00 05 "
      "00 00 00 00 00 00 00 06 "
      "58 91 b5 b5 22 d5 df 08 6d 0f f0 b1 10 fb d9 d2 "
      "1b b4 fc 71 63 af 34 d0 82 86 a2 e8 46 f6 be 03 "
      "00 00 00 00 "
      "00 09 "
      "6e 6f 74 65 73 2e 74 78 74 " },
    { { PROTO_FILE_ACCEPT, .u.ref = { 5 } },
      "00 00 00 08 02 01 00 00 "
      "00 00 00 00 00 00 00 05 " },
    { { PROTO_FILE_CHUNK, .u.chunk = { 5, 0, (const uint8_t *)"hello\n", 6 } },
      "00 00 00 16 02 02 00 00 "
      "00 00 00 00 00 00 00 05 "
      "00 00 00 00 00 00 00 00 "
      "68 65 6c 6c 6f 0a " },
    { { PROTO_FILE_END, .u.ref = { 5 } },
      "00 00 00 08 02 03 00 00 "
      "00 00 00 00 00 00 00 05 " },
    { { PROTO_FILE_CANCEL, .u.ref = { 5 } },
      "00 00 00 08 02 04 00 00 "
      "00 00 00 00 00 00 00 05 " },
    { { PROTO_FILE_ANNOUNCE, .u.announce = { 1, 43, 1764000000456u, 0, 7, 5, 6, SHA_OF_HELLO,
                                            S("alice"), S("notes.txt") } },
      "00 00 00 62 02 05 00 00 "
      "00 00 00 00 00 00 00 01 "
      "00 00 00 00 00 00 00 2b "
      "00 00 01 9a b6 97 e9 c8 "
      "00 00 00 00 "
      "00 00 00 07 "
      "00 00 00 00 00 00 00 05 "
      "00 00 00 00 00 00 00 06 "
      "58 91 b5 b5 22 d5 df 08 6d 0f f0 b1 10 fb d9 d2 "
      "1b b4 fc 71 63 af 34 d0 82 86 a2 e8 46 f6 be 03 "
      "00 05 "
      "61 6c 69 63 65 "
      "00 09 "
      "6e 6f 74 65 73 2e 74 78 74 " },
    { { PROTO_DOWNLOAD_REQUEST, .u.download_request = { 1, 0 } },
      "00 00 00 10 02 10 00 00 "
      "00 00 00 00 00 00 00 01 "
      "00 00 00 00 00 00 00 00 " },
    { { PROTO_DOWNLOAD_START, .u.download_start = { 1, 0, 6, SHA_OF_HELLO, S("notes.txt") } },
      "00 00 00 43 02 11 00 00 "
      "00 00 00 00 00 00 00 01 "
      "00 00 00 00 00 00 00 00 "
      "00 00 00 00 00 00 00 06 "
      "58 91 b5 b5 22 d5 df 08 6d 0f f0 b1 10 fb d9 d2 "
      "1b b4 fc 71 63 af 34 d0 82 86 a2 e8 46 f6 be 03 "
      "00 09 "
      "6e 6f 74 65 73 2e 74 78 74 " },
    { { PROTO_DOWNLOAD_CHUNK, .u.chunk = { 1, 0, (const uint8_t *)"hello\n", 6 } },
      "00 00 00 16 02 12 00 00 "
      "00 00 00 00 00 00 00 01 "
      "00 00 00 00 00 00 00 00 "
      "68 65 6c 6c 6f 0a " },
    { { PROTO_DOWNLOAD_END, .u.ref = { 1 } },
      "00 00 00 08 02 13 00 00 "
      "00 00 00 00 00 00 00 01 " },
    { { PROTO_DOWNLOAD_CANCEL, .u.ref = { 1 } },
      "00 00 00 08 02 14 00 00 "
      "00 00 00 00 00 00 00 01 " },
    { { PROTO_REGISTER, .u.reg = { 1, 0, S("alice"), S("correct horse"), S(""),
                                   S("chat-cli/1.0") } },
      "00 00 00 2c 04 00 00 00 "
      "00 01 "
      "00 00 00 00 "
      "00 05 "
      "61 6c 69 63 65 "
      "00 0d "
      "63 6f 72 72 65 63 74 20 68 6f 72 73 65 "
      "00 00 "
      "00 0c "
      "63 68 61 74 2d 63 6c 69 2f 31 2e 30 " },
    { { PROTO_LOGIN, .u.login = { 1, 0, S("alice"), S("correct horse"), S("chat-cli/1.0") } },
      "00 00 00 2a 04 01 00 00 "
      "00 01 "
      "00 00 00 00 "
      "00 05 "
      "61 6c 69 63 65 "
      "00 0d "
      "63 6f 72 72 65 63 74 20 68 6f 72 73 65 "
      "00 0c "
      "63 68 61 74 2d 63 6c 69 2f 31 2e 30 " },
    { { PROTO_LOGIN_TOKEN, .u.login_token = { 1, 0, TOKEN_EXAMPLE, S("chat-cli/1.0") } },
      "00 00 00 34 04 02 00 00 "
      "00 01 "
      "00 00 00 00 "
      "10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f "
      "20 21 22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f "
      "00 0c "
      "63 68 61 74 2d 63 6c 69 2f 31 2e 30 " },
    { { PROTO_SESSION, .u.session = { TOKEN_EXAMPLE, 1766592000000u, 1, PROTO_ROLE_ADMIN,
                                       S("alice") } },
      "00 00 00 35 04 03 00 00 "
      "10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f "
      "20 21 22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f "
      "00 00 01 9b 51 16 b0 00 "
      "00 00 00 01 "
      "00 02 "
      "00 05 "
      "61 6c 69 63 65 " },
    { { PROTO_LOGOUT, .u.logout = { 9, PROTO_LOGOUT_THIS } },
      "00 00 00 0a 04 04 00 00 "
      "00 00 00 00 00 00 00 09 "
      "00 00 " },
    { { PROTO_PASSWORD_CHANGE, .u.password_change = { 10, S("correct horse"),
                                                       S("battery staple") } },
      "00 00 00 27 04 05 00 00 "
      "00 00 00 00 00 00 00 0a "
      "00 0d "
      "63 6f 72 72 65 63 74 20 68 6f 72 73 65 "
      "00 0e "
      "62 61 74 74 65 72 79 20 73 74 61 70 6c 65 " },
    { { PROTO_INVITE_CREATE, .u.invite_create = { 11, 1440 } },
      "00 00 00 0c 04 06 00 00 "
      "00 00 00 00 00 00 00 0b "
      "00 00 05 a0 " },
    { { PROTO_INVITE, .u.invite = { 11, 1764086400000u, S("k3x9-q2wm-7fpa") } },
      "00 00 00 20 04 07 00 00 "
      "00 00 00 00 00 00 00 0b "
      "00 00 01 9a bb be 44 00 "
      "00 0e "
      "6b 33 78 39 2d 71 32 77 6d 2d 37 66 70 61 " },
    { { PROTO_MODERATE, .u.moderate = { 12, PROTO_MOD_MUTE, 10, S("bob"), S("spam") } },
      "00 00 00 19 04 08 00 00 "
      "00 00 00 00 00 00 00 0c "
      "00 05 "
      "00 00 00 0a "
      "00 03 "
      "62 6f 62 "
      "00 04 "
      "73 70 61 6d " },
    { { PROTO_DONE, .u.done = { 12, PROTO_MODERATE } },
      "00 00 00 0a 04 09 00 00 "
      "00 00 00 00 00 00 00 0c "
      "04 08 " },
    { { PROTO_NOTICE, .u.notice = { 1764000000789u, PROTO_MOD_MUTE, 10, S("alice"), S("bob"),
                                     S("spam") } },
      "00 00 00 20 04 0a 00 00 "
      "00 00 01 9a b6 97 eb 15 "
      "00 05 "
      "00 00 00 0a "
      "00 05 "
      "61 6c 69 63 65 "
      "00 03 "
      "62 6f 62 "
      "00 04 "
      "73 70 61 6d " },
    { { PROTO_ROOM_CREATE, .u.room_create = { 20, PROTO_ROOM_PUBLIC, S("rust"), S("Rust talk") } },
      "00 00 00 1b 03 00 00 00 "
      "00 00 00 00 00 00 00 14 "
      "00 00 "
      "00 04 "
      "72 75 73 74 "
      "00 09 "
      "52 75 73 74 20 74 61 6c 6b " },
    { { PROTO_ROOM_JOIN, .u.room_join = { 21, S("rust") } },
      "00 00 00 0e 03 01 00 00 "
      "00 00 00 00 00 00 00 15 "
      "00 04 "
      "72 75 73 74 " },
    { { PROTO_ROOM_LEAVE, .u.room_ref = { 22, 5 } },
      "00 00 00 0c 03 02 00 00 "
      "00 00 00 00 00 00 00 16 "
      "00 00 00 05 " },
    { { PROTO_ROOM_LIST, .u.request_id = 23 },
      "00 00 00 08 03 03 00 00 "
      "00 00 00 00 00 00 00 17 " },
    { { PROTO_ROOM_TOPIC_SET, .u.room_topic_set = { 24, 5, S("Rust 2024") } },
      "00 00 00 17 03 04 00 00 "
      "00 00 00 00 00 00 00 18 "
      "00 00 00 05 "
      "00 09 "
      "52 75 73 74 20 32 30 32 34 " },
    { { PROTO_ROOM_INVITE, .u.room_invite = { 25, 6, S("bob") } },
      "00 00 00 11 03 05 00 00 "
      "00 00 00 00 00 00 00 19 "
      "00 00 00 06 "
      "00 03 "
      "62 6f 62 " },
    { { PROTO_DIRECT_SEND, .u.direct_send = { 4, S("bob"), S("hi") } },
      "00 00 00 11 03 06 00 00 "
      "00 00 00 00 00 00 00 04 "
      "00 03 "
      "62 6f 62 "
      "00 02 "
      "68 69 " },
    { { PROTO_BLOCK, .u.block = { 26, 1, S("mallory") } },
      "00 00 00 13 03 07 00 00 "
      "00 00 00 00 00 00 00 1a "
      "00 01 "
      "00 07 "
      "6d 61 6c 6c 6f 72 79 " },
    { { PROTO_ROOM_INFO, .u.room_info = { 23, 5, PROTO_ROOM_PUBLIC, PROTO_ROOM_FLAG_MEMBER, 2, S("rust"), S("Rust talk") } },
      "00 00 00 25 03 10 00 00 "
      "00 00 00 00 00 00 00 17 "
      "00 00 00 05 "
      "00 00 "
      "00 01 "
      "00 00 00 02 "
      "00 04 "
      "72 75 73 74 "
      "00 09 "
      "52 75 73 74 20 74 61 6c 6b " },
    { { PROTO_ROOM_STATE, .u.room_state = { 5, PROTO_ROOM_PUBLIC, 2, S("rust"), S("Rust talk") } },
      "00 00 00 1b 03 11 00 00 "
      "00 00 00 05 "
      "00 00 "
      "00 00 00 02 "
      "00 04 "
      "72 75 73 74 "
      "00 09 "
      "52 75 73 74 20 74 61 6c 6b " },
    { { PROTO_ROOM_MEMBERS, .u.room_members = { 5, PROTO_MEMBER_ONLINE, { 2, ENTRIES_ALICE_BOB } } },
      "00 00 00 1c 03 12 00 00 "
      "00 00 00 05 "
      "00 01 "
      "00 02 "
      "00 00 00 01 "
      "00 05 "
      "61 6c 69 63 65 "
      "00 00 00 02 "
      "00 03 "
      "62 6f 62 " },
    { { PROTO_ROOM_PRESENCE, .u.room_members = { 5, PROTO_MEMBER_JOINED, { 1, ENTRIES_CAROL } } },
      "00 00 00 13 03 13 00 00 "
      "00 00 00 05 "
      "00 02 "
      "00 01 "
      "00 00 00 03 "
      "00 05 "
      "63 61 72 6f 6c " },
    { { PROTO_ROOM_TOPIC, .u.room_topic = { 5, 1764000000999u, S("alice"), S("Rust 2024") } },
      "00 00 00 1e 03 14 00 00 "
      "00 00 00 05 "
      "00 00 01 9a b6 97 eb e7 "
      "00 05 "
      "61 6c 69 63 65 "
      "00 09 "
      "52 75 73 74 20 32 30 32 34 " },
    { { PROTO_ROOM_INVITED, .u.room_invited = { 6, S("alice"), S("secret"), S("") } },
      "00 00 00 15 03 15 00 00 "
      "00 00 00 06 "
      "00 05 "
      "61 6c 69 63 65 "
      "00 06 "
      "73 65 63 72 65 74 "
      "00 00 " },
    { { PROTO_PRESENCE_SET, .u.presence_set = { 40, PROTO_PRESENCE_AWAY } },
      "00 00 00 0a 03 16 00 00 "
      "00 00 00 00 00 00 00 28 "
      "00 01 " },
    { { PROTO_PRESENCE_STATE, .u.room_members = { 5, PROTO_PRESENCE_AWAY, { 1, ENTRIES_CAROL } } },
      "00 00 00 13 03 17 00 00 "
      "00 00 00 05 "
      "00 01 "
      "00 01 "
      "00 00 00 03 "
      "00 05 "
      "63 61 72 6f 6c " },
    { { PROTO_HISTORY, .u.history = { 31, 5, PROTO_HISTORY_BEFORE, 50, 1000 } },
      "00 00 00 18 06 00 00 00 "
      "00 00 00 00 00 00 00 1f "
      "00 00 00 05 "
      "00 02 "
      "00 32 "
      "00 00 00 00 00 00 03 e8 " },
    { { PROTO_HISTORY_END, .u.history_end = { 31, 5, PROTO_HISTORY_MORE_BEFORE, 50 } },
      "00 00 00 12 06 01 00 00 "
      "00 00 00 00 00 00 00 1f "
      "00 00 00 05 "
      "00 01 "
      "00 00 00 32 " },
    { { PROTO_RESUME, .u.resume = { 32, 5, 1000 } },
      "00 00 00 14 06 02 00 00 "
      "00 00 00 00 00 00 00 20 "
      "00 00 00 05 "
      "00 00 00 00 00 00 03 e8 " },
    { { PROTO_RESUME_GAP, .u.resume_gap = { 32, 5, 1000, 1801 } },
      "00 00 00 1c 06 03 00 00 "
      "00 00 00 00 00 00 00 20 "
      "00 00 00 05 "
      "00 00 00 00 00 00 03 e8 "
      "00 00 00 00 00 00 07 09 " },
    { { PROTO_TYPING_SET, .u.typing_set = { 5, PROTO_TYPING_ACTIVE } },
      "00 00 00 06 07 00 00 00 "
      "00 00 00 05 "
      "00 01 " },
    { { PROTO_READ_MARK, .u.read_mark = { 40, 5, 1000 } },
      "00 00 00 14 07 01 00 00 "
      "00 00 00 00 00 00 00 28 "
      "00 00 00 05 "
      "00 00 00 00 00 00 03 e8 " },
    { { PROTO_RECEIPTS_SET, .u.receipts_set = { 41, 0 } },
      "00 00 00 0a 07 02 00 00 "
      "00 00 00 00 00 00 00 29 "
      "00 00 " },
    { { PROTO_EDIT, .u.edit = { 42, 1000, S("hi!") } },
      "00 00 00 15 07 03 00 00 "
      "00 00 00 00 00 00 00 2a "
      "00 00 00 00 00 00 03 e8 "
      "00 03 "
      "68 69 21 " },
    { { PROTO_DELETE, .u.msg_ref = { 43, 1000 } },
      "00 00 00 10 07 04 00 00 "
      "00 00 00 00 00 00 00 2b "
      "00 00 00 00 00 00 03 e8 " },
    { { PROTO_REPLY_SEND, .u.reply_send = { 4, 5, 1000, S("yes") } },
      "00 00 00 19 07 05 00 00 "
      "00 00 00 00 00 00 00 04 "
      "00 00 00 05 "
      "00 00 00 00 00 00 03 e8 "
      "00 03 "
      "79 65 73 " },
    { { PROTO_REACT, .u.react = { 44, 1000, S(WAVE) } },
      "00 00 00 16 07 06 00 00 "
      "00 00 00 00 00 00 00 2c "
      "00 00 00 00 00 00 03 e8 "
      "00 04 "
      "f0 9f 91 8b " },
    { { PROTO_TYPING, .u.typing = { 5, 1, PROTO_TYPING_ACTIVE, S("alice") } },
      "00 00 00 11 07 10 00 00 "
      "00 00 00 05 "
      "00 00 00 01 "
      "00 01 "
      "00 05 "
      "61 6c 69 63 65 " },
    { { PROTO_READ_MARKER, .u.read_marker = { 5, 1000 } },
      "00 00 00 0c 07 11 00 00 "
      "00 00 00 05 "
      "00 00 00 00 00 00 03 e8 " },
    { { PROTO_RECEIPT, .u.receipt = { 5, 1000, 2, 0, S("bob") } },
      "00 00 00 19 07 12 00 00 "
      "00 00 00 05 "
      "00 00 00 00 00 00 03 e8 "
      "00 00 00 02 "
      "00 00 00 00 "
      "00 03 "
      "62 6f 62 " },
    { { PROTO_MESSAGE_EDITED, .u.message_edited = { 1002, 1000, 1764000000000u, 5,
                                                    S("alice"), S("hi!") } },
      "00 00 00 28 07 13 00 00 "
      "00 00 00 00 00 00 03 ea "
      "00 00 00 00 00 00 03 e8 "
      "00 00 01 9a b6 97 e8 00 "
      "00 00 00 05 "
      "00 05 "
      "61 6c 69 63 65 "
      "00 03 "
      "68 69 21 " },
    { { PROTO_MESSAGE_DELETED, .u.message_deleted = { 1003, 1000, 1764000000000u, 5,
                                                      S("alice") } },
      "00 00 00 23 07 14 00 00 "
      "00 00 00 00 00 00 03 eb "
      "00 00 00 00 00 00 03 e8 "
      "00 00 01 9a b6 97 e8 00 "
      "00 00 00 05 "
      "00 05 "
      "61 6c 69 63 65 " },
    { { PROTO_REPLY_TO, .u.reply_to = { 5, 1001, 1000 } },
      "00 00 00 14 07 15 00 00 "
      "00 00 00 05 "
      "00 00 00 00 00 00 03 e9 "
      "00 00 00 00 00 00 03 e8 " },
    { { PROTO_REACTION, .u.reaction = { 1004, 1000, 5, 2, 1, S("bob"), S(WAVE) } },
      "00 00 00 25 07 16 00 00 "
      "00 00 00 00 00 00 03 ec "
      "00 00 00 00 00 00 03 e8 "
      "00 00 00 05 "
      "00 00 00 02 "
      "00 01 "
      "00 03 "
      "62 6f 62 "
      "00 04 "
      "f0 9f 91 8b " },
    { { PROTO_SEARCH, .u.search = { 40, PROTO_SEARCH_ALL_ROOMS, 20, S("lunch") } },
      "00 00 00 15 07 20 00 00 "
      "00 00 00 00 00 00 00 28 "
      "ff ff ff ff "
      "00 14 "
      "00 05 "
      "6c 75 6e 63 68 " },
    { { PROTO_SEARCH_RESULT, .u.search_result = { 40, 1000, 1764000000000u, 5, S("bob"),
                                                  S("\x02lunch\x03 at one") } },
      "00 00 00 31 07 21 00 00 "
      "00 00 00 00 00 00 00 28 "
      "00 00 00 00 00 00 03 e8 "
      "00 00 01 9a b6 97 e8 00 "
      "00 00 00 05 "
      "00 03 "
      "62 6f 62 "
      "00 0e "
      "02 6c 75 6e 63 68 03 20 61 74 20 6f 6e 65 " },
    { { PROTO_NOTIFY_LEVEL_SET, .u.notify_level_set = { 41, 5, 1 } },
      "00 00 00 0e 07 24 00 00 "
      "00 00 00 00 00 00 00 29 "
      "00 00 00 05 "
      "00 01 " },
    { { PROTO_NOTIFY_LEVEL, .u.notify_level = { 5, 2 } },
      "00 00 00 06 07 25 00 00 "
      "00 00 00 05 "
      "00 02 " },
    { { PROTO_FILE_OFFER_THUMB, .u.offer_thumb = { { 6, 6, SHA_OF_HELLO, 0, S("hi.png") },
                                                   { .data = PNG_2X1, .len = 33 } } },
      "00 00 00 5d 07 22 00 00 "
      "00 00 00 00 00 00 00 06 "
      "00 00 00 00 00 00 00 06 "
      "58 91 b5 b5 22 d5 df 08 6d 0f f0 b1 10 fb d9 d2 "
      "1b b4 fc 71 63 af 34 d0 82 86 a2 e8 46 f6 be 03 "
      "00 00 00 00 "
      "00 06 "
      "68 69 2e 70 6e 67 "
      "89 50 4e 47 0d 0a 1a 0a "
      "00 00 00 0d 49 48 44 52 "
      "00 00 00 02 00 00 00 01 08 02 00 00 00 "
      "7b 40 e8 dd " },
    { { PROTO_FILE_ANNOUNCE_THUMB, .u.announce_thumb = {
          { 2, 44, 1764000000789u, 0, 7, 6, 6, SHA_OF_HELLO, S("alice"), S("hi.png") }, 2, 1,
          { .data = PNG_2X1, .len = 33 } } },
      "00 00 00 84 07 23 00 00 "
      "00 00 00 00 00 00 00 02 "
      "00 00 00 00 00 00 00 2c "
      "00 00 01 9a b6 97 eb 15 "
      "00 00 00 00 "
      "00 00 00 07 "
      "00 00 00 00 00 00 00 06 "
      "00 00 00 00 00 00 00 06 "
      "58 91 b5 b5 22 d5 df 08 6d 0f f0 b1 10 fb d9 d2 "
      "1b b4 fc 71 63 af 34 d0 82 86 a2 e8 46 f6 be 03 "
      "00 05 "
      "61 6c 69 63 65 "
      "00 06 "
      "68 69 2e 70 6e 67 "
      "00 02 "
      "00 01 "
      "89 50 4e 47 0d 0a 1a 0a "
      "00 00 00 0d 49 48 44 52 "
      "00 00 00 02 00 00 00 01 08 02 00 00 00 "
      "7b 40 e8 dd " },
    { { PROTO_EVENT_ACCOUNT_CREATE, .u.event_account = { 0, 1764000000000u, 0, { 0 },
                                                        S("carol"), S(SPEC_PW_HASH) } },
      "00 00 00 67 08 00 00 00 "
      "00 00 00 00 00 00 00 00 "
      "00 00 01 9a b6 97 e8 00 "
      "00 00 "
      "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
      "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
      "00 05 "
      "63 61 72 6f 6c "
      "00 2c "
      "24 61 72 67 6f 6e 32 69 64 24 76 3d 31 39 24 6d "
      "3d 36 35 35 33 36 2c 74 3d 32 2c 70 3d 31 24 63 "
      "32 46 73 64 41 24 61 47 46 7a 61 41 " },
    { { PROTO_EVENT_SESSION_ADD, .u.event_session = { 3, 1764000000000u, 1766592000000u, 0,
                                                      SPEC_TOKEN_HASH } },
      "00 00 00 3a 08 01 00 00 "
      "00 00 00 00 00 00 00 03 "
      "00 00 01 9a b6 97 e8 00 "
      "00 00 01 9b 51 16 b0 00 "
      "00 00 "
      "ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab "
      "ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab " },
    { { PROTO_EVENT_SESSION_DROP, .u.event_session = { 3, 1764000000000u, 0, 1, { 0 } } },
      "00 00 00 3a 08 02 00 00 "
      "00 00 00 00 00 00 00 03 "
      "00 00 01 9a b6 97 e8 00 "
      "00 00 00 00 00 00 00 00 "
      "00 01 "
      "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
      "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 " },
    { { PROTO_EVENT_ACCOUNT_CHANGE, .u.event_account = { 3, 1764000000000u, 0, { 0 },
                                                        { NULL, 0 }, S(SPEC_PW_HASH) } },
      "00 00 00 40 08 03 00 00 "
      "00 00 00 00 00 00 00 03 "
      "00 00 01 9a b6 97 e8 00 "
      "00 00 "
      "00 2c "
      "24 61 72 67 6f 6e 32 69 64 24 76 3d 31 39 24 6d "
      "3d 36 35 35 33 36 2c 74 3d 32 2c 70 3d 31 24 63 "
      "32 46 73 64 41 24 61 47 46 7a 61 41 " },
    { { PROTO_EVENT_MODERATE, .u.event_moderate = { 2, 0, 1764000000000u, 0, 1, 3, 0,
                                                    S("alice"), S("carol"), S("spam") } },
      "00 00 00 3e 08 04 00 00 "
      "00 02 "
      "00 00 00 00 "
      "00 00 01 9a b6 97 e8 00 "
      "00 00 00 00 00 00 00 00 "
      "00 00 00 00 00 00 00 01 "
      "00 00 00 00 00 00 00 03 "
      "00 00 00 00 "
      "00 05 "
      "61 6c 69 63 65 "
      "00 05 "
      "63 61 72 6f 6c "
      "00 04 "
      "73 70 61 6d " },
    { { PROTO_EVENT_ROOM_CREATE, .u.event_room = { 0, 0, 1764000000000u, 1, 0, S("alice"),
                                                   S("garden"), S("roses") } },
      "00 00 00 34 08 05 00 00 "
      "00 00 "
      "00 00 00 00 "
      "00 00 01 9a b6 97 e8 00 "
      "00 00 00 00 00 00 00 01 "
      "00 00 00 00 00 00 00 00 "
      "00 05 "
      "61 6c 69 63 65 "
      "00 06 "
      "67 61 72 64 65 6e "
      "00 05 "
      "72 6f 73 65 73 " },
    { { PROTO_EVENT_ROOM_MEMBER, .u.event_room = { 0, 1, 1764000000000u, 2, 2, S("bob"),
                                                   S("bob"), { NULL, 0 } } },
      "00 00 00 2a 08 06 00 00 "
      "00 00 "
      "00 00 00 01 "
      "00 00 01 9a b6 97 e8 00 "
      "00 00 00 00 00 00 00 02 "
      "00 00 00 00 00 00 00 02 "
      "00 03 "
      "62 6f 62 "
      "00 03 "
      "62 6f 62 "
      "00 00 " },
    { { PROTO_EVENT_ROOM_TOPIC, .u.event_room = { 0, 1, 1764000000000u, 2, 0, S("bob"),
                                                  { NULL, 0 }, S("tulips") } },
      "00 00 00 2d 08 07 00 00 "
      "00 00 "
      "00 00 00 01 "
      "00 00 01 9a b6 97 e8 00 "
      "00 00 00 00 00 00 00 02 "
      "00 00 00 00 00 00 00 00 "
      "00 03 "
      "62 6f 62 "
      "00 00 "
      "00 06 "
      "74 75 6c 69 70 73 " },
    { { PROTO_EVENT_BLOCK, .u.event_block = { 2, 3, 1764000000000u, 1, S("bob") } },
      "00 00 00 1f 08 09 00 00 "
      "00 00 00 00 00 00 00 02 "
      "00 00 00 00 00 00 00 03 "
      "00 00 01 9a b6 97 e8 00 "
      "00 01 "
      "00 03 "
      "62 6f 62 " },
    { { PROTO_EVENT_READ_MARK, .u.event_read_mark = { 2, 0, 1000, 0, S("bob") } },
      "00 00 00 1b 08 0d 00 00 "
      "00 00 00 00 00 00 00 02 "
      "00 00 00 00 "
      "00 00 00 00 00 00 03 e8 "
      "00 00 "
      "00 03 "
      "62 6f 62 " },
    { { PROTO_EVENT_INVITE_CREATE, .u.event_invite = { 1, 1764000000000u, 1764003600000u,
                                                       SPEC_TOKEN_HASH, S("alice") } },
      "00 00 00 3f 08 0e 00 00 "
      "00 00 00 00 00 00 00 01 "
      "00 00 01 9a b6 97 e8 00 "
      "00 00 01 9a b6 ce d6 80 "
      "ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab "
      "ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab "
      "00 05 "
      "61 6c 69 63 65 " },
    { { PROTO_EVENT_DIRECT, .u.event_direct = { 1764000000000u, 2, 3, 0x01000007u, 42, S("bob"),
                                                S("carol"), S("hi") } },
      "00 00 00 34 08 12 00 00 "
      "00 00 01 9a b6 97 e8 00 "
      "00 00 00 00 00 00 00 02 "
      "00 00 00 00 00 00 00 03 "
      "01 00 00 07 "
      "00 00 00 00 00 00 00 2a "
      "00 03 "
      "62 6f 62 "
      "00 05 "
      "63 61 72 6f 6c "
      "00 02 "
      "68 69 " },
    { { PROTO_EVENT_RECEIPTS_SET, .u.event_setting = { 2, 0, 0, S("bob") } },
      "00 00 00 13 08 13 00 00 "
      "00 00 00 00 00 00 00 02 "
      "00 00 00 00 "
      "00 00 "
      "00 03 "
      "62 6f 62 " },
    { { PROTO_EVENT_NOTIFY_LEVEL, .u.event_setting = { 2, 5, 1, S("bob") } },
      "00 00 00 13 08 14 00 00 "
      "00 00 00 00 00 00 00 02 "
      "00 00 00 05 "
      "00 01 "
      "00 03 "
      "62 6f 62 " },
    { { PROTO_EVENT_PRUNE, .u.event_prune = { 1763827200000u, 1764000000000u, 500 } },
      "00 00 00 14 08 15 00 00 "
      "00 00 01 9a ac 4b 30 00 "
      "00 00 01 9a b6 97 e8 00 "
      "00 00 01 f4 " },
    { { PROTO_EVENT_TEXT, .u.event_text = { 0, 1764000000000u, 2, 0x01000007u, 42, 0, S("bob"),
                                            S("hi") } },
      "00 00 00 31 08 08 00 00 "
      "00 00 00 00 "
      "00 00 01 9a b6 97 e8 00 "
      "00 00 00 00 00 00 00 02 "
      "01 00 00 07 "
      "00 00 00 00 00 00 00 2a "
      "00 00 00 00 00 00 00 00 "
      "00 03 "
      "62 6f 62 "
      "00 02 "
      "68 69 " },
    { { PROTO_EVENT_EDIT, .u.event_change = { 1000, 1764000000789u, 2, 0, S("bob"),
                                              S("hi all") } },
      "00 00 00 27 08 0a 00 00 "
      "00 00 00 00 00 00 03 e8 "
      "00 00 01 9a b6 97 eb 15 "
      "00 00 00 00 00 00 00 02 "
      "00 00 "
      "00 03 "
      "62 6f 62 "
      "00 06 "
      "68 69 20 61 6c 6c " },
    { { PROTO_EVENT_DELETE, .u.event_change = { 1000, 1764000000789u, 1, 1, S("alice"),
                                                { NULL, 0 } } },
      "00 00 00 21 08 0b 00 00 "
      "00 00 00 00 00 00 03 e8 "
      "00 00 01 9a b6 97 eb 15 "
      "00 00 00 00 00 00 00 01 "
      "00 01 "
      "00 05 "
      "61 6c 69 63 65 " },
    { { PROTO_EVENT_REACT, .u.event_change = { 1000, 1764000000789u, 2, 0, S("bob"), S(WAVE) } },
      "00 00 00 25 08 0c 00 00 "
      "00 00 00 00 00 00 03 e8 "
      "00 00 01 9a b6 97 eb 15 "
      "00 00 00 00 00 00 00 02 "
      "00 00 "
      "00 03 "
      "62 6f 62 "
      "00 04 "
      "f0 9f 91 8b " },
    { { PROTO_EVENT_FILE, .u.event_file = { 0, 1764000000000u, 2, 0x01000007u, 6, 6,
                                            SHA_OF_HELLO, S("alice"), S("hi.png") } },
      "00 00 00 57 08 0f 00 00 "
      "00 00 00 00 "
      "00 00 01 9a b6 97 e8 00 "
      "00 00 00 00 00 00 00 02 "
      "01 00 00 07 "
      "00 00 00 00 00 00 00 06 "
      "00 00 00 00 00 00 00 06 "
      "58 91 b5 b5 22 d5 df 08 6d 0f f0 b1 10 fb d9 d2 "
      "1b b4 fc 71 63 af 34 d0 82 86 a2 e8 46 f6 be 03 "
      "00 05 "
      "61 6c 69 63 65 "
      "00 06 "
      "68 69 2e 70 6e 67 " },
    { { PROTO_EVENT_FILE_THUMB, .u.event_file_thumb = {
          { 0, 1764000000000u, 2, 0x01000007u, 6, 6, SHA_OF_HELLO, S("alice"), S("hi.png") },
          2, 1, { .data = PNG_2X1, .len = 33 } } },
      "00 00 00 7c 08 10 00 00 "
      "00 00 00 00 "
      "00 00 01 9a b6 97 e8 00 "
      "00 00 00 00 00 00 00 02 "
      "01 00 00 07 "
      "00 00 00 00 00 00 00 06 "
      "00 00 00 00 00 00 00 06 "
      "58 91 b5 b5 22 d5 df 08 6d 0f f0 b1 10 fb d9 d2 "
      "1b b4 fc 71 63 af 34 d0 82 86 a2 e8 46 f6 be 03 "
      "00 05 "
      "61 6c 69 63 65 "
      "00 06 "
      "68 69 2e 70 6e 67 "
      "00 02 "
      "00 01 "
      "89 50 4e 47 0d 0a 1a 0a "
      "00 00 00 0d 49 48 44 52 "
      "00 00 00 02 00 00 00 01 08 02 00 00 00 "
      "7b 40 e8 dd " },
};

/* The user-list examples, built the way the server builds them. */
static const struct users_example {
    uint16_t type;
    size_t count;
    uint32_t ids[2];
    struct proto_str names[2];
    const char *hex;
} users_examples[] = {
    { PROTO_USER_LIST, 2, { 3, 7 }, { S("bob"), S("alice") },
      "00 00 00 16 00 10 00 00 "
      "00 02 "
      "00 00 00 03 "
      "00 03 "
      "62 6f 62 "
      "00 00 00 07 "
      "00 05 "
      "61 6c 69 63 65 " },
    { PROTO_USER_JOINED, 1, { 9 }, { S("carol") },
      "00 00 00 0d 00 11 00 00 "
      "00 01 "
      "00 00 00 09 "
      "00 05 "
      "63 61 72 6f 6c " },
    { PROTO_USER_LEFT, 1, { 3 }, { S("bob") },
      "00 00 00 0b 00 12 00 00 "
      "00 01 "
      "00 00 00 03 "
      "00 03 "
      "62 6f 62 " },
    { PROTO_USER_ROLE, 1, { 7 }, { S("alice") },
      "00 00 00 0f 04 0b 00 00 "
      "00 02 "
      "00 01 "
      "00 00 00 07 "
      "00 05 "
      "61 6c 69 63 65 " },
};

static GByteArray *bytes_of_hex(const char *hex)
{
    GByteArray *bytes = g_byte_array_new();
    for (const char *p = hex; *p; p++) {
        if (*p == ' ')
            continue;
        g_assert_true(g_ascii_isxdigit(p[0]) && g_ascii_isxdigit(p[1]));
        uint8_t byte = (uint8_t)(g_ascii_xdigit_value(p[0]) << 4 | g_ascii_xdigit_value(p[1]));
        g_byte_array_append(bytes, &byte, 1);
        p++;
    }
    return bytes;
}

/* frame must be the documented bytes; those bytes, decoded from a buffer of their exact
 * size, must re-encode to themselves. */
static void assert_documented(uint16_t type, const uint8_t *frame, size_t size, const char *hex)
{
    GByteArray *want = bytes_of_hex(hex);
    g_assert_cmpmem(frame, size, want->data, want->len);

    uint32_t payload_len;
    uint16_t header_type;
    g_assert_cmpint(proto_header_read(want->data, PROTO_MAX_PAYLOAD, &payload_len, &header_type),
                    ==, PROTO_OK);
    g_assert_cmpuint(header_type, ==, type);
    g_assert_cmpuint(payload_len, ==, want->len - PROTO_HEADER_SIZE);
    uint8_t *payload = g_memdup2(want->data + PROTO_HEADER_SIZE, payload_len);
    struct proto_msg decoded;
    g_assert_cmpint(proto_decode_payload(type, payload, payload_len, &decoded), ==, PROTO_OK);
    uint8_t *again = g_malloc(want->len);
    g_assert_cmpuint(proto_frame_size(&decoded), ==, want->len);
    g_assert_cmpuint(proto_encode(&decoded, again), ==, want->len);
    g_assert_cmpmem(again, want->len, want->data, want->len);
    g_free(again);
    g_free(payload);
    g_byte_array_unref(want);
}

static void test_example(gconstpointer data)
{
    const struct example *e = data;
    size_t size = proto_frame_size(&e->msg);
    g_assert_cmpuint(size, >, 0);
    uint8_t *frame = g_malloc(size);
    g_assert_cmpuint(proto_encode(&e->msg, frame), ==, size);
    assert_documented(e->msg.type, frame, size, e->hex);
    g_free(frame);
}

/* USER_ROLE (admins, as in the document) is built the way the server builds it: the
 * entries of a user list behind the role. */
static size_t encode_user_role(const struct users_example *e, uint8_t *frame, size_t cap)
{
    uint8_t list[64];
    size_t size = proto_encode_users(PROTO_USER_LIST, e->ids, e->names, e->count, list, sizeof list);
    g_assert_cmpuint(size, >, 0);
    struct proto_msg msg = { PROTO_USER_ROLE, .u.user_role = {
        PROTO_ROLE_ADMIN, { (uint16_t)e->count, list + PROTO_HEADER_SIZE + 2,
                            size - PROTO_HEADER_SIZE - 2 } } };
    g_assert_cmpuint(proto_frame_size(&msg), <=, cap);
    return proto_encode(&msg, frame);
}

static void test_users_example(gconstpointer data)
{
    const struct users_example *e = data;
    uint8_t frame[64];
    size_t size = e->type == PROTO_USER_ROLE
                      ? encode_user_role(e, frame, sizeof frame)
                      : proto_encode_users(e->type, e->ids, e->names, e->count, frame, sizeof frame);
    g_assert_cmpuint(size, >, 0);
    assert_documented(e->type, frame, size, e->hex);
}

/* Every frame type of this version has an example. */
static void test_every_type_documented(void)
{
    unsigned documented = 0;
    for (unsigned type = 0; type <= UINT16_MAX; type++) {
        if (proto_type_name((uint16_t)type) == NULL)
            continue;
        gboolean found = FALSE;
        for (size_t i = 0; i < G_N_ELEMENTS(examples); i++)
            found |= examples[i].msg.type == type;
        for (size_t i = 0; i < G_N_ELEMENTS(users_examples); i++)
            found |= users_examples[i].type == type;
        if (!found)
            g_test_fail_printf("no example for %s", proto_type_name((uint16_t)type));
        documented++;
    }
    g_assert_cmpuint(documented, ==, G_N_ELEMENTS(examples) + G_N_ELEMENTS(users_examples));
}

/* The bytes of one line of a hex example: its leading two-digit tokens, up to the two
 * spaces before the comment. */
static void append_hex_line(GByteArray *bytes, const char *line)
{
    for (const char *p = line; g_ascii_isxdigit(p[0]) && g_ascii_isxdigit(p[1]) &&
                               (p[2] == ' ' || p[2] == '\0');
         p += 3) {
        uint8_t byte = (uint8_t)(g_ascii_xdigit_value(p[0]) << 4 | g_ascii_xdigit_value(p[1]));
        g_byte_array_append(bytes, &byte, 1);
        if (p[2] == '\0' || p[3] == ' ')
            break;
    }
}

/* The document's hex examples: each fenced block whose first line starts with a byte. */
static GPtrArray *document_examples(void)
{
    char *text = NULL;
    GError *error = NULL;
    g_assert_true(g_file_get_contents("docs/PROTOCOL.md", &text, NULL, &error));
    g_assert_no_error(error);
    GPtrArray *blocks = g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
    char **lines = g_strsplit(text, "\n", -1);
    GByteArray *block = NULL;
    gboolean in_fence = FALSE, first = FALSE;
    for (char **line = lines; *line; line++) {
        if (g_str_has_prefix(*line, "```")) {
            if (in_fence && block != NULL)
                g_ptr_array_add(blocks, block);
            block = NULL;
            in_fence = !in_fence;
            first = in_fence;
            continue;
        }
        if (first && g_ascii_isxdigit((*line)[0]) && g_ascii_isxdigit((*line)[1]) &&
            (*line)[2] == ' ')
            block = g_byte_array_new();
        first = FALSE;
        if (block != NULL)
            append_hex_line(block, *line);
    }
    g_assert_false(in_fence); /* every fence closed */
    g_strfreev(lines);
    g_free(text);
    return blocks;
}

/* Takes the block equal to hex out of blocks; FALSE if the document has none. */
static gboolean take_block(GPtrArray *blocks, const char *hex)
{
    GByteArray *want = bytes_of_hex(hex);
    gboolean found = FALSE;
    for (guint i = 0; i < blocks->len && !found; i++) {
        GByteArray *b = g_ptr_array_index(blocks, i);
        if (b->len == want->len && memcmp(b->data, want->data, b->len) == 0) {
            g_ptr_array_remove_index(blocks, i);
            found = TRUE;
        }
    }
    g_byte_array_unref(want);
    return found;
}

static void test_document_matches(void)
{
    GPtrArray *blocks = document_examples();
    for (size_t i = 0; i < G_N_ELEMENTS(examples); i++)
        if (!take_block(blocks, examples[i].hex))
            g_test_fail_printf("the %s example is not in docs/PROTOCOL.md",
                               proto_type_name(examples[i].msg.type));
    for (size_t i = 0; i < G_N_ELEMENTS(users_examples); i++)
        if (!take_block(blocks, users_examples[i].hex))
            g_test_fail_printf("the %s example is not in docs/PROTOCOL.md",
                               proto_type_name(users_examples[i].type));
    for (guint i = 0; i < blocks->len; i++) {
        GByteArray *b = g_ptr_array_index(blocks, i);
        uint16_t type = b->len >= 6 ? (uint16_t)(b->data[4] << 8 | b->data[5]) : 0;
        g_test_fail_printf("docs/PROTOCOL.md has an example (%s, %u bytes) checked here by "
                           "none", proto_type_name(type) ? proto_type_name(type) : "?", b->len);
    }
    g_ptr_array_unref(blocks);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(examples); i++) {
        char *path = g_strdup_printf("/protocol-spec/%s", proto_type_name(examples[i].msg.type));
        g_test_add_data_func(path, &examples[i], test_example);
        g_free(path);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(users_examples); i++) {
        char *path = g_strdup_printf("/protocol-spec/%s", proto_type_name(users_examples[i].type));
        g_test_add_data_func(path, &users_examples[i], test_users_example);
        g_free(path);
    }
    g_test_add_func("/protocol-spec/every-type", test_every_type_documented);
    g_test_add_func("/protocol-spec/document", test_document_matches);
    return g_test_run();
}
