/* test_plan_errors.c — failures inside a plan's build travel to the caller:
 * a database failure in any query the build makes (the level mapping, the
 * premiums, the offers a document names, company names, rates, regional
 * bands, sources) is PB_ERR_DB with SQLite's message, never a plan that
 * quietly leaves something out. Failures are injected with SQLite's
 * authorizer (a query refused when it is prepared) and progress handler (a
 * query interrupted while it runs). */
#include <stdlib.h>

#include "payband/offer.h"
#include "payband/plan.h"
#include "testdb.h"

static struct test_db db;

/* What a plan is built from in these tests. */
struct setup {
    const char *role;
    const char *currency;
    bool competing;  /* a competing offer file, not the document's offers */
    bool profile;
};

static pb_status build(pb_store *s, const struct setup *u, char *msg, size_t cap)
{
    static const char profile_yaml[] = "premium_skills: [open-source-maintainer]\n"
                                       "open_source: {contributions: 3, maintained_projects: 1}\n";
    pb_profile *prof = NULL;
    pb_offer *google = NULL;
    if (u->profile)
        cr_assert_eq(pb_profile_parse("p.yaml", profile_yaml, strlen(profile_yaml), &prof),
                     PB_OK);
    if (u->competing)
        cr_assert_eq(pb_offer_load(TEST_PATH("examples/offers/google-paris-l4.yaml"), &google),
                     PB_OK);
    pb_plan *p = pb_plan_new();
    cr_assert_not_null(p);
    pb_plan_set_target(p, "hugging-face", u->role, "Paris");
    pb_plan_set_simulations(p, 100);
    if (u->currency)
        pb_plan_set_currency(p, u->currency);
    if (prof)
        pb_plan_set_profile(p, prof);
    if (google)
        pb_plan_add_competing(p, google);
    json_t *out = NULL;
    pb_status st = pb_plan_build(p, s, &out);
    snprintf(msg, cap, "%s", pb_plan_errmsg(p));
    if (st == PB_OK)
        cr_assert_not_null(out);
    else
        cr_assert_null(out, "a failed build gave a result");
    json_decref(out);
    pb_plan_free(p);
    pb_offer_free(google);
    pb_profile_free(prof);
    return st;
}

/* ---- refusing queries --------------------------------------------------- */

static const char *deny_table; /* refuse any read of this table */
static long deny_select;       /* refuse the nth SELECT prepared (from 1); 0: none */
static long selects;           /* SELECTs prepared since the authorizer was set */

static int authorize(void *arg, int action, const char *a, const char *b, const char *c,
                     const char *d)
{
    (void)arg, (void)b, (void)c, (void)d;
    if (action == SQLITE_SELECT && ++selects == deny_select)
        return SQLITE_DENY;
    if (action == SQLITE_READ && deny_table && a && strcmp(a, deny_table) == 0)
        return SQLITE_DENY;
    return SQLITE_OK;
}

static void refuse(pb_store *s, const char *table, long nth)
{
    deny_table = table;
    deny_select = nth;
    selects = 0;
    sqlite3_set_authorizer(test_db_sqlite(s), authorize, NULL);
}

Test(plan_errors, a_failing_level_lookup_travels)
{
    TEST_DB_SQLITE_ONLY("queries are refused by SQLite's authorizer");
    pb_store *s = test_db_new(&db, 0);
    struct setup u = {"senior-software-engineer", NULL, false, false};
    char msg[1024];
    cr_assert_eq(build(s, &u, msg, sizeof msg), PB_OK, "%s", msg);
    refuse(s, "level_node", 0);
    cr_assert_eq(build(s, &u, msg, sizeof msg), PB_ERR_DB, "%s", msg);
    cr_assert(strncmp(msg, "level mapping: ", 15) == 0 && strstr(msg, "level_node"), "%s", msg);
    test_db_close(&db, s);
}

/* Each SELECT the build prepares, refused in turn on a fresh handle (so no
 * cache spares a query): the build fails with PB_ERR_DB every time, until
 * the count passes the last query and the build succeeds. */
static void every_query_refused(const struct setup *u)
{
    TEST_DB_SQLITE_ONLY("queries are refused by SQLite's authorizer");
    struct test_db t;
    pb_store *first = test_db_new(&t, 0);
    pb_store_close(first);
    char msg[1024];
    long n;
    for (n = 1; n < 1000; n++) {
        pb_store *s = test_db_open(&t, 0);
        refuse(s, NULL, n);
        pb_status st = build(s, u, msg, sizeof msg);
        sqlite3_set_authorizer(test_db_sqlite(s), NULL, NULL);
        pb_store_close(s);
        if (st == PB_OK && selects < n)
            break;
        cr_assert_eq(st, PB_ERR_DB, "%s, query %ld refused: status %d: %s", u->role, n, st,
                     msg);
        cr_assert(strstr(msg, "not authorized") != NULL, "query %ld: %s", n, msg);
    }
    cr_assert_gt(n, 5, "%s: the build made only %ld queries", u->role, n - 1);
    cr_assert_lt(n, 1000);
    test_db_remove(&t);
}

Test(plan_errors, every_refused_query_of_a_plan_from_the_documents_travels)
{
    every_query_refused(&(struct setup){"ml-ai-engineer", NULL, false, true});
}

Test(plan_errors, every_refused_query_of_a_plan_with_files_and_a_rate_travels)
{
    every_query_refused(&(struct setup){"senior-software-engineer", "USD", true, true});
}

/* ---- interrupting queries ----------------------------------------------- */

static const char *interrupt_sql; /* interrupt a running statement whose SQL holds this */
static bool interrupted;

static int progress(void *arg)
{
    sqlite3 *h = arg;
    for (sqlite3_stmt *st = sqlite3_next_stmt(h, NULL); st; st = sqlite3_next_stmt(h, st))
        if (sqlite3_stmt_busy(st) && strstr(sqlite3_sql(st), interrupt_sql)) {
            interrupted = true;
            return 1;
        }
    return 0;
}

/* Each query of the plan's own, interrupted while it runs, on a fresh handle:
 * the build fails with PB_ERR_DB, never a plan without what the query read. */
Test(plan_errors, every_interrupted_query_of_the_plans_own_travels)
{
    static const struct {
        const char *sql;  /* part of the statement's text */
        struct setup u;   /* a plan that runs it */
        const char *what; /* how the message starts */
    } cases[] = {
        {"FROM premium p", {"ml-ai-engineer", NULL, false, true}, "premiums: "},
        {"FROM offer_mention m", {"ml-ai-engineer", NULL, false, false}, "offers: "},
        {"SELECT display FROM company", {"senior-software-engineer", NULL, true, false},
         "companies: "},
        {"kind = 'briefing'", {"senior-software-engineer", NULL, false, false}, "sources: "},
        {"SELECT kind, title", {"senior-software-engineer", NULL, false, false}, "sources: "},
    };
    struct test_db t;
    pb_store *first = test_db_new(&t, 0);
    pb_store_close(first);
    TEST_DB_SQLITE_ONLY("queries are interrupted by SQLite's progress handler");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pb_store *s = test_db_open(&t, 0);
        interrupt_sql = cases[i].sql;
        interrupted = false;
        sqlite3_progress_handler(test_db_sqlite(s), 1, progress, test_db_sqlite(s));
        char msg[1024];
        pb_status st = build(s, &cases[i].u, msg, sizeof msg);
        sqlite3_progress_handler(test_db_sqlite(s), 0, NULL, NULL);
        pb_store_close(s);
        cr_assert(interrupted, "%s never ran", cases[i].sql);
        cr_expect_eq(st, PB_ERR_DB, "%s interrupted: status %d: %s", cases[i].sql, st, msg);
        cr_expect(strncmp(msg, cases[i].what, strlen(cases[i].what)) == 0 &&
                      strstr(msg, "interrupt") != NULL,
                  "%s: %s", cases[i].sql, msg);
    }
    test_db_remove(&t);
}

/* ---- figures out of range --------------------------------------------------- */

/* An offer in hand whose grants, each of the largest value an offer file
 * accepts, together do not fit payband's amounts in rupiah (one year of them
 * does, so the offer's own schedule is fine): the plan, which weighs the whole
 * grant, names the figure instead of converting it to a wrong number. */
Test(plan_errors, totals_out_of_range_are_errors_naming_the_figure)
{
    pb_store *s = test_db_new(&db, 0);
    cr_assert_eq(pb_store_add_rate(s, pb_date_today(), "EUR", "IDR", 17000, "manual"), PB_OK);
    pb_offer *vast = NULL;
    cr_assert_eq(pb_offer_load(TEST_PATH("tests/fixtures/plan/vast-grants-offer.yaml"), &vast),
                 PB_OK, "%s", pb_offer_errmsg(vast));
    pb_plan *p = pb_plan_new();
    pb_plan_set_target(p, "hugging-face", "senior-software-engineer", "Paris");
    pb_plan_set_simulations(p, 100);
    pb_plan_set_years(p, 1);
    pb_plan_set_currency(p, "IDR");
    pb_plan_set_offer(p, vast);
    json_t *out = NULL;
    cr_expect_eq(pb_plan_build(p, s, &out), PB_ERR_RANGE, "%s", pb_plan_errmsg(p));
    cr_expect_null(out);
    cr_expect_str_eq(pb_plan_errmsg(p),
                     "the total of the equity grants of the offer in hand is out of range: it "
                     "would be more than IDR 92,233,720,368,547,758.07");
    json_decref(out);
    pb_plan_free(p);
    /* in euros the total fits, but the ask would have to match a grant larger
     * than any offer accepts: an error naming it too */
    p = pb_plan_new();
    pb_plan_set_target(p, "hugging-face", "senior-software-engineer", "Paris");
    pb_plan_set_simulations(p, 100);
    pb_plan_set_offer(p, vast);
    cr_expect_eq(pb_plan_build(p, s, &out), PB_ERR_RANGE, "%s", pb_plan_errmsg(p));
    cr_expect_str_eq(pb_plan_errmsg(p), "ask package: grant value is too large");
    pb_plan_free(p);
    pb_offer_free(vast);
    test_db_close(&db, s);
}
