/* test_plan_roundtrip.c — payband reads its own plans back: for every band
 * of the built-in dataset that has a base range, the plan's Markdown is read
 * as a guide, its claims are recomputed with no wrong or inconsistent
 * finding, and its facts import; the imported band, ask and floor are the
 * plan's. A premium that takes the ask above the band is stated with the
 * ask, and the checker accepts the ask because of it. */
#include <stdlib.h>
#include <unistd.h>

#include "payband/document.h"
#include "payband/market.h"
#include "payband/plan.h"
#include "testdb.h"

static struct test_db db;

static pb_store *open_store(void)
{
    return test_db_new(&db, 0);
}

static void close_store(pb_store *s)
{
    test_db_close(&db, s);
}

/* Plan one band, write it, read it back; returns the findings. */
static json_t *round_trip(pb_store *s, const char *company, const char *role, const char *region,
                          const char *level, const pb_profile *prof, json_t **plan_out)
{
    pb_plan *p = pb_plan_new();
    cr_assert_not_null(p);
    pb_plan_set_target(p, company, role, region);
    if (level)
        cr_assert_eq(pb_plan_set_level(p, level), PB_OK);
    pb_plan_set_simulations(p, 1000);
    if (prof)
        pb_plan_set_profile(p, prof);
    json_t *plan = NULL;
    cr_assert_eq(pb_plan_build(p, s, &plan), PB_OK, "%s/%s/%s: %s", company, role, region,
                 pb_plan_errmsg(p));
    pb_plan_free(p);
    char *md = NULL;
    cr_assert_eq(pb_plan_markdown(plan, &md), PB_OK);
    char path[160];
    snprintf(path, sizeof path, "%s/plan.md", db.dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(md, f);
    fclose(f);
    free(md);
    pb_document *doc = NULL;
    pb_status st = pb_document_read(path, PB_DOCUMENT_AUTO, &doc);
    cr_assert_eq(st, PB_OK, "%s/%s/%s: %s", company, role, region, pb_document_errmsg(doc));
    cr_assert_eq(pb_document_kind(doc), PB_DOCUMENT_GUIDE);
    json_t *findings = NULL;
    cr_assert_eq(pb_document_check(doc, s, TEST_TODAY, &findings), PB_OK, "%s",
                 pb_document_errmsg(doc));
    pb_document_free(doc);
    *plan_out = plan;
    return findings;
}

static size_t count_bad(json_t *findings, const char *role, const char *region)
{
    size_t bad = 0, i;
    json_t *f;
    json_array_foreach(findings, i, f) {
        const char *v = json_string_value(json_object_get(f, "verdict"));
        if (strcmp(v, "wrong") == 0 || strcmp(v, "inconsistent") == 0) {
            bad++;
            cr_log_error("%s %s: line %lld %s: %s", role, region,
                         (long long)json_integer_value(json_object_get(f, "line")),
                         json_string_value(json_object_get(f, "kind")),
                         json_string_value(json_object_get(f, "reason")));
        }
    }
    return bad;
}

Test(plan_roundtrip, every_band_of_the_dataset_reads_back_right)
{
    pb_store *s = open_store();
    json_t *bands = NULL;
    pb_band_query q = {NULL, NULL, NULL, NULL, PB_DATE_NONE};
    cr_assert_eq(pb_market_bands(s, &q, &bands), PB_OK);
    size_t i, planned = 0;
    json_t *b;
    json_array_foreach(bands, i, b) {
        if (json_is_null(json_object_get(b, "base_low")))
            continue;
        const char *company = json_string_value(json_object_get(b, "company"));
        const char *role = json_string_value(json_object_get(b, "role"));
        const char *region = json_string_value(json_object_get(b, "region"));
        const char *level = json_string_value(json_object_get(b, "level"));
        json_t *plan = NULL;
        json_t *findings = round_trip(s, company, role, region, level, NULL, &plan);
        /* each band is planned by its own level (Google L4 and L5 in Paris) */
        const char *planned_level =
            json_string_value(json_object_get(json_object_get(plan, "band"), "level"));
        cr_expect(level ? planned_level && strcmp(level, planned_level) == 0 : !planned_level,
                  "%s %s %s: planned level %s, not %s", company, role, region,
                  planned_level ? planned_level : "none", level ? level : "none");
        cr_expect_eq(count_bad(findings, role, region), 0, "%s %s %s", company, role, region);
        /* the ask and the floor were read and checked */
        size_t targets = 0, k;
        json_t *f;
        json_array_foreach(findings, k, f) {
            const char *kind = json_string_value(json_object_get(f, "kind"));
            targets += strcmp(kind, "ask-in-band") == 0 || strcmp(kind, "floor-in-band") == 0;
        }
        cr_expect_eq(targets, 2, "%s %s %s: %zu ask/floor findings", company, role, region,
                     targets);
        json_decref(findings);
        json_decref(plan);
        planned++;
    }
    cr_assert_geq(planned, 17);
    json_decref(bands);
    close_store(s);
}

Test(plan_roundtrip, the_import_holds_the_plans_figures)
{
    pb_store *s = open_store();
    json_t *plan = NULL;
    json_t *findings =
        round_trip(s, "hugging-face", "senior-software-engineer", "Paris", NULL, NULL, &plan);
    json_decref(findings);
    char path[160];
    snprintf(path, sizeof path, "%s/plan.md", db.dir);
    pb_document *doc = NULL;
    cr_assert_eq(pb_document_read(path, PB_DOCUMENT_AUTO, &doc), PB_OK);
    cr_assert_eq(pb_document_import(doc, s), PB_OK, "%s", pb_store_errmsg(s));
    json_t *sum = NULL;
    cr_assert_eq(pb_document_summary(doc, &sum), PB_OK);
    cr_assert_eq(json_integer_value(json_object_get(sum, "bands")), 1);
    cr_assert_eq(json_integer_value(json_object_get(sum, "asks")), 1);
    cr_assert_eq(json_integer_value(json_object_get(sum, "floors")), 1);
    cr_assert_eq(json_integer_value(json_object_get(sum, "offers")), 1);
    cr_assert_eq(json_integer_value(json_object_get(sum, "additional_asks")), 4);
    json_decref(sum);
    pb_document_free(doc);
    /* the imported band is the plan's band */
    json_t *bands = NULL;
    pb_band_query q = {"hugging-face", "senior-software-engineer", "Paris", NULL, PB_DATE_NONE};
    cr_assert_eq(pb_market_bands(s, &q, &bands), PB_OK);
    cr_assert_eq(json_array_size(bands), 2);
    json_t *pb = json_object_get(plan, "band");
    size_t i;
    json_t *b;
    json_array_foreach(bands, i, b) {
        cr_assert_float_eq(json_number_value(json_object_get(b, "base_low")),
                           json_number_value(json_object_get(pb, "base_low")), 0.005);
        cr_assert_float_eq(json_number_value(json_object_get(b, "equity_high")),
                           json_number_value(json_object_get(pb, "equity_high")), 0.005);
    }
    json_decref(bands);
    json_decref(plan);
    close_store(s);
}

Test(plan_roundtrip, a_premium_above_the_band_reads_back_explained)
{
    pb_store *s = open_store();
    const char *text = "premium_skills: [agentic-ai]\n";
    pb_profile *prof = NULL;
    cr_assert_eq(pb_profile_parse("p.yaml", text, strlen(text), &prof), PB_OK);
    json_t *plan = NULL;
    json_t *findings = round_trip(s, "hugging-face", "ml-ai-engineer", "Paris", NULL, prof, &plan);
    cr_assert_eq(count_bad(findings, "ml-ai-engineer", "Paris"), 0);
    /* the ask is above the band, and the checker names the premium the
     * strategy block states for it */
    size_t i, asks = 0;
    json_t *f;
    json_array_foreach(findings, i, f) {
        if (strcmp(json_string_value(json_object_get(f, "kind")), "ask-in-band") != 0)
            continue;
        asks++;
        const char *why = json_string_value(json_object_get(f, "reason"));
        cr_assert(strstr(why, "above") && strstr(why, "which the agentic-ai premium"), "%s", why);
    }
    cr_assert_eq(asks, 1);
    /* the premium reads back with its range, once */
    char path[160];
    snprintf(path, sizeof path, "%s/plan.md", db.dir);
    pb_document *doc = NULL;
    cr_assert_eq(pb_document_read(path, PB_DOCUMENT_AUTO, &doc), PB_OK);
    json_t *sum = NULL;
    cr_assert_eq(pb_document_summary(doc, &sum), PB_OK);
    cr_assert_eq(json_integer_value(json_object_get(sum, "premiums")), 1);
    json_decref(sum);
    pb_document_free(doc);
    cr_assert(json_is_true(json_object_get(
        json_object_get(json_object_get(plan, "ask"), "equity"), "above_band")));
    json_decref(findings);
    json_decref(plan);
    pb_profile_free(prof);
    close_store(s);
}
