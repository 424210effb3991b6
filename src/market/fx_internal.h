/* fx_internal.h — the layout of the exchange-rate table (internal), shared
 * by the table and its writes (fx.c), the ECB loader (fx_ecb.c) and the
 * route finder (fx_route.c). See docs/internals/fx.md.
 *
 * Invariant after every public call: each series' points are strictly
 * ascending by date (one per date, the newest addition kept), `codes` holds
 * every currency of some series, sorted, and each series' ib/iq index it.
 * Readers rely on it and never write. */
#ifndef PB_FX_INTERNAL_H
#define PB_FX_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/diag.h"
#include "payband/fx.h"

/* One dated rate. `seq` orders additions: the newest of two rates for the
 * same pair and date wins, whichever way round they were written. */
struct pb__fx_point {
    pb_date date;
    uint32_t source; /* index into pb_fx.sources */
    uint32_t seq;
    double rate;
};

/* All rates of one ordered pair: 1 base = rate quote. */
struct pb__fx_series {
    char base[4], quote[4];
    uint32_t ib, iq; /* indices of base and quote in pb_fx.codes */
    struct pb__fx_point *pts;
    size_t len, cap;
};

struct pb_fx {
    struct pb__fx_series **series; /* sorted by (base, quote) */
    size_t nseries, capseries;
    char (*codes)[4]; /* every currency of some series, sorted */
    size_t ncodes, capcodes;
    char **sources; /* interned source names */
    size_t nsources, capsources;
    size_t count; /* points held */
    uint32_t seq;
    pb__diag diag; /* message of the last failed call that records one */
};

/* Three ASCII capital letters. */
bool pb__fx_code_ok(const char *code);
struct pb__fx_series *pb__fx_series_find(const pb_fx *fx, const char *base, const char *quote);
struct pb__fx_series *pb__fx_series_new(const char *base, const char *quote);
void pb__fx_series_free(struct pb__fx_series *s);
/* Room for `extra` more series in the index and their currencies in the
 * code list (never shrinks, so a failure leaves the table as it was). */
bool pb__fx_series_reserve(pb_fx *fx, size_t extra);
/* Insert a series into the reserved index and its codes into the reserved
 * code list; cannot fail. */
void pb__fx_series_insert(pb_fx *fx, struct pb__fx_series *s);
/* Room for points [0, need) in a series. */
bool pb__fx_points_reserve(struct pb__fx_series *s, size_t need);
long pb__fx_source_find(const pb_fx *fx, const char *name);
bool pb__fx_sources_reserve(pb_fx *fx);
/* Points [from, len) were appended in any order: bring the series back to
 * its invariant (a run appended newest first is reversed; otherwise the
 * series is sorted and each date keeps its newest point). Needs no memory. */
void pb__fx_series_merge(pb_fx *fx, struct pb__fx_series *s, size_t from);
/* The latest point dated on or before `on`, or NULL. */
const struct pb__fx_point *pb__fx_latest(const struct pb__fx_series *s, pb_date on);
/* Index of a currency in fx->codes, or -1. */
long pb__fx_code_index(const pb_fx *fx, const char *code);

/* A checksum of everything the table holds, handle included (tests use it
 * to show that reads write nothing). */
uint64_t pb__fx_checksum(const pb_fx *fx);

#endif
