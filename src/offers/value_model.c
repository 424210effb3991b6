/* value_model.c — the model of one offer that a valuation run builds: its
 * assumptions (flag > file > store > the stage's default), its rate to the
 * report currency, its cash from the deterministic schedule, and its grants
 * cut into what the simulation needs — public stock as the value vesting
 * each year by price-reference year and option tranches, private stock as
 * the value and option shares vested by the horizon — with room for its
 * paths. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "core/alloc.h"
#include "core/diag.h"
#include "offers/value_internal.h"
#include "payband/money.h"

const assumption_name pb__value_assumption_names[A_COUNT] = {
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

static uint64_t hash_text(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a over the lower-cased text (a slug) */
    for (; s && *s; s++) {
        h ^= (unsigned char)tolower((unsigned char)*s);
        h *= 1099511628211ULL;
    }
    return h;
}

bool pb__value_grant_is_public(const pb_offer *o, const pb__grant *g)
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

double pb__value_minor_to_major(int64_t minor, const char *currency)
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

pb_status pb__value_build_model(pb_valuation *v, model *m, pb_offer *o)
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
            m->equity_stated += pb__value_minor_to_major(value, o->currency);
        int first = g->refresh ? g->start_year : g->start_year;
        int last = g->refresh ? n : g->start_year;
        bool pub = pb__value_grant_is_public(o, g);
        /* The price an option is modelled from: preferred, else common. */
        double p0 = !isnan(g->price) ? g->price : g->common_price;
        for (int s = first; s <= last; s++) {
            int ref = g->refresh && pub ? s - 1 : 0;
            if (g->kind != PB__OPTION) {
                double val = (g->value_minor >= 0
                                  ? pb__value_minor_to_major(g->value_minor, o->currency)
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
