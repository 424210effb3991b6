/* plan_render.c — a plan (the JSON of pb_plan_build) as Markdown in the
 * shape of the negotiation guides payband reads: front matter, the title
 * line, the comp table, the level mapping, numbered bold levers, the
 * Negotiate Up Strategy block and Evidence & Sources; so `payband import`
 * reads a plan back and `payband check` finds its claims right. Layout and
 * wording rules: docs/plan.md, "Markdown output". */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "payband/money.h"
#include "plan/plan_internal.h"

/* Appends to the Markdown; a failure is remembered by the buffer and
 * reported once, at the end. */
__attribute__((format(printf, 2, 3))) static void put(pb__buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pb__buf_vprintf(b, fmt, ap);
    va_end(ap);
}

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static double num(json_t *o, const char *key)
{
    return json_number_value(json_object_get(o, key));
}

static bool has(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return v && !json_is_null(v);
}

/* Money from a JSON number of major units in the plan's one prose style,
 * compact ("€105K", "$1.03M"); see plan_build.c, mtext. */
static void money_text(double major, const char *cur, char *buf, size_t cap)
{
    pb_money_format_compact(pb_money_from_double(major, cur), buf, cap);
}

/* For the comp table, which `payband check` recomputes: compact when it
 * reads back exactly ("€105K"), else in full ("€153,750"). */
static void exact_text(double major, const char *cur, char *buf, size_t cap)
{
    pb_money m = pb_money_from_double(major, cur), back;
    pb_money_format_compact(m, buf, cap);
    const char *why = NULL;
    if (pb_money_parse(buf, strlen(buf), &back, NULL, &why) != PB_OK || back.minor != m.minor ||
        strcmp(back.currency, cur) != 0)
        pb_money_format_full(m, buf, cap);
}

static void mt(json_t *o, const char *key, const char *cur, char *buf, size_t cap)
{
    money_text(num(o, key), cur, buf, cap);
}

/* A simulated figure, to the nearest thousand ("~€747K"). */
static void mt_about(json_t *o, const char *key, const char *cur, char *buf, size_t cap)
{
    if (cap < 2)
        return;
    buf[0] = '~';
    pb_money_format_compact(pb_money_from_double(round(num(o, key) / 1000.0) * 1000.0, cur),
                            buf + 1, cap - 1);
}

/* "one year", "four years". */
static const char *years_word(int n)
{
    static const char *const words[] = {"zero years", "one year",   "two years", "three years",
                                        "four years", "five years", "six years", "seven years",
                                        "eight years", "nine years", "ten years"};
    return n >= 0 && n <= 10 ? words[n] : "many years";
}

/* A YAML double-quoted scalar. */
static void yq(pb__buf *b, const char *s)
{
    put(b, "\"");
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            put(b, "\\%c", *s);
        else
            put(b, "%c", *s);
    }
    put(b, "\"");
}

static void range_cell(pb__buf *b, json_t *band, const char *key, const char *cur)
{
    char lo_key[32], hi_key[32], lo[48], hi[48];
    snprintf(lo_key, sizeof lo_key, "%s_low", key);
    snprintf(hi_key, sizeof hi_key, "%s_high", key);
    if (!has(band, lo_key)) {
        put(b, "\xE2\x80\x94");
        return;
    }
    exact_text(num(band, lo_key), cur, lo, sizeof lo);
    exact_text(num(band, hi_key), cur, hi, sizeof hi);
    if (strcmp(lo, hi) == 0)
        put(b, "%s", lo);
    else
        put(b, "%s\xE2\x80\x93%s", lo, hi);
}

static void bonus_cell(pb__buf *b, json_t *band)
{
    if (!has(band, "bonus_pct_low")) {
        put(b, "\xE2\x80\x94");
        return;
    }
    char lo[16], hi[16];
    pb__plan_fmt_pct(num(band, "bonus_pct_low"), lo, sizeof lo);
    pb__plan_fmt_pct(num(band, "bonus_pct_high"), hi, sizeof hi);
    if (strcmp(lo, hi) == 0)
        put(b, "%s", lo);
    else
        put(b, "%.*s\xE2\x80\x93%s", (int)strlen(lo) - 1, lo, hi);
}

static void yaml_amount(pb__buf *b, const char *key, json_t *band, const char *jkey)
{
    if (has(band, jkey))
        put(b, "    %s: %.15g\n", key, num(band, jkey));
    else
        put(b, "    %s: null\n", key);
}

static void front_matter(pb__buf *b, json_t *p)
{
    json_t *band = json_object_get(p, "band");
    put(b, "---\ncompany: %s\ncompany_display: ", str(p, "company"));
    yq(b, str(p, "company_name"));
    put(b, "\nrole: %s\nrole_display: ", str(p, "role"));
    yq(b, str(p, "role_name"));
    put(b, "\nrole_type: plan\n");
    if (has(band, "as_of"))
        put(b, "last_updated: %s\n", str(band, "as_of"));
    if (has(band, "review_due"))
        put(b, "next_review_due: %s\n", str(band, "review_due"));
    put(b, "compensation:\n  - region: ");
    yq(b, str(band, "region"));
    put(b, "\n");
    yaml_amount(b, "base_low", band, "base_low");
    yaml_amount(b, "base_high", band, "base_high");
    yaml_amount(b, "stock_low", band, "equity_low");
    yaml_amount(b, "stock_high", band, "equity_high");
    if (has(band, "bonus_pct_low"))
        put(b, "    bonus_pct: \"%g\xE2\x80\x93%g%%\"\n", num(band, "bonus_pct_low"),
            num(band, "bonus_pct_high"));
    else
        put(b, "    bonus_pct: null\n");
    yaml_amount(b, "total_comp_low", band, "tc_low");
    yaml_amount(b, "total_comp_high", band, "tc_high");
    put(b, "    currency: %s\n", str(p, "currency"));
    json_t *sources = json_object_get(p, "sources");
    if (json_array_size(sources) > 0) {
        put(b, "data_sources:\n");
        size_t i;
        json_t *s;
        json_array_foreach(sources, i, s) {
            put(b, "  - ");
            yq(b, str(s, "key"));
            put(b, "\n");
        }
    }
    put(b, "---\n");
}

static void header(pb__buf *b, json_t *p)
{
    json_t *band = json_object_get(p, "band");
    const char *cur = str(p, "currency");
    put(b, "### %s | %s Negotiation Guide\n\n", str(p, "role_name"), str(p, "company_name"));
    json_t *risk = json_object_get(p, "risk");
    char risk_text[64];
    if (strcmp(str(risk, "appetite"), "number") == 0)
        snprintf(risk_text, sizeof risk_text, "risk aversion %g", num(risk, "risk_aversion"));
    else
        snprintf(risk_text, sizeof risk_text, "%s risk appetite", str(risk, "appetite"));
    put(b, "**Plan Summary:** a personal plan for %s, prepared by payband on %s from data as of "
           "%s",
        str(band, "region"), str(p, "generated"), str(band, "as_of"));
    if (json_is_true(json_object_get(band, "stale")))
        put(b, " (past its review date, %s: STALE)", str(band, "review_due"));
    else if (has(band, "review_due"))
        put(b, " (review due %s)", str(band, "review_due"));
    put(b, " | %s | horizon of %s\n\n", risk_text, years_word((int)num(p, "years")));

    int vest = has(band, "vest_years") ? (int)num(band, "vest_years") : 4;
    put(b, "| Region | Base Salary | Equity (grant/%dyr) | Bonus | Total Comp |\n", vest);
    put(b, "|--------|-------------|---------------------|-------|------------|\n");
    put(b, "| %s | ", str(band, "region"));
    range_cell(b, band, "base", cur);
    put(b, " | ");
    range_cell(b, band, "equity", cur);
    put(b, " | ");
    bonus_cell(b, band);
    put(b, " | ");
    range_cell(b, band, "tc", cur);
    put(b, " |\n\n");
    if (has(band, "fx")) {
        json_t *fx = json_object_get(band, "fx");
        put(b, "Figures converted from %s at 1 %s = %g %s (rate of %s, %s).\n\n",
            str(band, "original_currency"), str(fx, "from"), num(fx, "rate"), str(fx, "to"),
            str(fx, "date"), str(fx, "source"));
    }
    if (has(band, "relative_to")) {
        json_t *rel = json_object_get(band, "relative_to");
        put(b, "The %s band is derived from the %s band (%g\xE2\x80\x93%g%% of its base%s).\n\n",
            str(band, "region"), str(rel, "region"), num(rel, "pct_low"), num(rel, "pct_high"),
            json_is_true(json_object_get(rel, "equity_same")) ? ", the same equity grant" : "");
    }
    if (has(p, "level_mapping"))
        put(b, "**Level Mapping:** %s\n\n", str(p, "level_mapping"));
}

static void position_item(pb__buf *b, const char *what, json_t *pos, const char *cur,
                          const char *extra)
{
    if (!json_is_object(pos))
        return;
    char v[48], lo[48], hi[48], at[16];
    mt(pos, "amount", cur, v, sizeof v);
    mt(pos, "band_low", cur, lo, sizeof lo);
    mt(pos, "band_high", cur, hi, sizeof hi);
    pb__plan_fmt_pct(num(pos, "position_pct"), at, sizeof at);
    put(b, "- %s %s: %s the %s\xE2\x80\x93%s band, at %s of its range%s\n", what, v,
        str(pos, "where"), lo, hi, at, extra ? extra : "");
}

static void where_you_stand(pb__buf *b, json_t *p)
{
    const char *cur = str(p, "currency");
    json_t *offer = json_object_get(p, "offer");
    put(b, "**Where the Offer Sits**\n\n");
    if (!json_is_object(offer)) {
        put(b, "No offer in hand yet: the plan starts from the band.\n\n");
        return;
    }
    char total[48];
    mt(offer, "n_year_total", cur, total, sizeof total);
    put(b, "The offer in hand (%s) comes to %s across %s in payband's schedule.\n\n",
        str(offer, "name"), total, years_word((int)num(p, "years")));
    position_item(b, "Base", json_object_get(offer, "base"), cur, NULL);
    json_t *eq = json_object_get(offer, "equity");
    if (json_is_object(eq)) {
        char grant[48], extra[128] = "";
        mt(eq, "grant", cur, grant, sizeof grant);
        if (json_is_true(json_object_get(eq, "compared_per_year")))
            snprintf(extra, sizeof extra, " (a %s grant over %s, compared per year)", grant,
                     years_word((int)num(eq, "vest_years")));
        position_item(b, "Equity grant", eq, cur, extra);
    }
    json_t *bonus = json_object_get(offer, "bonus");
    if (json_is_object(bonus)) {
        char v[16], lo[16], hi[16], at[16];
        pb__plan_fmt_pct(num(bonus, "pct"), v, sizeof v);
        pb__plan_fmt_pct(num(bonus, "band_low_pct"), lo, sizeof lo);
        pb__plan_fmt_pct(num(bonus, "band_high_pct"), hi, sizeof hi);
        pb__plan_fmt_pct(num(bonus, "position_pct"), at, sizeof at);
        put(b, "- Bonus target %s: %s the %.*s\xE2\x80\x93%s band, at %s of its range\n", v,
            str(bonus, "where"), (int)strlen(lo) - 1, lo, hi, at);
    }
    position_item(b, "Annual total comp", json_object_get(offer, "tc"), cur, NULL);
    put(b, "\n");
}

static void competing_offers(pb__buf *b, json_t *p)
{
    const char *cur = str(p, "currency");
    int years = (int)num(p, "years");
    json_t *comps = json_object_get(p, "competing");
    put(b, "**Competing Offers**\n\n");
    if (json_array_size(comps) == 0) {
        put(b, "None on record for this role and region: the ask rests on the band alone.\n\n");
        return;
    }
    size_t i;
    json_t *k;
    json_array_foreach(comps, i, k) {
        char base[48], eq[48], total[48], y1[48];
        mt(k, "base", cur, base, sizeof base);
        mt(k, "n_year_total", cur, total, sizeof total);
        mt(k, "first_year_cash", cur, y1, sizeof y1);
        put(b, "- **%s** (%s %s): ", str(k, "name"),
            json_is_true(json_object_get(k, "held")) ? "your offer, from"
                                                     : "an offer the document reports, at",
            str(k, "from"));
        if (json_is_true(json_object_get(k, "simple"))) {
            mt(k, "equity_per_year", cur, eq, sizeof eq);
            put(b, "%s base and %s a year in equity, %s over %s with every year of base "
                   "counted",
                base, eq, total, years_word(years));
        } else {
            put(b, "%s base in the first year; payband's year-by-year schedule puts it at %s "
                   "across %s",
                base, total, years_word(years));
        }
        if (has(k, "stated_total")) {
            char stated[48];
            money_text(num(k, "stated_total"), str(k, "native_currency"), stated,
                       sizeof stated);
            if (fabs(num(k, "stated_total") - num(k, "n_year_total")) > 0.5 ||
                strcmp(str(k, "native_currency"), cur) != 0)
                put(b, " (the document's own figure for %s, %s, does not add up to this)",
                    years_word((int)num(k, "stated_years")), stated);
        }
        put(b, ". First-year cash: %s.", y1);
        json_t *as = json_object_get(k, "assumptions");
        size_t ai;
        json_t *a;
        json_array_foreach(as, ai, a) {
            const char *t = json_string_value(a);
            put(b, " Assumed: %s.", t ? t : "");
        }
        if (has(k, "fx")) {
            json_t *fx = json_object_get(k, "fx");
            put(b, " Converted at 1 %s = %g %s (%s, %s).", str(fx, "from"), num(fx, "rate"),
                str(fx, "to"), str(fx, "date"), str(fx, "source"));
        }
        json_t *v = json_object_get(k, "value");
        json_t *sim = json_object_get(v, "simulated");
        if (json_is_object(sim)) {
            char p50[48], p5[48], p95[48];
            mt_about(sim, "p50", cur, p50, sizeof p50);
            mt_about(sim, "p5", cur, p5, sizeof p5);
            mt_about(sim, "p95", cur, p95, sizeof p95);
            put(b, " Under uncertainty: median %s (5th to 95th percentile %s to %s)", p50, p5,
                p95);
            if (has(v, "certainty_equivalent")) {
                char ce[48];
                mt_about(v, "certainty_equivalent", cur, ce, sizeof ce);
                put(b, ", certainty equivalent %s", ce);
            }
            put(b, ".");
        }
        json_t *tv = json_object_get(k, "target_value");
        const char *target = strcmp(str(tv, "target"), "offer") == 0 ? "the offer in hand"
                                                                     : "the ask";
        if (has(tv, "p_beats"))
            put(b, " %s%s comes out ahead in %.0f%% of simulated outcomes.",
                target[0] == 't' ? "T" : "", target + 1, num(tv, "p_beats") * 100);
        json_t *be = json_object_get(k, "breakeven");
        if (json_is_object(be)) {
            char g[48], bb[48];
            mt(be, "equity_grant_at_face_value", cur, g, sizeof g);
            mt(be, "base_at_face_value", cur, bb, sizeof bb);
            put(b, " Break-even for %s at face value: a %s grant, or a %s base.", target, g, bb);
            json_t *med = json_object_get(be, "at_median");
            if (json_is_object(med)) {
                if (has(med, "equity_grant")) {
                    char mg[48];
                    mt_about(med, "equity_grant", cur, mg, sizeof mg);
                    put(b, " At the median outcome: a %s grant.", mg);
                } else if (has(med, "equity_note")) {
                    put(b, " At the median outcome no grant is enough (%s)", str(med, "equity_note"));
                    if (has(med, "base")) {
                        char mb[48];
                        mt_about(med, "base", cur, mb, sizeof mb);
                        put(b, "; a %s base would be", mb);
                    }
                    put(b, ".");
                }
            }
        }
        put(b, "\n");
    }
    put(b, "\n");
}

/* "- Base: €102K (inside the band, at 88.89% of its range). Rule: …" */
static void figure_item(pb__buf *b, const char *what, json_t *f, const char *cur)
{
    if (!json_is_object(f))
        return;
    char v[48], at[16];
    mt(f, "amount", cur, v, sizeof v);
    pb__plan_fmt_pct(num(f, "position_pct"), at, sizeof at);
    put(b, "- %s: %s (%s the band, at %s of its range). Rule: %s.\n", what, v, str(f, "where"),
        at, str(f, "rule"));
}

/* The premiums applied, each stated once with its range. */
static void premiums(pb__buf *b, json_t *p)
{
    json_t *ps = json_object_get(p, "premiums");
    if (json_array_size(ps) == 0)
        return;
    put(b, "**Premiums Applied**\n\n");
    size_t i;
    json_t *x;
    json_array_foreach(ps, i, x) {
        char lo[16], hi[16];
        pb__plan_fmt_pct(num(x, "low_pct"), lo, sizeof lo);
        pb__plan_fmt_pct(num(x, "high_pct"), hi, sizeof hi);
        put(b, "- %s: a %.*s\xE2\x80\x93%s premium on %s (%s line %d), claimed at line %d of the "
               "profile; the ask takes its midpoint, the floor its low end.\n",
            str(x, "name"), (int)strlen(lo) - 1, lo, hi, str(x, "applies_to"), str(x, "source"),
            (int)num(x, "line"), (int)num(x, "profile_line"));
    }
    put(b, "\n");
}

static void ask_and_floor(pb__buf *b, json_t *p)
{
    const char *cur = str(p, "currency");
    json_t *ask = json_object_get(p, "ask"), *floor = json_object_get(p, "floor");
    int vest = has(ask, "vest_years") ? (int)num(ask, "vest_years") : 4;
    char grant[64];
    snprintf(grant, sizeof grant, "Equity grant over %s", years_word(vest));
    put(b, "**The Ask**\n\n");
    figure_item(b, "Base", json_object_get(ask, "base"), cur);
    figure_item(b, grant, json_object_get(ask, "equity"), cur);
    json_t *so = json_object_get(ask, "sign_on");
    char s[48];
    mt(so, "amount", cur, s, sizeof s);
    put(b, "- Signing bonus: %s. Rule: %s.\n\n", num(so, "amount") > 0 ? s : "none",
        str(so, "rule"));
    put(b, "**The Accept-At Floor**\n\n");
    figure_item(b, "Base", json_object_get(floor, "base"), cur);
    figure_item(b, grant, json_object_get(floor, "equity"), cur);
    put(b, "- The floor needs no signing bonus; it is the package below which the plan says "
           "walk away.\n\n");
    json_t *lev = json_object_get(p, "leverage");
    char pct[16];
    pb__plan_fmt_pct(num(lev, "value"), pct, sizeof pct);
    put(b, "Risk appetite sets where in the band the ask and floor start; ");
    if (!has(lev, "best"))
        put(b, "no competing offer gives leverage");
    else
        put(b, "the best competing offer gives leverage %s", pct);
    if (has(lev, "best")) {
        char bt[48], mid[48], top[48];
        mt(lev, "best_total", cur, bt, sizeof bt);
        mt(lev, "band_mid_total", cur, mid, sizeof mid);
        mt(lev, "band_top_total", cur, top, sizeof top);
        put(b, " (%s: %s across %s, against %s for the band's middle package and %s for "
               "its top)",
            str(lev, "best"), bt, years_word((int)num(p, "years")), mid, top);
    }
    if (json_is_object(json_object_get(ask, "equity")))
        put(b, ". Equity is valued as %s", str(p, "equity_model"));
    put(b, ".\n\n");
}

static void levers(pb__buf *b, json_t *p)
{
    const char *cur = str(p, "currency");
    json_t *ls = json_object_get(p, "levers");
    put(b, "**Global Levers**\n\n");
    size_t i;
    json_t *l;
    json_array_foreach(ls, i, l) {
        put(b, "%zu. **%s:** \"%s\" Evidence: %s", i + 1, str(l, "title"), str(l, "script"),
            str(l, "evidence"));
        if (has(l, "strength")) {
            char s[48];
            mt(l, "strength", cur, s, sizeof s);
            put(b, "; strength %s across %s", s, years_word((int)num(p, "years")));
        }
        put(b, ".\n");
    }
    if (json_array_size(ls) == 0)
        put(b, "No lever found in the data for this plan.\n");
    put(b, "\n");
}

/* " (above the band: …)" after a figure above its band: the offer in hand,
 * or the premiums on its component by name ("the agentic-ai premium takes
 * it there"), so that `payband check` finds the premium stated with it. */
static void above_band(pb__buf *b, json_t *p, json_t *fig, const char *component)
{
    if (!json_is_true(json_object_get(fig, "above_band")))
        return;
    if (json_is_true(json_object_get(fig, "raised_to_offer"))) {
        put(b, " (above the band: the offer in hand already pays it)");
        return;
    }
    put(b, " (above the band: the ");
    size_t i, n = 0;
    json_t *x;
    json_t *ps = json_object_get(p, "premiums");
    json_array_foreach(ps, i, x) {
        const char *on = str(x, "applies_to");
        if (strcmp(on, component) == 0 || strcmp(on, "total") == 0)
            put(b, "%s%s", n++ ? " and " : "", str(x, "name"));
    }
    put(b, " premium%s take%s it there)", n > 1 ? "s" : "", n > 1 ? "" : "s");
}

static void strategy(pb__buf *b, json_t *p)
{
    const char *cur = str(p, "currency");
    json_t *ask = json_object_get(p, "ask"), *floor = json_object_get(p, "floor");
    int vest = has(ask, "vest_years") ? (int)num(ask, "vest_years") : 4;
    char ab[48], ae[48], so[48], fb[48], fe[48];
    mt(json_object_get(ask, "base"), "amount", cur, ab, sizeof ab);
    mt(json_object_get(floor, "base"), "amount", cur, fb, sizeof fb);
    json_t *aeq = json_object_get(ask, "equity"), *feq = json_object_get(floor, "equity");
    mt(json_object_get(ask, "sign_on"), "amount", cur, so, sizeof so);
    bool sign_on = num(json_object_get(ask, "sign_on"), "amount") > 0;
    put(b, "> **Negotiate Up Strategy:** \"Joining %s as %s in %s is my first choice, and "
           "I'd like a package that makes it an easy one.",
        str(p, "company_name"), str(p, "role_name"), str(json_object_get(p, "band"), "region"));
    put(b, " I'm asking for %s base", ab);
    above_band(b, p, json_object_get(ask, "base"), "base");
    if (json_is_object(aeq)) {
        mt(aeq, "amount", cur, ae, sizeof ae);
        put(b, " with %s equity over %s", ae, years_word(vest));
        above_band(b, p, aeq, "equity");
    }
    if (sign_on)
        put(b, " and a %s signing bonus", so);
    put(b, ".");
    json_t *comps = json_object_get(p, "competing");
    size_t i, held = 0, market = 0;
    json_t *k;
    int years = (int)num(p, "years");
    json_array_foreach(comps, i, k) {
        char base[48], eq[48], total[48];
        mt(k, "base", cur, base, sizeof base);
        mt(k, "n_year_total", cur, total, sizeof total);
        const char *company = str(k, "company_name");
        const char *level = str(k, "level");
        const char *region = str(k, "region");
        bool simple = json_is_true(json_object_get(k, "simple"));
        if (!json_is_true(json_object_get(k, "held"))) {
            /* an offer a document reports: market evidence, not the candidate's */
            put(b, " %s%s%s%s offers%s%s", market++ ? "" : "For comparison, ", company,
                level[0] ? " " : "", level, region[0] ? " in " : "", region);
            if (simple) {
                mt(k, "equity_per_year", cur, eq, sizeof eq);
                put(b, " run at %s base with %s/year RSUs, %s over %s.", base, eq, total,
                    years_word(years));
            } else {
                put(b, " come to %s across %s in payband's schedule.", total, years_word(years));
            }
            continue;
        }
        put(b, " %s has %soffered me %s%s%s%s", company, held++ == 0 ? "" : "also ",
            level[0] ? level : "the role", region[0] ? " in " : "", region, simple ? " at" : ",");
        if (simple) {
            mt(k, "equity_per_year", cur, eq, sizeof eq);
            put(b, " %s base with %s/year RSUs, %s over %s.", base, eq, total,
                years_word(years));
        } else {
            put(b, " worth %s across %s in its schedule.", total, years_word(years));
        }
    }
    put(b, " The accept-at floor I hold to is %s base", fb);
    above_band(b, p, json_object_get(floor, "base"), "base");
    if (json_is_object(feq)) {
        mt(feq, "amount", cur, fe, sizeof fe);
        put(b, " with %s equity over %s", fe, years_word(vest));
        above_band(b, p, feq, "equity");
    }
    put(b, ".");
    json_t *extra = json_object_get(p, "additional_asks");
    if (json_array_size(extra) > 0) {
        put(b, " Additional asks:");
        json_t *x;
        json_array_foreach(extra, i, x) put(b, "%s (%zu) %s", i ? "," : "", i + 1, str(x, "ask"));
        put(b, ".");
    }
    put(b, "\"\n\n");
    if (json_array_size(extra) > 0) {
        put(b, "**Why Each Additional Ask**\n\n");
        json_t *x;
        json_array_foreach(extra, i, x) put(b, "%zu. %s: %s.\n", i + 1, str(x, "ask"),
                                             str(x, "why"));
        put(b, "\n");
    }
}

static void scripts(pb__buf *b, json_t *p)
{
    json_t *ss = json_object_get(p, "scripts");
    put(b, "**Scripts**\n\n");
    size_t i;
    json_t *s;
    json_array_foreach(ss, i, s) {
        const char *m = str(s, "moment");
        put(b, "- *%c%s:* \"%s\"\n", toupper((unsigned char)m[0]), m[0] ? m + 1 : "",
            str(s, "text"));
    }
    put(b, "\n");
}

static void notes_and_sources(pb__buf *b, json_t *p)
{
    json_t *notes = json_object_get(p, "notes");
    json_t *prof = json_object_get(p, "profile");
    size_t i;
    json_t *n;
    if (json_array_size(notes) > 0 || json_is_object(prof)) {
        put(b, "**Notes**\n\n");
        if (json_is_object(prof))
            put(b, "- Profile: %s.\n", str(prof, "file"));
        json_array_foreach(notes, i, n) put(b, "- %s.\n", json_string_value(n));
        put(b, "\n");
    }
    put(b, "**Evidence & Sources**\n\n");
    json_t *sources = json_object_get(p, "sources");
    json_array_foreach(sources, i, n) {
        if (strcmp(str(n, "kind"), "file") == 0)
            put(b, "- %s (a file given to this plan)", str(n, "key"));
        else
            put(b, "- %s: %s", str(n, "key"), str(n, "title"));
        if (has(n, "as_of")) {
            put(b, " (%s, as of %s", str(n, "kind"), str(n, "as_of"));
            if (has(n, "review_due"))
                put(b, ", review due %s%s", str(n, "review_due"),
                    json_is_true(json_object_get(n, "stale")) ? ", STALE" : "");
            put(b, ")");
        }
        put(b, " \xE2\x80\x94 used for ");
        json_t *uses = json_object_get(n, "used_for");
        size_t k;
        json_t *u;
        json_array_foreach(uses, k, u) put(b, "%s%s", k ? ", " : "", json_string_value(u));
        put(b, "\n");
    }
    json_t *sim = json_object_get(p, "simulation");
    put(b, "- payband valuation: %d simulated outcomes per comparison, seed %s, risk aversion "
           "%g (docs/offers.md describes the model and its defaults)\n",
        (int)num(sim, "simulations"), str(sim, "seed"),
        num(json_object_get(p, "risk"), "risk_aversion"));
}

pb_status pb_plan_markdown(const json_t *plan_in, char **out)
{
    json_t *p = (json_t *)plan_in;
    *out = NULL;
    if (!json_is_object(p) || strcmp(str(p, "kind"), "plan") != 0)
        return PB_ERR_USAGE;
    pb__buf b = {0};
    front_matter(&b, p);
    header(&b, p);
    where_you_stand(&b, p);
    competing_offers(&b, p);
    premiums(&b, p);
    ask_and_floor(&b, p);
    levers(&b, p);
    strategy(&b, p);
    scripts(&b, p);
    notes_and_sources(&b, p);
    pb_status st = pb__buf_status(&b);
    *out = pb__buf_take(&b, NULL);
    return st;
}
