/* test_date.c — calendar dates: the case table tests/cases/date.txt (parse
 * and format round trips, rejected spellings, month arithmetic), a round trip
 * over every day payband accepts, and today by the clock alone. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "payband/date.h"
#include "testutil.h"

static pb_date must_parse(const char *text, const char *where)
{
    pb_date d = PB_DATE_NONE;
    cr_assert_eq(pb_date_parse(text, &d), PB_OK, "%s: '%s' does not parse", where, text);
    return d;
}

/* One line of tests/cases/date.txt: parse | text | day, invalid | text, or
 * add_months | date | months | date. */
static void date_case(const struct test_case *c, void *ctx)
{
    (void)ctx;
    const char *where = c->where;
    char **fl = c->f;
    int n = c->n;
    if (strcmp(fl[0], "parse") == 0 && n == 3) {
        pb_date d = must_parse(fl[1], where);
        cr_expect_eq(d, (pb_date)strtol(fl[2], NULL, 10), "%s: '%s' is day %d, want %s", where,
                     fl[1], d, fl[2]);
        char buf[11];
        pb_date_format(d, buf);
        cr_expect_str_eq(buf, fl[1], "%s: format", where);
        int y, m, dd;
        pb_date_to_ymd(d, &y, &m, &dd);
        pb_date back = PB_DATE_NONE;
        cr_expect_eq(pb_date_from_ymd(y, m, dd, &back), PB_OK, "%s: from_ymd", where);
        cr_expect_eq(back, d, "%s: ymd round trip", where);
    } else if (strcmp(fl[0], "invalid") == 0 && n == 2) {
        pb_date d = 12345;
        cr_expect_eq(pb_date_parse(fl[1], &d), PB_ERR_PARSE, "%s: '%s' accepted", where, fl[1]);
    } else if (strcmp(fl[0], "add_months") == 0 && n == 4) {
        pb_date d = must_parse(fl[1], where);
        pb_date want = must_parse(fl[3], where);
        pb_date got = pb_date_add_months(d, (int)strtol(fl[2], NULL, 10));
        char buf[11];
        pb_date_format(got, buf);
        cr_expect_eq(got, want, "%s: %s %s months gave %s, want %s", where, fl[1], fl[2], buf,
                     fl[3]);
    } else {
        cr_assert_fail("%s: malformed case", where);
    }
}

Test(date, case_table)
{
    int cases = test_each_case(TEST_PATH("tests/cases/date.txt"), TEST_AT_LEAST(2), date_case,
                               NULL);
    cr_expect(cases >= 30, "only %d cases read", cases);
}

/* Every day of the accepted range survives day -> ymd -> day and
 * day -> text -> day, and consecutive days are consecutive dates. */
Test(date, every_day_round_trips)
{
    pb_date first, last;
    cr_assert_eq(pb_date_from_ymd(1900, 1, 1, &first), PB_OK);
    cr_assert_eq(pb_date_from_ymd(2200, 12, 31, &last), PB_OK);
    int py = 1899, pm = 12, pd = 31;
    for (pb_date d = first; d <= last; d++) {
        int y, m, dd;
        pb_date_to_ymd(d, &y, &m, &dd);
        bool next_day = (y == py && m == pm && dd == pd + 1) ||
                        (y == py && m == pm + 1 && dd == 1) || (y == py + 1 && m == 1 && dd == 1);
        if (!next_day)
            cr_assert_fail("day %d (%04d-%02d-%02d) does not follow %04d-%02d-%02d", d, y, m, dd,
                           py, pm, pd);
        char buf[11];
        pb_date_format(d, buf);
        pb_date back;
        if (pb_date_parse(buf, &back) != PB_OK || back != d)
            cr_assert_fail("day %d formats as '%s', which does not parse back", d, buf);
        py = y, pm = m, pd = dd;
    }
}

Test(date, from_ymd_rejects_days_that_do_not_exist)
{
    pb_date d = 7;
    cr_expect_eq(pb_date_from_ymd(2026, 2, 29, &d), PB_ERR_RANGE);
    cr_expect_eq(pb_date_from_ymd(2026, 13, 1, &d), PB_ERR_RANGE);
    cr_expect_eq(pb_date_from_ymd(2026, 4, 31, &d), PB_ERR_RANGE);
    cr_expect_eq(pb_date_from_ymd(2026, 1, 0, &d), PB_ERR_RANGE);
    cr_expect_eq(d, 7, "a rejected date must not be written");
    cr_expect_eq(pb_date_from_ymd(2028, 2, 29, &d), PB_OK);
}

Test(date, parse_rejects_null)
{
    pb_date d;
    cr_expect_eq(pb_date_parse(NULL, &d), PB_ERR_PARSE);
}

Test(date, none_formats_as_empty)
{
    char buf[11] = "xxxxxxxxxx";
    pb_date_format(PB_DATE_NONE, buf);
    cr_expect_str_eq(buf, "");
}

Test(date, today_is_the_clock)
{
    unsetenv("PAYBAND_TODAY");
    pb_date before = (pb_date)(time(NULL) / 86400);
    pb_date today = pb_date_today();
    pb_date after = (pb_date)(time(NULL) / 86400);
    cr_expect(today >= before && today <= after, "today %d not in [%d, %d]", today, before,
              after);
}

/* The library reads no environment: PAYBAND_TODAY is the payband tool's,
 * read once at its start and passed down as an as-of date. */
Test(date, today_ignores_payband_today)
{
    static const char *const spellings[] = {"2099-12-31", "2000-01-01", "2026-1-01"};
    for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
        setenv("PAYBAND_TODAY", spellings[i], 1);
        pb_date before = (pb_date)(time(NULL) / 86400);
        pb_date today = pb_date_today();
        pb_date after = (pb_date)(time(NULL) / 86400);
        cr_expect(today >= before && today <= after, "PAYBAND_TODAY=%s: today %d not in [%d, %d]",
                  spellings[i], today, before, after);
    }
    unsetenv("PAYBAND_TODAY");
}
