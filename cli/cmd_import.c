/* cmd_import.c — `payband import FILE...`: read negotiation guides and
 * market briefings and write their facts to the store, one transaction per
 * file, with a summary of what each gave. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "payband/document.h"

enum { OPT_TYPE = CLI_OPT_FIRST_FREE, OPT_AS_OF };

const struct option cli_import_options[] = {
    {"db", required_argument, 0, CLI_OPT_DB},
    {"format", required_argument, 0, CLI_OPT_FORMAT},
    {"type", required_argument, 0, OPT_TYPE},
    {"as-of", required_argument, 0, OPT_AS_OF},
    {"wide", no_argument, 0, CLI_OPT_WIDE},
    {"help", no_argument, 0, CLI_OPT_HELP},
    {0, 0, 0, 0},
};

int cmd_import(int argc, char **argv)
{
    struct cli_common common = {0};
    pb_document_type type = PB_DOCUMENT_AUTO;
    pb_date as_of = PB_DATE_NONE;
    int c, rc;
    while ((c = cli_getopt(argc, argv, cli_import_options)) != -1) {
        if (c == OPT_TYPE) {
            if (pb_document_type_parse(optarg, &type) != PB_OK)
                return cli_usage_error("import", "unknown type '%s' (guide or briefing)", optarg);
        } else if (c == OPT_AS_OF) {
            if ((rc = cli_flag_date("import", "--as-of", optarg, &as_of)) != 0)
                return rc;
        } else if ((rc = cli_common_option("import", c, optarg, &common)) != 0) {
            return rc < 0 ? CLI_EXIT_OK : rc;
        }
    }
    if (common.format == CLI_FORMAT_CSV)
        return cli_usage_error("import", "the summary is a table or json");
    if (optind >= argc)
        return cli_usage_error("import", "no file given");
    pb_store *store = cli_open_store(common.db);
    if (!store)
        return CLI_EXIT_FAIL;
    json_t *rows = json_array();
    rc = rows ? CLI_EXIT_OK : cli_fail("out of memory");
    for (int i = optind; rows && i < argc; i++) {
        pb_document *doc = NULL;
        json_t *summary = NULL;
        if (pb_document_read(argv[i], type, &doc) != PB_OK) {
            rc = cli_fail("%s", pb_document_errmsg(doc));
        } else {
            pb_document_assume_date(doc, as_of);
            if (pb_document_import(doc, store) != PB_OK)
                rc = cli_fail("%s: %s", argv[i], pb_store_errmsg(store));
            else if (pb_document_summary(doc, &summary) != PB_OK)
                rc = cli_fail("out of memory");
            else {
                json_t *notices = json_object_get(summary, "notices");
                for (size_t k = 0; k < json_array_size(notices); k++)
                    cli_note("%s", json_string_value(json_array_get(notices, k)));
                if (json_array_append_new(rows, summary) != 0)
                    rc = cli_fail("out of memory");
            }
        }
        pb_document_free(doc);
    }
    static const struct cli_column columns[] = {
        {"FILE", "file", CLI_COL_TEXT, NULL},
        {"TYPE", "type", CLI_COL_TEXT, NULL},
        {"SOURCE", "source", CLI_COL_TEXT, NULL},
        {"BANDS", "bands", CLI_COL_TEXT, NULL},
        {"RELATIVE", "relative_bands", CLI_COL_TEXT, NULL},
        {"LEVELS", "level_statements", CLI_COL_TEXT, NULL},
        {"OFFERS", "offers", CLI_COL_TEXT, NULL},
        {"ASKS", "asks", CLI_COL_TEXT, NULL},
        {"FLOORS", "floors", CLI_COL_TEXT, NULL},
        {"EXTRA", "additional_asks", CLI_COL_TEXT, NULL},
        {"PREMIUMS", "premiums", CLI_COL_TEXT, NULL},
        {"MENTIONS", "mentions", CLI_COL_TEXT, NULL},
        {"CLAIMS", "claims", CLI_COL_TEXT, NULL},
        {"SOURCES", "sources", CLI_COL_TEXT, NULL},
    };
    if (rows && (json_array_size(rows) > 0 || common.format == CLI_FORMAT_JSON))
        cli_print_rows(rows, columns, sizeof columns / sizeof columns[0], common.format);
    json_decref(rows);
    pb_store_close(store);
    return rc;
}
