/* value.c — the valuation handle: its settings (run settings, assumption
 * overrides, report currency, rates, the borrowed offers) and a run — build
 * a model per offer, simulate, summarise, report — and the paths a run
 * leaves for the caller. The model and its steps are described in
 * value_internal.h and docs/internals/value.md. */
#include "payband/value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/diag.h"
#include "offers/value_internal.h"
#include "payband/money.h"

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

pb__diag *pb__valuation_diag(pb_valuation *v)
{
    return &v->diag;
}

double pb_valuation_get(const pb_valuation *v, const char *name)
{
    return strcmp(name, "years") == 0         ? v->years
           : strcmp(name, "simulations") == 0 ? (double)v->simulations
           : strcmp(name, "threads") == 0     ? v->threads
                                              : NAN;
}

pb_status pb_valuation_set(pb_valuation *v, const char *name, double value)
{
    if (!isfinite(value))
        return pb__diag_set(&v->diag, PB_ERR_USAGE, NULL, 0, "%s must be a number", name);
    for (int k = 0; k < A_COUNT; k++) {
        const assumption_name *a = &pb__value_assumption_names[k];
        if (strcmp(a->name, name) == 0) {
            if (value < a->lo || value > a->hi)
                return pb__diag_set(&v->diag, PB_ERR_USAGE, NULL, 0,
                                    "%s must be between %g and %g", name, a->lo, a->hi);
            v->override_[k] = value;
            return PB_OK;
        }
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

pb_status pb__value_nomem(pb_valuation *v)
{
    return pb__diag_set(&v->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
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
        return pb__value_nomem(v);
    v->nmodels = v->noffers;
    pb_status st = PB_OK;
    for (size_t i = 0; i < v->noffers && st == PB_OK; i++)
        st = pb__value_build_model(v, &v->models[i], v->offers[i]);
    if (st != PB_OK)
        return st;
    pb__value_simulate(v);
    if (!pb__value_summarise_all(v))
        return pb__value_nomem(v);
    return pb__value_report(v, out);
}
