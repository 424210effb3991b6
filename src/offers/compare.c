/* compare.c — the offer and compare results as the surfaces give them: the
 * rates and company facts from the store gathered around pb_offer_schedule
 * and pb_valuation_run, so that the command line and the server print the
 * same JSON for the same offers. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/diag.h"
#include "offers/offer_internal.h"
#include "payband/compare.h"
#include "payband/date.h"
#include "payband/money.h"

/* The rate from `from` to `to` as of today, from the store. */
static pb_status store_quote(pb_store *store, const char *from, const char *to, pb_date today,
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
    if (today == PB_DATE_NONE)
        today = pb_date_today();
    st = pb_fx_rate(fx, from, to, today, quote);
    if (st == PB_ERR_NO_RATE) {
        char day[11];
        pb_date_format(today, day);
        return pb__diag_set(diag, PB_ERR_NO_RATE, NULL, 0,
                            "no exchange rate from %s to %s on or before %s in the database "
                            "(import rates with `payband rates import FILE`)",
                            from, to, day);
    }
    if (st != PB_OK)
        return pb__diag_set(diag, st, NULL, 0, "cannot convert %s to %s: %s", from, to,
                            pb_fx_errmsg(fx));
    return PB_OK;
}

pb_status pb_offer_schedule_in(pb_offer *offer, pb_store *store, const char *currency,
                               pb_date today, const pb_schedule_options *options, json_t **out)
{
    pb_schedule_options opt = {0};
    if (options)
        opt = *options;
    pb_fx_quote quote;
    if (currency && !pb_currency_known(currency))
        return pb__diag_set(&offer->diag, PB_ERR_CURRENCY, NULL, 0, "unknown currency '%s'",
                            currency);
    if (currency && strcmp(currency, pb_offer_currency(offer)) != 0) {
        pb_status st = store_quote(store, pb_offer_currency(offer), currency, today, &quote,
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
                            const char *currency, pb_store *store, pb_date today,
                            json_t **notes, json_t **out)
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
        if ((st = store_quote(store, from, target, today, &quote, diag)) != PB_OK ||
            (st = pb_valuation_add_rate(v, &quote)) != PB_OK)
            return st;
    }
    if (notes && !(said = json_array()))
        return pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; store && i < n; i++) {
        char note[256];
        if ((st = pb_offer_use_store_facts_on(offers[i], store, today, NULL, note, sizeof note)) !=
            PB_OK) {
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

/* The range worth showing of one offer's N-year values (its cash total
 * plus each path's equity): p5..p95 widened by 35% of their spread on each
 * side, within the lowest and highest path. */
static void value_range(const double *paths, size_t count, double cash, json_t *simulated,
                        double *a, double *b)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < count; i++) {
        lo = fmin(lo, cash + paths[i]);
        hi = fmax(hi, cash + paths[i]);
    }
    double p5 = json_number_value(json_object_get(simulated, "p5"));
    double p95 = json_number_value(json_object_get(simulated, "p95"));
    double spread = p95 - p5;
    *a = fmax(lo, p5 - 0.35 * spread);
    *b = fmin(hi, p95 + 0.35 * spread);
    if (!(*b > *a)) {
        *a = lo;
        *b = hi;
    }
}

/* The histogram of one offer's N-year values in `nbins` bins from a to b. */
static json_t *histogram(const double *paths, size_t count, double cash, double a, double b,
                         int nbins)
{
    json_t *bins = json_array();
    long long *counts = pb__calloc((size_t)nbins, sizeof *counts);
    long long below = 0, above = 0;
    if (!bins || !counts) {
        pb__free(counts);
        json_decref(bins);
        return NULL;
    }
    double width = (b - a) / nbins;
    for (size_t i = 0; i < count; i++) {
        double x = cash + paths[i];
        if (x < a)
            below++;
        else if (x > b)
            above++;
        else {
            long k = width > 0 ? (long)((x - a) / width) : 0;
            counts[k >= nbins ? nbins - 1 : k]++;
        }
    }
    bool ok = true;
    for (int k = 0; k < nbins && ok; k++)
        ok = json_array_append_new(bins, json_integer(counts[k])) == 0;
    pb__free(counts);
    json_t *h = ok ? json_pack("{s:f, s:f, s:o, s:I, s:I}", "low", a, "high", b, "bins", bins,
                               "below", (json_int_t)below, "above", (json_int_t)above)
                   : NULL;
    if (!ok)
        json_decref(bins);
    return h;
}

pb_status pb_compare_histograms(const pb_valuation *v, json_t *result, int nbins)
{
    json_t *offers = json_object_get(result, "offers");
    size_t n = json_array_size(offers);
    if (nbins < 1 || nbins > 1000 || !json_is_array(offers) || n == 0)
        return PB_ERR_USAGE;
    /* one range for every offer, so that their bins line up */
    double low = INFINITY, high = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        size_t count = 0;
        const double *paths = pb_valuation_paths(v, i, &count);
        if (!paths || count == 0)
            return PB_ERR_USAGE;
        json_t *o = json_array_get(offers, i);
        double a, b;
        value_range(paths, count, json_number_value(json_object_get(o, "cash_total")),
                    json_object_get(o, "simulated"), &a, &b);
        low = fmin(low, a);
        high = fmax(high, b);
    }
    low = floor(low * 100) / 100; /* to the cent, outwards */
    high = ceil(high * 100) / 100;
    for (size_t i = 0; i < n; i++) {
        size_t count = 0;
        const double *paths = pb_valuation_paths(v, i, &count);
        json_t *o = json_array_get(offers, i);
        json_t *h = histogram(paths, count, json_number_value(json_object_get(o, "cash_total")),
                              low, high, nbins);
        if (!h || json_object_set_new(o, "histogram", h) != 0)
            return PB_ERR_NOMEM;
    }
    return PB_OK;
}
