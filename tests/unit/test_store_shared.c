/* test_store_shared.c — several handles on one database, as the server's
 * worker threads hold them: a rate written through one handle is seen by
 * another whose rates were already loaded; facts imported from memory land
 * like a file's and a bad document names its line and changes nothing. */
#include <criterion/criterion.h>
#include <string.h>

#include "payband/fx.h"
#include "testdb.h"

TEST_DB_SUITE(shared);

Test(shared, a_rate_added_through_one_handle_reaches_another_with_rates_loaded)
{
    store = test_db_open(&db, PB_STORE_NO_BUILTIN);
    pb_store *other = test_db_open(&db, PB_STORE_NO_BUILTIN);
    pb_date day;
    cr_assert_eq(pb_date_parse("2026-11-01", &day), PB_OK);
    cr_assert_eq(pb_store_add_rate(store, day, "EUR", "USD", 1.1, "manual"), PB_OK);
    pb_fx *fx = NULL;
    pb_fx_quote q;
    cr_assert_eq(pb_store_fx(other, &fx), PB_OK, "%s", pb_store_errmsg(other));
    cr_assert_eq(pb_fx_rate(fx, "EUR", "USD", day, &q), PB_OK);
    cr_expect_float_eq(q.rate, 1.1, 1e-12);
    cr_assert_eq(pb_fx_rate(fx, "EUR", "GBP", day, &q), PB_ERR_NO_RATE);

    cr_assert_eq(pb_store_add_rate(store, day, "EUR", "GBP", 0.85, "manual"), PB_OK);
    cr_assert_eq(pb_store_fx(other, &fx), PB_OK, "%s", pb_store_errmsg(other));
    cr_assert_eq(pb_fx_rate(fx, "EUR", "GBP", day, &q), PB_OK,
                 "the other handle kept its old rates");
    cr_expect_float_eq(q.rate, 0.85, 1e-12);
    pb_store_close(other);
}

Test(shared, rates_stay_loaded_while_nothing_is_written)
{
    store = test_db_open(&db, PB_STORE_NO_BUILTIN);
    pb_fx *a = NULL, *b = NULL;
    cr_assert_eq(pb_store_fx(store, &a), PB_OK);
    cr_assert_eq(pb_store_fx(store, &b), PB_OK);
    cr_expect_eq(a, b, "rates were loaded again without a write");
}

static const char FACTS[] = "source:\n"
                            "  key: memo-2026\n"
                            "  kind: dataset\n"
                            "  title: A memo\n"
                            "  as_of: 2026-06-01\n"
                            "companies:\n"
                            "  - {slug: acme, name: Acme}\n"
                            "roles:\n"
                            "  - {slug: engineer, name: Engineer}\n"
                            "bands:\n"
                            "  - company: acme\n"
                            "    role: engineer\n"
                            "    region: Paris\n"
                            "    currency: EUR\n"
                            "    base: [80000, 90000]\n";

Test(shared, facts_imported_from_memory_land_like_a_file)
{
    store = test_db_open(&db, PB_STORE_NO_BUILTIN);
    pb_status st = pb_store_import_facts_text(store, "memo.yaml", FACTS, strlen(FACTS));
    cr_assert_eq(st, PB_OK, "%s", pb_store_errmsg(store));
    test_db_expect_rows(store, "band=1 source=1");
}

Test(shared, a_bad_facts_text_names_its_line_and_changes_nothing)
{
    store = test_db_open(&db, PB_STORE_NO_BUILTIN);
    static const char bad[] = "source:\n  key: memo\n  kind: dataset\n  title: x\n"
                              "bands:\n  - company: nobody\n";
    pb_status st = pb_store_import_facts_text(store, "bad.yaml", bad, strlen(bad));
    cr_assert_neq(st, PB_OK);
    cr_expect(strncmp(pb_store_errmsg(store), "bad.yaml:", 9) == 0, "message: %s",
              pb_store_errmsg(store));
    test_db_expect_rows(store, "band=0 source=0");
}
