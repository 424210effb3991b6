/* offer_store.c — company facts for an offer from the store: the latest
 * stage, last-round valuation and volatility the store holds about the
 * offer's company, applied where the offer file is silent. A valuation in
 * another currency is converted at the store's rate; only a missing rate
 * skips it with a note, any other failure is an error. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "offers/offer_internal.h"
#include "payband/date.h"
#include "payband/money.h"
#include "store/store_internal.h"

pb_status pb_offer_use_store_facts(pb_offer *offer, pb_store *store, int *applied, char *note,
                                   size_t cap)
{
    return pb_offer_use_store_facts_on(offer, store, PB_DATE_NONE, applied, note, cap);
}

pb_status pb_offer_use_store_facts_on(pb_offer *offer, pb_store *store, pb_date as_of,
                                      int *applied, char *note, size_t cap)
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
            /* Only a missing rate skips the valuation (with a note); a
             * failure to read the rates is an error. */
            pb_date on = as_of == PB_DATE_NONE ? pb_date_today() : as_of;
            pb_fx *fx = NULL;
            pb_money converted;
            st = pb_store_fx(store, &fx);
            if (st != PB_OK) {
                pb__diag_set(&offer->diag, st, NULL, 0, "exchange rates: %s",
                             pb_store_errmsg(store));
                goto done;
            }
            st = pb_fx_convert(fx, sf.valuation, offer->currency, on, &converted, NULL);
            if (st == PB_OK) {
                valuation = pb_money_major(converted);
            } else if (st == PB_ERR_NO_RATE) {
                st = PB_OK;
                if (note && cap) {
                    char day[11];
                    pb_date_format(on, day);
                    snprintf(note, cap,
                             "%s: the store's %s valuation of %s is not used: no %s to %s rate "
                             "on or before %s",
                             offer->name, sf.valuation.currency, offer->company_slug,
                             sf.valuation.currency, offer->currency, day);
                }
            } else {
                pb__diag_set(&offer->diag, st, NULL, 0, "%s's valuation: %s",
                             offer->company_slug, pb_fx_errmsg(fx));
                goto done;
            }
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
    if (st == PB_OK && applied)
        *applied = offer->facts.stage_applied || offer->facts.valuation_applied ||
                   offer->facts.volatility_applied;
done:
    pb__store_company_facts_release(&sf);
    return st;
}
