/* value_simulate.c — the Monte Carlo simulation of a valuation run: the
 * equity of every path of every offer in the report currency. Public stock
 * follows a geometric Brownian motion with yearly steps, and what vests in a
 * year is valued at that year's price; private stock fails or exits year by
 * year, an exit in year k paying the last-round price x a lognormal multiple
 * x (1 - dilution)^k. Paths go in fixed blocks, each with its own random
 * streams keyed by (seed, company and model, block), which threads take as
 * they come free: the results do not depend on the number of threads, and
 * offers at one company share their draws. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>

#include "offers/fastmath.h"
#include "offers/rng.h"
#include "offers/value_internal.h"

/* Private equity payoff when each share is worth `factor` x its last-round
 * price. */
double pb__value_private_payoff(const model *m, double factor)
{
    double value = m->priv_rsu * factor;
    for (size_t i = 0; i < m->npriv_opt; i++) {
        const priv_option *po = &m->priv_opt[i];
        double spread = po->p0 * factor - po->strike;
        if (spread > 0)
            value += po->shares * spread * m->rate;
    }
    return value;
}

/* The private model draws one uniform per path and reads the year of the
 * first event off the cumulative chances: in year y the company fails with
 * chance f and otherwise has a liquidity event with chance q, given neither
 * happened before. fail_to[y] and exit_to[y] are the cumulative chances of
 * "an event before year y, or a failure in year y" and "... or an exit in
 * year y". */
static void event_thresholds(const model *m, int n, double *fail_to, double *exit_to)
{
    double f = m->a[A_FAILURE] / 100.0;
    double q = (1 - f) * m->a[A_LIQUIDITY] / 100.0;
    double reach = 1, cum = 0;
    for (int y = 1; y <= n; y++) {
        cum += reach * f;
        fail_to[y] = cum;
        cum += reach * q;
        exit_to[y] = cum;
        reach *= 1 - f - q;
    }
}

static void simulate_block(const pb_valuation *v, model *m, long block,
                           double (*zbuf)[CHUNK])
{
    int n = v->years;
    long first = block * BLOCK;
    long last = first + BLOCK < v->simulations ? first + BLOCK : v->simulations;
    pb__rng priv;
    pb__rng4 pub4, priv4;
    pb__rng4_stream(&priv4, v->seed, m->stream_priv ^ 0x4C414E4553ULL /* "LANES" */,
                    (uint64_t)block);
    pb__rng4_stream(&pub4, v->seed, m->stream_pub ^ 0x4C414E4553ULL /* "LANES" */,
                    (uint64_t)block);
    pb__rng_stream(&priv, v->seed, m->stream_priv, (uint64_t)block);
    double sig = m->a[A_VOLATILITY] / 100.0;
    double step = m->a[A_DRIFT] / 100.0 - 0.5 * sig * sig;
    double mu = log(m->a[A_EXIT_MEDIAN]), msig = m->a[A_EXIT_SIGMA];
    double keep = 1 - m->a[A_DILUTION] / 100.0;
    double keep_pow[MAX_YEARS + 1], fail_to[MAX_YEARS + 1], exit_to[MAX_YEARS + 1];
    keep_pow[0] = 1;
    for (int y = 1; y <= n; y++)
        keep_pow[y] = keep_pow[y - 1] * keep;
    event_thresholds(m, n, fail_to, exit_to);
    double coef[MAX_YEARS + 1];
    for (int y = 0; y <= n; y++)
        coef[y] = m->pub_coef[0][y];
    bool simple_public = m->max_ref == 0 && m->npub_opt == 0;
    unsigned long exits = 0, zeros = 0;
    double sum = 0, lo = INFINITY, hi = -INFINITY;
    double ratio[MAX_YEARS + 1];
    ratio[0] = 1;
    /* Paths go in chunks, year by year within a chunk, so that the
     * exponentials of different paths overlap in the processor. */
    double eq[CHUNK], lr[CHUNK], zs[CHUNK];
    double(*zyear)[CHUNK] = m->has_public && !simple_public ? zbuf : NULL;
    int exit_at[CHUNK], exit_year[CHUNK];
    double thr[2 * MAX_YEARS];
    for (int y = 1; y <= n; y++) {
        thr[2 * y - 2] = fail_to[y];
        thr[2 * y - 1] = exit_to[y];
    }
    for (long c0 = first; c0 < last; c0 += CHUNK) {
        int cn = (int)(last - c0 < CHUNK ? last - c0 : CHUNK);
        for (int i = 0; i < cn; i++)
            eq[i] = lr[i] = 0;
        if (m->has_public && simple_public) {
            for (int y = 1; y <= n; y++) {
                double cy = coef[y];
                pb__rng4_normals(&pub4, zs, cn);
                pb__gbm_step(lr, zs, eq, step, sig, cy, cn);
            }
        } else if (m->has_public) {
            /* The same draws as above, year by year, so that offers at one
             * company share their prices whatever their grants. */
            for (int y = 1; y <= n; y++)
                pb__rng4_normals(&pub4, zyear[y], cn);
            for (int i = 0; i < cn; i++) {
                double l = 0;
                for (int y = 1; y <= n; y++) {
                    l += step + sig * zyear[y][i];
                    ratio[y] = pb__exp_one(l);
                }
                for (int r = 0; r <= m->max_ref; r++) {
                    double part = 0;
                    for (int y = r + 1; y <= n; y++)
                        part += m->pub_coef[r][y] * ratio[y];
                    eq[i] += part / ratio[r];
                }
                for (size_t g = 0; g < m->npub_opt; g++) {
                    const pub_option *po = &m->pub_opt[g];
                    for (int y = 1; y <= n; y++) {
                        double spread = po->p0 * ratio[y] - po->strike;
                        if (spread > 0)
                            eq[i] += po->shares[y] * spread * m->rate;
                    }
                }
            }
        }
        if (m->has_private) {
            /* Without branches, the number of thresholds at or below u: odd
             * means an exit in year (j + 1) / 2. The exits are listed, then
             * valued. */
            int ne = 0;
            int count[CHUNK];
            pb__rng4_uniforms(&priv4, zs, cn);
            pb__count_at_or_below(zs, cn, thr, 2 * n, count);
            for (int i = 0; i < cn; i++) {
                exit_at[ne] = i;
                exit_year[ne] = (count[i] + 1) >> 1;
                ne += count[i] & 1;
            }
            for (int e = 0; e < ne; e++) {
                double z = pb__rng_normal(&priv); /* the exit multiple */
                eq[exit_at[e]] +=
                    pb__value_private_payoff(m, pb__exp(mu + msig * z) * keep_pow[exit_year[e]]);
            }
            exits += (unsigned long)ne;
        }
        for (int i = 0; i < cn; i++) {
            double e = eq[i];
            zeros += !(e > 0);
            m->paths[c0 + i] = e;
            sum += e;
            lo = e < lo ? e : lo;
            hi = e > hi ? e : hi;
        }
    }
    m->blk_sum[block] = sum;
    m->blk_min[block] = lo;
    m->blk_max[block] = hi;
    __atomic_fetch_add(&m->exits, exits, __ATOMIC_RELAXED);
    __atomic_fetch_add(&m->zeros, zeros, __ATOMIC_RELAXED);
}

/* Progress shared by the workers: blocks done, and the last count reported
 * (under the lock, so reports go out one at a time and never go back). */
typedef struct progress_state {
    long done;
    long reported;
    long every; /* report every this many blocks, and at the end */
    pthread_mutex_t lock;
} progress_state;

typedef struct job {
    pb_valuation *v;
    long *next_block; /* shared: the next block nobody has taken */
    progress_state *progress; /* NULL: no reports */
} job;

/* One more block is done: tell the caller when a report is due. */
static void block_done(const pb_valuation *v, progress_state *ps, long nblocks)
{
    long done = __atomic_add_fetch(&ps->done, 1, __ATOMIC_RELAXED);
    if (done % ps->every != 0 && done != nblocks)
        return;
    pthread_mutex_lock(&ps->lock);
    if (done > ps->reported) {
        ps->reported = done;
        uint64_t paths = (uint64_t)done * BLOCK;
        uint64_t total = (uint64_t)v->simulations;
        v->progress(v->progress_ctx, paths < total ? paths : total, total);
    }
    pthread_mutex_unlock(&ps->lock);
}

/* Threads take blocks as they come free, so a core busy with other work
 * slows the run less; a block's results do not depend on who runs it. */
static void *worker(void *arg)
{
    job *j = arg;
    static _Thread_local double zbuf[MAX_YEARS + 1][CHUNK]; /* normals by year */
    long nblocks = (j->v->simulations + BLOCK - 1) / BLOCK;
    for (;;) {
        long b = __atomic_fetch_add(j->next_block, 1, __ATOMIC_RELAXED);
        if (b >= nblocks)
            break;
        for (size_t i = 0; i < j->v->nmodels; i++)
            simulate_block(j->v, &j->v->models[i], b, zbuf);
        if (j->progress)
            block_done(j->v, j->progress, nblocks);
    }
    return NULL;
}

void pb__value_simulate(pb_valuation *v)
{
    pb__rng_normal_init();
    long nblocks = (v->simulations + BLOCK - 1) / BLOCK;
    int nthreads = v->threads;
    if (nthreads > nblocks)
        nthreads = (int)nblocks;
    pthread_t tids[MAX_THREADS];
    job jobs[MAX_THREADS];
    int started = 0;
    long next_block = 0;
    progress_state ps = {0, 0, nblocks / 100 > 0 ? nblocks / 100 : 1, PTHREAD_MUTEX_INITIALIZER};
    for (int t = 0; t < nthreads; t++)
        jobs[t] = (job){v, &next_block, v->progress ? &ps : NULL};
    for (int t = 1; t < nthreads; t++) {
        if (pthread_create(&tids[t], NULL, worker, &jobs[t]) != 0)
            break;
        started = t;
    }
    worker(&jobs[0]); /* and takes what threads that did not start would have */
    for (int t = 1; t <= started; t++)
        pthread_join(tids[t], NULL);
    pthread_mutex_destroy(&ps.lock);
}
