/* Invite codes (INVITE_CREATE; auth.h). A code is made on the node that takes the
 * request; only its SHA-256 goes into the INVITE_CREATE event (event_account.c stores
 * it). The code itself waits here, by its hash, until the event has applied, then goes
 * to the admin who asked in INVITE, after the commit. */
#include <sodium.h>
#include <string.h>

#include "server/auth.h"
#include "server/client.h"
#include "server/clock.h"
#include "server/event.h"
#include "server/limits.h"
#include "server/server.h"
#include "server/store/store_accounts.h"

/* A code waiting for its event. */
struct invite_waiting {
    uint32_t conn_id;          /* the admin who asked */
    int64_t expires_ms;
    char code[PROTO_MAX_INVITE + 1];
};

static void waiting_free(struct invite_waiting *w)
{
    sodium_memzero(w->code, sizeof w->code);
    g_free(w);
}

/* A new random code into code (PROTO_MAX_INVITE + 1 bytes), its SHA-256 into hash, and
 * when it stops working, counted from now, into *expires_ms. */
static void invite_make(uint32_t minutes, int64_t now, char *code,
                        uint8_t hash[PROTO_SHA256_LEN], int64_t *expires_ms)
{
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789"; /* no l, o, 0, 1 */
    enum { GROUPS = 4, GROUP = 5 };                    /* 20 symbols: 100 random bits */
    char *p = code;
    for (int g = 0; g < GROUPS; g++) {
        if (g > 0)
            *p++ = '-';
        for (int i = 0; i < GROUP; i++)
            *p++ = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    }
    *p = '\0';
    if (minutes == 0)
        minutes = SERVER_DEFAULT_INVITE_MINUTES;
    minutes = MIN(minutes, SERVER_MAX_INVITE_MINUTES);
    crypto_hash_sha256(hash, (const unsigned char *)code, strlen(code));
    *expires_ms = now + (int64_t)minutes * 60000;
}

int moderation_create_invite(struct store *st, int64_t created_by, uint32_t minutes,
                             char *code, int64_t *expires_ms)
{
    uint8_t hash[PROTO_SHA256_LEN];
    int64_t now = clock_wall_ms();
    invite_make(minutes, now, code, hash, expires_ms);
    return store_invite_add(st, hash, created_by, now, *expires_ms);
}

void moderation_invites_init(struct server_accounts *a)
{
    a->invites_waiting = auth_waiting_new((GDestroyNotify)waiting_free);
}

void moderation_invites_free(struct server_accounts *a)
{
    if (a->invites_waiting != NULL)
        g_hash_table_destroy(a->invites_waiting);
    a->invites_waiting = NULL;
}

void moderation_on_invite_create(struct client *c, const struct proto_msg *msg)
{
    const struct proto_invite_create *r = &msg->u.invite_create;
    if (c->role != PROTO_ROLE_ADMIN) {
        client_send_error(c, PROTO_E_NOT_ALLOWED, PROTO_INVITE_CREATE, r->request_id,
                          "Only admins may create invite codes.");
        return;
    }
    struct invite_waiting *w = g_new0(struct invite_waiting, 1);
    w->conn_id = c->id;
    struct event ev = { .type = EVENT_INVITE_CREATE, .u.invite = {
        .creator = c->account_id, .creator_name = c->name, .time_ms = clock_wall_ms(),
    } };
    invite_make(r->valid_minutes, ev.u.invite.time_ms, w->code, ev.u.invite.code_hash,
                &w->expires_ms);
    ev.u.invite.expires_ms = w->expires_ms;
    g_hash_table_insert(c->srv->accounts.invites_waiting,
                        g_bytes_new(ev.u.invite.code_hash, PROTO_SHA256_LEN), w);
    event_log_request(c, &ev, PROTO_INVITE_CREATE, r->request_id);
}

void moderation_invite_applied(struct server *srv, const uint8_t hash[PROTO_SHA256_LEN],
                               const struct deliver_ticket *ticket, bool stored)
{
    struct invite_waiting *w = auth_waiting_take(srv->accounts.invites_waiting, hash);
    if (w == NULL)
        return; /* made on another node */
    struct client *c = deliver_ticket_client(srv, ticket);
    if (stored && c != NULL && c->id == w->conn_id) {
        client_log(c, LOG_INFO, "invite created");
        struct proto_msg reply = {
            .type = PROTO_INVITE,
            .u.invite = { ticket->ref_id, (uint64_t)w->expires_ms, proto_str_of(w->code) },
        };
        auth_deliver(c, &reply, false, PROTO_INVITE_CREATE, ticket->ref_id, NULL, NULL);
    }
    waiting_free(w);
}
