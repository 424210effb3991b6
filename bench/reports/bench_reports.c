/* bench_reports.c — payband's side of bench/reports/run: the percentiles of
 * one group (company / level / region) and of a by-level breakdown of one
 * company, through the library call a program makes (pb_reports_percentiles,
 * JSON result included), on a store the run has imported into.
 *
 * usage: bench_reports DB COMPANY LEVEL REGION [--runs R] [--calls C]
 * Prints one JSON object: for each query the seconds per call of each run
 * (C calls a run) and the first answer. */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "payband/reports.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Time `calls` queries `runs` times; the last answer goes to *answer. */
static json_t *time_query(pb_reports *rep, const pb_reports_query *q, int runs, int calls,
                          json_t **answer)
{
    json_t *times = json_array();
    for (int r = 0; r < runs; r++) {
        double t0 = now();
        for (int c = 0; c < calls; c++) {
            json_t *rows = NULL;
            if (pb_reports_percentiles(rep, q, &rows) != PB_OK) {
                fprintf(stderr, "bench_reports: %s\n", pb_reports_errmsg(rep));
                exit(1);
            }
            if (r == runs - 1 && c == calls - 1) {
                json_decref(*answer);
                *answer = rows;
            } else {
                json_decref(rows);
            }
        }
        json_array_append_new(times, json_real((now() - t0) / calls));
    }
    return times;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: bench_reports DB COMPANY LEVEL REGION [--runs R] [--calls C]\n");
        return 2;
    }
    int runs = 7, calls = 2000;
    for (int i = 5; i + 1 < argc; i += 2) {
        long v = strtol(argv[i + 1], NULL, 10);
        if (v <= 0 || v > 1000000)
            continue;
        if (strcmp(argv[i], "--runs") == 0)
            runs = (int)v;
        else if (strcmp(argv[i], "--calls") == 0)
            calls = (int)v;
    }
    pb_store *store = NULL;
    pb_reports *rep = NULL;
    if (pb_store_open(argv[1], PB_STORE_NO_BUILTIN, &store) != PB_OK ||
        pb_reports_open(store, &rep) != PB_OK) {
        fprintf(stderr, "bench_reports: %s\n", pb_store_errmsg(store));
        return 1;
    }
    pb_reports_query group = {.company = argv[2], .level = argv[3], .region = argv[4],
                              .since = PB_DATE_NONE};
    pb_reports_query by = {.company = argv[2], .by = "level", .since = PB_DATE_NONE};
    json_t *a = NULL, *b = NULL;
    json_t *t1 = time_query(rep, &group, runs, calls, &a);
    json_t *t2 = time_query(rep, &by, runs, calls / 10 > 0 ? calls / 10 : 1, &b);
    json_t *out = json_pack("{s:i, s:o, s:o, s:O, s:i}", "calls", calls, "group", t1,
                            "by_level", t2, "group_answer", json_array_get(a, 0),
                            "by_level_groups", (int)json_array_size(b));
    char *text = json_dumps(out, JSON_COMPACT);
    puts(text);
    free(text);
    json_decref(out);
    json_decref(a);
    json_decref(b);
    pb_reports_close(rep);
    pb_store_close(store);
    return 0;
}
