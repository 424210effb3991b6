/* test_cli_output.c — the table renderer's text measures (cli/output.c): the
 * display width of UTF-8 text and cutting a cell to a width with "…", never
 * inside a character, from the case table tests/cases/cut.txt. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "testutil.h"

/* The case table's spelling of a text: \xNN bytes, <empty>. */
static void unescape(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    if (strcmp(in, "<empty>") == 0)
        in = "";
    for (const char *p = in; *p && n + 1 < cap; p++) {
        if (p[0] == '\\' && p[1] == 'x' && p[2] && p[3]) {
            char hex[3] = {p[2], p[3], 0};
            out[n++] = (char)strtol(hex, NULL, 16);
            p += 3;
        } else if (p[0] == '\\' && p[1] == 't') {
            out[n++] = '\t';
            p++;
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
}

static void check_case(const struct test_case *c, void *ctx)
{
    (void)ctx;
    char text[512], want[512], got[512];
    if (strcmp(c->f[0], "width") == 0) {
        cr_assert_eq(c->n, 3, "%s: width | text | columns", c->where);
        unescape(c->f[1], text, sizeof text);
        size_t w = cli_display_width(text);
        cr_expect_eq(w, (size_t)atoi(c->f[2]), "%s: '%s' is %zu columns wide", c->where, c->f[1],
                     w);
        return;
    }
    cr_assert_str_eq(c->f[0], "cut", "%s: unknown kind", c->where);
    cr_assert_eq(c->n, 4, "%s: cut | width | text | result", c->where);
    unescape(c->f[2], text, sizeof text);
    unescape(c->f[3], want, sizeof want);
    size_t width = (size_t)atoi(c->f[1]);
    cli_cut(text, width, got, sizeof got);
    cr_expect_str_eq(got, want, "%s: '%s' cut to %zu", c->where, c->f[2], width);
    cr_expect(cli_display_width(got) <= width, "%s: the cut is wider than %zu", c->where, width);
}

Test(cli_output, case_table)
{
    int cases = test_each_case(TEST_PATH("tests/cases/cut.txt"), TEST_AT_LEAST(3), check_case,
                               NULL);
    cr_expect(cases >= 20, "only %d cases read", cases);
}

Test(cli_output, a_cut_never_splits_a_character_whatever_the_width)
{
    const char *text = "Zürich €120K–€213K 日本 e\xCC\x81 x";
    char got[128];
    for (size_t w = 0; w <= cli_display_width(text) + 1; w++) {
        cli_cut(text, w, got, sizeof got);
        size_t len = strlen(got);
        /* what is kept is a prefix of the text, plus "…" when cut */
        const char *ell = "\xE2\x80\xA6";
        bool cut = len >= 3 && strcmp(got + len - 3, ell) == 0 && strcmp(got, text) != 0;
        size_t kept = cut ? len - 3 : len;
        cr_expect(strncmp(got, text, kept) == 0, "width %zu: '%s' is not a prefix", w, got);
        /* the next byte of the text starts a character */
        cr_expect(((unsigned char)text[kept] & 0xC0) != 0x80, "width %zu: cut inside a character",
                  w);
        cr_expect(cli_display_width(got) <= w, "width %zu: '%s' too wide", w, got);
    }
}

/* The renderer's table width: COLUMNS, else 100 when standard output is
 * not a terminal (as under the test runner); --wide means no limit. */
/* COLUMNS wins; else a terminal's width (100 when it tells none); a pipe or
 * a file gets every cell in full (0: no limit). */
Test(cli_output, table_width_from_columns_else_the_terminal_else_full)
{
    cli_wide = false;
    setenv("COLUMNS", "72", 1);
    cr_expect_eq(cli_table_width(), 72);
    setenv("COLUMNS", "72x", 1);
    if (!isatty(STDOUT_FILENO))
        cr_expect_eq(cli_table_width(), 0, "a bad COLUMNS is ignored");
    unsetenv("COLUMNS");
    if (!isatty(STDOUT_FILENO))
        cr_expect_eq(cli_table_width(), 0, "not a terminal: no limit");
    cli_wide = true;
    cr_expect_eq(cli_table_width(), 0);
    cli_wide = false;
}
