/* cmd_rates.c — `payband rates`: import the ECB reference-rate history, add,
 * list and delete dated rates, and convert an amount with the route, rates
 * and dates shown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "payband/fx.h"
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

/* Major units: an integer when whole, else a real. */
static json_t *amount_json(pb_money m)
{
    return pb_json_money(m);
}

/* The route as JSON: its currencies and the date of each rate. */
static json_t *route_json(const pb_fx_quote *q, json_t **dates)
{
    json_t *path = json_array();
    *dates = json_array();
    for (int i = 0; path && *dates && i <= q->hops; i++) {
        char day[11];
        if (json_array_append_new(path, json_string(q->path[i])) != 0)
            break;
        if (i < q->hops) {
            pb_date_format(q->dates[i], day);
            json_array_append_new(*dates, json_string(day));
        }
    }
    return path;
}

static int rates_convert(pb_store *store, int argc, char **argv, const struct rates_opts *o)
{
    pb_money amount, result;
    const char *why = "";
    if (argc != 1 || !o->to)
        return cli_usage_error("rates", "rates convert needs AMOUNT and --to CURRENCY");
    if (pb_money_parse(argv[0], strlen(argv[0]), &amount, NULL, &why) != PB_OK)
        return cli_usage_error("rates", "bad amount '%s': %s", argv[0], why);
    pb_fx *fx = NULL;
    pb_fx_quote q;
    if (pb_store_fx(store, &fx) != PB_OK)
        return cli_fail("%s", pb_store_errmsg(store));
    if (pb_fx_convert(fx, amount, o->to, o->on, &result, &q) != PB_OK)
        return cli_fail("%s", pb_fx_errmsg(fx));
    char a[64], b[64], day[11], route[256];
    pb_money_format_full(amount, a, sizeof a);
    pb_money_format_full(result, b, sizeof b);
    pb_date_format(q.date, day);
    pb_fx_quote_route(&q, route, sizeof route);
    if (o->format == CLI_FORMAT_TABLE) {
        printf("%s = %s at 1 %s = %.6g %s%s%s (%s)\n", a, b, q.from, q.rate, q.to,
               q.hops > 1 ? " via " : ", ", route, q.source);
        return CLI_EXIT_OK;
    }
    json_t *dates = NULL, *path = route_json(&q, &dates);
    json_t *row = path && dates
                      ? json_pack("{s:o, s:s, s:o, s:s, s:f, s:s, s:s, s:O, s:O}", "amount",
                                  amount_json(amount), "currency", amount.currency, "converted",
                                  amount_json(result), "to", result.currency, "rate", q.rate,
                                  "date", day, "source", q.source, "path", path, "dates", dates)
                      : NULL;
    json_decref(path);
    json_decref(dates);
    if (!row)
        return cli_fail("out of memory");
    if (o->format == CLI_FORMAT_JSON) {
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
        for (int i = 0; i <= q.hops; i++) {
            size_t n = strlen(path_text);
            snprintf(path_text + n, sizeof path_text - n, "%s%s", i ? "→" : "", q.path[i]);
        }
        for (int i = 0; i < q.hops; i++) {
            size_t n = strlen(dates_text);
            pb_date_format(q.dates[i], day);
            snprintf(dates_text + n, sizeof dates_text - n, "%s%s", i ? ";" : "", day);
        }
        if (json_object_set_new(row, "path", json_string(path_text)) != 0 ||
            json_object_set_new(row, "dates", json_string(dates_text)) != 0) {
            json_decref(row);
            return cli_fail("out of memory");
        }
        json_t *rows = json_pack("[O]", row);
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
    struct rates_opts o = {.source = "manual", .on = pb_date_today(), .since = PB_DATE_NONE};
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
