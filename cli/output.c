/* output.c — printing of results and messages: aligned tables fitted to the
 * terminal (long cells cut with "…"), CSV and JSON for stdout; errors and
 * notes for stderr. */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "core/alloc.h"
#include "payband/json.h"
#include "payband/money.h"
#include "payband/number.h"

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
    const struct cli_command *c = command ? cli_find_command(command) : NULL;
    if (c)
        fprintf(stderr, "usage: payband %s%s%s\n(`payband %s --help` lists every flag)\n",
                c->name, c->usage[0] ? " " : "", c->usage, c->name);
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
    json_t *path = json_object_get(fx, "path"), *dates = json_object_get(fx, "dates");
    if (json_array_size(path) > 2) {
        /* a cross: "via GBP→USD→EUR, rates of 2026-03-02 and 2026-03-01" */
        printf("%sconverted: 1 %s = %.6g %s via ", indent,
               json_string_value(json_object_get(fx, "from")),
               json_number_value(json_object_get(fx, "rate")),
               json_string_value(json_object_get(fx, "to")));
        for (size_t i = 0; i < json_array_size(path); i++)
            printf("%s%s", i ? "→" : "", json_string_value(json_array_get(path, i)));
        printf(", rates of");
        for (size_t i = 0; i < json_array_size(dates); i++)
            printf("%s%s", i == 0 ? " " : i + 1 == json_array_size(dates) ? " and " : ", ",
                   json_string_value(json_array_get(dates, i)));
        printf(" (%s)\n", json_string_value(json_object_get(fx, "source")));
        return;
    }
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
    case CLI_COL_KEEP:
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

enum { CELL_CAP = 8192, DEFAULT_TABLE_WIDTH = 100, MIN_CUT_WIDTH = 10,
       FIRST_COLUMN_KEEP = 30 };

bool cli_wide;

/* One UTF-8 character at s (at most `len` bytes): its length in bytes and,
 * through *cp, its code point; an invalid byte is one character of its own
 * (code point 0xFFFD). */
static size_t utf8_char(const char *s, size_t len, unsigned *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = u[0] < 0x80 ? 1 : (u[0] & 0xE0) == 0xC0 ? 2 : (u[0] & 0xF0) == 0xE0 ? 3
                                : (u[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || n > len) {
        *cp = 0xFFFD;
        return 1;
    }
    unsigned c = n == 1 ? u[0] : n == 2 ? u[0] & 0x1F : n == 3 ? u[0] & 0x0F : u[0] & 0x07;
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        c = c << 6 | (u[i] & 0x3F);
    }
    /* overlong forms and surrogates are invalid too */
    if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = c;
    return n;
}

/* Columns a code point takes on a terminal: 0 for controls and combining
 * marks, 2 for East Asian wide and fullwidth forms and emoji, else 1. */
static size_t char_width(unsigned c)
{
    if (c < 0x20 || (c >= 0x7F && c < 0xA0))
        return 0;
    if ((c >= 0x300 && c <= 0x36F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
        (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
        (c >= 0xFE20 && c <= 0xFE2F) || c == 0x200B || c == 0x200C || c == 0x200D ||
        (c >= 0xFE00 && c <= 0xFE0F))
        return 0;
    if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
        (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
        (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
        (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
        (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
        (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
        (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD))
        return 2;
    return 1;
}

size_t cli_display_width_n(const char *s, size_t len)
{
    size_t w = 0;
    for (size_t i = 0; i < len && s[i];) {
        unsigned c;
        size_t n = utf8_char(s + i, len - i, &c);
        w += char_width(c);
        i += n;
    }
    return w;
}

size_t cli_display_width(const char *s)
{
    return cli_display_width_n(s, strlen(s));
}

void cli_cut(const char *text, size_t width, char *buf, size_t cap)
{
    static const char ELLIPSIS[] = "\xE2\x80\xA6";
    size_t len = strlen(text);
    if (cap == 0)
        return;
    if (cli_display_width_n(text, len) <= width) {
        snprintf(buf, cap, "%s", text);
        return;
    }
    /* Keep whole characters while they and the "…" fit in `width`. */
    size_t keep = 0, w = 0;
    while (keep < len) {
        unsigned c;
        size_t n = utf8_char(text + keep, len - keep, &c);
        size_t cw = char_width(c);
        if (w + cw + 1 > width || keep + n + sizeof ELLIPSIS > cap)
            break;
        w += cw;
        keep += n;
    }
    if (width == 0) {
        buf[0] = '\0';
        return;
    }
    snprintf(buf, cap, "%.*s%s", (int)keep, text, ELLIPSIS);
}

size_t cli_table_width(void)
{
    if (cli_wide)
        return 0;
    int64_t cols = 0;
    const char *env = getenv("COLUMNS");
    if (env && pb_integer_parse_str(env, 1, 100000, &cols))
        return (size_t)cols;
    struct winsize ws;
    if (!isatty(STDOUT_FILENO))
        return 0; /* a file or a pipe gets every cell in full, as with --wide */
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return DEFAULT_TABLE_WIDTH;
}

/* Narrow the widest column by one, again and again, until the table (cells
 * and two spaces between columns) fits in `limit`, never a column below
 * least[c]: columns of equal width shrink together. When every column is
 * at its least the table stays wider. */
static void fit_columns(size_t *width, const size_t *least, size_t ncols, size_t limit)
{
    size_t total = 0, shown = 0;
    for (size_t c = 0; c < ncols; c++)
        if (width[c]) {
            total += width[c];
            shown++;
        }
    total += shown > 1 ? 2 * (shown - 1) : 0;
    while (total > limit) {
        size_t widest = ncols;
        for (size_t c = 0; c < ncols; c++)
            if (width[c] > least[c] && (widest == ncols || width[c] > width[widest]))
                widest = c;
        if (widest == ncols)
            return;
        width[widest]--;
        total--;
    }
}

void cli_print_rows(json_t *rows, const struct cli_column *cols, size_t ncols, cli_format format)
{
    if (format == CLI_FORMAT_JSON) {
        cli_print_json(rows);
        return;
    }
    size_t nrows = json_array_size(rows);
    char *buf = pb__malloc(2 * CELL_CAP);
    if (!buf) {
        cli_fail("out of memory");
        return;
    }
    char *cut = buf + CELL_CAP;
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
                cell_text(json_array_get(rows, r), &cols[c], buf, CELL_CAP, true);
                csv_field(buf);
            }
            fputc('\n', stdout);
        }
        pb__free(buf);
        return;
    }
    size_t *width = nrows ? pb__calloc(2 * ncols + 1, sizeof *width) : NULL;
    if (!width) {
        if (nrows)
            cli_fail("out of memory");
        pb__free(buf);
        return; /* an empty result prints nothing: the caller says what it means */
    }
    size_t *least = width + ncols;
    /* a column empty in every row is left out of the table */
    for (size_t c = 0; c < ncols; c++) {
        size_t widest = 0, header = cli_display_width(cols[c].header);
        bool words = false; /* some cell is text, not a number */
        for (size_t r = 0; r < nrows; r++) {
            json_t *row = json_array_get(rows, r);
            cell_text(row, &cols[c], buf, CELL_CAP, false);
            size_t w = cli_display_width(buf);
            if (w > widest)
                widest = w;
            words |= json_is_string(json_object_get(row, cols[c].key));
        }
        width[c] = widest == 0 ? 0 : widest > header ? widest : header;
        /* Only words are cut: a cut figure would be a wrong figure. */
        size_t floor_w = header > MIN_CUT_WIDTH ? header : MIN_CUT_WIDTH;
        bool cuttable = cols[c].kind == CLI_COL_TEXT && words;
        /* The first column names the row: it is cut last, and only when
         * it is very wide. */
        if (c == 0 && floor_w < FIRST_COLUMN_KEEP)
            floor_w = FIRST_COLUMN_KEEP;
        least[c] = !cuttable || width[c] < floor_w ? width[c] : floor_w;
    }
    size_t limit = cli_table_width();
    if (limit)
        fit_columns(width, least, ncols, limit);
    /* The header, then the rows; padding is written only before a cell
     * that has text, so no line ends in spaces. */
    for (size_t r = 0; r <= nrows; r++) {
        size_t pending = 0;
        bool first = true;
        for (size_t c = 0; c < ncols; c++) {
            if (!width[c])
                continue;
            if (r == 0)
                snprintf(buf, CELL_CAP, "%s", cols[c].header);
            else
                cell_text(json_array_get(rows, r - 1), &cols[c], buf, CELL_CAP, false);
            cli_cut(buf, width[c], cut, CELL_CAP);
            pending += first ? 0 : 2;
            first = false;
            if (cut[0]) {
                printf("%*s%s", (int)pending, "", cut);
                pending = 0;
            }
            pending += width[c] - cli_display_width(cut);
        }
        fputc('\n', stdout);
    }
    pb__free(width);
    pb__free(buf);
}

const char *cli_relative_path(const char *path, char *buf, size_t cap)
{
    char abs[PATH_MAX], cwd[PATH_MAX];
    if (!realpath(path, abs) || !getcwd(cwd, sizeof cwd))
        return path;
    /* Walk past the leading directories both share. */
    const char *a = abs, *c = cwd;
    for (;;) {
        while (*a == '/')
            a++;
        while (*c == '/')
            c++;
        size_t na = strcspn(a, "/"), nc = strcspn(c, "/");
        if (!*c || na != nc || strncmp(a, c, na) != 0)
            break;
        a += na;
        c += nc;
    }
    /* One "../" per directory of the current one that is not shared. */
    size_t at = 0;
    while (*c) {
        c += strspn(c, "/");
        if (!*c)
            break;
        c += strcspn(c, "/");
        if (at + 3 >= cap)
            return path;
        memcpy(buf + at, "../", 3);
        at += 3;
    }
    int n = snprintf(buf + at, cap - at, "%s", a);
    if (n < 0 || (size_t)n >= cap - at)
        return path;
    return buf;
}
