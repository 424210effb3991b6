/* offer_file.c — reading an offer file (YAML, format in docs/offers.md) into
 * the offer model, checking every key, type, amount and vesting schedule and
 * reporting the first problem as "file:line: why". */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/fileio.h"
#include "store/facts.h"
#include "offers/offer_internal.h"
#include "payband/money.h"
#include "core/yamlutil.h"
#include "payband/number.h"

enum { MAX_FILE_BYTES = 1 << 20 };

/* Largest amount accepted, in major units: keeps minor units far from the
 * int64 limit whatever the horizon. */
#define MAX_MAJOR 1e12

typedef struct reader {
    pb__yaml y;
    pb_offer *offer;
    pb__diag *diag;
} reader;

static const char *const TOP_KEYS[] = {
    "name", "company", "role", "level", "region", "currency", "base", "raise_pct",
    "sign_on", "bonus_target_pct", "bonus_payout_pct", "equity", "refresh", "valuation",
    "notes", NULL};
static const char *const GRANT_KEYS[] = {"name", "kind", "value", "shares", "price", "strike",
                                         "common_price", "vesting", "start_year", NULL};
static const char *const VEST_KEYS[] = {"years", "cliff_months", "period", "shape", NULL};
static const char *const SIGN_ON_KEYS[] = {"amount", "clawback_months", NULL};
static const char *const VALUATION_KEYS[] = {
    "stage", "valuation", "share_price", "fully_diluted_shares", "volatility_pct",
    "drift_pct", "liquidity_pct", "failure_pct", "dilution_pct", "exit_multiple_median",
    "exit_multiple_sigma", "risk_free_pct", "option_term_years", "scenarios", NULL};
static const char *const SCENARIO_KEYS[] = {"label", "value", "multiple", "probability", NULL};

static const char *const STAGES[] = {"seed",     "series_a", "series_b", "series_c",
                                     "series_d", "late",     "public",   NULL};

static long line_of(reader *r, yaml_node_t *node)
{
    return pb__yaml_line(&r->y, node);
}

static pb_status fail(reader *r, yaml_node_t *node, const char *fmt, const char *a,
                      const char *b)
{
    char msg[512];
    snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
    return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, line_of(r, node), "%s", msg);
}

/* An amount of money: a plain number of major units in the offer's currency,
 * or a written amount ("€105K") whose currency must be the offer's. */
static pb_status read_amount(reader *r, yaml_node_t *node, const char *what, int64_t *out)
{
    if (pb__yaml_is_null(node))
        return PB_OK;
    pb_status st = pb__yaml_expect(&r->y, node, YAML_SCALAR_NODE, what, r->diag);
    if (st != PB_OK)
        return st;
    const char *t = pb__yaml_text(node);
    double v = 0;
    pb_money m;
    if (pb_decimal_parse_str(t, &v)) {
        if (v < 0)
            return fail(r, node, "%s must not be negative, not %s", what, t);
        if (v > MAX_MAJOR || pb_money_from_double_checked(v, r->offer->currency, &m) != PB_OK)
            return fail(r, node, "%s is too large: %s", what, t);
    } else {
        const char *why = NULL;
        bool approx = false;
        if (pb_money_parse(t, strlen(t), &m, &approx, &why) != PB_OK)
            return fail(r, node, "%s must be an amount, not '%s'", what, t);
        if (strcmp(m.currency, r->offer->currency) != 0) {
            char msg[256];
            snprintf(msg, sizeof msg, "%s is in %s but the offer's currency is %s", what,
                     m.currency, r->offer->currency);
            return pb__diag_set(r->diag, PB_ERR_CURRENCY, r->y.file, line_of(r, node), "%s",
                                msg);
        }
        if (m.minor < 0)
            return fail(r, node, "%s must not be negative, not %s", what, t);
        if (pb_money_major(m) > MAX_MAJOR)
            return fail(r, node, "%s is too large: %s", what, t);
    }
    *out = m.minor;
    return PB_OK;
}

/* A number within [lo, hi]. */
static pb_status read_number(reader *r, yaml_node_t *node, const char *what, double lo,
                             double hi, double *out)
{
    double v = NAN;
    pb_status st = pb__yaml_number(&r->y, node, what, &v, r->diag);
    if (st != PB_OK || isnan(v))
        return st;
    if (v < lo || v > hi) {
        char a[64], b[160];
        snprintf(a, sizeof a, "%s", pb__yaml_text(node));
        if (lo == 0 && v < 0)
            snprintf(b, sizeof b, "%s must not be negative, not %s", what, a);
        else
            snprintf(b, sizeof b, "%s must be between %g and %g, not %s", what, lo, hi, a);
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, line_of(r, node), "%s", b);
    }
    *out = v;
    return PB_OK;
}

static pb_status read_int(reader *r, yaml_node_t *node, const char *what, int lo, int hi,
                          int *out)
{
    int64_t v = INT64_MIN;
    pb_status st = pb__yaml_int(&r->y, node, what, &v, r->diag);
    if (st != PB_OK || v == INT64_MIN)
        return st;
    if (v < lo || v > hi) {
        char b[160];
        if (lo == 0 && v < 0)
            snprintf(b, sizeof b, "%s must not be negative, not %lld", what, (long long)v);
        else
            snprintf(b, sizeof b, "%s must be between %d and %d, not %lld", what, lo, hi,
                     (long long)v);
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, line_of(r, node), "%s", b);
    }
    *out = (int)v;
    return PB_OK;
}

static pb_status read_text(reader *r, yaml_node_t *node, const char *what, char **out)
{
    const char *t = NULL;
    pb_status st = pb__yaml_string(&r->y, node, what, &t, r->diag);
    if (st != PB_OK || !t)
        return st;
    char *copy = pb__strdup(t);
    if (!copy)
        return pb__diag_set(r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    pb__free(*out);
    *out = copy;
    return PB_OK;
}

/* Percent with up to two decimals as hundredths of a percent. */
static pb_status read_shape_entry(reader *r, yaml_node_t *node, int32_t *bp)
{
    double v = NAN;
    pb_status st = read_number(r, node, "shape entry", 0, 100, &v);
    if (st != PB_OK)
        return st;
    if (isnan(v))
        return fail(r, node, "shape entry must be a percentage%s%s", NULL, NULL);
    double hundredths = v * 100.0;
    if (fabs(hundredths - round(hundredths)) > 1e-6)
        return fail(r, node, "shape entry %s has more than two decimals%s",
                    pb__yaml_text(node), NULL);
    *bp = (int32_t)llround(hundredths);
    return PB_OK;
}

static pb_status read_vesting(reader *r, yaml_node_t *node, pb__vesting *v)
{
    v->years = 4;
    v->cliff_months = 0;
    v->period_months = 1;
    v->nshape = 0;
    if (pb__yaml_is_null(node))
        return PB_OK;
    pb_status st = pb__yaml_expect(&r->y, node, YAML_MAPPING_NODE, "vesting", r->diag);
    if (st == PB_OK)
        st = pb__yaml_check_keys(&r->y, node, VEST_KEYS, r->diag);
    if (st == PB_OK)
        st = read_int(r, pb__yaml_get(&r->y, node, "years"), "vesting years", 1,
                      PB__MAX_VEST_YEARS, &v->years);
    yaml_node_t *cliff = pb__yaml_get(&r->y, node, "cliff_months");
    if (st == PB_OK)
        st = read_int(r, cliff, "cliff_months", 0, 1200, &v->cliff_months);
    if (st != PB_OK)
        return st;
    if (v->cliff_months > v->years * 12) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "cliff of %d months is longer than the vesting of %d years (%d months)",
                 v->cliff_months, v->years, v->years * 12);
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, line_of(r, cliff), "%s", msg);
    }
    yaml_node_t *period = pb__yaml_get(&r->y, node, "period");
    const char *p = NULL;
    st = pb__yaml_string(&r->y, period, "vesting period", &p, r->diag);
    if (st != PB_OK)
        return st;
    if (p) {
        if (strcmp(p, "monthly") == 0)
            v->period_months = 1;
        else if (strcmp(p, "quarterly") == 0)
            v->period_months = 3;
        else if (strcmp(p, "half-yearly") == 0 || strcmp(p, "semiannual") == 0)
            v->period_months = 6;
        else if (strcmp(p, "yearly") == 0 || strcmp(p, "annual") == 0)
            v->period_months = 12;
        else
            return fail(r, period,
                        "unknown vesting period '%s' (monthly, quarterly, half-yearly or "
                        "yearly)%s",
                        p, NULL);
    }
    yaml_node_t *shape = pb__yaml_get(&r->y, node, "shape");
    if (pb__yaml_is_null(shape))
        return PB_OK;
    if (shape->type == YAML_SCALAR_NODE) {
        if (strcmp(pb__yaml_text(shape), "even") == 0)
            return PB_OK;
        return fail(r, shape, "vesting shape must be 'even' or a list of percentages, not '%s'%s",
                    pb__yaml_text(shape), NULL);
    }
    st = pb__yaml_expect(&r->y, shape, YAML_SEQUENCE_NODE, "vesting shape", r->diag);
    if (st != PB_OK)
        return st;
    size_t n = pb__yaml_seq_len(shape);
    if ((int)n != v->years) {
        char msg[160];
        snprintf(msg, sizeof msg, "vesting shape has %zu entries but the vesting is %d years",
                 n, v->years);
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, line_of(r, shape), "%s", msg);
    }
    int32_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        st = read_shape_entry(r, pb__yaml_seq_at(&r->y, shape, i), &v->shape_bp[i]);
        if (st != PB_OK)
            return st;
        sum += v->shape_bp[i];
    }
    if (sum != 10000) {
        char msg[160];
        snprintf(msg, sizeof msg, "vesting shape sums to %d.%02d%%, not 100%%", sum / 100,
                 sum % 100);
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, line_of(r, shape), "%s", msg);
    }
    v->nshape = (int)n;
    return PB_OK;
}

static pb_status read_grant(reader *r, yaml_node_t *node, pb__grant *g, bool refresh,
                            size_t index)
{
    const char *what = refresh ? "refresh" : "equity grant";
    pb_status st = pb__yaml_expect(&r->y, node, YAML_MAPPING_NODE, what, r->diag);
    if (st == PB_OK)
        st = pb__yaml_check_keys(&r->y, node, GRANT_KEYS, r->diag);
    if (st != PB_OK)
        return st;
    g->line = line_of(r, node);
    g->refresh = refresh;
    g->start_year = refresh ? 2 : 1;
    g->value_minor = -1;
    g->shares = g->price = g->strike = g->common_price = NAN;

    yaml_node_t *kind = pb__yaml_get(&r->y, node, "kind");
    const char *k = NULL;
    st = pb__yaml_string(&r->y, kind, "kind", &k, r->diag);
    if (st != PB_OK)
        return st;
    if (!k)
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, g->line,
                            "%s has no kind (public_rsu, private_rsu or option)", what);
    if (strcmp(k, "public_rsu") == 0)
        g->kind = PB__PUBLIC_RSU;
    else if (strcmp(k, "private_rsu") == 0)
        g->kind = PB__PRIVATE_RSU;
    else if (strcmp(k, "option") == 0)
        g->kind = PB__OPTION;
    else
        return fail(r, kind, "unknown equity kind '%s' (public_rsu, private_rsu or option)%s", k,
                    NULL);

    st = read_text(r, pb__yaml_get(&r->y, node, "name"), "grant name", &g->name);
    if (st == PB_OK && !g->name) {
        g->name = refresh ? pb__strdup("refresh") : pb__asprintf("grant %zu", index + 1);
        if (!g->name)
            st = pb__diag_set(r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    yaml_node_t *value = pb__yaml_get(&r->y, node, "value");
    if (st == PB_OK)
        st = read_amount(r, value, "grant value", &g->value_minor);
    if (st == PB_OK)
        st = read_number(r, pb__yaml_get(&r->y, node, "shares"), "shares", 0, 1e12, &g->shares);
    if (st == PB_OK)
        st = read_number(r, pb__yaml_get(&r->y, node, "price"), "price", 0, MAX_MAJOR, &g->price);
    if (st == PB_OK)
        st = read_number(r, pb__yaml_get(&r->y, node, "strike"), "strike", 0, MAX_MAJOR,
                         &g->strike);
    if (st == PB_OK)
        st = read_number(r, pb__yaml_get(&r->y, node, "common_price"), "common_price", 0,
                         MAX_MAJOR, &g->common_price);
    if (st == PB_OK)
        st = read_vesting(r, pb__yaml_get(&r->y, node, "vesting"), &g->vest);
    if (st == PB_OK)
        st = read_int(r, pb__yaml_get(&r->y, node, "start_year"), "start_year", 1, 50,
                      &g->start_year);
    if (st != PB_OK)
        return st;

    if (g->kind == PB__OPTION) {
        if (g->value_minor >= 0)
            return fail(r, value,
                        "an option grant is given by shares and strike, not by value%s%s",
                        NULL, NULL);
        if (isnan(g->shares) || isnan(g->strike))
            return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, g->line,
                                "option grant needs shares and strike");
    } else {
        bool has_value = g->value_minor >= 0, has_shares = !isnan(g->shares);
        if (has_value && has_shares)
            return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, g->line,
                                "give a grant's value or its shares, not both");
        if (!has_value && !has_shares)
            return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, g->line,
                                "%s needs a value, or shares and a price", what);
        if (!isnan(g->strike) || !isnan(g->common_price))
            return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, g->line,
                                "strike and common_price belong to option grants only");
    }
    return PB_OK;
}

static pb_status read_sign_on(reader *r, yaml_node_t *node)
{
    pb_offer *o = r->offer;
    if (pb__yaml_is_null(node))
        return PB_OK;
    yaml_node_t *amount = node;
    if (node->type == YAML_MAPPING_NODE) {
        pb_status st = pb__yaml_check_keys(&r->y, node, SIGN_ON_KEYS, r->diag);
        if (st == PB_OK)
            st = read_int(r, pb__yaml_get(&r->y, node, "clawback_months"), "clawback_months", 0,
                          120, &o->clawback_months);
        if (st != PB_OK)
            return st;
        amount = pb__yaml_get(&r->y, node, "amount");
        if (pb__yaml_is_null(amount))
            return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, line_of(r, node),
                                "sign_on has no amount");
    }
    if (amount->type == YAML_SEQUENCE_NODE) {
        size_t n = pb__yaml_seq_len(amount);
        if (n == 0 || n > PB__MAX_SIGN_ON)
            return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, line_of(r, amount),
                                "sign_on lists one amount per year, 1 to %d of them",
                                PB__MAX_SIGN_ON);
        for (size_t i = 0; i < n; i++) {
            pb_status st =
                read_amount(r, pb__yaml_seq_at(&r->y, amount, i), "sign_on", &o->sign_on_minor[i]);
            if (st != PB_OK)
                return st;
        }
        o->nsign_on = (int)n;
        return PB_OK;
    }
    o->nsign_on = 1;
    return read_amount(r, amount, "sign_on", &o->sign_on_minor[0]);
}

static pb_status read_scenarios(reader *r, yaml_node_t *node)
{
    pb__company_facts *f = &r->offer->facts;
    if (pb__yaml_is_null(node))
        return PB_OK;
    pb_status st = pb__yaml_expect(&r->y, node, YAML_SEQUENCE_NODE, "scenarios", r->diag);
    if (st != PB_OK)
        return st;
    size_t n = pb__yaml_seq_len(node);
    if (n == 0 || n > PB__MAX_SCENARIOS)
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, line_of(r, node),
                            "scenarios lists 1 to %d exits", PB__MAX_SCENARIOS);
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *s = pb__yaml_seq_at(&r->y, node, i);
        pb__scenario *sc = &f->scenarios[i];
        sc->value = sc->multiple = sc->probability = NAN;
        f->nscenarios = i + 1;
        st = pb__yaml_expect(&r->y, s, YAML_MAPPING_NODE, "scenario", r->diag);
        if (st == PB_OK)
            st = pb__yaml_check_keys(&r->y, s, SCENARIO_KEYS, r->diag);
        if (st == PB_OK)
            st = read_text(r, pb__yaml_get(&r->y, s, "label"), "scenario label", &sc->label);
        int64_t minor = -1;
        if (st == PB_OK)
            st = read_amount(r, pb__yaml_get(&r->y, s, "value"), "scenario value", &minor);
        if (st == PB_OK && minor >= 0) {
            pb_money m = {minor, ""};
            memcpy(m.currency, r->offer->currency, 4);
            sc->value = pb_money_major(m);
        }
        if (st == PB_OK)
            st = read_number(r, pb__yaml_get(&r->y, s, "multiple"), "scenario multiple", 0, 1e6,
                             &sc->multiple);
        if (st == PB_OK)
            st = read_number(r, pb__yaml_get(&r->y, s, "probability"), "scenario probability",
                             0, 100, &sc->probability);
        if (st != PB_OK)
            return st;
        if (isnan(sc->value) == isnan(sc->multiple))
            return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, line_of(r, s),
                                "a scenario gives either value or multiple");
        if (isnan(sc->probability))
            return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, line_of(r, s),
                                "scenario has no probability");
        sum += sc->probability;
    }
    if (fabs(sum - 100.0) > 1e-6)
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, line_of(r, node),
                            "scenario probabilities sum to %g%%, not 100%%", sum);
    return PB_OK;
}

static pb_status read_valuation(reader *r, yaml_node_t *node)
{
    pb__company_facts *f = &r->offer->facts;
    if (pb__yaml_is_null(node))
        return PB_OK;
    pb_status st = pb__yaml_expect(&r->y, node, YAML_MAPPING_NODE, "valuation", r->diag);
    if (st == PB_OK)
        st = pb__yaml_check_keys(&r->y, node, VALUATION_KEYS, r->diag);
    if (st != PB_OK)
        return st;
    f->line = line_of(r, node);
    yaml_node_t *stage = pb__yaml_get(&r->y, node, "stage");
    const char *s = NULL;
    st = pb__yaml_string(&r->y, stage, "stage", &s, r->diag);
    if (st != PB_OK)
        return st;
    if (s) {
        for (size_t i = 0; STAGES[i]; i++)
            if (strcmp(STAGES[i], s) == 0)
                f->stage = STAGES[i];
        if (!f->stage)
            return fail(r, stage,
                        "unknown stage '%s' (seed, series_a, series_b, series_c, series_d, "
                        "late or public)%s",
                        s, NULL);
    }
    int64_t minor = -1;
    pb_money m = {0, ""};
    memcpy(m.currency, r->offer->currency, 4);
    st = read_amount(r, pb__yaml_get(&r->y, node, "valuation"), "valuation", &minor);
    if (st == PB_OK && minor >= 0) {
        m.minor = minor;
        f->valuation = pb_money_major(m);
        if (f->valuation <= 0)
            return fail(r, pb__yaml_get(&r->y, node, "valuation"), "valuation must be positive%s%s",
                        NULL, NULL);
    }
    minor = -1;
    if (st == PB_OK)
        st = read_amount(r, pb__yaml_get(&r->y, node, "share_price"), "share_price", &minor);
    if (st == PB_OK && minor >= 0) {
        m.minor = minor;
        f->share_price = pb_money_major(m);
    }
    struct {
        const char *key;
        double lo, hi;
        double *out;
    } nums[] = {
        {"fully_diluted_shares", 1, 1e15, &f->fully_diluted_shares},
        {"volatility_pct", 0, 500, &f->volatility_pct},
        {"drift_pct", -100, 100, &f->drift_pct},
        {"liquidity_pct", 0, 100, &f->liquidity_pct},
        {"failure_pct", 0, 100, &f->failure_pct},
        {"dilution_pct", 0, 99, &f->dilution_pct},
        {"exit_multiple_median", 0.0001, 1e6, &f->exit_multiple_median},
        {"exit_multiple_sigma", 0, 5, &f->exit_multiple_sigma},
        {"risk_free_pct", -10, 50, &f->risk_free_pct},
        {"option_term_years", 0.01, 30, &f->option_term_years},
    };
    for (size_t i = 0; st == PB_OK && i < sizeof nums / sizeof nums[0]; i++)
        st = read_number(r, pb__yaml_get(&r->y, node, nums[i].key), nums[i].key, nums[i].lo,
                         nums[i].hi, nums[i].out);
    if (st == PB_OK)
        st = read_scenarios(r, pb__yaml_get(&r->y, node, "scenarios"));
    return st;
}

/* Fill prices from the company facts and check that each grant can be
 * valued and each scenario turned into a price per share. */
static pb_status resolve(reader *r, yaml_node_t *root)
{
    pb_offer *o = r->offer;
    pb__company_facts *f = &o->facts;
    double fds_price = (!isnan(f->valuation) && !isnan(f->fully_diluted_shares))
                           ? f->valuation / f->fully_diluted_shares
                           : NAN;
    for (size_t i = 0; i < o->ngrants; i++) {
        pb__grant *g = &o->grants[i];
        if (isnan(g->price))
            g->price = !isnan(f->share_price) ? f->share_price : fds_price;
        bool shares_based = !isnan(g->shares);
        if (g->kind != PB__OPTION && shares_based && isnan(g->price))
            return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, g->line,
                                "grant '%s' gives shares but no price (give price, or "
                                "valuation.share_price)",
                                g->name);
        if (g->kind == PB__OPTION && isnan(g->price) && isnan(g->common_price))
            return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, g->line,
                                "option grant '%s' needs a price per share: common_price "
                                "(409A), price (preferred) or valuation.share_price",
                                g->name);
        const char *basis;
        bool counts;
        int64_t value;
        if (pb__grant_value_checked(o, g, &basis, &counts, &value) != PB_OK)
            return pb__diag_set(r->diag, PB_ERR_RANGE, r->y.file, g->line,
                                "grant '%s' is worth more than payband can hold (%g shares "
                                "valued at their %s)",
                                g->name, g->shares, basis);
    }
    for (size_t s = 0; s < f->nscenarios; s++) {
        if (isnan(f->scenarios[s].value))
            continue;
        for (size_t i = 0; i < o->ngrants; i++) {
            pb__grant *g = &o->grants[i];
            if (g->kind == PB__PUBLIC_RSU)
                continue;
            bool ok = !isnan(g->shares) ? (!isnan(f->fully_diluted_shares) ||
                                           !isnan(f->valuation))
                                        : (!isnan(f->valuation) ||
                                           (!isnan(f->fully_diluted_shares) &&
                                            !isnan(f->share_price)));
            if (!ok)
                return pb__diag_set(
                    r->diag, PB_ERR_PARSE, r->y.file,
                    line_of(r, pb__yaml_get(&r->y, pb__yaml_get(&r->y, root, "valuation"),
                                            "scenarios")),
                    "a scenario with an exit value needs valuation or fully_diluted_shares "
                    "to price grant '%s'",
                    g->name);
        }
    }
    return PB_OK;
}

static pb_status read_offer(reader *r)
{
    pb_offer *o = r->offer;
    yaml_node_t *root = pb__yaml_root(&r->y);
    if (!root)
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, 0, "empty offer file");
    pb_status st = pb__yaml_expect(&r->y, root, YAML_MAPPING_NODE, "offer", r->diag);
    if (st == PB_OK)
        st = pb__yaml_check_keys(&r->y, root, TOP_KEYS, r->diag);
    if (st != PB_OK)
        return st;

    yaml_node_t *cur = pb__yaml_get(&r->y, root, "currency");
    const char *c = NULL;
    st = pb__yaml_string(&r->y, cur, "currency", &c, r->diag);
    if (st != PB_OK)
        return st;
    if (!c)
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, line_of(r, root),
                            "offer has no currency");
    if (!pb_currency_known(c))
        return pb__diag_set(r->diag, PB_ERR_CURRENCY, r->y.file, line_of(r, cur),
                            "unknown currency '%s'", c);
    memcpy(o->currency, c, 4);

    st = read_text(r, pb__yaml_get(&r->y, root, "name"), "name", &o->name);
    if (st == PB_OK)
        st = read_text(r, pb__yaml_get(&r->y, root, "company"), "company", &o->company);
    if (st == PB_OK)
        st = read_text(r, pb__yaml_get(&r->y, root, "role"), "role", &o->role);
    if (st == PB_OK)
        st = read_text(r, pb__yaml_get(&r->y, root, "level"), "level", &o->level);
    if (st == PB_OK)
        st = read_text(r, pb__yaml_get(&r->y, root, "region"), "region", &o->region);
    if (st != PB_OK)
        return st;
    if (!o->company)
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, line_of(r, root),
                            "offer has no company");
    /* Spellings of one company share a slug; a name with no letter or digit
     * to slug is kept as written. */
    o->company_slug = pb__slugify(o->company);
    if (o->company_slug && !o->company_slug[0]) {
        pb__free(o->company_slug);
        o->company_slug = pb__strdup(o->company);
    }
    if (!o->company_slug)
        return pb__diag_set(r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");

    yaml_node_t *base = pb__yaml_get(&r->y, root, "base");
    if (pb__yaml_is_null(base))
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, line_of(r, root),
                            "offer has no base");
    st = read_amount(r, base, "base", &o->base_minor);
    if (st == PB_OK)
        st = read_number(r, pb__yaml_get(&r->y, root, "raise_pct"), "raise_pct", -50, 100,
                         &o->raise_pct);
    if (st == PB_OK)
        st = read_number(r, pb__yaml_get(&r->y, root, "bonus_target_pct"), "bonus_target_pct",
                         0, 1000, &o->bonus_target_pct);
    if (st == PB_OK)
        st = read_number(r, pb__yaml_get(&r->y, root, "bonus_payout_pct"), "bonus_payout_pct",
                         0, 1000, &o->bonus_payout_pct);
    if (st == PB_OK)
        st = read_sign_on(r, pb__yaml_get(&r->y, root, "sign_on"));
    if (st == PB_OK) {
        const char *ignored = NULL;
        st = pb__yaml_string(&r->y, pb__yaml_get(&r->y, root, "notes"), "notes", &ignored,
                             r->diag);
    }
    if (st != PB_OK)
        return st;

    yaml_node_t *equity = pb__yaml_get(&r->y, root, "equity");
    yaml_node_t *refresh = pb__yaml_get(&r->y, root, "refresh");
    size_t nequity = 0;
    if (!pb__yaml_is_null(equity)) {
        st = pb__yaml_expect(&r->y, equity, YAML_SEQUENCE_NODE, "equity", r->diag);
        if (st != PB_OK)
            return st;
        nequity = pb__yaml_seq_len(equity);
    }
    size_t total = nequity + (pb__yaml_is_null(refresh) ? 0 : 1);
    o->grants = pb__calloc(total ? total : 1, sizeof *o->grants);
    if (!o->grants)
        return pb__diag_set(r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < nequity; i++) {
        o->ngrants = i + 1;
        st = read_grant(r, pb__yaml_seq_at(&r->y, equity, i), &o->grants[i], false, i);
        if (st != PB_OK)
            return st;
    }
    if (!pb__yaml_is_null(refresh)) {
        o->ngrants = nequity + 1;
        st = read_grant(r, refresh, &o->grants[nequity], true, nequity);
        if (st != PB_OK)
            return st;
    }
    st = read_valuation(r, pb__yaml_get(&r->y, root, "valuation"));
    if (st == PB_OK)
        st = resolve(r, root);
    return st;
}

/* The file name without directories and without .yaml / .yml. */
static char *stem_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *b = slash ? slash + 1 : path;
    size_t n = strlen(b);
    if (n > 5 && strcmp(b + n - 5, ".yaml") == 0)
        n -= 5;
    else if (n > 4 && strcmp(b + n - 4, ".yml") == 0)
        n -= 4;
    return pb__strndup(b, n);
}

pb_status pb_offer_parse(const char *name, const char *text, size_t len, pb_offer **out)
{
    *out = NULL;
    pb_offer *o = pb__calloc(1, sizeof *o);
    if (!o)
        return PB_ERR_NOMEM;
    *out = o;
    o->bonus_payout_pct = 100;
    o->facts = (pb__company_facts){
        .valuation = NAN, .share_price = NAN, .fully_diluted_shares = NAN,
        .volatility_pct = NAN, .drift_pct = NAN, .liquidity_pct = NAN, .failure_pct = NAN,
        .dilution_pct = NAN, .exit_multiple_median = NAN, .exit_multiple_sigma = NAN,
        .risk_free_pct = NAN, .option_term_years = NAN};
    o->file = pb__strdup(name ? name : "<offer>");
    if (!o->file)
        return pb__diag_set(&o->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    reader r = {.offer = o, .diag = &o->diag};
    pb_status st = pb__yaml_load(&r.y, o->file, text, len, 0, &o->diag);
    if (st == PB_OK)
        st = read_offer(&r);
    pb__yaml_release(&r.y);
    if (st == PB_OK && !o->name) {
        o->name = stem_of(o->file);
        if (!o->name)
            st = pb__diag_set(&o->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    return st;
}

pb_status pb_offer_load(const char *path, pb_offer **out)
{
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    pb__diag diag;
    pb__diag_clear(&diag);
    pb_status st = pb__read_file(path, MAX_FILE_BYTES, &text, &len, &diag);
    if (st == PB_OK) {
        st = pb_offer_parse(path, text, len, out);
        pb__free(text);
        return st;
    }
    /* A handle that only carries the message, when memory allows. */
    pb_offer *o = pb__calloc(1, sizeof *o);
    if (o) {
        o->diag = diag;
        *out = o;
    }
    return st;
}

pb_status pb_offer_set_company_facts(pb_offer *o, const pb_company_facts *in)
{
    pb__company_facts *f = &o->facts;
    const char *stage = NULL;
    if (!in || !in->source)
        return pb__diag_set(&o->diag, PB_ERR_USAGE, NULL, 0, "company facts need a source");
    if (in->stage) {
        for (size_t i = 0; STAGES[i]; i++)
            if (strcmp(STAGES[i], in->stage) == 0)
                stage = STAGES[i];
        if (!stage)
            return pb__diag_set(&o->diag, PB_ERR_USAGE, NULL, 0, "unknown stage '%s'",
                                in->stage);
    }
    char *source = pb__strdup(in->source);
    if (!source)
        return pb__diag_set(&o->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    /* undo an earlier call first: the file's own facts stay */
    if (f->stage_applied)
        f->stage = NULL;
    if (f->valuation_applied)
        f->valuation = NAN;
    if (f->volatility_applied)
        f->volatility_pct = NAN;
    f->stage_applied = f->valuation_applied = f->volatility_applied = false;
    pb__free(f->applied_source);
    f->applied_source = source;
    if (stage && !f->stage) {
        f->stage = stage;
        f->stage_applied = true;
    }
    if (in->valuation > 0 && isnan(f->valuation)) {
        f->valuation = in->valuation;
        f->valuation_applied = true;
    }
    if (in->volatility_pct >= 0 && in->volatility_pct <= 500 && isnan(f->volatility_pct)) {
        f->volatility_pct = in->volatility_pct;
        f->volatility_applied = true;
    }
    return PB_OK;
}

void pb_offer_free(pb_offer *o)
{
    if (!o)
        return;
    pb__free(o->facts.applied_source);
    for (size_t i = 0; i < o->ngrants; i++)
        pb__free(o->grants[i].name);
    pb__free(o->grants);
    for (size_t i = 0; i < o->facts.nscenarios; i++)
        pb__free(o->facts.scenarios[i].label);
    pb__free(o->file);
    pb__free(o->name);
    pb__free(o->company);
    pb__free(o->company_slug);
    pb__free(o->role);
    pb__free(o->level);
    pb__free(o->region);
    pb__free(o);
}

const char *pb_offer_errmsg(const pb_offer *o)
{
    return o ? o->diag.msg : "out of memory";
}

/* ---- offers made from values ---------------------------------------------- */

/* An amount of a values offer: PB_ERR_USAGE below zero, PB_ERR_RANGE above
 * what an offer file accepts. */
static pb_status value_amount(pb_offer *o, const char *what, int64_t minor)
{
    if (minor < 0)
        return pb__diag_set(&o->diag, PB_ERR_USAGE, o->file, 0, "%s must not be negative",
                            what);
    pb_money m = {minor, ""};
    memcpy(m.currency, o->currency, 4);
    if (pb_money_major(m) > MAX_MAJOR)
        return pb__diag_set(&o->diag, PB_ERR_RANGE, o->file, 0, "%s is too large", what);
    return PB_OK;
}

static pb_status value_grant(pb_offer *o, const pb_offer_values *v)
{
    pb_status st = value_amount(o, "grant value", v->grant_value_minor);
    if (st != PB_OK || v->grant_value_minor == 0)
        return st;
    pb__equity_kind kind;
    if (v->grant_kind && strcmp(v->grant_kind, "public_rsu") == 0)
        kind = PB__PUBLIC_RSU;
    else if (v->grant_kind && strcmp(v->grant_kind, "private_rsu") == 0)
        kind = PB__PRIVATE_RSU;
    else
        return pb__diag_set(&o->diag, PB_ERR_USAGE, o->file, 0,
                            "a grant given by value is public_rsu or private_rsu, not '%s'",
                            v->grant_kind ? v->grant_kind : "");
    int years = v->vest_years ? v->vest_years : 4;
    int period = v->period_months ? v->period_months : 1;
    if (years < 1 || years > PB__MAX_VEST_YEARS)
        return pb__diag_set(&o->diag, PB_ERR_USAGE, o->file, 0,
                            "vesting years must be between 1 and %d, not %d", PB__MAX_VEST_YEARS,
                            years);
    if (v->cliff_months < 0 || v->cliff_months > years * 12)
        return pb__diag_set(&o->diag, PB_ERR_USAGE, o->file, 0,
                            "cliff of %d months does not fit a vesting of %d years",
                            v->cliff_months, years);
    if (period != 1 && period != 3 && period != 6 && period != 12)
        return pb__diag_set(&o->diag, PB_ERR_USAGE, o->file, 0,
                            "vesting period must be 1, 3, 6 or 12 months, not %d", period);
    o->grants = pb__calloc(1, sizeof *o->grants);
    if (!o->grants || !(o->grants[0].name = pb__strdup("grant 1")))
        return pb__diag_set(&o->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    o->ngrants = 1;
    pb__grant *g = &o->grants[0];
    g->kind = kind;
    g->start_year = 1;
    g->value_minor = v->grant_value_minor;
    g->shares = g->price = g->strike = g->common_price = NAN;
    g->vest = (pb__vesting){.years = years, .cliff_months = v->cliff_months,
                            .period_months = period};
    return PB_OK;
}

/* A copy of an optional string into *slot; false when out of memory. */
static bool copy_opt(char **slot, const char *s)
{
    return !s || (*slot = pb__strdup(s)) != NULL;
}

pb_status pb_offer_new_from_values(const char *file, const pb_offer_values *v, pb_offer **out)
{
    *out = NULL;
    pb_offer *o = pb__calloc(1, sizeof *o);
    if (!o)
        return PB_ERR_NOMEM;
    *out = o;
    o->bonus_payout_pct = 100;
    o->facts = (pb__company_facts){
        .valuation = NAN, .share_price = NAN, .fully_diluted_shares = NAN,
        .volatility_pct = NAN, .drift_pct = NAN, .liquidity_pct = NAN, .failure_pct = NAN,
        .dilution_pct = NAN, .exit_multiple_median = NAN, .exit_multiple_sigma = NAN,
        .risk_free_pct = NAN, .option_term_years = NAN};
    if (!(o->file = pb__strdup(file ? file : "<offer>")))
        return pb__diag_set(&o->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    if (!v->name || !*v->name || !v->company || !*v->company)
        return pb__diag_set(&o->diag, PB_ERR_USAGE, o->file, 0,
                            "an offer needs a name and a company");
    if (!v->currency || !pb_currency_known(v->currency))
        return pb__diag_set(&o->diag, PB_ERR_CURRENCY, o->file, 0, "unknown currency '%s'",
                            v->currency ? v->currency : "");
    memcpy(o->currency, v->currency, 4);
    if (!(isfinite(v->bonus_target_pct) && v->bonus_target_pct >= 0 &&
          v->bonus_target_pct <= 1000))
        return pb__diag_set(&o->diag, PB_ERR_USAGE, o->file, 0,
                            "bonus_target_pct must be between 0 and 1000, not %g",
                            v->bonus_target_pct);
    o->bonus_target_pct = v->bonus_target_pct;
    if (!copy_opt(&o->name, v->name) || !copy_opt(&o->company, v->company) ||
        !copy_opt(&o->role, v->role) || !copy_opt(&o->level, v->level) ||
        !copy_opt(&o->region, v->region))
        return pb__diag_set(&o->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    /* the company's slug, as the file reader makes it */
    o->company_slug = pb__slugify(o->company);
    if (o->company_slug && !o->company_slug[0]) {
        pb__free(o->company_slug);
        o->company_slug = pb__strdup(o->company);
    }
    if (!o->company_slug)
        return pb__diag_set(&o->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    pb_status st = value_amount(o, "base", v->base_minor);
    if (st == PB_OK)
        st = value_amount(o, "sign_on", v->sign_on_minor);
    if (st != PB_OK)
        return st;
    o->base_minor = v->base_minor;
    if (v->sign_on_minor > 0) {
        o->nsign_on = 1;
        o->sign_on_minor[0] = v->sign_on_minor;
    }
    return value_grant(o, v);
}
