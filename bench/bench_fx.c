/* bench_fx.c — times loading the ECB reference-rate history and looking up
 * cross rates, the two costs every conversion in payband pays.
 *
 *   make build/libpayband.a
 *   cc -O2 -D_DEFAULT_SOURCE -Iinclude bench/bench_fx.c build/libpayband.a \
 *      $(pkg-config --libs sqlite3 libpq yaml-0.1 jansson md4c libxxhash) -lm -o build/bench_fx
 *   build/bench_fx ../shared/data/eurofxref-hist.csv
 *
 * Prints the best of five loads and the mean time of a cross-rate lookup
 * over dates spread across the history. */
#include <stdio.h>
#include <time.h>

#include "payband/fx.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s eurofxref-hist.csv\n", argv[0]);
        return 2;
    }
    double best = 1e9;
    pb_fx *fx = NULL;
    for (int round = 0; round < 5; round++) {
        pb_fx_free(fx);
        fx = pb_fx_new();
        double t0 = now_ms();
        pb_status st = pb_fx_load_ecb(fx, argv[1]);
        double t = now_ms() - t0;
        if (st != PB_OK) {
            fprintf(stderr, "%s\n", pb_fx_errmsg(fx));
            pb_fx_free(fx);
            return 1;
        }
        if (t < best)
            best = t;
    }
    printf("load: %.1f ms for %zu rates (best of 5)\n", best, pb_fx_count(fx));

    pb_date first;
    pb_date_parse("1999-01-04", &first);
    const int n = 1000000;
    double sum = 0;
    int found = 0;
    double t0 = now_ms();
    for (int i = 0; i < n; i++) {
        pb_fx_quote q;
        if (pb_fx_rate(fx, "USD", "GBP", first + (pb_date)(((long long)i * 7919) % 9950), &q) == PB_OK) {
            sum += q.rate;
            found++;
        }
    }
    double t = now_ms() - t0;
    printf("lookup: %.3f us per USD/GBP cross rate (%d found, checksum %.3f)\n",
           t * 1e3 / n, found, sum);
    pb_fx_free(fx);
    return 0;
}
