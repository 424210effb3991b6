/* cmd_bands.c — `payband bands`: pay bands with computed total comp, stated
 * total comp, relative bands resolved, conversion and staleness. */
#include <stdio.h>
#include <string.h>

#include "bands_reports.h"
#include "cli.h"
#include "commands.h"
#include "payband/market.h"
#include "payband/reports.h"

static const struct cli_column table_columns[] = {
    {"company", "company", CLI_COL_TEXT, NULL},
    {"role", "role", CLI_COL_TEXT, NULL},
    {"region", "region", CLI_COL_TEXT, NULL},
    {"level", "level", CLI_COL_TEXT, NULL},
    {"base", "base", CLI_COL_RANGE, NULL},
    {"equity grant", "equity", CLI_COL_RANGE, NULL},
    {"yrs", "vest_years", CLI_COL_TEXT, NULL},
    {"bonus", "bonus_pct", CLI_COL_PCT_RANGE, NULL},
    {"total comp", "tc", CLI_COL_RANGE, NULL},
    {"stated tc", "stated_tc", CLI_COL_RANGE, NULL},
    {"", "tc_mismatch", CLI_COL_FLAG, "MISMATCH"},
    {"", "stale", CLI_COL_FLAG, "STALE"},
    {"source", "source", CLI_COL_TEXT, NULL},
};

static const struct cli_column csv_columns[] = {
    {"", "company", CLI_COL_TEXT, NULL},       {"", "role", CLI_COL_TEXT, NULL},
    {"", "level", CLI_COL_TEXT, NULL},         {"", "region", CLI_COL_TEXT, NULL},
    {"", "currency", CLI_COL_TEXT, NULL},      {"", "base_low", CLI_COL_MONEY, NULL},
    {"", "base_high", CLI_COL_MONEY, NULL},    {"", "equity_low", CLI_COL_MONEY, NULL},
    {"", "equity_high", CLI_COL_MONEY, NULL},  {"", "vest_years", CLI_COL_TEXT, NULL},
    {"", "bonus_pct_low", CLI_COL_PCT, NULL},  {"", "bonus_pct_high", CLI_COL_PCT, NULL},
    {"", "tc_low", CLI_COL_MONEY, NULL},       {"", "tc_high", CLI_COL_MONEY, NULL},
    {"", "stated_tc_low", CLI_COL_MONEY, NULL}, {"", "stated_tc_high", CLI_COL_MONEY, NULL},
    {"", "tc_mismatch", CLI_COL_FLAG, NULL},   {"", "source", CLI_COL_TEXT, NULL},
    {"", "line", CLI_COL_TEXT, NULL},          {"", "as_of", CLI_COL_TEXT, NULL},
    {"", "review_due", CLI_COL_TEXT, NULL},    {"", "stale", CLI_COL_FLAG, NULL},
};

/* The notes under a table: relative bands, conversions, mismatches, staleness. */
static void print_notes(json_t *bands)
{
    size_t i;
    json_t *b;
    bool any_stale = false;
    json_array_foreach(bands, i, b) {
        json_t *rel = json_object_get(b, "relative_to");
        if (json_is_object(rel))
            printf("note: %s %s %s is %g\xE2\x80\x93%g%% of %s base%s\n",
                   json_string_value(json_object_get(b, "company")),
                   json_string_value(json_object_get(b, "role")),
                   json_string_value(json_object_get(b, "region")),
                   json_number_value(json_object_get(rel, "pct_low")),
                   json_number_value(json_object_get(rel, "pct_high")),
                   json_string_value(json_object_get(rel, "region")),
                   json_is_true(json_object_get(rel, "equity_same")) ? ", same equity grant"
                                                                     : "");
        if (json_is_true(json_object_get(b, "tc_mismatch"))) {
            char s1[48], s2[48], c1[48], c2[48];
            const char *cur = json_string_value(json_object_get(b, "currency"));
            cli_format_money(json_number_value(json_object_get(b, "stated_tc_low")), cur, s1,
                             sizeof s1);
            cli_format_money(json_number_value(json_object_get(b, "stated_tc_high")), cur, s2,
                             sizeof s2);
            cli_format_money(json_number_value(json_object_get(b, "tc_low")), cur, c1, sizeof c1);
            cli_format_money(json_number_value(json_object_get(b, "tc_high")), cur, c2,
                             sizeof c2);
            printf("note: %s %s %s states total comp %s\xE2\x80\x93%s; base + equity/%lld + "
                   "bonus gives %s\xE2\x80\x93%s (more than %.0f%% apart)\n",
                   json_string_value(json_object_get(b, "company")),
                   json_string_value(json_object_get(b, "role")),
                   json_string_value(json_object_get(b, "region")), s1, s2,
                   (long long)json_integer_value(json_object_get(b, "vest_years")), c1, c2,
                   PB_TC_TOLERANCE_PCT);
        }
        any_stale |= json_is_true(json_object_get(b, "stale"));
    }
    /* one line per distinct conversion */
    json_t *seen = json_object();
    json_array_foreach(bands, i, b) {
        json_t *fx = json_object_get(b, "fx");
        if (!json_is_object(fx))
            continue;
        char key[128];
        snprintf(key, sizeof key, "%s>%s@%s", json_string_value(json_object_get(fx, "from")),
                 json_string_value(json_object_get(fx, "to")),
                 json_string_value(json_object_get(fx, "date")));
        if (json_object_get(seen, key))
            continue;
        json_object_set_new(seen, key, json_true());
        cli_print_fx("", fx);
    }
    json_decref(seen);
    if (any_stale)
        printf("STALE: past the source's review date; see `payband stale`\n");
}

const struct option cli_bands_options[] = {
    {"company", required_argument, 0, 'c'}, {"role", required_argument, 0, 'r'},
    {"region", required_argument, 0, 'g'},  {"currency", required_argument, 0, 'C'},
    {"as-of", required_argument, 0, 'a'},   {"level", required_argument, 0, 'l'},
    {"source", required_argument, 0, 's'},  {"db", required_argument, 0, CLI_OPT_DB},
    {"format", required_argument, 0, CLI_OPT_FORMAT},
    {"wide", no_argument, 0, CLI_OPT_WIDE}, {"help", no_argument, 0, CLI_OPT_HELP},
    {0, 0, 0, 0},
};

int cmd_bands(int argc, char **argv)
{
    struct cli_common common = {0};
    pb_band_query q = {NULL, NULL, NULL, NULL, cli_today};
    const char *level = NULL, *source = NULL;
    int c, rc;
    while ((c = cli_getopt(argc, argv, cli_bands_options)) != -1) {
        switch (c) {
        case 'c': q.company = optarg; break;
        case 'r': q.role = optarg; break;
        case 'g': q.region = optarg; break;
        case 'C': q.currency = optarg; break;
        case 'l': level = optarg; break;
        case 's': source = optarg; break;
        case 'a':
            if ((rc = cli_flag_date("bands", "--as-of", optarg, &q.as_of)) != 0)
                return rc;
            break;
        default:
            if ((rc = cli_common_option("bands", c, optarg, &common)) != 0)
                return rc < 0 ? CLI_EXIT_OK : rc;
        }
    }
    if (optind < argc)
        return cli_usage_error("bands", "unexpected argument '%s'", argv[optind]);
    pb_store *store = cli_open_store(common.db);
    if (!store)
        return CLI_EXIT_FAIL;
    json_t *bands = NULL;
    if (pb_market_bands_filtered(store, &q, level, source, &bands) != PB_OK) {
        rc = cli_fail("%s", pb_store_errmsg(store));
        pb_store_close(store);
        return rc;
    }
    if (pb_reports_add_bands(store, &q, level, source, bands) != PB_OK) {
        rc = cli_fail("%s", pb_store_errmsg(store));
        json_decref(bands);
        pb_store_close(store);
        return rc;
    }
    if (common.format == CLI_FORMAT_CSV)
        cli_print_rows(bands, csv_columns, sizeof csv_columns / sizeof csv_columns[0],
                       common.format);
    else
        cli_print_rows(bands, table_columns, sizeof table_columns / sizeof table_columns[0],
                       common.format);
    if (common.format == CLI_FORMAT_TABLE) {
        if (json_array_size(bands) == 0)
            printf("no bands match\n");
        print_notes(bands);
        cli_bands_reports_notes(bands);
    }
    json_decref(bands);
    pb_store_close(store);
    return CLI_EXIT_OK;
}
