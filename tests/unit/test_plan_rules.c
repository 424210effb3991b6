/* test_plan_rules.c — the ask and floor rules (src/plan/plan.c) driven from
 * tests/cases/plan_rules.txt, and the invariants that must hold for any
 * input: the floor never above the ask, nothing outside the band without a
 * premium or the offer in hand taking it there, and each input moving the
 * ask and floor the documented way. */
#include <inttypes.h>
#include <math.h>

#include "plan/plan_internal.h"
#include "testutil.h"

#define MINOR 100 /* EUR cents per euro */

static void parse_pair(const char *s, char sep, int64_t *a, int64_t *b)
{
    char *end = NULL;
    *a = strtoll(s, &end, 10) * MINOR;
    cr_assert(*end == sep, "bad pair '%s'", s);
    *b = strtoll(end + 1, NULL, 10) * MINOR;
}

struct rule_case {
    struct pb__rule_input in;
    struct pb__rule_competitor comps[8];
    struct pb__rule_premium prems[8];
};

static void parse_case(char **f, struct rule_case *c)
{
    struct pb__rule_input *in = &c->in;
    memset(c, 0, sizeof *c);
    in->unit = 1000 * MINOR;
    parse_pair(f[1], '-', &in->base[0], &in->base[1]);
    if (strcmp(f[2], "-") != 0) {
        char *slash = strchr(f[2], '/');
        cr_assert_not_null(slash);
        *slash = '\0';
        parse_pair(f[2], '-', &in->equity[0], &in->equity[1]);
        in->has_equity = true;
        in->vest_years = (int)strtol(slash + 1, NULL, 10);
    }
    int64_t b0, b1;
    parse_pair(f[3], '-', &b0, &b1);
    in->bonus_bp[0] = (int32_t)(b0 / MINOR * 100);
    in->bonus_bp[1] = (int32_t)(b1 / MINOR * 100);
    in->risk_aversion = strtod(f[4], NULL);
    in->years = (int)strtol(f[5], NULL, 10);
    for (char *p = f[6]; strcmp(f[6], "-") != 0 && p && *p;) {
        struct pb__rule_competitor *k = &c->comps[in->ncompetitors++];
        char *end = NULL;
        k->n_year_total = strtoll(p, &end, 10) * MINOR;
        cr_assert(*end == ':');
        k->first_year_cash = strtoll(end + 1, &end, 10) * MINOR;
        p = *end == ',' ? end + 1 : NULL;
    }
    in->competitors = c->comps;
    for (char *p = f[7]; strcmp(f[7], "-") != 0 && p && *p;) {
        struct pb__rule_premium *k = &c->prems[in->npremiums++];
        k->component = strncmp(p, "base:", 5) == 0     ? PB__COMP_BASE
                       : strncmp(p, "equity:", 7) == 0 ? PB__COMP_EQUITY
                                                       : PB__COMP_TOTAL;
        char *end = NULL;
        k->low_bp = (int32_t)(strtol(strchr(p, ':') + 1, &end, 10) * 100);
        k->high_bp = (int32_t)(strtol(end + 1, &end, 10) * 100);
        p = *end == ',' ? end + 1 : NULL;
    }
    in->premiums = c->prems;
    if (strcmp(f[8], "-") != 0) {
        in->has_offer = true;
        parse_pair(f[8], '/', &in->offer_base, &in->offer_equity);
    }
}

static bool has_flag(const char *flags, const char *flag)
{
    const char *p = strstr(flags, flag);
    size_t n = strlen(flag);
    return p && (p == flags || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ');
}

/* One line of tests/cases/plan_rules.txt: a name, the inputs, and the ask,
 * floor, leverage and flags they must give. */
static void check_rule_case(const struct test_case *tc, void *ctx)
{
    (void)ctx;
    char **fld = tc->f;
    struct rule_case c;
    parse_case(fld, &c);
    struct pb__rule_output out;
    cr_assert_eq(pb__plan_rules(&c.in, &out), PB_OK);
    int64_t ab, ae, so, fb, fe;
    cr_assert_eq(sscanf(fld[9], "%" SCNd64 " %" SCNd64 " %" SCNd64, &ab, &ae, &so), 3);
    cr_assert_eq(sscanf(fld[10], "%" SCNd64 " %" SCNd64, &fb, &fe), 2);
    cr_expect_eq(out.ask_base.amount, ab * MINOR, "%s: ask base %" PRId64, fld[0],
                 out.ask_base.amount / MINOR);
    cr_expect_eq(out.ask_equity.amount, ae * MINOR, "%s: ask equity %" PRId64, fld[0],
                 out.ask_equity.amount / MINOR);
    cr_expect_eq(out.sign_on, so * MINOR, "%s: sign-on %" PRId64, fld[0],
                 out.sign_on / MINOR);
    cr_expect_eq(out.floor_base.amount, fb * MINOR, "%s: floor base %" PRId64, fld[0],
                 out.floor_base.amount / MINOR);
    cr_expect_eq(out.floor_equity.amount, fe * MINOR, "%s: floor equity %" PRId64, fld[0],
                 out.floor_equity.amount / MINOR);
    cr_expect_float_eq(out.leverage, strtod(fld[11], NULL), 5e-5, "%s: leverage %g",
                       fld[0], out.leverage);
    const char *flags = fld[12];
    cr_expect_eq(out.ask_base.above_band, has_flag(flags, "ask_base_above"), "%s", fld[0]);
    cr_expect_eq(out.ask_equity.above_band, has_flag(flags, "ask_equity_above"), "%s",
                 fld[0]);
    cr_expect_eq(out.floor_base.above_band, has_flag(flags, "floor_base_above"), "%s",
                 fld[0]);
    cr_expect_eq(out.floor_equity.above_band, has_flag(flags, "floor_equity_above"), "%s",
                 fld[0]);
    cr_expect_eq(out.ask_base.raised_to_offer, has_flag(flags, "ask_base_offer"), "%s",
                 fld[0]);
    cr_expect_eq(out.ask_equity.raised_to_offer, has_flag(flags, "ask_equity_offer"), "%s",
                 fld[0]);
    cr_expect_eq(out.floor_base.raised_to_offer, has_flag(flags, "floor_base_offer"), "%s",
                 fld[0]);
    cr_expect_eq(out.floor_equity.raised_to_offer, has_flag(flags, "floor_equity_offer"), "%s",
                 fld[0]);
    cr_expect_eq(out.sign_on_capped, has_flag(flags, "sign_on_capped"), "%s", fld[0]);
}

Test(plan_rules, case_table)
{
    int n = test_each_case(TEST_PATH("tests/cases/plan_rules.txt"), 13, check_rule_case, NULL);
    cr_assert_geq(n, 15);
}

/* A small deterministic generator for the sweeps. */
static uint64_t next(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

static void random_input(uint64_t *s, struct rule_case *c)
{
    memset(c, 0, sizeof *c);
    struct pb__rule_input *in = &c->in;
    in->unit = 1000 * MINOR;
    in->base[0] = (int64_t)(30000 + next(s) % 300000) * MINOR;
    in->base[1] = in->base[0] + (int64_t)(next(s) % 150000) * MINOR;
    in->has_equity = next(s) % 4 != 0;
    if (in->has_equity) {
        in->equity[0] = (int64_t)(next(s) % 400000) * MINOR;
        in->equity[1] = in->equity[0] + (int64_t)(next(s) % 400000) * MINOR;
        in->vest_years = 1 + (int)(next(s) % 5);
    }
    if (next(s) % 2) {
        in->bonus_bp[0] = (int32_t)(next(s) % 1500);
        in->bonus_bp[1] = in->bonus_bp[0] + (int32_t)(next(s) % 1500);
    }
    in->risk_aversion = (double)(next(s) % 1000) / 100.0;
    in->years = 1 + (int)(next(s) % 8);
    in->ncompetitors = next(s) % 4;
    for (size_t i = 0; i < in->ncompetitors; i++) {
        c->comps[i].n_year_total = (int64_t)(next(s) % 3000000) * MINOR;
        c->comps[i].first_year_cash = (int64_t)(next(s) % 500000) * MINOR;
    }
    in->competitors = c->comps;
    in->npremiums = next(s) % 3;
    for (size_t i = 0; i < in->npremiums; i++) {
        c->prems[i].component = (int)(next(s) % 3);
        c->prems[i].low_bp = (int32_t)(next(s) % 4000);
        c->prems[i].high_bp = c->prems[i].low_bp + (int32_t)(next(s) % 3000);
    }
    in->premiums = c->prems;
    /* an offer in hand in a third of the cases, from half the band's low
     * end to half again its high end, so some are above the band */
    if (next(s) % 3 == 0) {
        in->has_offer = true;
        in->offer_base = in->base[0] / 2 + (int64_t)(next(s) % (uint64_t)(in->base[1] + 1));
        int64_t eq_top = in->has_equity ? in->equity[1] : 100000 * MINOR;
        in->offer_equity = eq_top > 0 ? (int64_t)(next(s) % (uint64_t)(eq_top * 3 / 2 + 1)) : 0;
    }
}

static bool touches(const struct pb__rule_input *in, int component)
{
    for (size_t i = 0; i < in->npremiums; i++)
        if ((in->premiums[i].component == component ||
             in->premiums[i].component == PB__COMP_TOTAL) &&
            in->premiums[i].high_bp > 0)
            return true;
    return false;
}

/* Floor never above ask; a figure leaves its band only with a premium on
 * its component or the offer in hand above the band, and never below; the
 * above_band flags say exactly that; ask and floor hold to the offer in hand
 * (to the rounding unit; the floor capped at the ask). */
Test(plan_rules, invariants_hold_for_any_input)
{
    uint64_t s = 42;
    int offers = 0, offers_above = 0;
    for (int i = 0; i < 20000; i++) {
        struct rule_case c;
        random_input(&s, &c);
        struct pb__rule_output out;
        cr_assert_eq(pb__plan_rules(&c.in, &out), PB_OK);
        const struct pb__rule_input *in = &c.in;
        int64_t half = in->unit / 2;
        cr_assert_leq(out.floor_base.amount, out.ask_base.amount, "case %d", i);
        cr_assert_leq(out.floor_equity.amount, out.ask_equity.amount, "case %d", i);
        cr_assert_geq(out.ask_base.amount, in->base[0], "case %d", i);
        cr_assert_geq(out.floor_base.amount, in->base[0], "case %d", i);
        bool offer_base_above = in->has_offer && in->offer_base > in->base[1];
        if (!touches(in, PB__COMP_BASE) && !offer_base_above) {
            cr_assert_leq(out.ask_base.amount, in->base[1], "case %d", i);
            cr_assert_leq(out.floor_base.amount, in->base[1], "case %d", i);
        }
        cr_assert_eq(out.ask_base.above_band, out.ask_base.amount > in->base[1], "case %d", i);
        cr_assert_eq(out.floor_base.above_band, out.floor_base.amount > in->base[1], "case %d",
                     i);
        if (in->has_offer) {
            offers++;
            offers_above += offer_base_above;
            cr_assert_geq(out.ask_base.amount, in->offer_base - half, "case %d", i);
            cr_assert_geq(out.floor_base.amount, in->offer_base - half < out.ask_base.amount
                                                     ? in->offer_base - half
                                                     : out.ask_base.amount,
                          "case %d", i);
        } else {
            cr_assert(!out.ask_base.raised_to_offer && !out.floor_base.raised_to_offer &&
                      !out.ask_equity.raised_to_offer && !out.floor_equity.raised_to_offer,
                      "case %d", i);
        }
        if (in->has_equity) {
            bool offer_eq_above = in->has_offer && in->offer_equity > in->equity[1];
            cr_assert_geq(out.floor_equity.amount, in->equity[0], "case %d", i);
            if (!touches(in, PB__COMP_EQUITY) && !offer_eq_above) {
                cr_assert_leq(out.ask_equity.amount, in->equity[1], "case %d", i);
                cr_assert_leq(out.floor_equity.amount, in->equity[1], "case %d", i);
            }
            cr_assert_eq(out.ask_equity.above_band, out.ask_equity.amount > in->equity[1],
                         "case %d", i);
            cr_assert_eq(out.floor_equity.above_band, out.floor_equity.amount > in->equity[1],
                         "case %d", i);
            if (in->has_offer) {
                cr_assert_geq(out.ask_equity.amount, in->offer_equity - half, "case %d", i);
                int64_t want = in->offer_equity - half < out.ask_equity.amount
                                   ? in->offer_equity - half
                                   : out.ask_equity.amount;
                cr_assert_geq(out.floor_equity.amount, want, "case %d", i);
            }
        } else {
            cr_assert_eq(out.ask_equity.amount, 0);
            cr_assert_eq(out.floor_equity.amount, 0);
            cr_assert(!out.ask_equity.above_band && !out.floor_equity.above_band);
        }
        cr_assert_geq(out.sign_on, 0);
        cr_assert_leq(out.sign_on, out.ask_base.amount / 4, "case %d", i);
        cr_assert(out.leverage >= 0 && out.leverage <= 1);
    }
    /* the sweep reaches offers in hand, some above the band */
    cr_assert_gt(offers, 5000);
    cr_assert_gt(offers_above, 500);
}

/* Each input moves the ask and floor the documented way. */
Test(plan_rules, inputs_move_ask_and_floor_the_right_way)
{
    uint64_t s = 7;
    for (int i = 0; i < 5000; i++) {
        struct rule_case c;
        random_input(&s, &c);
        c.in.has_equity = true;
        c.in.vest_years = 4;
        c.in.equity[1] = c.in.equity[0] + 100000 * MINOR;
        struct pb__rule_output a, b;
        cr_assert_eq(pb__plan_rules(&c.in, &a), PB_OK);

        /* a stronger competing offer: nothing goes down */
        struct rule_case d = c;
        d.in.competitors = d.comps;
        d.in.premiums = d.prems;
        d.comps[d.in.ncompetitors].n_year_total = 5000000 * MINOR;
        d.comps[d.in.ncompetitors].first_year_cash = 0;
        d.in.ncompetitors++;
        cr_assert_eq(pb__plan_rules(&d.in, &b), PB_OK);
        cr_assert_geq(b.leverage, a.leverage);
        cr_assert_geq(b.ask_base.amount, a.ask_base.amount, "case %d", i);
        cr_assert_geq(b.ask_equity.amount, a.ask_equity.amount, "case %d", i);
        cr_assert_geq(b.floor_base.amount, a.floor_base.amount, "case %d", i);
        cr_assert_geq(b.floor_equity.amount, a.floor_equity.amount, "case %d", i);

        /* a premium on equity: equity up, base unchanged */
        d = c;
        d.in.competitors = d.comps;
        d.in.premiums = d.prems;
        d.prems[d.in.npremiums] = (struct pb__rule_premium){PB__COMP_EQUITY, 2000, 3000};
        d.in.npremiums++;
        cr_assert_eq(pb__plan_rules(&d.in, &b), PB_OK);
        cr_assert_geq(b.ask_equity.amount, a.ask_equity.amount, "case %d", i);
        cr_assert_geq(b.floor_equity.amount, a.floor_equity.amount, "case %d", i);
        cr_assert_eq(b.ask_base.amount, a.ask_base.amount, "case %d", i);
        cr_assert_eq(b.floor_base.amount, a.floor_base.amount, "case %d", i);

        /* more appetite for risk (lower aversion): base down, equity up */
        d = c;
        d.in.competitors = d.comps;
        d.in.premiums = d.prems;
        d.in.risk_aversion = c.in.risk_aversion / 2;
        cr_assert_eq(pb__plan_rules(&d.in, &b), PB_OK);
        cr_assert_leq(b.ask_base.amount, a.ask_base.amount, "case %d", i);
        cr_assert_leq(b.floor_base.amount, a.floor_base.amount, "case %d", i);
        cr_assert_geq(b.ask_equity.amount, a.ask_equity.amount, "case %d", i);
        cr_assert_geq(b.floor_equity.amount, a.floor_equity.amount, "case %d", i);
    }
}

Test(plan_rules, tilt_and_anchors)
{
    cr_assert_float_eq(pb__tilt(4), 0.0, 1e-12);
    cr_assert_float_eq(pb__tilt(2), 0.5, 1e-12);
    cr_assert_float_eq(pb__tilt(1), 1.0, 1e-12);
    cr_assert_float_eq(pb__tilt(0), 1.0, 1e-12);
    cr_assert_float_eq(pb__tilt(10), 0.0, 1e-12);
    cr_assert_float_eq(pb__anchor_ask_base(0.5), 77.5, 1e-12);
    cr_assert_float_eq(pb__anchor_floor_equity(0.5), 50.0, 1e-12);
    /* 4 x (105 + 90) = 780: four years of base and four of equity */
    int64_t total = 0;
    cr_assert_eq(pb__package_total(105000, 0, 360000, 4, 0, 4, &total), PB_OK);
    cr_assert_eq(total, 780000);
    /* a 4-year grant over 2 years pays half */
    cr_assert_eq(pb__package_total(100000, 1000, 200000, 4, 5000, 2, &total), PB_OK);
    cr_assert_eq(total, 2 * 110000 + 100000 + 5000);
    /* out of range: an error, never a wrapped total */
    cr_assert_eq(pb__package_total(INT64_MAX / 4, 0, 0, 4, 0, 5, &total), PB_ERR_RANGE);
    cr_assert_eq(pb__package_total(INT64_MAX / 2, 10000, 0, 4, 0, 1, &total), PB_ERR_RANGE);
    cr_assert_eq(pb__package_total(100, 0, 0, 4, INT64_MAX, 1, &total), PB_ERR_RANGE);
}

/* An offer in hand whose base no int64 total can hold: the rules name the
 * first figure out of range instead of returning wrapped totals. */
Test(plan_rules, figures_out_of_range_are_named)
{
    static const struct pb__rule_competitor strong[] = {{INT64_MAX, INT64_MAX}};
    struct pb__rule_input in = {
        .base = {7800000, 10500000},  .has_equity = true, .equity = {10000000, 19500000},
        .vest_years = 4, .years = 10, .risk_aversion = 2, .has_offer = true,
        .offer_base = INT64_MAX / 8, .offer_equity = 0, .unit = 100000,
    };
    struct pb__rule_output out;
    cr_assert_eq(pb__plan_rules(&in, &out), PB_ERR_RANGE);
    cr_assert_str_eq(out.overflow, "the ask's N-year total");
    /* with a 100% bonus, year 1 alone is out of range */
    in.offer_base = INT64_MAX / 2 + 1000;
    in.offer_has_bonus = true;
    in.offer_bonus_bp = 10000;
    cr_assert_eq(pb__plan_rules(&in, &out), PB_ERR_RANGE);
    cr_assert_str_eq(out.overflow, "the ask's first-year cash");
    in.offer_has_bonus = false;
    /* a competing offer at the int64 limit still fits: full leverage, the
     * sign-on at its cap */
    in.has_offer = false;
    in.competitors = strong;
    in.ncompetitors = 1;
    cr_assert_eq(pb__plan_rules(&in, &out), PB_OK, "%s", out.overflow);
    cr_assert_float_eq(out.leverage, 1.0, 1e-12);
    cr_assert(out.sign_on_capped);
    /* within range, the same inputs scaled down plan normally */
    in.competitors = NULL;
    in.ncompetitors = 0;
    in.has_offer = true;
    in.offer_base = 100000000000000LL; /* a trillion euros */
    cr_assert_eq(pb__plan_rules(&in, &out), PB_OK, "%s", out.overflow);
    cr_assert_eq(out.ask_base.amount, 100000000000000LL);
}
