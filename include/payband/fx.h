/* fx.h — dated exchange rates and conversion between any two currencies.
 *
 * Rates come from the ECB reference-rate history (units of a currency per
 * 1 EUR, one row per business day) and from single dated rates. A conversion
 * on a date uses the nearest earlier date that has the rates it needs, via
 * EUR cross rates when there is no direct pair, and reports the rate it used,
 * that rate's date and its source.
 *
 * Lookup order: the direct pair, its inverse, then the cross via EUR with
 * both legs on one date (the latest date on or before the asked one on which
 * both are present); of the routes that work, the one with the latest date
 * wins, earlier in that order on a tie. A rate is used whatever its age: the
 * quote's date shows it. One rate is held per pair and date; a later addition
 * (pb_fx_add or a load) replaces an earlier one.
 *
 * Errors: PB_ERR_PARSE for a malformed file ("file:line: reason" in
 * pb_fx_errmsg), PB_ERR_NO_RATE when no route has a rate on or before the
 * date ("no USD/GBP rate on or before 1998-12-31"), PB_ERR_CURRENCY for a
 * code that is not three capital letters or that neither payband nor the
 * table knows, PB_ERR_NOMEM. A failed call leaves the table as it was.
 *
 * Ownership: the handle owns every rate and source string; the strings given
 * to a pb_fx_each callback live until the next call that changes the table.
 * A handle is not safe for concurrent use (lookups may sort lazily). */
#ifndef PAYBAND_FX_H
#define PAYBAND_FX_H

#include "payband/date.h"
#include "payband/money.h"
#include "payband/status.h"

typedef struct pb_fx pb_fx;

/* The rate a conversion used: 1 `from` = rate `to`, as of `date`. */
typedef struct pb_fx_quote {
    double rate;
    pb_date date;
    char from[4], to[4];
    char source[96]; /* source of the rate(s), e.g. "ecb" or "briefing-..." */
} pb_fx_quote;

pb_fx *pb_fx_new(void);
void pb_fx_free(pb_fx *fx);
const char *pb_fx_errmsg(const pb_fx *fx);

/* Add one dated rate: 1 `base` = `rate` `quote`. Codes are three capital
 * letters, payband need not know them (else PB_ERR_CURRENCY); the rate is
 * finite and positive (else PB_ERR_RANGE); base != quote and a real date
 * (else PB_ERR_USAGE); `source` may be NULL, meaning "". */
pb_status pb_fx_add(pb_fx *fx, pb_date date, const char *base, const char *quote, double rate,
                    const char *source);
/* Load an ECB history CSV (Date,USD,JPY,...; rates per EUR; N/A for none). */
pb_status pb_fx_load_ecb(pb_fx *fx, const char *path);
/* The same from memory; `name` is used in error messages. */
pb_status pb_fx_load_ecb_text(pb_fx *fx, const char *name, const char *text, size_t len);

/* Number of rates held. */
size_t pb_fx_count(const pb_fx *fx);
/* Calls `each` for every rate held, in no particular order; stops on non-OK. */
pb_status pb_fx_each(const pb_fx *fx,
                     pb_status (*each)(void *ctx, pb_date date, const char *base,
                                       const char *quote, double rate, const char *source),
                     void *ctx);

/* The rate from `from` to `to` on `on` (nearest earlier date available).
 * The same currency gives rate 1 dated `on`, source "identity". */
pb_status pb_fx_rate(pb_fx *fx, const char *from, const char *to, pb_date on,
                     pb_fx_quote *quote);
/* Convert an amount, rounding to the target's minor unit (halves away from
 * zero). PB_ERR_CURRENCY when either currency has no known minor unit,
 * PB_ERR_RANGE when the result does not fit. *out and *quote are written only
 * on success; quote may be NULL. */
pb_status pb_fx_convert(pb_fx *fx, pb_money amount, const char *to, pb_date on, pb_money *out,
                        pb_fx_quote *quote);

#endif
