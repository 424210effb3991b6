/* plan.c — the rules of a negotiation plan: where in the band the ask and
 * the accept-at floor sit (risk appetite sets the anchors, competing offers
 * the leverage), how premiums lift them, and how big a sign-on bridges the
 * first-year gap. Pure arithmetic over plain inputs, so every rule can be
 * driven from a case table. The rules are written out in docs/plan.md. */
#include <math.h>

#include "payband/money.h"

#include "plan/plan_internal.h"

double pb__tilt(double gamma)
{
    if (!(gamma > 0))
        return 1.0;
    double t = log2(4.0 / gamma) / 2.0;
    return t < 0 ? 0 : t > 1 ? 1 : t;
}

/* Low appetite (tilt 0) opens with base high in the band and equity lower;
 * high appetite (tilt 1) takes more of the package in equity. */
double pb__anchor_ask_base(double t) { return 85.0 - 15.0 * t; }
double pb__anchor_ask_equity(double t) { return 65.0 + 25.0 * t; }
double pb__anchor_floor_base(double t) { return 40.0 - 20.0 * t; }
double pb__anchor_floor_equity(double t) { return 40.0 + 20.0 * t; }

/* ---- checked arithmetic ------------------------------------------------------
 * Every sum and product of amounts goes through the checked money helpers;
 * the first figure out of range is named in out->overflow, later ones give
 * 0, and pb__plan_rules returns PB_ERR_RANGE. */

static pb_money amt(int64_t minor)
{
    return (pb_money){minor, ""};
}

static int64_t overflow(struct pb__rule_output *out, const char *what)
{
    if (!out->overflow)
        out->overflow = what;
    return 0;
}

static int64_t add(struct pb__rule_output *out, int64_t a, int64_t b, const char *what)
{
    pb_money r;
    return pb_money_add(amt(a), amt(b), &r) == PB_OK ? r.minor : overflow(out, what);
}

static int64_t sub(struct pb__rule_output *out, int64_t a, int64_t b, const char *what)
{
    pb_money r;
    return pb_money_sub(amt(a), amt(b), &r) == PB_OK ? r.minor : overflow(out, what);
}

/* a x factor, rounded half away from zero. */
static int64_t scale(struct pb__rule_output *out, int64_t a, double factor, const char *what)
{
    pb_money r;
    return pb_money_scale(amt(a), factor, &r) == PB_OK ? r.minor : overflow(out, what);
}

/* v rounded half away from zero (llround), checked. */
static int64_t round_checked(struct pb__rule_output *out, double v, const char *what)
{
    return scale(out, 1, v, what);
}

/* The middle of a range, (lo + hi) / 2. */
static int64_t middle(struct pb__rule_output *out, int64_t lo, int64_t hi, const char *what)
{
    return add(out, lo, hi, what) / 2;
}

/* The smallest multiple of `unit` at or above v > 0. */
static int64_t up_to_unit(struct pb__rule_output *out, int64_t v, int64_t unit, const char *what)
{
    int64_t r = v / unit * unit;
    return r == v ? r : add(out, r, unit, what);
}

static int64_t bonus_of(struct pb__rule_output *out, int64_t base, int32_t bp, const char *what)
{
    return round_checked(out, (double)base * bp / 10000.0, what);
}

/* The N-year total of a package, checked; `what` names it in out->overflow. */
static int64_t package_total(struct pb__rule_output *out, int64_t base, int32_t bonus_bp,
                             int64_t grant, int vest_years, int64_t sign_on, int years,
                             const char *what)
{
    int64_t cash = add(out, base, bonus_of(out, base, bonus_bp, what), what);
    int64_t total = add(out, scale(out, cash, years, what), sign_on, what);
    if (grant > 0 && vest_years > 0) {
        int vested = years < vest_years ? years : vest_years;
        total = add(out, total, round_checked(out, (double)grant * vested / vest_years, what),
                    what);
    }
    return total;
}

pb_status pb__package_total(int64_t base, int32_t bonus_bp, int64_t grant, int vest_years,
                            int64_t sign_on, int years, int64_t *total)
{
    struct pb__rule_output out = {0};
    *total = package_total(&out, base, bonus_bp, grant, vest_years, sign_on, years, "total");
    return out.overflow ? PB_ERR_RANGE : PB_OK;
}

static double point(const int64_t range[2], double pct)
{
    return (double)range[0] + (double)(range[1] - range[0]) * pct / 100.0;
}

/* Sum of the premiums that touch `component` (total touches both), in
 * percent: midpoints for the ask, low ends for the floor. */
static double premium_pct(const struct pb__rule_input *in, int component, bool ask)
{
    double sum = 0;
    for (size_t i = 0; i < in->npremiums; i++) {
        const struct pb__rule_premium *p = &in->premiums[i];
        if (p->component != component && p->component != PB__COMP_TOTAL)
            continue;
        sum += ask ? (p->low_bp + p->high_bp) / 200.0 : p->low_bp / 100.0;
    }
    return sum;
}

/* Place one figure: band point at `pos`, premium, the offer in hand's
 * figure when it pays more (for the ask and the floor alike), rounding kept
 * inside the band unless the premium (or the offer in hand) took it out. */
static void place(struct pb__rule_output *out, struct pb__rule_figure *f, const int64_t range[2],
                  double anchor, double pos, double prem, bool has_offer, int64_t offer,
                  int64_t unit, const char *what)
{
    f->anchor_pct = anchor;
    f->position_pct = pos;
    f->premium_pct = prem;
    double v = point(range, pos);
    f->before_premium = round_checked(out, v, what);
    v *= 1.0 + prem / 100.0;
    if (has_offer && (double)offer > v) {
        v = (double)offer;
        f->raised_to_offer = true;
    }
    if (unit <= 0)
        unit = 1;
    int64_t r = scale(out, round_checked(out, v / (double)unit, what), (double)unit, what);
    if (v <= (double)range[1] && r > range[1])
        r = range[1];
    if (v >= (double)range[0] && r < range[0])
        r = range[0];
    f->amount = r;
    f->above_band = r > range[1];
}

pb_status pb__plan_rules(const struct pb__rule_input *in, struct pb__rule_output *out)
{
    *out = (struct pb__rule_output){0};
    int years = in->years > 0 ? in->years : 4;
    int vest = in->has_equity && in->vest_years > 0 ? in->vest_years : 0;
    int64_t no_equity[2] = {0, 0};
    const int64_t *equity = vest ? in->equity : no_equity;
    double t = pb__tilt(in->risk_aversion);
    out->tilt = t;
    out->bonus_bp = in->has_offer && in->offer_has_bonus
                        ? in->offer_bonus_bp
                        : (int32_t)((in->bonus_bp[0] + in->bonus_bp[1]) / 2);

    /* leverage: where the best competing offer's N-year total falls between
     * the band's middle package and its top package */
    int64_t mid_base = middle(out, in->base[0], in->base[1], "the band's middle base");
    int64_t mid_equity = middle(out, equity[0], equity[1], "the band's middle grant");
    int32_t mid_bonus = (in->bonus_bp[0] + in->bonus_bp[1]) / 2;
    out->band_mid_total = package_total(out, mid_base, mid_bonus, mid_equity, vest, 0, years,
                                        "the band's middle package total");
    out->band_top_total = package_total(out, in->base[1], in->bonus_bp[1], equity[1], vest, 0,
                                        years, "the band's top package total");
    out->best = -1;
    for (size_t i = 0; i < in->ncompetitors; i++)
        if (out->best < 0 ||
            in->competitors[i].n_year_total > in->competitors[out->best].n_year_total)
            out->best = (int)i;
    double lev = 0;
    if (out->best >= 0) {
        int64_t c = in->competitors[out->best].n_year_total;
        int64_t span = sub(out, out->band_top_total, out->band_mid_total,
                           "the span of the band's packages");
        if (span > 0)
            lev = (double)sub(out, c, out->band_mid_total,
                              "the best competing offer above the band's middle package") /
                  (double)span;
        else
            lev = c > out->band_mid_total ? 1 : 0;
        lev = lev < 0 ? 0 : lev > 1 ? 1 : lev;
    }
    out->leverage = lev;

    /* positions: the ask moves halfway to the top of the band at full
     * leverage; the floor moves halfway towards the ask's anchor */
    double a_base = pb__anchor_ask_base(t), a_eq = pb__anchor_ask_equity(t);
    double f_base = pb__anchor_floor_base(t), f_eq = pb__anchor_floor_equity(t);
    double pa_base = a_base + (100.0 - a_base) * lev / 2.0;
    double pa_eq = a_eq + (100.0 - a_eq) * lev / 2.0;
    double pf_base = f_base + (a_base - f_base) * lev / 2.0;
    double pf_eq = f_eq + (a_eq - f_eq) * lev / 2.0;

    place(out, &out->ask_base, in->base, a_base, pa_base, premium_pct(in, PB__COMP_BASE, true),
          in->has_offer, in->offer_base, in->unit, "the ask's base");
    place(out, &out->floor_base, in->base, f_base, pf_base,
          premium_pct(in, PB__COMP_BASE, false), in->has_offer, in->offer_base, in->unit,
          "the floor's base");
    if (vest) {
        place(out, &out->ask_equity, equity, a_eq, pa_eq,
              premium_pct(in, PB__COMP_EQUITY, true), in->has_offer, in->offer_equity,
              in->unit, "the ask's equity grant");
        place(out, &out->floor_equity, equity, f_eq, pf_eq,
              premium_pct(in, PB__COMP_EQUITY, false), in->has_offer, in->offer_equity,
              in->unit, "the floor's equity grant");
    }
    /* the floor never above the ask (the offer in hand lifts both alike) */
    if (out->floor_base.amount > out->ask_base.amount) {
        out->floor_base.amount = out->ask_base.amount;
        out->floor_base.clamped_to_ask = true;
        out->floor_base.above_band = out->floor_base.amount > in->base[1];
    }
    if (out->floor_equity.amount > out->ask_equity.amount) {
        out->floor_equity.amount = out->ask_equity.amount;
        out->floor_equity.clamped_to_ask = true;
        out->floor_equity.above_band = out->floor_equity.amount > equity[1];
    }

    /* sign-on: the first-year cash the best competing offer pays beyond the
     * ask, up to a quarter of the ask's base */
    int64_t unit = in->unit > 0 ? in->unit : 1;
    /* ask x pct / 100 rounded down, in parts that cannot overflow */
    int64_t ask = out->ask_base.amount;
    out->sign_on_cap = (ask / 100 * PB__SIGN_ON_CAP_PCT + ask % 100 * PB__SIGN_ON_CAP_PCT / 100) /
                       unit * unit;
    out->ask_first_cash = add(out, ask, bonus_of(out, ask, out->bonus_bp, "the ask's bonus"),
                              "the ask's first-year cash");
    if (out->best >= 0) {
        out->first_year_gap = sub(out, in->competitors[out->best].first_year_cash,
                                  out->ask_first_cash, "the first-year cash gap");
        if (out->first_year_gap > 0) {
            out->sign_on = up_to_unit(out, out->first_year_gap, unit, "the sign-on");
            if (out->sign_on > out->sign_on_cap) {
                out->sign_on = out->sign_on_cap;
                out->sign_on_capped = true;
            }
        }
    }
    out->ask_total = package_total(out, out->ask_base.amount, out->bonus_bp,
                                   out->ask_equity.amount, vest, out->sign_on, years,
                                   "the ask's N-year total");
    out->floor_total = package_total(out, out->floor_base.amount, out->bonus_bp,
                                     out->floor_equity.amount, vest, 0, years,
                                     "the floor's N-year total");
    return out->overflow ? PB_ERR_RANGE : PB_OK;
}
