/* test_reports_query.c — percentiles of offer reports: a property test
 * (payband's figures equal a plain sort-and-interpolate of random data, for
 * filters answered from the pre-defined groups and from the report rows),
 * the k-anonymity boundary (5 distinct reports suppressed, 6 shown, copies
 * not counted as reports), and the differencing attack: someone who knows
 * every other report of a group and sees the group's figures before and
 * after one more report cannot tell that report's amount more finely than
 * half the published rounding step (and rarely to within $5,000). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payband/reports.h"
#include "reports/reports_internal.h"
#include "testdb.h"

TEST_DB_SUITE(reports_query);

static pb_reports *rep;

static unsigned long long state = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (unsigned)(state % n);
}

/* A growing CSV text. */
struct text {
    char *s;
    size_t len, cap;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (t->s && (size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        t->cap = (t->cap + (size_t)n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        cr_assert(t->s);
    }
}

static void import_text(const struct text *t)
{
    char path[200];
    snprintf(path, sizeof path, "%s/data.csv", db.dir);
    FILE *f = fopen(path, "wb");
    cr_assert(f);
    fwrite(t->s, 1, t->len, f);
    fclose(f);
    pb_reports_import_options o = {.currency = "USD", .as_of = PB_DATE_NONE};
    json_t *res = NULL;
    cr_assert_eq(pb_reports_import(rep, path, &o, &res), PB_OK, "%s", pb_reports_errmsg(rep));
    cr_assert_eq(json_integer_value(json_object_get(res, "rejected")), 0);
    json_decref(res);
}

static void setup_store(void)
{
    store = test_db_open(&db, PB_STORE_NO_BUILTIN);
    cr_assert_eq(pb_reports_open(store, &rep), PB_OK);
}

static void teardown_store(void)
{
    pb_reports_close(rep);
    rep = NULL;
}

/* ---- the expected figures, computed plainly ---------------------------------- */

struct figures {
    uint64_t n, distinct;
    double p[5], mean, step;
};

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* n values in cents (each row a report, `distinct` distinct reports). */
static struct figures expect(int64_t *cents, size_t n, uint64_t distinct, bool rounded)
{
    struct figures f = {n, distinct, {0}, 0, 0};
    qsort(cents, n, sizeof *cents, cmp_i64);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (double)cents[i];
    for (int q = 0; q < 5; q++) {
        double h = pb__quantiles[q] * (double)(n - 1);
        size_t lo = (size_t)floor(h);
        double a = (double)cents[lo], b = lo + 1 < n ? (double)cents[lo + 1] : a;
        f.p[q] = (a + (h - floor(h)) * (b - a)) * (1 / pow(10, 2));
    }
    f.mean = sum / (double)n * (1 / pow(10, 2));
    f.step = pb__report_step(f.p[0], f.p[2], f.p[4], distinct);
    if (rounded) {
        for (int q = 0; q < 5; q++)
            f.p[q] = pb__round_to(f.p[q], f.step);
        f.mean = pb__round_to(f.mean, f.step);
    }
    return f;
}

static void expect_row(json_t *row, const struct figures *f, const char *what)
{
    static const char *const names[] = {"p10", "p25", "p50", "p75", "p90"};
    cr_assert(json_is_false(json_object_get(row, "suppressed")), "%s: suppressed", what);
    cr_expect_eq((uint64_t)json_integer_value(json_object_get(row, "n")), f->n, "%s: n", what);
    cr_expect_eq((uint64_t)json_integer_value(json_object_get(row, "distinct")), f->distinct,
                 "%s: distinct", what);
    for (int q = 0; q < 5; q++) {
        double got = json_number_value(json_object_get(row, names[q]));
        cr_expect(fabs(got - f->p[q]) <= 1e-9 * fabs(f->p[q]) + 1e-9, "%s: %s %.4f, expected %.4f",
                  what, names[q], got, f->p[q]);
    }
    double mean = json_number_value(json_object_get(row, "mean"));
    cr_expect(fabs(mean - f->mean) <= 1e-9 * fabs(f->mean) + 1e-9, "%s: mean %.4f, expected %.4f",
              what, mean, f->mean);
    cr_expect_eq(json_number_value(json_object_get(row, "step")), f->step, "%s: step", what);
}

static json_t *query(pb_reports_query q)
{
    json_t *rows = NULL;
    if (q.since == 0)
        q.since = PB_DATE_NONE;
    cr_assert_eq(pb_reports_percentiles(rep, &q, &rows), PB_OK, "%s", pb_reports_errmsg(rep));
    return rows;
}

/* ---- property test ------------------------------------------------------------- */

#define ROWS 3000

struct row {
    int company, level, region;
    int64_t cents;
    int years2; /* years of experience x 2 */
    int year;
    int copies;
};

static const char *const companies[] = {"acme", "globex"};
static const char *const levels[] = {"L3", "L4", "L5"};
static const char *const regions[] = {"Berlin", "Lyon", "Porto"};

static bool matches(const struct row *r, int company, int level, int region, double ymin,
                    double ymax, int since)
{
    return (company < 0 || r->company == company) && (level < 0 || r->level == level) &&
           (region < 0 || r->region == region) && r->years2 >= ymin * 2 && r->years2 <= ymax * 2 &&
           r->year >= since;
}

static struct figures expect_filter(const struct row *rows, int company, int level, int region,
                                    double ymin, double ymax, int since)
{
    static int64_t cents[ROWS * 3];
    size_t n = 0;
    uint64_t distinct = 0;
    for (int i = 0; i < ROWS; i++)
        if (matches(&rows[i], company, level, region, ymin, ymax, since)) {
            distinct++;
            for (int c = 0; c < rows[i].copies; c++)
                cents[n++] = rows[i].cents;
        }
    cr_assert_gt(distinct, 20, "the random data should fill every group");
    return expect(cents, n, distinct, true);
}

Test(reports_query, percentiles_equal_a_plain_sort_and_interpolate,
     .init = reports_query_db_setup, .fini = reports_query_db_teardown)
{
    setup_store();
    static struct row rows[ROWS];
    struct text t = {0};
    add(&t, "company,level,location,total,yoe,date,tag\n");
    for (int i = 0; i < ROWS; i++) {
        struct row *r = &rows[i];
        r->company = (int)rnd(2);
        r->level = (int)rnd(3);
        r->region = (int)rnd(3);
        /* many equal amounts, so that ties and copies are exercised */
        r->cents = (int64_t)(40000 + rnd(200) * 1000 + (rnd(3) == 0 ? rnd(100) : 0)) * 100;
        r->years2 = (int)rnd(50);
        r->year = 2018 + (int)rnd(7);
        r->copies = rnd(5) == 0 ? 2 + (int)rnd(3) : 1;
        for (int c = 0; c < r->copies; c++)
            add(&t, "%s,%s,%s,%lld,%g,%d-06-01,%d\n", companies[r->company], levels[r->level],
                regions[r->region], (long long)(r->cents / 100), r->years2 / 2.0, r->year, i);
    }
    import_text(&t);
    free(t.s);
    struct {
        pb_reports_query q;
        int company, level, region;
        double ymin, ymax;
        int since;
    } cases[] = {
        {{.company = "acme"}, 0, -1, -1, 0, 99, 0},
        {{.company = "globex", .level = "l4"}, 1, 1, -1, 0, 99, 0},
        {{.company = "acme", .level = "L5", .region = "Porto"}, 0, 2, 2, 0, 99, 0},
        {{.company = "acme", .region = "lyon"}, 0, -1, 1, 0, 99, 0},
        {{.company = "acme", .has_years_min = true, .years_min = 5, .has_years_max = true,
          .years_max = 15},
         0, -1, -1, 5, 15, 0},
        {{.company = "globex", .since = 0}, 1, -1, -1, 0, 99, 0},
        {{.level = "L3"}, -1, 0, -1, 0, 99, 0},
        {{.region = "Berlin", .has_years_min = true, .years_min = 10}, -1, -1, 0, 10, 99, 0},
        {{0}, -1, -1, -1, 0, 99, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *got = query(cases[i].q);
        cr_assert_eq(json_array_size(got), 1, "case %zu", i);
        struct figures f = expect_filter(rows, cases[i].company, cases[i].level, cases[i].region,
                                         cases[i].ymin, cases[i].ymax, cases[i].since);
        char what[32];
        snprintf(what, sizeof what, "case %zu", i);
        expect_row(json_array_get(got, 0), &f, what);
        json_decref(got);
    }
    /* --since: the same answer through the report rows */
    pb_reports_query since = {.company = "globex"};
    pb_date d;
    pb_date_from_ymd(2021, 1, 1, &d);
    since.since = d;
    json_t *got = query(since);
    struct figures f = expect_filter(rows, 1, -1, -1, 0, 99, 2021);
    expect_row(json_array_get(got, 0), &f, "since");
    json_decref(got);
    /* breakdowns, from the groups and from the rows */
    static const char *const bys[] = {"level", "region"};
    for (int b = 0; b < 2; b++)
        for (int slow = 0; slow < 2; slow++) {
            pb_reports_query q = {.company = "acme", .by = bys[b]};
            if (slow) {
                q.has_years_min = true; /* forces the rows: every report has years >= 0 */
                q.years_min = 0;
            }
            got = query(q);
            cr_assert_eq(json_array_size(got), 3, "by %s", bys[b]);
            for (int k = 0; k < 3; k++) {
                json_t *row = json_array_get(got, (size_t)k);
                const char *label = json_string_value(json_object_get(row, bys[b]));
                int which = -1;
                for (int m = 0; m < 3; m++)
                    if (strcmp(label, b ? regions[m] : levels[m]) == 0)
                        which = m;
                cr_assert_geq(which, 0, "label %s", label);
                f = expect_filter(rows, 0, b ? -1 : which, b ? which : -1, 0, 99, 0);
                char what[64];
                snprintf(what, sizeof what, "by %s %s (%s)", bys[b], label, slow ? "rows" : "groups");
                expect_row(row, &f, what);
            }
            json_decref(got);
        }
    teardown_store();
}

Test(reports_query, the_quantile_rule_matches_numpy_on_known_values)
{
    /* numpy.percentile([1, 2, 3, 4, 10], [10, 25, 50, 75, 90]) */
    const double v[] = {1, 2, 3, 4, 10};
    const double want[] = {1.4, 2, 3, 4, 7.6};
    for (int q = 0; q < 5; q++)
        cr_expect(fabs(pb__quantile_sorted(v, 5, pb__quantiles[q]) - want[q]) < 1e-12);
    /* the same values as three distinct with copies: 1, 1, 2, 2, 2, 9 */
    const double d[] = {1, 2, 9};
    const uint64_t c[] = {2, 3, 1};
    const double e[] = {1, 1, 2, 2, 2, 9};
    for (int q = 0; q < 5; q++)
        cr_expect(fabs(pb__quantile_weighted(d, c, 3, 6, pb__quantiles[q]) -
                       pb__quantile_sorted(e, 6, pb__quantiles[q])) < 1e-12);
}

/* ---- k-anonymity ------------------------------------------------------------------ */

Test(reports_query, five_distinct_reports_are_suppressed_six_are_shown,
     .init = reports_query_db_setup, .fini = reports_query_db_teardown)
{
    setup_store();
    struct text t = {0};
    add(&t, "company,total\n");
    for (int i = 0; i < 5; i++) /* five reports, each twice: n = 10, still five people */
        add(&t, "five,%d\nfive,%d\n", 100000 + i * 1000, 100000 + i * 1000);
    for (int i = 0; i < 6; i++)
        add(&t, "six,%d\n", 100000 + i * 1000);
    import_text(&t);
    free(t.s);
    for (int slow = 0; slow < 2; slow++) {
        pb_reports_query q = {.company = "five", .has_years_min = slow, .years_min = 0};
        json_t *rows = query(q);
        /* the rows path only sees reports with years; this file has none */
        if (!slow) {
            json_t *row = json_array_get(rows, 0);
            cr_expect(json_is_true(json_object_get(row, "suppressed")));
            cr_expect(json_is_null(json_object_get(row, "n")));
            cr_expect(json_is_null(json_object_get(row, "p50")));
            cr_expect(json_is_null(json_object_get(row, "mean")));
        }
        json_decref(rows);
    }
    pb_reports_query q6 = {.company = "six"};
    json_t *rows = query(q6);
    json_t *row = json_array_get(rows, 0);
    cr_expect(json_is_false(json_object_get(row, "suppressed")));
    cr_expect_eq(json_integer_value(json_object_get(row, "n")), 6);
    json_decref(rows);
    /* a higher k is allowed, a lower one is not */
    q6.k = 7;
    rows = query(q6);
    cr_expect(json_is_true(json_object_get(json_array_get(rows, 0), "suppressed")));
    json_decref(rows);
    q6.k = 5;
    cr_expect_eq(pb_reports_percentiles(rep, &q6, &rows), PB_ERR_USAGE);
    /* through the rows: both companies at once, by company */
    pb_reports_query by = {.by = "company"};
    rows = query(by);
    cr_assert_eq(json_array_size(rows), 2);
    cr_expect(json_is_true(json_object_get(json_array_get(rows, 0), "suppressed")));
    cr_expect(json_is_false(json_object_get(json_array_get(rows, 1), "suppressed")));
    json_decref(rows);
    teardown_store();
}

/* ---- the differencing attack ----------------------------------------------------- */

#define TRIALS 60
#define MAXN 40

/* Do the published figures of a group of these values equal `seen`? */
static bool same_figures(int64_t *cents, size_t n, const struct figures *seen, bool rounded)
{
    struct figures f = expect(cents, n, n, rounded);
    if (f.n != seen->n || f.mean != seen->mean)
        return false;
    for (int q = 0; q < 5; q++)
        if (f.p[q] != seen->p[q])
            return false;
    return true;
}

/* The amounts r (whole dollars) that, added to the known reports, give the
 * figures seen: the attacker's knowledge of r. */
static void consistent(const int64_t *known, size_t n, const struct figures *seen, bool rounded,
                       int64_t lo, int64_t hi, int64_t *first, int64_t *last)
{
    int64_t cents[MAXN + 1];
    *first = *last = -1;
    for (int64_t r = lo; r <= hi; r += 50) {
        memcpy(cents, known, n * sizeof *known);
        cents[n] = r * 100;
        if (same_figures(cents, n + 1, seen, rounded)) {
            if (*first < 0)
                *first = r;
            *last = r;
        }
    }
}

Test(reports_query, one_report_cannot_be_read_off_two_answers, .init = reports_query_db_setup,
     .fini = reports_query_db_teardown)
{
    setup_store();
    static int64_t group[TRIALS][MAXN + 1];
    size_t size[TRIALS];
    struct text t = {0};
    add(&t, "company,total,tag\n");
    for (int i = 0; i < TRIALS; i++) {
        size[i] = 6 + rnd(MAXN - 6);
        for (size_t k = 0; k <= size[i]; k++) /* the last one is the target */
            group[i][k] = (int64_t)(80000 + rnd(160000));
        for (size_t k = 0; k <= size[i]; k++) {
            if (k < size[i])
                add(&t, "before%d,%lld,%zu\n", i, (long long)group[i][k], k);
            add(&t, "after%d,%lld,%zu\n", i, (long long)group[i][k], k);
        }
    }
    import_text(&t);
    free(t.s);
    int pinned_exact = 0, narrow = 0;
    for (int i = 0; i < TRIALS; i++) {
        size_t n = size[i];
        int64_t known[MAXN + 1], all[MAXN + 1];
        for (size_t k = 0; k < n; k++)
            known[k] = group[i][k] * 100;
        memcpy(all, known, n * sizeof *known);
        all[n] = group[i][n] * 100;
        char name[2][32];
        snprintf(name[0], sizeof name[0], "before%d", i);
        snprintf(name[1], sizeof name[1], "after%d", i);
        /* what payband publishes is what the plain rule says */
        struct figures seen[2];
        for (int w = 0; w < 2; w++) {
            int64_t tmp[MAXN + 1];
            memcpy(tmp, w ? all : known, (n + (size_t)w) * sizeof *tmp);
            seen[w] = expect(tmp, n + (size_t)w, n + (size_t)w, true);
            pb_reports_query q = {.company = name[w]};
            json_t *rows = query(q);
            expect_row(json_array_get(rows, 0), &seen[w], name[w]);
            json_decref(rows);
        }
        int64_t target = group[i][n], first, last;
        /* exact figures would give the report away: the attack is real */
        int64_t tmp[MAXN + 1];
        memcpy(tmp, known, n * sizeof *tmp);
        struct figures before = expect(tmp, n, n, false);
        memcpy(tmp, all, (n + 1) * sizeof *tmp);
        struct figures after = expect(tmp, n + 1, n + 1, false);
        double guess = after.mean * (double)(n + 1) - before.mean * (double)n;
        pinned_exact += fabs(guess - (double)target) < 0.01;
        /* the published figures leave the attacker a whole range */
        consistent(known, n, &seen[1], true, 0, 400000, &first, &last);
        cr_assert(first <= target && target <= last, "trial %d: the report itself must fit", i);
        cr_expect_geq((double)(last - first) + 50, seen[1].step / 2,
                      "trial %d (n %zu): the report is pinned to %lld..%lld, finer than half "
                      "the step %.0f",
                      i, n + 1, (long long)first, (long long)last, seen[1].step);
        narrow += last - first < 5000;
    }
    cr_expect_eq(pinned_exact, TRIALS, "exact figures pin every report (the attack works)");
    cr_expect_leq(narrow, TRIALS / 10,
                  "%d of %d reports were narrowed to less than $5,000 by two answers", narrow,
                  TRIALS);
    teardown_store();
}
