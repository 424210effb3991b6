/* profile.c — the candidate profile file of `payband plan` (YAML): years of
 * experience, open-source counts, skills that carry a premium and risk
 * appetite. Format: docs/plan.md, "Profile"; internals: docs/internals/profile.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "store/facts.h"
#include "core/fileio.h"
#include "plan/plan_internal.h"
#include "core/yamlutil.h"
#include "payband/number.h"

#define PROFILE_MAX_BYTES (1u << 20)

static pb_profile *profile_new(const char *name)
{
    pb_profile *p = pb__calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->file = pb__strdup(name ? name : "profile");
    if (!p->file) {
        pb__free(p);
        return NULL;
    }
    p->experience_years = -1;
    p->contributions = -1;
    p->maintained_projects = -1;
    p->appetite = PB__APPETITE_MEDIUM;
    p->risk_aversion = PB__GAMMA_MEDIUM;
    return p;
}

/* Drop what was read (on failure the handle keeps only its message). */
static void profile_clear(pb_profile *p)
{
    pb__free(p->name);
    p->name = NULL;
    for (size_t i = 0; i < p->nprojects; i++)
        pb__free(p->projects[i]);
    pb__free(p->projects);
    p->projects = NULL;
    p->nprojects = 0;
    for (size_t i = 0; i < p->nskills; i++) {
        pb__free(p->skills[i].name);
        pb__free(p->skills[i].evidence);
    }
    pb__free(p->skills);
    p->skills = NULL;
    p->nskills = 0;
}

void pb_profile_free(pb_profile *p)
{
    if (!p)
        return;
    profile_clear(p);
    pb__free(p->file);
    pb__free(p);
}

const char *pb_profile_errmsg(const pb_profile *p)
{
    return p ? p->diag.msg : "out of memory";
}

double pb_profile_risk_aversion(const pb_profile *p)
{
    return p ? p->risk_aversion : PB__GAMMA_MEDIUM;
}

/* A non-empty single-line string. */
static pb_status read_text(pb__yaml *y, yaml_node_t *node, const char *what, char **out,
                           pb__diag *diag)
{
    const char *t = NULL;
    pb_status st = pb__yaml_string(y, node, what, &t, diag);
    if (st != PB_OK || !t)
        return st;
    if (!*t)
        return pb__diag_set(diag, PB_ERR_PARSE, y->file, pb__yaml_line(y, node),
                            "%s must not be empty", what);
    for (const char *c = t; *c; c++)
        if (*c == '\n' || *c == '\r' || *c == '|' || (unsigned char)*c < 0x20)
            return pb__diag_set(diag, PB_ERR_PARSE, y->file, pb__yaml_line(y, node),
                                "%s must be one line of text without '|'", what);
    *out = pb__strdup(t);
    return *out ? PB_OK : pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
}

/* A count: a whole number from 0 to `max`. */
/* Messages quote at most this many bytes of what the file wrote. */
#define QUOTE_MAX 32

static pb_status read_count(pb__yaml *y, yaml_node_t *node, const char *what, int64_t max,
                            int64_t *out, pb__diag *diag)
{
    int64_t v = -1;
    const char *t = node && node->type == YAML_SCALAR_NODE && !pb__yaml_is_null(node)
                        ? pb__yaml_text(node)
                        : NULL;
    if (t) {
        /* a whole number too long to read is out of range, not "not a whole
         * number"; other text is quoted only so far */
        size_t n = strlen(t), digits = strspn(t + (t[0] == '-'), "0123456789");
        if (digits > 18 && digits + (t[0] == '-') == n)
            return pb__diag_set(diag, PB_ERR_PARSE, y->file, pb__yaml_line(y, node),
                                "%s must be between 0 and %lld, not a %zu-digit number", what,
                                (long long)max, digits);
        if (n > QUOTE_MAX && digits + (t[0] == '-') != n)
            return pb__diag_set(diag, PB_ERR_PARSE, y->file, pb__yaml_line(y, node),
                                "%s must be a whole number, not '%.*s\xE2\x80\xA6'", what,
                                QUOTE_MAX, t);
    }
    pb_status st = pb__yaml_int(y, node, what, &v, diag);
    if (st != PB_OK || pb__yaml_is_null(node))
        return st;
    if (v < 0 || v > max)
        return pb__diag_set(diag, PB_ERR_PARSE, y->file, pb__yaml_line(y, node),
                            "%s must be between 0 and %lld, not %lld", what, (long long)max,
                            (long long)v);
    *out = v;
    return PB_OK;
}

static pb_status read_open_source(pb_profile *p, pb__yaml *y, yaml_node_t *node)
{
    static const char *const keys[] = {"contributions", "maintained_projects", "projects",
                                       NULL};
    pb__diag *diag = &p->diag;
    if (pb__yaml_is_null(node))
        return PB_OK;
    pb_status st = pb__yaml_expect(y, node, YAML_MAPPING_NODE, "open_source", diag);
    if (st == PB_OK)
        st = pb__yaml_check_keys(y, node, keys, diag);
    if (st == PB_OK)
        st = read_count(y, pb__yaml_get(y, node, "contributions"), "contributions", 10000000,
                        &p->contributions, diag);
    if (st == PB_OK)
        st = read_count(y, pb__yaml_get(y, node, "maintained_projects"), "maintained_projects",
                        100000, &p->maintained_projects, diag);
    yaml_node_t *projects = pb__yaml_get(y, node, "projects");
    if (st != PB_OK || pb__yaml_is_null(projects))
        return st;
    st = pb__yaml_expect(y, projects, YAML_SEQUENCE_NODE, "projects", diag);
    size_t n = pb__yaml_seq_len(projects);
    if (st == PB_OK && n > 0) {
        p->projects = pb__calloc(n, sizeof *p->projects);
        if (!p->projects)
            return pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; st == PB_OK && i < n; i++) {
        yaml_node_t *item = pb__yaml_seq_at(y, projects, i);
        st = pb__yaml_expect(y, item, YAML_SCALAR_NODE, "a project name", diag);
        if (st == PB_OK)
            st = read_text(y, item, "a project name", &p->projects[i], diag);
        if (st == PB_OK)
            p->nprojects++;
    }
    return st;
}

static pb_status read_skill(pb_profile *p, pb__yaml *y, yaml_node_t *item, struct pb__skill *s)
{
    static const char *const keys[] = {"name", "evidence", NULL};
    pb__diag *diag = &p->diag;
    pb_status st = PB_OK;
    s->line = pb__yaml_line(y, item);
    if (pb__yaml_is_null(item)) {
        st = pb__diag_set(diag, PB_ERR_PARSE, y->file, s->line, "a premium skill needs a name");
    } else if (item->type == YAML_SCALAR_NODE) {
        st = read_text(y, item, "a premium skill", &s->name, diag);
    } else if (item->type == YAML_MAPPING_NODE) {
        st = pb__yaml_check_keys(y, item, keys, diag);
        yaml_node_t *name = pb__yaml_get(y, item, "name");
        if (st == PB_OK && pb__yaml_is_null(name))
            st = pb__diag_set(diag, PB_ERR_PARSE, y->file, s->line,
                              "a premium skill needs a name");
        if (st == PB_OK)
            st = read_text(y, name, "name", &s->name, diag);
        if (st == PB_OK)
            st = read_text(y, pb__yaml_get(y, item, "evidence"), "evidence", &s->evidence,
                           diag);
    } else {
        st = pb__diag_set(diag, PB_ERR_PARSE, y->file, s->line,
                          "a premium skill must be a name or a mapping with name and evidence");
    }
    if (st != PB_OK || !s->name)
        return st;
    char *slug = pb__slugify(s->name);
    if (!slug)
        return pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    bool empty = slug[0] == '\0';
    pb__free(slug);
    if (empty)
        return pb__diag_set(diag, PB_ERR_PARSE, y->file, s->line,
                            "premium skill '%s' has no letters or digits", s->name);
    return PB_OK;
}

static pb_status read_skills(pb_profile *p, pb__yaml *y, yaml_node_t *node)
{
    pb__diag *diag = &p->diag;
    if (pb__yaml_is_null(node))
        return PB_OK;
    pb_status st = pb__yaml_expect(y, node, YAML_SEQUENCE_NODE, "premium_skills", diag);
    size_t n = pb__yaml_seq_len(node);
    if (st != PB_OK || n == 0)
        return st;
    p->skills = pb__calloc(n, sizeof *p->skills);
    if (!p->skills)
        return pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; st == PB_OK && i < n; i++) {
        struct pb__skill *s = &p->skills[p->nskills];
        st = read_skill(p, y, pb__yaml_seq_at(y, node, i), s);
        if (s->name || s->evidence)
            p->nskills++;
        for (size_t k = 0; st == PB_OK && k + 1 < p->nskills; k++) {
            char *a = pb__slugify(p->skills[k].name), *b = pb__slugify(s->name);
            bool same = a && b && strcmp(a, b) == 0;
            if (!a || !b)
                st = pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
            else if (same)
                st = pb__diag_set(diag, PB_ERR_PARSE, y->file, s->line,
                                  "premium skill '%s' is listed twice (first at line %ld)",
                                  s->name, p->skills[k].line);
            pb__free(a);
            pb__free(b);
        }
    }
    return st;
}

static pb_status read_appetite(pb_profile *p, pb__yaml *y, yaml_node_t *node)
{
    pb__diag *diag = &p->diag;
    if (pb__yaml_is_null(node))
        return PB_OK;
    pb_status st = pb__yaml_expect(y, node, YAML_SCALAR_NODE, "risk_appetite", diag);
    if (st != PB_OK)
        return st;
    const char *t = pb__yaml_text(node);
    p->line = pb__yaml_line(y, node);
    if (strcmp(t, "low") == 0) {
        p->appetite = PB__APPETITE_LOW;
        p->risk_aversion = PB__GAMMA_LOW;
        return PB_OK;
    }
    if (strcmp(t, "medium") == 0) {
        p->appetite = PB__APPETITE_MEDIUM;
        p->risk_aversion = PB__GAMMA_MEDIUM;
        return PB_OK;
    }
    if (strcmp(t, "high") == 0) {
        p->appetite = PB__APPETITE_HIGH;
        p->risk_aversion = PB__GAMMA_HIGH;
        return PB_OK;
    }
    double v = 0;
    if (!pb_decimal_parse_str(t, &v))
        return pb__diag_set(diag, PB_ERR_PARSE, y->file, p->line,
                            "risk_appetite must be low, medium, high or a risk-aversion "
                            "coefficient, not '%s'",
                            t);
    if (v < 0 || v > PB__GAMMA_MAX)
        return pb__diag_set(diag, PB_ERR_PARSE, y->file, p->line,
                            "risk_appetite as a risk-aversion coefficient must be between 0 "
                            "and %g, not %g",
                            PB__GAMMA_MAX, v);
    p->appetite = PB__APPETITE_NUMBER;
    p->risk_aversion = v;
    return PB_OK;
}

static pb_status parse_into(pb_profile *p, const char *text, size_t len)
{
    static const char *const top[] = {"name", "experience_years", "open_source",
                                      "premium_skills", "risk_appetite", NULL};
    pb__diag *diag = &p->diag;
    pb__yaml y;
    pb_status st = pb__yaml_load(&y, p->file, text, len, 0, diag);
    if (st != PB_OK)
        return st;
    yaml_node_t *root = pb__yaml_root(&y);
    if (!root)
        st = pb__diag_set(diag, PB_ERR_PARSE, p->file, 1, "empty profile");
    if (st == PB_OK)
        st = pb__yaml_expect(&y, root, YAML_MAPPING_NODE, "the profile", diag);
    if (st == PB_OK)
        st = pb__yaml_check_keys(&y, root, top, diag);
    if (st == PB_OK)
        st = read_text(&y, pb__yaml_get(&y, root, "name"), "name", &p->name, diag);
    if (st == PB_OK)
        st = read_count(&y, pb__yaml_get(&y, root, "experience_years"), "experience_years", 70,
                        &p->experience_years, diag);
    if (st == PB_OK)
        st = read_open_source(p, &y, pb__yaml_get(&y, root, "open_source"));
    if (st == PB_OK)
        st = read_skills(p, &y, pb__yaml_get(&y, root, "premium_skills"));
    if (st == PB_OK)
        st = read_appetite(p, &y, pb__yaml_get(&y, root, "risk_appetite"));
    pb__yaml_release(&y);
    return st;
}

pb_status pb_profile_parse(const char *name, const char *text, size_t len, pb_profile **out)
{
    *out = profile_new(name);
    if (!*out)
        return PB_ERR_NOMEM;
    pb_status st = parse_into(*out, text, len);
    if (st != PB_OK)
        profile_clear(*out);
    return st;
}

pb_status pb_profile_load(const char *path, pb_profile **out)
{
    char *text = NULL;
    size_t len = 0;
    *out = profile_new(path);
    if (!*out)
        return PB_ERR_NOMEM;
    pb_status st = pb__read_file(path, PROFILE_MAX_BYTES, &text, &len, &(*out)->diag);
    if (st == PB_OK)
        st = parse_into(*out, text, len);
    pb__free(text);
    if (st != PB_OK)
        profile_clear(*out);
    return st;
}

static const char *appetite_name(enum pb__appetite a)
{
    switch (a) {
    case PB__APPETITE_LOW: return "low";
    case PB__APPETITE_MEDIUM: return "medium";
    case PB__APPETITE_HIGH: return "high";
    default: return "number";
    }
}

static json_t *count_json(int64_t v)
{
    return v < 0 ? json_null() : json_integer(v);
}

pb_status pb_profile_json(const pb_profile *p, json_t **out)
{
    *out = NULL;
    json_t *o = json_object(), *projects = json_array(), *skills = json_array();
    if (!o || !projects || !skills)
        goto nomem;
    for (size_t i = 0; i < p->nprojects; i++)
        if (json_array_append_new(projects, json_string(p->projects[i])) != 0)
            goto nomem;
    for (size_t i = 0; i < p->nskills; i++) {
        const struct pb__skill *s = &p->skills[i];
        json_t *so = json_pack("{s:s, s:o, s:I}", "name", s->name, "evidence",
                               s->evidence ? json_string(s->evidence) : json_null(), "line",
                               (json_int_t)s->line);
        if (!so || json_array_append_new(skills, so) != 0)
            goto nomem;
    }
    if (json_object_set_new(o, "file", json_string(p->file)) != 0 ||
        json_object_set_new(o, "name", p->name ? json_string(p->name) : json_null()) != 0 ||
        json_object_set_new(o, "experience_years", count_json(p->experience_years)) != 0 ||
        json_object_set_new(o, "contributions", count_json(p->contributions)) != 0 ||
        json_object_set_new(o, "maintained_projects", count_json(p->maintained_projects)) !=
            0 ||
        json_object_set(o, "projects", projects) != 0 ||
        json_object_set(o, "premium_skills", skills) != 0 ||
        json_object_set_new(o, "risk_appetite", json_string(appetite_name(p->appetite))) != 0 ||
        json_object_set_new(o, "risk_aversion", json_real(p->risk_aversion)) != 0)
        goto nomem;
    json_decref(projects);
    json_decref(skills);
    *out = o;
    return PB_OK;
nomem:
    json_decref(o);
    json_decref(projects);
    json_decref(skills);
    return PB_ERR_NOMEM;
}
