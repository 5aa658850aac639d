/* chat-server: start-up, signals and exit status. The only file that exits. Options
 * come from options.c. Signal handlers only set flags; the loop sees them because the
 * signals are blocked except while it waits (pselect with a mask), so none can slip in
 * unnoticed. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "server/accounts_cli.h"
#include "server/config.h"
#include "server/log.h"
#include "server/options.h"
#include "server/server.h"
#include "server/store/store.h"
#include "server/systemd.h"
#include "server/tls.h"

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
    struct options_request req;
    int status = options_read(argc, argv, &args, &cfg, &req);
    if (status < 0 && req.check_only) {
        printf("chat-server: %s: the configuration is valid\n",
               req.config_path ? req.config_path : "no configuration file, the command line");
        status = EXIT_OK;
    } else if (status < 0 && req.backup_path != NULL) {
        status = run_backup(cfg.data_dir, req.backup_path);
    } else if (status < 0 && (req.accounts.create_admin != NULL || req.accounts.create_invite)) {
        status = accounts_run_command(&req.accounts, &cfg);
    }
    if (status >= 0) {
        config_args_free(&args);
        return status;
    }

    sigset_t wait_mask;
    setup_signals(&wait_mask);
    char err[512];
    if (!req.log_chosen && systemd_stderr_is_journal())
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
