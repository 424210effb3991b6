/* percentile.c — the percentile rule (linear interpolation between order
 * statistics, as numpy's default and DuckDB's quantile_cont) over plain
 * and weighted sorted values, and the rounding step that keeps one report
 * from showing through the difference of two answers. */
#include <math.h>

#include "reports/reports_internal.h"

const double pb__quantiles[5] = {0.10, 0.25, 0.50, 0.75, 0.90};

double pb__quantile_sorted(const double *sorted, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double h = q * (double)(n - 1);
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1)
        return sorted[n - 1];
    return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

/* The value at 0-based rank `rank` of the expanded sequence, starting the
 * scan at item *i whose first rank is *below. */
static double at_rank(const double *values, const uint64_t *copies, size_t count, uint64_t rank,
                      size_t *i, uint64_t *below)
{
    while (*i + 1 < count && *below + copies[*i] <= rank) {
        *below += copies[*i];
        (*i)++;
    }
    return values[*i];
}

double pb__quantile_weighted(const double *values, const uint64_t *copies, size_t count,
                             uint64_t n, double q)
{
    if (count == 0 || n == 0)
        return NAN;
    double h = q * (double)(n - 1);
    uint64_t lo = (uint64_t)floor(h);
    size_t i = 0;
    uint64_t below = 0;
    double a = at_rank(values, copies, count, lo, &i, &below);
    if (lo >= n - 1)
        return a;
    double b = at_rank(values, copies, count, lo + 1, &i, &below);
    return a + (h - (double)lo) * (b - a);
}

/* The smallest of 1, 2, 5 x 10^k that is at least x. */
static double nice_up(double x)
{
    if (!(x > 1))
        return 1;
    double p = pow(10, floor(log10(x)));
    const double steps[] = {1, 2, 5, 10};
    for (int i = 0; i < 4; i++)
        if (steps[i] * p >= x * (1 - 1e-12))
            return steps[i] * p;
    return 10 * p;
}

double pb__report_step(double p10, double p50, double p90, uint64_t n)
{
    double spread = n > 0 ? (p90 - p10) / sqrt((double)n) : 0;
    double floor_step = fabs(p50) / 1000;
    return nice_up(spread > floor_step ? spread : floor_step);
}

double pb__round_to(double x, double step)
{
    return step > 0 ? round(x / step) * step : x;
}
