/* chat-server's options (options.h): the option table, the parser that fills a
 * server_config from the configuration file's arguments and the command line's, and the
 * checks of options that only make sense together. */
#include <getopt.h>
#include <glib.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "server/cluster_link.h"
#include "server/ev.h"
#include "server/limits.h"
#include "server/log.h"
#include "server/option_parse.h"
#include "server/options.h"
#include "server/tls.h"

#define SERVER_VERSION CHAT_VERSION /* the Makefile's VERSION */

/* The configuration file read, if it exists, when --config is not given: the installed
 * one (the Makefile sets it for installed builds), none for a build tree. */
#ifdef CHAT_DEFAULT_CONFIG
static const char *const default_config = CHAT_DEFAULT_CONFIG;
#else
static const char *const default_config = NULL;
#endif

/* The arguments parse_options() reads (config.h), and where the one being parsed came
 * from: "FILE:LINE", or NULL for the command line. */
static const struct config_args *option_sources;
static const char *option_origin;

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
    return -1;
}


/* The configuration before any option: every default from limits.h. */
static void config_defaults(struct server_config *cfg)
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
}

/* Applies one of the defences' options (guard.h). Returns -1 to go on, else the exit
 * status. */
static int apply_guard_option(int id, const char *name, uint64_t value,
                              struct guard_config *g)
{
    switch (id) {
    case OPT_MSG_LIMIT:
    case OPT_BYTE_LIMIT:
    case OPT_FILE_LIMIT:
    case OPT_IP_CONNECT_LIMIT:
    case OPT_CONNECT_LIMIT:
        if (!parse_rate_limit(optarg, guard_rate_option(g, id)))
            return usage_error("invalid value '%s' for --%s (expected RATE:BURST, a rate "
                               "a second of at least %g and a burst of at least 1)",
                               optarg, name, SERVER_MIN_RATE);
        return -1;
    case OPT_FLOOD_GRACE:
    case OPT_IDLE_TIMEOUT:
    case OPT_PONG_TIMEOUT:
        if (!parse_seconds_ms(optarg, guard_timer_option(g, id)))
            return usage_error("invalid value '%s' for --%s (expected seconds > 0)",
                               optarg, name);
        return -1;
    case OPT_MAX_PER_IP: g->max_per_ip = (uint32_t)value; return -1;
    case OPT_LIMIT_LOOPBACK: g->limit_loopback = true; return -1;
    case OPT_NO_LIMITS: g->enabled = false; return -1;
    default: return usage_error("option --%s is not handled", name); /* a missing case */
    }
}

/* Applies the option getopt_long() just returned (its argument in optarg, already
 * parsed into value when numeric). Returns -1 to go on, else the exit status. */
static int apply_option(int id, const char *name, uint64_t value, struct server_config *cfg,
                        struct options_request *req, bool *want_fingerprint)
{
    switch (id) {
    case OPT_CONFIG:
    case OPT_CHECK_CONFIG:
        return -1; /* seen by find_config() */
    case OPT_HOST: cfg->host = optarg; return -1;
    case OPT_PORT: cfg->port = (uint16_t)value; return -1;
    case OPT_LOG: cfg->log_path = optarg; req->log_chosen = true; return -1;
    case OPT_FILES_DIR: cfg->files_dir = optarg; return -1;
    case OPT_DATA_DIR: cfg->data_dir = optarg; return -1;
    case OPT_RETENTION_DAYS: cfg->retention_days = (uint32_t)value; return -1;
    case OPT_BACKUP: req->backup_path = optarg; return -1;
    case OPT_MAX_CLIENTS: cfg->max_clients = (uint32_t)value; return -1;
    case OPT_MAX_FILE_SIZE: cfg->max_file_size = value; return -1;
    case OPT_MAX_UPLOADS: cfg->max_uploads = (uint32_t)value; return -1;
    case OPT_MAX_DOWNLOADS: cfg->max_downloads = (uint32_t)value; return -1;
    case OPT_MAX_OUTPUT_QUEUE: cfg->max_output_queue = (size_t)value; return -1;
    case OPT_LOG_LEVEL:
        if (!log_level_parse(optarg, &cfg->log_level))
            return usage_error("invalid log level '%s' (expected debug, info, warn or "
                               "error)", optarg);
        return -1;
    case OPT_HANDSHAKE_TIMEOUT:
        if (!parse_seconds_ms(optarg, &cfg->handshake_timeout_ms))
            return usage_error("invalid handshake timeout '%s' (expected seconds > 0)",
                               optarg);
        return -1;
    case OPT_ACCOUNTS: {
        char err[256];
        if (accounts_parse_option(name, optarg, &cfg->accounts, &req->accounts, err,
                                  sizeof err) < 0)
            return usage_error("%s", err);
        return -1;
    }
    case OPT_TLS_CERT: cfg->tls_cert = optarg; return -1;
    case OPT_TLS_KEY: cfg->tls_key = optarg; return -1;
    case OPT_NO_TLS: cfg->tls = false; return -1;
    case OPT_FINGERPRINT: *want_fingerprint = true; return -1;
    case OPT_CLUSTER: cfg->cluster_url = optarg; return -1;
    case OPT_NODE_ID: cfg->node_id = (uint32_t)value; return -1;
    case OPT_POLLER:
        if (!ev_backend_exists(optarg))
            return usage_error("unknown poller '%s' (available: %s)", optarg,
                               ev_backend_list());
        cfg->poller = optarg;
        return -1;
    case OPT_HELP:
        options_print_help();
        return EXIT_OK;
    case OPT_VERSION:
        printf("chat-server %s (protocol version %u)\n", SERVER_VERSION, PROTO_VERSION);
        return EXIT_OK;
    default:
        return apply_guard_option(id, name, value, &cfg->guard);
    }
}

/* Fills cfg and req from the gathered arguments. Returns -1 to go on, else the exit
 * status (help, version, fingerprint, error). */
static int parse_options(int argc, char **argv, struct server_config *cfg,
                         struct options_request *req)
{
    config_defaults(cfg);
    opterr = 0;
    bool want_fingerprint = false;
    int id, index = 0;
    while ((id = getopt_long(argc, argv, "", long_options, &index)) != -1) {
        option_origin = config_args_origin(option_sources, optind - 1);
        if (id == '?')
            return usage_error("unrecognized or incomplete option '%s'", argv[optind - 1]);
        const char *name = long_options[index].name;
        uint64_t min, max, value = 0;
        if (numeric_option(id, &min, &max) == 0 && !parse_uint(optarg, min, max, &value)) {
            return usage_error("invalid value '%s' for --%s (expected a whole number in %" PRIu64
                               "..%" PRIu64 ")", optarg, name, min, max);
        }
        int status = apply_option(id, name, value, cfg, req, &want_fingerprint);
        if (status >= 0)
            return status;
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


int options_read(int argc, char **argv, struct config_args *args, struct server_config *cfg,
                 struct options_request *req)
{
    *req = (struct options_request){ 0 };
    int status = gather_options(argc, argv, args, &req->config_path, &req->check_only);
    if (status >= 0)
        return status;
    return parse_options((int)args->argv->len - 1, (char **)args->argv->pdata, cfg, req);
}
