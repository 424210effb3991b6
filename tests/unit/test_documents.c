/* test_documents.c — the guide and briefing readers and the claim checker,
 * driven by tests/cases/documents.txt: for each document (a seed from
 * ../shared/seeds or one of our fixtures), the facts it must give, how many
 * of each, the findings `check` must report, or the error reading must fail
 * with, and the reasons of findings. A document written "TEMPLATE <<< TEXT"
 * is the template with its marker "@@" replaced by TEXT (one case table row
 * per variation). Facts and findings are rendered as one line each (see
 * dump_facts) and looked up in those renderings. Besides the table: a
 * run-on sentence of figures, and allocation failures at every point. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "docs/document_internal.h"
#include "docs/doctext.h"
#include "payband/document.h"
#include "testutil.h"

/* ---- rendering facts and findings as lines ------------------------------------ */

struct lines {
    char **items;
    size_t count;
};

static void add_line(struct lines *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_line(struct lines *l, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    l->items = realloc(l->items, (l->count + 1) * sizeof *l->items);
    cr_assert(l->items);
    l->items[l->count++] = strdup(buf);
}

static void free_lines(struct lines *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static long long major(int64_t minor)
{
    return (long long)(minor / 100);
}

static const char *or_dash(const char *s)
{
    return s ? s : "-";
}

static void date_text(pb_date d, char buf[11])
{
    if (d == PB_DATE_NONE)
        snprintf(buf, 11, "-");
    else
        pb_date_format(d, buf);
}

static void dump_facts(pb_document *doc, struct lines *out)
{
    const pb__facts *f = doc->facts;
    char p[11], a[11], r[11];
    date_text(f->source.published, p);
    date_text(f->source.as_of, a);
    date_text(f->source.review_due, r);
    add_line(out, "source %s %s published=%s as_of=%s review=%s%s", f->source.key,
             f->source.kind, p, a, r, f->source.review_assumed ? " (assumed)" : "");
    for (size_t i = 0; i < f->companies.count; i++)
        add_line(out, "company %s %s", f->companies.items[i].slug,
                 f->companies.items[i].display);
    for (size_t i = 0; i < f->roles.count; i++)
        add_line(out, "role %s %s", f->roles.items[i].slug, or_dash(f->roles.items[i].display));
    for (size_t i = 0; i < f->bands.count; i++) {
        const struct pb__band *b = &f->bands.items[i];
        char base[64] = "-", eq[64] = "-", bonus[32] = "-", tc[64] = "-";
        if (b->has_base)
            snprintf(base, sizeof base, "%lld-%lld", major(b->base_low), major(b->base_high));
        if (b->has_equity)
            snprintf(eq, sizeof eq, "%lld-%lld/%d", major(b->equity_low), major(b->equity_high),
                     b->vest_years);
        if (b->has_bonus)
            snprintf(bonus, sizeof bonus, "%d-%d%%", b->bonus_low_bp / 100,
                     b->bonus_high_bp / 100);
        if (b->has_stated_tc)
            snprintf(tc, sizeof tc, "%lld-%lld", major(b->stated_tc_low),
                     major(b->stated_tc_high));
        add_line(out, "band %s/%s %s %s base=%s equity=%s bonus=%s tc=%s line=%ld", b->company,
                 b->role, b->region, b->currency, base, eq, bonus, tc, b->line);
    }
    for (size_t i = 0; i < f->relative_bands.count; i++) {
        const struct pb__relative_band *b = &f->relative_bands.items[i];
        add_line(out, "relative %s/%s %s of %s %d-%d%%%s line=%ld", b->company, b->role,
                 b->region, b->of_region, b->pct_low_bp / 100, b->pct_high_bp / 100,
                 b->equity_same ? " equity-same" : "", b->line);
    }
    for (size_t i = 0; i < f->level_maps.count; i++) {
        const struct pb__level_map *m = &f->level_maps.items[i];
        char buf[900] = "";
        for (size_t j = 0; j < m->count; j++) {
            const struct pb__level_node *n = &m->nodes[j];
            size_t k = strlen(buf);
            snprintf(buf + k, sizeof buf - k, "%s%s%s%s:%s%s%s", j ? " = " : "", n->company,
                     n->role ? "/" : "", n->role ? n->role : "", or_dash(n->level),
                     n->region ? "@" : "", n->region ? n->region : "");
        }
        add_line(out, "levels %s", buf);
    }
    for (size_t i = 0; i < f->offers.count; i++) {
        const struct pb__offer_mention *o = &f->offers.items[i];
        char eq[64], total[64] = "-";
        if (o->equity_per_year >= 0)
            snprintf(eq, sizeof eq, "%lld/yr", major(o->equity_per_year));
        else
            snprintf(eq, sizeof eq, "%lld/%dy", major(o->equity_grant), o->vest_years);
        if (o->stated_total >= 0)
            snprintf(total, sizeof total, "%lld/%dy", major(o->stated_total), o->stated_years);
        char extras[64] = "";
        if (o->sign_on > 0)
            snprintf(extras, sizeof extras, " sign-on=%lld", major(o->sign_on));
        if (o->bonus_bp > 0)
            snprintf(extras + strlen(extras), sizeof extras - strlen(extras), " bonus=%d%%",
                     o->bonus_bp / 100);
        add_line(out, "offer %s level=%s region=%s %s base=%lld equity=%s%s total=%s line=%ld",
                 o->company, or_dash(o->level), or_dash(o->region), o->currency, major(o->base),
                 eq, extras, total, o->line);
    }
    for (size_t i = 0; i < f->targets.count; i++) {
        const struct pb__target *t = &f->targets.items[i];
        add_line(out, "%s %s %s base=%lld equity=%lld/%d sign-on=%lld", t->kind,
                 or_dash(t->region), t->currency, t->base < 0 ? -1 : major(t->base),
                 t->equity < 0 ? -1 : major(t->equity), t->vest_years,
                 t->sign_on < 0 ? -1 : major(t->sign_on));
    }
    for (size_t i = 0; i < f->premiums.count; i++) {
        const struct pb__premium *pr = &f->premiums.items[i];
        add_line(out, "premium %s %s %d-%d%%", pr->name, pr->applies_to, pr->low_bp / 100,
                 pr->high_bp / 100);
    }
    for (size_t i = 0; i < f->extra_asks.count; i++) {
        const struct pb__extra_ask *x = &f->extra_asks.items[i];
        if (x->amount >= 0)
            add_line(out, "extra %s %s %lld", x->kind, x->currency, major(x->amount));
        else
            add_line(out, "extra %s", x->kind);
    }
    for (size_t i = 0; i < f->mentions.count; i++) {
        const struct pb__mention *m = &f->mentions.items[i];
        char eq[32] = "";
        if (m->equivalent_of >= 0)
            snprintf(eq, sizeof eq, " equiv-of=%ld", m->equivalent_of);
        add_line(out, "mention %ld %s%s role=%s level=%s region=%s %s %s %lld-%lld%s", m->line,
                 or_dash(m->company), m->company_inferred ? "(subject)" : "", or_dash(m->role),
                 or_dash(m->level), or_dash(m->region), or_dash(m->component), m->currency,
                 major(m->low), major(m->high), eq);
    }
}

/* One line per finding ("LINE KIND VERDICT STATED COMPUTED") and one per
 * reason ("LINE KIND REASON"). */
static void dump_findings(json_t *findings, struct lines *out, struct lines *reasons)
{
    for (size_t i = 0; i < json_array_size(findings); i++) {
        json_t *f = json_array_get(findings, i);
        const char *computed = json_string_value(json_object_get(f, "computed"));
        long long line = (long long)json_integer_value(json_object_get(f, "line"));
        const char *kind = json_string_value(json_object_get(f, "kind"));
        add_line(out, "%lld %s %s %s %s", line, kind,
                 json_string_value(json_object_get(f, "verdict")),
                 json_string_value(json_object_get(f, "stated")), computed ? computed : "-");
        if (reasons)
            add_line(reasons, "%lld %s %s", line, kind,
                     json_string_value(json_object_get(f, "reason")));
    }
}

/* The number of `what` ("bands", "claims", ...) the document gave: a case's
 * name is the name of the list it counts. */
static size_t count_facts(const pb__facts *f, const char *what, const pb_document *doc)
{
#define COUNT(list)                                                                                \
    if (strcmp(what, #list) == 0)                                                                  \
        return f->list.count;
    COUNT(bands)
    COUNT(relative_bands)
    COUNT(level_maps)
    COUNT(offers)
    COUNT(targets)
    COUNT(premiums)
    COUNT(extra_asks)
    COUNT(mentions)
    COUNT(citations)
#undef COUNT
    if (strcmp(what, "claims") == 0)
        return doc->claims.count;
    cr_assert_fail("unknown count '%s'", what);
    return 0;
}

/* ---- the case file ------------------------------------------------------------- */

struct loaded {
    char where[512];
    pb_document *doc;
    pb_status status;
    struct lines facts, findings, reasons;
};

/* "TEMPLATE <<< TEXT": the template's text with its marker "@@" replaced
 * by TEXT, read from memory under the template's file name. */
static pb_status read_template(const char *path, const char *text, pb_document **doc)
{
    size_t len = 0;
    char *tpl = test_read_file(path, &len);
    cr_assert(tpl, "cannot read %s", path);
    char *at = strstr(tpl, "@@");
    cr_assert(at, "%s has no @@ marker", path);
    size_t head = (size_t)(at - tpl), add = strlen(text), tail = len - head - 2;
    char *full = malloc(head + add + tail + 1);
    cr_assert(full);
    memcpy(full, tpl, head);
    memcpy(full + head, text, add);
    memcpy(full + head + add, at + 2, tail + 1);
    const char *name = strrchr(path, '/');
    pb_status st = pb_document_read_text(name ? name + 1 : path, full, head + add + tail,
                                         PB_DOCUMENT_AUTO, doc);
    free(full);
    free(tpl);
    return st;
}

static void load(struct loaded *l, const char *where, const char *path)
{
    if (strcmp(l->where, where) == 0)
        return;
    pb_document_free(l->doc);
    free_lines(&l->facts);
    free_lines(&l->findings);
    free_lines(&l->reasons);
    snprintf(l->where, sizeof l->where, "%s", where);
    l->doc = NULL;
    const char *text = strstr(where, " <<< ");
    if (text) {
        char tpl[8300];
        snprintf(tpl, sizeof tpl, "%.*s", (int)(strstr(path, " <<< ") - path), path);
        l->status = read_template(tpl, text + 5, &l->doc);
    } else {
        l->status = pb_document_read(path, PB_DOCUMENT_AUTO, &l->doc);
    }
    if (l->status != PB_OK)
        return;
    dump_facts(l->doc, &l->facts);
    json_t *findings = NULL;
    cr_assert_eq(pb_document_check(l->doc, NULL, TEST_TODAY, &findings), PB_OK);
    dump_findings(findings, &l->findings, &l->reasons);
    json_decref(findings);
    if (getenv("PB_DUMP")) {
        for (size_t i = 0; i < l->facts.count; i++)
            fprintf(stderr, "%s | fact | %s\n", where, l->facts.items[i]);
        for (size_t i = 0; i < l->findings.count; i++)
            fprintf(stderr, "%s | finding | %s\n", where, l->findings.items[i]);
    }
}

static bool has_line(const struct lines *l, const char *want)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i], want) == 0)
            return true;
    return false;
}

/* The state of one pass over the case file. */
struct pass {
    bool seeds;           /* run the seed cases, else the fixture cases */
    const char *seed_dir; /* where the seeds are */
    struct loaded l;      /* the document of the latest case */
    int ran;              /* cases run */
};

/* One line of tests/cases/documents.txt: document | what | expected. */
static void document_case(const struct test_case *c, void *ctx)
{
    struct pass *p = ctx;
    struct loaded *l = &p->l;
    char **fields = c->f;
    const char *where = c->where;
    bool is_seed = strncmp(fields[0], "seed:", 5) == 0;
    if (is_seed != p->seeds)
        return;
    char path[8300];
    if (is_seed)
        snprintf(path, sizeof path, "%s/%s", p->seed_dir, fields[0] + 5);
    else
        snprintf(path, sizeof path, "%s", TEST_PATH(fields[0]));
    load(l, fields[0], path);
    const char *what = fields[1], *want = fields[2];
    p->ran++;
    if (strcmp(what, "error") == 0) {
        cr_expect(l->status != PB_OK, "%s: %s read without error", where, fields[0]);
        if (l->status != PB_OK)
            cr_expect(strstr(pb_document_errmsg(l->doc), want) != NULL,
                      "%s: error '%s' lacks '%s'", where, pb_document_errmsg(l->doc), want);
        return;
    }
    cr_assert_eq(l->status, PB_OK, "%s: %s: %s", where, fields[0], pb_document_errmsg(l->doc));
    if (strcmp(what, "fact") == 0) {
        cr_expect(has_line(&l->facts, want), "%s: %s gives no fact '%s'", where, fields[0], want);
    } else if (strcmp(what, "finding") == 0) {
        cr_expect(has_line(&l->findings, want), "%s: %s: no finding '%s'", where, fields[0],
                  want);
    } else if (strcmp(what, "reason") == 0) {
        /* "LINE KIND TEXT": a finding of that line and kind whose reason has TEXT */
        const char *text = strchr(want, ' ');
        text = text ? strchr(text + 1, ' ') : NULL;
        cr_assert(text, "%s: a reason case is 'LINE KIND TEXT'", where);
        size_t head = (size_t)(text - want) + 1;
        bool found = false;
        for (size_t i = 0; i < l->reasons.count && !found; i++)
            found = strncmp(l->reasons.items[i], want, head) == 0 &&
                    strstr(l->reasons.items[i] + head, text + 1) != NULL;
        cr_expect(found, "%s: %s: no finding '%.*s' with a reason containing '%s'", where,
                  fields[0], (int)head - 1, want, text + 1);
    } else if (strcmp(what, "no finding") == 0) {
        cr_expect(!has_line(&l->findings, want), "%s: %s: unexpected finding '%s'", where,
                  fields[0], want);
    } else if (strcmp(what, "notice") == 0) {
        bool found = false;
        for (size_t i = 0; i < l->doc->warnings_count && !found; i++)
            found = strstr(l->doc->warnings[i], want) != NULL;
        cr_expect(found, "%s: %s gives no notice containing '%s'", where, fields[0], want);
    } else if (strcmp(what, "type") == 0) {
        cr_expect_str_eq(pb_document_type_name(pb_document_kind(l->doc)), want, "%s", where);
    } else if (strncmp(what, "count ", 6) == 0) {
        size_t got = count_facts(l->doc->facts, what + 6, l->doc);
        cr_expect_eq(got, (size_t)strtoul(want, NULL, 10), "%s: %s: %s is %zu, not %s", where,
                     fields[0], what + 6, got, want);
    } else {
        cr_assert_fail("%s: unknown expectation '%s'", where, what);
    }
}

/* Runs every case whose document is a seed (seeds) or a fixture. */
static int run_cases(bool seeds)
{
    struct pass p = {.seeds = seeds, .seed_dir = test_seeds_dir()};
    test_each_case(TEST_PATH("tests/cases/documents.txt"), 3, document_case, &p);
    pb_document_free(p.l.doc);
    free_lines(&p.l.facts);
    free_lines(&p.l.findings);
    free_lines(&p.l.reasons);
    return p.ran;
}

Test(documents, fixtures)
{
    int ran = run_cases(false);
    cr_expect(ran > 40, "only %d fixture cases", ran);
}

Test(documents, seeds)
{
    if (!test_seeds_dir())
        cr_skip_test("seed documents not found (../shared/seeds)");
    int ran = run_cases(true);
    cr_expect(ran > 80, "only %d seed cases", ran);
}

/* ---- properties that are not data -------------------------------------------------- */

Test(documents, reads_from_memory_and_detects_type)
{
    static const char guide[] = "### Analyst | Criteo Negotiation Guide\n\n"
                                "| Region | Base | Total Comp |\n|---|---|---|\n"
                                "| Paris | €60K–€70K | €60K–€70K |\n";
    pb_document *doc = NULL;
    cr_assert_eq(pb_document_read_text("mem.md", guide, sizeof guide - 1, PB_DOCUMENT_AUTO, &doc),
                 PB_OK, "%s", pb_document_errmsg(doc));
    cr_expect_eq(pb_document_kind(doc), PB_DOCUMENT_GUIDE);
    json_t *summary = NULL;
    cr_assert_eq(pb_document_summary(doc, &summary), PB_OK);
    cr_expect_str_eq(json_string_value(json_object_get(summary, "company")), "criteo");
    cr_expect_str_eq(json_string_value(json_object_get(summary, "role")), "analyst");
    cr_expect_eq(json_integer_value(json_object_get(summary, "bands")), 1);
    json_decref(summary);
    pb_document_free(doc);

    static const char prose[] = "Criteo pays analysts €60,000 base in Paris.\n";
    cr_assert_eq(pb_document_read_text("mem.txt", prose, sizeof prose - 1, PB_DOCUMENT_AUTO, &doc),
                 PB_OK, "%s", pb_document_errmsg(doc));
    cr_expect_eq(pb_document_kind(doc), PB_DOCUMENT_BRIEFING);
    pb_document_free(doc);
}

Test(documents, findings_have_the_documented_fields)
{
    pb_document *doc = NULL;
    cr_assert_eq(pb_document_read(TEST_PATH("tests/fixtures/guides/table-only.md"),
                                  PB_DOCUMENT_AUTO, &doc),
                 PB_OK, "%s", pb_document_errmsg(doc));
    json_t *findings = NULL;
    cr_assert_eq(pb_document_check(doc, NULL, TEST_TODAY, &findings), PB_OK);
    cr_assert(json_array_size(findings) > 0);
    static const char *const fields[] = {"file", "line", "kind", "claim", "stated",
                                         "computed", "verdict", "reason"};
    for (size_t i = 0; i < json_array_size(findings); i++)
        for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
            cr_expect(json_object_get(json_array_get(findings, i), fields[k]),
                      "finding %zu lacks '%s'", i, fields[k]);
    json_decref(findings);
    pb_document_free(doc);
}

Test(documents, names_are_listed_whole)
{
    cr_expect(pb__name_listed("vector-search,agentic-ai", "vector-search"));
    cr_expect(pb__name_listed("vector-search,agentic-ai", "agentic-ai"));
    cr_expect(!pb__name_listed("vector-search,agentic-ai", "search"));
    cr_expect(!pb__name_listed("vector-search,agentic-ai", "agentic"));
    cr_expect(!pb__name_listed("l10", "l1"));
    cr_expect(!pb__name_listed("l1", "l10"));
    cr_expect(pb__name_listed("l10,l1", "l1"));
    cr_expect(!pb__name_listed("", "l1"));
}

/* Everything a read gave, as one string: the facts as dump_facts renders
 * them, every band's note, the summary and the findings. */
static char *fingerprint(pb_document *doc, json_t *summary, json_t *findings)
{
    struct lines l = {0};
    dump_facts(doc, &l);
    for (size_t i = 0; i < doc->facts->bands.count; i++)
        add_line(&l, "note %s", or_dash(doc->facts->bands.items[i].note));
    char *js = json_dumps(summary, JSON_SORT_KEYS), *jf = json_dumps(findings, JSON_SORT_KEYS);
    cr_assert(js && jf);
    add_line(&l, "%.1000s", js);
    size_t cap = strlen(jf) + 1;
    for (size_t i = 0; i < l.count; i++)
        cap += strlen(l.items[i]) + 1;
    char *out = malloc(cap);
    cr_assert(out);
    size_t n = 0;
    for (size_t i = 0; i < l.count; i++)
        n += (size_t)snprintf(out + n, cap - n, "%s\n", l.items[i]);
    snprintf(out + n, cap - n, "%s", jf);
    free(js);
    free(jf);
    free_lines(&l);
    return out;
}

/* Every allocation failure is reported, never a crash or a leak (the ASan
 * build checks the leaks), and never swallowed: a read that succeeds gives
 * exactly what a read without failures gives. */
static void allocation_failures(const char *rel)
{
    size_t len = 0;
    char *text = test_read_file(TEST_PATH(rel), &len);
    cr_assert(text, "cannot read %s", rel);
    char *expected = NULL;
    {
        pb_document *doc = NULL;
        json_t *findings = NULL, *summary = NULL;
        cr_assert_eq(pb_document_read_text("t.md", text, len, PB_DOCUMENT_AUTO, &doc), PB_OK);
        cr_assert_eq(pb_document_check(doc, NULL, TEST_TODAY, &findings), PB_OK);
        cr_assert_eq(pb_document_summary(doc, &summary), PB_OK);
        expected = fingerprint(doc, summary, findings);
        json_decref(findings);
        json_decref(summary);
        pb_document_free(doc);
    }
    int failures = 0, successes = 0;
    for (unsigned long n = 1; successes < 40 && n < 40000; n++) {
        pb__alloc_fail_after(n);
        pb_document *doc = NULL;
        json_t *findings = NULL, *summary = NULL;
        pb_status st = pb_document_read_text("t.md", text, len, PB_DOCUMENT_AUTO, &doc);
        if (st == PB_OK)
            st = pb_document_check(doc, NULL, TEST_TODAY, &findings);
        if (st == PB_OK)
            st = pb_document_summary(doc, &summary);
        pb__alloc_fail_after(0);
        if (st != PB_OK) {
            failures++;
            successes = 0;
            cr_expect(doc == NULL || pb_document_errmsg(doc)[0] != '\0',
                      "%s: failure %lu without a message", rel, n);
        } else {
            successes++;
            char *got = fingerprint(doc, summary, findings);
            cr_expect_str_eq(got, expected, "%s: failure %lu swallowed", rel, n);
            free(got);
        }
        json_decref(findings);
        json_decref(summary);
        pb_document_free(doc);
    }
    free(expected);
    if (getenv("PB_DUMP"))
        fprintf(stderr, "%s: %d failures\n", rel, failures);
    cr_expect(failures > 10, "%s: only %d injected failures", rel, failures);
    cr_expect(successes == 40, "%s: never read once allocations stopped failing", rel);
    /* one allocation failing alone: reported, or no trace of it at all */
    pb__alloc_fail_only(ULONG_MAX);
    {
        pb_document *doc = NULL;
        json_t *findings = NULL, *summary = NULL;
        cr_assert_eq(pb_document_read_text("t.md", text, len, PB_DOCUMENT_AUTO, &doc), PB_OK);
        cr_assert_eq(pb_document_check(doc, NULL, TEST_TODAY, &findings), PB_OK);
        cr_assert_eq(pb_document_summary(doc, &summary), PB_OK);
        json_decref(findings);
        json_decref(summary);
        pb_document_free(doc);
    }
    unsigned long total = pb__alloc_count();
    pb__alloc_fail_after(0);
    for (unsigned long n = 1; n <= total; n++) {
        pb__alloc_fail_only(n);
        pb_document *doc = NULL;
        json_t *findings = NULL, *summary = NULL;
        pb_status st = pb_document_read_text("t.md", text, len, PB_DOCUMENT_AUTO, &doc);
        if (st == PB_OK)
            st = pb_document_check(doc, NULL, TEST_TODAY, &findings);
        if (st == PB_OK)
            st = pb_document_summary(doc, &summary);
        pb__alloc_fail_after(0);
        if (st != PB_OK) {
            cr_expect(doc == NULL || pb_document_errmsg(doc)[0] != '\0',
                      "%s: allocation %lu failed without a message", rel, n);
        } else {
            char *got = fingerprint(doc, summary, findings);
            cr_expect_str_eq(got, expected, "%s: the failure of allocation %lu was swallowed",
                             rel, n);
            free(got);
        }
        json_decref(findings);
        json_decref(summary);
        pb_document_free(doc);
    }
    free(text);
}

/* A briefing whose figures all stand in one sentence that never ends: each
 * figure is read, and what a figure keeps of its sentence is bounded (it
 * was the whole run-on text, for every figure: memory grew with the square
 * of the text, 2.9 GB for 370 KB). */
Test(documents, a_run_on_sentence_costs_each_figure_a_bounded_piece)
{
    enum { FIGURES = 2000 };
    size_t len = 0;
    char *head = test_read_file(TEST_PATH("tests/fixtures/briefings/criteo-platform.txt"), &len);
    cr_assert(head);
    static const char clause[] = "Datadog London pays \xC2\xA3" "100,000 base; ";
    size_t add = FIGURES * (sizeof clause - 1);
    char *text = malloc(len + add + 1);
    cr_assert(text);
    memcpy(text, head, len);
    for (size_t i = 0; i < FIGURES; i++)
        memcpy(text + len + i * (sizeof clause - 1), clause, sizeof clause - 1);
    text[len + add] = '\0';
    pb_document *doc = NULL;
    cr_assert_eq(pb_document_read_text("run-on.txt", text, len + add, PB_DOCUMENT_AUTO, &doc),
                 PB_OK, "%s", pb_document_errmsg(doc));
    const pb__facts *f = doc->facts;
    cr_expect_geq(f->mentions.count, FIGURES, "%zu figures read", f->mentions.count);
    size_t longest = 0;
    for (size_t i = 0; i < f->mentions.count; i++) {
        size_t n = strlen(f->mentions.items[i].sentence);
        longest = n > longest ? n : longest;
    }
    cr_expect_leq(longest, PB__SENTENCE_MAX, "a figure keeps %zu bytes of its sentence", longest);
    pb_document_free(doc);
    free(text);
    free(head);
}

Test(documents, survives_allocation_failures)
{
    allocation_failures("tests/fixtures/guides/table-only.md");
    allocation_failures("tests/fixtures/guides/front-matter-only.md");
    allocation_failures("tests/fixtures/briefings/criteo-platform.txt");
    allocation_failures("tests/fixtures/guides/no-vesting.md");
    allocation_failures("tests/fixtures/guides/unknown-company.md");
    allocation_failures("tests/fixtures/guides/offer-extras.md");
    allocation_failures("tests/fixtures/guides/restated.md");
    allocation_failures("tests/fixtures/guides/disagree.md");
    allocation_failures("tests/fixtures/briefings/datadog-ties.txt");
    allocation_failures("tests/fixtures/guides/percent-gaps.md");
    allocation_failures("tests/fixtures/guides/premium-names.md");
}
