/* test_market_errors.c — a database failure while a market query runs
 * travels to the caller: bands, relative bands, level statements, sources,
 * stale facts, the catalog (companies, roles, premiums) and the name check
 * each give PB_ERR_DB with the database's message when their statement is
 * interrupted mid-step, never a short or empty result with PB_OK. The
 * failure is injected with SQLite's progress handler on the store's
 * connection (a test hook; the library itself speaks only through
 * store/db.h). */
#include "payband/market.h"
#include "testdb.h"

static const char *interrupt_sql; /* interrupt a running statement whose SQL holds this */
static long interrupt_after;      /* ... at this progress call while it runs */
static long calls;
static bool interrupted;

static int progress(void *arg)
{
    sqlite3 *h = arg;
    for (sqlite3_stmt *st = sqlite3_next_stmt(h, NULL); st; st = sqlite3_next_stmt(h, st))
        if (sqlite3_stmt_busy(st) && strstr(sqlite3_sql(st), interrupt_sql) &&
            ++calls >= interrupt_after) {
            interrupted = true;
            return 1;
        }
    return 0;
}

enum call { BANDS, LEVELS, SOURCES, STALE, COMPANIES, ROLES, PREMIUMS, CHECK_NAMES };

/* Run one market call; *out (when the call gives JSON) is released. */
static pb_status run(pb_store *s, enum call which)
{
    pb_band_query q = {"hugging-face", NULL, NULL, NULL, TEST_TODAY};
    json_t *out = NULL;
    pb_status st = PB_OK;
    switch (which) {
    case BANDS:
        st = pb_market_bands(s, &q, &out);
        break;
    case LEVELS:
        st = pb_market_levels(s, "hugging-face", "senior-software-engineer", TEST_TODAY, &out);
        break;
    case SOURCES:
        st = pb_market_sources(s, TEST_TODAY, &out);
        break;
    case STALE:
        st = pb_market_stale(s, TEST_TODAY, &out);
        break;
    case COMPANIES:
        st = pb_market_companies(s, &out);
        break;
    case ROLES:
        st = pb_market_roles(s, "Hugging Face", &out);
        break;
    case PREMIUMS:
        st = pb_market_premiums(s, NULL, NULL, &out);
        break;
    case CHECK_NAMES:
        st = pb_market_check_names(s, "Hugging Face", "senior software engineer");
        break;
    }
    if (st != PB_OK)
        cr_expect_null(out, "a failed call gave a result");
    json_decref(out);
    return st;
}

static const struct {
    enum call which;
    const char *sql; /* part of the statement's text */
} cases[] = {
    {BANDS, "FROM band b"},
    {BANDS, "FROM relative_band rb"},
    {STALE, "FROM band b"},
    {LEVELS, "FROM level_node n"},
    {SOURCES, "FROM source s ORDER BY"},
    {COMPANIES, "FROM company c WHERE EXISTS"},
    {COMPANIES, "SELECT DISTINCT b.company_id"},
    {COMPANIES, "JOIN level lv"},
    {ROLES, "FROM role r WHERE EXISTS"},
    {ROLES, "SELECT DISTINCT f.role_id"},
    {PREMIUMS, "FROM premium p"},
    {CHECK_NAMES, "FROM company WHERE slug"},
    {CHECK_NAMES, "FROM role WHERE slug"},
};

/* Each statement interrupted at its first progress call and again later
 * (after some rows, for the queries that have them), on a fresh handle. */
Test(market_errors, every_interrupted_market_query_travels)
{
    TEST_DB_SQLITE_ONLY("queries are interrupted by SQLite's progress handler; the row loops "
                        "are the same code on both backends");
    static const long afters[] = {1, 400};
    struct test_db t;
    pb_store *first = test_db_new(&t, 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_assert_eq(run(first, cases[i].which), PB_OK, "%s: %s", cases[i].sql,
                     pb_store_errmsg(first));
    pb_store_close(first);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (size_t a = 0; a < sizeof afters / sizeof afters[0]; a++) {
            pb_store *s = test_db_open(&t, 0);
            interrupt_sql = cases[i].sql;
            interrupt_after = afters[a];
            calls = 0;
            interrupted = false;
            sqlite3_progress_handler(test_db_sqlite(s), 1, progress, test_db_sqlite(s));
            pb_status st = run(s, cases[i].which);
            sqlite3_progress_handler(test_db_sqlite(s), 0, NULL, NULL);
            if (a == 0)
                cr_expect(interrupted, "%s never ran", cases[i].sql);
            if (interrupted) {
                cr_expect_eq(st, PB_ERR_DB, "%s interrupted after %ld: status %d: %s",
                             cases[i].sql, afters[a], st, pb_store_errmsg(s));
                cr_expect(strstr(pb_store_errmsg(s), "interrupt") != NULL, "%s: %s",
                          cases[i].sql, pb_store_errmsg(s));
            }
            pb_store_close(s);
        }
    test_db_remove(&t);
}
