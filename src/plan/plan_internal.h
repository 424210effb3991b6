/* plan_internal.h — what the plan modules share (internal): the profile's
 * contents; the pure arithmetic of the ask and floor rules (plan.c) that the
 * build feeds from the store and the offers and that tests drive from case
 * tables; and the build itself, one context shared by the files that make a
 * plan — plan_build.c (the handle, the context, checked arithmetic, notes and
 * sources), plan_inputs.c (band, premiums, offers, rules input), plan_value.c
 * (the ask package and the valuations), plan_levers.c (levers and additional
 * asks), plan_text.c (rules written out, scripts, money style) and
 * plan_json.c (the result). Amounts are in minor units of one currency. */
#ifndef PB_PLAN_INTERNAL_H
#define PB_PLAN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/diag.h"
#include "market/bandset.h"
#include "payband/fx.h"
#include "payband/limits.h"
#include "payband/money.h"
#include "payband/plan.h"
#include "store/facts.h"

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

/* ---- the build ---------------------------------------------------------- */

/* Competing offers a plan weighs at most. */
#define PB__PLAN_MAX_COMPETING PB_COMPETING_MAX

struct pb_plan {
    pb__diag diag;
    char *company, *role, *region, *currency, *level;
    int years;
    pb_date as_of;
    pb_date today; /* the plan's "generated" date; PB_DATE_NONE: the clock's */
    uint64_t seed;
    int simulations;
    const pb_profile *profile;
    pb_offer *offer;
    pb_offer *competing[PB__PLAN_MAX_COMPETING];
    size_t ncompeting;
};

/* A premium fact on record. */
struct pb__plan_premium {
    char *name, *applies_to, *company, *role, *source, *note;
    int32_t low_bp, high_bp;
    long line;
    pb_date as_of;
};

/* A competing offer with its figures in the plan's currency. */
struct pb__plan_competitor {
    pb_offer *offer;
    bool owned;        /* made here from a document's mention (freed here) */
    bool held;         /* given with --competing: an offer the candidate has;
                        * a document's mention is market evidence only */
    char *label;       /* "Google L4 (Paris)" */
    char *company_name;
    char *region;      /* may be NULL */
    char *level;       /* may be NULL */
    char *from;        /* file, or "source:line" */
    char *source;      /* source key of a mention */
    long line;
    bool converted;
    pb_fx_quote quote;
    int64_t total, first_total, first_cash, base1, bonus1, sign_on_total;
    int64_t equity_year; /* even yearly equity when simple */
    bool simple;         /* total == N x (base + equity a year) */
    bool has_bonus, has_sign_on, has_options;
    bool assumed_vest; /* the document gave no vesting period */
    char *other_market; /* "an offer for X in Y, not ...": another region or role */
    int64_t stated_total;
    int stated_years;
    json_t *value; /* valuation of the target against this offer */
    int64_t be_grant, be_base; /* face-value break-even of the target against it */
};

/* One build. */
struct pb__plan_ctx {
    pb_plan *plan;
    pb_store *store;
    pb__diag *diag;
    pb_date as_of, today;
    int years;
    double gamma;
    pb__bandset bands;
    const struct pb__bandrow *band;
    size_t other_bands;
    char cur[4];
    int64_t unit;
    PB__LIST(struct pb__plan_premium) premiums;   /* on record for this company and role */
    PB__LIST(struct pb__plan_premium) all_names;  /* every premium name on record */
    size_t applied[16];
    long applied_line[16];
    size_t napplied;
    struct pb__plan_competitor comps[PB__PLAN_MAX_COMPETING];
    size_t ncomps;
    /* the offer in hand, in the plan currency */
    bool has_offer;
    int64_t offer_base, offer_grant, offer_total, offer_annual;
    int64_t offer_equity_band; /* the grant over the band's vesting years */
    int offer_vest;
    int32_t offer_bonus_bp;
    bool offer_has_bonus;
    bool offer_converted;
    pb_fx_quote offer_quote;
    struct pb__rule_output rules;
    pb_offer *ask_offer;
    bool equity_private;
    json_t *notes;
    json_t *sources; /* key -> {used_for: []} */
    json_t *files;   /* path of an offer or profile file -> {used_for: []} */
};

/* plan_build.c: failures, notes, sources and checked arithmetic. */
pb_status pb__plan_nomem(struct pb__plan_ctx *c);
/* A database failure `rc` while reading `what`: the status kept, the
 * store's message (set by the failed call) copied to the plan's. */
pb_status pb__plan_db_error(struct pb__plan_ctx *c, pb_status rc, const char *what);
/* A note for the plan's notes list (printf-style). */
pb_status pb__plan_note(struct pb__plan_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Record that a source (a file given on the command line) was used, and for
 * what. */
pb_status pb__plan_use_source(struct pb__plan_ctx *c, const char *key, const char *what);
pb_status pb__plan_use_file(struct pb__plan_ctx *c, const char *path, const char *what);
void pb__plan_premium_free(struct pb__plan_premium *p);
pb_money pb__plan_money(int64_t minor, const char *cur);
double pb__plan_major_of(int64_t minor, const char *cur);
/* Position of v in [lo, hi] in percent (50 for an empty range v is in). */
double pb__plan_position_of(double v, double lo, double hi);
/* Checked arithmetic on amounts of the plan's currency: PB_ERR_RANGE naming
 * the figure (`what`, and `whose` when it belongs to an offer) when the
 * result does not fit, never a wrong number. */
pb_status pb__plan_out_of_range(struct pb__plan_ctx *c, const char *what, const char *whose);
pb_status pb__plan_add(struct pb__plan_ctx *c, int64_t a, int64_t b, int64_t *out,
                       const char *what, const char *whose);
pb_status pb__plan_sub(struct pb__plan_ctx *c, int64_t a, int64_t b, int64_t *out,
                       const char *what, const char *whose);
/* a x factor, rounded half away from zero. */
pb_status pb__plan_scale(struct pb__plan_ctx *c, int64_t a, double factor, int64_t *out,
                         const char *what, const char *whose);
/* v (minor units) rounded half away from zero. */
pb_status pb__plan_round(struct pb__plan_ctx *c, double v, int64_t *out, const char *what,
                         const char *whose);
/* An amount of major units of the plan's currency, to its minor unit. */
pb_status pb__plan_of_major(struct pb__plan_ctx *c, double major, int64_t *out,
                            const char *what, const char *whose);
/* (lo + hi) / 2 */
pb_status pb__plan_middle(struct pb__plan_ctx *c, const int64_t range[2], int64_t *out,
                          const char *what, const char *whose);
/* The smallest multiple of the plan's unit at or above v. */
pb_status pb__plan_up_to_unit(struct pb__plan_ctx *c, int64_t v, int64_t *out,
                              const char *what, const char *whose);

/* plan_inputs.c: the build's inputs, in the order pb_plan_build takes them. */
pb_status pb__plan_load_band(struct pb__plan_ctx *c);
pb_status pb__plan_load_premiums(struct pb__plan_ctx *c);
pb_status pb__plan_resolve_skills(struct pb__plan_ctx *c);
pb_status pb__plan_user_competitors(struct pb__plan_ctx *c);
pb_status pb__plan_load_mentions(struct pb__plan_ctx *c);
pb_status pb__plan_competitor_figures(struct pb__plan_ctx *c, struct pb__plan_competitor *k);
pb_status pb__plan_offer_in_hand(struct pb__plan_ctx *c);
pb_status pb__plan_run_rules(struct pb__plan_ctx *c);
pb_status pb__plan_other_markets(struct pb__plan_ctx *c, json_t *levels);
/* PB__COMP_BASE, PB__COMP_EQUITY or PB__COMP_TOTAL for "base", "equity", "total". */
int pb__plan_component_of(const char *applies_to);

/* plan_value.c: the ask package as an offer, and the target (offer in hand,
 * else ask) valued against each competing offer. */
pb_status pb__plan_ask_offer(struct pb__plan_ctx *c);
pb_status pb__plan_valuations(struct pb__plan_ctx *c);

/* plan_levers.c: the ranked levers and the additional asks, as JSON arrays
 * (*out new). */
pb_status pb__plan_levers(struct pb__plan_ctx *c, json_t *levels, json_t **out);
pb_status pb__plan_additional_asks(struct pb__plan_ctx *c, const char *best_label,
                                   json_t **out);

/* plan_text.c: the plan's words. Money always compact ("€105K"). */
void pb__plan_mtext(int64_t minor, const char *cur, char *buf, size_t cap);
/* "one year", "four years"; "1 year", "4 years" in a buffer of the caller's. */
const char *pb__plan_years_word(int n);
const char *pb__plan_years_num(int n, char buf[24]);
/* "low", "medium", "high", or NULL for a risk aversion given as a number. */
const char *pb__plan_appetite_word(struct pb__plan_ctx *c);
/* How one figure of the ask or the floor came about, and the sign-on's rule
 * (new strings, NULL when out of memory). */
char *pb__plan_figure_rule(struct pb__plan_ctx *c, const struct pb__rule_figure *f,
                           const int64_t range[2], const char *what, bool ask, int component);
char *pb__plan_sign_on_rule(struct pb__plan_ctx *c);
/* The scripts, as a JSON array (NULL when out of memory). */
json_t *pb__plan_scripts(struct pb__plan_ctx *c);

/* plan_json.c: the result. */
/* The level-mapping statement naming the role directly, preferring the
 * band's own document; *source and *line say where it stands. */
json_t *pb__plan_level_mapping(struct pb__plan_ctx *c, json_t *levels, const char **source,
                               long *line);
pb_status pb__plan_assemble(struct pb__plan_ctx *c, json_t *levels, json_t **out);

#endif
