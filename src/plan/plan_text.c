/* plan_text.c — the plan's words: money in one compact style, percentages,
 * years, risk appetite, each rule of the ask and the floor written out with
 * its numbers, the sign-on's rule, and the scripts for each moment of the
 * negotiation. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "plan/plan_internal.h"

/* ---- money, percentages, years ------------------------------------------------ */

/* Money in the plan's words: always compact ("€105K", "$763.7K", "$1.03M"),
 * one style for every figure of prose, rules, scripts and evidence. Only
 * the comp table and the front matter (plan_render.c) write exact figures:
 * the other figures `payband check` reads back are either round (asks,
 * floors, sign-ons) or checked within 1% (N-year totals of offers). */
void pb__plan_mtext(int64_t minor, const char *cur, char *buf, size_t cap)
{
    pb_money_format_compact(pb__plan_money(minor, cur), buf, cap);
}

/* "one year", "four years". */
const char *pb__plan_years_word(int n)
{
    static const char *const words[] = {"zero years", "one year",   "two years", "three years",
                                        "four years", "five years", "six years", "seven years",
                                        "eight years", "nine years", "ten years"};
    return n >= 0 && n <= 10 ? words[n] : "many years";
}

/* "1 year", "4 years" (digits), in a buffer of the caller's. */
const char *pb__plan_years_num(int n, char buf[24])
{
    snprintf(buf, 24, "%d year%s", n, n == 1 ? "" : "s");
    return buf;
}

/* ---- rules written out -------------------------------------------------------- */

const char *pb__plan_appetite_word(struct pb__plan_ctx *c)
{
    const pb_profile *p = c->plan->profile;
    if (!p)
        return "medium";
    switch (p->appetite) {
    case PB__APPETITE_LOW: return "low";
    case PB__APPETITE_MEDIUM: return "medium";
    case PB__APPETITE_HIGH: return "high";
    default: return NULL;
    }
}

static void appetite_text(struct pb__plan_ctx *c, char *buf, size_t cap)
{
    const char *w = pb__plan_appetite_word(c);
    if (w)
        snprintf(buf, cap, "%s risk appetite", w);
    else
        snprintf(buf, cap, "risk aversion %g", c->gamma);
}

void pb__plan_fmt_pct(double v, char *buf, size_t cap)
{
    double r = round(v * 100.0) / 100.0;
    if (r == floor(r))
        snprintf(buf, cap, "%.0f%%", r);
    else if (r * 10 == floor(r * 10))
        snprintf(buf, cap, "%.1f%%", r);
    else
        snprintf(buf, cap, "%.2f%%", r);
}

/* "the leverage of Google L4 (Paris) (100%: €780K over 4 years against ...)" */
static void leverage_text(struct pb__plan_ctx *c, char *buf, size_t cap)
{
    const struct pb__rule_output *r = &c->rules;
    char lv[16], ct[48], mt[48], tt[48];
    pb__plan_fmt_pct(r->leverage * 100, lv, sizeof lv);
    if (r->best < 0) {
        snprintf(buf, cap, "no competing offer, so no leverage");
        return;
    }
    const struct pb__plan_competitor *k = &c->comps[r->best];
    pb__plan_mtext(k->total, c->cur, ct, sizeof ct);
    pb__plan_mtext(r->band_mid_total, c->cur, mt, sizeof mt);
    pb__plan_mtext(r->band_top_total, c->cur, tt, sizeof tt);
    snprintf(buf, cap,
             "the leverage of %s (%s: %s over %s against %s for the band's middle "
             "package and %s for its top)",
             k->label, lv, ct, pb__plan_years_num(c->years, (char[24]){0}), mt, tt);
}

/* Premium wording for a component, e.g. "+25% for agentic-ai (20–35%, midpoint)". */
static void premium_text(struct pb__plan_ctx *c, int component, bool ask, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (size_t i = 0; i < c->napplied; i++) {
        const struct pb__plan_premium *p = &c->premiums.items[c->applied[i]];
        int comp = pb__plan_component_of(p->applies_to);
        if (comp != component && comp != PB__COMP_TOTAL)
            continue;
        char lo[16], hi[16], used[16];
        pb__plan_fmt_pct(p->low_bp / 100.0, lo, sizeof lo);
        pb__plan_fmt_pct(p->high_bp / 100.0, hi, sizeof hi);
        pb__plan_fmt_pct(ask ? (p->low_bp + p->high_bp) / 200.0 : p->low_bp / 100.0, used,
                         sizeof used);
        size_t n = strlen(buf);
        /* no percentage right before the word "premium": a reader of the
         * plan must find the premium's range, not the part used */
        snprintf(buf + n, cap - n,
                 "%sthen the %s premium on %s, %.*s\xE2\x80\x93%s (%s line %ld), at its %s: +%s",
                 n ? ", " : "", p->name, p->applies_to, (int)(strlen(lo) - 1), lo, hi, p->source,
                 p->line, ask ? "midpoint" : "low end", used);
    }
}

char *pb__plan_figure_rule(struct pb__plan_ctx *c, const struct pb__rule_figure *f,
                           const int64_t range[2],
                         const char *what, bool ask, int component)
{
    char at[16], anchor[16], lo[48], hi[48], app[64], lev[512], prem[512], bp[48], half[16];
    char toward[64];
    pb__plan_fmt_pct(f->position_pct, at, sizeof at);
    pb__plan_fmt_pct(f->anchor_pct, anchor, sizeof anchor);
    pb__plan_mtext(range[0], c->cur, lo, sizeof lo);
    pb__plan_mtext(range[1], c->cur, hi, sizeof hi);
    appetite_text(c, app, sizeof app);
    leverage_text(c, lev, sizeof lev);
    premium_text(c, component, ask, prem, sizeof prem);
    pb__plan_mtext(f->before_premium, c->cur, bp, sizeof bp);
    pb__plan_fmt_pct(c->rules.leverage * 50.0, half, sizeof half);
    if (ask) {
        snprintf(toward, sizeof toward, "the band's top");
    } else {
        char a[16];
        pb__plan_fmt_pct(component == PB__COMP_BASE ? pb__anchor_ask_base(c->rules.tilt)
                                           : pb__anchor_ask_equity(c->rules.tilt),
                a, sizeof a);
        snprintf(toward, sizeof toward, "the ask's %s anchor", a);
    }
    char move[768];
    if (c->rules.leverage <= 0)
        snprintf(move, sizeof move, "not moved (%s)",
                 c->rules.best < 0 ? "no competing offer"
                                   : "no competing offer above the band's middle package");
    else
        snprintf(move, sizeof move, "raised %s of the way to %s by %s", half, toward, lev);
    char tail[768] = "";
    if (prem[0])
        snprintf(tail, sizeof tail, "; %s%s", prem,
                 f->above_band ? ", which takes it above the band" : "");
    if (f->raised_to_offer)
        snprintf(tail + strlen(tail), sizeof tail - strlen(tail),
                 "; raised to what the offer in hand already pays%s",
                 f->above_band ? ", which is above the band" : "");
    return pb__asprintf("%s at %s of the %s band %s\xE2\x80\x93%s (%s): the %s anchor for %s, "
                        "%s%s; rounded to the nearest thousand",
                        what, at, component == PB__COMP_BASE ? "base" : "equity", lo, hi, bp,
                        anchor, app, move, tail);
}

char *pb__plan_sign_on_rule(struct pb__plan_ctx *c)
{
    const struct pb__rule_output *r = &c->rules;
    if (r->best < 0)
        return pb__strdup("no competing offer, so no first-year gap to bridge");
    const struct pb__plan_competitor *k = &c->comps[r->best];
    char fc[48], ours[48], gap[48];
    pb__plan_mtext(k->first_cash, c->cur, fc, sizeof fc);
    pb__plan_mtext(r->ask_first_cash, c->cur, ours, sizeof ours);
    pb__plan_mtext(r->first_year_gap > 0 ? r->first_year_gap : 0, c->cur, gap, sizeof gap);
    if (r->sign_on <= 0)
        return pb__asprintf("none needed: %s pays %s in first-year cash, the ask pays %s",
                            k->label, fc, ours);
    if (r->sign_on_capped) {
        char cap[48];
        pb__plan_mtext(r->sign_on_cap, c->cur, cap, sizeof cap);
        return pb__asprintf("bridges the first-year cash gap to %s (%s in base, bonus and "
                            "sign-on against %s for the ask: %s) up to its cap of %d%% of the "
                            "ask's base, %s: the cap bites, and the rest of the gap is a matter "
                            "of base and level, not of a one-off payment",
                            k->label, fc, ours, gap, PB__SIGN_ON_CAP_PCT, cap);
    }
    return pb__asprintf("bridges the first-year cash gap to %s (%s in base, bonus and sign-on "
                        "against %s for the ask: %s), rounded up to the nearest 1K (under its "
                        "cap of %d%% of the ask's base)",
                        k->label, fc, ours, gap, PB__SIGN_ON_CAP_PCT);
}

/* ---- scripts ------------------------------------------------------------------ */

json_t *pb__plan_scripts(struct pb__plan_ctx *c)
{
    const struct pb__rule_output *r = &c->rules;
    const struct pb__bandrow *b = c->band;
    char ab[48], ae[48], so[48], fb[48], fe[48];
    pb__plan_mtext(r->ask_base.amount, c->cur, ab, sizeof ab);
    pb__plan_mtext(r->ask_equity.amount, c->cur, ae, sizeof ae);
    pb__plan_mtext(r->sign_on, c->cur, so, sizeof so);
    pb__plan_mtext(r->floor_base.amount, c->cur, fb, sizeof fb);
    pb__plan_mtext(r->floor_equity.amount, c->cur, fe, sizeof fe);
    bool eq = r->ask_equity.amount > 0;
    const pb_profile *p = c->plan->profile;
    char exp[96] = "";
    if (p && p->experience_years >= 0)
        snprintf(exp, sizeof exp, " and my %lld years of experience",
                 (long long)p->experience_years);
    char equity_part[160] = "", sign_part[96] = "", floor_eq[128] = "";
    if (eq)
        snprintf(equity_part, sizeof equity_part, ", an equity grant of %s over %s", ae,
                 pb__plan_years_num(b->vest_years, (char[24]){0}));
    if (r->sign_on > 0)
        snprintf(sign_part, sizeof sign_part, " and a %s signing bonus", so);
    if (eq)
        snprintf(floor_eq, sizeof floor_eq, " with a %s grant", fe);
    size_t held = 0;
    for (size_t i = 0; i < c->ncomps; i++)
        held += c->comps[i].held;
    json_t *arr = json_array();
    if (!arr)
        return NULL;
    struct {
        const char *moment;
        char *text;
    } items[4] = {
        {"opening",
         pb__asprintf("Thank you, I'm glad we got here and I want to make it work. Going by the "
                      "%s range for this role in %s%s, I'm asking for %s base%s%s.",
                      b->company_name, b->region, exp, ab, equity_part, sign_part)},
        {"when asked for a number first",
         pb__asprintf("I'd rather work from the range you have for the role. What I've seen "
                      "for %s in %s puts the role where my ask sits: %s base%s.",
                      b->role_name, b->region, ab, equity_part)},
        {"when the counter is below the floor",
         pb__asprintf("I appreciate the movement. I can't accept less than %s base%s; below "
                      "that %s, and I'd rather tell you now than walk away later.",
                      fb, floor_eq,
                      held > 1    ? "my other offers are the better choice"
                      : held == 1 ? "my other offer is the better choice"
                                  : "the package falls behind what the market pays for this "
                                    "role")},
        {"closing",
         pb__asprintf("If we can agree on %s base%s, I'm ready to sign this week.", ab,
                      eq ? " and the grant we discussed" : "")},
    };
    bool ok = true;
    for (size_t i = 0; i < 4; i++) {
        json_t *o = items[i].text ? json_pack("{s:s, s:s}", "moment", items[i].moment, "text",
                                              items[i].text)
                                  : NULL;
        if (!o || json_array_append_new(arr, o) != 0)
            ok = false;
        pb__free(items[i].text);
    }
    if (!ok) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}
