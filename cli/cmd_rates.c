/* cmd_rates.c — `payband rates`: import the ECB reference-rate history, add a
 * single dated rate, and convert an amount with the rate and date shown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "payband/fx.h"
#include "payband/number.h"

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

static int rates_add(pb_store *store, int argc, char **argv, const char *source)
{
    pb_date date;
    if (argc != 4)
        return cli_usage_error("rates", "rates add needs DATE BASE QUOTE RATE");
    if (pb_date_parse(argv[0], &date) != PB_OK)
        return cli_usage_error("rates", "bad date '%s' (YYYY-MM-DD)", argv[0]);
    double rate = 0;
    if (!pb_decimal_parse_str(argv[3], &rate) || !(rate > 0))
        return cli_usage_error("rates", "bad rate '%s'", argv[3]);
    if (pb_store_add_rate(store, date, argv[1], argv[2], rate, source) != PB_OK)
        return cli_fail("%s", pb_store_errmsg(store));
    printf("added 1 %s = %g %s on %s\n", argv[1], rate, argv[2], argv[0]);
    return CLI_EXIT_OK;
}

/* Major units: an integer when whole, else a real. */
static json_t *amount_json(pb_money m)
{
    double v = pb_money_major(m);
    if (v == (double)(json_int_t)v)
        return json_integer((json_int_t)v);
    return json_real(v);
}

static int rates_convert(pb_store *store, int argc, char **argv, const char *to, pb_date on,
                         cli_format format)
{
    pb_money amount, result;
    const char *why = "";
    if (argc != 1 || !to)
        return cli_usage_error("rates", "rates convert needs AMOUNT and --to CURRENCY");
    if (pb_money_parse(argv[0], strlen(argv[0]), &amount, NULL, &why) != PB_OK)
        return cli_usage_error("rates", "bad amount '%s': %s", argv[0], why);
    pb_fx *fx = NULL;
    pb_fx_quote q;
    if (pb_store_fx(store, &fx) != PB_OK)
        return cli_fail("%s", pb_store_errmsg(store));
    if (pb_fx_convert(fx, amount, to, on, &result, &q) != PB_OK)
        return cli_fail("%s", pb_fx_errmsg(fx));
    char a[64], b[64], day[11];
    pb_money_format_full(amount, a, sizeof a);
    pb_money_format_full(result, b, sizeof b);
    pb_date_format(q.date, day);
    if (format == CLI_FORMAT_TABLE) {
        printf("%s = %s at 1 %s = %.6g %s, rate of %s (%s)\n", a, b, q.from, q.rate, q.to, day,
               q.source);
        return CLI_EXIT_OK;
    }
    json_t *row = json_pack("{s:o, s:s, s:o, s:s, s:f, s:s, s:s}", "amount",
                            amount_json(amount), "currency", amount.currency, "converted",
                            amount_json(result), "to", result.currency, "rate", q.rate, "date",
                            day, "source", q.source);
    if (!row)
        return cli_fail("out of memory");
    if (format == CLI_FORMAT_JSON) {
        cli_print_json(row);
    } else {
        static const struct cli_column cols[] = {
            {"", "amount", CLI_COL_TEXT, NULL}, {"", "currency", CLI_COL_TEXT, NULL},
            {"", "converted", CLI_COL_TEXT, NULL}, {"", "to", CLI_COL_TEXT, NULL},
            {"", "rate", CLI_COL_TEXT, NULL},   {"", "date", CLI_COL_TEXT, NULL},
            {"", "source", CLI_COL_TEXT, NULL},
        };
        json_t *rows = json_pack("[O]", row);
        cli_print_rows(rows, cols, sizeof cols / sizeof cols[0], format);
        json_decref(rows);
    }
    json_decref(row);
    return CLI_EXIT_OK;
}

int cmd_rates(int argc, char **argv)
{
    static const struct option options[] = {
        {"to", required_argument, 0, 't'},      {"date", required_argument, 0, 'd'},
        {"source", required_argument, 0, 's'},  {"db", required_argument, 0, CLI_OPT_DB},
        {"format", required_argument, 0, CLI_OPT_FORMAT},
        {"help", no_argument, 0, CLI_OPT_HELP}, {0, 0, 0, 0},
    };
    struct cli_common common = {0};
    const char *to = NULL, *source = "manual";
    pb_date on = cli_today;
    int c, rc;
    while ((c = cli_getopt(argc, argv, options)) != -1) {
        switch (c) {
        case 't': to = optarg; break;
        case 's': source = optarg; break;
        case 'd':
            if (pb_date_parse(optarg, &on) != PB_OK)
                return cli_usage_error("rates", "--date needs YYYY-MM-DD, not '%s'", optarg);
            break;
        default:
            if ((rc = cli_common_option("rates", c, optarg, &common)) != 0)
                return rc < 0 ? CLI_EXIT_OK : rc;
        }
    }
    if (optind >= argc)
        return cli_usage_error("rates", "need import, add or convert");
    const char *verb = argv[optind];
    if (strcmp(verb, "import") && strcmp(verb, "add") && strcmp(verb, "convert"))
        return cli_usage_error("rates", "unknown rates command '%s'", verb);
    pb_store *store = cli_open_store(common.db);
    if (!store)
        return CLI_EXIT_FAIL;
    int nargs = argc - optind - 1;
    char **args = argv + optind + 1;
    if (strcmp(verb, "import") == 0)
        rc = rates_import(store, nargs, args);
    else if (strcmp(verb, "add") == 0)
        rc = rates_add(store, nargs, args, source);
    else
        rc = rates_convert(store, nargs, args, to, on, common.format);
    pb_store_close(store);
    return rc;
}
