/* test_dataset_seeds.c — the built-in dataset (the files of data/) against the seed
 * documents it was written from (../shared/seeds): the guide reader that
 * `payband import` uses must find the same bands, relative bands, offers,
 * asks and floors as the built-in files; every money figure the readers find
 * in a seed must be held by the built-in data; and every figure, percentage,
 * band, offer and target of the built-in data must stand on the seed line it
 * names. Skipped when the seeds are absent.
 *
 * The two sides name sources differently (`guide-hf-senior-swe` built in,
 * `guide-hugging-face-senior-software-engineer` imported), so facts are
 * matched by company, role and region, and files by the source's `file`. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/dataset.h"
#include "docs/doctext.h"
#include "docs/document_internal.h"
#include "testutil.h"

#define MAX_FILES 16

/* Every file of data/, parsed. */
struct builtin {
    pb__facts *f[MAX_FILES];
    size_t n;
};

static void builtin_load(struct builtin *b)
{
    memset(b, 0, sizeof *b);
    DIR *d = opendir(TEST_PATH("data"));
    cr_assert(d, "cannot open data/");
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
            continue;
        char rel[300];
        snprintf(rel, sizeof rel, "data/%s", e->d_name);
        size_t n = 0;
        char *text = test_read_file(TEST_PATH(rel), &n);
        cr_assert(text, "cannot read %s", rel);
        pb__diag diag;
        pb__diag_clear(&diag);
        cr_assert_lt(b->n, MAX_FILES);
        cr_assert_eq(pb__dataset_parse(rel, text, n, &b->f[b->n], &diag), PB_OK, "%s", diag.msg);
        b->n++;
        free(text);
    }
    closedir(d);
}

static void builtin_free(struct builtin *b)
{
    for (size_t i = 0; i < b->n; i++)
        pb__facts_free(b->f[i]);
}

/* The built-in facts written from seed file `name`. */
static const pb__facts *builtin_for(const struct builtin *b, const char *name)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->f[i]->source.file && strcmp(b->f[i]->source.file, name) == 0)
            return b->f[i];
    cr_assert_fail("no built-in file has source.file %s", name);
    return NULL;
}

static pb_document *read_seed(const char *name)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", test_seeds_dir(), name);
    pb_document *doc = NULL;
    cr_assert_eq(pb_document_read(path, PB_DOCUMENT_AUTO, &doc), PB_OK, "%s",
                 pb_document_errmsg(doc));
    return doc;
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_region(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcasecmp(a, b) == 0);
}

static const char *str(const char *s)
{
    return s ? s : "(none)";
}

/* ---- guides: the reader's facts against the built-in file's ------------- */

static bool band_equal(const struct pb__band *a, const struct pb__band *b)
{
    return same(a->company, b->company) && same(a->role, b->role) &&
           same_region(a->region, b->region) && same(a->currency, b->currency) &&
           a->has_base == b->has_base && (!a->has_base || (a->base_low == b->base_low &&
                                                            a->base_high == b->base_high)) &&
           a->has_equity == b->has_equity &&
           (!a->has_equity || (a->equity_low == b->equity_low &&
                               a->equity_high == b->equity_high &&
                               a->vest_years == b->vest_years)) &&
           a->has_bonus == b->has_bonus &&
           (!a->has_bonus ||
            (a->bonus_low_bp == b->bonus_low_bp && a->bonus_high_bp == b->bonus_high_bp)) &&
           a->has_stated_tc == b->has_stated_tc &&
           (!a->has_stated_tc ||
            (a->stated_tc_low == b->stated_tc_low && a->stated_tc_high == b->stated_tc_high));
}

/* The guide's own bands (its company and role) are the same on both sides;
 * the built-in file's other bands are peers the guide names in prose. */
static void compare_bands(const char *seed, const pb__facts *imp, const pb__facts *bi,
                          const char *company, const char *role)
{
    size_t own = 0;
    for (size_t i = 0; i < bi->bands.count; i++) {
        const struct pb__band *b = &bi->bands.items[i];
        if (!same(b->company, company) || !same(b->role, role))
            continue;
        own++;
        bool found = false;
        for (size_t j = 0; j < imp->bands.count && !found; j++)
            found = band_equal(&imp->bands.items[j], b);
        cr_expect(found, "%s: built-in band %s %s %s (line %ld) is not what the reader finds",
                  seed, b->company, b->role, b->region, b->line);
    }
    cr_expect_eq(imp->bands.count, own, "%s: the reader finds %zu bands, the built-in file %zu",
                 seed, imp->bands.count, own);
    for (size_t j = 0; j < imp->bands.count; j++) {
        bool found = false;
        for (size_t i = 0; i < bi->bands.count && !found; i++)
            found = band_equal(&imp->bands.items[j], &bi->bands.items[i]);
        cr_expect(found, "%s: the reader's band %s %s %s (line %ld) is not built in", seed,
                  imp->bands.items[j].company, imp->bands.items[j].role,
                  imp->bands.items[j].region, imp->bands.items[j].line);
    }
}

static void compare_relative(const char *seed, const pb__facts *imp, const pb__facts *bi)
{
    cr_expect_eq(imp->relative_bands.count, bi->relative_bands.count, "%s: relative bands",
                 seed);
    for (size_t i = 0; i < bi->relative_bands.count; i++) {
        const struct pb__relative_band *b = &bi->relative_bands.items[i];
        bool found = false;
        for (size_t j = 0; j < imp->relative_bands.count && !found; j++) {
            const struct pb__relative_band *a = &imp->relative_bands.items[j];
            found = same(a->company, b->company) && same(a->role, b->role) &&
                    same_region(a->region, b->region) &&
                    same_region(a->of_region, b->of_region) &&
                    a->pct_low_bp == b->pct_low_bp && a->pct_high_bp == b->pct_high_bp &&
                    a->equity_same == b->equity_same;
        }
        cr_expect(found, "%s: built-in relative band %s of %s (line %ld) differs from the "
                  "reader's", seed, b->region, b->of_region, b->line);
    }
}

static void compare_targets(const char *seed, const pb__facts *imp, const pb__facts *bi)
{
    cr_expect_eq(imp->targets.count, bi->targets.count, "%s: asks and floors", seed);
    for (size_t i = 0; i < bi->targets.count; i++) {
        const struct pb__target *b = &bi->targets.items[i];
        bool found = false;
        for (size_t j = 0; j < imp->targets.count && !found; j++) {
            const struct pb__target *a = &imp->targets.items[j];
            found = same(a->kind, b->kind) && same(a->company, b->company) &&
                    same(a->role, b->role) && same_region(a->region, b->region) &&
                    same(a->currency, b->currency) && a->base == b->base &&
                    a->equity == b->equity && a->sign_on == b->sign_on &&
                    (a->equity < 0 || a->vest_years == b->vest_years);
        }
        cr_expect(found, "%s: built-in %s %s %s (line %ld) differs from the reader's", seed,
                  b->kind, str(b->region), b->currency, b->line);
    }
}

static void compare_offers(const char *seed, const pb__facts *imp, const pb__facts *bi)
{
    cr_expect_eq(imp->offers.count, bi->offers.count, "%s: offers", seed);
    for (size_t i = 0; i < bi->offers.count; i++) {
        const struct pb__offer_mention *b = &bi->offers.items[i];
        bool found = false;
        for (size_t j = 0; j < imp->offers.count && !found; j++) {
            const struct pb__offer_mention *a = &imp->offers.items[j];
            found = same(a->company, b->company) && same(a->currency, b->currency) &&
                    a->base == b->base && a->equity_per_year == b->equity_per_year &&
                    a->equity_grant == b->equity_grant && a->sign_on == b->sign_on &&
                    a->stated_total == b->stated_total;
        }
        cr_expect(found, "%s: built-in offer of %s (line %ld) differs from the reader's", seed,
                  b->company, b->line);
    }
}

/* Whether the built-in file holds a figure (currency, low, high) at all: as
 * a band component, an offer's base, a target or a figure. */
static bool held(const pb__facts *bi, const char *cur, int64_t low, int64_t high,
                 const char *company)
{
    for (size_t i = 0; i < bi->bands.count; i++) {
        const struct pb__band *b = &bi->bands.items[i];
        if (!same(b->currency, cur) || (company && !same(b->company, company)))
            continue;
        if ((b->has_base && b->base_low == low && b->base_high == high) ||
            (b->has_equity && b->equity_low == low && b->equity_high == high) ||
            (b->has_stated_tc && b->stated_tc_low == low && b->stated_tc_high == high))
            return true;
    }
    for (size_t i = 0; i < bi->mentions.count; i++) {
        const struct pb__mention *m = &bi->mentions.items[i];
        if (same(m->currency, cur) && m->low == low && m->high == high &&
            (!company || !m->company || same(m->company, company)))
            return true;
    }
    return false;
}

/* Every figure the reader attributes in prose (the peers' base ranges the
 * guides name) is held by the built-in file under the same company. */
static void compare_mentions(const char *seed, const pb__facts *imp, const pb__facts *bi)
{
    for (size_t j = 0; j < imp->mentions.count; j++) {
        const struct pb__mention *a = &imp->mentions.items[j];
        cr_expect(held(bi, a->currency, a->low, a->high, a->company),
                  "%s:%ld: the reader's figure %s (%s) is not built in", seed, a->line, a->text,
                  str(a->company));
    }
}

static void compare_guide(const struct builtin *b, const char *seed)
{
    pb_document *doc = read_seed(seed);
    const pb__facts *imp = doc->facts;
    const pb__facts *bi = builtin_for(b, seed);
    cr_assert(imp->bands.count > 0, "%s: the reader found no bands", seed);
    const char *company = imp->bands.items[0].company;
    const char *role = imp->bands.items[0].role;
    compare_bands(seed, imp, bi, company, role);
    compare_relative(seed, imp, bi);
    compare_targets(seed, imp, bi);
    compare_offers(seed, imp, bi);
    compare_mentions(seed, imp, bi);
    pb_document_free(doc);
}

#define NEED_SEEDS()                                                                           \
    do {                                                                                       \
        if (!test_seeds_dir())                                                                 \
            cr_skip_test("seed documents not found (../shared/seeds)");                       \
    } while (0)

Test(dataset_seeds, ml_ai_engineer_guide)
{
    NEED_SEEDS();
    struct builtin b;
    builtin_load(&b);
    compare_guide(&b, "001_6cf6d1a21825cad0.txt");
    builtin_free(&b);
}

Test(dataset_seeds, enterprise_software_engineer_guide)
{
    NEED_SEEDS();
    struct builtin b;
    builtin_load(&b);
    compare_guide(&b, "002_e3ecedd18a9aef0a.txt");
    builtin_free(&b);
}

Test(dataset_seeds, senior_software_engineer_guide)
{
    NEED_SEEDS();
    struct builtin b;
    builtin_load(&b);
    compare_guide(&b, "003_d0827d0d2e7696eb.txt");
    builtin_free(&b);
}

Test(dataset_seeds, staff_software_engineer_guide)
{
    NEED_SEEDS();
    struct builtin b;
    builtin_load(&b);
    compare_guide(&b, "004_73a91b4740e685e9.txt");
    builtin_free(&b);
}

/* The briefing: every money figure the prose reader finds, other than the
 * dollar equivalents of euro figures (which the built-in EUR/USD rate
 * reproduces), is held by the built-in file. */
Test(dataset_seeds, briefing_figures_are_all_held)
{
    NEED_SEEDS();
    struct builtin b;
    builtin_load(&b);
    const char *seed = "000_12419ac9175836a6.txt";
    pb_document *doc = read_seed(seed);
    const pb__facts *imp = doc->facts;
    const pb__facts *bi = builtin_for(&b, seed);
    size_t checked = 0;
    for (size_t j = 0; j < imp->mentions.count; j++) {
        const struct pb__mention *a = &imp->mentions.items[j];
        if (a->equivalent_of >= 0)
            continue;
        checked++;
        cr_expect(held(bi, a->currency, a->low, a->high, a->company),
                  "%s:%ld: the reader's figure %s (%s) is not built in", seed, a->line, a->text,
                  str(a->company));
    }
    cr_expect_gt(checked, 10, "%s: only %zu figures read", seed, checked);
    pb_document_free(doc);
    builtin_free(&b);
}

/* ---- every built-in fact stands on the seed line it names --------------- */

struct seed_lines {
    char *text;
    pb__lines lines;
    size_t len;
};

static void lines_load(struct seed_lines *s, const char *name)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", test_seeds_dir(), name);
    s->text = test_read_file(path, &s->len);
    cr_assert(s->text, "cannot read %s", path);
    cr_assert_eq(pb__lines_build(&s->lines, s->text, s->len), PB_OK);
}

/* Start and length of 1-based line `n`. */
static const char *line_at(const struct seed_lines *s, long n, size_t *len)
{
    const char *p = s->text, *end = s->text + s->len;
    for (long i = 1; i < n && p < end; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    *len = (size_t)((nl ? nl : end) - p);
    return p;
}

/* Whether line `n` writes the amount range [low, high] in `cur`: as one
 * figure or range, or (for a range) as its two ends. */
static bool line_has_money(const struct seed_lines *s, long n, const char *cur, int64_t low,
                           int64_t high)
{
    size_t len = 0;
    const char *l = line_at(s, n, &len);
    struct pb__money_tok tok;
    bool has_low = false, has_high = false;
    for (size_t from = 0; from < len && pb__scan_money(l, len, from, &tok); from = tok.end) {
        if (strcmp(tok.range.low.currency, cur) != 0)
            continue;
        if (tok.range.low.minor == low && tok.range.high.minor == high)
            return true;
        has_low |= tok.range.low.minor == low;
        has_high |= tok.range.high.minor == high;
    }
    return has_low && has_high;
}

static bool line_has_pct(const struct seed_lines *s, long n, int32_t low_bp, int32_t high_bp)
{
    size_t len = 0;
    const char *l = line_at(s, n, &len);
    struct pb__pct_tok tok;
    for (size_t from = 0; from < len && pb__scan_pct(l, len, from, &tok); from = tok.end)
        if (tok.pct.low_bp == low_bp && tok.pct.high_bp == high_bp)
            return true;
    return false;
}

/* "3–5x" (or "3-5x", "3 to 5x"; "3x" for a single multiple). */
static bool line_has_times(const struct seed_lines *s, long n, int32_t low_bp, int32_t high_bp)
{
    static const char *const dashes[] = {"\xE2\x80\x93", "-", " to "};
    size_t len = 0;
    const char *l = line_at(s, n, &len);
    char text[4096], want[48];
    snprintf(text, sizeof text, "%.*s", (int)len, l);
    int lo = (int)(low_bp / 10000), hi = (int)(high_bp / 10000);
    if (lo == hi) {
        snprintf(want, sizeof want, "%dx", hi);
        return strstr(text, want) != NULL;
    }
    for (size_t i = 0; i < sizeof dashes / sizeof dashes[0]; i++) {
        snprintf(want, sizeof want, "%d%s%dx", lo, dashes[i], hi);
        if (strstr(text, want))
            return true;
    }
    return false;
}

static void check_lines(const pb__facts *f)
{
    const char *key = f->source.key;
    struct seed_lines s;
    lines_load(&s, f->source.file);
    long last = (long)s.lines.count;
    for (size_t i = 0; i < f->bands.count; i++) {
        const struct pb__band *b = &f->bands.items[i];
        cr_expect(b->line >= 1 && b->line <= last, "%s: band %zu line %ld", key, i, b->line);
        bool ok = (b->has_base && line_has_money(&s, b->line, b->currency, b->base_low,
                                                 b->base_high)) ||
                  (b->has_stated_tc && line_has_money(&s, b->line, b->currency,
                                                      b->stated_tc_low, b->stated_tc_high));
        cr_expect(ok, "%s: band %s %s %s: its base or total is not on line %ld", key,
                  b->company, b->role, b->region, b->line);
    }
    for (size_t i = 0; i < f->offers.count; i++) {
        const struct pb__offer_mention *o = &f->offers.items[i];
        cr_expect(line_has_money(&s, o->line, o->currency, o->base, o->base),
                  "%s: offer of %s: its base is not on line %ld", key, o->company, o->line);
    }
    for (size_t i = 0; i < f->targets.count; i++) {
        const struct pb__target *t = &f->targets.items[i];
        int64_t v = t->base >= 0 ? t->base : t->equity;
        cr_expect(line_has_money(&s, t->line, t->currency, v, v),
                  "%s: %s in %s is not on line %ld", key, t->kind, t->currency, t->line);
    }
    for (size_t i = 0; i < f->mentions.count; i++) {
        const struct pb__mention *m = &f->mentions.items[i];
        cr_expect(line_has_money(&s, m->line, m->currency, m->low, m->high),
                  "%s: figure %s is not on line %ld", key, m->text, m->line);
    }
    for (size_t i = 0; i < f->percentages.count; i++) {
        const struct pb__percentage *p = &f->percentages.items[i];
        bool ok = strcmp(p->kind, "multiple") == 0
                      ? line_has_times(&s, p->line, p->low_bp, p->high_bp)
                      : line_has_pct(&s, p->line, p->low_bp, p->high_bp);
        cr_expect(ok, "%s: %s percentage %d-%d bp is not on line %ld", key, p->kind, p->low_bp,
                  p->high_bp, p->line);
    }
    pb__lines_release(&s.lines);
    free(s.text);
}

Test(dataset_seeds, every_builtin_fact_stands_on_its_line)
{
    NEED_SEEDS();
    struct builtin b;
    builtin_load(&b);
    for (size_t i = 0; i < b.n; i++)
        if (b.f[i]->source.file) /* the reference files for offer reports have no document */
            check_lines(b.f[i]);
    builtin_free(&b);
}
