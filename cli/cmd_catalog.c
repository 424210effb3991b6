/* cmd_catalog.c — `payband companies`, `payband roles`, `payband premiums`:
 * what the store holds, from the library's catalog queries
 * (pb_market_companies, pb_market_roles, pb_market_premiums). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/alloc.h"
#include "payband/market.h"

enum { OPT_COMPANY = CLI_OPT_FIRST_FREE, OPT_ROLE };

const struct option cli_companies_options[] = {
    {"db", required_argument, 0, CLI_OPT_DB},
    {"format", required_argument, 0, CLI_OPT_FORMAT},
    {"wide", no_argument, 0, CLI_OPT_WIDE},
    {"help", no_argument, 0, CLI_OPT_HELP},
    {0, 0, 0, 0},
};

const struct option cli_roles_options[] = {
    {"company", required_argument, 0, OPT_COMPANY},
    {"db", required_argument, 0, CLI_OPT_DB},
    {"format", required_argument, 0, CLI_OPT_FORMAT},
    {"wide", no_argument, 0, CLI_OPT_WIDE},
    {"help", no_argument, 0, CLI_OPT_HELP},
    {0, 0, 0, 0},
};

const struct option cli_premiums_options[] = {
    {"company", required_argument, 0, OPT_COMPANY},
    {"role", required_argument, 0, OPT_ROLE},
    {"db", required_argument, 0, CLI_OPT_DB},
    {"format", required_argument, 0, CLI_OPT_FORMAT},
    {"wide", no_argument, 0, CLI_OPT_WIDE},
    {"help", no_argument, 0, CLI_OPT_HELP},
    {0, 0, 0, 0},
};

/* Lists of names joined for the table and CSV ("L3, L4, L5"). */
static int join_lists(json_t *rows, const char *key)
{
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        json_t *list = json_object_get(row, key);
        size_t n = 0, j;
        json_t *item;
        json_array_foreach(list, j, item)
            n += strlen(json_string_value(item)) + 2;
        char *text = n ? pb__malloc(n) : NULL;
        if (n && !text)
            return cli_fail("out of memory");
        size_t at = 0;
        json_array_foreach(list, j, item)
            at += (size_t)snprintf(text + at, n - at, "%s%s", j ? ", " : "",
                                   json_string_value(item));
        json_t *joined = json_string(text ? text : "");
        pb__free(text);
        if (!joined || json_object_set_new(row, key, joined) != 0)
            return cli_fail("out of memory");
    }
    return CLI_EXIT_OK;
}

/* Percent range "15–25%" for a premium row's table. */
static int premium_ranges(json_t *rows)
{
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        char buf[64];
        double lo = json_number_value(json_object_get(row, "pct_low"));
        double hi = json_number_value(json_object_get(row, "pct_high"));
        if (lo == hi)
            snprintf(buf, sizeof buf, "%g%%", hi);
        else
            snprintf(buf, sizeof buf, "%g\xE2\x80\x93%g%%", lo, hi);
        char from[256];
        json_t *line = json_object_get(row, "line");
        if (json_is_integer(line))
            snprintf(from, sizeof from, "%s:%lld",
                     json_string_value(json_object_get(row, "source")),
                     (long long)json_integer_value(line));
        else
            snprintf(from, sizeof from, "%s", json_string_value(json_object_get(row, "source")));
        if (json_object_set_new(row, "pct", json_string(buf)) != 0 ||
            json_object_set_new(row, "from", json_string(from)) != 0)
            return cli_fail("out of memory");
    }
    return CLI_EXIT_OK;
}

/* Parse the options of one catalog command; open the store. */
static int catalog(const char *name, const struct option *options, int argc, char **argv,
                   const char **company, const char **role, struct cli_common *common,
                   pb_store **store)
{
    int c, rc;
    while ((c = cli_getopt(argc, argv, options)) != -1) {
        if (c == OPT_COMPANY)
            *company = optarg;
        else if (c == OPT_ROLE)
            *role = optarg;
        else if ((rc = cli_common_option(name, c, optarg, common)) != 0)
            return rc < 0 ? -1 : rc;
    }
    if (optind < argc)
        return cli_usage_error(name, "unexpected argument '%s'", argv[optind]);
    *store = cli_open_store(common->db);
    return *store ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

/* Print the rows (joining `list_keys` for table and CSV) and free them. */
static int finish(pb_store *store, pb_status st, json_t *rows, const struct cli_column *cols,
                  size_t ncols, const char *const *list_keys, cli_format format,
                  const char *empty)
{
    int rc = CLI_EXIT_OK;
    if (st != PB_OK)
        rc = cli_fail("%s", pb_store_errmsg(store));
    for (size_t k = 0; rc == CLI_EXIT_OK && list_keys && list_keys[k]; k++)
        if (format != CLI_FORMAT_JSON)
            rc = join_lists(rows, list_keys[k]);
    if (rc == CLI_EXIT_OK) {
        cli_print_rows(rows, cols, ncols, format);
        if (format == CLI_FORMAT_TABLE && json_array_size(rows) == 0)
            printf("%s\n", empty);
    }
    json_decref(rows);
    pb_store_close(store);
    return rc;
}

int cmd_companies(int argc, char **argv)
{
    struct cli_common common = {0};
    const char *company = NULL, *role = NULL;
    pb_store *store = NULL;
    int rc = catalog("companies", cli_companies_options, argc, argv, &company, &role, &common,
                     &store);
    if (rc != CLI_EXIT_OK)
        return rc < 0 ? CLI_EXIT_OK : rc;
    /* The table leaves the display name to JSON and CSV: it is mostly the
     * slug again, and the lists need the room. */
    static const struct cli_column table[] = {
        {"company", "company", CLI_COL_TEXT, NULL}, {"bands", "bands", CLI_COL_TEXT, NULL},
        {"relative", "relative_bands", CLI_COL_TEXT, NULL},
        {"offers", "offers", CLI_COL_TEXT, NULL},   {"sources", "sources", CLI_COL_TEXT, NULL},
        {"stage", "stage", CLI_COL_TEXT, NULL},     {"levels", "levels", CLI_COL_TEXT, NULL},
        {"roles", "roles", CLI_COL_TEXT, NULL},
    };
    static const struct cli_column csv[] = {
        {"", "company", CLI_COL_TEXT, NULL}, {"", "name", CLI_COL_TEXT, NULL},
        {"", "bands", CLI_COL_TEXT, NULL},   {"", "relative_bands", CLI_COL_TEXT, NULL},
        {"", "offers", CLI_COL_TEXT, NULL},  {"", "sources", CLI_COL_TEXT, NULL},
        {"", "stage", CLI_COL_TEXT, NULL},   {"", "levels", CLI_COL_TEXT, NULL},
        {"", "roles", CLI_COL_TEXT, NULL},
    };
    static const char *const lists[] = {"levels", "roles", NULL};
    json_t *rows = NULL;
    pb_status st = pb_market_companies(store, &rows);
    bool is_csv = common.format == CLI_FORMAT_CSV;
    return finish(store, st, rows, is_csv ? csv : table,
                  is_csv ? sizeof csv / sizeof csv[0] : sizeof table / sizeof table[0], lists,
                  common.format, "the store holds no companies");
}

int cmd_roles(int argc, char **argv)
{
    struct cli_common common = {0};
    const char *company = NULL, *role = NULL;
    pb_store *store = NULL;
    int rc = catalog("roles", cli_roles_options, argc, argv, &company, &role, &common, &store);
    if (rc != CLI_EXIT_OK)
        return rc < 0 ? CLI_EXIT_OK : rc;
    static const struct cli_column table[] = {
        {"role", "role", CLI_COL_TEXT, NULL},       {"bands", "bands", CLI_COL_TEXT, NULL},
        {"sources", "sources", CLI_COL_TEXT, NULL}, {"companies", "companies", CLI_COL_TEXT, NULL},
    };
    static const struct cli_column csv[] = {
        {"", "role", CLI_COL_TEXT, NULL},    {"", "name", CLI_COL_TEXT, NULL},
        {"", "bands", CLI_COL_TEXT, NULL},   {"", "sources", CLI_COL_TEXT, NULL},
        {"", "companies", CLI_COL_TEXT, NULL},
    };
    static const char *const lists[] = {"companies", NULL};
    json_t *rows = NULL;
    pb_status st = pb_market_roles(store, company, &rows);
    bool is_csv = common.format == CLI_FORMAT_CSV;
    return finish(store, st, rows, is_csv ? csv : table,
                  is_csv ? sizeof csv / sizeof csv[0] : sizeof table / sizeof table[0], lists,
                  common.format,
                  company ? "the store holds no roles at that company" : "the store holds no roles");
}

int cmd_premiums(int argc, char **argv)
{
    struct cli_common common = {0};
    const char *company = NULL, *role = NULL;
    pb_store *store = NULL;
    int rc = catalog("premiums", cli_premiums_options, argc, argv, &company, &role, &common,
                     &store);
    if (rc != CLI_EXIT_OK)
        return rc < 0 ? CLI_EXIT_OK : rc;
    json_t *rows = NULL;
    pb_status st = pb_market_premiums(store, company, role, &rows);
    if (st == PB_OK && common.format == CLI_FORMAT_TABLE && (rc = premium_ranges(rows)) != 0) {
        json_decref(rows);
        pb_store_close(store);
        return rc;
    }
    static const struct cli_column table[] = {
        {"premium", "name", CLI_COL_TEXT, NULL},      {"on", "applies_to", CLI_COL_TEXT, NULL},
        {"pct", "pct", CLI_COL_TEXT, NULL},           {"company", "company", CLI_COL_TEXT, NULL},
        {"role", "role", CLI_COL_TEXT, NULL},         {"from", "from", CLI_COL_TEXT, NULL},
        {"note", "note", CLI_COL_TEXT, NULL},
    };
    static const struct cli_column csv[] = {
        {"", "name", CLI_COL_TEXT, NULL},     {"", "applies_to", CLI_COL_TEXT, NULL},
        {"", "pct_low", CLI_COL_TEXT, NULL},  {"", "pct_high", CLI_COL_TEXT, NULL},
        {"", "company", CLI_COL_TEXT, NULL},  {"", "role", CLI_COL_TEXT, NULL},
        {"", "source", CLI_COL_TEXT, NULL},   {"", "line", CLI_COL_TEXT, NULL},
        {"", "as_of", CLI_COL_TEXT, NULL},    {"", "note", CLI_COL_TEXT, NULL},
    };
    bool is_csv = common.format == CLI_FORMAT_CSV;
    return finish(store, st, rows, is_csv ? csv : table,
                  is_csv ? sizeof csv / sizeof csv[0] : sizeof table / sizeof table[0], NULL,
                  common.format, "no premiums match");
}
