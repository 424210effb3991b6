/* value_breakeven.c — what an offer needs to match the best other offer,
 * by median or by certainty equivalent: the scale of its equity grants,
 * its base, and (with private equity) the exit multiple; closed forms at
 * the median, an Illinois solver on the certainty equivalent. A target out
 * of reach gives null with the reason. */
#include <math.h>

#include "offers/value_internal.h"

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
        c->shift
            ? pb__value_certainty_equivalent(c->m->paths, c->n, c->m->cash + x, 1, c->w, c->r, y)
            : pb__value_certainty_equivalent(c->m->paths, c->n, c->m->cash, x, c->w, c->r, y);
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
    *y = c->m->cash + c->public_value + pb__value_private_payoff(c->m, multiple * c->keep_n);
    return true;
}

/* Expected value of public equity at the stated price (drift 0: exact mean). */
double pb__value_public_stated(const model *m, int n)
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

json_t *pb__value_breakeven_side(pb_valuation *v, const model *m, double target, double own,
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
        base_native = pb__value_minor_to_major(o->base_minor, o->currency) +
                      c / (m->rate * m->base_factor);
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
        exit_ctx ec = {m, pb__value_public_stated(m, v->years),
                       pow(1 - m->a[A_DILUTION] / 100.0, v->years)};
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

