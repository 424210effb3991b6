/* cmd_gap.c — `payband gap A B`: how far band A sits above or below band B,
 * low with low, high with high, midpoint with midpoint. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "payband/market.h"

static void print_side(const char *name, json_t *side, const char *currency)
{
    char lo[48], hi[48];
    cli_format_money(json_number_value(json_object_get(side, "low")), currency, lo, sizeof lo);
    cli_format_money(json_number_value(json_object_get(side, "high")), currency, hi, sizeof hi);
    char range[100];
    if (strcmp(lo, hi) == 0)
        snprintf(range, sizeof range, "%s", lo);
    else
        snprintf(range, sizeof range, "%s\xE2\x80\x93%s", lo, hi);
    printf("%s: %s/%s/%s  %s %s  (%s)%s\n", name,
           json_string_value(json_object_get(side, "company")),
           json_string_value(json_object_get(side, "role")),
           json_string_value(json_object_get(side, "region")),
           json_string_value(json_object_get(side, "basis")), range,
           json_string_value(json_object_get(side, "source")),
           json_is_true(json_object_get(side, "stale")) ? "  STALE" : "");
    cli_print_fx("   ", json_object_get(side, "fx"));
}

static const struct cli_column columns[] = {
    {"measure", "measure", CLI_COL_MONEY, NULL}, {"A", "a", CLI_COL_MONEY, NULL},
    {"B", "b", CLI_COL_MONEY, NULL},             {"A - B", "difference", CLI_COL_MONEY, NULL},
    {"A vs B (% of B)", "a_vs_b", CLI_COL_TEXT, NULL},
    {"B vs A (% of A)", "b_vs_a", CLI_COL_TEXT, NULL},
};

/* "12.5% below", or "n/a" when the base of the percentage is zero. */
static json_t *pct_words(json_t *pct)
{
    char buf[64];
    if (!json_is_number(pct))
        return json_string("n/a");
    double p = json_number_value(pct);
    snprintf(buf, sizeof buf, "%.1f%% %s", fabs(p), p < 0 ? "below" : p > 0 ? "above" : "equal");
    return json_string(buf);
}

static void add_words(json_t *row)
{
    json_object_set_new(row, "a_vs_b", pct_words(json_object_get(row, "pct_of_b")));
    json_object_set_new(row, "b_vs_a", pct_words(json_object_get(row, "pct_of_a")));
}

const struct option cli_gap_options[] = {
    {"component", required_argument, 0, 'k'}, {"currency", required_argument, 0, 'C'},
    {"as-of", required_argument, 0, 'a'},     {"db", required_argument, 0, CLI_OPT_DB},
    {"format", required_argument, 0, CLI_OPT_FORMAT},
    {"wide", no_argument, 0, CLI_OPT_WIDE},   {"help", no_argument, 0, CLI_OPT_HELP},
    {0, 0, 0, 0},
};

int cmd_gap(int argc, char **argv)
{
    struct cli_common common = {0};
    const char *component = NULL, *currency = NULL;
    pb_date as_of = cli_today;
    int c, rc;
    while ((c = cli_getopt(argc, argv, cli_gap_options)) != -1) {
        switch (c) {
        case 'k': component = optarg; break;
        case 'C': currency = optarg; break;
        case 'a':
            if ((rc = cli_flag_date("gap", "--as-of", optarg, &as_of)) != 0)
                return rc;
            break;
        default:
            if ((rc = cli_common_option("gap", c, optarg, &common)) != 0)
                return rc < 0 ? CLI_EXIT_OK : rc;
        }
    }
    if (argc - optind != 2)
        return cli_usage_error("gap", "need two bands, each company[/role[/region]]");
    if (component && strcmp(component, "tc") && strcmp(component, "base") &&
        strcmp(component, "equity"))
        return cli_usage_error("gap", "--component must be tc, base or equity, not '%s'",
                               component);
    pb_store *store = cli_open_store(common.db);
    if (!store)
        return CLI_EXIT_FAIL;
    json_t *gap = NULL;
    pb_status st = pb_market_gap(store, argv[optind], argv[optind + 1], component, currency,
                                 as_of, &gap);
    if (st != PB_OK) {
        rc = st == PB_ERR_USAGE ? cli_usage_error("gap", "%s", pb_store_errmsg(store))
                                : cli_fail("%s", pb_store_errmsg(store));
        pb_store_close(store);
        return rc;
    }
    json_t *rows = json_object_get(gap, "rows");
    const char *cur = json_string_value(json_object_get(gap, "currency"));
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        add_words(row);
        json_object_set_new(row, "currency", json_string(cur));
    }
    if (common.format == CLI_FORMAT_JSON) {
        json_array_foreach(rows, i, row) {
            json_object_del(row, "a_vs_b");
            json_object_del(row, "b_vs_a");
            json_object_del(row, "currency");
        }
        cli_print_json(gap);
    } else if (common.format == CLI_FORMAT_CSV) {
        static const struct cli_column csv[] = {
            {"", "measure", CLI_COL_TEXT, NULL},   {"", "currency", CLI_COL_TEXT, NULL},
            {"", "a", CLI_COL_MONEY, NULL},        {"", "b", CLI_COL_MONEY, NULL},
            {"", "difference", CLI_COL_MONEY, NULL}, {"", "pct_of_b", CLI_COL_TEXT, NULL},
            {"", "pct_of_a", CLI_COL_TEXT, NULL},
        };
        cli_print_rows(rows, csv, sizeof csv / sizeof csv[0], common.format);
    } else {
        printf("comparing %s in %s\n", json_string_value(json_object_get(gap, "component")), cur);
        print_side("A", json_object_get(gap, "a"), cur);
        print_side("B", json_object_get(gap, "b"), cur);
        struct cli_column cols[sizeof columns / sizeof columns[0]];
        memcpy(cols, columns, sizeof cols);
        cols[0].kind = CLI_COL_TEXT;
        cli_print_rows(rows, cols, sizeof cols / sizeof cols[0], common.format);
        printf("A vs B: (A - B) / B, the percentage of B's figure; B vs A: (B - A) / A.\n");
    }
    json_decref(gap);
    pb_store_close(store);
    return CLI_EXIT_OK;
}
