/* fuzz_ecb.c — libFuzzer target for the ECB reference-rate history loader.
 *
 * Loads the input as an ECB CSV; when it loads, walks every rate, looks up
 * rates between the currencies it holds on the dates it holds, converts an
 * amount, and loads the input a second time, checking that a reload adds no
 * rates and that every rate held is positive. Everything is freed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
    if (!(rate > 0))
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
        struct seen s = {.ncodes = 0};
        pb_fx_each(fx, note, &s);
        for (int d = 0; d < s.ndates; d++)
            for (int i = 0; i < s.ncodes; i++)
                for (int j = 0; j < s.ncodes; j++) {
                    pb_fx_quote q;
                    pb_money out;
                    if (pb_fx_rate(fx, s.codes[i], s.codes[j], s.dates[d] + 3, &q) == PB_OK &&
                        !(q.rate > 0))
                        abort();
                    pb_money amount = {123456789, ""};
                    memcpy(amount.currency, s.codes[i], 4);
                    pb_fx_convert(fx, amount, s.codes[j], s.dates[d], &out, &q);
                }
        if (pb_fx_load_ecb_text(fx, "fuzz", (const char *)data, size) != PB_OK ||
            pb_fx_count(fx) != count)
            abort();
    }
    pb_fx_free(fx);
    return 0;
}
