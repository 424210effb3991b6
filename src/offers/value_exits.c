/* value_exits.c — the equity outside the simulation, on request: each
 * offer's discrete exit scenarios (the company exits at the horizon at a
 * given value or multiple, with a probability), and Black–Scholes values of
 * its option grants. */
#include <math.h>

#include "offers/value_internal.h"

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

/* Discrete exit scenarios: the company exits at the horizon with each
 * scenario's value or multiple; public equity counts at its stated value. */
json_t *pb__value_scenarios_json(pb_valuation *v, const model *m)
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
    double pub = pb__value_public_stated(m, v->years);
    double expected_equity = 0, expected_total = 0;
    for (size_t i = 0; i < f->nscenarios; i++) {
        const pb__scenario *sc = &f->scenarios[i];
        double eq = 0;
        /* Private RSUs by value scale with the company's multiple; grants in
         * shares are priced per share. */
        for (size_t gi = 0; gi < o->ngrants; gi++) {
            const pb__grant *g = &o->grants[gi];
            if (pb__value_grant_is_public(o, g))
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
                eq += frac * pb__value_minor_to_major(g->value_minor, o->currency) * mult * keep_n;
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

json_t *pb__value_black_scholes_json(pb_valuation *v, const model *m)
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

