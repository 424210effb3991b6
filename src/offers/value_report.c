/* value_report.c — the result of a valuation run as JSON: the run's
 * settings and rates, and per offer its deterministic totals, assumptions
 * with their sources, simulated quantiles and mean, chances of an exit and
 * of worthless equity, certainty equivalent, P(beats) each other offer,
 * break-evens against the best other, and scenarios and Black–Scholes when
 * asked. Every money figure is rounded to its currency's minor unit; one
 * out of range fails the run, naming it. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "core/alloc.h"
#include "core/jsonutil.h"
#include "offers/value_internal.h"
#include "payband/money.h"

json_t *pb__value_money(pb_valuation *v, const model *m, const char *figure,
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
static double prob(double x)
{
    return round(x * 1e6) / 1e6;
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
        json_t *a = json_pack("{s:s, s:f, s:s}", "name", pb__value_assumption_names[k].name,
                              "value", m->a[k], "source", m->asrc[k]);
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

pb_status pb__value_report(pb_valuation *v, json_t **out)
{
    long n = v->simulations;
    json_t *root = json_object(), *fxs = json_array(), *offers = json_array();
    if (!root || !fxs || !offers) {
        json_decref(root);
        json_decref(fxs);
        json_decref(offers);
        return pb__value_nomem(v);
    }
    json_object_set_new(root, "years", json_integer(v->years));
    json_object_set_new(root, "simulations", json_integer(v->simulations));
    char seed[24];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)v->seed);
    json_object_set_new(root, "seed", json_string(seed));
    json_object_set_new(root, "risk_aversion", json_real(v->risk_aversion));
    json_object_set_new(root, "wealth", pb__value_money(v, NULL, "wealth", v->currency, v->wealth));
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
                                pb__value_breakeven_side(v, m, v->models[best_med].q[2], m->q[2],
                                                         true, v->models[best_med].name));
            if (best_ce != SIZE_MAX && m->ce_ok)
                json_object_set_new(be, "at_certainty_equivalent",
                                    pb__value_breakeven_side(v, m, v->models[best_ce].ce, m->ce,
                                                             false, v->models[best_ce].name));
            else
                json_object_set_new(be, "at_certainty_equivalent", json_null());
        }
        if (v->scenarios)
            json_object_set_new(o, "scenarios", pb__value_scenarios_json(v, m));
        if (v->black_scholes)
            json_object_set_new(o, "black_scholes", pb__value_black_scholes_json(v, m));
    }
    if (v->out_of_range[0]) {
        json_decref(root);
        return pb__diag_set(&v->diag, PB_ERR_RANGE, NULL, 0, "%s", v->out_of_range);
    }
    *out = root;
    return PB_OK;
nomem_root:
    json_decref(root);
    return pb__value_nomem(v);
}
