/* compare.c — the offer and compare results as the surfaces give them: the
 * rates and company facts from the store gathered around pb_offer_schedule
 * and pb_valuation_run, so that the command line and the server print the
 * same JSON for the same offers. */
#include <stdio.h>
#include <string.h>

#include "core/diag.h"
#include "offers/offer_internal.h"
#include "payband/compare.h"
#include "payband/date.h"
#include "payband/money.h"

/* The rate from `from` to `to` as of today, from the store. */
static pb_status store_quote(pb_store *store, const char *from, const char *to,
                             pb_fx_quote *quote, pb__diag *diag)
{
    if (!store)
        return pb__diag_set(diag, PB_ERR_USAGE, NULL, 0,
                            "converting %s to %s needs the store's exchange rates", from, to);
    pb_fx *fx = NULL;
    pb_status st = pb_store_fx(store, &fx);
    if (st != PB_OK)
        return pb__diag_set(diag, st, NULL, 0, "cannot read exchange rates: %s",
                            pb_store_errmsg(store));
    pb_date today = pb_date_today();
    st = pb_fx_rate(fx, from, to, today, quote);
    if (st == PB_ERR_NOMEM)
        return pb__diag_set(diag, st, NULL, 0, "out of memory");
    if (st != PB_OK) {
        char day[11];
        pb_date_format(today, day);
        return pb__diag_set(diag, PB_ERR_NO_RATE, NULL, 0,
                            "no exchange rate from %s to %s on or before %s in the database "
                            "(import rates with `payband rates import FILE`)",
                            from, to, day);
    }
    return PB_OK;
}

pb_status pb_offer_schedule_in(pb_offer *offer, pb_store *store, const char *currency,
                               const pb_schedule_options *options, json_t **out)
{
    pb_schedule_options opt = {0};
    if (options)
        opt = *options;
    pb_fx_quote quote;
    if (currency && !pb_currency_known(currency))
        return pb__diag_set(&offer->diag, PB_ERR_CURRENCY, NULL, 0, "unknown currency '%s'",
                            currency);
    if (currency && strcmp(currency, pb_offer_currency(offer)) != 0) {
        pb_status st = store_quote(store, pb_offer_currency(offer), currency, &quote,
                                   &offer->diag);
        if (st != PB_OK)
            return st;
        opt.quote = &quote;
    }
    return pb_offer_schedule(offer, &opt, out);
}

/* Give offers that share a name distinct names: p_beats is keyed by them. */
static pb_status distinct_names(pb_offer *const *offers, size_t n, pb__diag *diag)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(pb_offer_name(offers[i]), pb_offer_name(offers[j])) == 0) {
                char name[160];
                snprintf(name, sizeof name, "%s#%zu", pb_offer_name(offers[i]), i + 1);
                if (pb_offer_set_name(offers[i], name) != PB_OK)
                    return pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
                break;
            }
    return PB_OK;
}

pb_status pb_compare_offers(pb_valuation *v, pb_offer *const *offers, size_t n,
                            const char *currency, pb_store *store, json_t **notes,
                            json_t **out)
{
    pb__diag *diag = pb__valuation_diag(v);
    json_t *said = NULL;
    pb_status st = PB_OK;
    if (notes)
        *notes = NULL;
    if (n < 1 || n > PB_COMPARE_MAX_OFFERS)
        return pb__diag_set(diag, PB_ERR_USAGE, NULL, 0, "compare takes 1 to %d offers, not %zu",
                            PB_COMPARE_MAX_OFFERS, n);
    if (currency && !pb_currency_known(currency))
        return pb__diag_set(diag, PB_ERR_CURRENCY, NULL, 0, "unknown currency '%s'", currency);
    if ((st = distinct_names(offers, n, diag)) != PB_OK)
        return st;
    const char *target = currency ? currency : pb_offer_currency(offers[0]);
    if ((st = pb_valuation_set_currency(v, target)) != PB_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        const char *from = pb_offer_currency(offers[i]);
        bool have = strcmp(from, target) == 0;
        for (size_t j = 0; !have && j < i; j++)
            have = strcmp(pb_offer_currency(offers[j]), from) == 0;
        if (have)
            continue;
        pb_fx_quote quote;
        if ((st = store_quote(store, from, target, &quote, diag)) != PB_OK ||
            (st = pb_valuation_add_rate(v, &quote)) != PB_OK)
            return st;
    }
    if (notes && !(said = json_array()))
        return pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; store && i < n; i++) {
        char note[256];
        if ((st = pb_offer_use_store_facts(offers[i], store, NULL, note, sizeof note)) != PB_OK) {
            pb__diag_set(diag, st, NULL, 0, "%s", pb_offer_errmsg(offers[i]));
            goto fail;
        }
        if (note[0] && said && json_array_append_new(said, json_string(note)) != 0) {
            st = pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
            goto fail;
        }
    }
    for (size_t i = 0; i < n; i++)
        if ((st = pb_valuation_add(v, offers[i])) != PB_OK)
            goto fail;
    if ((st = pb_valuation_run(v, out)) != PB_OK)
        goto fail;
    if (notes)
        *notes = said;
    return PB_OK;
fail:
    json_decref(said);
    return st;
}
