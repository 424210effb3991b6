/* bench_valuation.c — times payband's Monte Carlo valuation of offers: the
 * simulation of every path plus the mean and the p5..p95 quantiles of each
 * offer's N-year value (the same work model.py does with numpy).
 *
 *   bench/valuation/run            builds this driver, runs both, compares
 *
 * usage: bench_valuation [--paths N] [--years Y] [--threads T] [--repeat R]
 *                        [--seed K] OFFER.yaml...
 * Prints one JSON object: the best wall time of R runs and each offer's
 * mean and quantiles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "payband/offer.h"
#include "payband/value.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    long paths = 1000000, years = 4, threads = 2, repeat = 5;
    unsigned long long seed = 1;
    pb_offer *offers[16];
    int noffers = 0, rc = 1;
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--paths") == 0)
            paths = strtol(argv[++i], NULL, 10);
        else if (i + 1 < argc && strcmp(argv[i], "--years") == 0)
            years = strtol(argv[++i], NULL, 10);
        else if (i + 1 < argc && strcmp(argv[i], "--threads") == 0)
            threads = strtol(argv[++i], NULL, 10);
        else if (i + 1 < argc && strcmp(argv[i], "--repeat") == 0)
            repeat = strtol(argv[++i], NULL, 10);
        else if (i + 1 < argc && strcmp(argv[i], "--seed") == 0)
            seed = strtoull(argv[++i], NULL, 10);
        else if (noffers < 16) {
            pb_offer *o = NULL;
            if (pb_offer_load(argv[i], &o) != PB_OK) {
                fprintf(stderr, "bench_valuation: %s\n", pb_offer_errmsg(o));
                pb_offer_free(o);
                goto done;
            }
            offers[noffers++] = o;
        }
    }
    if (noffers == 0) {
        fprintf(stderr, "usage: bench_valuation [--paths N] [--years Y] [--threads T] "
                        "[--repeat R] [--seed K] OFFER.yaml...\n");
        goto done;
    }
    double best = 1e30;
    json_t *result = NULL;
    for (long r = 0; r < repeat; r++) {
        pb_valuation *v = pb_valuation_new();
        if (!v)
            goto done;
        pb_valuation_set(v, "simulations", (double)paths);
        pb_valuation_set(v, "years", (double)years);
        pb_valuation_set(v, "threads", (double)threads);
        pb_valuation_set(v, "summary_only", 1);
        pb_valuation_set_seed(v, seed);
        for (int i = 0; i < noffers; i++)
            pb_valuation_add(v, offers[i]);
        json_t *out = NULL;
        double t0 = now_s();
        pb_status st = pb_valuation_run(v, &out);
        double t = now_s() - t0;
        if (st != PB_OK) {
            fprintf(stderr, "bench_valuation: %s\n", pb_valuation_errmsg(v));
            pb_valuation_free(v);
            goto done;
        }
        if (t < best)
            best = t;
        json_decref(result);
        result = out;
        pb_valuation_free(v);
    }
    printf("{\"seconds\": %.6f, \"paths\": %ld, \"years\": %ld, \"threads\": %ld, \"offers\": [",
           best, paths, years, threads);
    json_t *list = json_object_get(result, "offers");
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *o = json_array_get(list, i);
        json_t *s = json_object_get(o, "simulated");
        printf("%s{\"name\": \"%s\", \"mean\": %.2f, \"p5\": %.2f, \"p25\": %.2f, \"p50\": %.2f, "
               "\"p75\": %.2f, \"p95\": %.2f, \"deterministic\": %.2f}",
               i ? ", " : "", json_string_value(json_object_get(o, "name")),
               json_number_value(json_object_get(s, "mean")),
               json_number_value(json_object_get(s, "p5")),
               json_number_value(json_object_get(s, "p25")),
               json_number_value(json_object_get(s, "p50")),
               json_number_value(json_object_get(s, "p75")),
               json_number_value(json_object_get(s, "p95")),
               json_number_value(json_object_get(o, "deterministic_total")));
    }
    printf("]}\n");
    json_decref(result);
    rc = 0;
done:
    for (int i = 0; i < noffers; i++)
        pb_offer_free(offers[i]);
    return rc;
}
