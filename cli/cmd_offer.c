/* cmd_offer.c — `payband offer FILE`: the year-by-year schedule of one offer
 * with its N-year, first-year and annualised totals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "offer_cli.h"
#include "payband/compare.h"
#include "payband/date.h"
#include "payband/money.h"

pb_offer *offer_cli_load(const char *path)
{
    pb_offer *offer = NULL;
    pb_status st = pb_offer_load(path, &offer);
    if (st != PB_OK) {
        if (offer)
            cli_fail("%s", pb_offer_errmsg(offer));
        else
            cli_fail("%s: %s", path, pb_strerror(st));
        pb_offer_free(offer);
        return NULL;
    }
    return offer;
}

void offer_cli_print_route(json_t *fx)
{
    json_t *path = json_object_get(fx, "path"), *dates = json_object_get(fx, "dates");
    if (json_array_size(path) < 3)
        return;
    printf(" via ");
    for (size_t i = 0; i < json_array_size(path); i++)
        printf("%s%s", i ? "→" : "", json_string_value(json_array_get(path, i)));
    printf(", rates of");
    for (size_t i = 0; i < json_array_size(dates); i++)
        printf("%s%s", i == 0 ? " " : i + 1 == json_array_size(dates) ? " and " : ", ",
               json_string_value(json_array_get(dates, i)));
}

static const char USAGE_NAME[] = "offer";

/* A labelled figure in full, to the cent: "€1,455.50". */
static void money_full(json_t *v, const char *currency, char *buf, size_t cap)
{
    double major = json_number_value(v);
    if (!currency || !pb_currency_known(currency)) {
        snprintf(buf, cap, "%.2f", major);
        return;
    }
    pb_money_format_full(pb_money_from_double(major, currency), buf, cap);
}

/* Flatten the schedule rows for the table and CSV renderers: one column per
 * grant, a total row at the bottom. */
static int print_schedule(json_t *s, cli_format format)
{
    const char *currency = json_string_value(json_object_get(s, "currency"));
    json_t *grants = json_object_get(s, "grants");
    size_t ngrants = json_array_size(grants);
    size_t ncols = 5 + ngrants;
    struct cli_column *cols = calloc(ncols, sizeof *cols);
    char **headers = calloc(ngrants ? ngrants : 1, sizeof *headers);
    json_t *rows = json_array();
    int rc = CLI_EXIT_FAIL;
    if (!cols || !headers || !rows)
        goto done;
    size_t c = 0;
    cols[c++] = (struct cli_column){"year", "year", CLI_COL_TEXT, NULL};
    cols[c++] = (struct cli_column){"base", "base", CLI_COL_MONEY, NULL};
    cols[c++] = (struct cli_column){"bonus", "bonus", CLI_COL_MONEY, NULL};
    cols[c++] = (struct cli_column){"sign-on", "sign_on", CLI_COL_MONEY, NULL};
    for (size_t i = 0; i < ngrants; i++) {
        json_t *g = json_array_get(grants, i);
        const char *name = json_string_value(json_object_get(g, "name"));
        bool counts = json_is_true(json_object_get(g, "counts"));
        size_t len = strlen(name) + 40;
        headers[i] = malloc(len);
        if (!headers[i])
            goto done;
        snprintf(headers[i], len, counts ? "%s" : "%s (preferred spread, not in total)", name);
        cols[c++] = (struct cli_column){headers[i], headers[i], CLI_COL_MONEY, NULL};
    }
    cols[c++] = (struct cli_column){"total", "total", CLI_COL_MONEY, NULL};

    json_t *sched = json_object_get(s, "schedule");
    /* The total row goes into rows first, so that rows owns it from here;
     * each year's row is inserted before it. */
    json_t *sum = json_pack("{s:s, s:s}", "year", "total", "currency", currency);
    if (!sum || json_array_append_new(rows, sum) != 0)
        goto done;
    for (size_t r = 0; r < json_array_size(sched); r++) {
        json_t *in = json_array_get(sched, r);
        json_t *row = json_pack("{s:s}", "currency", currency);
        if (!row || json_array_insert_new(rows, r, row) != 0)
            goto done;
        static const char *const cash[] = {"year", "base", "bonus", "sign_on", "total"};
        for (size_t k = 0; k < sizeof cash / sizeof cash[0]; k++) {
            json_t *v = json_object_get(in, cash[k]);
            if (json_object_set(row, cash[k], v) != 0)
                goto done;
            if (k > 0) {
                double prev = json_number_value(json_object_get(sum, cash[k]));
                if (json_object_set_new(sum, cash[k], json_real(prev + json_number_value(v))) != 0)
                    goto done;
            }
        }
        for (size_t i = 0; i < ngrants; i++) {
            const char *name = json_string_value(json_object_get(json_array_get(grants, i), "name"));
            json_t *v = json_object_get(json_object_get(in, "equity"), name);
            if (!v)
                v = json_object_get(json_object_get(in, "not_counted"), name);
            if (!v)
                continue;
            double prev = json_number_value(json_object_get(sum, headers[i]));
            if (json_object_set(row, headers[i], v) != 0 ||
                json_object_set_new(sum, headers[i], json_real(prev + json_number_value(v))) != 0)
                goto done;
        }
    }
    /* The exact N-year total from the library, not the float sum. */
    if (json_object_set(sum, "total", json_object_get(s, "total")) != 0)
        goto done;
    if (format == CLI_FORMAT_CSV) {
        /* The labelled totals, in the total column (the table prints them
         * below itself). */
        static const char *const labelled[][2] = {{"first-year total", "first_year_total"},
                                                  {"annualised total", "annualised_total"}};
        for (size_t k = 0; k < 2; k++) {
            json_t *row = json_pack("{s:s, s:s, s:O}", "year", labelled[k][0], "currency",
                                    currency, "total", json_object_get(s, labelled[k][1]));
            if (!row || json_array_append_new(rows, row) != 0)
                goto done;
        }
    }

    if (format == CLI_FORMAT_TABLE) {
        const char *label[] = {"company", "role", "level", "region"};
        printf("%s:", json_string_value(json_object_get(s, "name")));
        for (size_t i = 0; i < 4; i++) {
            const char *v = json_string_value(json_object_get(s, label[i]));
            if (v)
                printf(" %s", v);
        }
        printf(" (%s)\n", currency);
        json_t *fx = json_object_get(s, "fx");
        if (json_is_object(fx)) {
            char day[16];
            snprintf(day, sizeof day, "%s", json_string_value(json_object_get(fx, "date")));
            printf("converted from %s at 1 %s = %.6g %s (%s, %s)",
                   json_string_value(json_object_get(fx, "from")),
                   json_string_value(json_object_get(fx, "from")),
                   json_number_value(json_object_get(fx, "rate")),
                   json_string_value(json_object_get(fx, "to")),
                   json_string_value(json_object_get(fx, "source")), day);
            offer_cli_print_route(fx);
            printf("\n");
        }
        printf("\n");
    }
    cli_print_rows(rows, cols, ncols, format);
    if (format == CLI_FORMAT_TABLE) {
        char a[64], b[64], d[64];
        money_full(json_object_get(s, "total"), currency, a, sizeof a);
        money_full(json_object_get(s, "first_year_total"), currency, b, sizeof b);
        money_full(json_object_get(s, "annualised_total"), currency, d, sizeof d);
        printf("\n%lld-year total: %s\n", (long long)json_integer_value(json_object_get(s, "years")),
               a);
        printf("first-year total: %s\n", b);
        printf("annualised total: %s (%s)\n", d,
               json_string_value(json_object_get(s, "annualised_basis")));
        for (size_t i = 0; i < ngrants; i++) {
            json_t *g = json_array_get(grants, i);
            char v[64];
            money_full(json_object_get(g, "value"), currency, v, sizeof v);
            printf("%s: %s %s, %s (%s), vesting %s from year %lld\n",
                   json_string_value(json_object_get(g, "name")),
                   json_string_value(json_object_get(g, "kind")), v,
                   json_string_value(json_object_get(g, "basis")),
                   json_is_true(json_object_get(g, "counts")) ? "counted" : "not counted",
                   json_string_value(json_object_get(g, "vesting")),
                   (long long)json_integer_value(json_object_get(g, "start_year")));
            json_t *events = json_object_get(g, "events");
            for (size_t e = 0; e < json_array_size(events); e++) {
                json_t *ev = json_array_get(events, e);
                money_full(json_object_get(ev, "amount"), currency, v, sizeof v);
                printf("  month %lld: %s\n",
                       (long long)json_integer_value(json_object_get(ev, "month")), v);
            }
        }
        json_t *notes = json_object_get(s, "notes");
        for (size_t i = 0; i < json_array_size(notes); i++)
            printf("note: %s\n", json_string_value(json_array_get(notes, i)));
    }
    rc = CLI_EXIT_OK;
done:
    if (rc != CLI_EXIT_OK)
        cli_fail("out of memory");
    for (size_t i = 0; headers && i < ngrants; i++)
        free(headers[i]);
    free(headers);
    free(cols);
    json_decref(rows);
    return rc;
}

const struct option cli_offer_options[] = {
    {"years", required_argument, NULL, 'y'},
    {"currency", required_argument, NULL, 'c'},
    {"events", no_argument, NULL, 'e'},
    {"template", no_argument, NULL, 't'},
    {"db", required_argument, NULL, CLI_OPT_DB},
    {"format", required_argument, NULL, CLI_OPT_FORMAT},
    {"wide", no_argument, NULL, CLI_OPT_WIDE},
    {"help", no_argument, NULL, CLI_OPT_HELP},
    {NULL, 0, NULL, 0},
};

int cmd_offer(int argc, char **argv)
{
    int64_t years = PB_YEARS_DEFAULT;
    const char *currency = NULL;
    struct cli_common common = {0};
    bool events = false, template = false;
    int ch, rc;
    optind = 1;
    while ((ch = cli_getopt(argc, argv, cli_offer_options)) != -1) {
        switch (ch) {
        case 'y':
            if ((rc = cli_flag_whole(USAGE_NAME, "--years", optarg, PB_YEARS_MIN, PB_YEARS_MAX,
                                     &years)) != 0)
                return rc;
            break;
        case 't': template = true; break;
        case 'c':
            if (!pb_currency_known(optarg))
                return cli_usage_error(USAGE_NAME, "unknown currency '%s'", optarg);
            currency = optarg;
            break;
        case 'e': events = true; break;
        default:
            if ((rc = cli_common_option(USAGE_NAME, ch, optarg, &common)) != 0)
                return rc < 0 ? CLI_EXIT_OK : rc;
        }
    }
    const char *db = common.db;
    cli_format format = common.format;
    if (template) {
        if (optind < argc)
            return cli_usage_error(USAGE_NAME, "--template takes no offer file");
        fputs(pb_offer_template(), stdout);
        return CLI_EXIT_OK;
    }
    if (optind + 1 != argc)
        return cli_usage_error(USAGE_NAME, optind >= argc ? "no offer file given"
                                                          : "give exactly one offer file");
    pb_offer *offer = offer_cli_load(argv[optind]);
    if (!offer)
        return CLI_EXIT_FAIL;
    pb_store *store = NULL;
    pb_schedule_options opt = {.years = (int)years, .events = events};
    rc = CLI_EXIT_OK;
    json_t *s = NULL;
    if (currency && strcmp(currency, pb_offer_currency(offer)) != 0 &&
        !(store = cli_open_store(db ? db : cli_global_db))) {
        rc = CLI_EXIT_FAIL;
        goto done;
    }
    if (pb_offer_schedule_in(offer, store, currency, cli_today, &opt, &s) != PB_OK) {
        rc = cli_fail("%s", pb_offer_errmsg(offer));
        goto done;
    }
    if (format == CLI_FORMAT_JSON)
        cli_print_json(s);
    else
        rc = print_schedule(s, format);
done:
    json_decref(s);
    pb_offer_free(offer);
    if (store)
        pb_store_close(store);
    return rc;
}
