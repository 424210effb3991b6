/* fuzz_offer.c — libFuzzer target for the offer-file reader.
 *
 * Parses the input as an offer file; when it parses, builds its schedule
 * over one to twelve years with vest events and checks that each year's
 * total is the sum of its parts and the N-year total the sum of the years,
 * then values it with a few hundred simulation paths and its exit scenarios.
 * A file that fails must leave a "file:line:" or "file:" message.
 * Everything is freed. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "payband/offer.h"
#include "payband/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_schedule(json_t *s)
{
    double sum = 0;
    json_t *rows = json_object_get(s, "schedule");
    for (size_t i = 0; i < json_array_size(rows); i++) {
        json_t *r = json_array_get(rows, i);
        double parts = json_number_value(json_object_get(r, "base")) +
                       json_number_value(json_object_get(r, "bonus")) +
                       json_number_value(json_object_get(r, "sign_on")) +
                       json_number_value(json_object_get(r, "equity_total"));
        double total = json_number_value(json_object_get(r, "total"));
        if (fabs(parts - total) > 1e-6 * (1 + fabs(total)))
            abort();
        sum += total;
    }
    double total = json_number_value(json_object_get(s, "total"));
    if (fabs(sum - total) > 1e-6 * (1 + fabs(total)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pb_offer *o = NULL;
    if (pb_offer_parse("fuzz.yaml", (const char *)data, size, &o) != PB_OK) {
        if (o && strncmp(pb_offer_errmsg(o), "fuzz.yaml:", 10) != 0 &&
            strcmp(pb_offer_errmsg(o), "out of memory") != 0)
            abort();
        pb_offer_free(o);
        return 0;
    }
    int years = 1 + (int)(size % 12);
    json_t *s = NULL;
    pb_schedule_options opt = {.years = years, .events = 1};
    if (pb_offer_schedule(o, &opt, &s) == PB_OK)
        check_schedule(s);
    json_decref(s);
    pb_valuation *v = pb_valuation_new();
    if (v) {
        json_t *r = NULL;
        pb_valuation_set(v, "years", years);
        pb_valuation_set(v, "simulations", 300);
        pb_valuation_set(v, "threads", 1);
        pb_valuation_set(v, "scenarios", 1);
        pb_valuation_set(v, "black_scholes", 1);
        pb_valuation_add(v, o);
        pb_valuation_add(v, o);
        if (pb_valuation_run(v, &r) == PB_OK && !json_is_object(r))
            abort();
        json_decref(r);
        pb_valuation_free(v);
    }
    pb_offer_free(o);
    return 0;
}
