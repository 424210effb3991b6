/* fuzz_ecb.c — libFuzzer target for the ECB reference-rate history loader.
 *
 * Loads the input as an ECB CSV; when it loads, walks every rate, looks up
 * rates between the currencies it holds on the dates it holds (checking that
 * a rate and its inverse multiply to 1), converts an amount, checks a rate
 * against its day, checks that none of these reads changed the table
 * (pb__fx_checksum), and loads the input a second time, checking that a
 * reload adds no rates and that every rate held is positive and within the
 * allowed range. Everything is freed. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "market/fx_internal.h"
#include "payband/fx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
    char codes[8][4];
    int ncodes;
    pb_date dates[4];
    int ndates;
};

static pb_status note(void *ctx, pb_date date, const char *base, const char *quote, double rate,
                      const char *source)
{
    struct seen *s = ctx;
    (void)source;
    if (!pb_fx_rate_allowed(rate))
        abort();
    for (int k = 0; k < 2; k++) {
        const char *code = k ? quote : base;
        int i = 0;
        while (i < s->ncodes && strcmp(s->codes[i], code) != 0)
            i++;
        if (i == s->ncodes && s->ncodes < 8)
            memcpy(s->codes[s->ncodes++], code, 4);
    }
    if (s->ndates < 4)
        s->dates[s->ndates++] = date;
    return PB_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pb_fx *fx = pb_fx_new();
    if (!fx)
        return 0;
    if (pb_fx_load_ecb_text(fx, "fuzz", (const char *)data, size) == PB_OK) {
        size_t count = pb_fx_count(fx);
        uint64_t sum = pb__fx_checksum(fx);
        struct seen s = {.ncodes = 0};
        pb_fx_each(fx, note, &s);
        char msg[256];
        for (int d = 0; d < s.ndates; d++)
            for (int i = 0; i < s.ncodes; i++)
                for (int j = 0; j < s.ncodes; j++) {
                    pb_fx_quote q, back;
                    pb_money out;
                    if (pb_fx_rate_r(fx, s.codes[i], s.codes[j], s.dates[d] + 3, &q, msg,
                                     sizeof msg) == PB_OK) {
                        if (!(q.rate > 0) ||
                            pb_fx_rate_r(fx, s.codes[j], s.codes[i], s.dates[d] + 3, &back, msg,
                                         sizeof msg) != PB_OK ||
                            fabs(q.rate * back.rate - 1) > 1e-9 || q.hops != back.hops)
                            abort();
                    }
                    pb_money amount = {123456789, ""};
                    memcpy(amount.currency, s.codes[i], 4);
                    pb_fx_convert_r(fx, amount, s.codes[j], s.dates[d], &out, &q, msg,
                                    sizeof msg);
                    pb_fx_check(fx, s.dates[d], s.codes[i], s.codes[j], 1.5, NULL, msg,
                                sizeof msg);
                }
        if (pb__fx_checksum(fx) != sum)
            abort();
        if (pb_fx_load_ecb_text(fx, "fuzz", (const char *)data, size) != PB_OK ||
            pb_fx_count(fx) != count)
            abort();
    }
    pb_fx_free(fx);
    return 0;
}
