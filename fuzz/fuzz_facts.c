/* fuzz_facts.c — libFuzzer target for payband's facts format (the YAML of
 * the built-in dataset and of `payband import-facts`, src/store/dataset.c).
 *
 * Parses the input as a facts file. A failure must say why ("fuzz.yaml:…"
 * or "out of memory"). A success must keep what the reader promises: every
 * range low <= high, known currencies, positive finite rates, real dates,
 * lines >= 0 (0: not given), chains of two or more. Everything is freed.
 * (Writing the facts to a store is left to the unit tests: a store write per
 * input would cut the rate to a quarter.) */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "payband/money.h"
#include "store/dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void need(int ok)
{
    if (!ok)
        abort();
}

static void known_currency(const char *c)
{
    need(c && pb_currency_known(c));
}

static void real_date(pb_date d)
{
    char buf[11];
    pb_date back;
    if (d == PB_DATE_NONE)
        return;
    pb_date_format(d, buf);
    need(pb_date_parse(buf, &back) == PB_OK && back == d);
}

static void invariants(const pb__facts *f)
{
    need(f->source.key && f->source.key[0]);
    real_date(f->source.published);
    real_date(f->source.as_of);
    real_date(f->source.review_due);
    for (size_t i = 0; i < f->bands.count; i++) {
        const struct pb__band *b = &f->bands.items[i];
        need(b->company && b->role && b->region && b->line >= 0); /* 0: not given */
        known_currency(b->currency);
        need(!b->has_base || b->base_low <= b->base_high);
        need(!b->has_equity || (b->equity_low <= b->equity_high && b->vest_years > 0));
        need(!b->has_bonus || b->bonus_low_bp <= b->bonus_high_bp);
        need(!b->has_stated_tc || b->stated_tc_low <= b->stated_tc_high);
    }
    for (size_t i = 0; i < f->relative_bands.count; i++) {
        const struct pb__relative_band *r = &f->relative_bands.items[i];
        need(r->company && r->role && r->region && r->of_region);
        need(r->pct_low_bp <= r->pct_high_bp);
    }
    for (size_t i = 0; i < f->level_maps.count; i++) {
        const struct pb__level_map *m = &f->level_maps.items[i];
        need(m->count >= 2);
        for (size_t k = 0; k < m->count; k++)
            need(m->nodes[k].company && m->nodes[k].level);
    }
    for (size_t i = 0; i < f->fx.count; i++) {
        const struct pb__fx_fact *x = &f->fx.items[i];
        need(isfinite(x->rate) && x->rate > 0);
        need(pb_currency_known(x->base) && pb_currency_known(x->quote));
        real_date(x->date);
    }
    for (size_t i = 0; i < f->offers.count; i++)
        known_currency(f->offers.items[i].currency);
    for (size_t i = 0; i < f->premiums.count; i++)
        need(f->premiums.items[i].low_bp <= f->premiums.items[i].high_bp);
    for (size_t i = 0; i < f->mentions.count; i++) {
        const struct pb__mention *m = &f->mentions.items[i];
        known_currency(m->currency);
        need(m->low <= m->high);
    }
    for (size_t i = 0; i < f->percentages.count; i++)
        need(f->percentages.items[i].low_bp <= f->percentages.items[i].high_bp);
    for (size_t i = 0; i < f->company_facts.count; i++) {
        const struct pb__company_fact *c = &f->company_facts.items[i];
        need(c->company && c->stage);
        need(c->valuation < 0 || (c->currency && pb_currency_known(c->currency)));
        real_date(c->as_of);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pb__diag diag = {{0}};
    pb__facts *facts = NULL;
    pb_status st = pb__dataset_parse("fuzz.yaml", (const char *)data, size, &facts, &diag);
    if (st != PB_OK) {
        need(strncmp(diag.msg, "fuzz.yaml", 9) == 0 || strcmp(diag.msg, "out of memory") == 0);
        pb__facts_free(facts);
        return 0;
    }
    invariants(facts);
    pb__facts_free(facts);
    return 0;
}
