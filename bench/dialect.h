/* What the load generator core (load.c) and a chat dialect (chat_dialect.c: our
 * protocol; irc.c: IRC; floor_dialect.c: the floor relay) share: the connection record, the dialect interface, and the
 * calls through which a dialect reports what it read back to the core. */
#ifndef BENCH_DIALECT_H
#define BENCH_DIALECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench/net.h"
#include "common/protocol.h"

struct load;

struct conn {
    int fd;
    struct ssl_st *ssl;     /* with --tls: the session over fd */
    uint32_t index;         /* 0..clients-1: its name, and its sender number if < senders */
    uint8_t state;          /* enum conn_state, owned by load.c */
    uint8_t login_step;     /* the dialect's progress through logging in */
    bool dirty;             /* output queued since the last flush */
    bool watching_out;      /* EPOLLOUT registered because the socket was full */
    uint32_t login_need;    /* dialect's count of login replies still expected */
    int64_t members;        /* room members this client knows of, itself included */
    uint32_t room_id;       /* chat --room: the room's id, from its ROOM_STATE */
    struct outbuf out;
    union {
        struct proto_decoder frames; /* our protocol */
        struct linebuf lines;        /* IRC and the floor relay's frames */
    } in;
};

struct dialect {
    const char *name;
    size_t max_text;        /* longest text the dialect can carry in one message */
    /* Sets up / frees the per-connection input state. */
    void (*conn_init)(struct conn *c);
    void (*conn_release)(struct conn *c);
    /* Queues the first login request on a freshly connected c. */
    void (*login)(struct load *ld, struct conn *c);
    /* Consumes n received bytes, reporting events through the load_* calls below.
     * Returns false when the stream cannot go on (the core then closes c). */
    bool (*input)(struct load *ld, struct conn *c, const uint8_t *bytes, size_t n);
    /* Queues one chat message into the room. */
    void (*send_text)(struct load *ld, struct conn *c, const char *text, size_t len,
                      uint64_t client_id);
    /* Queues one "I am typing" notice into the room; NULL when the dialect has none. */
    void (*send_typing)(struct load *ld, struct conn *c);
};

extern const struct dialect dialect_chat;
extern const struct dialect dialect_irc;
extern const struct dialect dialect_floor;

/* The connection's output queue, marked to be flushed before the core next waits. */
struct outbuf *load_output(struct load *ld, struct conn *c);

/* Writes c's login name ("b00042") into out. */
void load_conn_name(const struct conn *c, char out[16]);

/* The room the chat dialect meets in (--room), or NULL for the lobby. */
const char *load_room(const struct load *ld);

/* c finished logging in and has joined the room. */
void load_logged_in(struct load *ld, struct conn *c);

/* c learned of delta more (or, negative, fewer) room members. */
void load_members(struct load *ld, struct conn *c, int64_t delta);

/* c received one chat message with this text. */
void load_text(struct load *ld, struct conn *c, const char *text, size_t len);

/* c received a typing notice. */
void load_typing(struct load *ld, struct conn *c);

/* The server reported a problem to c (what: a short description for the log). */
void load_server_error(struct load *ld, struct conn *c, const char *what);

#endif
