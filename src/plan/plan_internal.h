/* plan_internal.h — what the plan modules share (internal): the profile's
 * contents, and the pure arithmetic of the ask and floor rules (plan_rules.c)
 * that plan.c feeds from the store and the offers and that tests drive from
 * case tables. Amounts are in minor units of one currency. */
#ifndef PB_PLAN_INTERNAL_H
#define PB_PLAN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "payband/plan.h"

/* ---- profile ------------------------------------------------------------ */

struct pb__skill {
    char *name;     /* premium name as written (matched by slug) */
    char *evidence; /* optional: what shows the skill, used in scripts */
    long line;
};

enum pb__appetite { PB__APPETITE_LOW, PB__APPETITE_MEDIUM, PB__APPETITE_HIGH, PB__APPETITE_NUMBER };

struct pb_profile {
    char *file;
    char *name;
    int64_t experience_years;       /* -1: not stated */
    int64_t contributions;          /* -1: not stated */
    int64_t maintained_projects;    /* -1: not stated */
    char **projects;
    size_t nprojects;
    struct pb__skill *skills;
    size_t nskills;
    enum pb__appetite appetite;
    double risk_aversion;
    long line; /* line of risk_appetite, 0 when defaulted */
    pb__diag diag;
};

/* Relative risk aversion for the three words. */
#define PB__GAMMA_LOW 4.0
#define PB__GAMMA_MEDIUM 2.0
#define PB__GAMMA_HIGH 1.0
#define PB__GAMMA_MAX 10.0

/* ---- rules -------------------------------------------------------------- */

/* A premium that applies, as the rules see it. */
struct pb__rule_premium {
    int component; /* PB__COMP_BASE, PB__COMP_EQUITY or PB__COMP_TOTAL */
    int32_t low_bp, high_bp;
};

enum { PB__COMP_BASE, PB__COMP_EQUITY, PB__COMP_TOTAL };

/* A competing offer, as the rules see it: its N-year total and its first-year
 * cash (base + bonus + sign-on of year 1), in the plan's currency. */
struct pb__rule_competitor {
    int64_t n_year_total;
    int64_t first_year_cash;
};

struct pb__rule_input {
    int64_t base[2];             /* band base low, high */
    bool has_equity;
    int64_t equity[2];           /* band grant low, high over vest_years */
    int vest_years;
    int32_t bonus_bp[2];         /* 0, 0 when the band has no bonus */
    int years;                   /* horizon N */
    double risk_aversion;        /* CRRA coefficient, >= 0 */
    const struct pb__rule_premium *premiums;
    size_t npremiums;
    const struct pb__rule_competitor *competitors;
    size_t ncompetitors;
    bool has_offer;              /* the offer in hand */
    int64_t offer_base, offer_equity;
    bool offer_has_bonus;
    int32_t offer_bonus_bp;
    int64_t unit;                /* rounding unit in minor units (1,000 major) */
};

/* How one figure of the ask or the floor came about. */
struct pb__rule_figure {
    int64_t amount;
    double anchor_pct;      /* band position from risk appetite */
    double position_pct;    /* band position after leverage */
    double premium_pct;     /* premium added (percent), 0 when none */
    int64_t before_premium; /* band point at position_pct, unrounded */
    bool raised_to_offer;   /* lifted to the offer in hand */
    bool above_band;        /* above the band's high end */
    bool clamped_to_ask;    /* a floor figure lowered to the ask */
};

struct pb__rule_output {
    double tilt;           /* 0 (low appetite) .. 1 (high appetite) */
    double leverage;       /* 0 .. 1 */
    int best;              /* index of the best competitor, -1 when none */
    int64_t band_mid_total, band_top_total; /* N-year totals of band packages */
    int32_t bonus_bp;      /* bonus assumed for the ask and floor packages */
    struct pb__rule_figure ask_base, ask_equity, floor_base, floor_equity;
    int64_t sign_on;       /* ask sign-on; 0 when none is needed */
    int64_t first_year_gap; /* best competitor's first-year cash minus the ask's */
    int64_t sign_on_cap;   /* the most a sign-on asks: PB__SIGN_ON_CAP_PCT of the ask base */
    bool sign_on_capped;   /* the gap was larger than the cap */
    int64_t ask_total, floor_total; /* N-year totals of the two packages */
    int64_t ask_first_cash; /* the ask's base and bonus of year 1 */
    const char *overflow;  /* the first figure out of range, or NULL */
};

/* A sign-on never asks for more than this percentage of the ask's base
 * (rounded down to the unit): a first-year gap beyond it is a difference
 * of market, level or role, argued in base, not bridged by a one-off
 * payment (docs/plan.md, "Rules", 8). */
#define PB__SIGN_ON_CAP_PCT 25

/* Anchor positions (percent of the band) for a tilt. */
double pb__anchor_ask_base(double tilt);
double pb__anchor_ask_equity(double tilt);
double pb__anchor_floor_base(double tilt);
double pb__anchor_floor_equity(double tilt);
/* Tilt from a risk aversion: log2(4 / gamma) / 2, clamped to 0..1. */
double pb__tilt(double risk_aversion);
/* N-year total of a package: N x base x (1 + bonus) + the part of the grant
 * that vests in N years (evenly over vest_years) + sign-on; PB_ERR_RANGE
 * when it does not fit in int64 minor units. */
pb_status pb__package_total(int64_t base, int32_t bonus_bp, int64_t grant, int vest_years,
                            int64_t sign_on, int years, int64_t *total);

/* A percentage as the plan writes it: "25%", "77.5%", "88.75%". */
void pb__plan_fmt_pct(double v, char *buf, size_t cap);

/* Apply the rules (docs/plan.md, "Rules"). Every sum and product of amounts
 * is checked: PB_ERR_RANGE when a figure does not fit in int64 minor units,
 * out->overflow naming the first ("the ask's N-year total"). */
pb_status pb__plan_rules(const struct pb__rule_input *in, struct pb__rule_output *out);

#endif
