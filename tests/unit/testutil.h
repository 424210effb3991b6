/* testutil.h — helpers shared by the unit tests: locating the project, the
 * seed documents and the shared third-party data, and reading case tables
 * (`a | b | c` lines) case by case. */
#ifndef PB_TESTUTIL_H
#define PB_TESTUTIL_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The day the tests run "on" (2026-11-27): library calls take it as their
 * as-of date, since the library reads no PAYBAND_TODAY. */
#define TEST_TODAY 20784

/* The project root (PAYBAND_ROOT, set by scripts/run-tests, else "."). */
static inline const char *test_root(void)
{
    const char *r = getenv("PAYBAND_ROOT");
    return r ? r : ".";
}

/* Path under the project root, in a static buffer per call site. */
#define TEST_PATH(rel) test_path_in((char[4096]){0}, rel)
static inline const char *test_path_in(char *buf, const char *rel)
{
    snprintf(buf, 4096, "%s/%s", test_root(), rel);
    return buf;
}

/* The seed documents folder, or NULL (with a skip message) when absent. */
static inline const char *test_seeds_dir(void)
{
    static char buf[4096];
    const char *env = getenv("PAYBAND_SEEDS");
    if (env)
        snprintf(buf, sizeof buf, "%s", env);
    else
        snprintf(buf, sizeof buf, "%s/../shared/seeds", test_root());
    FILE *probe = NULL;
    char file[4200];
    snprintf(file, sizeof file, "%s/001_6cf6d1a21825cad0.txt", buf);
    probe = fopen(file, "r");
    if (!probe)
        return NULL;
    fclose(probe);
    return buf;
}

/* A file of the shared third-party data ($PAYBAND_DATA, else
 * ../shared/data), or NULL when absent; the path is in a static buffer. */
static inline const char *test_data_file(const char *name)
{
    static char buf[4200];
    const char *env = getenv("PAYBAND_DATA");
    if (env)
        snprintf(buf, sizeof buf, "%s/%s", env, name);
    else
        snprintf(buf, sizeof buf, "%s/../shared/data/%s", test_root(), name);
    FILE *probe = fopen(buf, "r");
    if (!probe)
        return NULL;
    fclose(probe);
    return buf;
}

/* Read a whole file into a NUL-terminated malloc'd buffer. */
static inline char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf)
        buf[n] = '\0';
    if (len)
        *len = (size_t)n;
    fclose(f);
    return buf;
}

/* Split a case-file line on " | " into at most `max` trimmed fields (in place).
 * Returns the number of fields; comment and blank lines give 0. */
static inline int test_split_fields(char *line, char **fields, int max)
{
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    if (n == 0 || line[0] == '#')
        return 0;
    int count = 0;
    char *p = line;
    while (count < max) {
        char *bar = strstr(p, " | ");
        if (bar)
            *bar = '\0';
        while (*p == ' ')
            p++;
        char *e = p + strlen(p);
        while (e > p && e[-1] == ' ')
            *--e = '\0';
        fields[count++] = p;
        if (!bar)
            break;
        p = bar + 3;
    }
    return count;
}

/* The most fields a case line may have, and the longest case line. */
#define TEST_MAX_FIELDS 16
#define TEST_MAX_LINE 4096

/* For test_each_case: `n` or more fields (the callback checks the rest). */
#define TEST_AT_LEAST(n) (-(n))

/* One case of a case table: where it stands and its trimmed fields. */
struct test_case {
    const char *path;   /* the case table */
    int line;           /* its line number, from 1 */
    const char *where;  /* "path:line", for messages */
    int n;              /* how many fields */
    char **f;           /* the fields */
};

typedef void (*test_case_fn)(const struct test_case *c, void *ctx);

/* Run `fn` on every case of the case table at `path` (blank and '#' lines
 * are not cases) and return how many cases there were. `nfields` > 0: each
 * case has exactly that many fields; TEST_AT_LEAST(n): n or more. A case
 * with the wrong number of fields, or a line longer than TEST_MAX_LINE,
 * fails the test with `path:line:`. */
static inline int test_each_case(const char *path, int nfields, test_case_fn fn, void *ctx)
{
    FILE *f = fopen(path, "r");
    cr_assert(f, "cannot open %s", path);
    int min = nfields > 0 ? nfields : -nfields;
    int max = nfields > 0 ? nfields + 1 : TEST_MAX_FIELDS;
    cr_assert(min >= 1 && max <= TEST_MAX_FIELDS, "%s: bad field count %d", path, nfields);
    char line[TEST_MAX_LINE], where[4096 + 32];
    char *fields[TEST_MAX_FIELDS];
    int lineno = 0, cases = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        cr_assert(feof(f) || (len > 0 && line[len - 1] == '\n'),
                  "%s:%d: line longer than %d bytes", path, lineno, TEST_MAX_LINE - 2);
        int n = test_split_fields(line, fields, max);
        if (n == 0)
            continue;
        if (nfields > 0)
            cr_assert(n == nfields, "%s:%d: malformed case: %d fields, expected %d", path,
                      lineno, n, nfields);
        else
            cr_assert(n >= min, "%s:%d: malformed case: %d fields, expected %d or more", path,
                      lineno, n, min);
        snprintf(where, sizeof where, "%s:%d", path, lineno);
        struct test_case c = {path, lineno, where, n, fields};
        fn(&c, ctx);
        cases++;
    }
    fclose(f);
    return cases;
}

#endif
