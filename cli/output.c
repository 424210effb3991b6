/* output.c — printing of results and messages: aligned tables, CSV and JSON
 * for stdout; errors and notes for stderr. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "payband/json.h"
#include "payband/money.h"

/* "payband: <prefix><message>\n" on stderr. */
static void vmessage(const char *prefix, const char *fmt, va_list ap)
{
    fprintf(stderr, "payband: %s", prefix);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage("error: ", fmt, ap);
    va_end(ap);
    for (const struct cli_command *c = cli_commands; c->name; c++)
        if (command && strcmp(c->name, command) == 0)
            fprintf(stderr, "usage: payband %s %s\n", c->name, c->usage);
    return CLI_EXIT_USAGE;
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage("error: ", fmt, ap);
    va_end(ap);
    return CLI_EXIT_FAIL;
}

void cli_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage("", fmt, ap);
    va_end(ap);
}

void cli_print_fx(const char *indent, json_t *fx)
{
    if (!json_is_object(fx))
        return;
    printf("%sconverted: 1 %s = %.6g %s, rate of %s (%s)\n", indent,
           json_string_value(json_object_get(fx, "from")),
           json_number_value(json_object_get(fx, "rate")),
           json_string_value(json_object_get(fx, "to")),
           json_string_value(json_object_get(fx, "date")),
           json_string_value(json_object_get(fx, "source")));
}

bool cli_parse_format(const char *text, cli_format *out)
{
    if (strcmp(text, "table") == 0)
        *out = CLI_FORMAT_TABLE;
    else if (strcmp(text, "json") == 0)
        *out = CLI_FORMAT_JSON;
    else if (strcmp(text, "csv") == 0)
        *out = CLI_FORMAT_CSV;
    else
        return false;
    return true;
}

void cli_print_json(json_t *value)
{
    char *text = pb_json_dumps(value, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text) {
        fputs(text, stdout);
        fputc('\n', stdout);
        free(text);
    }
}

void cli_format_money(double major, const char *currency, char *buf, size_t cap)
{
    if (!currency || !pb_currency_known(currency)) {
        snprintf(buf, cap, "%.0f", major);
        return;
    }
    pb_money_format_compact(pb_money_from_double(major, currency), buf, cap);
}

/* "€88K–€120K" (or one figure when both ends are equal) from key_low/key_high. */
static void range_text(json_t *row, const struct cli_column *col, char *buf, size_t cap)
{
    char key[64], lo[48], hi[48];
    snprintf(key, sizeof key, "%s_low", col->key);
    json_t *l = json_object_get(row, key);
    snprintf(key, sizeof key, "%s_high", col->key);
    json_t *h = json_object_get(row, key);
    if (!json_is_number(l) || !json_is_number(h))
        return;
    double a = json_number_value(l), b = json_number_value(h);
    if (col->kind == CLI_COL_PCT_RANGE) {
        snprintf(lo, sizeof lo, "%g", a);
        snprintf(hi, sizeof hi, "%g%%", b);
        if (a == b)
            snprintf(buf, cap, "%s", hi);
        else
            snprintf(buf, cap, "%s\xE2\x80\x93%s", lo, hi);
        return;
    }
    const char *currency = json_string_value(json_object_get(row, "currency"));
    cli_format_money(a, currency, lo, sizeof lo);
    cli_format_money(b, currency, hi, sizeof hi);
    if (a == b)
        snprintf(buf, cap, "%s", lo);
    else
        snprintf(buf, cap, "%s\xE2\x80\x93%s", lo, hi);
}

/* A money figure for programs: exact to the currency's minor unit, without
 * trailing zero cents ("85098", "181818.18"). */
static void csv_money(double major, const char *currency, char *buf, size_t cap)
{
    int e = currency ? pb_currency_exponent(currency) : -1;
    if (e <= 0 || fabs(major - round(major)) < 1e-9)
        snprintf(buf, cap, "%.0f", major);
    else
        snprintf(buf, cap, "%.*f", e, major);
}

/* Render one cell as text into buf ("" when the cell is empty). */
static void cell_text(json_t *row, const struct cli_column *col, char *buf, size_t cap,
                      bool for_csv)
{
    json_t *v = json_object_get(row, col->key);
    buf[0] = '\0';
    if (col->kind == CLI_COL_RANGE || col->kind == CLI_COL_PCT_RANGE) {
        range_text(row, col, buf, cap);
        return;
    }
    if (!v || json_is_null(v))
        return;
    switch (col->kind) {
    case CLI_COL_MONEY:
        if (json_is_number(v)) {
            if (for_csv)
                csv_money(json_number_value(v),
                          json_string_value(json_object_get(row, "currency")), buf, cap);
            else
                cli_format_money(json_number_value(v),
                                 json_string_value(json_object_get(row, "currency")), buf, cap);
            return;
        }
        break;
    case CLI_COL_PCT:
        if (json_is_number(v)) {
            double p = json_number_value(v);
            if (fabs(p - round(p)) < 1e-9)
                snprintf(buf, cap, for_csv ? "%.0f" : "%.0f%%", p);
            else
                snprintf(buf, cap, for_csv ? "%.1f" : "%.1f%%", p);
            return;
        }
        break;
    case CLI_COL_FLAG:
        if (for_csv)
            snprintf(buf, cap, "%s", json_is_true(v) ? "true" : "false");
        else if (json_is_true(v))
            snprintf(buf, cap, "%s", col->flag_text ? col->flag_text : "yes");
        return;
    case CLI_COL_RANGE:
    case CLI_COL_PCT_RANGE:
        break;
    case CLI_COL_TEXT:
        break;
    }
    if (json_is_string(v))
        snprintf(buf, cap, "%s", json_string_value(v));
    else if (json_is_integer(v))
        snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(buf, cap, "%g", json_real_value(v));
    else if (json_is_boolean(v))
        snprintf(buf, cap, "%s", json_is_true(v) ? "true" : "false");
}

/* Display width of UTF-8 text: code points, not bytes. */
static size_t display_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

static void csv_field(const char *text)
{
    if (strpbrk(text, ",\"\n\r") == NULL) {
        fputs(text, stdout);
        return;
    }
    fputc('"', stdout);
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            fputc('"', stdout);
        fputc(*p, stdout);
    }
    fputc('"', stdout);
}

void cli_print_rows(json_t *rows, const struct cli_column *cols, size_t ncols, cli_format format)
{
    if (format == CLI_FORMAT_JSON) {
        cli_print_json(rows);
        return;
    }
    size_t nrows = json_array_size(rows);
    char buf[512];
    if (format == CLI_FORMAT_CSV) {
        for (size_t c = 0; c < ncols; c++) {
            if (c)
                fputc(',', stdout);
            csv_field(cols[c].key);
        }
        fputc('\n', stdout);
        for (size_t r = 0; r < nrows; r++) {
            for (size_t c = 0; c < ncols; c++) {
                if (c)
                    fputc(',', stdout);
                cell_text(json_array_get(rows, r), &cols[c], buf, sizeof buf, true);
                csv_field(buf);
            }
            fputc('\n', stdout);
        }
        return;
    }
    if (nrows == 0)
        return; /* the caller says what an empty result means */
    size_t *width = calloc(ncols, sizeof *width);
    if (!width)
        return;
    /* a column empty in every row is left out of the table */
    size_t last = 0;
    for (size_t c = 0; c < ncols; c++) {
        size_t widest = 0;
        for (size_t r = 0; r < nrows; r++) {
            cell_text(json_array_get(rows, r), &cols[c], buf, sizeof buf, false);
            size_t w = display_width(buf);
            if (w > widest)
                widest = w;
        }
        width[c] = widest == 0 ? 0 : widest > display_width(cols[c].header)
                                         ? widest
                                         : display_width(cols[c].header);
        if (width[c])
            last = c;
    }
    bool first = true;
    for (size_t c = 0; c < ncols; c++) {
        if (!width[c])
            continue;
        printf("%s%-*s", first ? "" : "  ", c < last ? (int)width[c] : 0, cols[c].header);
        first = false;
    }
    fputc('\n', stdout);
    for (size_t r = 0; r < nrows; r++) {
        first = true;
        for (size_t c = 0; c < ncols; c++) {
            if (!width[c])
                continue;
            cell_text(json_array_get(rows, r), &cols[c], buf, sizeof buf, false);
            size_t pad = width[c] - display_width(buf);
            printf("%s%s", first ? "" : "  ", buf);
            if (c < last)
                printf("%*s", (int)pad, "");
            first = false;
        }
        fputc('\n', stdout);
    }
    free(width);
}
