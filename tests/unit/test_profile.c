/* test_profile.c — the profile file of `payband plan`: the example
 * profiles read, every field reaches the JSON, and each bad file in
 * tests/fixtures/profiles gives its exact `file:line:` message. */
#include <math.h>

#include "core/alloc.h"
#include "payband/plan.h"
#include "testutil.h"

static pb_profile *load_ok(const char *rel)
{
    pb_profile *p = NULL;
    pb_status st = pb_profile_load(TEST_PATH(rel), &p);
    cr_assert_eq(st, PB_OK, "%s: %s", rel, pb_profile_errmsg(p));
    return p;
}

Test(profile, example_agent_builder)
{
    pb_profile *p = load_ok("examples/profiles/agent-builder.yaml");
    json_t *j = NULL;
    cr_assert_eq(pb_profile_json(p, &j), PB_OK);
    cr_assert_str_eq(json_string_value(json_object_get(j, "name")), "Alex Martin");
    cr_assert_eq(json_integer_value(json_object_get(j, "experience_years")), 7);
    cr_assert_eq(json_integer_value(json_object_get(j, "contributions")), 180);
    cr_assert_eq(json_integer_value(json_object_get(j, "maintained_projects")), 1);
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(j, "projects"), 0)),
                     "tool-router");
    json_t *skill = json_array_get(json_object_get(j, "premium_skills"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(skill, "name")), "agentic-ai");
    cr_assert_eq(json_integer_value(json_object_get(skill, "line")), 11);
    cr_assert_str_eq(json_string_value(json_object_get(j, "risk_appetite")), "medium");
    cr_assert_float_eq(pb_profile_risk_aversion(p), 2.0, 1e-12);
    json_decref(j);
    pb_profile_free(p);
}

Test(profile, appetite_words_and_numbers)
{
    static const struct {
        const char *text;
        double gamma;
        const char *word;
    } cases[] = {
        {"risk_appetite: low\n", 4.0, "low"},
        {"risk_appetite: medium\n", 2.0, "medium"},
        {"risk_appetite: high\n", 1.0, "high"},
        {"risk_appetite: 0.8\n", 0.8, "number"},
        {"risk_appetite: 0\n", 0.0, "number"},
        {"name: no appetite given\n", 2.0, "medium"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pb_profile *p = NULL;
        cr_assert_eq(pb_profile_parse("p.yaml", cases[i].text, strlen(cases[i].text), &p),
                     PB_OK, "%s", pb_profile_errmsg(p));
        cr_assert_float_eq(pb_profile_risk_aversion(p), cases[i].gamma, 1e-12);
        json_t *j = NULL;
        cr_assert_eq(pb_profile_json(p, &j), PB_OK);
        cr_assert_str_eq(json_string_value(json_object_get(j, "risk_appetite")), cases[i].word);
        json_decref(j);
        pb_profile_free(p);
    }
}

Test(profile, every_example_reads)
{
    static const char *const files[] = {
        "examples/profiles/agent-builder.yaml", "examples/profiles/maintainer.yaml",
        "examples/profiles/equity-seeker.yaml", "examples/profiles/minimal.yaml"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        pb_profile_free(load_ok(files[i]));
}

/* One line of tests/cases/profile_errors.txt: file | message. */
static void bad_file_case(const struct test_case *c, void *ctx)
{
    (void)ctx;
    char **fields = c->f;
    char rel[256], want[1024];
    snprintf(rel, sizeof rel, "tests/fixtures/profiles/%s", fields[0]);
    const char *path = TEST_PATH(rel);
    snprintf(want, sizeof want, "%.*s%s", (int)(strlen(path) - strlen(fields[0])), path,
             fields[1]);
    pb_profile *p = NULL;
    pb_status st = pb_profile_load(path, &p);
    cr_expect_neq(st, PB_OK, "%s should fail", fields[0]);
    cr_expect_str_eq(pb_profile_errmsg(p), want);
    pb_profile_free(p);
}

Test(profile, bad_files_give_file_line_errors)
{
    int n = test_each_case(TEST_PATH("tests/cases/profile_errors.txt"), 2, bad_file_case, NULL);
    cr_assert_geq(n, 10);
}

Test(profile, missing_file)
{
    pb_profile *p = NULL;
    cr_assert_eq(pb_profile_load("/nonexistent/profile.yaml", &p), PB_ERR_IO);
    cr_assert(strstr(pb_profile_errmsg(p), "/nonexistent/profile.yaml: cannot open") != NULL);
    pb_profile_free(p);
}

Test(profile, allocation_failures_are_reported)
{
    const char *text = "name: Sam\nexperience_years: 4\nopen_source: {contributions: 3, "
                       "projects: [a, b]}\npremium_skills: [agentic-ai, {name: x, evidence: "
                       "y}]\nrisk_appetite: low\n";
    for (unsigned long n = 1; n < 200; n++) {
        pb_profile *p = NULL;
        pb__alloc_fail_after(n);
        pb_status st = pb_profile_parse("p.yaml", text, strlen(text), &p);
        json_t *j = NULL;
        if (st == PB_OK)
            st = pb_profile_json(p, &j);
        pb__alloc_fail_after(0);
        json_decref(j);
        pb_profile_free(p);
        if (st == PB_OK)
            return;
        cr_assert_eq(st, PB_ERR_NOMEM, "failure %lu gave %d", n, st);
    }
    cr_assert_fail("never succeeded");
}
