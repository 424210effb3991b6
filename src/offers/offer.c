/* offer.c — the deterministic year-by-year schedule of an offer: base with
 * raises, bonus, sign-on, and the equity each grant (and each yearly
 * refresher) vests in each year, with N-year, first-year and annualised
 * totals. All sums are exact in minor units of one currency, and every
 * product and sum goes through the checked money helpers: a figure that
 * does not fit is an error naming it, never a wrong number. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/jsonutil.h"
#include "offers/offer_internal.h"
#include "payband/money.h"

__extension__ typedef __int128 i128;

enum { MAX_YEARS = PB_YEARS_MAX };

/* ---- vesting arithmetic ------------------------------------------------ */

void pb__vest_cum(const pb__vesting *v, int month, int64_t *num, int64_t *den)
{
    *num = 0;
    *den = 1;
    int total = v->years * 12;
    if (month <= 0)
        return;
    if (month > total)
        month = total;
    int event = month / v->period_months * v->period_months; /* last event at or before */
    if (event <= 0 || event < v->cliff_months)
        return;
    if (event >= total) {
        *num = 1;
        return;
    }
    if (v->nshape == 0) {
        *num = event;
        *den = total;
        return;
    }
    int k = (event - 1) / 12;          /* vesting year of the event, 0-based */
    int per_year = 12 / v->period_months;
    int e = (event - 12 * k) / v->period_months; /* events so far in that year */
    int64_t before = 0;
    for (int j = 0; j < k; j++)
        before += v->shape_bp[j];
    *num = before * per_year + (int64_t)v->shape_bp[k] * e;
    *den = 10000LL * per_year;
}

/* round(total * num / den), halves away from zero; total >= 0. */
static int64_t scale(int64_t total, int64_t num, int64_t den)
{
    i128 p = (i128)total * num;
    return (int64_t)((2 * p + den) / (2 * (i128)den));
}

static int64_t vested_by(const pb__vesting *v, int64_t total, int month)
{
    int64_t num, den;
    pb__vest_cum(v, month, &num, &den);
    return scale(total, num, den);
}

int64_t pb__vest_in_year(const pb__vesting *v, int64_t total_minor, int start_year, int year)
{
    int end = 12 * (year - start_year + 1);
    if (end <= 0)
        return 0;
    return vested_by(v, total_minor, end) - vested_by(v, total_minor, end - 12);
}

double pb__vest_frac_in_year(const pb__vesting *v, int start_year, int year)
{
    int end = 12 * (year - start_year + 1);
    if (end <= 0)
        return 0;
    int64_t n1, d1, n0, d0;
    pb__vest_cum(v, end, &n1, &d1);
    pb__vest_cum(v, end - 12, &n0, &d0);
    return (double)n1 / (double)d1 - (double)n0 / (double)d0;
}

/* ---- cash ---------------------------------------------------------------- */

static pb_money money_in(int64_t minor, const char *currency)
{
    pb_money m = {minor, ""};
    memcpy(m.currency, currency, 4);
    return m;
}

pb_status pb__base_in_year(const pb_offer *o, int year, int64_t *out)
{
    pb_money m = money_in(o->base_minor, o->currency);
    if (o->raise_pct != 0 && year > 1) {
        double f = pow(1.0 + o->raise_pct / 100.0, year - 1);
        pb_status st = pb_money_scale(m, f, &m);
        if (st != PB_OK)
            return st;
    }
    *out = m.minor;
    return PB_OK;
}

pb_status pb__bonus_in_year(const pb_offer *o, int year, int64_t *out)
{
    int64_t base;
    pb_money m;
    pb_status st = pb__base_in_year(o, year, &base);
    if (st == PB_OK)
        st = pb_money_scale(money_in(base, o->currency),
                            o->bonus_target_pct / 100.0 * o->bonus_payout_pct / 100.0, &m);
    if (st == PB_OK)
        *out = m.minor;
    return st;
}

int pb__vesting_years(const pb_offer *o)
{
    int years = 0;
    for (size_t i = 0; i < o->ngrants; i++)
        if (!o->grants[i].refresh && o->grants[i].vest.years > years)
            years = o->grants[i].vest.years;
    return years ? years : 4;
}

pb_status pb__grant_value_checked(const pb_offer *o, const pb__grant *g, const char **basis,
                                  bool *counts, int64_t *out)
{
    double major;
    *counts = true;
    if (g->kind != PB__OPTION) {
        if (g->value_minor >= 0) {
            *basis = "stated value";
            *out = g->value_minor;
            return PB_OK;
        }
        *basis = "shares x price";
        major = g->shares * g->price;
    } else if (!isnan(g->common_price)) {
        *basis = "409a spread";
        major = g->shares * fmax(0.0, g->common_price - g->strike);
    } else {
        *basis = "preferred spread";
        *counts = false;
        major = g->shares * fmax(0.0, g->price - g->strike);
    }
    pb_money m;
    pb_status st = pb_money_from_double_checked(major, o->currency, &m);
    if (st == PB_OK)
        *out = m.minor;
    return st;
}

int64_t pb__grant_value(const pb_offer *o, const pb__grant *g, const char **basis, bool *counts)
{
    int64_t v = 0;
    if (pb__grant_value_checked(o, g, basis, counts, &v) != PB_OK)
        return 0; /* never for an offer read from a file: the reader checks it */
    return v;
}

/* ---- accessors ------------------------------------------------------------ */

const char *pb_offer_name(const pb_offer *o)
{
    return o->name ? o->name : "";
}

const char *pb_offer_company(const pb_offer *o)
{
    return o->company ? o->company : "";
}

const char *pb_offer_currency(const pb_offer *o)
{
    return o->currency;
}

pb_status pb_offer_set_name(pb_offer *o, const char *name)
{
    char *copy = pb__strdup(name);
    if (!copy)
        return pb__diag_set(&o->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    pb__free(o->name);
    o->name = copy;
    return PB_OK;
}

/* ---- the schedule --------------------------------------------------------- */

static const char *kind_name(pb__equity_kind k)
{
    switch (k) {
    case PB__PUBLIC_RSU: return "public_rsu";
    case PB__PRIVATE_RSU: return "private_rsu";
    case PB__OPTION: return "option";
    }
    return "?";
}

static const char *period_name(int months)
{
    switch (months) {
    case 1: return "monthly";
    case 3: return "quarterly";
    case 6: return "half-yearly";
    default: return "yearly";
    }
}

static void describe_vesting(const pb__vesting *v, char *buf, size_t cap)
{
    char cliff[32], shape[128];
    if (v->cliff_months)
        snprintf(cliff, sizeof cliff, "%d-month cliff", v->cliff_months);
    else
        snprintf(cliff, sizeof cliff, "no cliff");
    if (v->nshape == 0) {
        snprintf(shape, sizeof shape, "even");
    } else {
        size_t n = 0;
        shape[0] = '\0';
        for (int i = 0; i < v->nshape && n < sizeof shape; i++) {
            int bp = v->shape_bp[i];
            int w = bp % 100 ? snprintf(shape + n, sizeof shape - n, "%s%d.%02d", i ? "/" : "",
                                        bp / 100, bp % 100)
                             : snprintf(shape + n, sizeof shape - n, "%s%d", i ? "/" : "",
                                        bp / 100);
            if (w < 0)
                break;
            n += (size_t)w;
        }
    }
    snprintf(buf, cap, "%d years, %s, %s, %s", v->years, cliff, period_name(v->period_months),
             shape);
}

typedef struct converter {
    const char *native;
    const pb_fx_quote *quote;
    const char *currency; /* of the results */
} converter;

/* An amount of the offer's currency in the results' currency. */
static pb_status conv(const converter *c, int64_t minor, int64_t *out)
{
    if (!c->quote) {
        *out = minor;
        return PB_OK;
    }
    pb_money m;
    pb_status st = pb_money_convert(money_in(minor, c->native), c->quote->rate, c->currency, &m);
    if (st == PB_OK)
        *out = m.minor;
    return st;
}

/* *acc += v in `currency`, checked. */
static pb_status add_to(int64_t *acc, int64_t v, const char *currency)
{
    pb_money sum;
    pb_status st = pb_money_add(money_in(*acc, currency), money_in(v, currency), &sum);
    if (st == PB_OK)
        *acc = sum.minor;
    return st;
}

static json_t *jmoney(const converter *c, int64_t minor)
{
    return pb__json_money(minor, c->currency);
}

/* One grant as the schedule sees it: an initial grant, or one year's
 * refresher. */
typedef struct instance {
    const pb__grant *g;
    int start_year;
    char name[96];
    int64_t value;   /* native minor units */
    const char *basis;
    bool counts;
} instance;

static pb_status set_nomem(pb_offer *o)
{
    return pb__diag_set(&o->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
}

#define ADD(obj, key, val)                                                                   \
    do {                                                                                     \
        if (json_object_set_new((obj), (key), (val)) != 0)                                   \
            goto nomem_lists;                                                                \
    } while (0)

/* Run a checked money step; when it fails, name the figure (printf-style,
 * in currency `cur`) and leave through out_of_range. */
#define CHECKED(expr, cur, ...)                                                              \
    do {                                                                                     \
        if ((expr) != PB_OK) {                                                               \
            snprintf(figure, sizeof figure, __VA_ARGS__);                                    \
            figure_cur = (cur);                                                              \
            goto out_of_range;                                                               \
        }                                                                                    \
    } while (0)


pb_status pb_offer_schedule(pb_offer *o, const pb_schedule_options *opt, json_t **out)
{
    *out = NULL;
    int years = opt && opt->years ? opt->years : PB_YEARS_DEFAULT;
    if (years < PB_YEARS_MIN || years > MAX_YEARS)
        return pb__diag_set(&o->diag, PB_ERR_USAGE, NULL, 0, "years must be between %d and %d",
                            PB_YEARS_MIN, MAX_YEARS);
    converter c = {o->currency, opt ? opt->quote : NULL, o->currency};
    if (c.quote) {
        if (strcmp(c.quote->from, o->currency) != 0 || !pb_currency_known(c.quote->to))
            return pb__diag_set(&o->diag, PB_ERR_USAGE, NULL, 0,
                                "rate %s->%s does not convert the offer's currency %s",
                                c.quote->from, c.quote->to, o->currency);
        c.currency = c.quote->to;
    }

    char figure[160];
    const char *figure_cur = o->currency;
    json_t *root = NULL, *grants = NULL, *rows = NULL, *notes = NULL;

    /* Expand the refresh template into one grant per year. */
    size_t cap = o->ngrants + MAX_YEARS;
    instance *inst = pb__calloc(cap, sizeof *inst);
    if (!inst)
        return set_nomem(o);
    size_t n = 0;
    for (size_t i = 0; i < o->ngrants; i++) {
        const pb__grant *g = &o->grants[i];
        int64_t value;
        const char *basis;
        bool counts;
        CHECKED(pb__grant_value_checked(o, g, &basis, &counts, &value), o->currency,
                "value of grant '%s'", g->name);
        if (!g->refresh) {
            inst[n] = (instance){g, g->start_year, "", value, basis, counts};
            snprintf(inst[n].name, sizeof inst[n].name, "%s", g->name);
            n++;
            continue;
        }
        for (int y = g->start_year; y <= years; y++) {
            inst[n] = (instance){g, y, "", value, basis, counts};
            snprintf(inst[n].name, sizeof inst[n].name, "%s y%d", g->name, y);
            n++;
        }
    }

    root = json_object(), grants = json_array(), rows = json_array(), notes = json_array();
    if (!root || !grants || !rows || !notes)
        goto nomem_lists;
    ADD(root, "name", json_string(pb_offer_name(o)));
    ADD(root, "company", pb__json_str(o->company));
    ADD(root, "role", pb__json_str(o->role));
    ADD(root, "level", pb__json_str(o->level));
    ADD(root, "region", pb__json_str(o->region));
    ADD(root, "currency", json_string(c.currency));
    ADD(root, "native_currency", json_string(o->currency));
    if (c.quote) {
        json_t *fx = pb__json_quote(c.quote);
        if (!fx)
            goto nomem_lists;
        ADD(root, "fx", fx);
    } else {
        ADD(root, "fx", json_null());
    }
    ADD(root, "years", json_integer(years));

    for (size_t i = 0; i < n; i++) {
        char vest[256];
        int64_t value;
        CHECKED(conv(&c, inst[i].value, &value), c.currency, "value of grant '%s'", inst[i].name);
        describe_vesting(&inst[i].g->vest, vest, sizeof vest);
        json_t *g = json_pack("{s:s, s:s, s:s, s:o, s:b, s:s, s:i}", "name", inst[i].name, "kind",
                              kind_name(inst[i].g->kind), "basis", inst[i].basis, "value",
                              jmoney(&c, value), "counts", inst[i].counts,
                              "vesting", vest, "start_year", inst[i].start_year);
        if (!g || json_array_append_new(grants, g) != 0)
            goto nomem_lists;
        if (opt && opt->events) {
            json_t *events = json_array();
            if (!events || json_object_set_new(g, "events", events) != 0)
                goto nomem_lists;
            const pb__vesting *v = &inst[i].g->vest;
            int64_t prev = 0;
            int offset = 12 * (inst[i].start_year - 1);
            for (int m = v->period_months; m <= v->years * 12 && offset + m <= 12 * years;
                 m += v->period_months) {
                int64_t cum = vested_by(v, inst[i].value, m), amount;
                if (cum == prev)
                    continue;
                CHECKED(conv(&c, cum - prev, &amount), c.currency,
                        "vesting of grant '%s' in month %d", inst[i].name, offset + m);
                json_t *ev = json_pack("{s:i, s:i, s:o}", "month", offset + m, "year",
                                       (offset + m - 1) / 12 + 1, "amount", jmoney(&c, amount));
                if (!ev || json_array_append_new(events, ev) != 0)
                    goto nomem_lists;
                prev = cum;
            }
        }
    }

    int64_t total = 0, first_year = 0;
    for (int y = 1; y <= years; y++) {
        int64_t base, bonus, sign_on = 0, eq_total = 0, year_total = 0;
        CHECKED(pb__base_in_year(o, y, &base), o->currency, "base of year %d", y);
        CHECKED(conv(&c, base, &base), c.currency, "base of year %d", y);
        CHECKED(pb__bonus_in_year(o, y, &bonus), o->currency, "bonus of year %d", y);
        CHECKED(conv(&c, bonus, &bonus), c.currency, "bonus of year %d", y);
        if (y <= o->nsign_on)
            CHECKED(conv(&c, o->sign_on_minor[y - 1], &sign_on), c.currency,
                    "sign-on of year %d", y);
        json_t *eq = json_object(), *apart = json_object();
        json_t *row = json_object();
        if (!eq || !apart || !row) {
            json_decref(eq);
            json_decref(apart);
            json_decref(row);
            goto nomem_lists;
        }
        if (json_array_append_new(rows, row) != 0) { /* takes row even when it fails */
            json_decref(eq);
            json_decref(apart);
            goto nomem_lists;
        }
        bool eq_taken = false; /* json_object_set_new takes eq even when it fails */
        if (json_object_set_new(row, "year", json_integer(y)) != 0 ||
            json_object_set_new(row, "base", jmoney(&c, base)) != 0 ||
            json_object_set_new(row, "bonus", jmoney(&c, bonus)) != 0 ||
            json_object_set_new(row, "sign_on", jmoney(&c, sign_on)) != 0 ||
            (eq_taken = true, json_object_set_new(row, "equity", eq) != 0)) {
            if (!eq_taken)
                json_decref(eq);
            json_decref(apart);
            goto nomem_lists;
        }
        if (json_object_set_new(row, "not_counted", apart) != 0)
            goto nomem_lists;
        for (size_t i = 0; i < n; i++) {
            if (inst[i].start_year > y)
                continue;
            int64_t a;
            CHECKED(conv(&c, pb__vest_in_year(&inst[i].g->vest, inst[i].value,
                                              inst[i].start_year, y),
                         &a),
                    c.currency, "equity of grant '%s' in year %d", inst[i].name, y);
            if (json_object_set_new(inst[i].counts ? eq : apart, inst[i].name, jmoney(&c, a)) != 0)
                goto nomem_lists;
            if (inst[i].counts)
                CHECKED(add_to(&eq_total, a, c.currency), c.currency, "equity of year %d", y);
        }
        const int64_t parts[] = {base, bonus, sign_on, eq_total};
        for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++)
            CHECKED(add_to(&year_total, parts[k], c.currency), c.currency, "total of year %d", y);
        if (json_object_set_new(row, "equity_total", jmoney(&c, eq_total)) != 0 ||
            json_object_set_new(row, "total", jmoney(&c, year_total)) != 0)
            goto nomem_lists;
        CHECKED(add_to(&total, year_total, c.currency), c.currency, "%d-year total", years);
        if (y == 1)
            first_year = year_total;
    }

    /* Annualised: base + initial grants ÷ their vesting years + target bonus +
     * sign-on ÷ vesting years. */
    int vyears = pb__vesting_years(o);
    int64_t ann, sign_on_total = 0;
    pb_money target_bonus;
    CHECKED(pb__base_in_year(o, 1, &ann), o->currency, "annualised total");
    CHECKED(pb_money_scale(money_in(o->base_minor, o->currency), o->bonus_target_pct / 100.0,
                           &target_bonus),
            o->currency, "annualised total");
    CHECKED(add_to(&ann, target_bonus.minor, o->currency), o->currency, "annualised total");
    for (size_t i = 0; i < n; i++)
        if (!inst[i].g->refresh && inst[i].counts)
            CHECKED(add_to(&ann, scale(inst[i].value, 1, inst[i].g->vest.years), o->currency),
                    o->currency, "annualised total");
    for (int i = 0; i < o->nsign_on; i++)
        CHECKED(add_to(&sign_on_total, o->sign_on_minor[i], o->currency), o->currency,
                "sign-on total");
    CHECKED(add_to(&ann, scale(sign_on_total, 1, vyears), o->currency), o->currency,
            "annualised total");
    int64_t ann_out, sign_on_out;
    CHECKED(conv(&c, ann, &ann_out), c.currency, "annualised total");
    CHECKED(conv(&c, sign_on_total, &sign_on_out), c.currency, "sign-on total");
    char basis[160];
    snprintf(basis, sizeof basis,
             "base + each grant / its vesting years + target bonus + sign-on / %d", vyears);

    {
        json_t *moved = grants;
        grants = NULL;
        ADD(root, "grants", moved);
    }
    {
        json_t *moved = rows;
        rows = NULL;
        ADD(root, "schedule", moved);
    }
    ADD(root, "total", jmoney(&c, total));
    ADD(root, "first_year_total", jmoney(&c, first_year));
    ADD(root, "annualised_total", jmoney(&c, ann_out));
    ADD(root, "annualised_basis", json_string(basis));
    ADD(root, "sign_on_total", jmoney(&c, sign_on_out));
    ADD(root, "sign_on_clawback_months",
        o->clawback_months ? json_integer(o->clawback_months) : json_null());

    /* Notes a reader needs to read the figures right. */
    for (size_t i = 0; i < o->ngrants; i++) {
        const pb__grant *g = &o->grants[i];
        char *note = NULL;
        if (g->kind == PB__OPTION && isnan(g->common_price))
            note = pb__asprintf("option grant '%s' has no common-stock (409A) price: its spread "
                                "at the preferred price is not a value and is left out of "
                                "every total",
                                g->name);
        else if (g->kind == PB__OPTION)
            note = pb__asprintf("option grant '%s' is valued at its spread over the strike at "
                                "the 409A price (%g); exercise cost is netted",
                                g->name, g->common_price);
        else if (g->kind == PB__PRIVATE_RSU)
            note = pb__asprintf("private RSU grant '%s' is shown at the last-round price; it "
                                "pays only after a liquidity event (see `payband compare`)",
                                g->name);
        if (!note)
            continue;
        if (json_array_append_new(notes, json_string(note)) != 0) {
            pb__free(note);
            goto nomem_lists;
        }
        pb__free(note);
    }
    if (o->clawback_months) {
        char note[160];
        snprintf(note, sizeof note, "sign-on is repayable if you leave within %d months",
                 o->clawback_months);
        if (json_array_append_new(notes, json_string(note)) != 0)
            goto nomem_lists;
    }
    if (o->nsign_on > years) {
        int64_t beyond = 0;
        for (int i = years; i < o->nsign_on; i++)
            CHECKED(add_to(&beyond, o->sign_on_minor[i], o->currency), o->currency,
                    "sign-on paid after year %d", years);
        pb_money m = {0, ""};
        memcpy(m.currency, c.currency, 4);
        CHECKED(conv(&c, beyond, &m.minor), c.currency, "sign-on paid after year %d", years);
        char amount[64], note[256];
        pb_money_format_full(m, amount, sizeof amount);
        snprintf(note, sizeof note,
                 "sign-on of %s paid after year %d is not in the %d-year total; the annualised "
                 "total counts all of the sign-on",
                 amount, years, years);
        if (json_array_append_new(notes, json_string(note)) != 0)
            goto nomem_lists;
    }
    if (o->bonus_payout_pct != 100) {
        char note[160];
        snprintf(note, sizeof note,
                 "bonus is the %g%% target paid out at %g%%; the annualised total uses the "
                 "target",
                 o->bonus_target_pct, o->bonus_payout_pct);
        if (json_array_append_new(notes, json_string(note)) != 0)
            goto nomem_lists;
    }
    {
        json_t *moved = notes;
        notes = NULL;
        ADD(root, "notes", moved);
    }
    pb__free(inst);
    *out = root;
    return PB_OK;

nomem_lists:
    json_decref(grants);
    json_decref(rows);
    json_decref(notes);
    json_decref(root);
    pb__free(inst);
    return set_nomem(o);

out_of_range:
    json_decref(grants);
    json_decref(rows);
    json_decref(notes);
    json_decref(root);
    pb__free(inst);
    return pb__diag_set(&o->diag, PB_ERR_RANGE, o->file, 0, "the %s in %s is out of range",
                        figure, figure_cur);
}
