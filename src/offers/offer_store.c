/* offer_store.c — company facts for an offer from the store: the latest
 * stage, last-round valuation and volatility the store holds about the
 * offer's company, applied where the offer file is silent. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "offers/offer_internal.h"
#include "payband/date.h"
#include "payband/money.h"
#include "store/store_internal.h"

pb_status pb_offer_use_store_facts(pb_offer *offer, pb_store *store, pb_date as_of, int *applied,
                                   char *note, size_t cap)
{
    struct pb__stored_company_facts sf;
    if (applied)
        *applied = 0;
    if (note && cap)
        note[0] = '\0';
    if (!offer->company_slug)
        return PB_OK;
    pb_status st = pb__store_company_facts(store, offer->company_slug, &sf);
    if (st == PB_ERR_NOT_FOUND)
        return PB_OK;
    if (st != PB_OK)
        return pb__diag_set(&offer->diag, st, NULL, 0, "company facts: %s",
                            pb_store_errmsg(store));
    double valuation = NAN;
    if (sf.has_valuation) {
        if (strcmp(sf.valuation.currency, offer->currency) == 0) {
            valuation = pb_money_major(sf.valuation);
        } else {
            pb_fx *fx = NULL;
            pb_money converted;
            pb_fx_quote quote;
            if (pb_store_fx(store, &fx) == PB_OK &&
                pb_fx_convert(fx, sf.valuation, offer->currency,
                              as_of == PB_DATE_NONE ? pb_date_today() : as_of, &converted,
                              &quote) == PB_OK)
                valuation = pb_money_major(converted);
            else if (note && cap)
                snprintf(note, cap,
                         "%s: the store's %s valuation of %s is not used: no %s to %s rate",
                         offer->name, sf.valuation.currency, offer->company_slug,
                         sf.valuation.currency, offer->currency);
        }
    }
    char source[160];
    snprintf(source, sizeof source, "store (%s)", sf.source);
    pb_company_facts facts = {
        .stage = sf.stage[0] ? sf.stage : NULL,
        .valuation = valuation,
        .volatility_pct = sf.volatility_pct,
        .source = source,
    };
    st = pb_offer_set_company_facts(offer, &facts);
    pb__store_company_facts_release(&sf);
    if (st == PB_OK && applied)
        *applied = offer->facts.stage_applied || offer->facts.valuation_applied ||
                   offer->facts.volatility_applied;
    return st;
}
