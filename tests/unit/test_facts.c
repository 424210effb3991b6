/* test_facts.c — the per-document fact lists (src/store/facts.c): slugs, growing
 * lists, declared names, and freeing partly filled facts. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/alloc.h"
#include "store/facts.h"
#include "testutil.h"

Test(facts, slugify)
{
    static const char *const cases[][2] = {
        {"Hugging Face", "hugging-face"},   {"ML/AI Engineer", "ml-ai-engineer"},
        {"  Senior  SWE ", "senior-swe"},    {"hugging-face", "hugging-face"},
        {"L4–L5", "l4-l5"},                  {"Paris/NYC", "paris-nyc"},
        {"--", ""},                          {"", ""},
        {"Café Crème", "caf-cr-me"},         {"OpenAI", "openai"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = pb__slugify(cases[i][0]);
        cr_assert(s);
        cr_expect_str_eq(s, cases[i][1], "slug of '%s'", cases[i][0]);
        pb__free(s);
    }
}

Test(facts, lists_grow_and_zero_new_items)
{
    pb__facts *f = pb__facts_new();
    cr_assert(f);
    cr_expect_eq(f->source.as_of, PB_DATE_NONE);
    cr_expect_eq(f->source.review_due, PB_DATE_NONE);
    for (int i = 0; i < 100; i++) {
        struct pb__band *b = PB__PUSH(f->bands);
        cr_assert(b);
        cr_expect_null(b->company, "item %d not zeroed", i);
        cr_expect_eq(b->base_low, 0);
        b->line = i + 1;
    }
    cr_expect_eq(f->bands.count, 100);
    cr_expect_eq(f->bands.items[99].line, 100);
    pb__facts_free(f);
}

Test(facts, push_failure_leaves_the_list_unchanged)
{
    pb__facts *f = pb__facts_new();
    cr_assert(f);
    for (int i = 0; i < 8; i++)
        cr_assert(PB__PUSH(f->fx));
    pb__alloc_fail_after(1);
    void *item = PB__PUSH(f->fx); /* needs to grow from 8 */
    pb__alloc_fail_after(0);
    cr_expect_null(item);
    cr_expect_eq(f->fx.count, 8);
    cr_expect_eq(f->fx.cap, 8);
    pb__facts_free(f);
}

Test(facts, names_are_added_once)
{
    pb__facts *f = pb__facts_new();
    cr_assert(f);
    cr_expect_eq(pb__facts_name(f, true, "acme", "Acme"), PB_OK);
    cr_expect_eq(pb__facts_name(f, true, "acme", "ACME Corp"), PB_OK);
    cr_expect_eq(pb__facts_name(f, false, "engineer", NULL), PB_OK);
    cr_expect_eq(f->companies.count, 1);
    cr_expect_str_eq(f->companies.items[0].display, "Acme", "the first display name stays");
    cr_expect_str_eq(f->roles.items[0].display, "engineer", "the slug when no display");
    pb__alloc_fail_after(1);
    cr_expect_eq(pb__facts_name(f, true, "globex", "Globex"), PB_ERR_NOMEM);
    pb__alloc_fail_after(0);
    pb__facts_free(f);
}

/* Facts filled half-way (as a parser leaves them on an error) free cleanly;
 * the sanitizer build checks for leaks. */
Test(facts, free_partly_filled)
{
    pb__facts *f = pb__facts_new();
    cr_assert(f);
    f->source.key = pb__strdup("k");
    struct pb__band *b = PB__PUSH(f->bands);
    b->company = pb__strdup("acme");
    struct pb__level_map *m = PB__PUSH(f->level_maps);
    m->nodes = pb__calloc(3, sizeof *m->nodes);
    m->count = 1;
    m->nodes[0].company = pb__strdup("acme");
    PB__PUSH(f->offers);
    PB__PUSH(f->premiums);
    PB__PUSH(f->targets);
    pb__facts_free(f);
    pb__facts_free(NULL);
}
