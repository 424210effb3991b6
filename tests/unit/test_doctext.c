/* test_doctext.c — the scanners the document readers use to find money,
 * percentages, sentence ends and level codes in running text, from the case
 * table tests/cases/doctext.txt. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "docs/doctext.h"
#include "core/alloc.h"
#include "testutil.h"

static void append(char *buf, size_t cap, const char *text)
{
    size_t n = strlen(buf);
    snprintf(buf + n, cap - n, "%s%s", n ? " ; " : "", text);
}

static void major_text(int64_t minor, const char *cur, char *buf, size_t cap)
{
    int e = pb_currency_exponent(cur);
    int64_t f = 1;
    for (int i = 0; i < e; i++)
        f *= 10;
    snprintf(buf, cap, "%lld", (long long)(minor / f));
}

static void run(const char *kind, const char *in, char *got, size_t cap)
{
    size_t n = strlen(in);
    got[0] = '\0';
    if (strcmp(kind, "money") == 0) {
        struct pb__money_tok t;
        size_t pos = 0;
        while (pb__scan_money(in, n, pos, &t)) {
            char lo[32], hi[32], item[256];
            major_text(t.range.low.minor, t.range.low.currency, lo, sizeof lo);
            major_text(t.range.high.minor, t.range.high.currency, hi, sizeof hi);
            snprintf(item, sizeof item, "%.*s=%s %s-%s%s", (int)(t.end - t.start), in + t.start,
                     t.range.low.currency, lo, hi, t.approximate ? "~" : "");
            append(got, cap, item);
            pos = t.end;
        }
    } else if (strcmp(kind, "pct") == 0) {
        struct pb__pct_tok t;
        size_t pos = 0;
        while (pb__scan_pct(in, n, pos, &t)) {
            char item[256];
            snprintf(item, sizeof item, "%.*s=%g-%g", (int)(t.end - t.start), in + t.start,
                     t.pct.low_bp / 100.0, t.pct.high_bp / 100.0);
            append(got, cap, item);
            pos = t.end;
        }
    } else if (strcmp(kind, "sentence") == 0) {
        size_t e = pb__sentence_end(in, n, 0);
        snprintf(got, cap, "%.*s", (int)e, in);
    } else if (strcmp(kind, "level") == 0) {
        size_t l = pb__level_at(in, n, 0);
        char *norm = l ? pb__level_normalise(in, l) : NULL;
        snprintf(got, cap, "%s", norm ? norm : "");
        pb__free(norm);
    } else {
        cr_assert_fail("unknown kind '%s'", kind);
    }
    if (!got[0])
        snprintf(got, cap, "-");
}

/* One line of tests/cases/doctext.txt: kind | input | expected. The
 * expectation may itself hold " ; " but never " | ". */
static void doctext_case(const struct test_case *c, void *ctx)
{
    (void)ctx;
    char got[1024];
    run(c->f[0], c->f[1], got, sizeof got);
    cr_expect_str_eq(got, c->f[2], "%s: %s '%s'", c->where, c->f[0], c->f[1]);
}

Test(doctext, case_table)
{
    int cases = test_each_case(TEST_PATH("tests/cases/doctext.txt"), TEST_AT_LEAST(3),
                               doctext_case, NULL);
    cr_expect(cases >= 25, "only %d cases", cases);
}

Test(doctext, lines_and_positions)
{
    static const char text[] = "one\ntwo\n\nfour";
    pb__lines l;
    cr_assert_eq(pb__lines_build(&l, text, sizeof text - 1), PB_OK);
    cr_expect_eq(pb__lines_at(&l, 0), 1);
    cr_expect_eq(pb__lines_at(&l, 4), 2);
    cr_expect_eq(pb__lines_at(&l, 8), 3);
    cr_expect_eq(pb__lines_at(&l, 9), 4);
    cr_expect_eq(pb__lines_at(&l, 12), 4);
    pb__lines_release(&l);

    /* in characters, as libyaml counts: the byte-order mark is not one, a
     * two-byte letter is one, a lone CR ends no line */
    static const char yaml[] = "\xEF\xBB\xBF\xC3\xA9\na\rb\nc";
    cr_assert_eq(pb__lines_build_chars(&l, yaml, sizeof yaml - 1), PB_OK);
    cr_expect_eq(l.count, 3);
    cr_expect_eq(pb__lines_at(&l, 1), 1); /* the LF after the letter */
    cr_expect_eq(pb__lines_at(&l, 2), 2); /* a */
    cr_expect_eq(pb__lines_at(&l, 4), 2); /* b, after the CR */
    cr_expect_eq(pb__lines_at(&l, 6), 3); /* c */
    pb__lines_release(&l);

    size_t bad = 0;
    cr_expect(pb__valid_text("caf\xC3\xA9 \xE2\x82\xAC", 9, &bad));
    cr_expect(!pb__valid_text("ab\xC3", 3, &bad));
    cr_expect_eq(bad, 2);
    cr_expect(!pb__valid_text("a\0b", 3, &bad));
    cr_expect_eq(bad, 1);
    cr_expect(!pb__valid_text("\xFF", 1, &bad));
}

/* Text that runs on with no sentence end is cut into pieces of at most
 * PB__SENTENCE_MAX bytes: at its last space, else at a character's start. */
Test(doctext, a_run_on_text_is_cut_into_bounded_pieces)
{
    enum { LEN = 5 * PB__SENTENCE_MAX };
    static char text[LEN + 1];
    for (size_t i = 0; i < LEN; i += 10)
        memcpy(text + i, "pays €90K ", 10); /* the euro sign is 3 bytes */
    size_t pieces = 0;
    for (size_t from = 0; from < LEN; pieces++) {
        size_t end = pb__sentence_end(text, LEN, from);
        cr_assert_gt(end, from, "no progress at %zu", from);
        cr_assert_leq(end - from, PB__SENTENCE_MAX, "a piece of %zu bytes at %zu", end - from,
                      from);
        cr_expect(end == LEN || text[end] == ' ', "cut inside a word at %zu", end);
        from = end;
        while (from < LEN && text[from] == ' ')
            from++;
    }
    cr_expect_lt(pieces, 8, "%zu pieces", pieces);

    /* no space at all: cut before a character, never inside one */
    for (size_t i = 0; i + 3 <= LEN; i += 3)
        memcpy(text + i, "\xE2\x82\xAC", 3);
    size_t end = pb__sentence_end(text, LEN - LEN % 3, 0);
    cr_expect_leq(end, PB__SENTENCE_MAX);
    cr_expect_eq(end % 3, 0, "cut inside a character at %zu", end);

    /* a sentence as long as the bound is whole */
    memset(text, 'a', PB__SENTENCE_MAX - 1);
    text[PB__SENTENCE_MAX - 1] = '.';
    memcpy(text + PB__SENTENCE_MAX, " Next.", 7);
    cr_expect_eq(pb__sentence_end(text, PB__SENTENCE_MAX + 6, 0), PB__SENTENCE_MAX);
}
