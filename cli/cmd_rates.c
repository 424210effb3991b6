/* cmd_rates.c — `payband rates`: import the ECB reference-rate history, add,
 * list and delete dated rates, and convert an amount with the route, rates
 * and dates shown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "payband/fx.h"
#include "payband/market.h"
#include "payband/json.h"
#include "payband/number.h"

enum { OPT_REPLACE = CLI_OPT_FIRST_FREE, OPT_BASE, OPT_QUOTE, OPT_SINCE };

struct rates_opts {
    const char *to, *source, *base, *quote;
    bool source_given, replace;
    pb_date on, since;
    cli_format format;
};

static int rates_import(pb_store *store, int argc, char **argv)
{
    if (argc != 1)
        return cli_usage_error("rates", "rates import needs one ECB history file");
    size_t n = 0;
    if (pb_store_import_rates(store, argv[0], &n) != PB_OK)
        return cli_fail("%s", pb_store_errmsg(store));
    printf("imported %zu rates from %s\n", n, argv[0]);
    return CLI_EXIT_OK;
}

static int rates_add(pb_store *store, int argc, char **argv, const struct rates_opts *o)
{
    pb_date date;
    if (argc != 4)
        return cli_usage_error("rates", "rates add needs DATE BASE QUOTE RATE");
    if (pb_date_parse(argv[0], &date) != PB_OK)
        return cli_usage_error("rates", "bad date '%s' (YYYY-MM-DD)", argv[0]);
    double rate = 0;
    if (!pb_decimal_parse_str(argv[3], &rate) || !(rate > 0))
        return cli_usage_error("rates", "bad rate '%s'", argv[3]);
    if (pb_store_set_rate(store, date, argv[1], argv[2], rate, o->source,
                          o->replace ? PB_STORE_RATE_REPLACE : 0) != PB_OK)
        return cli_fail("%s", pb_store_errmsg(store));
    printf("added 1 %s = %g %s on %s%s\n", argv[1], rate, argv[2], argv[0],
           o->replace ? " (replacing that day's rates of the pair)" : "");
    return CLI_EXIT_OK;
}

/* ---- list ------------------------------------------------------------------ */

struct lister {
    cli_format format;
    size_t rows;
    bool failed;
};

static pb_status print_rate(void *ctx, const pb_stored_rate *r)
{
    struct lister *l = ctx;
    char day[11];
    pb_date_format(r->date, day);
    if (l->format == CLI_FORMAT_JSON) {
        json_t *o = json_pack("{s:s, s:s, s:s, s:f, s:s, s:b}", "date", day, "base", r->base,
                              "quote", r->quote, "rate", r->rate, "source", r->source,
                              "builtin", r->builtin);
        char *text = o ? json_dumps(o, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15)) : NULL;
        json_decref(o);
        if (!text) {
            l->failed = true;
            return PB_ERR_NOMEM;
        }
        printf("%s  %s", l->rows ? ",\n" : "", text);
        free(text);
    } else if (l->format == CLI_FORMAT_CSV) {
        /* source keys are slugs: no quoting needed, but be safe */
        bool quote = strpbrk(r->source, ",\"\n\r") != NULL;
        printf("%s,%s,%s,%.15g,%s%s%s,%s\n", day, r->base, r->quote, r->rate, quote ? "\"" : "",
               r->source, quote ? "\"" : "", r->builtin ? "true" : "false");
    } else {
        printf("%-10s  %-4s  %-5s  %14.10g  %s%s\n", day, r->base, r->quote, r->rate, r->source,
               r->builtin ? " (built-in)" : "");
    }
    l->rows++;
    return PB_OK;
}

static int rates_list(pb_store *store, int argc, const struct rates_opts *o)
{
    if (argc != 0)
        return cli_usage_error("rates", "rates list takes no arguments, only --base, --quote "
                                        "and --since");
    pb_rate_filter f = {o->base, o->quote, o->since};
    struct lister l = {o->format, 0, false};
    if (o->format == CLI_FORMAT_JSON)
        printf("[\n");
    else if (o->format == CLI_FORMAT_CSV)
        printf("date,base,quote,rate,source,builtin\n");
    else
        printf("%-10s  %-4s  %-5s  %14s  %s\n", "date", "base", "quote", "rate", "source");
    pb_status st = pb_store_list_rates(store, &f, print_rate, &l);
    if (o->format == CLI_FORMAT_JSON)
        printf("%s]\n", l.rows ? "\n" : "");
    if (st != PB_OK)
        return l.failed ? cli_fail("out of memory") : cli_fail("%s", pb_store_errmsg(store));
    if (o->format == CLI_FORMAT_TABLE && l.rows == 0)
        printf("(no rates)\n");
    return CLI_EXIT_OK;
}

static int rates_delete(pb_store *store, int argc, char **argv, const struct rates_opts *o)
{
    pb_date date;
    if (argc != 3)
        return cli_usage_error("rates", "rates delete needs DATE BASE QUOTE");
    if (pb_date_parse(argv[0], &date) != PB_OK)
        return cli_usage_error("rates", "bad date '%s' (YYYY-MM-DD)", argv[0]);
    size_t n = 0;
    if (pb_store_delete_rate(store, date, argv[1], argv[2], o->source_given ? o->source : NULL,
                             &n) != PB_OK)
        return cli_fail("%s", pb_store_errmsg(store));
    printf("deleted %zu %s/%s rate%s of %s\n", n, argv[1], argv[2], n == 1 ? "" : "s", argv[0]);
    return CLI_EXIT_OK;
}

/* ---- convert ----------------------------------------------------------------- */

static int rates_convert(pb_store *store, int argc, char **argv, const struct rates_opts *o)
{
    if (argc != 1 || !o->to)
        return cli_usage_error("rates", "rates convert needs AMOUNT and --to CURRENCY");
    json_t *row = NULL;
    pb_status st = pb_market_convert(store, argv[0], o->to, o->on, &row);
    if (st == PB_ERR_USAGE)
        return cli_usage_error("rates", "%s", pb_store_errmsg(store));
    if (st != PB_OK)
        return cli_fail("%s", pb_store_errmsg(store));
    json_t *path = json_object_get(row, "path"), *dates = json_object_get(row, "dates");
    if (o->format == CLI_FORMAT_TABLE) {
        const char *from = json_string_value(json_object_get(row, "currency"));
        const char *to = json_string_value(json_object_get(row, "to"));
        char a[64], b[64];
        pb_money amount, result;
        if (pb_money_from_double_checked(json_number_value(json_object_get(row, "amount")), from,
                                         &amount) != PB_OK ||
            pb_money_from_double_checked(json_number_value(json_object_get(row, "converted")),
                                         to, &result) != PB_OK) {
            json_decref(row);
            return cli_fail("out of range");
        }
        pb_money_format_full(amount, a, sizeof a);
        pb_money_format_full(result, b, sizeof b);
        printf("%s = %s at 1 %s = %.6g %s", a, b, from,
               json_number_value(json_object_get(row, "rate")), to);
        if (json_array_size(path) > 2) {
            /* "via EUR→USD→GBP, rates of DATE[, DATE] and DATE" */
            printf(" via ");
            for (size_t i = 0; i < json_array_size(path); i++)
                printf("%s%s", i ? "→" : "", json_string_value(json_array_get(path, i)));
            bool same = true;
            for (size_t i = 1; i < json_array_size(dates); i++)
                same = same && strcmp(json_string_value(json_array_get(dates, i)),
                                      json_string_value(json_array_get(dates, 0))) == 0;
            size_t n = same ? 1 : json_array_size(dates);
            printf(", rates of ");
            for (size_t i = 0; i < n; i++)
                printf("%s%s", i == 0 ? "" : i == n - 1 ? " and " : ", ",
                       json_string_value(json_array_get(dates, i)));
        } else {
            printf(", rate of %s", json_string_value(json_object_get(row, "date")));
        }
        printf(" (%s)\n", json_string_value(json_object_get(row, "source")));
    } else if (o->format == CLI_FORMAT_JSON) {
        cli_print_json(row);
    } else {
        static const struct cli_column cols[] = {
            {"", "amount", CLI_COL_TEXT, NULL}, {"", "currency", CLI_COL_TEXT, NULL},
            {"", "converted", CLI_COL_TEXT, NULL}, {"", "to", CLI_COL_TEXT, NULL},
            {"", "rate", CLI_COL_TEXT, NULL},   {"", "date", CLI_COL_TEXT, NULL},
            {"", "source", CLI_COL_TEXT, NULL},  {"", "path", CLI_COL_TEXT, NULL},
            {"", "dates", CLI_COL_TEXT, NULL},
        };
        /* CSV cells: "USD→EUR→GBP" and "2026-04-10;2026-04-10". */
        char path_text[64] = "", dates_text[64] = "";
        for (size_t i = 0; i < json_array_size(path); i++) {
            size_t n = strlen(path_text);
            snprintf(path_text + n, sizeof path_text - n, "%s%s", i ? "→" : "",
                     json_string_value(json_array_get(path, i)));
        }
        for (size_t i = 0; i < json_array_size(dates); i++) {
            size_t n = strlen(dates_text);
            snprintf(dates_text + n, sizeof dates_text - n, "%s%s", i ? ";" : "",
                     json_string_value(json_array_get(dates, i)));
        }
        json_t *flat = json_deep_copy(row);
        json_t *rows = flat ? json_pack("[o]", flat) : NULL;
        if (!rows || json_object_set_new(flat, "path", json_string(path_text)) != 0 ||
            json_object_set_new(flat, "dates", json_string(dates_text)) != 0) {
            json_decref(rows);
            json_decref(row);
            return cli_fail("out of memory");
        }
        cli_print_rows(rows, cols, sizeof cols / sizeof cols[0], o->format);
        json_decref(rows);
    }
    json_decref(row);
    return CLI_EXIT_OK;
}

static bool currency_option(const char *flag, const char *value, const char **out, int *rc)
{
    if (!pb_currency_known(value)) {
        *rc = cli_usage_error("rates", "%s: unknown currency '%s'", flag, value);
        return false;
    }
    *out = value;
    return true;
}

const struct option cli_rates_options[] = {
    {"to", required_argument, 0, 't'},        {"date", required_argument, 0, 'd'},
    {"source", required_argument, 0, 's'},    {"replace", no_argument, 0, OPT_REPLACE},
    {"base", required_argument, 0, OPT_BASE}, {"quote", required_argument, 0, OPT_QUOTE},
    {"since", required_argument, 0, OPT_SINCE}, {"db", required_argument, 0, CLI_OPT_DB},
    {"format", required_argument, 0, CLI_OPT_FORMAT}, {"help", no_argument, 0, CLI_OPT_HELP},
    {0, 0, 0, 0},
};

int cmd_rates(int argc, char **argv)
{
    struct cli_common common = {0};
    struct rates_opts o = {.source = "manual", .on = cli_today, .since = PB_DATE_NONE};
    int c, rc = 0;
    while ((c = cli_getopt(argc, argv, cli_rates_options)) != -1) {
        switch (c) {
        case 't': o.to = optarg; break;
        case 's':
            o.source = optarg;
            o.source_given = true;
            break;
        case OPT_REPLACE: o.replace = true; break;
        case OPT_BASE:
            if (!currency_option("--base", optarg, &o.base, &rc))
                return rc;
            break;
        case OPT_QUOTE:
            if (!currency_option("--quote", optarg, &o.quote, &rc))
                return rc;
            break;
        case OPT_SINCE:
            if (pb_date_parse(optarg, &o.since) != PB_OK)
                return cli_usage_error("rates", "--since needs YYYY-MM-DD, not '%s'", optarg);
            break;
        case 'd':
            if (pb_date_parse(optarg, &o.on) != PB_OK)
                return cli_usage_error("rates", "--date needs YYYY-MM-DD, not '%s'", optarg);
            break;
        default:
            if ((rc = cli_common_option("rates", c, optarg, &common)) != 0)
                return rc < 0 ? CLI_EXIT_OK : rc;
        }
    }
    o.format = common.format;
    if (optind >= argc)
        return cli_usage_error("rates", "need import, add, list, delete or convert");
    const char *verb = argv[optind];
    static const char *const verbs[] = {"import", "add", "list", "delete", "convert", NULL};
    size_t v = 0;
    while (verbs[v] && strcmp(verbs[v], verb) != 0)
        v++;
    if (!verbs[v])
        return cli_usage_error("rates", "unknown rates command '%s'", verb);
    if (o.replace && strcmp(verb, "add") != 0)
        return cli_usage_error("rates", "--replace goes with rates add");
    if ((o.base || o.quote || o.since != PB_DATE_NONE) && strcmp(verb, "list") != 0)
        return cli_usage_error("rates", "--base, --quote and --since go with rates list");
    pb_store *store = cli_open_store(common.db);
    if (!store)
        return CLI_EXIT_FAIL;
    int nargs = argc - optind - 1;
    char **args = argv + optind + 1;
    switch (v) {
    case 0: rc = rates_import(store, nargs, args); break;
    case 1: rc = rates_add(store, nargs, args, &o); break;
    case 2: rc = rates_list(store, nargs, &o); break;
    case 3: rc = rates_delete(store, nargs, args, &o); break;
    default: rc = rates_convert(store, nargs, args, &o); break;
    }
    pb_store_close(store);
    return rc;
}
