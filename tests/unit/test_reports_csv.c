/* test_reports_csv.c — the streaming RFC 4180 reader of report files:
 * quotes, doubled quotes, newlines inside quotes and the line numbers after
 * them, CRLF, a byte order mark, empty lines, malformed records (and the
 * reader going on after them), and a property test: random records written
 * with RFC 4180 quoting read back equal, from memory and from a file read in
 * chunks that cut records anywhere. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/csv.h"

/* Every record of `text` as "line:field|field|...\n" or "line:error: why\n". */
static char *dump(const char *text, size_t len)
{
    static char out[1 << 16];
    size_t o = 0;
    pb__csv *c = pb__csv_open_mem(text, len);
    cr_assert(c);
    struct pb__csv_record r;
    int got;
    while ((got = pb__csv_next(c, &r)) > 0) {
        if (r.error) {
            o += (size_t)snprintf(out + o, sizeof out - o, "%ld:error: %s\n", r.line, r.error);
            continue;
        }
        o += (size_t)snprintf(out + o, sizeof out - o, "%ld:", r.line);
        for (size_t i = 0; i < r.count; i++)
            o += (size_t)snprintf(out + o, sizeof out - o, "%s%.*s", i ? "|" : "", (int)r.len[i],
                                  r.field[i]);
        o += (size_t)snprintf(out + o, sizeof out - o, "\n");
    }
    cr_assert_eq(got, 0);
    pb__csv_close(c);
    return out;
}

#define EXPECT_CSV(input, want)                                                                \
    cr_expect_str_eq(dump(input, sizeof(input) - 1), want, "input: %s", input)

Test(reports_csv, plain_records_and_line_numbers)
{
    EXPECT_CSV("a,b,c\n1,2,3\n", "1:a|b|c\n2:1|2|3\n");
    EXPECT_CSV("a,b", "1:a|b\n");
    EXPECT_CSV("a\n\n\nb\n", "1:a\n4:b\n");
}

Test(reports_csv, quoted_fields)
{
    EXPECT_CSV("\"x,y\",\"he said \"\"hi\"\"\",z\n", "1:x,y|he said \"hi\"|z\n");
    EXPECT_CSV("\"\",a\n", "1:|a\n");
    EXPECT_CSV("\"Redwood City, CA\",1.5\n", "1:Redwood City, CA|1.5\n");
}

Test(reports_csv, newline_inside_quotes_keeps_line_numbers_right)
{
    EXPECT_CSV("h\n\"line1\nline2\",b\nnext,row\n", "1:h\n2:line1\nline2|b\n4:next|row\n");
    EXPECT_CSV("\"a\r\nb\",c\r\nd,e\r\n", "1:a\r\nb|c\n3:d|e\n");
}

Test(reports_csv, crlf_lone_cr_and_bom)
{
    EXPECT_CSV("a,b\r\n1,2\r\n", "1:a|b\n2:1|2\n");
    EXPECT_CSV("a,b\r1,2\r", "1:a|b\n2:1|2\n");
    EXPECT_CSV("\xEF\xBB\xBFh1,h2\n1,2\n", "1:h1|h2\n2:1|2\n");
}

Test(reports_csv, empty_last_fields)
{
    EXPECT_CSV("a,b,\n", "1:a|b|\n");
    EXPECT_CSV("a,b,", "1:a|b|\n");
    EXPECT_CSV(",\n", "1:|\n");
}

Test(reports_csv, malformed_records_are_reported_and_skipped)
{
    EXPECT_CSV("\"ab\"c,d\nok,1\n", "1:error: text after the closing quote of a field\n2:ok|1\n");
    EXPECT_CSV("ok\na,\"bc\nd", "1:ok\n2:error: a quoted field is not closed before the end of "
                                "the file\n");
    char nul[] = "a,b\nc\0d,e\nf,g\n";
    cr_expect_str_eq(dump(nul, sizeof nul - 1), "1:a|b\n2:error: a NUL byte in the record\n3:f|g\n");
}

Test(reports_csv, a_record_longer_than_the_limit_is_refused_and_reading_goes_on)
{
    size_t n = PB__CSV_MAX_RECORD + 100;
    char *text = malloc(n + 16);
    cr_assert(text);
    memset(text, 'x', n);
    memcpy(text + n, "\nok,1\n", 6);
    char *out = dump(text, n + 6);
    cr_expect_str_eq(out, "1:error: record longer than 1 MiB\n2:ok|1\n");
    free(text);
}

Test(reports_csv, too_many_fields)
{
    size_t n = (PB__CSV_MAX_FIELDS + 10) * 2;
    char *text = malloc(n + 8);
    cr_assert(text);
    for (size_t i = 0; i < n; i += 2) {
        text[i] = 'a';
        text[i + 1] = ',';
    }
    memcpy(text + n, "a\nb\n", 4);
    cr_expect_str_eq(dump(text, n + 4), "1:error: more than 4096 fields\n2:b\n");
    free(text);
}

/* ---- property: write random records, read them back ---------------------- */

static unsigned long long seed = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (unsigned)(seed % n);
}

#define RECORDS 3000
#define MAXF 6

struct rec {
    int n;
    char f[MAXF][40];
};

static void random_field(char *f)
{
    static const char alphabet[] = "ab ,\"\n\r1\xC3\xA9";
    int len = (int)rnd(30);
    int o = 0;
    for (int i = 0; i < len; i++) {
        char c = alphabet[rnd(sizeof alphabet - 1)];
        if ((unsigned char)c == 0xC3) { /* keep é whole */
            f[o++] = (char)0xC3;
            c = (char)0xA9;
        } else if ((unsigned char)c == 0xA9) {
            continue;
        }
        f[o++] = c;
    }
    f[o] = '\0';
}

Test(reports_csv, random_records_read_back_equal_from_memory_and_from_a_file)
{
    static struct rec recs[RECORDS];
    size_t cap = RECORDS * MAXF * 90, len = 0;
    char *text = malloc(cap);
    cr_assert(text);
    for (int r = 0; r < RECORDS; r++) {
        recs[r].n = 1 + (int)rnd(MAXF);
        for (int i = 0; i < recs[r].n; i++) {
            random_field(recs[r].f[i]);
            const char *f = recs[r].f[i];
            /* quote when needed, and sometimes when not */
            bool quote = strpbrk(f, ",\"\r\n") || rnd(4) == 0 || (recs[r].n == 1 && !f[0]);
            if (i)
                text[len++] = ',';
            if (quote)
                text[len++] = '"';
            for (const char *p = f; *p; p++) {
                if (*p == '"')
                    text[len++] = '"';
                text[len++] = *p;
            }
            if (quote)
                text[len++] = '"';
        }
        if (rnd(2))
            text[len++] = '\r';
        text[len++] = '\n';
    }
    cr_assert_lt(len, cap);
    FILE *f = tmpfile();
    cr_assert(f);
    cr_assert_eq(fwrite(text, 1, len, f), len);
    rewind(f);
    pb__csv *from[2] = {pb__csv_open_mem(text, len), pb__csv_open_file(f)};
    for (int k = 0; k < 2; k++) {
        struct pb__csv_record rec;
        cr_assert(from[k]);
        for (int r = 0; r < RECORDS; r++) {
            cr_assert_eq(pb__csv_next(from[k], &rec), 1, "record %d", r);
            cr_assert_null(rec.error, "record %d: %s", r, rec.error);
            cr_assert_eq(rec.count, (size_t)recs[r].n, "record %d (%s)", r, k ? "file" : "memory");
            for (int i = 0; i < recs[r].n; i++)
                cr_assert(rec.len[i] == strlen(recs[r].f[i]) &&
                              memcmp(rec.field[i], recs[r].f[i], rec.len[i]) == 0,
                          "record %d field %d (%s)", r, i, k ? "file" : "memory");
        }
        cr_expect_eq(pb__csv_next(from[k], &rec), 0);
        pb__csv_close(from[k]);
    }
    fclose(f);
    free(text);
}
