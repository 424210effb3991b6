/* query_internal.h — the two ways a percentile query is answered
 * (internal): from the pre-defined groups (query_groups.c) and from the
 * report rows (query_rows.c), sharing the resolved filter and the shape of
 * one group's figures. */
#ifndef PB_QUERY_INTERNAL_H
#define PB_QUERY_INTERNAL_H

#include "payband/fx.h"
#include "reports/reports_internal.h"

enum { PB__BY_NONE, PB__BY_COMPANY, PB__BY_ROLE, PB__BY_LEVEL, PB__BY_REGION, PB__BY_YEARS };

/* A query's filter with names resolved to ids. */
struct pb__qfilter {
    const pb_reports_query *q;
    int component; /* 0 tc, 1 base, 2 equity, 3 bonus */
    int by;        /* PB__BY_* */
    int k;
    bool none;     /* a name matched nothing: no report can match */
    int64_t company, role, level; /* 0: not filtered (or not resolvable to one id) */
    char level_key[PB__NAME_MAX];       /* "" when no level is asked for */
    /* the filter as resolved, echoed in the results ("" when not filtered) */
    char company_label[PB__NAME_MAX], role_label[PB__NAME_MAX], level_label[PB__NAME_MAX];
    bool has_region, region_unique;
    int64_t region_id;       /* the one region row, when region_unique */
    struct pb__region region;
};

/* One group's figures: native minor units until shown. */
struct pb__group {
    const char *company, *role, *level, *region, *years; /* labels of a --by group; NULL */
    char currency[4]; /* shown in (after conversion) */
    char native[4];
    uint64_t n, distinct;
    double p[5];  /* p10 ... p90, minor units of native */
    double mean;  /* minor units of native */
    pb_date first, last;
    double rate;  /* native -> currency */
    bool converted;
    pb_fx_quote quote;
};

pb_status pb__qfilter_resolve(pb_reports *r, const pb_reports_query *q, struct pb__qfilter *f);
/* Set the conversion of a group to the query's currency. */
pb_status pb__group_convert(pb_reports *r, const struct pb__qfilter *f, struct pb__group *g);
/* The JSON object of one group (figures rounded, or suppressed). */
json_t *pb__group_json(const struct pb__qfilter *f, const struct pb__group *g);
/* The report column of a component. */
const char *pb__component_column(int component);

/* Answer from report_group when the filter is a pre-defined group (or a
 * breakdown of one); *answered false when it is not. */
pb_status pb__query_groups(pb_reports *r, const struct pb__qfilter *f, json_t *rows,
                           bool *answered);
/* Answer from the report rows, every filter in SQL. */
pb_status pb__query_rows(pb_reports *r, const struct pb__qfilter *f, json_t *rows);

#endif
