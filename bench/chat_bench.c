/* chat-bench: a load generator for chat-server (our protocol) and IRC servers.
 *
 * Modes:
 *   (default)       N clients in one room, S senders, latency of every delivery
 *   --idle          N clients log in and hold; server memory per connection
 *   --file PATH     upload PATH to chat-server, then download it again
 *   --tcp-sink OUT  accept one loopback connection and write what arrives to OUT
 *   --tcp-send PATH send PATH to a --tcp-sink: the plain TCP baseline for --file
 *   --tls           (with the modes that talk to chat-server) over TLS
 *   --logins KIND   password or token logins to accounts, PING answered meanwhile
 *
 * Each mode prints one machine-readable line "RESULT key=value ..." and a short human
 * summary. Exit status: 0 all well, 1 the run finished but deliveries were missing or
 * the server complained, 2 bad usage, 3 the run could not be completed. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/load.h"
#include "bench/logins.h"
#include "bench/net.h"
#include "bench/report.h"
#include "bench/text.h"
#include "bench/tls.h"
#include "bench/transfer.h"

#define EXIT_MISSING 1
#define EXIT_USAGE 2
#define EXIT_FAILED 3
#define MAX_SECONDS 86400.0
#define MAX_RATE 1e7

enum mode { MODE_LOAD, MODE_IDLE, MODE_FILE, MODE_TCP_SINK, MODE_TCP_SEND, MODE_LOGINS };

struct options {
    enum mode mode;
    struct load_opts load;
    struct transfer_opts transfer;
    struct logins_opts logins;
    const char *host;
    const char *hist_out;
    bool port_given;
    bool tls;
};

static void usage(FILE *out)
{
    fputs("usage: chat-bench [options]\n"
          "  --proto chat|irc|floor protocol to speak (chat; floor: bench/floor-relay)\n"
          "  --host ADDR            server address, loopback only (127.0.0.1)\n"
          "  --port N               server port (required, or --ports)\n"
          "  --ports P1,P2,...      several servers (cluster nodes, up to 8): connection i\n"
          "                         goes to the (i mod count)-th, senders and receivers alike\n"
          "  --clients N            members of the room (100)\n"
          "  --senders S            members that send (10)\n"
          "  --size B               bytes per text, 40..8192 (irc: ..400) (64)\n"
          "  --duration SECONDS     sending time; with --idle, holding time (10)\n"
          "  --rate R               messages per second in total; 0 = closed loop (0)\n"
          "  --window W             per sender, messages not yet delivered to all (8)\n"
          "  --drain SECONDS        wait for outstanding deliveries after sending (10)\n"
          "  --login-window N       connections logging in at once (64)\n"
          "  --room NAME            chat: each client registers an account (the server\n"
          "                         must take registrations) and joins room NAME (the\n"
          "                         first creates it); texts go there, not to the lobby\n"
          "  --typists T            chat: the last T clients (not senders) send typing\n"
          "                         notices while the senders send (0)\n"
          "  --typing-rate R        notices per second from each typist (20: the\n"
          "                         server's typing budget)\n"
          "  --login-timeout SECONDS  to log in all clients (60)\n"
          "  --server-pid P         measure this process's CPU time and memory (--file: per GiB\n"
          "                         of each phase)\n"
          "  --cpu-pid P            also measure this process's CPU time over the sending\n"
          "                         (repeatable, up to 8: pidI_cpu_s in RESULT)\n"
          "  --hist-out PATH        write the latency CDF (ns fraction) to PATH\n"
          "  --idle                 log in, hold, report server memory per connection\n"
          "  --file PATH            upload PATH to chat-server, then download it\n"
          "  --download-to PATH     where --file writes the download (/dev/null)\n"
          "  --tcp-sink OUT         receive one TCP stream into OUT (--port, 0 = any)\n"
          "  --tcp-send PATH        send PATH to a --tcp-sink on --port\n"
          "  --timeout SECONDS      bound of a transfer mode (600)\n"
          "  --logins password|token  register --accounts accounts, then log them in again\n"
          "                         and again (--login-window at once) for --duration, or\n"
          "                         --count logins, while a guest connection PINGs\n"
          "                         (needs a server with --allow-guests)\n"
          "  --accounts N           accounts for --logins (64)\n"
          "  --count N              --logins: stop after N logins (0: run for --duration)\n"
          "  --tls                  speak TLS to chat-server (load, --idle and --file)\n",
          out);
}

static bool parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < min || v > max)
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool parse_number(const char *s, double max, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || !(v >= 0) || v > max)
        return false;
    *out = v;
    return true;
}

/* --ports: a comma-separated list of up to LOAD_MAX_SERVERS ports. */
static bool parse_ports(const char *arg, struct load_opts *l)
{
    char buf[LOAD_MAX_SERVERS * 6 + 1];
    if (strlen(arg) >= sizeof buf)
        return false;
    strcpy(buf, arg);
    l->nports = 0;
    char *save = NULL;
    for (char *p = strtok_r(buf, ",", &save); p != NULL; p = strtok_r(NULL, ",", &save)) {
        uint32_t v;
        if (l->nports == LOAD_MAX_SERVERS || !parse_u32(p, 1, 65535, &v))
            return false;
        l->ports[l->nports++] = (uint16_t)v;
    }
    l->port = l->ports[0];
    return l->nports > 0;
}

/* Applies one option; false (with a message printed) when its value is bad. */
static bool option_set(struct options *o, int id, const char *arg)
{
    uint32_t v = 0;
    bool ok = true;
    switch (id) {
    case 'P':
        ok = strcmp(arg, "chat") == 0 || strcmp(arg, "irc") == 0 || strcmp(arg, "floor") == 0;
        o->load.dialect = strcmp(arg, "irc") == 0     ? &dialect_irc
                          : strcmp(arg, "floor") == 0 ? &dialect_floor
                                                      : &dialect_chat;
        break;
    case 'H': o->host = arg; break;
    case 'p':
        ok = parse_u32(arg, 0, 65535, &v);
        o->load.port = (uint16_t)v;
        o->load.nports = 0;
        o->port_given = true;
        break;
    case 'M':
        ok = parse_ports(arg, &o->load);
        o->port_given = true;
        break;
    case 'c':
        ok = o->load.ncpu_pids < LOAD_MAX_SERVERS && parse_u32(arg, 1, 4194304, &v);
        if (ok)
            o->load.cpu_pids[o->load.ncpu_pids++] = (pid_t)v;
        break;
    case 'n': ok = parse_u32(arg, 2, 1000000, &o->load.clients); break;
    case 's': ok = parse_u32(arg, 1, 999999, &o->load.senders); break;
    case 'b': ok = parse_u32(arg, TEXT_MIN_SIZE, PROTO_MAX_TEXT, &o->load.size); break;
    case 'w': ok = parse_u32(arg, 1, 1000000, &o->load.window); break;
    case 'L': ok = parse_u32(arg, 1, 1000000, &o->load.login_window); break;
    case 'i': ok = parse_u32(arg, 1, 4194304, &v); o->load.server_pid = (pid_t)v;
        o->transfer.server_pid = (pid_t)v;
        break;
    case 'd': ok = parse_number(arg, MAX_SECONDS, &o->load.duration_s); break;
    case 'r': ok = parse_number(arg, MAX_RATE, &o->load.rate); break;
    case 'D': ok = parse_number(arg, MAX_SECONDS, &o->load.drain_s); break;
    case 'T': ok = parse_number(arg, MAX_SECONDS, &o->load.login_timeout_s); break;
    case 't': ok = parse_number(arg, MAX_SECONDS, &o->transfer.timeout_s); break;
    case 'o': o->hist_out = arg; break;
    case 'I': o->mode = MODE_IDLE; break;
    case 'R': o->load.room = arg; break;
    case 'y': ok = parse_u32(arg, 0, 1000000, &o->load.typists); break;
    case 'Y': ok = parse_number(arg, MAX_RATE, &o->load.typing_rate) && o->load.typing_rate > 0;
        break;
    case 'f': o->mode = MODE_FILE; o->transfer.path = arg; break;
    case 'O': o->transfer.download_to = arg; break;
    case 'K': o->mode = MODE_TCP_SINK; o->transfer.path = arg; break;
    case 'S': o->mode = MODE_TCP_SEND; o->transfer.path = arg; break;
    case 'E': o->tls = true; break;
    case 'G':
        o->mode = MODE_LOGINS;
        ok = strcmp(arg, "password") == 0 || strcmp(arg, "token") == 0;
        o->logins.kind = strcmp(arg, "token") == 0 ? LOGIN_TOKEN_KIND : LOGIN_PASSWORD;
        break;
    case 'A': ok = parse_u32(arg, 1, 1024, &o->logins.accounts); break;
    case 'C': ok = parse_u32(arg, 0, 100000000, &o->logins.count); break;
    default: ok = false; break;
    }
    if (!ok)
        fprintf(stderr, "chat-bench: bad value '%s'\n", arg ? arg : "");
    return ok;
}

/* Cross-option checks; false with a message when the combination makes no sense. */
static bool options_check(struct options *o)
{
    char err[160];
    const struct load_opts *l = &o->load;
    if (!net_loopback_addr(o->host, &o->load.addr, err, sizeof err)) {
        fprintf(stderr, "chat-bench: %s\n", err);
        return false;
    }
    o->transfer.addr = o->load.addr;
    o->transfer.port = o->load.port;
    if (!o->port_given && o->mode != MODE_TCP_SINK) {
        fputs("chat-bench: --port is required\n", stderr);
        return false;
    }
    if (o->load.nports == 0) {
        o->load.ports[0] = o->load.port;
        o->load.nports = 1;
    }
    if (l->senders > l->clients) {
        fputs("chat-bench: --senders must not exceed --clients\n", stderr);
        return false;
    }
    if (l->typists > 0 && (l->typists > l->clients - l->senders || !l->dialect->send_typing)) {
        fputs("chat-bench: --typists must not exceed --clients minus --senders (chat only)\n",
              stderr);
        return false;
    }
    if (l->size > l->dialect->max_text) {
        fprintf(stderr, "chat-bench: --size over %zu, the most %s carries\n",
                l->dialect->max_text, l->dialect->name);
        return false;
    }
    return true;
}

static int run_load(const struct options *o)
{
    struct load_result *res = malloc(sizeof *res);
    if (res == NULL)
        return EXIT_FAILED;
    load_run(&o->load, res);
    report_load(stdout, &o->load, res);
    if (o->hist_out != NULL && !report_write_cdf(o->hist_out, res))
        fprintf(stderr, "chat-bench: cannot write %s\n", o->hist_out);
    int status = !res->ok ? EXIT_FAILED : report_load_clean(&o->load, res) ? 0 : EXIT_MISSING;
    free(res);
    return status;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "proto", required_argument, NULL, 'P' },
        { "host", required_argument, NULL, 'H' },
        { "port", required_argument, NULL, 'p' },
        { "ports", required_argument, NULL, 'M' },
        { "cpu-pid", required_argument, NULL, 'c' },
        { "clients", required_argument, NULL, 'n' },
        { "senders", required_argument, NULL, 's' },
        { "size", required_argument, NULL, 'b' },
        { "duration", required_argument, NULL, 'd' },
        { "rate", required_argument, NULL, 'r' },
        { "window", required_argument, NULL, 'w' },
        { "drain", required_argument, NULL, 'D' },
        { "login-window", required_argument, NULL, 'L' },
        { "room", required_argument, NULL, 'R' },
        { "typists", required_argument, NULL, 'y' },
        { "typing-rate", required_argument, NULL, 'Y' },
        { "login-timeout", required_argument, NULL, 'T' },
        { "server-pid", required_argument, NULL, 'i' },
        { "hist-out", required_argument, NULL, 'o' },
        { "idle", no_argument, NULL, 'I' },
        { "file", required_argument, NULL, 'f' },
        { "download-to", required_argument, NULL, 'O' },
        { "tcp-sink", required_argument, NULL, 'K' },
        { "tcp-send", required_argument, NULL, 'S' },
        { "timeout", required_argument, NULL, 't' },
        { "tls", no_argument, NULL, 'E' },
        { "logins", required_argument, NULL, 'G' },
        { "accounts", required_argument, NULL, 'A' },
        { "count", required_argument, NULL, 'C' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct options o = {
        .mode = MODE_LOAD,
        .host = "127.0.0.1",
        .load = { .dialect = &dialect_chat, .clients = 100, .senders = 10, .size = 64,
                  .window = 8, .login_window = 64, .duration_s = 10, .drain_s = 10,
                  .login_timeout_s = 60, .typing_rate = 20 },
        .transfer = { .download_to = "/dev/null", .timeout_s = 600 },
        .logins = { .accounts = 64 },
    };
    int id;
    while ((id = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (id == 'h') {
            usage(stdout);
            return 0;
        }
        if (id == '?' || !option_set(&o, id, optarg)) {
            fputs("Try 'chat-bench --help'.\n", stderr);
            return EXIT_USAGE;
        }
    }
    if (optind != argc || !options_check(&o)) {
        fputs("Try 'chat-bench --help'.\n", stderr);
        return EXIT_USAGE;
    }
    o.load.idle = o.mode == MODE_IDLE;
    char err[160];
    if (o.tls && !bench_tls_init(err, sizeof err)) {
        fprintf(stderr, "chat-bench: %s\n", err);
        return EXIT_FAILED;
    }
    switch (o.mode) {
    case MODE_FILE:
        return transfer_file(&o.transfer) ? 0 : EXIT_FAILED;
    case MODE_TCP_SINK:
        return transfer_tcp_sink(&o.transfer) ? 0 : EXIT_FAILED;
    case MODE_TCP_SEND:
        return transfer_tcp_send(&o.transfer) ? 0 : EXIT_FAILED;
    case MODE_LOGINS:
        o.logins.addr = o.load.addr;
        o.logins.port = o.load.port;
        o.logins.window = o.load.login_window;
        o.logins.duration_s = o.load.duration_s;
        o.logins.timeout_s = o.load.login_timeout_s;
        return logins_run(&o.logins) ? 0 : EXIT_FAILED;
    default:
        return run_load(&o);
    }
}
