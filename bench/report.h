/* Turns a load run's result into the "RESULT key=value ..." line and a human summary. */
#ifndef BENCH_REPORT_H
#define BENCH_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "bench/load.h"

/* Prints the RESULT line, a FAILURE line when the run failed, and a summary. */
void report_load(FILE *out, const struct load_opts *opt, const struct load_result *res);

/* True when nothing was lost: every owed delivery arrived, no connection was dropped,
 * the server reported no error. */
bool report_load_clean(const struct load_opts *opt, const struct load_result *res);

/* Writes the latency CDF of res to path; false if the file cannot be written. */
bool report_write_cdf(const char *path, const struct load_result *res);

#endif
