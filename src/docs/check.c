/* check.c — recompute every claim a document makes and give a verdict:
 * total comp vs its components, front matter vs table, N-year totals,
 * percent gaps, currency equivalents, sums, and asks and floors vs the
 * band. One finding (a JSON object) per claim; see docs/internals/check.md
 * for the arithmetic and the tolerances. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "docs/document_internal.h"

/* Tolerances (documented in docs/documents.md). */
#define TC_TOLERANCE 0.01      /* a total agrees within 1% of the computed figure */
#define TOTAL_TOLERANCE 0.01   /* N-year totals and sums */
#define FX_TOLERANCE 0.02      /* an equivalent vs a dated rate */
#define PCT_TOLERANCE 1.0      /* percentage points */
#define PCT_TOLERANCE_APPROX 2.5


/* A computed range in the compact style ("$210.6K–$269.1K"). */
static void rounded_range_text(pb_money_range r, char *buf, size_t cap)
{
    char a[32], b[32];
    pb_money_format_compact(r.low, a, sizeof a);
    pb_money_format_compact(r.high, b, sizeof b);
    if (strcmp(a, b) == 0)
        snprintf(buf, cap, "%s", a);
    else
        snprintf(buf, cap, "%s\xE2\x80\x93%s", a, b);
}

static pb_money money(int64_t minor, const char *currency)
{
    pb_money m = {minor, ""};
    if (currency)
        memcpy(m.currency, currency, strnlen(currency, 3));
    return m;
}

static pb_money_range range(int64_t lo, int64_t hi, const char *currency)
{
    pb_money_range r;
    memset(&r, 0, sizeof r);
    r.low = money(lo, currency);
    r.high = money(hi, currency);
    return r;
}

/* A computed amount as money, rounded to the minor unit: false when it does
 * not fit (or is not a number), never a wrong figure. */
static bool money_d(double major, const char *currency, pb_money *out)
{
    return pb_money_from_double_checked(major, currency, out) == PB_OK;
}

static bool range_d(double lo, double hi, const char *currency, pb_money_range *out)
{
    memset(out, 0, sizeof *out);
    return money_d(lo, currency, &out->low) && money_d(hi, currency, &out->high);
}

/* The reason of a claim whose recomputed figure does not fit in money. */
#define OUT_OF_RANGE "the recomputed figure is out of the range of money payband holds"

static double major(int64_t minor, const char *currency)
{
    return pb_money_major(money(minor, currency));
}

static bool within(double stated, double computed, double tol)
{
    if (computed == 0)
        return stated == 0;
    return fabs(stated - computed) <= tol * fabs(computed);
}

/* What all equivalents of one currency pair in a document say together. */
struct fx_pair {
    char from[4], to[4];
    double L, H;   /* the rate every equivalent allows, L > H when none */
    double median; /* of the implied rates */
    size_t n;      /* equivalents of the pair */
};

struct out {
    struct pb_document *doc;
    pb_date as_of; /* rates' date for a document that states none */
    json_t *findings;
    struct fx_pair *pairs;
    size_t npairs;
};

static json_t *num_or_null(bool present, double v)
{
    return present ? json_real(v) : json_null();
}

static pb_status emit(struct out *o, const struct pb__claim *c, const char *kind,
                      const char *stated, const char *computed, const char *verdict,
                      const char *reason, const char *unit, bool has_s, double s_lo, double s_hi,
                      bool has_c, double c_lo, double c_hi)
{
    json_t *f = json_object();
    if (!f)
        return PB_ERR_NOMEM;
    int bad = 0;
    bad |= json_object_set_new(f, "file", json_string(o->doc->path));
    bad |= json_object_set_new(f, "line", json_integer(c->line));
    bad |= json_object_set_new(f, "kind", json_string(kind));
    bad |= json_object_set_new(f, "claim", json_string(c->text ? c->text : ""));
    bad |= json_object_set_new(f, "stated", stated ? json_string(stated) : json_null());
    bad |= json_object_set_new(f, "computed", computed ? json_string(computed) : json_null());
    bad |= json_object_set_new(f, "verdict", json_string(verdict));
    bad |= json_object_set_new(f, "reason", json_string(reason));
    bad |= json_object_set_new(f, "unit", unit ? json_string(unit) : json_null());
    bad |= json_object_set_new(f, "stated_low", num_or_null(has_s, s_lo));
    bad |= json_object_set_new(f, "stated_high", num_or_null(has_s, s_hi));
    bad |= json_object_set_new(f, "computed_low", num_or_null(has_c, c_lo));
    bad |= json_object_set_new(f, "computed_high", num_or_null(has_c, c_hi));
    if (bad || json_array_append_new(o->findings, f) != 0) {
        if (bad)
            json_decref(f);
        return PB_ERR_NOMEM;
    }
    return PB_OK;
}

/* ---- total comp ------------------------------------------------------------ */

static pb_status check_total_comp(struct out *o, const struct pb__claim *c)
{
    const struct pb__band *b = &o->doc->facts->bands.items[c->ref];
    const char *cur = b->currency;
    char stated[96], computed[96], reason[512];
    pb__range_text(range(b->stated_tc_low, b->stated_tc_high, cur), stated, sizeof stated);
    double s_lo = major(b->stated_tc_low, cur), s_hi = major(b->stated_tc_high, cur);
    if (!b->has_base || (b->has_equity && b->vest_years <= 0)) {
        return emit(o, c, "total-comp", stated, NULL, "unverifiable",
                    !b->has_base ? "the row gives no base salary to add up"
                                 : "the equity's vesting period is not stated",
                    cur, true, s_lo, s_hi, false, 0, 0);
    }
    double lo = major(b->base_low, cur), hi = major(b->base_high, cur);
    char parts[160] = "base";
    if (b->has_equity) {
        lo += major(b->equity_low, cur) / b->vest_years;
        hi += major(b->equity_high, cur) / b->vest_years;
        snprintf(parts + strlen(parts), sizeof parts - strlen(parts), " + equity/%d",
                 b->vest_years);
    }
    if (b->has_bonus) {
        lo += major(b->base_low, cur) * b->bonus_low_bp / 10000.0;
        hi += major(b->base_high, cur) * b->bonus_high_bp / 10000.0;
        if (b->bonus_low_bp == b->bonus_high_bp)
            snprintf(parts + strlen(parts), sizeof parts - strlen(parts),
                     " + bonus (%g%% of base)", b->bonus_low_bp / 100.0);
        else
            snprintf(parts + strlen(parts), sizeof parts - strlen(parts),
                     " + bonus (%g%%\xE2\x80\x93%g%% of base)", b->bonus_low_bp / 100.0,
                     b->bonus_high_bp / 100.0);
    }
    pb_money_range cr;
    if (!range_d(lo, hi, cur, &cr))
        return emit(o, c, "total-comp", stated, NULL, "unverifiable", OUT_OF_RANGE, cur, true,
                    s_lo, s_hi, false, 0, 0);
    pb__range_text(cr, computed, sizeof computed);
    bool ok = within(s_lo, lo, TC_TOLERANCE) && within(s_hi, hi, TC_TOLERANCE);
    if (ok)
        snprintf(reason, sizeof reason, "%s = %s, within 1%% of the stated %s", parts, computed,
                 stated);
    else if (lo <= 0 || hi <= 0)
        snprintf(reason, sizeof reason, "%s = %s; the stated total is %s (tolerance 1%%)", parts,
                 computed, stated);
    else {
        double d_lo = (s_lo - lo) / lo * 100, d_hi = (s_hi - hi) / hi * 100;
        snprintf(reason, sizeof reason,
                 "%s = %s; the stated total is off by %+.1f%% at the low end and %+.1f%% at "
                 "the high end (tolerance 1%%)",
                 parts, computed, d_lo, d_hi);
    }
    return emit(o, c, "total-comp", stated, computed, ok ? "ok" : "wrong", reason, cur, true,
                s_lo, s_hi, true, lo, hi);
}

/* ---- front matter vs table -------------------------------------------------- */

static void diff_field(char *buf, size_t cap, const char *name, bool has_a, int64_t alo,
                       int64_t ahi, bool has_b, int64_t blo, int64_t bhi, const char *ca,
                       const char *cb, bool *differs)
{
    if (!has_a || !has_b)
        return;
    if (alo == blo && ahi == bhi && strcmp(ca, cb) == 0)
        return;
    char a[64], b[64];
    pb__range_text(range(alo, ahi, ca), a, sizeof a);
    pb__range_text(range(blo, bhi, cb), b, sizeof b);
    size_t n = strlen(buf);
    snprintf(buf + n, cap - n, "%s%s: front matter %s, table %s", n ? "; " : "", name, a, b);
    *differs = true;
}

static pb_status check_front_matter(struct out *o, const struct pb__claim *c)
{
    const struct pb__band *f = &c->fm, *t = &c->table;
    const char *cf = c->stated.currency, *ct = c->total.currency;
    char diffs[512] = "";
    bool differs = false;
    if (strcmp(cf, ct) != 0) {
        snprintf(diffs, sizeof diffs, "currency: front matter %s, table %s", cf, ct);
        differs = true;
    }
    diff_field(diffs, sizeof diffs, "base", f->has_base, f->base_low, f->base_high, t->has_base,
               t->base_low, t->base_high, cf, ct, &differs);
    diff_field(diffs, sizeof diffs, "equity", f->has_equity, f->equity_low, f->equity_high,
               t->has_equity, t->equity_low, t->equity_high, cf, ct, &differs);
    diff_field(diffs, sizeof diffs, "total comp", f->has_stated_tc, f->stated_tc_low,
               f->stated_tc_high, t->has_stated_tc, t->stated_tc_low, t->stated_tc_high, cf, ct,
               &differs);
    if (f->has_bonus && t->has_bonus &&
        (f->bonus_low_bp != t->bonus_low_bp || f->bonus_high_bp != t->bonus_high_bp)) {
        size_t n = strlen(diffs);
        snprintf(diffs + n, sizeof diffs - n, "%sbonus: front matter %g%%\xE2\x80\x93%g%%, table %g%%\xE2\x80\x93%g%%",
                 n ? "; " : "", f->bonus_low_bp / 100.0, f->bonus_high_bp / 100.0,
                 t->bonus_low_bp / 100.0, t->bonus_high_bp / 100.0);
        differs = true;
    }
    const char *missing = (f->has_base != t->has_base)       ? "base"
                          : (f->has_equity != t->has_equity) ? "equity"
                          : (f->has_stated_tc != t->has_stated_tc) ? "total comp"
                                                                   : NULL;
    if (missing) {
        size_t n = strlen(diffs);
        snprintf(diffs + n, sizeof diffs - n, "%s%s given by only one of them", n ? "; " : "",
                 missing);
        differs = true;
    }
    char stated[96], computed[96];
    /* the headline figure: total comp when both give it, else base */
    if (f->has_stated_tc && t->has_stated_tc) {
        pb__range_text(range(f->stated_tc_low, f->stated_tc_high, cf), stated, sizeof stated);
        pb__range_text(range(t->stated_tc_low, t->stated_tc_high, ct), computed, sizeof computed);
    } else if (f->has_base && t->has_base) {
        pb__range_text(range(f->base_low, f->base_high, cf), stated, sizeof stated);
        pb__range_text(range(t->base_low, t->base_high, ct), computed, sizeof computed);
    } else {
        snprintf(stated, sizeof stated, "front matter");
        snprintf(computed, sizeof computed, "table line %ld", t->line);
    }
    char reason[640];
    if (differs)
        snprintf(reason, sizeof reason, "front matter and the table row (line %ld) disagree: %s",
                 t->line, diffs);
    else
        snprintf(reason, sizeof reason,
                 "front matter and the table row (line %ld) give the same figures", t->line);
    return emit(o, c, "front-matter", stated, computed, differs ? "inconsistent" : "ok", reason,
                NULL, false, 0, 0, false, 0, 0);
}

/* ---- N-year totals ------------------------------------------------------------- */

struct offer_math {
    double total;       /* the true N-year total */
    double base_plus_n; /* one year of base + N years of equity */
    double equity_only; /* N years of equity */
    double one_year;    /* one year of base + equity */
    char formula[224]; /* years + four money figures + bonus and sign-on parts */
    char equity_text[32];
    bool ok;
    bool out_of_range; /* a figure of the arithmetic does not fit in money */
};

static void offer_total(const struct pb__offer_mention *of, int years, struct offer_math *m)
{
    memset(m, 0, sizeof *m);
    const char *cur = of->currency;
    double base = major(of->base, cur);
    double eq_year = -1;
    if (of->equity_per_year >= 0)
        eq_year = major(of->equity_per_year, cur);
    else if (of->equity_grant >= 0 && of->vest_years > 0)
        eq_year = major(of->equity_grant, cur) / of->vest_years;
    if (eq_year < 0)
        return;
    double vesting_years = years;
    if (of->equity_per_year < 0 && of->vest_years > 0 && years > of->vest_years)
        vesting_years = of->vest_years;
    double sign_on = of->sign_on > 0 ? major(of->sign_on, cur) : 0;
    double bonus = of->bonus_bp > 0 ? base * of->bonus_bp / 10000.0 : 0;
    m->total = years * (base + bonus) + vesting_years * eq_year + sign_on;
    m->base_plus_n = base + years * eq_year;
    m->equity_only = years * eq_year;
    m->one_year = base + bonus + eq_year;
    char b[32], e[32], bt[48] = "", st[48] = "";
    pb_money eq;
    if (!money_d(eq_year, cur, &eq) || !isfinite(m->total)) {
        m->out_of_range = true;
        return;
    }
    pb__money_text(money(of->base, cur), b, sizeof b);
    pb__money_text(eq, e, sizeof e);
    if (bonus > 0)
        snprintf(bt, sizeof bt, " + %g%% bonus", of->bonus_bp / 100.0);
    if (sign_on > 0) {
        char so[32];
        pb__money_text(money(of->sign_on, cur), so, sizeof so);
        snprintf(st, sizeof st, " + %s sign-on", so);
    }
    snprintf(m->equity_text, sizeof m->equity_text, "%s", e);
    snprintf(m->formula, sizeof m->formula, "%d \xC3\x97 (%s base%s + %s equity a year)%s",
             years, b, bt, e, st);
    m->ok = true;
}

static pb_status check_n_year(struct out *o, const struct pb__claim *c)
{
    const char *cur = c->stated.currency;
    char stated[48], computed[48], reason[800];
    pb__money_text(c->stated, stated, sizeof stated);
    double s = pb_money_major(c->stated);
    if (!c->has_offer)
        return emit(o, c, "n-year-total", stated, NULL, "unverifiable",
                    c->why ? c->why : "no offer to recompute the total from", cur, true, s, s,
                    false, 0, 0);
    const struct pb__offer_mention *of =
        c->offer_local ? &c->offer : &o->doc->facts->offers.items[c->ref];
    struct offer_math m;
    offer_total(of, c->years, &m);
    pb_money total;
    if (m.out_of_range || (m.ok && !money_d(m.total, cur, &total)))
        return emit(o, c, "n-year-total", stated, NULL, "unverifiable", OUT_OF_RANGE, cur, true,
                    s, s, false, 0, 0);
    if (!m.ok)
        return emit(o, c, "n-year-total", stated, NULL, "unverifiable",
                    "the offer's equity is not stated per year or with its vesting period", cur,
                    true, s, s, false, 0, 0);
    pb__money_text(total, computed, sizeof computed);
    double tol = c->restated ? 0.02 : TOTAL_TOLERANCE;
    bool ok = within(s, m.total, tol);
    char mistake[256] = "";
    char y1[32];
    pb__money_text(money(of->base, cur), y1, sizeof y1);
    pb_money base_plus_n;
    if (!ok && within(s, m.base_plus_n, tol) && money_d(m.base_plus_n, cur, &base_plus_n)) {
        char bpn[48];
        pb__money_text(base_plus_n, bpn, sizeof bpn);
        snprintf(mistake, sizeof mistake,
                 "the stated figure is one year of base plus %d years of equity (%s + %d "
                 "\xC3\x97 %s = %s%s%s); ",
                 c->years, y1, c->years, m.equity_text, bpn,
                 strcmp(bpn, stated) != 0 ? ", rounded to " : "",
                 strcmp(bpn, stated) != 0 ? stated : "");
    }
    else if (!ok && within(s, m.equity_only, tol))
        snprintf(mistake, sizeof mistake, "the stated figure is %d years of equity alone; ",
                 c->years);
    else if (!ok && within(s, m.one_year, tol))
        snprintf(mistake, sizeof mistake, "the stated figure is one year of base and equity; ");
    char where[96] = "";
    if (c->restated)
        snprintf(where, sizeof where, "restates the offer of line %ld; ", of->line);
    if (ok)
        snprintf(reason, sizeof reason, "%s%s = %s, agreeing with the stated %s", where,
                 m.formula, computed, stated);
    else
        snprintf(reason, sizeof reason, "%s%sthe %d-year total is %s = %s", where, mistake,
                 c->years, m.formula, computed);
    return emit(o, c, "n-year-total", stated, computed, ok ? "ok" : "wrong", reason, cur, true,
                s, s, true, m.total, m.total);
}

/* ---- percent gaps ----------------------------------------------------------------- */

/* Whole percent, rounded half away from zero; written from the double
 * itself (never converted to an integer: a gap may be any size). */
static void pct_text(double lo, double hi, char *buf, size_t cap)
{
    double a = round(lo) + 0.0, b = round(hi) + 0.0; /* + 0.0: no "-0" */
    if (a == b)
        snprintf(buf, cap, "%.0f%%", a);
    else
        snprintf(buf, cap, "%.0f\xE2\x80\x93%.0f%%", a, b);
}

static pb_status check_percent(struct out *o, const struct pb__claim *c)
{
    double s_lo = c->pct.low_bp / 100.0, s_hi = c->pct.high_bp / 100.0;
    char stated[48], computed[48], reason[768];
    pct_text(s_lo, s_hi, stated, sizeof stated);
    if (!c->a.present || !c->b.present)
        return emit(o, c, "percent-gap", stated, NULL, "unverifiable",
                    c->why ? c->why : "the figures compared are not given", "%", true, s_lo,
                    s_hi, false, 0, 0);
    const pb_money_range *a = &c->a.range, *b = &c->b.range;
    char at[64], bt[64];
    pb__range_text(*a, at, sizeof at);
    pb__range_text(*b, bt, sizeof bt);
    if (strcmp(a->low.currency, b->low.currency) != 0) {
        snprintf(reason, sizeof reason,
                 "the figures compared are in different currencies (%s and %s)", at, bt);
        return emit(o, c, "percent-gap", stated, NULL, "unverifiable", reason, "%", true, s_lo,
                    s_hi, false, 0, 0);
    }
    double alo = pb_money_major(a->low), ahi = pb_money_major(a->high);
    double blo = pb_money_major(b->low), bhi = pb_money_major(b->high);
    if (blo <= 0 || bhi <= 0) {
        snprintf(reason, sizeof reason,
                 "B = %s is zero: no percentage of it can be taken", bt);
        return emit(o, c, "percent-gap", stated, NULL, "unverifiable", reason, "%", true, s_lo,
                    s_hi, false, 0, 0);
    }
    double g1, g2;
    const char *formula;
    if (c->direction < 0) {
        g1 = (blo - alo) / blo * 100;
        g2 = (bhi - ahi) / bhi * 100;
        formula = "(B \xE2\x88\x92 A) / B";
    } else {
        g1 = (alo - blo) / blo * 100;
        g2 = (ahi - bhi) / bhi * 100;
        formula = "(A \xE2\x88\x92 B) / B";
    }
    double lo = g1 < g2 ? g1 : g2, hi = g1 < g2 ? g2 : g1;
    pct_text(lo, hi, computed, sizeof computed);
    double tol = c->approximate ? PCT_TOLERANCE_APPROX : PCT_TOLERANCE;
    bool ok;
    if (c->pct.low_bp == c->pct.high_bp)
        ok = s_lo >= lo - tol && s_lo <= hi + tol;
    else
        ok = fabs(s_lo - lo) <= tol && fabs(s_hi - hi) <= tol;
    const char *dir = c->direction < 0 ? "below" : "above";
    snprintf(reason, sizeof reason,
             "%s with A = %s (%s, line %ld) and B = %s (%s, line %ld): A is %s %s B%s%s",
             formula, at, c->a.label ? c->a.label : "", c->a.line, bt,
             c->b.label ? c->b.label : "", c->b.line, computed, dir,
             ok ? "" : "; stated ", ok ? "" : stated);
    if (lo < 0 && hi < 0)
        snprintf(reason + strlen(reason), sizeof reason - strlen(reason),
                 " (A is not %s B at all)", dir);
    return emit(o, c, "percent-gap", stated, computed, ok ? "ok" : "wrong", reason, "%", true,
                s_lo, s_hi, true, lo, hi);
}

/* ---- currency equivalents ---------------------------------------------------------- */

/* Half the last written unit of a figure: "$165K" -> 500, "$1.4 million" ->
 * 50,000, "€180,000" -> 0.5: the rounding the writer may have applied. */
static double half_unit(const char *text)
{
    double mult = 1;
    int decimals = 0, cur = 0;
    bool in_dec = false;
    for (const char *p = text; *p; p++) {
        bool digit = *p >= '0' && *p <= '9';
        if (digit) {
            if (in_dec)
                cur++;
            continue;
        }
        if (*p == '.' && p > text && p[-1] >= '0' && p[-1] <= '9' && p[1] >= '0' && p[1] <= '9') {
            in_dec = true;
            cur = 0;
            continue;
        }
        if (in_dec && cur > decimals)
            decimals = cur;
        in_dec = false;
        bool after_digit = p > text && p[-1] >= '0' && p[-1] <= '9';
        if (after_digit && (*p == 'K' || *p == 'k'))
            mult = 1e3;
        else if (after_digit && (*p == 'M' || *p == 'm') && !(p[1] >= 'a' && p[1] <= 'z'))
            mult = 1e6;
        else if (strncmp(p, "thousand", 8) == 0)
            mult = 1e3;
        else if (strncmp(p, "million", 7) == 0)
            mult = 1e6;
        else if (strncmp(p, "billion", 7) == 0)
            mult = 1e9;
    }
    if (in_dec && cur > decimals)
        decimals = cur;
    double unit = mult;
    for (int i = 0; i < decimals && i < 6; i++)
        unit /= 10;
    return unit / 2;
}

struct fx_span {
    double lo, hi; /* rates consistent with the written figure's rounding */
};

static void equivalent_bounds(const struct pb__mention *eq, const struct pb__mention *orig,
                              struct fx_span spans[2])
{
    double h = half_unit(eq->text);
    double el = major(eq->low, eq->currency), eh = major(eq->high, eq->currency);
    double ol = major(orig->low, orig->currency), oh = major(orig->high, orig->currency);
    spans[0].lo = (el - h) / ol;
    spans[0].hi = (el + h) / ol;
    spans[1].lo = (eh - h) / oh;
    spans[1].hi = (eh + h) / oh;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The agreement of every equivalent from -> to in the document, computed
 * once per pair. */
static pb_status pair_of(struct out *o, const char *from, const char *to,
                         const struct fx_pair **out_pair)
{
    for (size_t i = 0; i < o->npairs; i++)
        if (strcmp(o->pairs[i].from, from) == 0 && strcmp(o->pairs[i].to, to) == 0) {
            *out_pair = &o->pairs[i];
            return PB_OK;
        }
    const pb__facts *f = o->doc->facts;
    struct fx_pair pair;
    memset(&pair, 0, sizeof pair);
    memcpy(pair.from, from, strnlen(from, 3));
    memcpy(pair.to, to, strnlen(to, 3));
    pair.L = -1e300;
    pair.H = 1e300;
    double *rates = pb__malloc((2 * o->doc->claims.count + 2) * sizeof *rates);
    if (!rates)
        return PB_ERR_NOMEM;
    size_t m = 0;
    for (size_t i = 0; i < o->doc->claims.count; i++) {
        const struct pb__claim *k = &o->doc->claims.items[i];
        if (k->kind != PB__CLAIM_FX_EQUIV)
            continue;
        const struct pb__mention *e2 = &f->mentions.items[k->ref];
        const struct pb__mention *o2 = &f->mentions.items[e2->equivalent_of];
        if (strcmp(e2->currency, to) != 0 || strcmp(o2->currency, from) != 0 || o2->low <= 0 ||
            o2->high <= 0)
            continue; /* no rate is implied by converting zero */
        struct fx_span sp[2];
        equivalent_bounds(e2, o2, sp);
        for (int j = 0; j < 2; j++) {
            if (sp[j].lo > pair.L)
                pair.L = sp[j].lo;
            if (sp[j].hi < pair.H)
                pair.H = sp[j].hi;
        }
        double ol = major(o2->low, o2->currency), oh = major(o2->high, o2->currency);
        if (ol > 0)
            rates[m++] = major(e2->low, e2->currency) / ol;
        if (oh > 0)
            rates[m++] = major(e2->high, e2->currency) / oh;
        pair.n++;
    }
    qsort(rates, m, sizeof *rates, cmp_double);
    pair.median = m ? rates[m / 2] : 0;
    pb__free(rates);
    struct fx_pair *grown = pb__realloc(o->pairs, (o->npairs + 1) * sizeof *grown);
    if (!grown)
        return PB_ERR_NOMEM;
    o->pairs = grown;
    o->pairs[o->npairs] = pair;
    *out_pair = &o->pairs[o->npairs++];
    return PB_OK;
}

static pb_status check_equivalent(struct out *o, const struct pb__claim *c, pb__rate_fn rate,
                                  void *rate_ctx)
{
    const pb__facts *f = o->doc->facts;
    const struct pb__mention *eq = &f->mentions.items[c->ref];
    const struct pb__mention *orig = &f->mentions.items[eq->equivalent_of];
    char stated[96], computed[96], reason[768];
    pb__range_text(range(eq->low, eq->high, eq->currency), stated, sizeof stated);
    double el = major(eq->low, eq->currency), eh = major(eq->high, eq->currency);
    double ol = major(orig->low, orig->currency), oh = major(orig->high, orig->currency);
    if (ol <= 0 || oh <= 0)
        return emit(o, c, "fx-equivalent", stated, NULL, "unverifiable",
                    "the converted figure is zero", eq->currency, true, el, eh, false, 0, 0);
    double r_lo = el / ol, r_hi = eh / oh;
    if (r_lo > r_hi) {
        double t = r_lo;
        r_lo = r_hi;
        r_hi = t;
    }
    char implied[64];
    if (fabs(r_hi - r_lo) < 5e-5)
        snprintf(implied, sizeof implied, "%.4f", r_lo);
    else
        snprintf(implied, sizeof implied, "%.4f\xE2\x80\x93%.4f", r_lo, r_hi);
    const struct fx_pair *pair = NULL;
    pb_status pst = pair_of(o, orig->currency, eq->currency, &pair);
    if (pst != PB_OK)
        return pst;
    double L = pair->L, H = pair->H;
    size_t n = pair->n;
    struct fx_span mine[2];
    equivalent_bounds(eq, orig, mine);
    bool consistent = L <= H;
    bool self_ok = true;
    double doc_rate = consistent && n > 1 ? (L + H) / 2 : (r_lo + r_hi) / 2;
    char agree[256];
    if (n <= 1)
        snprintf(agree, sizeof agree, "the only %s\xE2\x86\x92%s equivalent in the document",
                 orig->currency, eq->currency);
    else if (consistent)
        snprintf(agree, sizeof agree,
                 "all %zu %s\xE2\x86\x92%s equivalents of the document agree on one rate "
                 "between %.4f and %.4f (allowing for rounding)",
                 n, orig->currency, eq->currency, L, H);
    else {
        double median = pair->median;
        doc_rate = median;
        for (int j = 0; j < 2; j++)
            if (median < mine[j].lo * 0.995 || median > mine[j].hi * 1.005)
                self_ok = false;
        snprintf(agree, sizeof agree,
                 "the document's %s\xE2\x86\x92%s equivalents imply different rates (median "
                 "%.4f)%s",
                 orig->currency, eq->currency, median,
                 self_ok ? "; this one agrees with the median" : "; this one does not");
    }
    const char *verdict = self_ok ? "ok" : "inconsistent";
    double c_lo = 0, c_hi = 0;
    bool has_c = false;
    double dated = 0;
    pb_date dated_on = PB_DATE_NONE;
    pb_date on = o->doc->facts->source.as_of != PB_DATE_NONE ? o->doc->facts->source.as_of
                                                             : o->as_of;
    if (rate && rate(rate_ctx, orig->currency, eq->currency, on, &dated, &dated_on) == PB_OK &&
        dated > 0) {
        c_lo = ol * dated;
        c_hi = oh * dated;
        has_c = true;
        pb_money_range cr;
        if (!range_d(c_lo, c_hi, eq->currency, &cr)) {
            char d[11];
            pb_date_format(dated_on, d);
            snprintf(reason, sizeof reason, "at the dated rate %.4f (%s) %s", dated, d,
                     OUT_OF_RANGE);
            return emit(o, c, "fx-equivalent", stated, NULL, "unverifiable", reason,
                        eq->currency, true, el, eh, false, 0, 0);
        }
        rounded_range_text(cr, computed, sizeof computed);
        bool agrees = within(el, c_lo, FX_TOLERANCE) && within(eh, c_hi, FX_TOLERANCE);
        char d[11];
        pb_date_format(dated_on, d);
        snprintf(reason, sizeof reason,
                 "implied rate %s %s per %s; at the dated rate %.4f (%s) the "
                 "figure is %s, %s (tolerance 2%%); %s",
                 implied, eq->currency, orig->currency, dated, d, computed,
                 agrees ? "which agrees" : "which does not agree", agree);
        if (!agrees && self_ok)
            verdict = "wrong";
    } else {
        c_lo = ol * doc_rate;
        c_hi = oh * doc_rate;
        has_c = true;
        pb_money_range cr;
        if (!range_d(c_lo, c_hi, eq->currency, &cr))
            return emit(o, c, "fx-equivalent", stated, NULL, "unverifiable", OUT_OF_RANGE,
                        eq->currency, true, el, eh, false, 0, 0);
        rounded_range_text(cr, computed, sizeof computed);
        snprintf(reason, sizeof reason,
                 "implied rate %s %s per %s; %s; no dated %s/%s rate in the "
                 "store to compare with",
                 implied, eq->currency, orig->currency, agree, orig->currency, eq->currency);
    }
    return emit(o, c, "fx-equivalent", stated, computed, verdict, reason, eq->currency, true, el,
                eh, has_c, c_lo, c_hi);
}

/* ---- sums --------------------------------------------------------------------------- */

static pb_status check_sum(struct out *o, const struct pb__claim *c)
{
    const char *cur = c->total.currency;
    double sum = 0;
    for (size_t i = 0; i < c->nparts; i++)
        sum += pb_money_major(c->parts[i]);
    double s = pb_money_major(c->total);
    char stated[48], computed[48], reason[256];
    pb__money_text(c->total, stated, sizeof stated);
    pb_money sm;
    if (!money_d(sum, cur, &sm))
        return emit(o, c, "sum", stated, NULL, "unverifiable", OUT_OF_RANGE, cur, true, s, s,
                    false, 0, 0);
    pb__money_text(sm, computed, sizeof computed);
    bool ok = within(s, sum, TOTAL_TOLERANCE);
    snprintf(reason, sizeof reason, "the parts add up to %s; the stated total is %s%s", computed,
             stated, ok ? " (within 1%)" : ", more than 1% away");
    return emit(o, c, "sum", stated, computed, ok ? "ok" : "wrong", reason, cur, true, s, s, true,
                sum, sum);
}

/* ---- asks and floors vs the band -------------------------------------------------------- */

/* The premiums of the guide that the target's strategy block states and that
 * apply to `component` ("base" or "equity"; a "total" premium applies to
 * both): their names and ranges in `why`, the sum of their high ends
 * returned (0 when none). */
static double stated_premium(const pb__facts *f, const struct pb__target *t,
                             const char *component, char *why, size_t cap)
{
    double high = 0;
    why[0] = '\0';
    for (size_t i = 0; t->premiums && i < f->premiums.count; i++) {
        const struct pb__premium *p = &f->premiums.items[i];
        if (!pb__name_listed(t->premiums, p->name) ||
            (strcmp(p->applies_to, component) != 0 && strcmp(p->applies_to, "total") != 0))
            continue;
        high += p->high_bp / 10000.0;
        size_t n = strlen(why);
        snprintf(why + n, cap - n, "%sthe %s premium (%g\xE2\x80\x93%g%% on %s, line %ld)",
                 n ? " and " : "", p->name, p->low_bp / 100.0, p->high_bp / 100.0, p->applies_to,
                 p->line);
    }
    return high;
}

/* A figure above its band is explained when the strategy block states a
 * premium on its component that reaches it: band top x (1 + the premiums'
 * high ends), within the 1% the totals get. Says so, or why not, in `part`. */
static bool explained(struct out *o, const struct pb__target *t, const char *component,
                      double figure, double top, char *part, size_t cap)
{
    char why[384];
    double high = stated_premium(o->doc->facts, t, component, why, sizeof why);
    size_t n = strlen(part);
    if (high <= 0)
        return false;
    bool ok = figure <= top * (1 + high) * (1 + TC_TOLERANCE);
    snprintf(part + n, cap - n, ok ? ", which %s stated with it explains"
                                   : ", more than %s stated with it explains",
             why);
    return ok;
}

static pb_status check_target(struct out *o, const struct pb__claim *c)
{
    const pb__facts *f = o->doc->facts;
    const struct pb__target *t = &f->targets.items[c->ref];
    const char *kind = strcmp(t->kind, "floor") == 0 ? "floor-in-band" : "ask-in-band";
    char stated[128] = "", computed[256] = "", reason[1536] = "";
    size_t matched = 0;
    bool outside = false;
    char tb[32] = "", te[32] = "";
    if (t->base >= 0)
        pb__money_text(money(t->base, t->currency), tb, sizeof tb);
    if (t->equity >= 0)
        pb__money_text(money(t->equity, t->currency), te, sizeof te);
    snprintf(stated, sizeof stated, "%s%s%s%s%s", tb, tb[0] ? " base" : "",
             (tb[0] && te[0]) ? ", " : "", te, te[0] ? " equity" : "");
    for (size_t i = 0; i < f->bands.count; i++) {
        const struct pb__band *b = &f->bands.items[i];
        if (strcmp(b->currency, t->currency) != 0 || strcmp(b->company, t->company) != 0 ||
            strcmp(b->role, t->role) != 0)
            continue;
        if (t->region && strcmp(t->region, b->region) != 0)
            continue;
        matched++;
        char part[1024] = "";
        if (t->base >= 0 && b->has_base) {
            char r[64];
            pb__range_text(range(b->base_low, b->base_high, b->currency), r, sizeof r);
            bool in = t->base >= b->base_low && t->base <= b->base_high;
            snprintf(part + strlen(part), sizeof part - strlen(part), "base %s %s %s", tb,
                     in ? "inside" : t->base < b->base_low ? "below" : "above", r);
            if (!in && t->base > b->base_high)
                in = explained(o, t, "base", major(t->base, t->currency),
                               major(b->base_high, b->currency), part, sizeof part);
            outside |= !in;
        }
        if (t->equity >= 0 && b->has_equity && b->vest_years > 0) {
            int ty = t->vest_years > 0 ? t->vest_years : b->vest_years;
            double per = major(t->equity, t->currency) / ty;
            double lo = major(b->equity_low, b->currency) / b->vest_years;
            double hi = major(b->equity_high, b->currency) / b->vest_years;
            char r[64];
            pb__range_text(range(b->equity_low, b->equity_high, b->currency), r, sizeof r);
            bool in = per >= lo - 1e-9 && per <= hi + 1e-9;
            snprintf(part + strlen(part), sizeof part - strlen(part), "%sequity %s %s %s",
                     part[0] ? ", " : "", te, in ? "inside" : per < lo ? "below" : "above", r);
            if (ty != b->vest_years)
                snprintf(part + strlen(part), sizeof part - strlen(part),
                         " (compared per year)");
            if (!in && per > hi)
                in = explained(o, t, "equity", per, hi, part, sizeof part);
            outside |= !in;
        }
        size_t n = strlen(reason);
        snprintf(reason + n, sizeof reason - n, "%s%s band (line %ld): %s", n ? "; " : "",
                 b->region, b->line, part[0] ? part : "no comparable figure");
        n = strlen(computed);
        char rb[64] = "", re[64] = "";
        if (b->has_base)
            pb__range_text(range(b->base_low, b->base_high, b->currency), rb, sizeof rb);
        if (b->has_equity)
            pb__range_text(range(b->equity_low, b->equity_high, b->currency), re, sizeof re);
        snprintf(computed + n, sizeof computed - n, "%s%s %s%s%s%s%s", n ? "; " : "", b->region,
                 rb, rb[0] ? " base" : "", (rb[0] && re[0]) ? ", " : "", re,
                 re[0] ? " equity" : "");
    }
    if (matched == 0) {
        snprintf(reason, sizeof reason, "the guide gives no %s band to compare the %s with",
                 t->currency, t->kind);
        return emit(o, c, kind, stated, NULL, "unverifiable", reason, t->currency, false, 0, 0,
                    false, 0, 0);
    }
    return emit(o, c, kind, stated, computed, outside ? "inconsistent" : "ok", reason,
                t->currency, false, 0, 0, false, 0, 0);
}

struct ordered {
    json_t *item;
    json_int_t line;
    size_t index;
};

static int cmp_ordered(const void *a, const void *b)
{
    const struct ordered *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

pb_status pb__check_claims(struct pb_document *doc, pb_date as_of, pb__rate_fn rate,
                           void *rate_ctx, json_t **findings)
{
    *findings = NULL;
    struct out o = {doc, as_of, json_array(), NULL, 0};
    if (!o.findings)
        return PB_ERR_NOMEM;
    pb_status st = PB_OK;
    for (size_t i = 0; i < doc->claims.count && st == PB_OK; i++) {
        const struct pb__claim *c = &doc->claims.items[i];
        switch (c->kind) {
        case PB__CLAIM_TOTAL_COMP:
            st = check_total_comp(&o, c);
            break;
        case PB__CLAIM_FRONT_MATTER:
            st = check_front_matter(&o, c);
            break;
        case PB__CLAIM_N_YEAR:
            st = check_n_year(&o, c);
            break;
        case PB__CLAIM_PERCENT_GAP:
            st = check_percent(&o, c);
            break;
        case PB__CLAIM_FX_EQUIV:
            st = check_equivalent(&o, c, rate, rate_ctx);
            break;
        case PB__CLAIM_SUM:
            st = check_sum(&o, c);
            break;
        case PB__CLAIM_TARGET:
            st = check_target(&o, c);
            break;
        }
    }
    if (st != PB_OK) {
        pb__free(o.pairs);
        json_decref(o.findings);
        return st;
    }
    pb__free(o.pairs);
    /* in document order (stable) */
    size_t n = json_array_size(o.findings);
    struct ordered *order = pb__malloc((n + 1) * sizeof *order);
    if (!order) {
        json_decref(o.findings);
        return PB_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        order[i].item = json_incref(json_array_get(o.findings, i));
        order[i].line = json_integer_value(json_object_get(order[i].item, "line"));
        order[i].index = i;
    }
    qsort(order, n, sizeof *order, cmp_ordered);
    json_array_clear(o.findings);
    for (size_t i = 0; i < n; i++)
        if (json_array_append_new(o.findings, order[i].item) != 0)
            st = PB_ERR_NOMEM;
    pb__free(order);
    if (st != PB_OK) {
        json_decref(o.findings);
        return st;
    }
    *findings = o.findings;
    return PB_OK;
}
