/* cmd_check.c — `payband check FILE...`: recompute every numeric claim of
 * guides and briefings and print one finding per claim. Exit 0 when no claim
 * is wrong or inconsistent, 1 when one is or when a file cannot be read (as
 * `import` does: the input failed, not the command line), 2 on usage. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "payband/document.h"

enum { OPT_TYPE = CLI_OPT_FIRST_FREE, OPT_NO_STORE };

const struct option cli_check_options[] = {
    {"db", required_argument, 0, CLI_OPT_DB},
    {"format", required_argument, 0, CLI_OPT_FORMAT},
    {"type", required_argument, 0, OPT_TYPE},
    {"no-store", no_argument, 0, OPT_NO_STORE},
    {"wide", no_argument, 0, CLI_OPT_WIDE},
    {"help", no_argument, 0, CLI_OPT_HELP},
    {0, 0, 0, 0},
};

int cmd_check(int argc, char **argv)
{
    struct cli_common common = {0};
    pb_document_type type = PB_DOCUMENT_AUTO;
    bool use_store = true;
    int c, rc;
    while ((c = cli_getopt(argc, argv, cli_check_options)) != -1) {
        if (c == OPT_TYPE) {
            if (pb_document_type_parse(optarg, &type) != PB_OK)
                return cli_usage_error("check", "unknown type '%s' (guide or briefing)", optarg);
        } else if (c == OPT_NO_STORE) {
            use_store = false;
        } else if ((rc = cli_common_option("check", c, optarg, &common)) != 0) {
            return rc < 0 ? CLI_EXIT_OK : rc;
        }
    }
    if (optind >= argc)
        return cli_usage_error("check", "no file given");
    pb_store *store = NULL;
    if (use_store && !(store = cli_open_store(common.db)))
        return CLI_EXIT_FAIL;
    json_t *all = json_array();
    bool unreadable = false, failing = false, out_of_memory = !all;
    size_t counts[4] = {0};
    static const char *const verdicts[4] = {"ok", "wrong", "inconsistent", "unverifiable"};
    for (int i = optind; !out_of_memory && i < argc; i++) {
        pb_document *doc = NULL;
        json_t *findings = NULL;
        if (pb_document_read(argv[i], type, &doc) != PB_OK ||
            pb_document_check(doc, store, cli_today, &findings) != PB_OK) {
            cli_fail("%s", pb_document_errmsg(doc));
            unreadable = true;
        } else {
            for (size_t k = 0; k < json_array_size(findings) && !out_of_memory; k++) {
                json_t *f = json_array_get(findings, k);
                const char *v = json_string_value(json_object_get(f, "verdict"));
                for (int j = 0; j < 4; j++)
                    if (v && strcmp(v, verdicts[j]) == 0)
                        counts[j]++;
                if (common.format != CLI_FORMAT_JSON) {
                    char where[1200], rel[1024];
                    snprintf(where, sizeof where, "%s:%lld",
                             cli_relative_path(json_string_value(json_object_get(f, "file")),
                                               rel, sizeof rel),
                             (long long)json_integer_value(json_object_get(f, "line")));
                    if (json_object_set_new(f, "where", json_string(where)) != 0)
                        out_of_memory = true;
                }
                if (json_array_append(all, f) != 0)
                    out_of_memory = true;
            }
            json_decref(findings);
        }
        pb_document_free(doc);
        if (out_of_memory)
            break;
    }
    if (out_of_memory) {
        cli_fail("out of memory");
        json_decref(all);
        pb_store_close(store);
        return CLI_EXIT_FAIL;
    }
    failing = counts[1] + counts[2] > 0;
    static const struct cli_column columns[] = {
        {"WHERE", "where", CLI_COL_KEEP, NULL},
        {"VERDICT", "verdict", CLI_COL_KEEP, NULL},
        {"KIND", "kind", CLI_COL_TEXT, NULL},
        {"STATED", "stated", CLI_COL_KEEP, NULL},
        {"COMPUTED", "computed", CLI_COL_KEEP, NULL},
        {"REASON", "reason", CLI_COL_TEXT, NULL},
        {"CLAIM", "claim", CLI_COL_TEXT, NULL},
    };
    if (all)
        cli_print_rows(all, columns, sizeof columns / sizeof columns[0], common.format);
    cli_note("%zu claims: %zu ok, %zu wrong, %zu inconsistent, %zu unverifiable",
             counts[0] + counts[1] + counts[2] + counts[3], counts[0], counts[1], counts[2],
             counts[3]);
    json_decref(all);
    pb_store_close(store);
    rc = unreadable || failing ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    return rc;
}
