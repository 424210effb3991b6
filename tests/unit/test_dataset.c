/* test_dataset.c — the facts loader (src/store/dataset.c): every field of a good
 * file, the exact `file:line:` message of each bad file listed in
 * tests/cases/dataset.txt, every built-in file of data/, and allocation
 * failures while parsing. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "store/dataset.h"
#include "testutil.h"

/* Parse tests/fixtures/facts/<file>, naming it by its relative path. */
static pb_status parse_fixture(const char *file, pb__facts **out, pb__diag *diag)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/fixtures/facts/%s", file);
    size_t len = 0;
    char *text = test_read_file(TEST_PATH(rel), &len);
    cr_assert(text, "cannot read %s", rel);
    pb__diag_clear(diag);
    pb_status st = pb__dataset_parse(rel, text, len, out, diag);
    free(text);
    return st;
}

/* The spellings of a file's document_companies and document_regions, as
 * "written=company/display" and "written=@region", joined with "; ". */
struct written_list {
    char text[8192];
    int count;
};

static pb_status note_written(void *arg, const char *written, const char *company,
                              const char *display, const char *region)
{
    struct written_list *l = arg;
    size_t n = strlen(l->text);
    if (company)
        snprintf(l->text + n, sizeof l->text - n, "%s%s=%s/%s", n ? "; " : "", written, company,
                 display);
    else
        snprintf(l->text + n, sizeof l->text - n, "%s%s=@%s", n ? "; " : "", written, region);
    l->count++;
    return PB_OK;
}

static double date_of(const char *text)
{
    pb_date d = PB_DATE_NONE;
    cr_assert_eq(pb_date_parse(text, &d), PB_OK);
    return d;
}

Test(dataset, good_file_every_field)
{
    pb__facts *f = NULL;
    pb__diag diag;
    pb_status st = parse_fixture("good.yaml", &f, &diag);
    cr_assert_eq(st, PB_OK, "%s", diag.msg);
    cr_assert(f);

    const struct pb__source *s = &f->source;
    cr_expect_str_eq(s->key, "fixture-good");
    cr_expect_str_eq(s->kind, "guide");
    cr_expect_str_eq(s->title, "Example Labs data engineer guide");
    cr_expect_str_eq(s->file, "example-guide.md");
    cr_expect_str_eq(s->publisher, "Example Press");
    cr_expect_str_eq(s->data_quality, "high");
    cr_expect_str_eq(s->period, "2026-Q1");
    cr_expect_str_eq(s->notes, "invented for tests");
    cr_expect_eq(s->published, date_of("2026-03-02"));
    cr_expect_eq(s->as_of, date_of("2026-03-01"));
    cr_expect_eq(s->review_due, date_of("2026-09-01"));
    cr_expect_not(s->review_assumed);

    cr_assert_eq(f->companies.count, 2);
    cr_expect_str_eq(f->companies.items[0].slug, "example-labs");
    cr_expect_str_eq(f->companies.items[0].display, "Example Labs");
    cr_assert_eq(f->roles.count, 1);
    cr_expect_str_eq(f->roles.items[0].display, "Data Engineer");

    cr_assert_eq(f->bands.count, 2);
    const struct pb__band *b = &f->bands.items[0];
    cr_expect_str_eq(b->company, "example-labs");
    cr_expect_str_eq(b->role, "data-engineer");
    cr_expect_str_eq(b->level, "L3");
    cr_expect_str_eq(b->region, "Berlin");
    cr_expect_str_eq(b->currency, "EUR");
    cr_expect(b->has_base && b->has_equity && b->has_bonus && b->has_stated_tc);
    cr_expect_eq(b->base_low, 7000000, "amounts are minor units");
    cr_expect_eq(b->base_high, 9000050, "cents survive: 90000.50 EUR");
    cr_expect_eq(b->equity_low, 4000000);
    cr_expect_eq(b->equity_high, 8000000);
    cr_expect_eq(b->vest_years, 4);
    cr_expect_eq(b->bonus_low_bp, 500, "percentages are basis points");
    cr_expect_eq(b->bonus_high_bp, 1250);
    cr_expect_eq(b->stated_tc_low, 8500000);
    cr_expect_eq(b->stated_tc_high, 11500000);
    cr_expect_str_eq(b->note, "RSUs");
    cr_expect_eq(b->line, 8);

    b = &f->bands.items[1];
    cr_expect_str_eq(b->currency, "JPY");
    cr_expect_eq(b->base_low, 9000000, "JPY has no minor unit");
    cr_expect_null(b->level);
    cr_expect_not(b->has_equity);
    cr_expect_not(b->has_bonus);
    cr_expect_not(b->has_stated_tc);
    cr_expect_eq(b->vest_years, 0);

    cr_assert_eq(f->relative_bands.count, 1);
    const struct pb__relative_band *r = &f->relative_bands.items[0];
    cr_expect_str_eq(r->region, "Remote Global");
    cr_expect_str_eq(r->of_region, "Berlin");
    cr_expect_eq(r->pct_low_bp, 7000);
    cr_expect_eq(r->pct_high_bp, 10000);
    cr_expect(r->equity_same);
    cr_expect_eq(r->line, 12);

    cr_assert_eq(f->level_maps.count, 1);
    const struct pb__level_map *m = &f->level_maps.items[0];
    cr_expect_eq(m->line, 20);
    cr_assert_eq(m->count, 2);
    cr_expect_str_eq(m->nodes[0].role, "data-engineer");
    cr_expect_str_eq(m->nodes[0].level, "Data Engineer");
    cr_expect_null(m->nodes[0].title);
    cr_expect_str_eq(m->nodes[1].company, "other-co");
    cr_expect_null(m->nodes[1].role);
    cr_expect_str_eq(m->nodes[1].level, "L4");
    cr_expect_str_eq(m->nodes[1].title, "Data Engineer II");
    cr_expect_str_eq(m->nodes[1].region, "Berlin");

    cr_assert_eq(f->fx.count, 1);
    cr_expect_str_eq(f->fx.items[0].base, "EUR");
    cr_expect_str_eq(f->fx.items[0].quote, "USD");
    cr_expect_float_eq(f->fx.items[0].rate, 1.08, 1e-12);
    cr_expect_eq(f->fx.items[0].date, date_of("2026-03-01"));
    cr_expect_eq(f->fx.items[0].line, 30);

    cr_assert_eq(f->offers.count, 1);
    const struct pb__offer_mention *o = &f->offers.items[0];
    cr_expect_eq(o->base, 9500000);
    cr_expect_eq(o->equity_per_year, 2000000);
    cr_expect_eq(o->equity_grant, -1, "not stated as a grant");
    cr_expect_eq(o->sign_on, 500000);
    cr_expect_eq(o->stated_total, 40000000);
    cr_expect_eq(o->stated_years, 4);
    cr_expect_eq(o->vest_years, 4);

    cr_assert_eq(f->premiums.count, 2);
    cr_expect_str_eq(f->premiums.items[0].applies_to, "equity");
    cr_expect_eq(f->premiums.items[0].low_bp, 1500);
    cr_expect_eq(f->premiums.items[0].high_bp, 2500);
    cr_expect_str_eq(f->premiums.items[0].role, "data-engineer");
    cr_expect_null(f->premiums.items[1].company, "a general premium names no company");

    cr_assert_eq(f->targets.count, 2);
    cr_expect_str_eq(f->targets.items[0].kind, "ask");
    cr_expect_eq(f->targets.items[0].equity, 9000000);
    cr_expect_eq(f->targets.items[0].sign_on, 800000);
    cr_expect_str_eq(f->targets.items[1].kind, "floor");
    cr_expect_eq(f->targets.items[1].equity, -1, "not stated");
    cr_expect_null(f->targets.items[1].role);

    cr_assert_eq(f->mentions.count, 3, "figures are mentions");
    const struct pb__mention *g = &f->mentions.items[0];
    cr_expect_str_eq(g->company, "example-labs");
    cr_expect_str_eq(g->role, "data-engineer");
    cr_expect_str_eq(g->region, "Berlin");
    cr_expect_null(g->level);
    cr_expect_str_eq(g->component, "equity");
    cr_expect_str_eq(g->currency, "EUR");
    cr_expect_eq(g->low, 9500000);
    cr_expect_eq(g->high, 9500000);
    cr_expect(g->at_least);
    cr_expect_not(g->approximate);
    cr_expect_not(g->company_inferred);
    cr_expect_eq(g->equivalent_of, -1);
    cr_expect_str_eq(g->text, "€95K+", "the figure written back");
    cr_expect_str_eq(g->sentence, "equity a lever aims for", "the note stands for the sentence");
    cr_expect_eq(g->line, 50);
    g = &f->mentions.items[1];
    cr_expect_eq(g->low, 300000000000);
    cr_expect_eq(g->high, 600000000000);
    cr_expect(g->approximate);
    cr_expect_not(g->at_least);
    cr_expect_null(g->role);
    cr_expect_str_eq(g->text, "~$3B–$6B");
    g = &f->mentions.items[2];
    cr_expect_null(g->company, "a figure may name no company");
    cr_expect_str_eq(g->text, "€121,750", "written in full when compact would round");

    cr_assert_eq(f->percentages.count, 3);
    const struct pb__percentage *p = &f->percentages.items[0];
    cr_expect_str_eq(p->kind, "increase");
    cr_expect_str_eq(p->company, "other-co");
    cr_expect_str_eq(p->role, "data-engineer");
    cr_expect_str_eq(p->component, "total");
    cr_expect_str_eq(p->of, "the year before");
    cr_expect_eq(p->low_bp, 3800);
    cr_expect_eq(p->high_bp, 3800);
    cr_expect(p->approximate);
    cr_expect_str_eq(p->note, "senior pay");
    cr_expect_eq(p->line, 60);
    p = &f->percentages.items[1];
    cr_expect_str_eq(p->kind, "multiple");
    cr_expect_eq(p->low_bp, 30000, "3x is 300%%");
    cr_expect_eq(p->high_bp, 50000);
    cr_expect_null(p->note);
    p = &f->percentages.items[2];
    cr_expect_null(p->company);
    cr_expect(p->at_least);
    cr_expect_eq(p->low_bp, 5000);

    pb__facts_free(f);
}

Test(dataset, explicit_document_markers_are_one_document)
{
    pb__facts *f = NULL;
    pb__diag diag;
    cr_assert_eq(parse_fixture("good-explicit-end.yaml", &f, &diag), PB_OK, "%s", diag.msg);
    cr_expect_str_eq(f->source.key, "fixture-explicit");
    cr_expect_eq(f->source.review_due, PB_DATE_NONE, "no review date stated");
    pb__facts_free(f);
}

static pb_status status_named(const char *name)
{
    if (strcmp(name, "parse") == 0)
        return PB_ERR_PARSE;
    if (strcmp(name, "currency") == 0)
        return PB_ERR_CURRENCY;
    if (strcmp(name, "range") == 0)
        return PB_ERR_RANGE;
    cr_assert_fail("unknown status name '%s'", name);
    return PB_OK;
}

/* One line of tests/cases/dataset.txt: fixture | status | message. */
static void bad_file_case(const struct test_case *c, void *ctx)
{
    (void)ctx;
    char **fl = c->f;
    pb__facts *f = (pb__facts *)1;
    pb__diag diag;
    pb_status st = parse_fixture(fl[0], &f, &diag);
    cr_expect_eq(st, status_named(fl[1]), "%s: %s gave status %d (%s)", c->where, fl[0], st,
                 diag.msg);
    cr_expect_str_eq(diag.msg, fl[2], "%s: %s", c->where, fl[0]);
    cr_expect_null(f, "%s: a failed parse must leave no facts", c->where);
    if (st == PB_OK)
        pb__facts_free(f);
}

/* The names documents write are handed on in file order with what they mean. */
Test(dataset, document_names)
{
    size_t len = 0;
    char *text = test_read_file(TEST_PATH("tests/fixtures/facts/good.yaml"), &len);
    cr_assert(text);
    struct written_list l = {{0}, 0};
    pb__diag diag;
    pb__diag_clear(&diag);
    cr_assert_eq(pb__dataset_written_names("good.yaml", text, len, note_written, &l, &diag), PB_OK,
                 "%s", diag.msg);
    cr_expect_str_eq(l.text, "Example Labs=example-labs/Example Labs; "
                             "ExLabs=example-labs/Example Labs; NYC=@New York");
    /* a file the store rejects hands on nothing useful: the same error */
    char *bad = test_read_file(TEST_PATH("tests/fixtures/facts/bad-written-twice.yaml"), &len);
    cr_assert(bad);
    struct written_list l2 = {{0}, 0};
    cr_expect_eq(pb__dataset_written_names("bad.yaml", bad, len, note_written, &l2, &diag),
                 PB_ERR_PARSE);
    cr_expect_str_eq(diag.msg, "bad.yaml:12: spelling 'EL' is given twice (first on line 10)");
    free(bad);
    free(text);
}

Test(dataset, bad_files_case_table)
{
    int n = test_each_case(TEST_PATH("tests/cases/dataset.txt"), 3, bad_file_case, NULL);
    cr_expect(n >= 20, "only %d cases read", n);
}

/* The built-in dataset: every YAML file of data/ parses, has a source with
 * an as-of date, and gives at least one band. */
Test(dataset, every_builtin_file_parses)
{
    const char *dir = TEST_PATH("data");
    DIR *d = opendir(dir);
    cr_assert(d, "cannot open %s", dir);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
            continue;
        char rel[300], *text;
        snprintf(rel, sizeof rel, "data/%s", e->d_name);
        size_t n = 0;
        text = test_read_file(TEST_PATH(rel), &n);
        cr_assert(text, "cannot read %s", rel);
        pb__facts *f = NULL;
        pb__diag diag;
        pb__diag_clear(&diag);
        pb_status st = pb__dataset_parse(rel, text, n, &f, &diag);
        cr_expect_eq(st, PB_OK, "%s", diag.msg);
        bool reference = false;
        if (st == PB_OK) {
            /* the reference files for offer reports and for the document
             * readers hold names, no bands */
            struct written_list names = {{0}, 0};
            cr_expect_eq(pb__dataset_written_names(rel, text, n, note_written, &names, &diag),
                         PB_OK, "%s", diag.msg);
            reference = f->company_aliases.count > 0 || f->places.count > 0 || names.count > 0;
            cr_expect(f->source.as_of != PB_DATE_NONE, "%s: no as_of", rel);
            cr_expect(reference || f->bands.count > 0, "%s: no bands", rel);
            for (size_t i = 0; i < f->bands.count; i++)
                cr_expect(f->bands.items[i].line > 0, "%s: band %zu has no line", rel, i);
            pb__facts_free(f);
        }
        free(text);
        files += !reference;
    }
    closedir(d);
    cr_expect_eq(files, 5, "the built-in dataset has five source documents");
}

/* Every allocation of a parse may fail: each failure is reported as out of
 * memory and leaves nothing behind (the sanitizer build checks for leaks). */
Test(dataset, allocation_failures)
{
    size_t len = 0;
    char *text = test_read_file(TEST_PATH("tests/fixtures/facts/good.yaml"), &len);
    cr_assert(text);
    pb_status st = PB_ERR_NOMEM;
    unsigned long n;
    for (n = 1; n < 100000 && st != PB_OK; n++) {
        pb__facts *f = (pb__facts *)1;
        pb__diag diag;
        pb__diag_clear(&diag);
        pb__alloc_fail_after(n);
        st = pb__dataset_parse("good.yaml", text, len, &f, &diag);
        pb__alloc_fail_after(0);
        if (st == PB_OK) {
            cr_expect_eq(f->bands.count, 2);
            pb__facts_free(f);
        } else {
            cr_assert_eq(st, PB_ERR_NOMEM, "allocation %lu: status %d: %s", n, st, diag.msg);
            cr_assert_str_eq(diag.msg, "out of memory", "allocation %lu", n);
            cr_assert_null(f, "allocation %lu: facts left behind", n);
        }
    }
    cr_expect(n > 20, "the parse made only %lu allocations", n);
    free(text);
}
