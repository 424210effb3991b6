/* fx.h — dated exchange rates and conversion between any two currencies.
 *
 * Rates come from the ECB reference-rate history (units of a currency per
 * 1 EUR, one row per business day) and from single dated rates. A conversion
 * on a date goes through the fewest stored rates that link the two
 * currencies (a direct rate or its inverse is one hop; a cross through any
 * currency the table holds is two or more, at most PB_FX_MAX_HOPS), using for
 * each hop its nearest rate on or before the date; among routes with as few
 * hops, the one whose oldest rate is the most recent wins (then the one whose
 * rates are the more recent in total). The quote names the route, the date
 * of each hop's rate and their sources. A rate is used whatever its age: the
 * quote's dates show it.
 *
 * One rate is held per pair of currencies and date, whichever way round it
 * was written: when both 1 A = x B and 1 B = y A are held for a day, the
 * later addition is used both ways, so conversions never disagree by
 * direction (the built-in order of additions: see docs/internals/fx.md). A
 * later addition for the same pair, direction and date replaces the earlier.
 *
 * A stored rate lies between PB_FX_RATE_MIN and PB_FX_RATE_MAX units of the
 * quote per unit of the base (the ECB's widest, 1,836,200 TRL per EUR, and
 * its inverse fit with room to spare); others are refused with PB_ERR_RANGE,
 * so no stored rate can by itself push a figure out of range.
 *
 * Errors: PB_ERR_PARSE for a malformed file ("file:line: reason" in
 * pb_fx_errmsg), PB_ERR_NO_RATE when no route has a rate on or before the
 * date ("no USD/GBP rate on or before 1998-12-31"), PB_ERR_CURRENCY for a
 * code that is not three capital letters or that neither payband nor the
 * table knows, PB_ERR_RANGE for a rate outside the range or a conversion
 * whose result does not fit, PB_ERR_NOMEM. A failed call leaves the table as
 * it was.
 *
 * Threads: every write (pb_fx_add, the loads) leaves the table fully
 * prepared: sorted, one rate per pair and date, its currency index built.
 * Functions taking a `const pb_fx *` never write to the table or the handle,
 * so any number of threads may call them at once on a table no thread is
 * writing: pb_fx_count, pb_fx_each, pb_fx_rate_r, pb_fx_convert_r,
 * pb_fx_check. pb_fx_rate and pb_fx_convert are the same lookups that also
 * keep the failure's message on the handle for pb_fx_errmsg: they write it,
 * so a table shared between threads is read with the _r forms, which give
 * the message in a caller's buffer instead.
 *
 * Ownership: the handle owns every rate and source string; the strings given
 * to a pb_fx_each callback live until the next call that changes the table. */
#ifndef PAYBAND_FX_H
#define PAYBAND_FX_H

#include <stddef.h>

#include "payband/date.h"
#include "payband/money.h"
#include "payband/status.h"

/* The range of a stored rate: units of the quote per unit of the base. */
#define PB_FX_RATE_MIN 1e-9
#define PB_FX_RATE_MAX 1e9
/* Most rates chained in one conversion. */
#define PB_FX_MAX_HOPS 4
/* A new rate that differs from the rate the table already gives for the same
 * pair and day by more than this many percent contradicts it (pb_fx_check). */
#define PB_FX_TOLERANCE_PCT 2.0

typedef struct pb_fx pb_fx;

/* The rate a conversion used: 1 `from` = rate `to`. `date` is the date of the
 * oldest rate on the route (of the only one for a direct rate). */
typedef struct pb_fx_quote {
    double rate;
    pb_date date;
    char from[4], to[4];
    char source[96]; /* source of the rate(s), e.g. "ecb", or "a+b" for two */
    /* The route: hops rates linking path[0] (= from) to path[hops] (= to);
     * dates[i] is the date of the rate between path[i] and path[i + 1].
     * hops is 0 for a currency to itself (path[0] only). */
    int hops;
    char path[PB_FX_MAX_HOPS + 1][4];
    pb_date dates[PB_FX_MAX_HOPS];
} pb_fx_quote;

pb_fx *pb_fx_new(void);
void pb_fx_free(pb_fx *fx);
const char *pb_fx_errmsg(const pb_fx *fx);

/* Add one dated rate: 1 `base` = `rate` `quote`. Codes are three capital
 * letters, payband need not know them (else PB_ERR_CURRENCY); the rate is
 * within [PB_FX_RATE_MIN, PB_FX_RATE_MAX] (else PB_ERR_RANGE); base != quote
 * and a real date (else PB_ERR_USAGE); `source` may be NULL, meaning "".
 * Adding in date order per pair is O(1); a rate older than the pair's last
 * moves the later ones up. */
pb_status pb_fx_add(pb_fx *fx, pb_date date, const char *base, const char *quote, double rate,
                    const char *source);
/* Load an ECB history CSV (Date,USD,JPY,...; rates per EUR; N/A for none). */
pb_status pb_fx_load_ecb(pb_fx *fx, const char *path);
/* The same from memory; `name` is used in error messages. */
pb_status pb_fx_load_ecb_text(pb_fx *fx, const char *name, const char *text, size_t len);

/* Whether `rate` may be stored: finite and within the range above. */
bool pb_fx_rate_allowed(double rate);

/* Number of rates held. */
size_t pb_fx_count(const pb_fx *fx);
/* Calls `each` for every rate held, by pair then date; stops on non-OK. */
pb_status pb_fx_each(const pb_fx *fx,
                     pb_status (*each)(void *ctx, pb_date date, const char *base,
                                       const char *quote, double rate, const char *source),
                     void *ctx);

/* The rate from `from` to `to` on `on` (route and dates as above). The same
 * currency gives rate 1 dated `on`, source "identity", no hops. */
pb_status pb_fx_rate(pb_fx *fx, const char *from, const char *to, pb_date on,
                     pb_fx_quote *quote);
/* Convert an amount, rounding to the target's minor unit (halves away from
 * zero; pb_money_convert). PB_ERR_CURRENCY when either currency has no known
 * minor unit, PB_ERR_RANGE when the result does not fit. *out and *quote are
 * written only on success; quote may be NULL. */
pb_status pb_fx_convert(pb_fx *fx, pb_money amount, const char *to, pb_date on, pb_money *out,
                        pb_fx_quote *quote);

/* pb_fx_rate and pb_fx_convert for a shared table: the message of a failure
 * goes into msg (cap bytes, may be NULL/0), never onto the handle. */
pb_status pb_fx_rate_r(const pb_fx *fx, const char *from, const char *to, pb_date on,
                       pb_fx_quote *quote, char *msg, size_t cap);
pb_status pb_fx_convert_r(const pb_fx *fx, pb_money amount, const char *to, pb_date on,
                          pb_money *out, pb_fx_quote *quote, char *msg, size_t cap);

/* Would adding 1 `base` = `rate` `quote` on `date` contradict the table? The
 * rate the table gives for that pair from rates of that very day (direct,
 * inverse, or a route of same-day rates) is compared: PB_OK when there is
 * none or it is within PB_FX_TOLERANCE_PCT percent (either way round);
 * PB_ERR_RANGE when it differs by more, with *held that rate and msg naming
 * both. Bad codes, the same currency twice and a rate out of range give the
 * errors of pb_fx_add. `held` may be NULL. */
pb_status pb_fx_check(const pb_fx *fx, pb_date date, const char *base, const char *quote,
                      double rate, pb_fx_quote *held, char *msg, size_t cap);

/* The route of a quote in words: "rate of 2026-03-02" for one rate (or
 * none), "GBP→USD→EUR, rates of 2026-03-02 and 2026-03-01" for more (one date
 * when they share it). Returns what snprintf would. */
int pb_fx_quote_route(const pb_fx_quote *quote, char *buf, size_t cap);

#endif
