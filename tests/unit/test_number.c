/* test_number.c — the one decimal reader (payband/number.h) from the case
 * table tests/cases/number.txt, and its independence from the locale. */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <stdint.h>

#include "payband/number.h"
#include "testutil.h"

static void check_case(const struct test_case *c, void *ctx)
{
    (void)ctx;
    const char *kind = c->f[0], *input = c->f[1], *expect = c->f[2];
    char got[64] = "error";
    if (strcmp(kind, "decimal") == 0) {
        double v = 0;
        if (pb_decimal_parse_str(input, &v)) {
            /* the value must be the double nearest the expected spelling */
            double want = strcmp(expect, "error") == 0 ? 0 : strtod(expect, NULL);
            snprintf(got, sizeof got, "%s", v == want ? expect : "a different value");
        }
    } else if (strcmp(kind, "unsigned") == 0) {
        uint64_t v = 0;
        if (pb_unsigned_parse_str(input, UINT64_MAX, &v))
            snprintf(got, sizeof got, "%llu", (unsigned long long)v);
    } else {
        cr_assert_str_eq(kind, "integer", "%s: unknown kind", c->where);
        int64_t v = 0;
        if (pb_integer_parse_str(input, INT64_MIN, INT64_MAX, &v))
            snprintf(got, sizeof got, "%lld", (long long)v);
    }
    cr_expect_str_eq(got, expect, "%s: '%s'", c->where, input);
}

Test(number, case_table)
{
    int cases = test_each_case(TEST_PATH("tests/cases/number.txt"), 3, check_case, NULL);
    cr_expect(cases > 30, "only %d cases read", cases);
}

Test(number, integer_range_is_enforced)
{
    int64_t v = 0;
    cr_expect(pb_integer_parse_str("50", 1, 50, &v) && v == 50);
    cr_expect(!pb_integer_parse_str("51", 1, 50, &v));
    cr_expect(!pb_integer_parse_str("0", 1, 50, &v));
}

/* A user's LC_NUMERIC (a decimal comma) changes nothing a file means. */
Test(number, independent_of_locale)
{
    const char *comma[] = {"fr_FR.UTF-8", "de_DE.UTF-8", "fr_FR.utf8", "de_DE.utf8"};
    const char *set = NULL;
    for (size_t i = 0; i < sizeof comma / sizeof comma[0] && !set; i++)
        set = setlocale(LC_NUMERIC, comma[i]);
    if (!set)
        cr_skip_test("no locale with a decimal comma is installed");
    double v = 0;
    cr_expect(pb_decimal_parse_str("1234567890.12345678", &v));
    cr_expect(v > 1234567890.1 && v < 1234567890.2, "got %g", v);
    cr_expect(!pb_decimal_parse_str("1,5", &v));
    setlocale(LC_NUMERIC, "C");
}

Test(number, unsigned_range_is_enforced)
{
    uint64_t v = 0;
    cr_expect(pb_unsigned_parse_str("16", 16, &v) && v == 16);
    cr_expect(!pb_unsigned_parse_str("17", 16, &v));
}
