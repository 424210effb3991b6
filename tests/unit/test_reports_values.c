/* test_reports_values.c — the single values of offer reports as data: the
 * header synonyms (tests/cases/reports_headers.txt), date spellings
 * (reports_dates.txt), amount spellings (reports_amounts.txt) and the
 * normalisation of companies, levels and locations against the built-in
 * dataset (reports_normalise.txt). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "reports/reports_internal.h"
#include "testdb.h"

static void header_case(const struct test_case *c, void *ctx)
{
    (void)ctx;
    int f = pb__field_of_header(c->f[0], strlen(c->f[0]));
    cr_expect_str_eq(f == PB__F_NONE ? "none" : pb__field_name(f), c->f[1], "%s: '%s'", c->where,
                     c->f[0]);
}

Test(reports_values, header_synonyms)
{
    int n = test_each_case(TEST_PATH("tests/cases/reports_headers.txt"), 2, header_case, NULL);
    cr_expect(n >= 40, "only %d cases", n);
}

static void date_case(const struct test_case *c, void *ctx)
{
    (void)ctx;
    pb_date d = PB_DATE_NONE;
    char got[16] = "error";
    if (pb__report_date(c->f[0], strlen(c->f[0]), &d))
        pb_date_format(d, got);
    cr_expect_str_eq(got, c->f[1], "%s: '%s'", c->where, c->f[0]);
}

Test(reports_values, date_spellings)
{
    int n = test_each_case(TEST_PATH("tests/cases/reports_dates.txt"), 2, date_case, NULL);
    cr_expect(n >= 25, "only %d cases", n);
}

static void amount_case(const struct test_case *c, void *ctx)
{
    (void)ctx;
    int64_t minor = -1;
    bool missing = false;
    const char *why = "";
    char got[32];
    pb_status st = pb__report_amount(c->f[0], strlen(c->f[0]), c->f[1], &minor, &missing, &why);
    if (st != PB_OK)
        snprintf(got, sizeof got, "error");
    else if (missing)
        snprintf(got, sizeof got, "missing");
    else
        snprintf(got, sizeof got, "%lld", (long long)minor);
    cr_expect_str_eq(got, c->f[2], "%s: '%s' %s (%s)", c->where, c->f[0], c->f[1], why);
}

Test(reports_values, amount_spellings)
{
    int n = test_each_case(TEST_PATH("tests/cases/reports_amounts.txt"), 3, amount_case, NULL);
    cr_expect(n >= 30, "only %d cases", n);
}

/* One raw row holding just the given field. */
static void one_field(struct pb__rawrow *row, int field, const char *text)
{
    memset(row, 0, sizeof *row);
    row->line = 2;
    row->v[field] = text;
    row->n[field] = strlen(text);
    row->v[PB__F_TOTAL] = "100000";
    row->n[PB__F_TOTAL] = 6;
}

static void normalise_case(const struct test_case *c, void *ctx)
{
    const pb__refdata *ref = ctx;
    const char *kind = c->f[0], *input = c->f[1], *want = c->f[2];
    struct pb__defaults d = {"USD", PB_DATE_NONE};
    struct pb__rawrow row;
    struct pb__report rep;
    char buf[160], got[1200] = "none";
    const char *why = "";
    if (strcmp(kind, "company") == 0) {
        one_field(&row, PB__F_COMPANY, input);
        cr_assert_eq(pb__report_normalise(ref, &row, &d, &rep, buf, sizeof buf, &why), PB_OK,
                     "%s: %s", c->where, why);
        if (rep.company[0])
            snprintf(got, sizeof got, "%s%s", rep.company, rep.company_alias ? " (alias)" : "");
    } else if (strcmp(kind, "level") == 0) {
        const char *slash = strchr(input, '/');
        cr_assert(slash, "%s: level cases are company/level", c->where);
        char company[64];
        snprintf(company, sizeof company, "%.*s", (int)(slash - input), input);
        one_field(&row, PB__F_LEVEL, slash + 1);
        if (strcmp(company, "none") != 0) {
            row.v[PB__F_COMPANY] = company;
            row.n[PB__F_COMPANY] = strlen(company);
        }
        cr_assert_eq(pb__report_normalise(ref, &row, &d, &rep, buf, sizeof buf, &why), PB_OK,
                     "%s: %s", c->where, why);
        snprintf(got, sizeof got, "%s / %s%s", rep.level, rep.level_name,
                 rep.level_known ? " (known)" : "");
    } else {
        cr_assert_str_eq(kind, "location", "%s: unknown kind", c->where);
        struct pb__region g;
        if (pb__region_of(ref, input, strlen(input), NULL, 0, &g))
            snprintf(got, sizeof got, "%s %s %s", g.name, g.kind, g.metro[0] ? g.metro : "-");
    }
    cr_expect_str_eq(got, want, "%s: '%s'", c->where, input);
}

TEST_DB_SUITE(reports_norm);

Test(reports_norm, normalisation_against_the_builtin_dataset)
{
    store = test_db_open(&db, 0);
    pb__refdata ref;
    pb_reports *r = NULL;
    cr_assert_eq(pb_reports_open(store, &r), PB_OK);
    cr_assert_eq(pb__refdata_load(&ref, r), PB_OK, "%s", pb_reports_errmsg(r));
    int n = test_each_case(TEST_PATH("tests/cases/reports_normalise.txt"), 3, normalise_case,
                           &ref);
    cr_expect(n >= 40, "only %d cases", n);
    pb__refdata_release(&ref);
    pb_reports_close(r);
}

/* Without reference data (an empty store) names are only folded. */
Test(reports_values, no_reference_data_still_folds_names)
{
    pb__refdata ref;
    pb_reports no_store = {0};
    cr_assert_eq(pb__refdata_load(&ref, &no_store), PB_OK);
    struct pb__defaults d = {"USD", PB_DATE_NONE};
    struct pb__rawrow row;
    struct pb__report rep;
    char buf[160];
    const char *why = "";
    one_field(&row, PB__F_COMPANY, "Facebook");
    cr_assert_eq(pb__report_normalise(&ref, &row, &d, &rep, buf, sizeof buf, &why), PB_OK);
    cr_expect_str_eq(rep.company, "facebook");
    cr_expect(!rep.company_alias);
    pb__refdata_release(&ref);
}
