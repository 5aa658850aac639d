/* The accounts options and shell commands of chat-server; see accounts_cli.h. */
#include "server/accounts_cli.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/validate.h"
#include "server/auth.h"
#include "server/clock.h"
#include "server/limits.h"
#include "server/option_parse.h"
#include "server/password.h"
#include "server/store/store_accounts.h"
#include "server/store/store_cluster.h"

void accounts_config_defaults(struct accounts_config *cfg)
{
    *cfg = (struct accounts_config){
        .registration = REGISTRATION_AUTO,
        .allow_guests = false,
        .pwhash_ops = SERVER_DEFAULT_PWHASH_OPS,
        .pwhash_mem_bytes = (size_t)SERVER_DEFAULT_PWHASH_MIB << 20,
        .hash_threads = SERVER_DEFAULT_HASH_THREADS,
        .max_pending_logins = SERVER_DEFAULT_MAX_PENDING_LOGINS,
        .token_ms = (int64_t)SERVER_DEFAULT_TOKEN_DAYS * 86400000,
        .login_limit = { SERVER_DEFAULT_LOGIN_RATE, SERVER_DEFAULT_LOGIN_BURST },
        .register_limit = { SERVER_DEFAULT_REGISTER_RATE, SERVER_DEFAULT_REGISTER_BURST },
    };
}

/* Parses a whole number option into *out, or fills err. */
static int number(const char *name, const char *arg, uint64_t min, uint64_t max,
                  uint64_t *out, char *err, size_t errlen)
{
    if (parse_uint(arg, min, max, out))
        return 1;
    snprintf(err, errlen, "invalid value '%s' for --%s (expected a whole number in %llu..%llu)",
             arg, name, (unsigned long long)min, (unsigned long long)max);
    return -1;
}

int accounts_parse_option(const char *name, const char *arg, struct accounts_config *cfg,
                          struct accounts_command *cmd, char *err, size_t errlen)
{
    uint64_t v;
    int ok;
    if (strcmp(name, "registration") == 0) {
        static const char *const names[] = { "open", "invite", "closed" };
        static const enum registration_policy values[] = {
            REGISTRATION_OPEN, REGISTRATION_INVITE, REGISTRATION_CLOSED,
        };
        for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
            if (strcmp(arg, names[i]) == 0) {
                cfg->registration = values[i];
                return 1;
            }
        }
        snprintf(err, errlen, "invalid registration policy '%s' (expected open, invite or "
                 "closed)", arg);
        return -1;
    }
    if (strcmp(name, "allow-guests") == 0) {
        cfg->allow_guests = true;
        return 1;
    }
    if (strcmp(name, "create-admin") == 0) {
        cmd->create_admin = arg;
        return 1;
    }
    if (strcmp(name, "create-invite") == 0) {
        cmd->create_invite = true;
        return 1;
    }
    if (strcmp(name, "login-limit") == 0 || strcmp(name, "register-limit") == 0) {
        struct rate_limit *limit = name[0] == 'l' ? &cfg->login_limit : &cfg->register_limit;
        if (parse_rate_limit(arg, limit))
            return 1;
        snprintf(err, errlen, "invalid value '%s' for --%s (expected RATE:BURST, a rate a "
                 "second of at least %g and a burst of at least 1)", arg, name, SERVER_MIN_RATE);
        return -1;
    }
    if (strcmp(name, "token-days") == 0) {
        if ((ok = number(name, arg, 1, SERVER_MAX_TOKEN_DAYS, &v, err, errlen)) > 0)
            cfg->token_ms = (int64_t)v * 86400000;
        return ok;
    }
    if (strcmp(name, "pwhash-memory") == 0) {
        if ((ok = number(name, arg, SERVER_MIN_PWHASH_MIB, SERVER_MAX_PWHASH_MIB, &v, err,
                         errlen)) > 0)
            cfg->pwhash_mem_bytes = (size_t)v << 20;
        return ok;
    }
    if (strcmp(name, "pwhash-ops") == 0) {
        if ((ok = number(name, arg, SERVER_MIN_PWHASH_OPS, SERVER_MAX_PWHASH_OPS, &v, err,
                         errlen)) > 0)
            cfg->pwhash_ops = v;
        return ok;
    }
    if (strcmp(name, "hash-threads") == 0) {
        if ((ok = number(name, arg, 1, SERVER_MAX_HASH_THREADS, &v, err, errlen)) > 0)
            cfg->hash_threads = (uint32_t)v;
        return ok;
    }
    if (strcmp(name, "max-pending-logins") == 0) {
        if ((ok = number(name, arg, 1, SERVER_MAX_CLIENTS_LIMIT, &v, err, errlen)) > 0)
            cfg->max_pending_logins = (uint32_t)v;
        return ok;
    }
    return 0;
}

void accounts_print_help(void)
{
    printf("\nAccounts (docs/SECURITY.md):\n"
           "  --registration POLICY    open, invite (an admin's invite code needed) or\n"
           "                           closed; default open while --host is a loopback\n"
           "                           address, invite otherwise. The first account\n"
           "                           registered becomes admin\n"
           "  --allow-guests           also accept HELLO, the name-only guest login (off by\n"
           "                           default); guests cannot use a registered name\n"
           "  --token-days N           session tokens expire after N days (default %u)\n"
           "  --pwhash-memory MIB      Argon2id memory per password hash (default %u, libsodium\n"
           "                           INTERACTIVE; at least %u, OWASP's minimum)\n"
           "  --pwhash-ops N           Argon2id passes (default %u, at least %u)\n"
           "  --hash-threads N         worker threads hashing passwords (default: one less\n"
           "                           than the processors, at least 1)\n"
           "  --max-pending-logins N   password checks queued or running at once; more get\n"
           "                           BUSY and retry (default %u)\n"
           "  --login-limit RATE:BURST failed logins a second per address and per account\n"
           "                           (default %.2g:%.15g); more get THROTTLED with the wait\n"
           "  --register-limit RATE:BURST  registrations a second per address (default\n"
           "                           %.2g:%.15g)\n"
           "  --create-admin NAME      create an admin account NAME in --data-dir's database\n"
           "                           with the password read from stdin, then exit\n"
           "  --create-invite          print a new single-use invite code (valid %u days)\n"
           "                           stored in --data-dir's database, then exit\n",
           SERVER_DEFAULT_TOKEN_DAYS, SERVER_DEFAULT_PWHASH_MIB, SERVER_MIN_PWHASH_MIB,
           SERVER_DEFAULT_PWHASH_OPS, SERVER_MIN_PWHASH_OPS, SERVER_DEFAULT_MAX_PENDING_LOGINS, SERVER_DEFAULT_LOGIN_RATE,
           SERVER_DEFAULT_LOGIN_BURST, SERVER_DEFAULT_REGISTER_RATE,
           SERVER_DEFAULT_REGISTER_BURST, SERVER_DEFAULT_INVITE_MINUTES / (24 * 60));
}

/* Reads one line (the password) from stdin without its line end into buf (cap bytes).
 * False if there is none or it is too long. */
static bool read_password(char *buf, size_t cap)
{
    if (isatty(STDIN_FILENO))
        fprintf(stderr, "Password (it will be shown as you type; prefer a pipe): ");
    if (fgets(buf, (int)cap, stdin) == NULL)
        return false;
    size_t len = strcspn(buf, "\r\n");
    if (buf[len] == '\0' && len == cap - 1)
        return false; /* no line end within cap: longer than allowed */
    buf[len] = '\0';
    return true;
}

/* --create-admin NAME: the account, made with the server's own rules. */
static int create_admin(struct store *st, const char *name, const struct accounts_config *cfg)
{
    enum name_status ns = name_check(name, strlen(name));
    if (ns != NAME_OK) {
        fprintf(stderr, "chat-server: %s\n", name_status_text(ns));
        return 1;
    }
    char *key = name_fold_key(name, strlen(name));
    struct store_account existing = { 0 };
    int found = store_account_find(st, key, &existing);
    store_account_clear(&existing);
    char password[PROTO_MAX_PASSWORD + 2], hash[PASSWORD_HASH_MAX];
    int status = 1;
    int64_t id;
    enum password_status ps;
    struct pwhash_params params = { cfg->pwhash_ops, cfg->pwhash_mem_bytes };
    if (found != 0)
        fprintf(stderr, "chat-server: %s\n", found < 0 ? store_error(st)
                : "that name (or one that looks like it) is already registered");
    else if (!read_password(password, sizeof password))
        fprintf(stderr, "chat-server: no password on stdin (or longer than %u bytes)\n",
                PROTO_MAX_PASSWORD);
    else if ((ps = password_check(password, strlen(password), name)) != PASSWORD_OK)
        fprintf(stderr, "chat-server: %s\n", password_status_text(ps));
    else if (!password_hash(&params, password, strlen(password), hash))
        fprintf(stderr, "chat-server: cannot hash the password (out of memory?)\n");
    else if (store_account_add(st, name, key, hash, PROTO_ROLE_ADMIN, clock_wall_ms(), &id) !=
                 STORE_OK || store_commit(st) != STORE_OK)
        fprintf(stderr, "chat-server: %s\n", store_error(st));
    else {
        printf("chat-server: admin account '%s' created (id %lld)\n", name, (long long)id);
        status = 0;
    }
    sodium_memzero(password, sizeof password);
    g_free(key);
    return status;
}

/* --create-invite: a code from the shell (created_by 0). */
static int create_invite(struct store *st)
{
    char code[PROTO_MAX_INVITE + 1];
    int64_t expires_ms;
    if (moderation_create_invite(st, 0, 0, code, &expires_ms) != STORE_OK ||
        store_commit(st) != STORE_OK) {
        fprintf(stderr, "chat-server: %s\n", store_error(st));
        return 1;
    }
    printf("%s\n", code);
    return 0;
}

/* True (with the reason on stderr) when st belongs to a cluster node that has applied
 * stream entries: an account or invite written here would exist on this node alone, and
 * the next account the stream makes would get a different id here than on its peers. */
static bool cluster_store_refuses(struct store *st)
{
    struct store_cluster cluster;
    if (store_cluster_read(st, &cluster) != STORE_OK) {
        fprintf(stderr, "chat-server: %s\n", store_error(st));
        return true;
    }
    bool refuses = cluster.last_id != NULL;
    if (refuses)
        fprintf(stderr, "chat-server: this store belongs to cluster node %u, which has applied"
                        " entries of %s: an account or invite made here would exist on this"
                        " node alone. Register through a running node (an admin then grants"
                        " the role), or ask a running node for an invite; see docs/CLUSTER.md"
                        "\n", (unsigned)cluster.node, cluster.stream);
    store_cluster_clear(&cluster);
    return refuses;
}

int accounts_run_command(const struct accounts_command *cmd, const struct server_config *cfg)
{
    char err[512];
    struct store *st = NULL;
    if (!password_init()) {
        fprintf(stderr, "chat-server: libsodium cannot be initialised\n");
        return 1;
    }
    if (store_open(cfg->data_dir, &st, err, sizeof err) != STORE_OK) {
        fprintf(stderr, "chat-server: %s\n", err);
        return 1;
    }
    int status = cluster_store_refuses(st) ? 1
                 : cmd->create_admin != NULL ? create_admin(st, cmd->create_admin, &cfg->accounts)
                                             : create_invite(st);
    store_close(st);
    return status;
}
