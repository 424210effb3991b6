/* cmd_compare.c — `payband compare FILE FILE...`: deterministic totals side
 * by side in one currency, Monte Carlo value distributions, the odds that
 * each offer beats each other, certainty equivalents, break-evens, and on
 * request exit scenarios and Black–Scholes values. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "offer_cli.h"
#include "progress.h"
#include "payband/money.h"
#include "payband/compare.h"
#include "payband/value.h"
#include "payband/number.h"

static const char NAME[] = "compare";

enum { MAX_FILES = PB_OFFERS_MAX };

/* Flags that map straight onto pb_valuation_set names; their getopt code is
 * their index + 1. Whole-number settings carry their limits. */
static const struct {
    const char *flag;
    const char *setting;
    bool whole;
    int64_t min, max;
} SETTINGS[] = {
    {"years", "years", true, PB_YEARS_MIN, PB_YEARS_MAX},
    {"simulations", "simulations", true, PB_SIMULATIONS_MIN, PB_SIMULATIONS_MAX},
    {"risk-aversion", "risk_aversion", false, 0, 0},
    {"wealth", "wealth", false, 0, 0},
    {"threads", "threads", true, 1, PB_THREADS_MAX},
    {"volatility", "volatility_pct", false, 0, 0},
    {"drift", "drift_pct", false, 0, 0},
    {"liquidity", "liquidity_pct", false, 0, 0},
    {"failure", "failure_pct", false, 0, 0},
    {"dilution", "dilution_pct", false, 0, 0},
    {"exit-median", "exit_multiple_median", false, 0, 0},
    {"exit-sigma", "exit_multiple_sigma", false, 0, 0},
    {"risk-free", "risk_free_pct", false, 0, 0},
    {"option-term", "option_term_years", false, 0, 0},
};
enum { NSETTINGS = sizeof SETTINGS / sizeof SETTINGS[0] };
enum { OPT_SEED = CLI_OPT_FIRST_FREE, OPT_CURRENCY, OPT_SCENARIOS, OPT_BS, OPT_HISTOGRAM };

const struct option cli_compare_options[] = {
    {"years", required_argument, NULL, 1},
    {"simulations", required_argument, NULL, 2},
    {"risk-aversion", required_argument, NULL, 3},
    {"wealth", required_argument, NULL, 4},
    {"threads", required_argument, NULL, 5},
    {"volatility", required_argument, NULL, 6},
    {"drift", required_argument, NULL, 7},
    {"liquidity", required_argument, NULL, 8},
    {"failure", required_argument, NULL, 9},
    {"dilution", required_argument, NULL, 10},
    {"exit-median", required_argument, NULL, 11},
    {"exit-sigma", required_argument, NULL, 12},
    {"risk-free", required_argument, NULL, 13},
    {"option-term", required_argument, NULL, 14},
    {"seed", required_argument, NULL, OPT_SEED},
    {"currency", required_argument, NULL, OPT_CURRENCY},
    {"format", required_argument, NULL, CLI_OPT_FORMAT},
    {"scenarios", no_argument, NULL, OPT_SCENARIOS},
    {"black-scholes", no_argument, NULL, OPT_BS},
    {"histogram", required_argument, NULL, OPT_HISTOGRAM},
    {"db", required_argument, NULL, CLI_OPT_DB},
    {"wide", no_argument, NULL, CLI_OPT_WIDE},
    {"help", no_argument, NULL, CLI_OPT_HELP},
    {NULL, 0, NULL, 0},
};
_Static_assert(NSETTINGS == 14, "cli_compare_options lists each setting as its index + 1");

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void money(json_t *v, const char *cur, char *buf, size_t cap)
{
    if (!v || json_is_null(v))
        snprintf(buf, cap, "—");
    else
        cli_format_money(json_number_value(v), cur, buf, cap);
}

/* The report as tables; false when out of memory. */
static bool print_table(json_t *r)
{
    const char *cur = jstr(r, "currency");
    json_t *offers = json_object_get(r, "offers");
    size_t n = json_array_size(offers);
    long long years = json_integer_value(json_object_get(r, "years"));
    char a[64], b[64], c[64];

    printf("%lld-year comparison in %s: %lld simulations, seed %s, risk aversion %g (CRRA)\n",
           years, cur, (long long)json_integer_value(json_object_get(r, "simulations")),
           jstr(r, "seed"), json_number_value(json_object_get(r, "risk_aversion")));
    json_t *fx = json_object_get(r, "fx");
    for (size_t i = 0; i < json_array_size(fx); i++) {
        json_t *q = json_array_get(fx, i);
        printf("rate: 1 %s = %.6g %s (%s, %s)", jstr(q, "from"),
               json_number_value(json_object_get(q, "rate")), jstr(q, "to"), jstr(q, "source"),
               jstr(q, "date"));
        offer_cli_print_route(q);
        printf("\n");
    }

    json_t *rows = json_array();
    if (!rows)
        return false;
    char label[64];
    snprintf(label, sizeof label, "%lld-year total", years);
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(offers, i);
        json_t *sim = json_object_get(o, "simulated");
        json_t *row = json_pack("{s:s, s:s, s:s, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}",
                                "currency", cur, "name", jstr(o, "name"), "native",
                                jstr(o, "native_currency"), "det", json_object_get(o, "deterministic_total"),
                                "first", json_object_get(o, "first_year_total"), "ann",
                                json_object_get(o, "annualised_total"), "p5",
                                json_object_get(sim, "p5"), "p25", json_object_get(sim, "p25"),
                                "p50", json_object_get(sim, "p50"), "p75",
                                json_object_get(sim, "p75"), "p95", json_object_get(sim, "p95"),
                                "mean", json_object_get(sim, "mean"));
        if (!row || json_array_append_new(rows, row) != 0) {
            json_decref(rows);
            return false;
        }
        json_t *pe = json_object_get(o, "p_exit");
        if (json_object_set(row, "ce", json_object_get(o, "certainty_equivalent")) != 0 ||
            (json_is_number(pe) &&
             json_object_set_new(row, "p_exit", json_real(json_number_value(pe) * 100)) != 0)) {
            json_decref(rows);
            return false;
        }
    }
    printf("\ndeterministic (no uncertainty; options at the 409A spread)\n");
    struct cli_column det[] = {{"offer", "name", CLI_COL_TEXT, NULL},
                               {"paid in", "native", CLI_COL_TEXT, NULL},
                               {label, "det", CLI_COL_MONEY, NULL},
                               {"first year", "first", CLI_COL_MONEY, NULL},
                               {"annualised", "ann", CLI_COL_MONEY, NULL}};
    cli_print_rows(rows, det, sizeof det / sizeof det[0], CLI_FORMAT_TABLE);
    snprintf(label, sizeof label, "simulated %lld-year value", years);
    printf("\n%s\n", label);
    struct cli_column sim[] = {{"offer", "name", CLI_COL_TEXT, NULL},
                               {"p5", "p5", CLI_COL_MONEY, NULL},
                               {"p25", "p25", CLI_COL_MONEY, NULL},
                               {"p50", "p50", CLI_COL_MONEY, NULL},
                               {"p75", "p75", CLI_COL_MONEY, NULL},
                               {"p95", "p95", CLI_COL_MONEY, NULL},
                               {"mean", "mean", CLI_COL_MONEY, NULL},
                               {"certainty equiv.", "ce", CLI_COL_MONEY, NULL},
                               {"P(exit)", "p_exit", CLI_COL_PCT, NULL}};
    cli_print_rows(rows, sim, sizeof sim / sizeof sim[0], CLI_FORMAT_TABLE);
    json_decref(rows);
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(offers, i);
        if (json_object_get(o, "certainty_equivalent_note"))
            printf("note: %s: %s\n", jstr(o, "name"), jstr(o, "certainty_equivalent_note"));
    }

    if (n > 1) {
        printf("\nP(row beats column), on common random numbers\n");
        printf("%-24s", "offer");
        for (size_t j = 0; j < n; j++)
            printf("  %-24.24s", jstr(json_array_get(offers, j), "name"));
        printf("\n");
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_array_get(offers, i);
            printf("%-24.24s", jstr(o, "name"));
            for (size_t j = 0; j < n; j++) {
                json_t *p = json_object_get(json_object_get(o, "p_beats"),
                                            jstr(json_array_get(offers, j), "name"));
                if (i == j || !p)
                    printf("  %-24s", "-");
                else
                    printf("  %-24.3f", json_number_value(p));
            }
            printf("\n");
        }

        printf("\nbreak-even against the best other offer (in each offer's own currency)\n");
        json_t *be_rows = json_array();
        if (!be_rows)
            return false;
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_array_get(offers, i);
            json_t *be = json_object_get(o, "breakeven");
            const char *sides[2] = {"at_median", "at_certainty_equivalent"};
            const char *names[2] = {"median", "certainty equiv."};
            for (int s = 0; s < 2; s++) {
                json_t *side = json_object_get(be, sides[s]);
                if (!json_is_object(side))
                    continue;
                const char *oc = jstr(side, "currency");
                char target[160], em[32];
                money(json_object_get(side, "target_value"), cur, a, sizeof a);
                money(json_object_get(side, "own_value"), cur, c, sizeof c);
                snprintf(target, sizeof target, "%s %s vs %s", jstr(side, "target"), a, c);
                json_t *mult = json_object_get(side, "exit_multiple");
                if (json_is_number(mult))
                    snprintf(em, sizeof em, "%.2fx", json_number_value(mult));
                else
                    snprintf(em, sizeof em, "—");
                money(json_object_get(side, "equity_grant"), oc, a, sizeof a);
                money(json_object_get(side, "base"), oc, b, sizeof b);
                json_t *row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", jstr(o, "name"),
                                        "at", names[s], "target", target, "grant", a, "base", b,
                                        "mult", em);
                if (!row || json_array_append_new(be_rows, row) != 0) {
                    json_decref(be_rows);
                    return false;
                }
            }
        }
        struct cli_column bec[] = {{"offer", "name", CLI_COL_TEXT, NULL},
                                   {"at", "at", CLI_COL_TEXT, NULL},
                                   {"target vs own", "target", CLI_COL_TEXT, NULL},
                                   {"equity grant", "grant", CLI_COL_TEXT, NULL},
                                   {"or base", "base", CLI_COL_TEXT, NULL},
                                   {"or exit multiple", "mult", CLI_COL_TEXT, NULL}};
        cli_print_rows(be_rows, bec, sizeof bec / sizeof bec[0], CLI_FORMAT_TABLE);
        json_decref(be_rows);
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_array_get(offers, i);
            json_t *be = json_object_get(o, "breakeven");
            const char *sides[2] = {"at_median", "at_certainty_equivalent"};
            for (int s = 0; s < 2; s++) {
                json_t *side = json_object_get(be, sides[s]);
                if (!json_is_object(side))
                    continue;
                if (json_object_get(side, "equity_note"))
                    printf("note: %s (%s): %s\n", jstr(o, "name"), sides[s],
                           jstr(side, "equity_note"));
                if (json_object_get(side, "base_note"))
                    printf("note: %s (%s): base: %s\n", jstr(o, "name"), sides[s],
                           jstr(side, "base_note"));
            }
        }
    }

    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(offers, i);
        json_t *sc = json_object_get(o, "scenarios");
        if (!sc)
            continue;
        printf("\nexit scenarios for %s (exit at year %lld)\n", jstr(o, "name"), years);
        if (json_object_get(sc, "note")) {
            printf("%s\n", jstr(sc, "note"));
            continue;
        }
        json_t *list = json_object_get(sc, "scenarios");
        json_t *srows = json_array();
        if (!srows)
            return false;
        for (size_t k = 0; k < json_array_size(list); k++) {
            json_t *s = json_array_get(list, k);
            char exitv[64], p[16];
            if (json_is_number(json_object_get(s, "exit_value")))
                cli_format_money(json_number_value(json_object_get(s, "exit_value")),
                                 jstr(o, "native_currency"), exitv, sizeof exitv);
            else
                snprintf(exitv, sizeof exitv, "%gx last round",
                         json_number_value(json_object_get(s, "exit_multiple")));
            snprintf(p, sizeof p, "%g%%", json_number_value(json_object_get(s, "probability")) * 100);
            json_t *row = json_pack("{s:s, s:s, s:s, s:s, s:O, s:O}", "currency", cur, "label",
                                    json_is_string(json_object_get(s, "label")) ? jstr(s, "label") : "",
                                    "exit", exitv, "p", p, "eq",
                                    json_object_get(s, "private_equity_value"), "total",
                                    json_object_get(s, "total"));
            if (!row || json_array_append_new(srows, row) != 0) {
                json_decref(srows);
                return false;
            }
        }
        struct cli_column scc[] = {{"scenario", "label", CLI_COL_TEXT, NULL},
                                   {"exit", "exit", CLI_COL_TEXT, NULL},
                                   {"probability", "p", CLI_COL_TEXT, NULL},
                                   {"private equity", "eq", CLI_COL_MONEY, NULL},
                                   {"total", "total", CLI_COL_MONEY, NULL}};
        cli_print_rows(srows, scc, sizeof scc / sizeof scc[0], CLI_FORMAT_TABLE);
        json_decref(srows);
        money(json_object_get(sc, "expected_private_equity"), cur, a, sizeof a);
        money(json_object_get(sc, "expected_total"), cur, b, sizeof b);
        printf("expected private equity: %s; expected total: %s\n", a, b);
    }

    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(offers, i);
        json_t *bs = json_object_get(o, "black_scholes");
        if (!bs)
            continue;
        printf("\nBlack–Scholes for %s\n", jstr(o, "name"));
        if (json_array_size(bs) == 0)
            printf("no option grants\n");
        for (size_t k = 0; k < json_array_size(bs); k++) {
            json_t *g = json_array_get(bs, k);
            money(json_object_get(g, "grant_value"), cur, a, sizeof a);
            printf("%s: %.4f per option (S=%g %s, K=%g, r=%g, T=%g, sigma=%g): grant %s\n",
                   jstr(g, "grant"), json_number_value(json_object_get(g, "per_option")),
                   json_number_value(json_object_get(g, "spot")), jstr(g, "spot_basis"),
                   json_number_value(json_object_get(g, "strike")),
                   json_number_value(json_object_get(g, "rate")),
                   json_number_value(json_object_get(g, "years")),
                   json_number_value(json_object_get(g, "volatility")), a);
        }
    }

    printf("\nassumptions (source: flag, file, store, or payband's default for the stage)\n");
    json_t *first = json_object_get(json_array_get(offers, 0), "assumptions");
    printf("%-22s", "assumption");
    for (size_t j = 0; j < n; j++)
        printf("  %-26.26s", jstr(json_array_get(offers, j), "name"));
    printf("\n");
    for (size_t k = 0; k < json_array_size(first); k++) {
        printf("%-22s", jstr(json_array_get(first, k), "name"));
        for (size_t j = 0; j < n; j++) {
            json_t *as = json_array_get(json_object_get(json_array_get(offers, j), "assumptions"), k);
            json_t *val = json_object_get(as, "value");
            char cell[96];
            if (json_is_null(val))
                snprintf(cell, sizeof cell, "- (%s)", jstr(as, "source"));
            else if (strcmp(jstr(as, "name"), "valuation") == 0) {
                char amount[48];
                pb_money_format_compact(
                    pb_money_from_double(json_number_value(val), jstr(r, "currency")), amount,
                    sizeof amount);
                snprintf(cell, sizeof cell, "%s (%s)", amount, jstr(as, "source"));
            } else if (json_is_string(val))
                snprintf(cell, sizeof cell, "%s (%s)", json_string_value(val), jstr(as, "source"));
            else
                snprintf(cell, sizeof cell, "%g (%s)", json_number_value(val), jstr(as, "source"));
            printf("  %-26s", cell);
        }
        printf("\n");
    }
    return true;
}

/* One CSV row per offer; false when out of memory. */
static bool print_csv(json_t *r)
{
    const char *cur = jstr(r, "currency");
    json_t *offers = json_object_get(r, "offers");
    json_t *rows = json_array();
    if (!rows)
        return false;
    for (size_t i = 0; i < json_array_size(offers); i++) {
        json_t *o = json_array_get(offers, i);
        json_t *sim = json_object_get(o, "simulated");
        json_t *row = json_pack("{s:s, s:s, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "currency",
                                cur, "name", jstr(o, "name"), "deterministic_total",
                                json_object_get(o, "deterministic_total"), "p5",
                                json_object_get(sim, "p5"), "p25", json_object_get(sim, "p25"),
                                "p50", json_object_get(sim, "p50"), "p75",
                                json_object_get(sim, "p75"), "p95", json_object_get(sim, "p95"),
                                "mean", json_object_get(sim, "mean"), "certainty_equivalent",
                                json_object_get(o, "certainty_equivalent"));
        if (!row || json_array_append_new(rows, row) != 0) {
            json_decref(rows);
            return false;
        }
    }
    struct cli_column cols[] = {{"name", "name", CLI_COL_TEXT, NULL},
                                {"currency", "currency", CLI_COL_TEXT, NULL},
                                {"deterministic_total", "deterministic_total", CLI_COL_MONEY, NULL},
                                {"p5", "p5", CLI_COL_MONEY, NULL},
                                {"p25", "p25", CLI_COL_MONEY, NULL},
                                {"p50", "p50", CLI_COL_MONEY, NULL},
                                {"p75", "p75", CLI_COL_MONEY, NULL},
                                {"p95", "p95", CLI_COL_MONEY, NULL},
                                {"mean", "mean", CLI_COL_MONEY, NULL},
                                {"certainty_equivalent", "certainty_equivalent", CLI_COL_MONEY, NULL}};
    cli_print_rows(rows, cols, sizeof cols / sizeof cols[0], CLI_FORMAT_CSV);
    json_decref(rows);
    return true;
}

int cmd_compare(int argc, char **argv)
{
    pb_valuation *v = pb_valuation_new();
    if (!v)
        return cli_fail("out of memory");
    pb_offer *offers[MAX_FILES] = {0};
    size_t noffers = 0;
    pb_store *store = NULL;
    json_t *result = NULL;
    const char *currency = NULL;
    int64_t histogram = 0;
    struct cli_common common = {0};
    int rc = CLI_EXIT_OK, ch;
    optind = 1;
    while ((ch = cli_getopt(argc, argv, cli_compare_options)) != -1) {
        if (ch >= 1 && ch <= (int)NSETTINGS) {
            double x = 0;
            char flag[32];
            snprintf(flag, sizeof flag, "--%s", SETTINGS[ch - 1].flag);
            if (SETTINGS[ch - 1].whole) {
                int64_t n = 0;
                rc = cli_flag_whole(NAME, flag, optarg, SETTINGS[ch - 1].min,
                                    SETTINGS[ch - 1].max, &n);
                x = (double)n;
            } else {
                rc = cli_flag_number(NAME, flag, optarg, &x);
            }
            if (rc != 0)
                goto done;
            if (pb_valuation_set(v, SETTINGS[ch - 1].setting, x) != PB_OK) {
                rc = cli_usage_error(NAME, "--%s: %s", SETTINGS[ch - 1].flag,
                                     pb_valuation_errmsg(v));
                goto done;
            }
            continue;
        }
        switch (ch) {
        case OPT_SEED: {
            uint64_t seed = 0;
            if ((rc = cli_flag_seed(NAME, optarg, &seed)) != 0)
                goto done;
            pb_valuation_set_seed(v, seed);
            break;
        }
        case OPT_CURRENCY:
            if (!pb_currency_known(optarg)) {
                rc = cli_usage_error(NAME, "unknown currency '%s'", optarg);
                goto done;
            }
            currency = optarg;
            break;
        case OPT_HISTOGRAM:
            if ((rc = cli_flag_whole(NAME, "--histogram", optarg, 1, 1000, &histogram)) != 0)
                goto done;
            break;
        case OPT_SCENARIOS: pb_valuation_set(v, "scenarios", 1); break;
        case OPT_BS: pb_valuation_set(v, "black_scholes", 1); break;
        default:
            if ((rc = cli_common_option(NAME, ch, optarg, &common)) != 0) {
                rc = rc < 0 ? CLI_EXIT_OK : rc;
                goto done;
            }
        }
    }
    const char *db = common.db;
    cli_format format = common.format;
    if (argc - optind < 1) {
        rc = cli_usage_error(NAME, "no offer files given");
        goto done;
    }
    if (argc - optind > MAX_FILES) {
        rc = cli_usage_error(NAME, "at most %d offer files", MAX_FILES);
        goto done;
    }
    for (int i = optind; i < argc; i++) {
        pb_offer *o = offer_cli_load(argv[i]);
        if (!o) {
            rc = CLI_EXIT_FAIL;
            goto done;
        }
        offers[noffers++] = o;
    }
    if (!(store = cli_open_store(db ? db : cli_global_db))) {
        rc = CLI_EXIT_FAIL;
        goto done;
    }
    json_t *notes = NULL;
    cli_progress *progress = cli_progress_start("simulating", "paths", format);
    if (progress)
        pb_valuation_set_progress(v, cli_progress_callback, progress);
    pb_status run_st = pb_compare_offers(v, offers, noffers, currency, store, cli_today, &notes,
                                         &result);
    cli_progress_end(progress);
    if (run_st != PB_OK) {
        rc = cli_fail("%s", pb_valuation_errmsg(v));
        goto done;
    }
    for (size_t i = 0; i < json_array_size(notes); i++)
        cli_note("%s", json_string_value(json_array_get(notes, i)));
    json_decref(notes);
    if (histogram && pb_compare_histograms(v, result, (int)histogram) != PB_OK) {
        rc = cli_fail("out of memory");
        goto done;
    }
    if (format == CLI_FORMAT_JSON)
        cli_print_json(result);
    else if (!(format == CLI_FORMAT_CSV ? print_csv(result) : print_table(result)))
        rc = cli_fail("out of memory");
done:
    json_decref(result);
    pb_valuation_free(v);
    for (size_t i = 0; i < noffers; i++)
        pb_offer_free(offers[i]);
    if (store)
        pb_store_close(store);
    return rc;
}
