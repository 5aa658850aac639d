/* Login benchmarks against chat-server's accounts (chat-bench --logins password|token):
 * the rate of password logins (Argon2id on the server's workers) while a separate
 * connection measures how fast the event loop still answers PING, and the time of a
 * number of token logins (no Argon2 at all). */
#ifndef BENCH_LOGINS_H
#define BENCH_LOGINS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

enum login_kind { LOGIN_PASSWORD, LOGIN_TOKEN_KIND };

struct logins_opts {
    struct in_addr addr;
    uint16_t port;
    enum login_kind kind;
    uint32_t accounts;      /* registered first; each logs in again and again */
    uint32_t window;        /* logins in flight at once (at most accounts) */
    uint32_t count;         /* stop after this many logins (0: run for duration_s) */
    double duration_s;
    double timeout_s;       /* bound of the whole run */
};

/* Runs the benchmark, prints the RESULT line and a summary; true if it completed. */
bool logins_run(const struct logins_opts *opt);

#endif
