/* test_levels.c — the level-equivalence graph (src/market/levels.c): transitive
 * chains across statements, range links shown but not walked through,
 * conflicts, on tests/fixtures/levels/levels.yaml and on the built-in data. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "payband/market.h"
#include "testdb.h"

TEST_DB_SUITE(levels);

static void open_fixture(void)
{
    store = test_db_open(&db, PB_STORE_NO_BUILTIN);
    test_db_import(store, "levels/levels.yaml");
}

static json_t *levels(const char *company, const char *role)
{
    json_t *out = NULL;
    pb_status st = pb_market_levels(store, company, role, TEST_TODAY, &out);
    cr_assert_eq(st, PB_OK, "levels %s %s: %s", company, role, pb_store_errmsg(store));
    return out;
}

/* The equivalent at `company` with level `level`, or NULL. */
static json_t *find(json_t *result, const char *company, const char *level)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(result, "equivalents"), i, e) {
        if (strcmp(json_string_value(json_object_get(e, "company")), company) == 0 &&
            strcmp(json_string_value(json_object_get(e, "level")), level) == 0)
            return e;
    }
    return NULL;
}

static long long hops(json_t *e)
{
    return json_integer_value(json_object_get(e, "hops"));
}

static bool via_range(json_t *e)
{
    return json_is_true(json_object_get(e, "via_range"));
}

/* The conflict entry of `company` as "A, B, C", or "" when there is none. */
static void conflict_levels(json_t *result, const char *company, char *buf, size_t cap)
{
    size_t i, j;
    json_t *c, *v;
    buf[0] = '\0';
    json_array_foreach(json_object_get(result, "conflicts"), i, c) {
        if (strcmp(json_string_value(json_object_get(c, "company")), company) != 0)
            continue;
        json_array_foreach(json_object_get(c, "levels"), j, v) {
            size_t used = strlen(buf);
            snprintf(buf + used, cap - used, "%s%s", j ? ", " : "", json_string_value(v));
        }
    }
}

Test(levels, chains_are_followed_across_statements)
{
    open_fixture();
    json_t *r = levels("acme", "senior-engineer");
    cr_expect_str_eq(json_string_value(json_object_get(r, "company")), "acme");
    cr_expect_eq(json_array_size(json_object_get(r, "equivalents")), 5);

    json_t *e = find(r, "globex", "L4");
    cr_assert(e, "globex L4 not reached");
    cr_expect_eq(hops(e), 1);
    cr_expect_not(via_range(e));
    cr_expect_str_eq(json_string_value(json_object_get(e, "region")), "Berlin");
    cr_expect_str_eq(json_string_value(json_object_get(e, "as_written")), "Globex L4 (Berlin)");
    json_t *st = json_object_get(e, "statement");
    cr_expect_str_eq(json_string_value(json_object_get(st, "source")), "fixture-levels");
    cr_expect_eq(json_integer_value(json_object_get(st, "line")), 10);
    cr_expect_str_eq(json_string_value(json_object_get(st, "chain")),
                     "Acme Senior Engineer = Globex L4 (Berlin) = Initech Engineer II E4");

    e = find(r, "initech", "E4");
    cr_assert(e);
    cr_expect_eq(hops(e), 1);
    cr_expect_str_eq(json_string_value(json_object_get(e, "title")), "Engineer II");

    /* transitive: through Globex L4 (statement of line 11) */
    e = find(r, "hooli", "P3");
    cr_assert(e, "hooli P3 not reached through globex L4");
    cr_expect_eq(hops(e), 2);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(e, "statement"), "line")),
                 11);
    json_t *path = json_object_get(e, "path");
    cr_assert_eq(json_array_size(path), 3);
    cr_expect_str_eq(json_string_value(json_array_get(path, 0)), "acme senior-engineer");
    cr_expect_str_eq(json_string_value(json_array_get(path, 1)), "globex L4");
    cr_expect_str_eq(json_string_value(json_array_get(path, 2)), "hooli P3");

    e = find(r, "umbrella", "U5");
    cr_assert(e, "umbrella U5 not reached in three steps");
    cr_expect_eq(hops(e), 3);
    cr_expect_eq(json_array_size(json_object_get(e, "path")), 4);

    cr_expect_null(find(r, "umbrella", "U7"));
    cr_expect_null(find(r, "globex", "L5"));
    json_decref(r);
}

Test(levels, range_links_are_shown_but_not_walked_through)
{
    open_fixture();
    json_t *r = levels("acme", "staff-engineer");
    json_t *l5 = find(r, "globex", "L5"), *l6 = find(r, "globex", "L6");
    cr_assert(l5 && l6, "both levels of the range are shown");
    cr_expect(via_range(l5));
    cr_expect(via_range(l6));
    cr_expect_str_eq(json_string_value(json_object_get(l6, "as_written")), "Globex L5–L6");
    json_t *e6 = find(r, "initech", "E6");
    cr_assert(e6);
    cr_expect_not(via_range(e6), "Initech E6 is stated equal to Acme Staff directly");
    cr_expect_null(find(r, "umbrella", "U7"),
                   "U7 is linked to L6 only, and L6 was reached through the range");
    cr_expect_eq(json_array_size(json_object_get(r, "equivalents")), 3);
    char buf[200];
    conflict_levels(r, "globex", buf, sizeof buf);
    cr_expect_str_eq(buf, "", "one range is one claim, not a conflict");
    cr_expect_eq(json_array_size(json_object_get(r, "conflicts")), 0);
    json_decref(r);

    /* from the other side: entering the range ends the walk there */
    r = levels("umbrella", "u7");
    json_t *gl6 = find(r, "globex", "L6");
    cr_assert(gl6);
    cr_expect_not(via_range(gl6));
    json_t *acme = find(r, "acme", "Staff Engineer");
    cr_assert(acme, "the range's statement is shown");
    cr_expect(via_range(acme));
    cr_expect_eq(hops(acme), 2);
    json_decref(r);
}

Test(levels, conflicts_are_reported)
{
    open_fixture();
    json_t *r = levels("acme", "senior-engineer");
    json_t *e5 = find(r, "initech", "E5");
    cr_assert(e5, "initech E5 reached through hooli P3");
    cr_expect_eq(hops(e5), 3);
    char buf[200];
    conflict_levels(r, "initech", buf, sizeof buf);
    cr_expect_str_eq(buf, "E4, E5");
    json_t *c = json_array_get(json_object_get(r, "conflicts"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(c, "reason")),
                     "2 different Initech levels are each stated equivalent to acme "
                     "senior-engineer");
    cr_expect_eq(json_array_size(json_object_get(r, "conflicts")), 1);
    json_decref(r);
}

Test(levels, start_matches_slugs_and_level_names)
{
    open_fixture();
    json_t *r = levels("Acme", "Senior Engineer");
    cr_expect_eq(json_array_size(json_object_get(r, "equivalents")), 5);
    json_decref(r);
    r = levels("globex", "l4");
    cr_expect(find(r, "acme", "Senior Engineer"));
    cr_expect(find(r, "hooli", "P3"));
    json_decref(r);
}

Test(levels, unknown_start_is_not_found)
{
    open_fixture();
    json_t *out = (json_t *)1;
    cr_expect_eq(pb_market_levels(store, "acme", "chef", TEST_TODAY, &out), PB_ERR_NOT_FOUND);
    cr_expect_null(out);
    cr_expect_str_eq(pb_store_errmsg(store), "no level-mapping statement names acme chef");
}

Test(levels, builtin_senior_software_engineer)
{
    store = test_db_open(&db, 0);
    json_t *r = levels("hugging-face", "senior-software-engineer");
    json_t *l4 = find(r, "google", "L4");
    cr_assert(l4, "google L4 not reached");
    cr_expect_eq(hops(l4), 1);
    cr_expect_str_eq(
        json_string_value(json_object_get(json_object_get(l4, "statement"), "source")),
        "guide-hf-senior-swe");
    json_t *e4 = find(r, "meta", "E4");
    cr_assert(e4, "meta E4 not reached through google L4");
    cr_expect_eq(hops(e4), 2);
    cr_expect_not(via_range(e4));
    cr_expect_str_eq(
        json_string_value(json_object_get(json_object_get(e4, "statement"), "source")),
        "guide-hf-enterprise-swe");
    char buf[300];
    conflict_levels(r, "meta", buf, sizeof buf);
    cr_expect(strstr(buf, "E4") && strstr(buf, "FAIR Senior SWE"), "meta conflict: '%s'", buf);
    json_decref(r);
}

/* The ML/AI guide maps its role to Google L4–L5: both shown, via the range,
 * and the range is not a conflict. */
Test(levels, builtin_range_is_not_a_conflict)
{
    store = test_db_open(&db, 0);
    json_t *r = levels("hugging-face", "ml-ai-engineer");
    json_t *l4 = find(r, "google", "L4"), *l5 = find(r, "google", "L5");
    cr_assert(l4 && l5);
    cr_expect(via_range(l4) && via_range(l5));
    char buf[200];
    conflict_levels(r, "google", buf, sizeof buf);
    cr_expect_str_eq(buf, "");
    cr_expect_null(find(r, "meta", "E4"), "google L4 was reached through the range only");
    json_decref(r);
}

/* Every allocation of a query may fail: it reports out of memory and leaks
 * nothing (checked by the sanitizer build). */
Test(levels, allocation_failures)
{
    store = test_db_open(&db, 0);
    pb_status st = PB_ERR_NOMEM;
    unsigned long n;
    for (n = 1; n < 1000000 && st != PB_OK; n++) {
        json_t *out = (json_t *)1;
        pb__alloc_fail_after(n);
        st = pb_market_levels(store, "hugging-face", "senior-software-engineer", TEST_TODAY,
                                  &out);
        pb__alloc_fail_after(0);
        if (st != PB_OK) {
            cr_assert_eq(st, PB_ERR_NOMEM, "allocation %lu: %s", n, pb_store_errmsg(store));
            cr_assert_null(out, "allocation %lu", n);
        } else {
            cr_expect(find(out, "meta", "E4"));
            json_decref(out);
        }
    }
    cr_expect_gt(n, 50);
}
