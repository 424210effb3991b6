/* value_stats.c — what a valuation run's paths say about each offer: the
 * mean (from per-block sums, in block order), exact quantiles (binned
 * counts, then selection in the few bins that hold them), and the
 * certainty equivalent under CRRA with the run's wealth and risk aversion;
 * one thread per offer. */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "core/alloc.h"
#include "offers/value_internal.h"

static void swap(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

/* Rearrange x[lo..hi] so that x[k] is the k-th smallest (Hoare selection with
 * median-of-three pivots). */
static void select_kth(double *x, long lo, long hi, long k)
{
    while (hi > lo) {
        long mid = lo + (hi - lo) / 2;
        if (x[mid] < x[lo])
            swap(&x[mid], &x[lo]);
        if (x[hi] < x[lo])
            swap(&x[hi], &x[lo]);
        if (x[hi] < x[mid])
            swap(&x[hi], &x[mid]);
        double pivot = x[mid];
        long i = lo, j = hi;
        while (i <= j) {
            while (x[i] < pivot)
                i++;
            while (x[j] > pivot)
                j--;
            if (i <= j) {
                swap(&x[i], &x[j]);
                i++;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return;
    }
}


enum { NBINS = 4096, MAX_RANKS = 10 };

/* Quantiles p[0..np) (ascending, np <= 5) of x[0..n), whose smallest and
 * largest values are lo and hi, with linear interpolation between order
 * statistics (numpy's default); x is left as it is. One pass counts the
 * values in NBINS equal-width bins (and those equal to lo, which need no
 * search); a second copies the values of the bins that hold the wanted
 * order statistics into `scratch` (room for n values), where they are
 * selected. Exact, and linear in n. */
static void quantiles(const double *x, long n, double lo, double hi, const double *p, int np,
                      double *scratch, double *out)
{
    if (!(hi > lo)) {
        for (int i = 0; i < np; i++)
            out[i] = lo;
        return;
    }
    static _Thread_local long count[NBINS], part[4][NBINS];
    static _Thread_local int slot_of[NBINS];
    memset(part, 0, sizeof part);
    double inv = (double)NBINS / (hi - lo);
    long at_lo = 0;
    /* Four sets of counters, so that runs of equal values do not wait on
     * one counter. */
    long i4 = 0;
    for (; i4 + 4 <= n; i4 += 4)
        for (int q = 0; q < 4; q++) {
            double d = x[i4 + q] - lo;
            long b = (long)(d * inv);
            part[q][b < NBINS - 1 ? b : NBINS - 1]++;
            at_lo += d == 0;
        }
    for (; i4 < n; i4++) {
        double d = x[i4] - lo;
        long b = (long)(d * inv);
        part[0][b < NBINS - 1 ? b : NBINS - 1]++;
        at_lo += d == 0;
    }
    for (long b = 0; b < NBINS; b++)
        count[b] = part[0][b] + part[1][b] + part[2][b] + part[3][b];
    long rank[MAX_RANKS], rbin[MAX_RANKS], rbefore[MAX_RANKS];
    double val[MAX_RANKS], frac[5];
    int nr = 0;
    for (int i = 0; i < np; i++) {
        double h = (double)(n - 1) * p[i];
        long k = (long)floor(h);
        frac[i] = h - (double)k;
        rank[nr++] = k;
        rank[nr++] = k + 1 < n ? k + 1 : k;
    }
    /* Bin of each rank (ranks ascend), and the values before that bin. */
    long before = 0;
    int r = 0;
    for (long b = 0; b < NBINS && r < nr; b++) {
        while (r < nr && rank[r] < before + count[b]) {
            rbin[r] = b;
            rbefore[r++] = before;
        }
        before += count[b];
    }
    /* Slots in scratch for the bins that need a search. */
    for (long b = 0; b < NBINS; b++)
        slot_of[b] = -1;
    long slot_start[MAX_RANKS + 1], slot_fill[MAX_RANKS];
    long nslots = 0, used = 0;
    for (int i = 0; i < nr; i++) {
        if (rbin[i] == 0 && rank[i] < at_lo)
            continue;
        if (slot_of[rbin[i]] >= 0)
            continue;
        slot_of[rbin[i]] = (int)nslots;
        slot_start[nslots] = used;
        slot_fill[nslots] = used;
        used += count[rbin[i]];
        nslots++;
    }
    if (nslots) {
        for (long i = 0; i < n; i++) {
            long b = (long)((x[i] - lo) * inv);
            int sl = slot_of[b < NBINS - 1 ? b : NBINS - 1];
            if (sl >= 0)
                scratch[slot_fill[sl]++] = x[i];
        }
    }
    for (int i = 0; i < nr; i++) {
        if (rbin[i] == 0 && rank[i] < at_lo) {
            val[i] = lo;
            continue;
        }
        int sl = slot_of[rbin[i]];
        long first = slot_start[sl], size = count[rbin[i]];
        long k = first + (rank[i] - rbefore[i]);
        select_kth(scratch, first, first + size - 1, k);
        val[i] = scratch[k];
    }
    for (int i = 0; i < np; i++)
        out[i] = val[2 * i] + frac[i] * (val[2 * i + 1] - val[2 * i]);
}

/* Certainty equivalent of w + cash + scale * paths[i] under CRRA with
 * relative risk aversion r (paths >= 0, scale >= 0). */
ce_result pb__value_certainty_equivalent(const double *paths, long n, double cash, double scale,
                                      double w, double r, double *out)
{
    double base = w + cash;
    if (r == 0) {
        double s = 0;
        for (long i = 0; i < n; i++)
            s += paths[i];
        *out = cash + scale * s / (double)n;
        return CE_OK;
    }
    /* Normalise by a typical magnitude to keep powers in range. */
    double norm = 0, least = INFINITY;
    for (long i = 0; i < n; i++) {
        norm += paths[i];
        least = paths[i] < least ? paths[i] : least;
    }
    norm = base + scale * norm / (double)n;
    double worst = base + scale * least;
    if (worst < 0)
        return CE_UNDEFINED;
    if (!(norm > 0)) { /* every outcome is 0 */
        *out = -w;
        return CE_OK;
    }
    if (worst == 0 && r >= 1) {
        *out = -w;
        return CE_ZERO;
    }
    double acc = 0;
    if (r == 1) {
        for (long i = 0; i < n; i++) {
            double x = (base + scale * paths[i]) / norm;
            if (!(x > 0))
                return CE_UNDEFINED;
            acc += log(x);
        }
        *out = norm * exp(acc / (double)n) - w;
        return CE_OK;
    }
    if (r == 2) {
        for (long i = 0; i < n; i++) {
            double x = (base + scale * paths[i]) / norm;
            if (!(x > 0))
                return CE_UNDEFINED;
            acc += 1.0 / x;
        }
        *out = norm * (double)n / acc - w;
        return CE_OK;
    }
    /* Below R = 1 an outcome of 0 adds 0 to the sum: a finite utility. */
    for (long i = 0; i < n; i++) {
        double x = (base + scale * paths[i]) / norm;
        if (x < 0 || (x == 0 && r > 1))
            return CE_UNDEFINED;
        acc += pow(x, 1 - r);
    }
    *out = norm * pow(acc / (double)n, 1 / (1 - r)) - w;
    return CE_OK;
}

/* Mean, quantiles and certainty equivalent of one offer's paths. */
static bool summarise(pb_valuation *v, model *m)
{
    static const double P[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
    long n = v->simulations;
    long nblocks = (n + BLOCK - 1) / BLOCK;
    double sum = 0, lo = INFINITY, hi = -INFINITY;
    for (long b = 0; b < nblocks; b++) { /* in block order: the same sum always */
        sum += m->blk_sum[b];
        lo = fmin(lo, m->blk_min[b]);
        hi = fmax(hi, m->blk_max[b]);
    }
    double *scratch = pb__malloc((size_t)n * sizeof *scratch);
    if (!scratch)
        return false;
    double eq_q[5];
    quantiles(m->paths, n, lo, hi, P, 5, scratch, eq_q);
    pb__free(scratch);
    for (int k = 0; k < 5; k++)
        m->q[k] = m->cash + eq_q[k];
    m->eq_median = eq_q[2];
    m->mean = m->cash + sum / (double)n;
    if (!v->summary_only) {
        ce_result res = pb__value_certainty_equivalent(m->paths, n, m->cash, 1, v->wealth,
                                                       v->risk_aversion, &m->ce);
        m->ce_ok = res != CE_UNDEFINED;
        m->ce_zero = res == CE_ZERO;
    }
    return true;
}

typedef struct stats_job {
    pb_valuation *v;
    size_t first, step;
    bool ok;
} stats_job;

static void *stats_worker(void *arg)
{
    stats_job *j = arg;
    j->ok = true;
    for (size_t i = j->first; i < j->v->nmodels; i += j->step)
        j->ok = summarise(j->v, &j->v->models[i]) && j->ok;
    return NULL;
}

/* Summaries of the offers, one thread per offer up to the thread count. */
bool pb__value_summarise_all(pb_valuation *v)
{
    size_t nt = (size_t)v->threads < v->nmodels ? (size_t)v->threads : v->nmodels;
    pthread_t tids[MAX_THREADS];
    stats_job jobs[MAX_THREADS];
    bool started[MAX_THREADS] = {false};
    for (size_t t = 0; t < nt; t++)
        jobs[t] = (stats_job){v, t, nt, true};
    for (size_t t = 1; t < nt; t++)
        started[t] = pthread_create(&tids[t], NULL, stats_worker, &jobs[t]) == 0;
    for (size_t t = 1; t < nt; t++)
        if (!started[t])
            stats_worker(&jobs[t]);
    stats_worker(&jobs[0]);
    bool ok = true;
    for (size_t t = 0; t < nt; t++) {
        if (t > 0 && started[t])
            pthread_join(tids[t], NULL);
        ok = ok && jobs[t].ok;
    }
    return ok;
}
