/* value.c — valuation of offers under uncertainty.
 *
 * For each offer: the cash (base with raises, bonus, sign-on) is certain; the
 * equity follows one of two models (docs/offers.md, "the model"):
 *  - public stock: the price is a geometric Brownian motion with yearly steps;
 *    what vests in a year is valued at that year's closing price;
 *  - private stock (private RSUs, options of a private company): each year the
 *    company fails (everything is lost) or has a liquidity event with given
 *    chances; at an exit in year k each share is worth the last-round price
 *    x M x (1 - dilution)^k with M lognormal; vested private equity with no
 *    exit within the horizon counts nothing.
 * Paths are simulated in fixed blocks, each block with its own random stream
 * keyed by (seed, company and model, block), so results do not depend on the
 * number of threads, and offers at the same company share their draws
 * (common random numbers). From the paths: quantiles, mean, P(beats),
 * certainty equivalents (CRRA) and break-evens; besides, discrete exit
 * scenarios and Black–Scholes values of option grants. */
#include "payband/value.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/alloc.h"
#include "core/diag.h"
#include "core/jsonutil.h"
#include "offers/offer_internal.h"
#include "payband/limits.h"
#include "payband/money.h"
#include "offers/fastmath.h"
#include "offers/rng.h"

enum {
    MAX_OFFERS = PB_OFFERS_MAX,
    MAX_YEARS = PB_YEARS_MAX,
    MAX_RATES = 16,
    MAX_THREADS = PB_THREADS_MAX,
    BLOCK = 4096,        /* paths per random stream */
    CHUNK = 128,         /* paths simulated side by side */
};

/* ---- assumptions ------------------------------------------------------- */

typedef enum akey {
    A_VOLATILITY, A_DRIFT, A_LIQUIDITY, A_FAILURE, A_DILUTION, A_EXIT_MEDIAN, A_EXIT_SIGMA,
    A_RISK_FREE, A_TERM, A_COUNT
} akey;

static const struct {
    const char *name;
    double lo, hi;
} ANAMES[A_COUNT] = {
    {"volatility_pct", 0, 500},        {"drift_pct", -100, 100},
    {"liquidity_pct", 0, 100},         {"failure_pct", 0, 100},
    {"dilution_pct", 0, 99},           {"exit_multiple_median", 0.0001, 1e6},
    {"exit_multiple_sigma", 0, 5},     {"risk_free_pct", -10, 50},
    {"option_term_years", 0.01, 30},
};

/* Defaults by stage: payband's own round-number assumptions, not data. */
static const struct stage_defaults {
    const char *stage;
    double a[A_COUNT];
} STAGE_DEFAULTS[] = {
    /*             vol  drift liq  fail dil  med  sig  rf  term */
    {"seed",     {90, 0, 2, 15, 15, 1, 1.2, 4, 10}},
    {"series_a", {80, 0, 3, 10, 12, 1, 1.0, 4, 10}},
    {"series_b", {70, 0, 5, 7, 10, 1, 0.9, 4, 10}},
    {"series_c", {60, 0, 7, 5, 7, 1, 0.8, 4, 10}},
    {"series_d", {55, 0, 10, 3, 5, 1, 0.7, 4, 10}},
    {"late",     {50, 0, 15, 2, 3, 1, 0.6, 4, 10}},
    {"public",   {30, 0, 100, 0, 0, 1, 0.3, 4, 10}},
};

static double file_value(const pb__company_facts *f, akey k)
{
    switch (k) {
    case A_VOLATILITY: return f->volatility_pct;
    case A_DRIFT: return f->drift_pct;
    case A_LIQUIDITY: return f->liquidity_pct;
    case A_FAILURE: return f->failure_pct;
    case A_DILUTION: return f->dilution_pct;
    case A_EXIT_MEDIAN: return f->exit_multiple_median;
    case A_EXIT_SIGMA: return f->exit_multiple_sigma;
    case A_RISK_FREE: return f->risk_free_pct;
    case A_TERM: return f->option_term_years;
    case A_COUNT: break;
    }
    return NAN;
}

/* ---- per-offer model ----------------------------------------------------- */

typedef struct pub_option {
    double shares[MAX_YEARS + 1]; /* vesting in each year */
    double strike, p0;            /* native major units */
} pub_option;

typedef struct priv_option {
    double shares; /* vested by the horizon */
    double strike, p0;
} priv_option;

typedef struct model {
    pb_offer *offer;
    char name[128];
    double rate; /* native -> report currency */
    const pb_fx_quote *quote;
    const char *stage;
    const char *stage_source;
    double a[A_COUNT];
    const char *asrc[A_COUNT];
    char default_src[64];

    json_t *schedule; /* deterministic, converted */
    double det_total, cash, base_factor;

    bool has_public, has_private;
    int max_ref;                                 /* highest price-reference year */
    double pub_coef[MAX_YEARS + 1][MAX_YEARS + 1]; /* [ref year][vest year], report cur. */
    size_t npub_opt;
    pub_option *pub_opt;
    double priv_rsu;    /* private RSU value at last-round price vested by N, report cur. */
    size_t npriv_opt;
    priv_option *priv_opt;
    double equity_stated; /* initial grants at their schedule basis, native */
    uint64_t stream_pub, stream_priv;

    double *paths;       /* equity per path, report currency (inside paths_mem) */
    void *paths_mem;
    double *blk_sum, *blk_min, *blk_max; /* per block of paths */
    unsigned long exits; /* paths with a liquidity event */
    unsigned long zeros; /* paths whose equity is worth nothing */

    /* results */
    double q[5], mean, ce, eq_median;
    bool ce_ok;   /* ce holds the certainty equivalent */
    bool ce_zero; /* ... and it is 0 because an outcome is worth nothing */
} model;

struct pb_valuation {
    pb__diag diag;
    int years;
    long simulations;
    uint64_t seed;
    double risk_aversion, wealth;
    int threads;
    bool scenarios, black_scholes, summary_only;
    double override_[A_COUNT];
    char currency[4];
    char out_of_range[320]; /* the first figure of a run that did not fit */
    size_t nrates;
    pb_fx_quote rates[MAX_RATES];
    size_t noffers;
    pb_offer *offers[MAX_OFFERS];
    model *models; /* after a run */
    size_t nmodels;
    pb_progress_fn progress; /* NULL: no progress reports */
    void *progress_ctx;
};

pb_valuation *pb_valuation_new(void)
{
    pb_valuation *v = pb__calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->years = PB_YEARS_DEFAULT;
    v->simulations = PB_SIMULATIONS_DEFAULT;
    v->seed = 1;
    v->risk_aversion = PB_RISK_AVERSION_DEFAULT;
    v->wealth = 0;
    v->threads = PB_THREADS_DEFAULT;
    for (int k = 0; k < A_COUNT; k++)
        v->override_[k] = NAN;
    return v;
}

static void free_models(pb_valuation *v)
{
    for (size_t i = 0; i < v->nmodels; i++) {
        json_decref(v->models[i].schedule);
        pb__free(v->models[i].pub_opt);
        pb__free(v->models[i].priv_opt);
        pb__free(v->models[i].paths_mem);
        pb__free(v->models[i].blk_sum);
        pb__free(v->models[i].blk_min);
        pb__free(v->models[i].blk_max);
    }
    pb__free(v->models);
    v->models = NULL;
    v->nmodels = 0;
}

void pb_valuation_free(pb_valuation *v)
{
    if (!v)
        return;
    free_models(v);
    pb__free(v);
}

const char *pb_valuation_errmsg(const pb_valuation *v)
{
    return v ? v->diag.msg : "out of memory";
}

pb_status pb_valuation_set(pb_valuation *v, const char *name, double value)
{
    if (!isfinite(value))
        return pb__diag_set(&v->diag, PB_ERR_USAGE, NULL, 0, "%s must be a number", name);
    for (int k = 0; k < A_COUNT; k++)
        if (strcmp(ANAMES[k].name, name) == 0) {
            if (value < ANAMES[k].lo || value > ANAMES[k].hi)
                return pb__diag_set(&v->diag, PB_ERR_USAGE, NULL, 0,
                                    "%s must be between %g and %g", name, ANAMES[k].lo,
                                    ANAMES[k].hi);
            v->override_[k] = value;
            return PB_OK;
        }
    struct {
        const char *name;
        double lo, hi;
        bool whole; /* a count or a switch: no fractions */
    } run[] = {{"years", PB_YEARS_MIN, PB_YEARS_MAX, true},
               {"simulations", PB_SIMULATIONS_MIN, PB_SIMULATIONS_MAX, true},
               {"risk_aversion", 0, PB_RISK_AVERSION_MAX, false},
               {"wealth", 0, (double)PB_WEALTH_MAX, false},
               {"threads", 1, MAX_THREADS, true}, {"scenarios", 0, 1, true},
               {"black_scholes", 0, 1, true},     {"summary_only", 0, 1, true}};
    for (size_t i = 0; i < sizeof run / sizeof run[0]; i++) {
        if (strcmp(run[i].name, name) != 0)
            continue;
        if (run[i].whole && value != floor(value)) {
            /* The shortest spelling that reads back as the value. */
            char text[32];
            for (int digits = 6; digits <= 17; digits++) {
                snprintf(text, sizeof text, "%.*g", digits, value);
                if (strtod(text, NULL) == value)
                    break;
            }
            return pb__diag_set(&v->diag, PB_ERR_USAGE, NULL, 0,
                                "%s must be a whole number, not %s", name, text);
        }
        if (value < run[i].lo || value > run[i].hi)
            return pb__diag_set(&v->diag, PB_ERR_USAGE, NULL, 0, "%s must be between %.15g and %.15g",
                                name, run[i].lo, run[i].hi);
        switch (i) {
        case 0: v->years = (int)value; break;
        case 1: v->simulations = (long)value; break;
        case 2: v->risk_aversion = value; break;
        case 3: v->wealth = value; break;
        case 4: v->threads = (int)value; break;
        case 5: v->scenarios = value != 0; break;
        case 6: v->black_scholes = value != 0; break;
        default: v->summary_only = value != 0; break;
        }
        return PB_OK;
    }
    return pb__diag_set(&v->diag, PB_ERR_USAGE, NULL, 0, "unknown setting '%s'", name);
}

pb_status pb_valuation_set_seed(pb_valuation *v, uint64_t seed)
{
    v->seed = seed;
    return PB_OK;
}

pb_status pb_valuation_set_currency(pb_valuation *v, const char *currency)
{
    if (!pb_currency_known(currency))
        return pb__diag_set(&v->diag, PB_ERR_CURRENCY, NULL, 0, "unknown currency '%s'",
                            currency);
    memcpy(v->currency, currency, 4);
    return PB_OK;
}

pb_status pb_valuation_add_rate(pb_valuation *v, const pb_fx_quote *quote)
{
    if (v->nrates >= MAX_RATES)
        return pb__diag_set(&v->diag, PB_ERR_RANGE, NULL, 0, "too many rates");
    v->rates[v->nrates++] = *quote;
    return PB_OK;
}

pb_status pb_valuation_add(pb_valuation *v, pb_offer *offer)
{
    if (v->noffers >= MAX_OFFERS)
        return pb__diag_set(&v->diag, PB_ERR_RANGE, NULL, 0, "at most %d offers", MAX_OFFERS);
    v->offers[v->noffers++] = offer;
    return PB_OK;
}

pb_status pb_valuation_set_progress(pb_valuation *v, pb_progress_fn fn, void *ctx)
{
    v->progress = fn;
    v->progress_ctx = ctx;
    return PB_OK;
}

const double *pb_valuation_paths(const pb_valuation *v, size_t i, size_t *count)
{
    if (!v->models || i >= v->nmodels)
        return NULL;
    *count = (size_t)v->simulations;
    return v->models[i].paths;
}

/* ---- Black–Scholes ---------------------------------------------------- */

static double norm_cdf(double x)
{
    return 0.5 * erfc(-x / sqrt(2.0));
}

double pb_black_scholes_call(double s, double k, double r, double t, double sigma)
{
    if (s <= 0)
        return 0;
    if (k <= 0)
        return s;
    if (t <= 0 || sigma <= 0)
        return fmax(0.0, s - k * exp(-r * fmax(t, 0.0)));
    double sq = sigma * sqrt(t);
    double d1 = (log(s / k) + (r + 0.5 * sigma * sigma) * t) / sq;
    double d2 = d1 - sq;
    return s * norm_cdf(d1) - k * exp(-r * t) * norm_cdf(d2);
}

/* ---- building the models ------------------------------------------------ */

static uint64_t hash_text(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a over the lower-cased text (a slug) */
    for (; s && *s; s++) {
        h ^= (unsigned char)tolower((unsigned char)*s);
        h *= 1099511628211ULL;
    }
    return h;
}

static bool grant_is_public(const pb_offer *o, const pb__grant *g)
{
    if (g->kind == PB__PUBLIC_RSU)
        return true;
    if (g->kind == PB__PRIVATE_RSU)
        return false;
    return o->facts.stage && strcmp(o->facts.stage, "public") == 0;
}

static const char *default_stage(const pb_offer *o)
{
    for (size_t i = 0; i < o->ngrants; i++)
        if (o->grants[i].kind != PB__PUBLIC_RSU)
            return "series_c";
    return "public";
}

static void resolve_assumptions(const pb_valuation *v, model *m)
{
    const pb_offer *o = m->offer;
    m->stage = o->facts.stage ? o->facts.stage : default_stage(o);
    m->stage_source = !o->facts.stage          ? "default"
                      : o->facts.stage_applied ? o->facts.applied_source
                                               : "file";
    const struct stage_defaults *d = &STAGE_DEFAULTS[0];
    for (size_t i = 0; i < sizeof STAGE_DEFAULTS / sizeof STAGE_DEFAULTS[0]; i++)
        if (strcmp(STAGE_DEFAULTS[i].stage, m->stage) == 0)
            d = &STAGE_DEFAULTS[i];
    snprintf(m->default_src, sizeof m->default_src, "default for %s", m->stage);
    for (int k = 0; k < A_COUNT; k++) {
        double f = file_value(&o->facts, (akey)k);
        if (!isnan(v->override_[k])) {
            m->a[k] = v->override_[k];
            m->asrc[k] = "flag";
        } else if (!isnan(f)) {
            m->a[k] = f;
            m->asrc[k] = k == A_VOLATILITY && o->facts.volatility_applied
                             ? o->facts.applied_source
                             : "file";
        } else {
            m->a[k] = d->a[k];
            m->asrc[k] = m->default_src;
        }
    }
}

static const pb_fx_quote *find_rate(const pb_valuation *v, const char *from, const char *to)
{
    for (size_t i = 0; i < v->nrates; i++)
        if (strcmp(v->rates[i].from, from) == 0 && strcmp(v->rates[i].to, to) == 0)
            return &v->rates[i];
    return NULL;
}

static double minor_to_major(int64_t minor, const char *currency)
{
    pb_money m = {minor, ""};
    memcpy(m.currency, currency, 4);
    return pb_money_major(m);
}

static double jnum(json_t *obj, const char *key)
{
    return json_number_value(json_object_get(obj, key));
}

/* Room for n path values. Large arrays start on a 2 MiB boundary and ask
 * for huge pages, so that first writes fault a few times, not thousands. */
static double *alloc_paths(void **mem, size_t n)
{
    enum { HUGE = 2 << 20 };
    size_t bytes = n * sizeof(double);
    if (bytes < HUGE) {
        *mem = pb__malloc(bytes);
        return *mem;
    }
    *mem = pb__malloc(bytes + HUGE);
    if (!*mem)
        return NULL;
    uintptr_t start = ((uintptr_t)*mem + HUGE - 1) & ~(uintptr_t)(HUGE - 1);
#ifdef MADV_HUGEPAGE
    madvise((void *)start, bytes & ~(size_t)(HUGE - 1), MADV_HUGEPAGE); /* a hint only */
#endif
    return (double *)start;
}

static pb_status build_model(pb_valuation *v, model *m, pb_offer *o)
{
    int n = v->years;
    m->offer = o;
    snprintf(m->name, sizeof m->name, "%s", pb_offer_name(o));
    resolve_assumptions(v, m);
    m->rate = 1;
    if (strcmp(o->currency, v->currency) != 0) {
        m->quote = find_rate(v, o->currency, v->currency);
        if (!m->quote)
            return pb__diag_set(&v->diag, PB_ERR_NO_RATE, NULL, 0,
                                "no exchange rate from %s to %s for offer '%s'", o->currency,
                                v->currency, m->name);
        m->rate = m->quote->rate;
    }
    pb_schedule_options so = {.years = n, .quote = m->quote};
    pb_status st = pb_offer_schedule(o, &so, &m->schedule);
    if (st != PB_OK)
        return pb__diag_set(&v->diag, st, NULL, 0, "%s", pb_offer_errmsg(o));
    m->det_total = jnum(m->schedule, "total");
    json_t *rows = json_object_get(m->schedule, "schedule");
    for (size_t i = 0; i < json_array_size(rows); i++) {
        json_t *r = json_array_get(rows, i);
        m->cash += jnum(r, "base") + jnum(r, "bonus") + jnum(r, "sign_on");
    }
    for (int y = 1; y <= n; y++)
        m->base_factor += (o->raise_pct == 0 ? 1.0 : pow(1 + o->raise_pct / 100.0, y - 1)) *
                          (1 + o->bonus_target_pct / 100.0 * o->bonus_payout_pct / 100.0);

    size_t cap = o->ngrants ? o->ngrants * (size_t)(MAX_YEARS + 1) : 1;
    m->pub_opt = pb__calloc(cap, sizeof *m->pub_opt);
    m->priv_opt = pb__calloc(cap, sizeof *m->priv_opt);
    if (!m->pub_opt || !m->priv_opt)
        return pb__diag_set(&v->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    uint64_t company = hash_text(o->company_slug);
    m->stream_pub = company ^ 0x5055424C4943ULL;  /* "PUBLIC" */
    m->stream_priv = company ^ 0x505249564154ULL; /* "PRIVAT" */

    for (size_t gi = 0; gi < o->ngrants; gi++) {
        const pb__grant *g = &o->grants[gi];
        const char *basis;
        bool counts;
        int64_t value = pb__grant_value(o, g, &basis, &counts);
        if (!g->refresh)
            m->equity_stated += minor_to_major(value, o->currency);
        int first = g->refresh ? g->start_year : g->start_year;
        int last = g->refresh ? n : g->start_year;
        bool pub = grant_is_public(o, g);
        /* The price an option is modelled from: preferred, else common. */
        double p0 = !isnan(g->price) ? g->price : g->common_price;
        for (int s = first; s <= last; s++) {
            int ref = g->refresh && pub ? s - 1 : 0;
            if (g->kind != PB__OPTION) {
                double val = (g->value_minor >= 0 ? minor_to_major(g->value_minor, o->currency)
                                                  : g->shares * g->price) *
                             m->rate;
                if (pub) {
                    m->has_public = true;
                    if (ref > m->max_ref)
                        m->max_ref = ref;
                    for (int y = s; y <= n; y++)
                        m->pub_coef[ref][y] += val * pb__vest_frac_in_year(&g->vest, s, y);
                } else {
                    m->has_private = true;
                    for (int y = s; y <= n; y++)
                        m->priv_rsu += val * pb__vest_frac_in_year(&g->vest, s, y);
                }
            } else if (pub) {
                m->has_public = true;
                pub_option *po = &m->pub_opt[m->npub_opt++];
                po->strike = g->strike;
                po->p0 = p0;
                for (int y = s; y <= n; y++)
                    po->shares[y] = g->shares * pb__vest_frac_in_year(&g->vest, s, y);
            } else {
                m->has_private = true;
                priv_option *po = &m->priv_opt[m->npriv_opt++];
                po->strike = g->strike;
                po->p0 = p0;
                for (int y = s; y <= n; y++)
                    po->shares += g->shares * pb__vest_frac_in_year(&g->vest, s, y);
            }
        }
    }
    size_t nblocks = (size_t)((v->simulations + BLOCK - 1) / BLOCK);
    m->paths = alloc_paths(&m->paths_mem, (size_t)v->simulations);
    m->blk_sum = pb__malloc(nblocks * sizeof *m->blk_sum);
    m->blk_min = pb__malloc(nblocks * sizeof *m->blk_min);
    m->blk_max = pb__malloc(nblocks * sizeof *m->blk_max);
    if (!m->paths || !m->blk_sum || !m->blk_min || !m->blk_max)
        return pb__diag_set(&v->diag, PB_ERR_NOMEM, NULL, 0, "out of memory for %ld paths",
                            v->simulations);
    return PB_OK;
}

/* ---- simulation ------------------------------------------------------------ */

/* Private equity payoff when each share is worth `factor` x its last-round
 * price. */
static double private_payoff(const model *m, double factor)
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
                    private_payoff(m, pb__exp(mu + msig * z) * keep_pow[exit_year[e]]);
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

static void simulate(pb_valuation *v)
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

/* ---- statistics ---------------------------------------------------------- */

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

/* What certainty_equivalent found. */
typedef enum ce_result {
    CE_OK,        /* *out is the certainty equivalent */
    CE_ZERO,      /* R >= 1 and some outcome is worth exactly nothing: its
                     utility is -infinity, so is E[u], and the sure total is
                     0 (*out = -w) */
    CE_UNDEFINED, /* some outcome is below zero */
} ce_result;

/* Certainty equivalent of w + cash + scale * paths[i] under CRRA with
 * relative risk aversion r (paths >= 0, scale >= 0). */
static ce_result certainty_equivalent(const double *paths, long n, double cash, double scale,
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

/* Solve f(x) = target for increasing f on [lo, hi] by the Illinois method. */
typedef bool (*mono_fn)(void *ctx, double x, double *y);

static bool solve_increasing(mono_fn f, void *ctx, double lo, double hi, double target,
                             double *out)
{
    double flo, fhi;
    if (!f(ctx, lo, &flo) || !f(ctx, hi, &fhi))
        return false;
    flo -= target;
    fhi -= target;
    if (flo > 0 || fhi < 0)
        return false;
    int side = 0;
    for (int it = 0; it < 200; it++) {
        double x = fhi == flo ? 0.5 * (lo + hi) : (lo * fhi - hi * flo) / (fhi - flo);
        if (!(x > lo && x < hi))
            x = 0.5 * (lo + hi);
        double fx;
        if (!f(ctx, x, &fx))
            return false;
        fx -= target;
        if (fabs(fx) <= 1e-9 * fabs(target) + 1e-9 || hi - lo <= 1e-12 * fabs(hi)) {
            *out = x;
            return true;
        }
        if (fx < 0) {
            lo = x;
            flo = fx;
            if (side == -1)
                fhi *= 0.5;
            side = -1;
        } else {
            hi = x;
            fhi = fx;
            if (side == 1)
                flo *= 0.5;
            side = 1;
        }
    }
    *out = 0.5 * (lo + hi);
    return true;
}

typedef struct ce_ctx {
    const model *m;
    long n;
    double w, r;
    bool shift; /* true: x is a cash shift; false: x scales the equity */
} ce_ctx;

static bool ce_of(void *arg, double x, double *y)
{
    ce_ctx *c = arg;
    ce_result res =
        c->shift ? certainty_equivalent(c->m->paths, c->n, c->m->cash + x, 1, c->w, c->r, y)
                 : certainty_equivalent(c->m->paths, c->n, c->m->cash, x, c->w, c->r, y);
    return res != CE_UNDEFINED;
}

/* The value of an offer when the company exits at the horizon at `multiple`,
 * with public equity at its expected value (mean of the paths' public part is
 * not kept, so the stated value is used). */
typedef struct exit_ctx {
    const model *m;
    double public_value;
    double keep_n;
} exit_ctx;

static bool value_at_multiple(void *arg, double multiple, double *y)
{
    exit_ctx *c = arg;
    *y = c->m->cash + c->public_value + private_payoff(c->m, multiple * c->keep_n);
    return true;
}

/* ---- output ------------------------------------------------------------------ */

/* A money figure of a result, rounded to the currency's minor unit. A
 * figure that is not finite or does not fit in minor units is recorded (the
 * first one) and the run fails naming it, rather than print a wrong number;
 * `m` is the offer it belongs to (NULL for the run's own figures). */
static json_t *jmoney_in(pb_valuation *v, const model *m, const char *figure,
                         const char *currency, double x)
{
    pb_money money;
    if (pb_money_from_double_checked(x, currency, &money) == PB_OK)
        return pb__json_money(money.minor, currency);
    if (!v->out_of_range[0])
        snprintf(v->out_of_range, sizeof v->out_of_range, "%s%sthe %s in %s is out of range",
                 m ? m->offer->file : "", m ? ": " : "", figure, currency);
    return json_null();
}

/* A figure in the report's currency, or in the offer's own. */
#define JMONEY(figure, x) jmoney_in(v, m, (figure), v->currency, (x))
#define JMONEY_NATIVE(figure, x) jmoney_in(v, m, (figure), m->offer->currency, (x))

static double prob(double x)
{
    return round(x * 1e6) / 1e6;
}

static pb_status nomem(pb_valuation *v)
{
    return pb__diag_set(&v->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
}

static json_t *assumptions_json(pb_valuation *v, const model *m, int years)
{
    json_t *list = json_array();
    if (!list)
        return NULL;
    json_t *st = json_pack("{s:s, s:s, s:s}", "name", "stage", "value", m->stage, "source",
                           m->stage_source);
    if (!st || json_array_append_new(list, st) != 0)
        goto fail;
    for (int k = 0; k < A_COUNT; k++) {
        json_t *a = json_pack("{s:s, s:f, s:s}", "name", ANAMES[k].name, "value", m->a[k],
                              "source", m->asrc[k]);
        if (!a || json_array_append_new(list, a) != 0)
            goto fail;
    }
    const pb__company_facts *f = &m->offer->facts;
    json_t *val = isnan(f->valuation)
                      ? json_pack("{s:s, s:n, s:s}", "name", "valuation", "value", "source",
                                  "none")
                      : json_pack("{s:s, s:o, s:s}", "name", "valuation", "value",
                                  JMONEY("valuation", f->valuation * m->rate), "source",
                                  f->valuation_applied ? f->applied_source : "file");
    if (!val || json_array_append_new(list, val) != 0)
        goto fail;
    json_t *h = json_pack("{s:s, s:i, s:s}", "name", "horizon_years", "value", years, "source",
                          "run");
    if (!h || json_array_append_new(list, h) != 0)
        goto fail;
    return list;
fail:
    json_decref(list);
    return NULL;
}

/* Expected value of public equity at the stated price (drift 0: exact mean). */
static double public_stated(const model *m, int n)
{
    double s = 0;
    for (int r = 0; r <= m->max_ref; r++)
        for (int y = 1; y <= n; y++)
            s += m->pub_coef[r][y];
    for (size_t i = 0; i < m->npub_opt; i++)
        for (int y = 1; y <= n; y++)
            s += m->pub_opt[i].shares[y] * fmax(0.0, m->pub_opt[i].p0 - m->pub_opt[i].strike) *
                 m->rate;
    return s;
}

static json_t *breakeven_side(pb_valuation *v, const model *m, double target, double own,
                              bool at_median, const char *target_name)
{
    long n = v->simulations;
    const pb_offer *o = m->offer;
    json_t *b = json_object();
    if (!b)
        return NULL;
    json_object_set_new(b, "target", json_string(target_name));
    json_object_set_new(b, "target_value", JMONEY("break-even target", target));
    json_object_set_new(b, "own_value", JMONEY("break-even own value", own));

    /* Equity: scale all equity (grants and refreshers) by k. */
    double k = NAN;
    const char *eq_note = NULL;
    if (m->equity_stated <= 0) {
        eq_note = "no equity grant to scale";
    } else if (at_median) {
        if (m->eq_median > 0)
            k = (target - m->cash) / m->eq_median;
        else
            eq_note = "the median equity outcome is zero: no grant size moves the median";
    } else {
        ce_ctx c = {m, n, v->wealth, v->risk_aversion, false};
        double hi = 1;
        double y;
        bool ok = true;
        while (ok && (ok = ce_of(&c, hi, &y)) && y < target && hi < 1e6)
            hi *= 2;
        if (!ok || !solve_increasing(ce_of, &c, 0, hi, target, &k)) {
            double y0;
            if (ce_of(&c, 0, &y0) && y0 >= target) {
                k = 0;
                eq_note = "the cash alone matches the target";
            } else
                eq_note = "no grant size reaches the target: the outcomes where the equity pays "
                          "nothing cap the certainty equivalent";
        }
    }
    if (!isnan(k) && k < 0) {
        k = 0;
        eq_note = "the cash alone matches the target";
    }
    json_object_set_new(b, "equity_scale", isnan(k) ? json_null() : json_real(k));
    json_object_set_new(b, "equity_grant",
                        isnan(k) ? json_null()
                                 : JMONEY_NATIVE("break-even equity grant", k * m->equity_stated));
    if (eq_note)
        json_object_set_new(b, "equity_note", json_string(eq_note));

    /* Base: a cash shift c in report currency, then back to a base. The
     * certainty equivalent of a shifted offer moves at least as far as the
     * shift upwards and at most as far downwards (CRRA: more wealth, less
     * risk premium), so the shift lies between 0 and target - own; below,
     * it stops just short of -(cash + wealth), where some outcome would be
     * worth nothing or less. */
    double c = NAN;
    bool no_base_needed = false;
    if (at_median) {
        c = target - own;
    } else {
        ce_ctx cc = {m, n, v->wealth, v->risk_aversion, true};
        double lo, hi, y;
        if (target >= own) {
            lo = 0;
            hi = target - own + 1;
            while (hi < 1e13 && ce_of(&cc, hi, &y) && y < target)
                hi *= 2;
        } else {
            double floor_shift = -(m->cash + v->wealth) * (1 - 1e-9);
            hi = 0;
            lo = fmax(target - own - 1, floor_shift);
        }
        if (!solve_increasing(ce_of, &cc, lo, hi, target, &c)) {
            c = NAN;
            /* Below the target even with no cash at all: no base is needed. */
            no_base_needed = target < own;
        }
    }
    double base_native = NAN;
    if (!isnan(c) && m->base_factor > 0)
        base_native = minor_to_major(o->base_minor, o->currency) + c / (m->rate * m->base_factor);
    if (no_base_needed || (!isnan(base_native) && base_native < 0)) {
        json_object_set_new(b, "base", json_integer(0));
        json_object_set_new(b, "base_note", json_string("matches the target even with no base"));
    } else if (isnan(base_native)) {
        json_object_set_new(b, "base", json_null());
        json_object_set_new(b, "base_note",
                            json_string("no base reaches the target: the certainty equivalent "
                                        "could not be brought to it"));
    } else {
        json_object_set_new(b, "base", JMONEY_NATIVE("break-even base", base_native));
    }

    /* Exit multiple, for offers with private equity. */
    if (m->has_private) {
        exit_ctx ec = {m, public_stated(m, v->years), pow(1 - m->a[A_DILUTION] / 100.0, v->years)};
        double y0, mult = NAN;
        value_at_multiple(&ec, 0, &y0);
        if (y0 >= target) {
            mult = 0;
        } else {
            double hi = 1;
            double y;
            while (value_at_multiple(&ec, hi, &y) && y < target && hi < 1e6)
                hi *= 2;
            if (y >= target && !solve_increasing(value_at_multiple, &ec, 0, hi, target, &mult))
                mult = NAN;
        }
        json_object_set_new(b, "exit_multiple", isnan(mult) ? json_null() : json_real(mult));
    } else {
        json_object_set_new(b, "exit_multiple", json_null());
    }
    json_object_set_new(b, "currency", json_string(o->currency));
    return b;
}

/* Discrete exit scenarios: the company exits at the horizon with each
 * scenario's value or multiple; public equity counts at its stated value. */
static json_t *scenarios_json(pb_valuation *v, const model *m)
{
    const pb_offer *o = m->offer;
    const pb__company_facts *f = &o->facts;
    json_t *s = json_object(), *list = json_array();
    if (!s || !list) {
        json_decref(s);
        json_decref(list);
        return NULL;
    }
    json_object_set_new(s, "scenarios", list);
    if (f->nscenarios == 0) {
        json_object_set_new(s, "note", json_string("the offer file gives no exit scenarios"));
        return s;
    }
    double keep_n = pow(1 - m->a[A_DILUTION] / 100.0, v->years);
    double pub = public_stated(m, v->years);
    double expected_equity = 0, expected_total = 0;
    for (size_t i = 0; i < f->nscenarios; i++) {
        const pb__scenario *sc = &f->scenarios[i];
        double eq = 0;
        /* Private RSUs by value scale with the company's multiple; grants in
         * shares are priced per share. */
        for (size_t gi = 0; gi < o->ngrants; gi++) {
            const pb__grant *g = &o->grants[gi];
            if (grant_is_public(o, g))
                continue;
            int first = g->start_year, last = g->refresh ? v->years : g->start_year;
            double frac = 0;
            for (int st = first; st <= last; st++)
                for (int y = st; y <= v->years; y++)
                    frac += pb__vest_frac_in_year(&g->vest, st, y);
            double p0 = !isnan(g->price) ? g->price : g->common_price;
            double pps; /* price per share at the exit */
            if (!isnan(sc->multiple))
                pps = p0 * sc->multiple * keep_n;
            else if (!isnan(f->fully_diluted_shares))
                pps = sc->value / f->fully_diluted_shares * keep_n;
            else
                pps = p0 * sc->value / f->valuation * keep_n;
            if (g->kind == PB__OPTION) {
                eq += frac * g->shares * fmax(0.0, pps - g->strike);
            } else if (g->value_minor >= 0) {
                double mult = !isnan(sc->multiple) ? sc->multiple
                              : !isnan(f->valuation)
                                  ? sc->value / f->valuation
                                  : sc->value / (f->fully_diluted_shares * f->share_price);
                eq += frac * minor_to_major(g->value_minor, o->currency) * mult * keep_n;
            } else {
                eq += frac * g->shares * pps;
            }
        }
        eq *= m->rate;
        double total = m->cash + pub + eq;
        expected_equity += sc->probability / 100.0 * eq;
        expected_total += sc->probability / 100.0 * total;
        json_t *row = json_object();
        if (!row || json_array_append_new(list, row) != 0)
            goto fail;
        json_object_set_new(row, "label", sc->label ? json_string(sc->label) : json_null());
        json_object_set_new(row, "exit_value",
                            isnan(sc->value) ? json_null()
                                             : JMONEY_NATIVE("scenario exit value", sc->value));
        json_object_set_new(row, "exit_multiple",
                            isnan(sc->multiple) ? json_null() : json_real(sc->multiple));
        json_object_set_new(row, "probability", json_real(sc->probability / 100.0));
        json_object_set_new(row, "private_equity_value", JMONEY("scenario equity value", eq));
        json_object_set_new(row, "total", JMONEY("scenario total", total));
    }
    json_object_set_new(s, "expected_private_equity",
                        JMONEY("expected private equity", expected_equity));
    json_object_set_new(s, "expected_total", JMONEY("expected total", expected_total));
    return s;
fail:
    json_decref(s);
    return NULL;
}

static json_t *black_scholes_json(pb_valuation *v, const model *m)
{
    const pb_offer *o = m->offer;
    json_t *list = json_array();
    if (!list)
        return NULL;
    double r = m->a[A_RISK_FREE] / 100.0, t = m->a[A_TERM], sig = m->a[A_VOLATILITY] / 100.0;
    for (size_t gi = 0; gi < o->ngrants; gi++) {
        const pb__grant *g = &o->grants[gi];
        if (g->kind != PB__OPTION)
            continue;
        bool common = !isnan(g->common_price);
        double spot = common ? g->common_price : g->price;
        double per = pb_black_scholes_call(spot, g->strike, r, t, sig);
        json_t *row = json_pack(
            "{s:s, s:f, s:s, s:f, s:f, s:f, s:f, s:f, s:o, s:o}", "grant", g->name, "spot", spot,
            "spot_basis", common ? "409a common price" : "preferred price (overstates value)",
            "strike", g->strike, "rate", r, "years", t, "volatility", sig, "per_option",
            round(per * 1e4) / 1e4, "grant_value_native",
            JMONEY_NATIVE("Black-Scholes grant value", per * g->shares), "grant_value",
            JMONEY("Black-Scholes grant value", per * g->shares * m->rate));
        if (!row || json_array_append_new(list, row) != 0) {
            json_decref(list);
            return NULL;
        }
        if (g->refresh)
            json_object_set_new(row, "note", json_string("one year's refresher"));
    }
    return list;
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
        ce_result res =
            certainty_equivalent(m->paths, n, m->cash, 1, v->wealth, v->risk_aversion, &m->ce);
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
static bool summarise_all(pb_valuation *v)
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

pb_status pb_valuation_run(pb_valuation *v, json_t **out)
{
    *out = NULL;
    free_models(v);
    pb__diag_clear(&v->diag);
    v->out_of_range[0] = '\0';
    if (v->noffers == 0)
        return pb__diag_set(&v->diag, PB_ERR_USAGE, NULL, 0, "no offers to value");
    if (!v->currency[0])
        memcpy(v->currency, pb_offer_currency(v->offers[0]), 4);
    v->models = pb__calloc(v->noffers, sizeof *v->models);
    if (!v->models)
        return nomem(v);
    v->nmodels = v->noffers;
    pb_status st = PB_OK;
    for (size_t i = 0; i < v->noffers && st == PB_OK; i++)
        st = build_model(v, &v->models[i], v->offers[i]);
    if (st != PB_OK)
        return st;
    simulate(v);

    long n = v->simulations;
    if (!summarise_all(v))
        return nomem(v);

    json_t *root = json_object(), *fxs = json_array(), *offers = json_array();
    if (!root || !fxs || !offers) {
        json_decref(root);
        json_decref(fxs);
        json_decref(offers);
        return nomem(v);
    }
    json_object_set_new(root, "years", json_integer(v->years));
    json_object_set_new(root, "simulations", json_integer(v->simulations));
    char seed[24];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)v->seed);
    json_object_set_new(root, "seed", json_string(seed));
    json_object_set_new(root, "risk_aversion", json_real(v->risk_aversion));
    json_object_set_new(root, "wealth", jmoney_in(v, NULL, "wealth", v->currency, v->wealth));
    json_object_set_new(root, "currency", json_string(v->currency));
    json_object_set_new(root, "fx", fxs);
    json_object_set_new(root, "offers", offers);
    for (size_t i = 0; i < v->nmodels; i++) {
        const pb_fx_quote *q = v->models[i].quote;
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            seen = seen || v->models[j].quote == q;
        if (!q || seen)
            continue;
        json_array_append_new(fxs, pb__json_quote(q));
    }

    for (size_t i = 0; i < v->nmodels; i++) {
        model *m = &v->models[i];
        json_t *o = json_object();
        if (!o || json_array_append_new(offers, o) != 0)
            goto nomem_root;
        json_object_set_new(o, "name", json_string(m->name));
        json_object_set_new(o, "file", json_string(m->offer->file));
        json_object_set_new(o, "company", json_string(pb_offer_company(m->offer)));
        json_object_set_new(o, "native_currency", json_string(m->offer->currency));
        json_object_set(o, "deterministic_total", json_object_get(m->schedule, "total"));
        json_object_set(o, "first_year_total", json_object_get(m->schedule, "first_year_total"));
        json_object_set(o, "annualised_total", json_object_get(m->schedule, "annualised_total"));
        json_object_set_new(o, "cash_total", JMONEY("cash total", m->cash));
        json_object_set_new(o, "assumptions", assumptions_json(v, m, v->years));
        json_t *sim = json_pack(
            "{s:o, s:o, s:o, s:o, s:o, s:o}", "p5", JMONEY("simulated p5", m->q[0]), "p25",
            JMONEY("simulated p25", m->q[1]), "p50", JMONEY("simulated p50", m->q[2]), "p75",
            JMONEY("simulated p75", m->q[3]), "p95", JMONEY("simulated p95", m->q[4]), "mean",
            JMONEY("simulated mean", m->mean));
        if (!sim || json_object_set_new(o, "simulated", sim) != 0)
            goto nomem_root;
        json_object_set_new(o, "p_exit",
                            m->has_private ? json_real(prob((double)m->exits / (double)n))
                                           : json_null());
        json_object_set_new(o, "p_zero_equity", json_real(prob((double)m->zeros / (double)n)));
        if (v->summary_only)
            continue;
        json_object_set_new(o, "certainty_equivalent",
                            m->ce_ok ? JMONEY("certainty equivalent", m->ce) : json_null());
        if (m->ce_zero) {
            char *note = pb__asprintf(
                "%.1f%% of the outcomes are worth nothing, and with risk aversion %g (1 or more) "
                "and no wealth their utility is minus infinity: the certainty equivalent is 0; "
                "set a wealth (--wealth) to weigh them as large losses instead",
                100.0 * (double)m->zeros / (double)n, v->risk_aversion);
            if (!note || json_object_set_new(o, "certainty_equivalent_note", json_string(note))) {
                pb__free(note);
                goto nomem_root;
            }
            pb__free(note);
        }
        json_t *beats = json_object();
        if (!beats || json_object_set_new(o, "p_beats", beats) != 0)
            goto nomem_root;
        for (size_t j = 0; j < v->nmodels; j++) {
            if (j == i)
                continue;
            const model *b = &v->models[j];
            double wins = 0;
            double ca = m->cash, cb = b->cash;
            for (long p = 0; p < n; p++) {
                double xa = ca + m->paths[p], xb = cb + b->paths[p];
                wins += xa > xb ? 1.0 : xa == xb ? 0.5 : 0.0;
            }
            json_object_set_new(beats, b->name, json_real(prob(wins / (double)n)));
        }
        /* Break-even against the best other offer, by median and by CE. */
        if (v->nmodels > 1) {
            size_t best_med = SIZE_MAX, best_ce = SIZE_MAX;
            for (size_t j = 0; j < v->nmodels; j++) {
                if (j == i)
                    continue;
                if (best_med == SIZE_MAX || v->models[j].q[2] > v->models[best_med].q[2])
                    best_med = j;
                if (v->models[j].ce_ok &&
                    (best_ce == SIZE_MAX || v->models[j].ce > v->models[best_ce].ce))
                    best_ce = j;
            }
            json_t *be = json_object();
            if (!be || json_object_set_new(o, "breakeven", be) != 0)
                goto nomem_root;
            json_object_set_new(be, "at_median",
                                breakeven_side(v, m, v->models[best_med].q[2], m->q[2], true,
                                               v->models[best_med].name));
            if (best_ce != SIZE_MAX && m->ce_ok)
                json_object_set_new(be, "at_certainty_equivalent",
                                    breakeven_side(v, m, v->models[best_ce].ce, m->ce, false,
                                                   v->models[best_ce].name));
            else
                json_object_set_new(be, "at_certainty_equivalent", json_null());
        }
        if (v->scenarios)
            json_object_set_new(o, "scenarios", scenarios_json(v, m));
        if (v->black_scholes)
            json_object_set_new(o, "black_scholes", black_scholes_json(v, m));
    }
    if (v->out_of_range[0]) {
        json_decref(root);
        return pb__diag_set(&v->diag, PB_ERR_RANGE, NULL, 0, "%s", v->out_of_range);
    }
    *out = root;
    return PB_OK;
nomem_root:
    json_decref(root);
    return nomem(v);
}
