/* test_reports_kept.c — a reports handle kept for long, as a server worker
 * keeps its store's (pb_reports_of): the store makes one and closes it, and
 * what another connection writes meanwhile (a company alias, reports) is
 * seen on the kept handle's next call, which answers as a new handle
 * would. */
#include <criterion/criterion.h>
#include <limits.h>
#include <string.h>

#include "payband/reports.h"
#include "testdb.h"

TEST_DB_SUITE(kept);

/* Six reports of "Initech Ltd" at 100,000 USD and six of "Initech" at
 * 200,000 USD: two companies until an alias says they are one. */
static const char REPORTS[] =
    "company,base,currency,date\n"
    "Initech Ltd,100000,USD,2026-01-01\nInitech Ltd,100001,USD,2026-01-02\n"
    "Initech Ltd,100002,USD,2026-01-03\nInitech Ltd,100003,USD,2026-01-04\n"
    "Initech Ltd,100004,USD,2026-01-05\nInitech Ltd,100005,USD,2026-01-06\n"
    "Initech,200000,USD,2026-01-01\nInitech,200001,USD,2026-01-02\n"
    "Initech,200002,USD,2026-01-03\nInitech,200003,USD,2026-01-04\n"
    "Initech,200004,USD,2026-01-05\nInitech,200005,USD,2026-01-06\n";

static const char ALIAS[] = "source:\n"
                            "  key: initech-names\n"
                            "  kind: dataset\n"
                            "  title: Initech's names\n"
                            "  as_of: 2026-06-01\n"
                            "companies:\n"
                            "  - {slug: initech, name: Initech}\n"
                            "company_aliases:\n"
                            "  - {alias: Initech Ltd, company: initech}\n";

static void add_alias(pb_store *s)
{
    pb_status st = pb_store_import_facts_text(s, "initech.yaml", ALIAS, strlen(ALIAS));
    cr_assert_eq(st, PB_OK, "%s", pb_store_errmsg(s));
}

/* The company the dry run of one "Initech Ltd" row normalises to. */
static char *dry_run_company(pb_reports *rep)
{
    static const char row[] = "company,base,currency\nInitech Ltd,100000,USD\n";
    pb_reports_import_options o = {.as_of = PB_DATE_NONE, .dry_run = true};
    json_t *res = NULL;
    pb_status st = pb_reports_import_text(rep, "row.csv", row, strlen(row), &o, &res);
    cr_assert_eq(st, PB_OK, "%s", pb_reports_errmsg(rep));
    json_t *first = json_array_get(json_object_get(res, "reports"), 0);
    const char *company = json_string_value(json_object_get(first, "company"));
    cr_assert(company, "the dry run gave no company");
    char *copy = strdup(company);
    json_decref(res);
    return copy;
}

static json_t *median_of(pb_reports *rep, const char *company)
{
    pb_reports_query q = {.company = company, .component = "base", .since = PB_DATE_NONE};
    json_t *rows = NULL;
    cr_assert_eq(pb_reports_percentiles(rep, &q, &rows), PB_OK, "%s", pb_reports_errmsg(rep));
    cr_assert_eq(json_array_size(rows), 1);
    return rows;
}

Test(kept, the_store_makes_one_handle_and_closes_it)
{
    store = test_db_open(&db, PB_STORE_NO_BUILTIN);
    pb_reports *a = NULL, *b = NULL;
    cr_assert_eq(pb_reports_of(store, &a), PB_OK);
    cr_assert_eq(pb_reports_of(store, &b), PB_OK);
    cr_expect_eq(a, b, "a second handle was made");
    json_t *res = NULL;
    cr_assert_eq(pb_reports_import_text(a, "initech.csv", REPORTS, strlen(REPORTS), NULL, &res),
                 PB_OK, "%s", pb_reports_errmsg(a));
    json_decref(res);
    json_decref(median_of(b, "Initech"));
    /* the suite closes the store: the sanitizer build finds a handle left open */
}

Test(kept, a_handle_that_cannot_be_made_is_null_and_the_next_call_makes_it)
{
    store = test_db_open(&db, PB_STORE_NO_BUILTIN);
    pb_reports *rep = (pb_reports *)&db; /* anything but NULL */
    pb__alloc_fail_after(1);
    pb_status st = pb_reports_of(store, &rep);
    pb__alloc_fail_after(0);
    cr_expect_eq(st, PB_ERR_NOMEM);
    cr_expect_null(rep);
    cr_expect_str_eq(pb_reports_errmsg(rep), "out of memory");
    cr_assert_eq(pb_reports_of(store, &rep), PB_OK);
    cr_expect_not_null(rep);
}

Test(kept, an_alias_another_connection_adds_reaches_a_kept_handle_s_dry_run)
{
    store = test_db_open(&db, PB_STORE_NO_BUILTIN);
    pb_store *other = test_db_open(&db, PB_STORE_NO_BUILTIN);
    pb_reports *rep = NULL;
    cr_assert_eq(pb_reports_of(store, &rep), PB_OK);
    char *before = dry_run_company(rep); /* the reference data is read here */
    cr_expect_str_eq(before, "initech-ltd");
    add_alias(other);
    char *after = dry_run_company(rep);
    cr_expect_str_eq(after, "initech", "the kept handle used the aliases it read before");
    free(before);
    free(after);
    pb_store_close(other);
}

Test(kept, a_name_resolved_before_an_alias_is_added_resolves_as_a_new_handle_would)
{
    store = test_db_open(&db, PB_STORE_NO_BUILTIN);
    pb_store *other = test_db_open(&db, PB_STORE_NO_BUILTIN);
    pb_reports *rep = NULL, *writer = NULL;
    cr_assert_eq(pb_reports_of(store, &rep), PB_OK);
    cr_assert_eq(pb_reports_of(other, &writer), PB_OK);
    json_t *res = NULL;
    cr_assert_eq(
        pb_reports_import_text(writer, "initech.csv", REPORTS, strlen(REPORTS), NULL, &res),
        PB_OK, "%s", pb_reports_errmsg(writer));
    json_decref(res);
    json_t *rows = median_of(rep, "Initech Ltd"); /* resolved and remembered */
    cr_expect_float_eq(json_number_value(json_object_get(json_array_get(rows, 0), "p50")),
                       100000.0, 10.0);
    json_decref(rows);

    add_alias(other); /* "Initech Ltd" now means initech */
    json_t *kept = median_of(rep, "Initech Ltd");
    pb_reports *fresh = NULL;
    cr_assert_eq(pb_reports_open(store, &fresh), PB_OK);
    json_t *anew = median_of(fresh, "Initech Ltd");
    cr_expect_float_eq(json_number_value(json_object_get(json_array_get(anew, 0), "p50")),
                       200000.0, 10.0);
    cr_expect(json_equal(kept, anew), "the kept handle answered from the names it resolved "
                                      "before the alias was added");
    json_decref(kept);
    json_decref(anew);
    pb_reports_close(fresh);
    pb_store_close(other);
}

/* The allocations of one dry run of the kept handle. */
static unsigned long dry_run_allocations(pb_reports *rep, const char *want)
{
    pb__alloc_fail_only(ULONG_MAX); /* counts, and fails none */
    char *company = dry_run_company(rep);
    unsigned long used = pb__alloc_count();
    pb__alloc_fail_after(0);
    cr_expect_str_eq(company, want);
    free(company);
    return used;
}

Test(kept, the_reference_data_is_read_again_only_after_a_write)
{
    store = test_db_open(&db, PB_STORE_NO_BUILTIN);
    pb_store *other = test_db_open(&db, PB_STORE_NO_BUILTIN);
    add_alias(store);
    pb_reports *rep = NULL;
    cr_assert_eq(pb_reports_of(store, &rep), PB_OK);
    unsigned long first = dry_run_allocations(rep, "initech");
    unsigned long again = dry_run_allocations(rep, "initech");
    pb_date day;
    cr_assert_eq(pb_date_parse("2026-11-01", &day), PB_OK);
    cr_assert_eq(pb_store_add_rate(other, day, "EUR", "USD", 1.1, "manual"), PB_OK,
                 "%s", pb_store_errmsg(other));
    unsigned long after_write = dry_run_allocations(rep, "initech");
    cr_expect_lt(again, first, "nothing was written, yet the dry run read as much again");
    cr_expect_gt(after_write, again, "another connection wrote, yet nothing was read again");
    pb_store_close(other);
}
