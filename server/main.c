/* chat-server: options, start-up, signals and exit status. The only file that exits.
 * Options come from the configuration file (config.h: its keys become arguments) and
 * then the command line, through one parser, so the command line wins.
 * Signal handlers only set flags; the loop sees them because the signals are blocked
 * except while it waits (pselect with a mask), so none can slip in unnoticed. */
#include <errno.h>
#include <glib.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/accounts_cli.h"
#include "server/cluster_link.h"
#include "server/config.h"
#include "server/ev.h"
#include "server/limits.h"
#include "server/log.h"
#include "server/option_parse.h"
#include "server/server.h"
#include "server/tls.h"
#include "server/store/store.h"
#include "server/systemd.h"

#define SERVER_VERSION CHAT_VERSION /* the Makefile's VERSION */

enum exit_status {
    EXIT_OK = 0,
    EXIT_RUNTIME = 1, /* could not start (port in use, files directory...) or failed */
    EXIT_USAGE = 2,   /* bad command line or configuration file */
};

/* The arguments parse_options() reads (config.h), and where the one being parsed came
 * from: "FILE:LINE", or NULL for the command line. */
static const struct config_args *option_sources;
static const char *option_origin;
static bool log_chosen; /* --log was given: it wins over the journal */

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reopen_requested;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void on_hangup(int sig)
{
    (void)sig;
    reopen_requested = 1;
}

/* The options of the defences against hostile clients (server/guard.h). */
static void print_guard_help(void)
{
    printf("\nDefences against hostile clients (docs/SECURITY.md says why each default):\n"
           "  --msg-limit RATE:BURST   frames a second per connection, file chunks apart,\n"
           "                           and how many may come at once (default %.15g:%.15g)\n"
           "  --byte-limit RATE:BURST  bytes a second of those frames (default %.15g:%.15g)\n"
           "  --file-limit RATE:BURST  file chunk bytes a second per connection (default\n"
           "                           %.15g:%.15g);\n"
           "                           uploads over it are slowed, never dropped\n"
           "  --flood-grace SECS       a client over the frame or byte limit is throttled\n"
           "                           (not read); still over after this long it is dropped\n"
           "                           with RATE_LIMITED (default %.15g)\n"
           "  --max-per-ip N           connections at once from one address, IPv6 by /64\n"
           "                           (default %u); more get SERVER_FULL\n"
           "  --ip-connect-limit RATE:BURST  new connections a second from one address\n"
           "                           (default %.15g:%.15g); more get RATE_LIMITED\n"
           "  --connect-limit RATE:BURST  new connections a second server-wide (default\n"
           "                           %.15g:N, N = --max-clients or the rate if more);\n"
           "                           more get RATE_LIMITED\n"
           "  --limit-loopback         apply the per-address limits to 127.0.0.0/8 and ::1\n"
           "                           too (exempt by default: a local proxy or tunnel\n"
           "                           puts every user there)\n"
           "  --idle-timeout SECS      a connection silent this long gets a PING\n"
           "                           (default %.15g)\n"
           "  --pong-timeout SECS      silent this much longer, it is dropped with TIMEOUT\n"
           "                           (default %.15g)\n"
           "  --no-limits              FOR BENCHMARKS ONLY: turns off the rate limits and\n"
           "                           the per-address caps, leaving the server open to\n"
           "                           floods; never use it on a reachable server\n",
           SERVER_DEFAULT_MSG_RATE, SERVER_DEFAULT_MSG_BURST, SERVER_DEFAULT_BYTE_RATE,
           SERVER_DEFAULT_BYTE_BURST, SERVER_DEFAULT_FILE_RATE, SERVER_DEFAULT_FILE_BURST,
           SERVER_DEFAULT_FLOOD_GRACE_MS / 1000.0, SERVER_DEFAULT_MAX_PER_IP,
           SERVER_DEFAULT_IP_CONNECT_RATE, SERVER_DEFAULT_IP_CONNECT_BURST,
           SERVER_DEFAULT_CONNECT_RATE,
           SERVER_DEFAULT_IDLE_MS / 1000.0, SERVER_DEFAULT_PONG_MS / 1000.0);
}

/* The configuration file read, if it exists, when --config is not given: the installed
 * one (the Makefile sets it for installed builds), none for a build tree. */
#ifdef CHAT_DEFAULT_CONFIG
static const char *const default_config = CHAT_DEFAULT_CONFIG;
#define DEFAULT_CONFIG_HELP CHAT_DEFAULT_CONFIG ", if it exists"
#else
static const char *const default_config = NULL;
#define DEFAULT_CONFIG_HELP "none"
#endif

static void print_help(void)
{
    printf("Usage: chat-server [OPTION]...\n"
           "A chat server: one event loop, many clients, TLS by default.\n\n"
           "  --config PATH            read options from this file first, keys named as\n"
           "                           the long options (default " DEFAULT_CONFIG_HELP ")\n"
           "  --check-config           check the configuration file and options, then exit\n"
           "  --host ADDR              address to listen on (default %s)\n"
           "  --port N                 TCP port, 0 lets the kernel pick (default %u)\n"
           "  --log PATH               event log, appended; - for stderr (default %s, or the\n"
           "                           journal when systemd started the server)\n"
           "  --log-level LEVEL        debug, info, warn or error (default info)\n"
           "  --files-dir DIR          where uploaded files are stored (default %s)\n"
           "  --data-dir DIR           where the database chat.db is kept (default %s,\n"
           "                           the working directory); %s keeps it in memory,\n"
           "                           FOR BENCHMARKS ONLY: nothing survives a restart\n"
           "  --retention-days N       delete messages (and their files) older than N\n"
           "                           days (default %u = forever): checked every %u s,\n"
           "                           at most %u messages per loop pass\n"
           "  --backup PATH            copy the database of --data-dir to the new file\n"
           "                           PATH (a consistent copy, also of a running\n"
           "                           server's database) and exit\n"
           "  --max-clients N          connections at once (default %u); the select poller\n"
           "                           watches descriptors below 1024 only, epoll any\n"
           "  --max-file-size BYTES    largest upload (default %llu = 16 GiB)\n"
           "  --max-uploads N          uploads in flight per connection (default %u)\n"
           "  --max-downloads N        downloads in flight per connection (default %u)\n"
           "  --max-output-queue BYTES\n"
           "                           unsent bytes per client before it is dropped as\n"
           "                           too slow (default %u, at least %u)\n"
           "  --handshake-timeout SECS\n"
           "                           time for the TLS handshake, then again to log in;\n"
           "                           decimals allowed (default %.15g)\n"
           "  --poller NAME            event loop backend: %s (default %s)\n"
           "  --tls-cert FILE          PEM certificate chain for TLS (e.g. Let's Encrypt's\n"
           "                           fullchain.pem); reread on SIGHUP. Default: %s\n"
           "                           in --data-dir, made self-signed (ECDSA P-256) on\n"
           "                           first start\n"
           "  --tls-key FILE           its PEM private key (default %s, made mode 0600)\n"
           "  --fingerprint            print the certificate's SHA-256 fingerprint, exit\n"
           "  --no-tls                 serve plain text: FOR LOOPBACK AND TESTS ONLY, anyone\n"
           "                           on the path can read and change everything\n"
           "  --help                   show this help and exit\n"
           "  --version                show the version and exit\n\n"
           "Fixed limits: %u-byte frames, %u-byte texts, %u-byte file chunks, %u KiB read\n"
           "and %d frames per client per loop pass, downloads read ahead up to %u KiB.\n"
           "TLS: 1.2 or 1.3 only, Mozilla \"intermediate\" ciphers, no compression, no\n"
           "renegotiation. Handshakes run on a helper thread at nice %d, off the event loop.\n"
           "Plain text on the TLS port gets ERROR(TLS_REQUIRED) in plain text and a close.\n"
           "The handshake timeout applies to the TLS handshake, then again to logging in.\n"
           "SIGINT/SIGTERM: tell clients, flush for up to %g s, exit 0. SIGHUP: reopen the log\n"
           "and reload the TLS certificate and key (new connections get them; nobody is\n"
           "dropped).\n",
           SERVER_DEFAULT_HOST, SERVER_DEFAULT_PORT, SERVER_DEFAULT_LOG,
           SERVER_DEFAULT_FILES_DIR, SERVER_DEFAULT_DATA_DIR, STORE_MEMORY,
           SERVER_DEFAULT_RETENTION_DAYS, SERVER_PRUNE_INTERVAL_MS / 1000,
           SERVER_PRUNE_BATCH, SERVER_DEFAULT_MAX_CLIENTS,
           (unsigned long long)SERVER_DEFAULT_MAX_FILE_SIZE, SERVER_DEFAULT_MAX_UPLOADS,
           SERVER_DEFAULT_MAX_DOWNLOADS, SERVER_DEFAULT_MAX_OUTPUT_QUEUE,
           SERVER_MIN_OUTPUT_QUEUE, SERVER_DEFAULT_HANDSHAKE_MS / 1000.0, ev_backend_list(),
           SERVER_DEFAULT_POLLER, SERVER_DEFAULT_TLS_CERT, SERVER_DEFAULT_TLS_KEY,
           PROTO_MAX_PAYLOAD, PROTO_MAX_TEXT, PROTO_MAX_CHUNK,
           SERVER_READ_BUDGET / 1024, SERVER_FRAMES_PER_PASS, SERVER_DOWNLOAD_LOW_WATER / 1024,
           SERVER_TLS_THREAD_NICE, SERVER_SHUTDOWN_FLUSH_MS / 1000.0);
    print_guard_help();
    accounts_print_help();
    printf("\nRooms (fixed limits; docs/PROTOCOL.md section 5.27): an account is in at most %u\n"
           "rooms besides the lobby and its direct messages, a room has at most %u members,\n"
           "and an account creates at most %u rooms an hour. Guests have the lobby only.\n",
           SERVER_ROOMS_PER_ACCOUNT, SERVER_MEMBERS_PER_ROOM, SERVER_ROOMS_CREATED_PER_HOUR);
    printf("\nPresence state (fixed limit; docs/PROTOCOL.md section 5.46): a connection says\n"
           "it is active or away at most %.0f times in a row, then once every %.0f s; the\n"
           "state lives in memory and a login starts active.\n",
           SERVER_PRESENCE_SETS_BURST, 1.0 / SERVER_PRESENCE_SETS_RATE);
    printf("\nHistory (fixed limits; docs/PROTOCOL.md section 5.41): a HISTORY page holds at most\n"
           "%u messages; a RESUME replays at most the %u newest missed messages of a room, then\n"
           "says where the gap is. Either ends after the message that passes %u KiB (a\n"
           "quarter of --max-output-queue if less), and a client's next one waits while its\n"
           "unsent output is above that. Resent texts (same account, client_id, room and\n"
           "text) are answered with the original message instead of being stored again.\n",
           SERVER_HISTORY_MAX_LIMIT, SERVER_RESUME_MAX_PER_ROOM, SERVER_HISTORY_PAGE_BYTES / 1024);
    printf("\nThe live conversation (fixed limits; docs/PROTOCOL.md section 5.48): one typing\n"
           "notice per sender and room reaches the others every %g s; TYPING_SET frames have a\n"
           "budget of their own (%g a second, burst %g; past it reading slows, never a drop);\n"
           "receipts name the readers in rooms of up to %u members, larger rooms get counts\n"
           "(at most one a room every %g s, the latest);\n"
           "a message carries at most %u different emoji (a HISTORY page lists %u reactions\n"
           "per message). Deleted texts are overwritten in the database (secure_delete).\n",
           SERVER_TYPING_RELAY_MS / 1000.0, SERVER_TYPING_RATE, SERVER_TYPING_BURST,
           SERVER_RECEIPT_NAMES_MAX, SERVER_RECEIPT_COUNT_MS / 1000.0,
           SERVER_REACTIONS_PER_MESSAGE, SERVER_HISTORY_REACTIONS);
    printf("\nSearch and thumbnails (fixed limits; docs/PROTOCOL.md section 5.63): a SEARCH has\n"
           "at most %u words and gets at most %u results, ranked among the %u newest matches\n"
           "found within %u ms of CPU time. A thumbnail is a PNG or JPEG of at most %u bytes\n"
           "and %u x %u pixels, checked from its header without decoding it.\n",
           SERVER_SEARCH_MAX_WORDS, SERVER_SEARCH_MAX_RESULTS, SERVER_SEARCH_WINDOW,
           SERVER_SEARCH_BUDGET_MS, SERVER_THUMB_MAX_BYTES, SERVER_THUMB_MAX_SIDE,
           SERVER_THUMB_MAX_SIDE);
    printf("\nSeveral nodes as one chat (docs/CLUSTER.md; NOT USABLE YET: refused at start):\n"
           "  --cluster URL            redis://IP:PORT: share the chat with the other nodes\n"
           "                           through this Redis (an IPv4 address: no lookups)\n"
           "  --node-id N              this node's id, 1..%u, different on every node\n"
           "A Redis reply later than %u ms takes the link down (writes are refused as\n"
           "temporarily unavailable); it is retried after %u ms, doubling up to %u ms.\n"
           "The stream keeps about %u entries (a node further behind is rebuilt from a\n"
           "peer's backup); a node reads at most %u a pass, waiting up to %u ms for news;\n"
           "an entry's event is at most %u bytes.\n",
           CLUSTER_MAX_NODE_ID, CLUSTER_REPLY_TIMEOUT_MS, CLUSTER_RECONNECT_MIN_MS,
           CLUSTER_RECONNECT_MAX_MS, CLUSTER_STREAM_MAXLEN, CLUSTER_READ_BATCH,
           CLUSTER_READ_BLOCK_MS, (unsigned)CLUSTER_MAX_EVENT_BYTES);
}

/* Reports a bad command line and returns the usage exit status. */
static int usage_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "chat-server: ");
    if (option_origin != NULL)
        fprintf(stderr, "%s: ", option_origin);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, option_origin != NULL ? "\n"
                                          : "\nTry 'chat-server --help' for more information.\n");
    va_end(ap);
    return EXIT_USAGE;
}

enum option_id {
    OPT_CONFIG = 256, OPT_CHECK_CONFIG,
    OPT_HOST, OPT_PORT, OPT_LOG, OPT_LOG_LEVEL, OPT_FILES_DIR, OPT_MAX_CLIENTS,
    OPT_MAX_FILE_SIZE, OPT_MAX_UPLOADS, OPT_MAX_DOWNLOADS, OPT_MAX_OUTPUT_QUEUE,
    OPT_HANDSHAKE_TIMEOUT, OPT_POLLER, OPT_HELP, OPT_VERSION,
    OPT_MSG_LIMIT, OPT_BYTE_LIMIT, OPT_FILE_LIMIT, OPT_FLOOD_GRACE, OPT_MAX_PER_IP,
    OPT_IP_CONNECT_LIMIT, OPT_CONNECT_LIMIT, OPT_LIMIT_LOOPBACK, OPT_IDLE_TIMEOUT,
    OPT_PONG_TIMEOUT, OPT_NO_LIMITS, OPT_DATA_DIR, OPT_RETENTION_DAYS, OPT_BACKUP,
    OPT_TLS_CERT, OPT_TLS_KEY, OPT_NO_TLS, OPT_FINGERPRINT, OPT_CLUSTER, OPT_NODE_ID,
    OPT_ACCOUNTS, /* every accounts option (accounts_cli.c tells them apart by name) */
};

static const struct option long_options[] = {
    { "config", required_argument, NULL, OPT_CONFIG },
    { "check-config", no_argument, NULL, OPT_CHECK_CONFIG },
    { "host", required_argument, NULL, OPT_HOST },
    { "port", required_argument, NULL, OPT_PORT },
    { "log", required_argument, NULL, OPT_LOG },
    { "log-level", required_argument, NULL, OPT_LOG_LEVEL },
    { "files-dir", required_argument, NULL, OPT_FILES_DIR },
    { "max-clients", required_argument, NULL, OPT_MAX_CLIENTS },
    { "max-file-size", required_argument, NULL, OPT_MAX_FILE_SIZE },
    { "max-uploads", required_argument, NULL, OPT_MAX_UPLOADS },
    { "max-downloads", required_argument, NULL, OPT_MAX_DOWNLOADS },
    { "max-output-queue", required_argument, NULL, OPT_MAX_OUTPUT_QUEUE },
    { "handshake-timeout", required_argument, NULL, OPT_HANDSHAKE_TIMEOUT },
    { "poller", required_argument, NULL, OPT_POLLER },
    { "help", no_argument, NULL, OPT_HELP },
    { "version", no_argument, NULL, OPT_VERSION },
    { "msg-limit", required_argument, NULL, OPT_MSG_LIMIT },
    { "byte-limit", required_argument, NULL, OPT_BYTE_LIMIT },
    { "file-limit", required_argument, NULL, OPT_FILE_LIMIT },
    { "flood-grace", required_argument, NULL, OPT_FLOOD_GRACE },
    { "max-per-ip", required_argument, NULL, OPT_MAX_PER_IP },
    { "ip-connect-limit", required_argument, NULL, OPT_IP_CONNECT_LIMIT },
    { "connect-limit", required_argument, NULL, OPT_CONNECT_LIMIT },
    { "limit-loopback", no_argument, NULL, OPT_LIMIT_LOOPBACK },
    { "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
    { "pong-timeout", required_argument, NULL, OPT_PONG_TIMEOUT },
    { "no-limits", no_argument, NULL, OPT_NO_LIMITS },
    { "data-dir", required_argument, NULL, OPT_DATA_DIR },
    { "retention-days", required_argument, NULL, OPT_RETENTION_DAYS },
    { "backup", required_argument, NULL, OPT_BACKUP },
    { "registration", required_argument, NULL, OPT_ACCOUNTS },
    { "allow-guests", no_argument, NULL, OPT_ACCOUNTS },
    { "token-days", required_argument, NULL, OPT_ACCOUNTS },
    { "pwhash-memory", required_argument, NULL, OPT_ACCOUNTS },
    { "pwhash-ops", required_argument, NULL, OPT_ACCOUNTS },
    { "hash-threads", required_argument, NULL, OPT_ACCOUNTS },
    { "max-pending-logins", required_argument, NULL, OPT_ACCOUNTS },
    { "login-limit", required_argument, NULL, OPT_ACCOUNTS },
    { "register-limit", required_argument, NULL, OPT_ACCOUNTS },
    { "create-admin", required_argument, NULL, OPT_ACCOUNTS },
    { "create-invite", no_argument, NULL, OPT_ACCOUNTS },
    { "tls-cert", required_argument, NULL, OPT_TLS_CERT },
    { "tls-key", required_argument, NULL, OPT_TLS_KEY },
    { "no-tls", no_argument, NULL, OPT_NO_TLS },
    { "fingerprint", no_argument, NULL, OPT_FINGERPRINT },
    { "cluster", required_argument, NULL, OPT_CLUSTER },
    { "node-id", required_argument, NULL, OPT_NODE_ID },
    { NULL, 0, NULL, 0 },
};

/* Range of each numeric option; -1 when the option is not numeric. */
static int numeric_option(int id, uint64_t *min, uint64_t *max)
{
    switch (id) {
    case OPT_PORT: *min = 0; *max = 65535; return 0;
    case OPT_MAX_CLIENTS: *min = 1; *max = SERVER_MAX_CLIENTS_LIMIT; return 0;
    case OPT_MAX_FILE_SIZE: *min = 0; *max = UINT64_MAX; return 0;
    case OPT_MAX_UPLOADS:
    case OPT_MAX_DOWNLOADS: *min = 0; *max = SERVER_MAX_TRANSFERS_LIMIT; return 0;
    case OPT_MAX_OUTPUT_QUEUE: *min = SERVER_MIN_OUTPUT_QUEUE; *max = SERVER_MAX_OUTPUT_QUEUE;
        return 0;
    case OPT_MAX_PER_IP: *min = 1; *max = SERVER_MAX_CLIENTS_LIMIT; return 0;
    case OPT_RETENTION_DAYS: *min = 0; *max = SERVER_MAX_RETENTION_DAYS; return 0;
    case OPT_NODE_ID: *min = 1; *max = CLUSTER_MAX_NODE_ID; return 0;
    default: return -1;
    }
}

/* The rate limit a --*-limit option sets. */
static struct rate_limit *guard_rate_option(struct guard_config *g, int id)
{
    switch (id) {
    case OPT_MSG_LIMIT: return &g->messages;
    case OPT_BYTE_LIMIT: return &g->bytes;
    case OPT_FILE_LIMIT: return &g->file_bytes;
    case OPT_IP_CONNECT_LIMIT: return &g->ip_connects;
    default: return &g->connects;
    }
}

/* The timer a --flood-grace, --idle-timeout or --pong-timeout option sets. */
static int64_t *guard_timer_option(struct guard_config *g, int id)
{
    switch (id) {
    case OPT_FLOOD_GRACE: return &g->flood_grace_ms;
    case OPT_IDLE_TIMEOUT: return &g->idle_ms;
    default: return &g->pong_ms;
    }
}

/* The directory the server keeps its own state in (chat.db, the generated certificate):
 * --data-dir. Newly allocated. */
static char *state_dir(const struct server_config *cfg)
{
    return g_strdup(cfg->data_dir);
}

/* Fills in the certificate and key paths: both given, or both defaulted into the state
 * directory (and then made on first start). The strings live until exit. */
static int resolve_tls_paths(struct server_config *cfg)
{
    if ((cfg->tls_cert == NULL) != (cfg->tls_key == NULL))
        return usage_error("--tls-cert and --tls-key go together");
    if (cfg->tls_cert != NULL)
        return -1;
    static char *cert, *key;
    char *dir = state_dir(cfg);
    cert = g_build_filename(dir, SERVER_DEFAULT_TLS_CERT, NULL);
    key = g_build_filename(dir, SERVER_DEFAULT_TLS_KEY, NULL);
    g_free(dir);
    cfg->tls_cert = cert;
    cfg->tls_key = key;
    cfg->tls_generate = true;
    return -1;
}

/* --fingerprint: prints the certificate's fingerprint, or says why it cannot. */
static int print_fingerprint(const struct server_config *cfg)
{
    char fingerprint[TLS_FINGERPRINT_MAX], err[512];
    if (tls_cert_fingerprint(cfg->tls_cert, fingerprint, err, sizeof err) != 0) {
        fprintf(stderr, "chat-server: %s%s\n", err, cfg->tls_generate
                ? " (the first start without --no-tls makes it)" : "");
        return EXIT_RUNTIME;
    }
    printf("%s\n", fingerprint);
    return EXIT_OK;
}

/* Checks --cluster and --node-id together. Returns -1 to go on, else the exit status. */
static int check_cluster_options(const struct server_config *cfg)
{
    if (cfg->cluster_url == NULL)
        return cfg->node_id == 0 ? -1 : usage_error("--node-id needs --cluster");
    struct cluster_addr addr;
    char err[512];
    if (!cluster_addr_parse(cfg->cluster_url, &addr, err, sizeof err))
        return usage_error("invalid value for --cluster: %s", err);
    if (cfg->node_id == 0)
        return usage_error("--cluster needs --node-id N (1..%u), different on every node",
                           CLUSTER_MAX_NODE_ID);
    /* Refused until a user can really use it (docs/CLUSTER.md section 10). */
    return usage_error("cluster mode needs accounts, rooms and messages through the Redis "
                       "stream, not built yet (docs/CLUSTER.md); run without --cluster");
}

/* Fills cfg (and *backup_path for --backup, *cmd for the accounts commands) from argv.
 * Returns -1 to go on, else the exit status (help, version, error). */
static int parse_options(int argc, char **argv, struct server_config *cfg,
                         const char **backup_path, struct accounts_command *cmd)
{
    *cfg = (struct server_config){
        .host = SERVER_DEFAULT_HOST, .port = SERVER_DEFAULT_PORT,
        .log_path = SERVER_DEFAULT_LOG, .files_dir = SERVER_DEFAULT_FILES_DIR,
        .data_dir = SERVER_DEFAULT_DATA_DIR,
        .retention_days = SERVER_DEFAULT_RETENTION_DAYS,
        .poller = SERVER_DEFAULT_POLLER, .log_level = LOG_INFO,
        .max_clients = SERVER_DEFAULT_MAX_CLIENTS,
        .max_file_size = SERVER_DEFAULT_MAX_FILE_SIZE,
        .max_uploads = SERVER_DEFAULT_MAX_UPLOADS,
        .max_downloads = SERVER_DEFAULT_MAX_DOWNLOADS,
        .max_output_queue = SERVER_DEFAULT_MAX_OUTPUT_QUEUE,
        .handshake_timeout_ms = SERVER_DEFAULT_HANDSHAKE_MS,
        .tls = true,
        .guard = {
            .enabled = true,
            .messages = { SERVER_DEFAULT_MSG_RATE, SERVER_DEFAULT_MSG_BURST },
            .bytes = { SERVER_DEFAULT_BYTE_RATE, SERVER_DEFAULT_BYTE_BURST },
            .file_bytes = { SERVER_DEFAULT_FILE_RATE, SERVER_DEFAULT_FILE_BURST },
            .connects = { SERVER_DEFAULT_CONNECT_RATE, 0 }, /* burst: max_clients, below */
            .ip_connects = { SERVER_DEFAULT_IP_CONNECT_RATE, SERVER_DEFAULT_IP_CONNECT_BURST },
            .max_per_ip = SERVER_DEFAULT_MAX_PER_IP,
            .flood_grace_ms = SERVER_DEFAULT_FLOOD_GRACE_MS,
            .idle_ms = SERVER_DEFAULT_IDLE_MS,
            .pong_ms = SERVER_DEFAULT_PONG_MS,
        },
    };
    accounts_config_defaults(&cfg->accounts);
    *cmd = (struct accounts_command){ 0 };
    opterr = 0;
    bool want_fingerprint = false;
    int id, index = 0;
    while ((id = getopt_long(argc, argv, "", long_options, &index)) != -1) {
        option_origin = config_args_origin(option_sources, optind - 1);
        const char *name = long_options[index].name;
        uint64_t min, max, value = 0;
        if (numeric_option(id, &min, &max) == 0 && !parse_uint(optarg, min, max, &value)) {
            return usage_error("invalid value '%s' for --%s (expected a whole number in %" PRIu64
                               "..%" PRIu64 ")", optarg, name, min, max);
        }
        switch (id) {
        case OPT_CONFIG:
        case OPT_CHECK_CONFIG:
            break; /* seen by find_config() */
        case OPT_HOST: cfg->host = optarg; break;
        case OPT_PORT: cfg->port = (uint16_t)value; break;
        case OPT_LOG: cfg->log_path = optarg; log_chosen = true; break;
        case OPT_FILES_DIR: cfg->files_dir = optarg; break;
        case OPT_DATA_DIR: cfg->data_dir = optarg; break;
        case OPT_RETENTION_DAYS: cfg->retention_days = (uint32_t)value; break;
        case OPT_BACKUP: *backup_path = optarg; break;
        case OPT_MAX_CLIENTS: cfg->max_clients = (uint32_t)value; break;
        case OPT_MAX_FILE_SIZE: cfg->max_file_size = value; break;
        case OPT_MAX_UPLOADS: cfg->max_uploads = (uint32_t)value; break;
        case OPT_MAX_DOWNLOADS: cfg->max_downloads = (uint32_t)value; break;
        case OPT_MAX_OUTPUT_QUEUE: cfg->max_output_queue = (size_t)value; break;
        case OPT_LOG_LEVEL:
            if (!log_level_parse(optarg, &cfg->log_level))
                return usage_error("invalid log level '%s' (expected debug, info, warn or "
                                   "error)", optarg);
            break;
        case OPT_HANDSHAKE_TIMEOUT:
            if (!parse_seconds_ms(optarg, &cfg->handshake_timeout_ms))
                return usage_error("invalid handshake timeout '%s' (expected seconds > 0)",
                                   optarg);
            break;
        case OPT_MSG_LIMIT:
        case OPT_BYTE_LIMIT:
        case OPT_FILE_LIMIT:
        case OPT_IP_CONNECT_LIMIT:
        case OPT_CONNECT_LIMIT:
            if (!parse_rate_limit(optarg, guard_rate_option(&cfg->guard, id)))
                return usage_error("invalid value '%s' for --%s (expected RATE:BURST, a rate "
                                   "a second of at least %g and a burst of at least 1)",
                                   optarg, name, SERVER_MIN_RATE);
            break;
        case OPT_FLOOD_GRACE:
        case OPT_IDLE_TIMEOUT:
        case OPT_PONG_TIMEOUT:
            if (!parse_seconds_ms(optarg, guard_timer_option(&cfg->guard, id)))
                return usage_error("invalid value '%s' for --%s (expected seconds > 0)",
                                   optarg, name);
            break;
        case OPT_ACCOUNTS: {
            char err[256];
            if (accounts_parse_option(name, optarg, &cfg->accounts, cmd, err, sizeof err) < 0)
                return usage_error("%s", err);
            break;
        }
        case OPT_MAX_PER_IP: cfg->guard.max_per_ip = (uint32_t)value; break;
        case OPT_LIMIT_LOOPBACK: cfg->guard.limit_loopback = true; break;
        case OPT_NO_LIMITS: cfg->guard.enabled = false; break;
        case OPT_TLS_CERT: cfg->tls_cert = optarg; break;
        case OPT_TLS_KEY: cfg->tls_key = optarg; break;
        case OPT_NO_TLS: cfg->tls = false; break;
        case OPT_FINGERPRINT: want_fingerprint = true; break;
        case OPT_CLUSTER: cfg->cluster_url = optarg; break;
        case OPT_NODE_ID: cfg->node_id = (uint32_t)value; break;
        case OPT_POLLER:
            if (!ev_backend_exists(optarg))
                return usage_error("unknown poller '%s' (available: %s)", optarg,
                                   ev_backend_list());
            cfg->poller = optarg;
            break;
        case OPT_HELP:
            print_help();
            return EXIT_OK;
        case OPT_VERSION:
            printf("chat-server %s (protocol version %u)\n", SERVER_VERSION, PROTO_VERSION);
            return EXIT_OK;
        default:
            return usage_error("unrecognized or incomplete option '%s'", argv[optind - 1]);
        }
    }
    option_origin = NULL;
    if (cfg->guard.connects.burst == 0) /* a whole server's clients may reconnect at once */
        cfg->guard.connects.burst = MAX((double)cfg->max_clients, cfg->guard.connects.per_sec);
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    int status = check_cluster_options(cfg);
    if (status >= 0)
        return status;
    status = resolve_tls_paths(cfg);
    if (status >= 0)
        return status;
    return want_fingerprint ? print_fingerprint(cfg) : -1;
}

/* Finds --config and --check-config on the command line with the same parser (so
 * abbreviations work alike); its errors are left for parse_options() to report. */
static void find_config(int argc, char **argv, const char **path, bool *check)
{
    char **copy = g_memdup2(argv, sizeof *argv * (size_t)(argc + 1)); /* getopt permutes */
    opterr = 0;
    optind = 0;
    int id;
    while ((id = getopt_long(argc, copy, "", long_options, NULL)) != -1) {
        if (id == OPT_CONFIG)
            *path = optarg;
        else if (id == OPT_CHECK_CONFIG)
            *check = true;
    }
    g_free(copy);
    optind = 0; /* the next scan starts afresh */
}

/* Gathers the arguments to parse: the configuration file's (path, or NULL when there is
 * none), then the command line's, and makes them the option_sources. Returns -1 to go
 * on, else the exit status. */
static int gather_options(int argc, char **argv, struct config_args *args, const char **path,
                          bool *check)
{
    /* Options that act once and exit rather than configure the server (some come with
     * the store, accounts and TLS: a name that is no option is never looked up). */
    static const char *const command_line_only[] = {
        "config", "check-config", "help", "version", "backup", "create-admin",
        "create-invite", "fingerprint", NULL,
    };
    *path = NULL;
    *check = false;
    find_config(argc, argv, path, check);
    if (*path == NULL && default_config != NULL &&
        g_file_test(default_config, G_FILE_TEST_EXISTS))
        *path = default_config;
    config_args_init(args, argv[0]);
    option_sources = args;
    char err[1024];
    if (*path != NULL &&
        config_args_load(args, *path, long_options, command_line_only, err, sizeof err) != 0) {
        fprintf(stderr, "chat-server: %s\n", err);
        return EXIT_USAGE;
    }
    config_args_add_command_line(args, argc, argv);
    return -1;
}

/* Installs the handlers, blocks the signals they serve (the loop unblocks them only
 * while it waits, through wait_mask) and ignores SIGPIPE and SIGXFSZ (write errors are
 * handled). */
static void setup_signals(sigset_t *wait_mask)
{
    struct sigaction sa = { .sa_handler = on_stop_signal };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_hangup;
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sigaction(SIGXFSZ, &sa, NULL); /* past a file-size limit write() fails with EFBIG and the
                                      upload gets ERROR(STORAGE), instead of a dead server */

    sigset_t served;
    sigemptyset(&served);
    sigaddset(&served, SIGINT);
    sigaddset(&served, SIGTERM);
    sigaddset(&served, SIGHUP);
    sigprocmask(SIG_BLOCK, &served, wait_mask);
    sigdelset(wait_mask, SIGINT);
    sigdelset(wait_mask, SIGTERM);
    sigdelset(wait_mask, SIGHUP);
}

/* chat-server --backup PATH: copies the database and reports the outcome. */
static int run_backup(const char *data_dir, const char *path)
{
    char err[512];
    if (strcmp(data_dir, STORE_MEMORY) == 0) {
        fprintf(stderr, "chat-server: an in-memory database cannot be backed up\n");
        return EXIT_USAGE;
    }
    if (store_backup(data_dir, path, err, sizeof err) != STORE_OK) {
        fprintf(stderr, "chat-server: %s\n", err);
        return EXIT_RUNTIME;
    }
    printf("chat-server: backed up %s/%s to %s\n", data_dir, STORE_DB_NAME, path);
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    struct server_config cfg;
    struct config_args args;
    const char *config_path;
    bool check_only;
    const char *backup_path = NULL;
    struct accounts_command cmd;
    int status = gather_options(argc, argv, &args, &config_path, &check_only);
    if (status < 0)
        status = parse_options((int)args.argv->len - 1, (char **)args.argv->pdata, &cfg,
                               &backup_path, &cmd);
    if (status < 0 && check_only) {
        printf("chat-server: %s: the configuration is valid\n",
               config_path ? config_path : "no configuration file, the command line");
        status = EXIT_OK;
    } else if (status < 0 && backup_path != NULL) {
        status = run_backup(cfg.data_dir, backup_path);
    } else if (status < 0 && (cmd.create_admin != NULL || cmd.create_invite)) {
        status = accounts_run_command(&cmd, &cfg);
    }
    if (status >= 0) {
        config_args_free(&args);
        return status;
    }

    sigset_t wait_mask;
    setup_signals(&wait_mask);
    char err[512];
    if (!log_chosen && systemd_stderr_is_journal())
        cfg.log_path = "-"; /* run by systemd: the journal keeps the log */
    if (log_open(cfg.log_path, cfg.log_level, err, sizeof err) != 0) {
        fprintf(stderr, "chat-server: %s\n", err);
        config_args_free(&args);
        return EXIT_RUNTIME;
    }
    struct server srv;
    if (server_start(&srv, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "chat-server: %s\n", err);
        log_event(LOG_ERROR, 0, NULL, NULL, "start failed: %s", err);
        server_free(&srv);
        log_close();
        config_args_free(&args);
        return EXIT_RUNTIME;
    }
    if (srv.tls != NULL)
        printf("chat-server TLS certificate%s SHA-256 fingerprint %s\n",
               srv.tls_generated ? " (self-signed, new)" : "", tls_server_fingerprint(srv.tls));
    printf("chat-server listening on %s\n", srv.listen_addr);
    fflush(stdout);
    systemd_notify_ready(srv.listen_addr);

    status = server_run(&srv, &stop_requested, &reopen_requested, &wait_mask) == 0
        ? EXIT_OK : EXIT_RUNTIME;
    server_free(&srv);
    log_event(LOG_INFO, 0, NULL, NULL, "stop");
    log_close();
    config_args_free(&args);
    return status;
}
