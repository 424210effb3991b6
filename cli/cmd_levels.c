/* cmd_levels.c — `payband levels COMPANY ROLE`: equivalent levels at other
 * companies, each with the statement it came from, and conflicts. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "payband/market.h"

static const struct cli_column columns[] = {
    {"company", "company", CLI_COL_TEXT, NULL},
    {"level", "level", CLI_COL_TEXT, NULL},
    {"as written", "as_written", CLI_COL_TEXT, NULL},
    {"hops", "hops", CLI_COL_TEXT, NULL},
    {"", "via_range", CLI_COL_FLAG, "via range"},
    {"from", "from", CLI_COL_TEXT, NULL},
};

const struct option cli_levels_options[] = {
    {"db", required_argument, 0, CLI_OPT_DB},
    {"format", required_argument, 0, CLI_OPT_FORMAT},
    {"wide", no_argument, 0, CLI_OPT_WIDE},
    {"help", no_argument, 0, CLI_OPT_HELP},
    {0, 0, 0, 0},
};

int cmd_levels(int argc, char **argv)
{
    struct cli_common common = {0};
    int c, rc;
    while ((c = cli_getopt(argc, argv, cli_levels_options)) != -1)
        if ((rc = cli_common_option("levels", c, optarg, &common)) != 0)
            return rc < 0 ? CLI_EXIT_OK : rc;
    if (argc - optind > 2)
        return cli_usage_error("levels", "unexpected argument '%s'", argv[optind + 2]);
    if (argc - optind != 2)
        return cli_usage_error("levels", "need a company and a role or level");
    pb_store *store = cli_open_store(common.db);
    if (!store)
        return CLI_EXIT_FAIL;
    json_t *result = NULL;
    if (pb_market_levels_cited(store, argv[optind], argv[optind + 1], cli_today, &result) !=
        PB_OK) {
        rc = cli_fail("%s", pb_store_errmsg(store));
        pb_store_close(store);
        return rc;
    }
    json_t *eq = json_object_get(result, "equivalents");
    size_t i;
    json_t *row;
    if (common.format == CLI_FORMAT_JSON) {
        cli_print_json(result);
    } else {
        if (common.format == CLI_FORMAT_TABLE)
            printf("levels stated equivalent to %s %s:\n", argv[optind], argv[optind + 1]);
        cli_print_rows(eq, columns, sizeof columns / sizeof columns[0], common.format);
        json_t *conflicts = json_object_get(result, "conflicts");
        if (common.format == CLI_FORMAT_TABLE && json_array_size(conflicts) > 0) {
            printf("conflicts:\n");
            json_array_foreach(conflicts, i, row) {
                printf("  %s:", json_string_value(json_object_get(row, "company")));
                size_t j;
                json_t *lv;
                json_array_foreach(json_object_get(row, "levels"), j, lv)
                    printf("%s %s", j ? "," : "", json_string_value(lv));
                printf(" \xE2\x80\x94 %s\n", json_string_value(json_object_get(row, "reason")));
            }
        }
        if (common.format == CLI_FORMAT_TABLE) {
            printf("statements:\n");
            json_t *seen = json_object();
            json_array_foreach(eq, i, row) {
                json_t *st = json_object_get(row, "statement");
                const char *from = json_string_value(json_object_get(row, "from"));
                if (json_object_get(seen, from))
                    continue;
                json_object_set_new(seen, from, json_true());
                printf("  %s: %s%s\n", from, json_string_value(json_object_get(st, "chain")),
                       json_is_true(json_object_get(st, "stale")) ? "  STALE" : "");
            }
            json_decref(seen);
        }
    }
    json_decref(result);
    pb_store_close(store);
    return CLI_EXIT_OK;
}
