/* cmd_stale.c — `payband stale` and `payband sources`: facts past their
 * review date, and the documents behind the data. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "payband/market.h"

const struct option cli_stale_options[] = {
    {"as-of", required_argument, 0, 'a'},  {"db", required_argument, 0, CLI_OPT_DB},
    {"format", required_argument, 0, CLI_OPT_FORMAT},
    {"wide", no_argument, 0, CLI_OPT_WIDE}, {"help", no_argument, 0, CLI_OPT_HELP},
    {0, 0, 0, 0},
};

static int run(const char *name, int argc, char **argv,
               pb_status (*query)(pb_store *, pb_date, json_t **),
               const struct cli_column *cols, size_t ncols, const char *empty)
{
    struct cli_common common = {0};
    pb_date as_of = cli_today;
    int c, rc;
    while ((c = cli_getopt(argc, argv, cli_stale_options)) != -1) {
        if (c == 'a') {
            if ((rc = cli_flag_date(name, "--as-of", optarg, &as_of)) != 0)
                return rc;
        } else if ((rc = cli_common_option(name, c, optarg, &common)) != 0) {
            return rc < 0 ? CLI_EXIT_OK : rc;
        }
    }
    if (optind < argc)
        return cli_usage_error(name, "unexpected argument '%s'", argv[optind]);
    pb_store *store = cli_open_store(common.db);
    if (!store)
        return CLI_EXIT_FAIL;
    json_t *rows = NULL;
    if (query(store, as_of, &rows) != PB_OK) {
        rc = cli_fail("%s", pb_store_errmsg(store));
        pb_store_close(store);
        return rc;
    }
    cli_print_rows(rows, cols, ncols, common.format);
    if (common.format == CLI_FORMAT_TABLE && json_array_size(rows) == 0)
        printf("%s\n", empty);
    json_decref(rows);
    pb_store_close(store);
    return CLI_EXIT_OK;
}

int cmd_stale(int argc, char **argv)
{
    static const struct cli_column cols[] = {
        {"kind", "kind", CLI_COL_TEXT, NULL},       {"company", "company", CLI_COL_TEXT, NULL},
        {"role", "role", CLI_COL_TEXT, NULL},       {"region", "region", CLI_COL_TEXT, NULL},
        {"source", "source", CLI_COL_TEXT, NULL},   {"as of", "as_of", CLI_COL_TEXT, NULL},
        {"review due", "review_due", CLI_COL_TEXT, NULL},
        {"", "review_assumed", CLI_COL_FLAG, "(assumed)"},
        {"days overdue", "days_overdue", CLI_COL_TEXT, NULL},
    };
    return run("stale", argc, argv, pb_market_stale, cols, sizeof cols / sizeof cols[0],
               "nothing is past its review date");
}

int cmd_sources(int argc, char **argv)
{
    static const struct cli_column cols[] = {
        {"key", "key", CLI_COL_TEXT, NULL},         {"kind", "kind", CLI_COL_TEXT, NULL},
        {"title", "title", CLI_COL_TEXT, NULL},     {"file", "file", CLI_COL_TEXT, NULL},
        {"as of", "as_of", CLI_COL_TEXT, NULL},     {"review due", "review_due", CLI_COL_TEXT, NULL},
        {"", "stale", CLI_COL_FLAG, "STALE"},
    };
    return run("sources", argc, argv, pb_market_sources, cols, sizeof cols / sizeof cols[0],
               "no sources");
}
