/* cmd_reports.c — `payband reports`: import files of offer reports, the
 * percentiles of any group of them, and a summary of what is loaded. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "progress.h"
#include "payband/number.h"
#include "payband/reports.h"

enum {
    OPT_MAP = CLI_OPT_FIRST_FREE, OPT_SOURCE, OPT_CURRENCY, OPT_AS_OF, OPT_STRICT, OPT_DRY_RUN,
    OPT_COMPANY, OPT_ROLE, OPT_LEVEL, OPT_REGION, OPT_YEARS_MIN, OPT_YEARS_MAX, OPT_SINCE,
    OPT_COMPONENT, OPT_BY, OPT_MIN_REPORTS,
};

struct args {
    struct cli_common common;
    pb_reports_import_options import;
    pb_reports_query query;
    const char *maps[64];
    size_t nmaps;
};

/* ---- import ------------------------------------------------------------- */

static void print_import_table(json_t *res, bool dry_run)
{
    const char *file = json_string_value(json_object_get(res, "file"));
    long long records = json_integer_value(json_object_get(res, "records"));
    long long accepted = json_integer_value(json_object_get(res, "accepted"));
    long long rejected = json_integer_value(json_object_get(res, "rejected"));
    long long added = json_integer_value(json_object_get(res, "added"));
    if (dry_run) {
        static const struct cli_column cols[] = {
            {"line", "line", CLI_COL_TEXT, NULL},       {"company", "company", CLI_COL_TEXT, NULL},
            {"role", "role", CLI_COL_TEXT, NULL},       {"level", "level", CLI_COL_TEXT, NULL},
            {"region", "region", CLI_COL_TEXT, NULL},   {"base", "base", CLI_COL_MONEY, NULL},
            {"total comp", "tc", CLI_COL_MONEY, NULL},  {"date", "date", CLI_COL_TEXT, NULL},
            {"", "tc_mismatch", CLI_COL_FLAG, "MISMATCH"},
            {"", "base_zero", CLI_COL_FLAG, "BASE 0"},
        };
        cli_print_rows(json_object_get(res, "reports"), cols, sizeof cols / sizeof cols[0],
                       CLI_FORMAT_TABLE);
        printf("%s: %lld rows read, %lld accepted, %lld rejected (dry run: nothing written)\n",
               file, records, accepted, rejected);
        return;
    }
    if (records == 0)
        printf("%s: no rows\n", file);
    else if (!json_is_true(json_object_get(res, "changed")))
        printf("%s: nothing new: all %lld accepted rows are in the store already\n", file,
               accepted);
    else
        printf("%s: %lld rows read, %lld accepted, %lld rejected; %lld new reports (source %s)\n",
               file, records, accepted, rejected, added,
               json_string_value(json_object_get(res, "source")));
}

static void print_rejections(json_t *res)
{
    size_t i;
    json_t *e;
    json_t *errors = json_object_get(res, "errors");
    json_array_foreach(errors, i, e) fprintf(stderr, "%s\n", json_string_value(e));
    long long rejected = json_integer_value(json_object_get(res, "rejected"));
    if (rejected > (long long)json_array_size(errors))
        cli_note("%s: %lld rows rejected in all, the first %zu shown",
                 json_string_value(json_object_get(res, "file")), rejected,
                 json_array_size(errors));
}

/* Rows, and not one of them accepted: the file is not what it should be. */
static bool none_read(json_t *res)
{
    return json_integer_value(json_object_get(res, "records")) > 0 &&
           json_integer_value(json_object_get(res, "accepted")) == 0;
}

static int reports_import(pb_reports *rep, struct args *a, int argc, char **argv)
{
    if (argc < 1)
        return cli_usage_error("reports", "reports import needs a file");
    json_t *all = json_array();
    int rc = all ? CLI_EXIT_OK : cli_fail("out of memory");
    a->import.map = a->maps;
    a->import.nmap = a->nmaps;
    for (int i = 0; rc == CLI_EXIT_OK && i < argc; i++) {
        char what[600];
        snprintf(what, sizeof what, "payband: reading %s", argv[i]);
        cli_progress *p = cli_progress_start(what, "bytes", a->common.format);
        a->import.progress = p ? cli_progress_callback : NULL;
        a->import.progress_ctx = p;
        json_t *res = NULL;
        pb_status st = pb_reports_import(rep, argv[i], &a->import, &res);
        cli_progress_end(p);
        if (st == PB_OK && a->common.format == CLI_FORMAT_TABLE) {
            print_rejections(res);
            if (!none_read(res))
                print_import_table(res, a->import.dry_run);
        }
        if (st != PB_OK)
            rc = st == PB_ERR_USAGE ? cli_usage_error("reports", "%s", pb_reports_errmsg(rep))
                                    : cli_fail("%s", pb_reports_errmsg(rep));
        else if (none_read(res))
            rc = cli_fail("%s: none of its %lld rows could be read", argv[i],
                          (long long)json_integer_value(json_object_get(res, "records")));
        if (res)
            json_array_append_new(all, res);
    }
    if (a->common.format != CLI_FORMAT_TABLE)
        cli_print_json(all);
    json_decref(all);
    return rc;
}

/* ---- percentiles -------------------------------------------------------- */

static const struct cli_column pct_table[] = {
    {"company", "company", CLI_COL_TEXT, NULL}, {"role", "role", CLI_COL_TEXT, NULL},
    {"level", "level", CLI_COL_TEXT, NULL},     {"region", "region", CLI_COL_TEXT, NULL},
    {"years", "years", CLI_COL_TEXT, NULL},     {"n", "n_text", CLI_COL_KEEP, NULL},
    {"p10", "p10", CLI_COL_MONEY, NULL},        {"p25", "p25", CLI_COL_MONEY, NULL},
    {"p50", "p50", CLI_COL_MONEY, NULL},        {"p75", "p75", CLI_COL_MONEY, NULL},
    {"p90", "p90", CLI_COL_MONEY, NULL},        {"mean", "mean", CLI_COL_MONEY, NULL},
};

static const struct cli_column pct_csv[] = {
    {"", "component", CLI_COL_TEXT, NULL}, {"", "company", CLI_COL_TEXT, NULL},
    {"", "role", CLI_COL_TEXT, NULL},      {"", "level", CLI_COL_TEXT, NULL},
    {"", "region", CLI_COL_TEXT, NULL},    {"", "years", CLI_COL_TEXT, NULL},
    {"", "currency", CLI_COL_TEXT, NULL},  {"", "suppressed", CLI_COL_FLAG, NULL},
    {"", "n", CLI_COL_TEXT, NULL},         {"", "distinct", CLI_COL_TEXT, NULL},
    {"", "p10", CLI_COL_MONEY, NULL},      {"", "p25", CLI_COL_MONEY, NULL},
    {"", "p50", CLI_COL_MONEY, NULL},      {"", "p75", CLI_COL_MONEY, NULL},
    {"", "p90", CLI_COL_MONEY, NULL},      {"", "mean", CLI_COL_MONEY, NULL},
    {"", "step", CLI_COL_MONEY, NULL},     {"", "first_date", CLI_COL_TEXT, NULL},
    {"", "last_date", CLI_COL_TEXT, NULL},
};

/* "12,345" */
static void thousands(long long v, char *buf, size_t cap)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%lld", v < 0 ? -v : v);
    size_t o = 0;
    if (v < 0 && o + 1 < cap)
        buf[o++] = '-';
    for (int i = 0; i < n && o + 2 < cap; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

static void print_pct_notes(json_t *rows, int k)
{
    size_t i;
    json_t *row;
    double step = -1;
    bool same = true, any = false;
    const char *cur = NULL;
    json_t *seen = json_object();
    json_array_foreach(rows, i, row) {
        json_t *fx = json_object_get(row, "fx");
        if (json_is_object(fx) && seen) {
            char key[64];
            snprintf(key, sizeof key, "%s>%s", json_string_value(json_object_get(fx, "from")),
                     json_string_value(json_object_get(fx, "date")));
            if (!json_object_get(seen, key)) {
                json_object_set_new(seen, key, json_true());
                cli_print_fx("", fx);
            }
        }
        if (json_is_true(json_object_get(row, "suppressed")))
            continue;
        double s = json_number_value(json_object_get(row, "step"));
        const char *c = json_string_value(json_object_get(row, "currency"));
        if (any && (s != step || strcmp(c, cur) != 0))
            same = false;
        step = s;
        cur = c;
        any = true;
    }
    json_decref(seen);
    if (any && same) {
        char money[48];
        cli_format_money(step, cur, money, sizeof money);
        printf("figures rounded to steps of %s; groups of fewer than %d distinct reports are "
               "suppressed\n",
               money, k);
    } else if (any) {
        printf("figures rounded to each group's step (--format json shows it); groups of fewer "
               "than %d distinct reports are suppressed\n",
               k);
    }
}

static int reports_percentiles(pb_reports *rep, struct args *a, int argc)
{
    if (argc > 0)
        return cli_usage_error("reports", "reports percentiles takes no file");
    json_t *rows = NULL;
    if (pb_reports_percentiles(rep, &a->query, &rows) != PB_OK)
        return cli_fail("%s", pb_reports_errmsg(rep));
    if (a->common.format == CLI_FORMAT_TABLE) {
        int k = a->query.k ? a->query.k : PB_REPORTS_K;
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row) {
            char text[48];
            if (json_is_true(json_object_get(row, "suppressed")))
                snprintf(text, sizeof text, "suppressed (n < %d)", k);
            else
                thousands((long long)json_integer_value(json_object_get(row, "n")), text,
                          sizeof text);
            json_object_set_new(row, "n_text", json_string(text));
        }
        cli_print_rows(rows, pct_table, sizeof pct_table / sizeof pct_table[0], CLI_FORMAT_TABLE);
        if (json_array_size(rows) == 0)
            printf("no reports match\n");
        print_pct_notes(rows, k);
    } else if (a->common.format == CLI_FORMAT_CSV) {
        cli_print_rows(rows, pct_csv, sizeof pct_csv / sizeof pct_csv[0], CLI_FORMAT_CSV);
    } else {
        cli_print_json(rows);
    }
    json_decref(rows);
    return CLI_EXIT_OK;
}

/* ---- summary -------------------------------------------------------------- */

static int reports_summary(pb_reports *rep, struct args *a, int argc)
{
    if (argc > 0)
        return cli_usage_error("reports", "reports summary takes no argument");
    json_t *s = NULL;
    if (pb_reports_summary(rep, &s) != PB_OK)
        return cli_fail("%s", pb_reports_errmsg(rep));
    if (a->common.format != CLI_FORMAT_TABLE) {
        cli_print_json(s);
        json_decref(s);
        return CLI_EXIT_OK;
    }
    static const struct cli_column cols[] = {
        {"file", "file", CLI_COL_KEEP, NULL},
        {"rows", "records", CLI_COL_TEXT, NULL},      {"accepted", "accepted", CLI_COL_TEXT, NULL},
        {"rejected", "rejected", CLI_COL_TEXT, NULL}, {"new", "added", CLI_COL_TEXT, NULL},
        {"from", "first_date", CLI_COL_TEXT, NULL},   {"to", "last_date", CLI_COL_TEXT, NULL},
    };
    json_t *files = json_object_get(s, "files");
    if (json_array_size(files) == 0) {
        printf("no reports loaded\n");
        json_decref(s);
        return CLI_EXIT_OK;
    }
    cli_print_rows(files, cols, sizeof cols / sizeof cols[0], CLI_FORMAT_TABLE);
    char a1[32], a2[32], a3[32], a4[32];
    thousands((long long)json_integer_value(json_object_get(s, "reports")), a1, sizeof a1);
    thousands((long long)json_integer_value(json_object_get(s, "rows")), a2, sizeof a2);
    thousands((long long)json_integer_value(json_object_get(s, "companies")), a3, sizeof a3);
    thousands((long long)json_integer_value(json_object_get(s, "rejected")), a4, sizeof a4);
    printf("reports: %s distinct, %s with repeated rows counted\n", a1, a2);
    printf("companies: %s\n", a3);
    printf("rejected rows: %s\n", a4);
    const char *from = json_string_value(json_object_get(s, "first_date"));
    const char *to = json_string_value(json_object_get(s, "last_date"));
    if (from && to)
        printf("dates: %s to %s\n", from, to);
    size_t i;
    json_t *c;
    printf("currencies:");
    json_array_foreach(json_object_get(s, "currencies"), i, c) {
        thousands((long long)json_integer_value(json_object_get(c, "rows")), a1, sizeof a1);
        printf("%s %s %s", i ? "," : "", json_string_value(json_object_get(c, "currency")), a1);
    }
    printf("\n");
    json_decref(s);
    return CLI_EXIT_OK;
}

/* ---- options ---------------------------------------------------------------- */

static int option(struct args *a, int c, const char *arg)
{
    pb_reports_query *q = &a->query;
    double v = 0;
    int64_t k = 0;
    switch (c) {
    case OPT_MAP:
        if (a->nmaps == sizeof a->maps / sizeof a->maps[0])
            return cli_usage_error("reports", "at most 64 --map options");
        a->maps[a->nmaps++] = arg;
        return 0;
    case OPT_SOURCE: a->import.source = arg; return 0;
    case OPT_CURRENCY: a->import.currency = arg; q->currency = arg; return 0;
    case OPT_STRICT: a->import.strict = true; return 0;
    case OPT_DRY_RUN: a->import.dry_run = true; return 0;
    case OPT_COMPANY: q->company = arg; return 0;
    case OPT_ROLE: q->role = arg; return 0;
    case OPT_LEVEL: q->level = arg; return 0;
    case OPT_REGION: q->region = arg; return 0;
    case OPT_COMPONENT: q->component = arg; return 0;
    case OPT_BY: q->by = arg; return 0;
    case OPT_AS_OF:
        return cli_flag_date("reports", "--as-of", arg, &a->import.as_of);
    case OPT_SINCE:
        return cli_flag_date("reports", "--since", arg, &q->since);
    case OPT_YEARS_MIN:
    case OPT_YEARS_MAX:
        if (cli_flag_number("reports", c == OPT_YEARS_MIN ? "--years-min" : "--years-max", arg,
                            &v) != 0)
            return CLI_EXIT_USAGE;
        if (v < 0 || v > 100)
            return cli_usage_error("reports", "%s must be from 0 to 100 years, not '%s'",
                                   c == OPT_YEARS_MIN ? "--years-min" : "--years-max", arg);
        if (c == OPT_YEARS_MIN) {
            q->has_years_min = true;
            q->years_min = v;
        } else {
            q->has_years_max = true;
            q->years_max = v;
        }
        return 0;
    case OPT_MIN_REPORTS:
        if (cli_flag_whole("reports", "--min-reports", arg, PB_REPORTS_K, 1000000, &k) != 0)
            return CLI_EXIT_USAGE;
        q->k = (int)k;
        return 0;
    default:
        return cli_common_option("reports", c, arg, &a->common);
    }
}

const struct option cli_reports_options[] = {
    {"map", required_argument, 0, OPT_MAP},
    {"source", required_argument, 0, OPT_SOURCE},
    {"currency", required_argument, 0, OPT_CURRENCY},
    {"as-of", required_argument, 0, OPT_AS_OF},
    {"strict", no_argument, 0, OPT_STRICT},
    {"dry-run", no_argument, 0, OPT_DRY_RUN},
    {"company", required_argument, 0, OPT_COMPANY},
    {"role", required_argument, 0, OPT_ROLE},
    {"level", required_argument, 0, OPT_LEVEL},
    {"region", required_argument, 0, OPT_REGION},
    {"years-min", required_argument, 0, OPT_YEARS_MIN},
    {"years-max", required_argument, 0, OPT_YEARS_MAX},
    {"since", required_argument, 0, OPT_SINCE},
    {"component", required_argument, 0, OPT_COMPONENT},
    {"by", required_argument, 0, OPT_BY},
    {"min-reports", required_argument, 0, OPT_MIN_REPORTS},
    {"db", required_argument, 0, CLI_OPT_DB},
    {"format", required_argument, 0, CLI_OPT_FORMAT},
    {"wide", no_argument, 0, CLI_OPT_WIDE},
    {"help", no_argument, 0, CLI_OPT_HELP},
    {0, 0, 0, 0},
};

int cmd_reports(int argc, char **argv)
{
    struct args a;
    memset(&a, 0, sizeof a);
    a.import.as_of = PB_DATE_NONE;
    a.query.since = PB_DATE_NONE;
    int c, rc = CLI_EXIT_OK;
    while ((c = cli_getopt(argc, argv, cli_reports_options)) != -1)
        if ((rc = option(&a, c, optarg)) != 0)
            return rc < 0 ? CLI_EXIT_OK : rc;
    if (optind >= argc)
        return cli_usage_error("reports", "need import, percentiles or summary");
    const char *verb = argv[optind];
    if (strcmp(verb, "import") && strcmp(verb, "percentiles") && strcmp(verb, "summary"))
        return cli_usage_error("reports", "unknown reports command '%s'", verb);
    if (strcmp(verb, "percentiles") != 0 && a.common.format == CLI_FORMAT_CSV)
        return cli_usage_error("reports", "reports %s prints a table or JSON, not CSV", verb);
    pb_store *store = cli_open_store(a.common.db);
    pb_reports *rep = NULL;
    if (!store)
        return CLI_EXIT_FAIL;
    if (pb_reports_open(store, &rep) != PB_OK) {
        rc = cli_fail("out of memory");
    } else if (strcmp(verb, "import") == 0) {
        rc = reports_import(rep, &a, argc - optind - 1, argv + optind + 1);
    } else if (strcmp(verb, "percentiles") == 0) {
        rc = reports_percentiles(rep, &a, argc - optind - 1);
    } else {
        rc = reports_summary(rep, &a, argc - optind - 1);
    }
    pb_reports_close(rep);
    pb_store_close(store);
    return rc;
}
