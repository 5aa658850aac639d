/* RESULT line and summary of a load run (keys are documented in bench/README.md). */
#include "bench/report.h"

#define US(ns) ((double)(ns) / 1000.0)

static double per_second(uint64_t n, double s)
{
    return s > 0 ? (double)n / s : 0.0;
}

static void report_server(FILE *out, const struct load_opts *opt, const struct load_result *res)
{
    if (opt->idle) {
        const struct proc_sample *base = &res->server_base, *warm = &res->server_warm,
                                 *end = &res->server_start;
        if (!base->ok || !warm->ok || !end->ok || opt->clients <= res->warm_clients)
            return;
        double marginal = ((double)end->anon_kib - (double)warm->anon_kib) * 1024.0 /
                          (opt->clients - res->warm_clients);
        double overall = ((double)end->rss_kib - (double)base->rss_kib) * 1024.0 / opt->clients;
        fprintf(out, " server_rss_base_kib=%llu server_rss_kib=%llu server_hwm_kib=%llu"
                     " server_anon_warm_kib=%llu server_anon_kib=%llu warm_clients=%u"
                     " server_bytes_per_conn=%.0f server_rss_bytes_per_conn=%.0f",
                (unsigned long long)base->rss_kib, (unsigned long long)end->rss_kib,
                (unsigned long long)end->hwm_kib, (unsigned long long)warm->anon_kib,
                (unsigned long long)end->anon_kib, res->warm_clients, marginal, overall);
        return;
    }
    if (!res->server_start.ok || !res->server_end.ok)
        return;
    double cpu_s = (double)(res->server_end.cpu_ns - res->server_start.cpu_ns) / 1e9;
    double wall = res->send_s + (res->active_s > res->send_s ? res->active_s - res->send_s : 0);
    double sys_s = (double)(res->server_end.sys_ns - res->server_start.sys_ns) / 1e9;
    fprintf(out, " server_cpu_s=%.3f server_cpu_pct=%.1f server_cpu_ns_per_delivery=%.0f"
                 " server_sys_ns_per_delivery=%.0f server_rss_kib=%llu server_hwm_kib=%llu",
            cpu_s, wall > 0 ? 100.0 * cpu_s / wall : 0.0,
            res->delivered ? cpu_s * 1e9 / (double)res->delivered : 0.0,
            res->delivered ? sys_s * 1e9 / (double)res->delivered : 0.0,
            (unsigned long long)res->server_end.rss_kib,
            (unsigned long long)res->server_end.hwm_kib);
}

/* --cpu-pid: each process's CPU seconds over the same time as the server's. */
static void report_cpu_pids(FILE *out, const struct load_opts *opt, const struct load_result *res)
{
    for (uint32_t i = 0; i < opt->ncpu_pids; i++)
        if (res->cpu_start[i].ok && res->cpu_end[i].ok)
            fprintf(out, " pid%u_cpu_s=%.3f", i + 1,
                    (double)(res->cpu_end[i].cpu_ns - res->cpu_start[i].cpu_ns) / 1e9);
}

void report_load(FILE *out, const struct load_opts *opt, const struct load_result *res)
{
    const struct hist *h = &res->hist, *r = &res->hist_read;
    uint64_t missing = res->expected - res->delivered;
    fprintf(out, "RESULT mode=%s proto=%s clients=%u senders=%u size=%u window=%u rate=%g"
                 " duration=%g ok=%d logged_in=%u login_s=%.3f settle_s=%.3f",
            opt->idle ? "idle" : "load", opt->dialect->name, opt->clients, opt->senders,
            opt->size, opt->window, opt->rate, opt->duration_s, res->ok ? 1 : 0,
            res->logged_in, res->login_s, res->settle_s);
    if (!opt->idle)
        fprintf(out, " sent=%llu unsent=%llu expected=%llu delivered=%llu missing=%llu"
                     " echoes=%llu duplicates=%llu gaps=%llu unparsed=%llu send_s=%.3f"
                     " active_s=%.3f msgs_per_s=%.1f deliveries_per_s=%.0f"
                     " p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f min_us=%.1f"
                     " read_p50_us=%.1f read_p99_us=%.1f read_p999_us=%.1f read_max_us=%.1f"
                     " rx_stamped_pct=%.1f bench_cpu_pct=%.1f",
                (unsigned long long)res->sent, (unsigned long long)res->unsent,
                (unsigned long long)res->expected, (unsigned long long)res->delivered,
                (unsigned long long)missing, (unsigned long long)res->echoes,
                (unsigned long long)res->duplicates, (unsigned long long)res->gaps,
                (unsigned long long)res->unparsed, res->send_s, res->active_s,
                per_second(res->sent, res->active_s), per_second(res->delivered, res->active_s),
                US(hist_quantile(h, 0.50)), US(hist_quantile(h, 0.99)),
                US(hist_quantile(h, 0.999)), US(h->max_ns), US(h->count ? h->min_ns : 0),
                US(hist_quantile(r, 0.50)), US(hist_quantile(r, 0.99)),
                US(hist_quantile(r, 0.999)), US(r->max_ns),
                res->reads ? 100.0 * (double)res->rx_stamped_reads / (double)res->reads : 0,
                res->active_s > 0 ? 100.0 * (double)res->bench_cpu_ns / 1e9 / res->active_s : 0);
    if (!opt->idle) /* all bytes received, over deliveries and echoes alike */
        fprintf(out, " rx_bytes=%llu rx_reads=%llu rx_bytes_per_delivery=%.1f"
                     " deliveries_per_read=%.2f",
                (unsigned long long)res->rx_bytes, (unsigned long long)res->rx_reads,
                res->delivered + res->echoes
                    ? (double)res->rx_bytes / (double)(res->delivered + res->echoes) : 0,
                res->rx_reads ? (double)(res->delivered + res->echoes) / (double)res->rx_reads
                              : 0);
    if (opt->typists > 0)
        fprintf(out, " typists=%u typing_rate=%g typing_sent=%llu typing_received=%llu",
                opt->typists, opt->typing_rate, (unsigned long long)res->typing_sent,
                (unsigned long long)res->typing_received);
    fprintf(out, " server_errors=%llu disconnects=%llu", (unsigned long long)res->server_errors,
            (unsigned long long)res->disconnects);
    report_server(out, opt, res);
    if (!opt->idle)
        report_cpu_pids(out, opt, res);
    fputc('\n', out);
    if (!res->ok)
        fprintf(out, "FAILURE %s\n", res->failure);

    fprintf(out, "%s, %u clients: %u logged in in %.2f s (all saw the whole room after %.2f s)\n",
            opt->dialect->name, opt->clients, res->logged_in, res->login_s, res->settle_s);
    if (!opt->idle)
        fprintf(out, "  %llu texts of %u B from %u senders, %llu of %llu deliveries "
                     "(%llu missing) in %.2f s: %.0f deliveries/s\n"
                     "  latency to arrival p50 %.0f us, p99 %.0f us, p99.9 %.0f us, max %.0f us\n"
                     "  latency to read    p50 %.0f us, p99 %.0f us, p99.9 %.0f us, max %.0f us\n",
                (unsigned long long)res->sent, opt->size, opt->senders,
                (unsigned long long)res->delivered, (unsigned long long)res->expected,
                (unsigned long long)missing, res->active_s,
                per_second(res->delivered, res->active_s), US(hist_quantile(h, 0.50)),
                US(hist_quantile(h, 0.99)), US(hist_quantile(h, 0.999)), US(h->max_ns),
                US(hist_quantile(r, 0.50)), US(hist_quantile(r, 0.99)),
                US(hist_quantile(r, 0.999)), US(r->max_ns));
    if (!res->ok)
        fprintf(out, "  run failed: %s\n", res->failure);
    if (opt->idle && res->server_start.ok && res->server_base.ok && res->server_warm.ok)
        fprintf(out, "  server RSS %llu KiB before, %llu KiB with %u clients logged in;\n"
                     "  anonymous memory %llu KiB with %u clients, %llu KiB with %u\n",
                (unsigned long long)res->server_base.rss_kib,
                (unsigned long long)res->server_start.rss_kib, opt->clients,
                (unsigned long long)res->server_warm.anon_kib, res->warm_clients,
                (unsigned long long)res->server_start.anon_kib, opt->clients);
}

bool report_load_clean(const struct load_opts *opt, const struct load_result *res)
{
    bool delivered_all = opt->idle || res->delivered == res->expected;
    return delivered_all && res->disconnects == 0 && res->server_errors == 0 &&
           res->duplicates == 0 && res->unparsed == 0;
}

bool report_write_cdf(const char *path, const struct load_result *res)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return false;
    hist_write_cdf(&res->hist, f);
    return fclose(f) == 0;
}
