/* plan_inputs.c — what a plan is built from: the band (one level, the
 * preferred source), the premiums on record and the profile's skills that
 * match them, the competing offers (files, or the offers the band's document
 * names, made as values), their figures in the plan's currency, the offer in
 * hand placed against the band, and the rules' input (plan.c). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "offers/offer_internal.h"
#include "payband/offer.h"
#include "plan/plan_internal.h"
#include "store/store_internal.h"

/* ---- the band ----------------------------------------------------------------- */

/* Does a band's level match the one asked for? */
static bool level_is(const char *band_level, const char *level)
{
    return band_level && (strcasecmp(band_level, level) == 0 || pb__slug_match(band_level, level));
}

/* Distinct names in the order first seen (borrowed strings): "already
 * listed" is an exact match, so "L1" is not taken for "L10". */
typedef PB__LIST(const char *) name_list;

static pb_status name_add(struct pb__plan_ctx *c, name_list *l, const char *name)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i], name) == 0)
            return PB_OK;
    const char **slot = PB__PUSH(*l);
    if (!slot)
        return pb__plan_nomem(c);
    *slot = name;
    return PB_OK;
}

/* "a, b, c" (new; pb__free it), or NULL when out of memory. */
static char *name_join(const name_list *l)
{
    pb__buf b = {0};
    for (size_t i = 0; i < l->count; i++)
        pb__buf_printf(&b, "%s%s", i ? ", " : "", l->items[i]);
    return pb__buf_take(&b, NULL);
}

/* Prefer a band with equity, then the newest, then the first source key. */
static bool better_band(const struct pb__bandrow *a, const struct pb__bandrow *b)
{
    if (a->has_equity != b->has_equity)
        return a->has_equity;
    if (a->as_of != b->as_of)
        return a->as_of > b->as_of;
    return strcmp(a->source, b->source) < 0;
}

pb_status pb__plan_load_band(struct pb__plan_ctx *c)
{
    pb_plan *p = c->plan;
    pb_band_query q = {p->company, p->role, p->region, p->currency, c->as_of};
    pb_status st = pb__bandset_load(c->store, &q, &c->bands);
    if (st != PB_OK)
        return pb__diag_set(c->diag, st, NULL, 0, "%s", pb_store_errmsg(c->store));
    const struct pb__bandrow *best = NULL;
    size_t usable = 0, any_level = 0;
    name_list levels = {0}, others = {0};
    char *text = NULL;
    for (size_t i = 0; st == PB_OK && i < c->bands.count; i++) {
        const struct pb__bandrow *r = &c->bands.rows[i];
        if (!r->has_base || !r->currency)
            continue;
        any_level++;
        if (r->level)
            st = name_add(c, &levels, r->level);
        if (p->level && !level_is(r->level, p->level))
            continue;
        usable++;
        if (!best || better_band(r, best))
            best = r;
    }
    if (st != PB_OK)
        goto done;
    if (!best && p->level && any_level > 0) {
        if (!(text = name_join(&levels))) {
            st = pb__plan_nomem(c);
            goto done;
        }
        st = pb__diag_set(c->diag, PB_ERR_NOT_FOUND, NULL, 0,
                          "no band at level %s for %s / %s / %s (levels on record: %s)",
                          p->level, p->company, p->role, p->region, text[0] ? text : "none");
        goto done;
    }
    if (!best) {
        if (c->bands.count > 0)
            st = pb__diag_set(c->diag, PB_ERR_NOT_FOUND, NULL, 0,
                              "the band for %s / %s / %s has no base salary range to plan "
                              "from",
                              p->company, p->role, p->region);
        else
            st = pb__diag_set(c->diag, PB_ERR_NOT_FOUND, NULL, 0,
                              "no band for %s / %s / %s (see `payband bands`)", p->company,
                              p->role, p->region);
        goto done;
    }
    c->band = best;
    c->other_bands = usable - 1;
    memcpy(c->cur, best->currency, 4);
    int e = pb_currency_exponent(c->cur);
    c->unit = 1000;
    for (int i = 0; i < e; i++)
        c->unit *= 10;
    /* the levels of the other bands, when they differ from the one planned */
    for (size_t i = 0; st == PB_OK && !p->level && i < c->bands.count; i++) {
        const struct pb__bandrow *r = &c->bands.rows[i];
        if (r->has_base && r->currency && r->level && !level_is(best->level, r->level))
            st = name_add(c, &others, r->level);
    }
    if (st == PB_OK && !(text = name_join(&others)))
        st = pb__plan_nomem(c);
    if (st == PB_OK && c->other_bands > 0)
        st = pb__plan_note(c, "%zu other band%s on record for this role and region; the plan uses "
                     "the one%s%s from %s%s%s%s",
                  c->other_bands, c->other_bands == 1 ? " is" : "s are",
                  best->level ? " at level " : "", best->level ? best->level : "", best->source,
                  text[0] ? " (--level picks another: " : "", text, text[0] ? ")" : "");
    if (st == PB_OK)
        st = pb__plan_use_source(c, best->source, "band");
done:
    pb__free(text);
    pb__free(levels.items);
    pb__free(others.items);
    return st;
}

/* ---- premiums ----------------------------------------------------------------- */

static const char *PREMIUM_SQL =
    "SELECT p.name, p.applies_to, c.slug, r.slug, s.key, p.note, p.low_bp, p.high_bp, "
    "p.line, s.as_of FROM premium p LEFT JOIN company c ON c.id = p.company_id "
    "LEFT JOIN role r ON r.id = p.role_id JOIN source s ON s.id = p.source_id "
    "ORDER BY s.key, p.line NULLS FIRST, p.name";

/* Every premium: those of this company and role are the plan's, the others
 * are kept for their names (a skill is matched against all of them), so
 * the split is made here, not in SQL. */
pb_status pb__plan_load_premiums(struct pb__plan_ctx *c)
{
    pb__stmt *st = NULL;
    bool row = true;
    pb_status rc = pb__sql_prepare(pb__store_conn(c->store), PREMIUM_SQL, &st);
    while (rc == PB_OK && (rc = pb__sql_step(st, &row)) == PB_OK && row) {
        bool oom = false;
        struct pb__plan_premium p = {0};
        p.name = pb__sql_dup(st, 0, &oom);
        p.applies_to = pb__sql_dup(st, 1, &oom);
        p.company = pb__sql_dup(st, 2, &oom);
        p.role = pb__sql_dup(st, 3, &oom);
        p.source = pb__sql_dup(st, 4, &oom);
        p.note = pb__sql_dup(st, 5, &oom);
        p.low_bp = (int)pb__sql_int64(st, 6);
        p.high_bp = (int)pb__sql_int64(st, 7);
        p.line = (int)pb__sql_int64(st, 8);
        p.as_of = pb__sql_date(st, 9);
        bool known = p.as_of == PB_DATE_NONE || p.as_of <= c->as_of;
        bool mine = (!p.company || pb__slug_match(c->band->company, p.company)) &&
                    (!p.role || pb__slug_match(c->band->role, p.role));
        struct pb__plan_premium *slot = NULL;
        if (!oom && p.name && p.applies_to && known)
            slot = mine ? PB__PUSH(c->premiums) : PB__PUSH(c->all_names);
        if (oom || !p.name || !p.applies_to || (known && !slot)) {
            pb__plan_premium_free(&p);
            pb__sql_finalize(st);
            return pb__plan_nomem(c);
        }
        if (slot)
            *slot = p;
        else
            pb__plan_premium_free(&p);
    }
    pb__sql_finalize(st);
    return rc == PB_OK ? PB_OK : pb__plan_db_error(c, rc, "premiums");
}

/* The premium record a skill names for this company and role: the band's
 * own source first, then the newest. */
static struct pb__plan_premium *premium_for(struct pb__plan_ctx *c, const char *skill,
                                            size_t *index)
{
    struct pb__plan_premium *best = NULL;
    for (size_t i = 0; i < c->premiums.count; i++) {
        struct pb__plan_premium *p = &c->premiums.items[i];
        if (!pb__slug_match(skill, p->name))
            continue;
        bool own = strcmp(p->source, c->band->source) == 0;
        bool best_own = best && strcmp(best->source, c->band->source) == 0;
        if (!best || (own && !best_own) || (own == best_own && p->as_of > best->as_of)) {
            best = p;
            *index = i;
        }
    }
    return best;
}

pb_status pb__plan_resolve_skills(struct pb__plan_ctx *c)
{
    const pb_profile *prof = c->plan->profile;
    if (prof) {
        pb_status st = pb__plan_use_file(c, prof->file, "profile");
        if (st != PB_OK)
            return st;
    }
    for (size_t i = 0; prof && i < prof->nskills; i++) {
        const struct pb__skill *s = &prof->skills[i];
        size_t idx = 0;
        struct pb__plan_premium *p = premium_for(c, s->name, &idx);
        if (p) {
            if (c->napplied >= sizeof c->applied / sizeof c->applied[0])
                return pb__diag_set(c->diag, PB_ERR_RANGE, prof->file, s->line,
                                    "too many premium skills");
            c->applied[c->napplied] = idx;
            c->applied_line[c->napplied++] = s->line;
            pb_status st = pb__plan_use_source(c, p->source, "premium");
            if (st != PB_OK)
                return st;
            if (pb__slug_match("open-source-maintainer", p->name) &&
                prof->maintained_projects == 0) {
                st = pb__plan_note(c,
                          "the %s premium is claimed with no maintained projects in the profile "
                          "(%s:%ld)",
                          p->name, prof->file, s->line);
                if (st != PB_OK)
                    return st;
            }
            continue;
        }
        /* known elsewhere, or not at all */
        const struct pb__plan_premium *other = NULL;
        for (size_t k = 0; k < c->all_names.count && !other; k++)
            if (pb__slug_match(s->name, c->all_names.items[k].name))
                other = &c->all_names.items[k];
        if (other) {
            pb_status st =
                pb__plan_note(c,
                              "premium %s (%s:%ld) is on record only for %s%s%s, not for %s; "
                              "not applied",
                              other->name, prof->file, s->line,
                              other->company ? other->company : "", other->role ? " / " : "",
                              other->role ? other->role : "", c->band->role);
            if (st != PB_OK)
                return st;
            continue;
        }
        name_list known = {0};
        pb_status st = PB_OK;
        for (size_t k = 0; st == PB_OK && k < c->premiums.count + c->all_names.count; k++)
            st = name_add(c, &known, k < c->premiums.count
                                         ? c->premiums.items[k].name
                                         : c->all_names.items[k - c->premiums.count].name);
        char *text = st == PB_OK ? name_join(&known) : NULL;
        pb__free(known.items);
        if (!text)
            return pb__plan_nomem(c);
        st = pb__diag_set(c->diag, PB_ERR_NOT_FOUND, prof->file, s->line,
                          "unknown premium '%s' (premiums on record: %s)", s->name,
                          text[0] ? text : "none");
        pb__free(text);
        return st;
    }
    return PB_OK;
}

/* ---- competing offers --------------------------------------------------------- */

static const char *MENTION_SQL =
    "SELECT c.slug, c.display, r.slug, m.level, m.region, m.currency, m.base, "
    "m.equity_per_year, m.equity_grant, m.vest_years, m.sign_on, m.stated_total, "
    "m.stated_years, m.line, s.key FROM offer_mention m JOIN company c ON c.id = m.company_id "
    "LEFT JOIN role r ON r.id = m.role_id JOIN source s ON s.id = m.source_id "
    "WHERE s.key = ?1 AND c.slug <> ?2 ORDER BY m.line NULLS FIRST, m.id";

/* The display name the store gives a company ("Hugging Face"), else its
 * name as words ("Amazon" for "amazon"). */
static pb_status company_display(struct pb__plan_ctx *c, const char *company, char **out)
{
    *out = NULL;
    pb__stmt *st = NULL;
    char *slug = pb__slugify(company);
    if (!slug)
        return pb__plan_nomem(c);
    bool row = false;
    pb_status rc = pb__sql_prepare(pb__store_conn(c->store),
                                   "SELECT display FROM company WHERE slug = ?1", &st);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 1, slug);
    if (rc == PB_OK)
        rc = pb__sql_step(st, &row);
    if (rc != PB_OK) {
        rc = pb__plan_db_error(c, rc, "companies");
        goto done;
    }
    if (row && pb__sql_text(st, 0)) {
        if (!(*out = pb__strdup(pb__sql_text(st, 0))))
            rc = pb__plan_nomem(c);
        goto done;
    }
    /* a company the store does not know: its name as words, "Amazon" */
    if (!(*out = pb__strdup(company))) {
        rc = pb__plan_nomem(c);
        goto done;
    }
    for (char *p = *out; *p; p++) {
        if (*p == '-')
            *p = ' ';
        if (p == *out || p[-1] == ' ')
            *p = (char)toupper((unsigned char)*p);
    }
done:
    pb__sql_finalize(st);
    pb__free(slug);
    return rc;
}

static char *make_label(const char *company, const char *level, const char *region)
{
    return pb__asprintf("%s%s%s%s%s%s", company, level ? " " : "", level ? level : "",
                        region ? " (" : "", region ? region : "", region ? ")" : "");
}

/* An offer file for a mention: its figures, equity as listed RSUs at the
 * stated value vesting evenly (the documents present them so). */
static pb_status mention_offer(struct pb__plan_ctx *c, pb__stmt *st,
                               struct pb__plan_competitor *k)
{
    bool oom = false;
    char *slug = pb__sql_dup(st, 0, &oom);
    char *display = pb__sql_dup(st, 1, &oom);
    char *role = pb__sql_dup(st, 2, &oom);
    k->level = pb__sql_dup(st, 3, &oom);
    k->region = pb__sql_dup(st, 4, &oom);
    char *cur = pb__sql_dup(st, 5, &oom);
    int64_t base = pb__sql_int64(st, 6);
    bool per_year = !pb__sql_is_null(st, 7);
    int64_t eq_year = pb__sql_int64(st, 7);
    bool has_grant = !pb__sql_is_null(st, 8);
    int64_t grant = pb__sql_int64(st, 8);
    int vest = (int)pb__sql_int64(st, 9);
    int64_t sign_on = pb__sql_int64(st, 10);
    k->stated_total = pb__sql_is_null(st, 11) ? -1 : pb__sql_int64(st, 11);
    k->stated_years = (int)pb__sql_int64(st, 12);
    k->line = (long)pb__sql_int64(st, 13);
    k->source = pb__sql_dup(st, 14, &oom);
    pb_status rc = PB_OK;
    if (oom || !slug || !display || !cur || !k->source) {
        rc = pb__plan_nomem(c);
        goto done;
    }
    k->company_name = pb__strdup(display);
    k->label = make_label(display, k->level, k->region);
    k->from = pb__asprintf("%s:%ld", k->source, k->line);
    if (!k->company_name || !k->label || !k->from) {
        rc = pb__plan_nomem(c);
        goto done;
    }
    if (vest <= 0) {
        vest = c->band->vest_years > 0 ? c->band->vest_years : 4;
        k->assumed_vest = has_grant && !per_year;
    }
    int64_t value = has_grant ? grant : 0;
    if (per_year && (rc = pb__plan_scale(c, eq_year, vest, &value, "the equity grant",
                                         k->label)) != PB_OK)
        goto done;
    pb_offer_values v = {
        .name = k->label, .company = slug, .role = role, .level = k->level,
        .region = k->region, .currency = cur, .base_minor = base, .sign_on_minor = sign_on,
        .grant_kind = "public_rsu", .grant_value_minor = value, .vest_years = vest,
        .period_months = 12,
    };
    pb_offer *o = NULL;
    rc = pb_offer_new_from_values(k->from, &v, &o);
    if (rc == PB_OK && value > 0)
        o->facts.stage = "public";
    if (rc != PB_OK) {
        /* the offer's message starts with where it is mentioned */
        rc = pb__diag_set(c->diag, rc, NULL, 0, "offer mentioned at %s",
                          o ? pb_offer_errmsg(o) : pb_strerror(rc));
        pb_offer_free(o);
        goto done;
    }
    k->offer = o;
    k->owned = true;
done:
    pb__free(slug);
    pb__free(display);
    pb__free(role);
    pb__free(cur);
    return rc;
}

/* The competing offers the band's document names for this region (or for
 * no region, in the band's currency), other than the company's own. The
 * source and the company (stored slugs both) are said in SQL; the region is
 * written as the document wrote it, matched here by its slug, which SQL
 * cannot compute. */
pb_status pb__plan_load_mentions(struct pb__plan_ctx *c)
{
    pb__stmt *st = NULL;
    pb_status rc = pb__sql_prepare(pb__store_conn(c->store), MENTION_SQL, &st);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 1, c->band->source);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 2, c->band->company);
    if (rc != PB_OK) {
        pb__sql_finalize(st);
        return pb__plan_db_error(c, rc, "offers");
    }
    const char *native = c->band->converted ? c->band->original_currency : c->band->currency;
    bool row = true;
    while (rc == PB_OK && c->ncomps < PB__PLAN_MAX_COMPETING) {
        if ((rc = pb__sql_step(st, &row)) != PB_OK) {
            rc = pb__plan_db_error(c, rc, "offers");
            break;
        }
        if (!row)
            break;
        const char *company = pb__sql_text(st, 0);
        const char *region = pb__sql_text(st, 4);
        const char *cur = pb__sql_text(st, 5);
        if (!company || !cur)
            continue;
        if (region ? !pb__slug_match(c->band->region, region) : strcmp(cur, native) != 0)
            continue;
        struct pb__plan_competitor *k = &c->comps[c->ncomps];
        memset(k, 0, sizeof *k);
        rc = mention_offer(c, st, k);
        c->ncomps++;
        if (rc == PB_OK)
            rc = pb__plan_use_source(c, k->source, "competing offer");
    }
    pb__sql_finalize(st);
    return rc;
}

pb_status pb__plan_user_competitors(struct pb__plan_ctx *c)
{
    for (size_t i = 0; i < c->plan->ncompeting; i++) {
        struct pb__plan_competitor *k = &c->comps[c->ncomps++];
        memset(k, 0, sizeof *k);
        pb_offer *o = c->plan->competing[i];
        k->offer = o;
        k->held = true;
        k->stated_total = -1;
        pb_status st = company_display(c, pb_offer_company(o), &k->company_name);
        if (st != PB_OK)
            return st;
        if (o->region && !(k->region = pb__strdup(o->region)))
            return pb__plan_nomem(c);
        if (o->level && !(k->level = pb__strdup(o->level)))
            return pb__plan_nomem(c);
        k->label = k->company_name ? make_label(k->company_name, k->level, k->region) : NULL;
        k->from = pb__strdup(o->file ? o->file : pb_offer_name(o));
        if (!k->label || !k->from)
            return pb__plan_nomem(c);
        st = pb__plan_use_file(c, k->from, "competing offer");
        if (st != PB_OK)
            return st;
    }
    return PB_OK;
}

/* The quote from an offer's currency to the plan's, or none; `what` (the
 * offer's file, or the document line it stands at) starts the message when
 * there is no rate. */
static pb_status quote_for(struct pb__plan_ctx *c, const char *what, const char *from,
                           bool *converted,
                           pb_fx_quote *q)
{
    *converted = false;
    if (strcmp(from, c->cur) == 0)
        return PB_OK;
    pb_fx *fx = NULL;
    pb_status st = pb_store_fx(c->store, &fx);
    if (st != PB_OK)
        return pb__diag_set(c->diag, st, NULL, 0, "%s%sexchange rates: %s", what ? what : "",
                            what ? ": " : "", pb_store_errmsg(c->store));
    st = pb_fx_rate(fx, from, c->cur, c->as_of, q);
    if (st != PB_OK && st != PB_ERR_NO_RATE)
        return pb__diag_set(c->diag, st, NULL, 0, "%s%s%s", what ? what : "", what ? ": " : "",
                            pb_fx_errmsg(fx));
    if (st != PB_OK) {
        char day[11];
        pb_date_format(c->as_of, day);
        return pb__diag_set(c->diag, st, NULL, 0,
                            "%s%sno exchange rate from %s to %s on or before %s (import rates "
                            "with `payband rates import FILE`)",
                            what ? what : "", what ? ": " : "", from, c->cur, day);
    }
    *converted = true;
    return pb__plan_use_source(c, q->source, "exchange rate");
}

/* The amount `key` of a schedule (major units of the plan's currency). */
static pb_status jminor(struct pb__plan_ctx *c, json_t *o, const char *key, int64_t *out,
                        const char *whose)
{
    return pb__plan_of_major(c, json_number_value(json_object_get(o, key)), out, key, whose);
}

static pb_status schedule_of(struct pb__plan_ctx *c, pb_offer *o, bool converted,
                             const pb_fx_quote *q,
                             json_t **out)
{
    pb_schedule_options so = {.years = c->years, .quote = converted ? q : NULL};
    pb_status st = pb_offer_schedule(o, &so, out);
    if (st != PB_OK)
        return pb__diag_set(c->diag, st, NULL, 0, "%s", pb_offer_errmsg(o));
    return PB_OK;
}

pb_status pb__plan_competitor_figures(struct pb__plan_ctx *c, struct pb__plan_competitor *k)
{
    pb_offer *o = k->offer;
    pb_status st = quote_for(c, k->from, o->currency, &k->converted, &k->quote);
    json_t *sch = NULL;
    if (st == PB_OK)
        st = schedule_of(c, o, k->converted, &k->quote, &sch);
    if (st != PB_OK)
        return st;
    const char *who = k->label;
    json_t *rows = json_object_get(sch, "schedule");
    json_t *y1 = json_array_get(rows, 0);
    int64_t sign1 = 0, eq1 = 0;
    st = jminor(c, sch, "total", &k->total, who);
    if (st == PB_OK)
        st = jminor(c, sch, "first_year_total", &k->first_total, who);
    if (st == PB_OK)
        st = jminor(c, y1, "base", &k->base1, who);
    if (st == PB_OK)
        st = jminor(c, y1, "bonus", &k->bonus1, who);
    if (st == PB_OK)
        st = jminor(c, y1, "sign_on", &sign1, who);
    if (st == PB_OK)
        st = jminor(c, sch, "sign_on_total", &k->sign_on_total, who);
    if (st == PB_OK)
        st = jminor(c, y1, "equity_total", &eq1, who);
    if (st == PB_OK)
        st = pb__plan_add(c, k->base1, k->bonus1, &k->first_cash, "the first-year cash", who);
    if (st == PB_OK)
        st = pb__plan_add(c, k->first_cash, sign1, &k->first_cash, "the first-year cash", who);
    k->has_bonus = o->bonus_target_pct > 0;
    k->has_sign_on = k->sign_on_total > 0;
    /* simple: every year pays the same base and the same equity, nothing else */
    bool simple = !k->has_bonus && !k->has_sign_on && o->raise_pct == 0;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        int64_t base = 0, eq = 0;
        if (st == PB_OK)
            st = jminor(c, r, "base", &base, who);
        if (st == PB_OK)
            st = jminor(c, r, "equity_total", &eq, who);
        if (base != k->base1 || eq != eq1)
            simple = false;
    }
    for (size_t g = 0; g < o->ngrants; g++)
        if (o->grants[g].kind == PB__OPTION)
            k->has_options = true;
    int64_t per_year = 0, n_years = 0;
    char what[64];
    snprintf(what, sizeof what, "the %d-year total", c->years);
    if (st == PB_OK)
        st = pb__plan_add(c, k->base1, eq1, &per_year, "the first year's base and equity", who);
    if (st == PB_OK)
        st = pb__plan_scale(c, per_year, c->years, &n_years, what, who);
    k->simple = simple && !k->has_options && eq1 > 0 && k->total == n_years;
    k->equity_year = eq1;
    json_decref(sch);
    return st;
}

/* Does the level mapping make the competitor's company and level (or role)
 * directly equivalent to the planned role? */
static bool mapped_equivalent(json_t *levels, const struct pb__plan_competitor *k)
{
    const char *company = pb_offer_company(k->offer);
    const char *role = k->offer->role;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(levels, "equivalents"), i, e) {
        if (json_integer_value(json_object_get(e, "hops")) != 1)
            continue;
        const char *ec = json_string_value(json_object_get(e, "company"));
        const char *el = json_string_value(json_object_get(e, "level"));
        const char *er = json_string_value(json_object_get(e, "role"));
        if (!ec || !company || !pb__slug_match(ec, company))
            continue;
        /* "Google L4" by level; "Mistral AI ML Engineer" names a role as its level */
        if ((el && k->level && strcasecmp(el, k->level) == 0) ||
            (er && role && pb__slug_match(er, role)) || (el && role && pb__slug_match(el, role)))
            return true;
    }
    return false;
}

/* A competing offer from another region, or for another role that the level
 * mapping does not make equivalent, comes from another market: the plan
 * says so in its notes and in the offer's lever. */
pb_status pb__plan_other_markets(struct pb__plan_ctx *c, json_t *levels)
{
    const struct pb__bandrow *b = c->band;
    for (size_t i = 0; i < c->ncomps; i++) {
        struct pb__plan_competitor *k = &c->comps[i];
        const char *role = k->offer->role;
        bool region = k->region && !pb__slug_match(k->region, b->region);
        bool other_role = role && !pb__slug_match(role, b->role) && !mapped_equivalent(levels, k);
        if (!region && !other_role)
            continue;
        if (region && other_role)
            k->other_market = pb__asprintf("an offer for %s in %s, not for %s in %s", role,
                                           k->region, b->role, b->region);
        else if (region)
            k->other_market = pb__asprintf("an offer in %s, not in %s", k->region, b->region);
        else
            k->other_market = pb__asprintf("an offer for %s, not for %s (the level mapping on "
                                           "record does not make it equivalent)",
                                           role, b->role);
        if (!k->other_market)
            return pb__plan_nomem(c);
        pb_status st = pb__plan_note(c,
                            "%s is %s: its figures come from another market, so the leverage "
                            "and first-year gap it gives overstate or understate what this role "
                            "pays in %s",
                            k->label, k->other_market, b->region);
        if (st != PB_OK)
            return st;
    }
    return PB_OK;
}

/* ---- the offer in hand -------------------------------------------------------- */

pb_status pb__plan_offer_in_hand(struct pb__plan_ctx *c)
{
    pb_offer *o = c->plan->offer;
    if (!o)
        return PB_OK;
    c->has_offer = true;
    pb_status st = pb__plan_use_file(c, o->file ? o->file : pb_offer_name(o), "offer in hand");
    if (st == PB_OK)
        st = quote_for(c, o->file ? o->file : pb_offer_name(o), o->currency, &c->offer_converted,
                       &c->offer_quote);
    json_t *sch = NULL;
    if (st == PB_OK)
        st = schedule_of(c, o, c->offer_converted, &c->offer_quote, &sch);
    if (st != PB_OK)
        return st;
    const char *who = "the offer in hand";
    double rate = c->offer_converted ? c->offer_quote.rate : 1.0;
    st = pb__plan_of_major(c, pb__plan_major_of(o->base_minor, o->currency) * rate,
                           &c->offer_base, "the base",
                    who);
    if (st == PB_OK)
        st = jminor(c, sch, "total", &c->offer_total, who);
    if (st == PB_OK)
        st = jminor(c, sch, "annualised_total", &c->offer_annual, who);
    json_decref(sch);
    c->offer_has_bonus = o->bonus_target_pct > 0;
    c->offer_bonus_bp = (int32_t)llround(o->bonus_target_pct * 100.0);
    int64_t grant = 0;
    int vest = 0;
    for (size_t g = 0; st == PB_OK && g < o->ngrants; g++) {
        const pb__grant *gr = &o->grants[g];
        if (gr->refresh)
            continue;
        const char *basis;
        bool counts;
        int64_t v = pb__grant_value(o, gr, &basis, &counts);
        if (counts && v > 0)
            st = pb__plan_add(c, grant, v, &grant, "the total of the equity grants", who);
        if (gr->vest.years > vest)
            vest = gr->vest.years;
    }
    if (st == PB_OK)
        st = pb__plan_of_major(c, pb__plan_major_of(grant, o->currency) * rate, &c->offer_grant,
                        "the total of the equity grants", who);
    c->offer_vest = vest;
    /* the grant over the band's vesting years, when they differ */
    int bv = c->band->vest_years;
    c->offer_equity_band = c->offer_grant;
    if (st == PB_OK && vest > 0 && bv > 0)
        st = pb__plan_round(c, (double)c->offer_grant * bv / vest, &c->offer_equity_band,
                     "the equity grant over the band's vesting", who);
    if (st != PB_OK)
        return st;
    if (pb_offer_company(o) && !pb__slug_match(pb_offer_company(o), c->band->company))
        st = pb__plan_note(c, "the offer in hand names company '%s', not %s", pb_offer_company(o),
                  c->band->company);
    return st;
}

/* ---- rules -------------------------------------------------------------------- */

int pb__plan_component_of(const char *applies_to)
{
    if (strcmp(applies_to, "base") == 0)
        return PB__COMP_BASE;
    if (strcmp(applies_to, "equity") == 0)
        return PB__COMP_EQUITY;
    return PB__COMP_TOTAL;
}

/* "the ask's N-year total" with the horizon: "the ask's 4-year total". */
static pb_status rules_out_of_range(struct pb__plan_ctx *c, const char *what)
{
    char name[160];
    const char *n = strstr(what, "N-year");
    if (n)
        snprintf(name, sizeof name, "%.*s%d-year%s", (int)(n - what), what, c->years, n + 6);
    else
        snprintf(name, sizeof name, "%s", what);
    return pb__plan_out_of_range(c, name, NULL);
}

pb_status pb__plan_run_rules(struct pb__plan_ctx *c)
{
    const struct pb__bandrow *b = c->band;
    struct pb__rule_premium prems[16];
    struct pb__rule_competitor comps[PB__PLAN_MAX_COMPETING];
    for (size_t i = 0; i < c->napplied; i++) {
        const struct pb__plan_premium *p = &c->premiums.items[c->applied[i]];
        prems[i] = (struct pb__rule_premium){pb__plan_component_of(p->applies_to), p->low_bp,
                                             p->high_bp};
    }
    for (size_t i = 0; i < c->ncomps; i++)
        comps[i] = (struct pb__rule_competitor){c->comps[i].total, c->comps[i].first_cash};
    struct pb__rule_input in = {
        .base = {b->base[0], b->base[1]},
        .has_equity = b->has_equity && b->vest_years > 0,
        .equity = {b->equity[0], b->equity[1]},
        .vest_years = b->vest_years,
        .bonus_bp = {b->has_bonus ? b->bonus_bp[0] : 0, b->has_bonus ? b->bonus_bp[1] : 0},
        .years = c->years,
        .risk_aversion = c->gamma,
        .premiums = prems,
        .npremiums = c->napplied,
        .competitors = comps,
        .ncompetitors = c->ncomps,
        .has_offer = c->has_offer,
        .offer_base = c->offer_base,
        .offer_equity = c->offer_equity_band,
        .offer_has_bonus = c->offer_has_bonus,
        .offer_bonus_bp = c->offer_bonus_bp,
        .unit = c->unit,
    };
    if (pb__plan_rules(&in, &c->rules) != PB_OK)
        return rules_out_of_range(c, c->rules.overflow);
    return PB_OK;
}
